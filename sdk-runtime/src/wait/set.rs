//! Waiting for many: one scheduler for every wait of a set, polling in batches where the service allows it.
//!
//! A [`Waiter`](super::Waiter) is one task polling one URL. A service that supervises hundreds of jobs would send a
//! request per job per round, which is what gets a client throttled. A [`WaitSet`] instead keeps every tracked id
//! in one driver task (a few hundred bytes per id, no task or timer of its own) and polls the ids that are due
//! together, through a [`BatchTarget`]: ESS asks for up to a hundred requests in one multi-select query;
//! services without batches are polled one id per request, still from the one scheduler.
//!
//! Each id follows the same [`WaitPolicy`] as a single wait (growing delays, `Retry-After`, error budget, maximum
//! wait with a last poll at the deadline), without the jitter: jitter spreads independent clients apart, and a set
//! is one client. Each id is due at 0.8 of the policy's bound for its delay (single waiters' jittered delays
//! average half of it), and may be polled earlier to join a batch: when a batch is sent, every id whose next poll
//! is less than half its current delay away goes with it. So ends are noticed as soon as single waiters notice
//! them, with far fewer requests ([`SetOptions`] sets both fractions).
//!
//! A set keeps no status document between polls (a status can be kilobytes and a set may track a hundred
//! thousand ids): [`Outcome::TimedOut`] carries the status of the last poll at the deadline, if it succeeded, and
//! [`Outcome::PollFailed`] none.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{Debug, Display};
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::poll_state::{Next, PollState, Spacing};
use super::{Classified, Outcome, Polled, Snapshot, WaitPolicy};
use crate::Error;

/// What a service contributes to a [`WaitSet`]: fetch the statuses of several ids at once. What a status means
/// is the status type's own [`Classified`] classification.
pub trait BatchTarget: Send + Sync + 'static {
    /// The id of one piece of work.
    type Id: Clone + Eq + Hash + Debug + Display + Send + Sync + 'static;
    /// The service's status document.
    type Status: Classified;

    /// What the set waits for, in words for an error message (`ESS requests`).
    fn label(&self) -> &'static str;

    /// The most ids one [`fetch`](Self::fetch) may be given (1 for a service without batch queries).
    fn max_batch(&self) -> usize;

    /// Fetches the status of each of `ids`: one entry per id, the status or the error of its poll. A batch
    /// answered `429` or `503` gives each id that error, so that the whole batch backs off; an id the reply
    /// leaves out is fetched on its own by the adapter, so that correctness never depends on a batch reply.
    fn fetch(&self, ids: Vec<Self::Id>) -> impl Future<Output = Fetched<Self::Id, Self::Status>> + Send;
}

/// What a [`WaitSet`] reports: every status seen, and each id's outcome when its wait ends.
#[derive(Debug)]
pub enum SetEvent<I, T> {
    /// A status of `id` was polled.
    Progress {
        /// The id.
        id: I,
        /// What was seen.
        snapshot: Snapshot<T>,
    },
    /// The wait for `id` ended.
    Finished {
        /// The id.
        id: I,
        /// How it ended.
        outcome: Outcome<T>,
    },
}

/// How a [`WaitSet`] sends its batches.
#[derive(Clone, Debug)]
pub struct SetOptions {
    /// How many batches may be in flight at once (default 4).
    pub concurrency: usize,
    /// When an id is due after its previous poll, as a fraction of the policy's bound for the delay (default
    /// 0.8). A set does not jitter (jitter spreads independent clients apart; a set is one client), and full jitter
    /// makes a single waiter's delays average half the bound, so polling at the whole bound would notice ends later
    /// than single waiters do; at 0.8 it notices them as soon, with far fewer requests.
    pub due_fraction: f64,
    /// How far ahead of its due time an id may be polled to join a batch, as a fraction of its current delay
    /// (default 0.5); a new id's first poll waits at most this fraction of the first delay for a batch to join.
    /// 0 polls every id exactly when due, and a new id at once.
    pub pull_forward: f64,
}

impl Default for SetOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            due_fraction: 0.8,
            pull_forward: 0.5,
        }
    }
}

impl SetOptions {
    /// The delay after poll number `poll` under `policy`: the policy's bound times [`due_fraction`](Self::due_fraction).
    fn delay(&self, policy: &WaitPolicy, poll: u32) -> Duration {
        policy.ceiling(poll).mul_f64(self.due_fraction.clamp(0.05, 1.0))
    }
}

enum Command<I, T> {
    Add {
        id: I,
        notify: Option<oneshot::Sender<Box<Outcome<T>>>>,
    },
    /// [`WaitSet::cancel`]: stop polling the id, whoever waits for it.
    Cancel(I),
    /// A [`Wait`] was dropped before its outcome: stop polling the id unless another wait still wants it.
    Dropped(I),
}

/// A set of waits sharing one scheduler. Cheap to clone: clones add to and cancel in the same set.
///
/// The driver is a task spawned on the current Tokio runtime when the set is made (so, like `tokio::spawn`, a set
/// must be made inside one); it ends when every handle of the set is dropped and no wait is left.
///
/// ```
/// use std::time::Duration;
/// use sdk_runtime::wait::{BatchTarget, Class, Classified, Lifecycle, Outcome, Polled, WaitPolicy, WaitSet};
///
/// /// How many polls a job has left.
/// #[derive(Clone, Debug)]
/// struct Left(u32);
///
/// impl Lifecycle for Left {
///     fn class(&self) -> Class {
///         if self.0 == 0 { Class::Succeeded } else { Class::Running }
///     }
/// }
///
/// impl Classified for Left {
///     fn state(&self) -> String {
///         format!("{} to go", self.0)
///     }
/// }
///
/// /// Jobs that end after as many polls as their id.
/// struct Countdown(std::sync::Mutex<std::collections::HashMap<u32, u32>>);
///
/// impl BatchTarget for Countdown {
///     type Id = u32;
///     type Status = Left;
///     fn label(&self) -> &'static str { "countdowns" }
///     fn max_batch(&self) -> usize { 100 }
///     async fn fetch(&self, ids: Vec<u32>) -> Vec<(u32, Result<Polled<Left>, sdk_runtime::Error>)> {
///         let mut seen = self.0.lock().unwrap();
///         ids.into_iter()
///             .map(|id| {
///                 let polls = seen.entry(id).or_default();
///                 *polls += 1;
///                 (id, Ok(Polled { status: Left(id.saturating_sub(*polls)), retry_after: None }))
///             })
///             .collect()
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let set = WaitSet::new(Countdown(Default::default()), WaitPolicy::default());
/// let waits: Vec<_> = (1..=3).map(|id| set.add(id)).collect();
/// for wait in waits {
///     assert!(matches!(wait.await, Outcome::Succeeded(Left(0))));
/// }
/// # }
/// ```
pub struct WaitSet<B: BatchTarget> {
    commands: mpsc::UnboundedSender<Command<B::Id, B::Status>>,
    events: EventSlot<B::Id, B::Status>,
}

impl<B: BatchTarget> Clone for WaitSet<B> {
    fn clone(&self) -> Self {
        Self {
            commands: self.commands.clone(),
            events: self.events.clone(),
        }
    }
}

impl<B: BatchTarget> Debug for WaitSet<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitSet").finish_non_exhaustive()
    }
}

impl<B: BatchTarget> WaitSet<B> {
    /// A set polling `target` under `policy`, with the default [`SetOptions`].
    pub fn new(target: B, policy: WaitPolicy) -> Self {
        Self::with_options(target, policy, SetOptions::default())
    }

    /// A set polling `target` under `policy` and `options`.
    pub fn with_options(target: B, policy: WaitPolicy, options: SetOptions) -> Self {
        let (commands, receiver) = mpsc::unbounded_channel();
        let events = Arc::new(Mutex::new(None));
        let driver = Driver {
            target: Arc::new(target),
            policy,
            options,
            commands: Some(receiver),
            events: events.clone(),
            tracked: HashMap::new(),
            due: BTreeMap::new(),
            eligible: BTreeMap::new(),
            followers: HashMap::new(),
            sequence: 0,
        };
        tokio::spawn(driver.run());
        Self { commands, events }
    }

    /// Starts waiting for `id`; the returned [`Wait`] resolves to its outcome. Dropping the `Wait` before it
    /// resolves stops polling `id`, unless another `Wait` of the same id is still held. Adding an id already
    /// waited for joins its wait: the id is polled as before, not twice, and every `Wait` of it gets the outcome.
    pub fn add(&self, id: B::Id) -> Wait<B::Id, B::Status> {
        let (notify, outcome) = oneshot::channel();
        let _ = self.commands.send(Command::Add {
            id: id.clone(),
            notify: Some(notify),
        });
        Wait {
            id: Some(id),
            outcome,
            commands: self.commands.clone(),
        }
    }

    /// Starts waiting for `id` without a handle: its outcome is reported by [`events`](Self::events) only, and
    /// only [`cancel`](Self::cancel) stops it.
    pub fn track(&self, id: B::Id) {
        let _ = self.commands.send(Command::Add { id, notify: None });
    }

    /// Stops polling `id`.
    pub fn cancel(&self, id: &B::Id) {
        let _ = self.commands.send(Command::Cancel(id.clone()));
    }

    /// The events of the set from now on: each status polled, and each outcome as its wait ends. One stream at a
    /// time: calling this again ends the previous stream. Events are only kept while a stream exists.
    pub fn events(&self) -> impl Stream<Item = SetEvent<B::Id, B::Status>> + Send + use<B> {
        let (sender, mut receiver) = mpsc::unbounded_channel();
        if let Ok(mut slot) = self.events.lock() {
            *slot = Some(sender);
        }
        futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
    }
}

/// The wait for one id of a [`WaitSet`]: a future of its outcome. Dropping it stops polling the id.
pub struct Wait<I, T> {
    id: Option<I>,
    // The outcome is boxed: a channel holds room for its value from the start, and an outcome can be kilobytes
    // (a status document), which a hundred thousand waiting channels would hold for nothing.
    outcome: oneshot::Receiver<Box<Outcome<T>>>,
    commands: mpsc::UnboundedSender<Command<I, T>>,
}

impl<I: Debug, T> Debug for Wait<I, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait").field("id", &self.id).finish_non_exhaustive()
    }
}

impl<I: Unpin + Display, T> Future for Wait<I, T> {
    type Output = Outcome<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<T>> {
        match Pin::new(&mut self.outcome).poll(cx) {
            Poll::Ready(Ok(outcome)) => {
                self.id = None;
                Poll::Ready(*outcome)
            }
            // No outcome, not even the driver's own report of its stop (see `Driver`'s `Drop`): the wait was added
            // after its runtime had shut down.
            Poll::Ready(Err(_)) => {
                let id = self.id.take().map(|id| id.to_string()).unwrap_or_default();
                let status = std::any::type_name::<T>();
                Poll::Ready(Outcome::PollFailed {
                    error: Error::WaitSetStopped {
                        waits_for: status.rsplit("::").next().unwrap_or(status),
                        id,
                    },
                    last: None,
                    polls: 0,
                })
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<I, T> Drop for Wait<I, T> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let _ = self.commands.send(Command::Dropped(id));
        }
    }
}

/// One id the driver waits for.
struct Tracked<T> {
    key: u64,
    /// What its polls have shown so far.
    state: PollState,
    /// When the policy says to poll next.
    next_at: Instant,
    /// The earliest it may be polled to join a batch.
    earliest_at: Instant,
    in_flight: bool,
    notify: Option<oneshot::Sender<Box<Outcome<T>>>>,
}

/// What a [`BatchTarget::fetch`] returns: per id, the status or the error of its poll.
pub type Fetched<I, T> = Vec<(I, Result<Polled<T>, Error>)>;

/// The slot of the set's one event stream.
type EventSlot<I, T> = Arc<Mutex<Option<mpsc::UnboundedSender<SetEvent<I, T>>>>>;

/// The batches in flight.
type InFlight<I, T> = FuturesUnordered<Pin<Box<dyn Future<Output = Fetched<I, T>> + Send>>>;

struct Driver<B: BatchTarget> {
    target: Arc<B>,
    policy: WaitPolicy,
    options: SetOptions,
    commands: Option<mpsc::UnboundedReceiver<Command<B::Id, B::Status>>>,
    events: EventSlot<B::Id, B::Status>,
    tracked: HashMap<B::Id, Tracked<B::Status>>,
    /// `(next_at, key) -> id`, for the time of the next batch.
    due: BTreeMap<(Instant, u64), B::Id>,
    /// `(earliest_at, key) -> id`, for the ids that may join it.
    eligible: BTreeMap<(Instant, u64), B::Id>,
    /// The other waits of an id added again while it was waited for; they get the same outcome.
    followers: HashMap<B::Id, Vec<Notify<B::Status>>>,
    sequence: u64,
}

/// Where a wait's outcome is sent.
type Notify<T> = oneshot::Sender<Box<Outcome<T>>>;

impl<B: BatchTarget> Drop for Driver<B> {
    /// A driver is dropped before its waits end only when its runtime shuts down: each wait still open, and each
    /// not yet applied, is told so.
    fn drop(&mut self) {
        let waits_for = self.target.label();
        let stopped = |id: &B::Id, polls: u32| {
            Box::new(Outcome::PollFailed {
                error: Error::WaitSetStopped {
                    waits_for,
                    id: id.to_string(),
                },
                last: None,
                polls,
            })
        };
        for (id, tracked) in self.tracked.drain() {
            let followers = self.followers.remove(&id).unwrap_or_default();
            for notify in tracked.notify.into_iter().chain(followers) {
                let _ = notify.send(stopped(&id, tracked.state.polls()));
            }
        }
        if let Some(receiver) = self.commands.as_mut() {
            while let Ok(command) = receiver.try_recv() {
                if let Command::Add {
                    id,
                    notify: Some(notify),
                } = command
                {
                    let _ = notify.send(stopped(&id, 0));
                }
            }
        }
    }
}

impl<B: BatchTarget> Driver<B> {
    async fn run(mut self) {
        let mut in_flight: InFlight<B::Id, B::Status> = FuturesUnordered::new();
        loop {
            // Everything already asked for first, so that ids added together are polled together.
            while let Some(receiver) = self.commands.as_mut() {
                match receiver.try_recv() {
                    Ok(command) => self.apply(command),
                    Err(mpsc::error::TryRecvError::Empty) => break,
                    Err(mpsc::error::TryRecvError::Disconnected) => self.commands = None,
                }
            }
            if self.commands.is_none() && self.tracked.is_empty() {
                return;
            }
            let next_fire = self.due.keys().next().map(|(at, _)| *at);
            let room = in_flight.len() < self.options.concurrency.max(1);
            tokio::select! {
                command = recv(&mut self.commands) => match command {
                    Some(command) => self.apply(command),
                    None => self.commands = None,
                },
                Some(fetched) = in_flight.next(), if !in_flight.is_empty() => self.settle(fetched),
                () = sleep_until(next_fire), if room && next_fire.is_some() => {
                    while in_flight.len() < self.options.concurrency.max(1) {
                        let batch = self.take_batch(Instant::now());
                        if batch.is_empty() {
                            break;
                        }
                        let target = self.target.clone();
                        in_flight.push(Box::pin(async move { target.fetch(batch).await }));
                    }
                }
            }
        }
    }

    fn apply(&mut self, command: Command<B::Id, B::Status>) {
        match command {
            Command::Add { id, notify } => {
                if let Some(tracked) = self.tracked.get_mut(&id) {
                    // Already waited for: the new wait joins it (an id tracked without a handle takes the new
                    // one as its handle).
                    match (&tracked.notify, notify) {
                        (_, None) => {}
                        (None, Some(notify)) => tracked.notify = Some(notify),
                        (Some(_), Some(notify)) => self.followers.entry(id).or_default().push(notify),
                    }
                    return;
                }
                let now = Instant::now();
                self.sequence += 1;
                // The first poll joins the next batch, or goes out alone at most `pull_forward` of the first
                // delay later: ids added one after another are then polled together, not one request each.
                let first = now
                    + self
                        .policy
                        .ceiling(1)
                        .mul_f64(self.options.due_fraction.clamp(0.05, 1.0))
                        .mul_f64(self.options.pull_forward.clamp(0.0, 1.0));
                let tracked = Tracked {
                    key: self.sequence,
                    state: PollState::new(now),
                    next_at: first,
                    earliest_at: now,
                    in_flight: false,
                    notify,
                };
                self.due.insert((first, tracked.key), id.clone());
                self.eligible.insert((now, tracked.key), id.clone());
                self.tracked.insert(id, tracked);
            }
            Command::Cancel(id) => {
                self.followers.remove(&id);
                if self.remove(&id).is_some() {
                    tracing::debug!(id = %id, "wait cancelled");
                }
            }
            Command::Dropped(id) => {
                // The dropped wait is the one whose receiver is closed; the id stays polled while another wait of
                // it is held.
                let mut followers = self.followers.remove(&id).unwrap_or_default();
                followers.retain(|notify| !notify.is_closed());
                let Some(tracked) = self.tracked.get_mut(&id) else {
                    return;
                };
                if tracked.notify.as_ref().is_some_and(oneshot::Sender::is_closed) {
                    tracked.notify = followers.pop();
                    if tracked.notify.is_none() {
                        self.remove(&id);
                        tracing::debug!(id = %id, "wait dropped");
                        return;
                    }
                }
                if !followers.is_empty() {
                    self.followers.insert(id, followers);
                }
            }
        }
    }

    fn remove(&mut self, id: &B::Id) -> Option<Tracked<B::Status>> {
        let tracked = self.tracked.remove(id)?;
        self.due.remove(&(tracked.next_at, tracked.key));
        self.eligible.remove(&(tracked.earliest_at, tracked.key));
        Some(tracked)
    }

    /// The ids to poll now: those due first, then those that may be polled early, up to one batch.
    fn take_batch(&mut self, now: Instant) -> Vec<B::Id> {
        let limit = self.target.max_batch().max(1);
        let mut batch = Vec::new();
        while batch.len() < limit {
            let Some((&(at, key), _)) = self.due.iter().next() else {
                break;
            };
            if at > now {
                break;
            }
            if let Some(id) = self.due.remove(&(at, key)) {
                if let Some(tracked) = self.tracked.get(&id) {
                    self.eligible.remove(&(tracked.earliest_at, tracked.key));
                }
                batch.push(id);
            }
        }
        if !batch.is_empty() {
            while batch.len() < limit {
                let Some((&(at, key), _)) = self.eligible.iter().next() else {
                    break;
                };
                if at > now {
                    break;
                }
                if let Some(id) = self.eligible.remove(&(at, key)) {
                    if let Some(tracked) = self.tracked.get(&id) {
                        self.due.remove(&(tracked.next_at, tracked.key));
                    }
                    batch.push(id);
                }
            }
        }
        for id in &batch {
            if let Some(tracked) = self.tracked.get_mut(id) {
                tracked.in_flight = true;
            }
        }
        batch
    }

    fn settle(&mut self, fetched: Fetched<B::Id, B::Status>) {
        for (id, result) in fetched {
            // A wait cancelled while its poll was in flight is gone: its result is dropped.
            let Some(mut tracked) = self.tracked.remove(&id) else {
                continue;
            };
            if !tracked.in_flight {
                self.tracked.insert(id, tracked);
                continue;
            }
            tracked.in_flight = false;
            let now = Instant::now();
            let poll = tracked.state.polls() + 1;
            if let Ok(polled) = &result
                && self.has_stream()
            {
                self.emit(SetEvent::Progress {
                    id: id.clone(),
                    snapshot: Snapshot {
                        status: polled.status.clone(),
                        state: polled.status.state(),
                        percent_complete: polled.status.percent_complete(),
                        poll,
                        elapsed: now.saturating_duration_since(tracked.state.started()),
                    },
                });
            }
            // No jitter (see `SetOptions::due_fraction`): each id is due a fixed fraction of the policy's bound
            // after its previous poll, counted from when that poll was due (from the start, for the first poll,
            // which may have waited for a batch), or from when it was made if that was earlier: a late poll never
            // delays the next.
            let delay = self.options.delay(&self.policy, poll);
            let base = if poll == 1 {
                tracked.state.started()
            } else {
                now.min(tracked.next_at)
            };
            let spacing = Spacing { base, delay };
            match tracked
                .state
                .settle(result.map(Polled::some), &self.policy, spacing, now, Some(&id))
            {
                Next::Done(outcome) => self.finish(id, tracked, outcome),
                Next::Again(again) => {
                    // Pulled forward at most a fraction of the delay to join a batch, never before the server's
                    // Retry-After, and never past the last poll at the deadline.
                    let early = delay.mul_f64(self.options.pull_forward.clamp(0.0, 1.0));
                    let mut earliest_at = (base + delay - early).max(again.not_before);
                    if again.last_poll {
                        earliest_at = earliest_at.min(again.at);
                    }
                    tracked.next_at = again.at;
                    tracked.earliest_at = earliest_at;
                    self.due.insert((again.at, tracked.key), id.clone());
                    self.eligible.insert((earliest_at, tracked.key), id.clone());
                    self.tracked.insert(id, tracked);
                }
            }
        }
    }

    fn finish(&mut self, id: B::Id, mut tracked: Tracked<B::Status>, outcome: Outcome<B::Status>) {
        if !self.followers.is_empty()
            && let Some(followers) = self.followers.remove(&id)
        {
            for notify in followers {
                let _ = notify.send(Box::new(outcome.clone()));
            }
        }
        match tracked.notify.take() {
            Some(notify) if self.has_stream() => {
                let _ = notify.send(Box::new(outcome.clone()));
                self.emit(SetEvent::Finished { id, outcome });
            }
            Some(notify) => {
                let _ = notify.send(Box::new(outcome));
            }
            None => self.emit(SetEvent::Finished { id, outcome }),
        }
    }

    fn has_stream(&self) -> bool {
        self.events.lock().map(|slot| slot.is_some()).unwrap_or(false)
    }

    fn emit(&self, event: SetEvent<B::Id, B::Status>) {
        if let Ok(mut slot) = self.events.lock()
            && let Some(sender) = slot.as_ref()
            && sender.send(event).is_err()
        {
            *slot = None;
        }
    }
}

async fn recv<T>(receiver: &mut Option<mpsc::UnboundedReceiver<T>>) -> Option<T> {
    match receiver {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use futures::StreamExt as _;

    use super::*;

    /// Jobs that succeed at a fixed time after the set's start; records every batch it is asked for.
    struct Jobs {
        origin: Instant,
        ends: HashMap<u32, Duration>,
        batches: Mutex<Vec<Vec<u32>>>,
        /// Answer every poll of these ids with 503 and this Retry-After.
        throttled_until: Option<Duration>,
    }

    impl Jobs {
        fn new(ends: impl IntoIterator<Item = (u32, u64)>) -> Self {
            Self {
                origin: Instant::now(),
                ends: ends.into_iter().map(|(id, s)| (id, Duration::from_secs(s))).collect(),
                batches: Mutex::new(Vec::new()),
                throttled_until: None,
            }
        }

        fn polls_of(&self, id: u32) -> usize {
            self.batches
                .lock()
                .map(|b| b.iter().filter(|batch| batch.contains(&id)).count())
                .unwrap_or_default()
        }

        fn batch_count(&self) -> usize {
            self.batches.lock().map(|b| b.len()).unwrap_or_default()
        }
    }

    fn unavailable(retry_after: Duration) -> Error {
        crate::error::test_http_error(503, Some(retry_after))
    }

    impl BatchTarget for Arc<Jobs> {
        type Id = u32;
        type Status = &'static str;

        fn label(&self) -> &'static str {
            "test jobs"
        }

        fn max_batch(&self) -> usize {
            50
        }

        async fn fetch(&self, ids: Vec<u32>) -> Fetched<u32, &'static str> {
            if let Ok(mut batches) = self.batches.lock() {
                batches.push(ids.clone());
            }
            let now = self.origin.elapsed();
            ids.into_iter()
                .map(|id| {
                    if let Some(until) = self.throttled_until
                        && now < until
                    {
                        return (id, Err(unavailable(until - now)));
                    }
                    let done = self.ends.get(&id).is_some_and(|end| now >= *end);
                    let status = if done { "DONE" } else { "RUNNING" };
                    (
                        id,
                        Ok(Polled {
                            status,
                            retry_after: None,
                        }),
                    )
                })
                .collect()
        }
    }

    fn policy() -> WaitPolicy {
        WaitPolicy::default()
            .initial_delay(Duration::from_secs(2))
            .max_delay(Duration::from_secs(16))
    }

    #[tokio::test(start_paused = true)]
    async fn many_waits_share_few_requests_and_each_ends_right() {
        let jobs = Arc::new(Jobs::new((0..200).map(|id| (id, u64::from(id % 40) * 3))));
        let set = WaitSet::new(jobs.clone(), policy());
        let waits: Vec<_> = (0..200).map(|id| set.add(id)).collect();
        for wait in waits {
            assert!(matches!(wait.await, Outcome::Succeeded("DONE")));
        }
        let id_polls: usize = (0..200).map(|id| jobs.polls_of(id)).sum();
        let requests = jobs.batch_count();
        assert!(
            requests * 10 <= id_polls,
            "{requests} requests for {id_polls} polls of single ids"
        );
        assert!(
            jobs.batches
                .lock()
                .map(|b| b.iter().all(|batch| batch.len() <= 50))
                .unwrap_or(false)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_id_added_twice_is_polled_once_and_both_waits_get_its_outcome() {
        let jobs = Arc::new(Jobs::new([(1, 30)]));
        let set = WaitSet::new(jobs.clone(), policy());
        let first = set.add(1);
        tokio::time::sleep(Duration::from_secs(10)).await;
        let polls_before = jobs.polls_of(1);
        let second = set.add(1);
        // The second joins the first: polling goes on as it was, not restarted with a first poll of its own.
        tokio::task::yield_now().await;
        assert_eq!(jobs.polls_of(1), polls_before, "no extra poll for the second wait");
        assert!(matches!(first.await, Outcome::Succeeded("DONE")));
        assert!(matches!(second.await, Outcome::Succeeded("DONE")));
        let at_most_once = jobs
            .batches
            .lock()
            .map(|b| b.iter().all(|batch| batch.iter().filter(|id| **id == 1).count() == 1))
            .unwrap_or(false);
        assert!(at_most_once, "an id once per batch");
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_one_of_two_waits_of_an_id_leaves_the_other_waiting() {
        let jobs = Arc::new(Jobs::new([(1, 30), (2, 30), (4, 30)]));
        let set = WaitSet::new(jobs.clone(), policy());
        // The first wait of id 1 is dropped, then the second of id 2: either way the other still gets the end.
        let dropped_first = set.add(1);
        let kept = set.add(1);
        drop(dropped_first);
        let kept_first = set.add(2);
        let dropped_second = set.add(2);
        drop(dropped_second);
        // Three waits of id 4, the middle one dropped: the other two still get the end.
        let (four_a, four_b, four_c) = (set.add(4), set.add(4), set.add(4));
        drop(four_b);
        assert!(matches!(kept.await, Outcome::Succeeded("DONE")));
        assert!(matches!(kept_first.await, Outcome::Succeeded("DONE")));
        assert!(matches!(four_a.await, Outcome::Succeeded("DONE")));
        assert!(matches!(four_c.await, Outcome::Succeeded("DONE")));
        // Both dropped: the id is polled no more.
        let (one, two) = (set.add(3), set.add(3));
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop((one, two));
        tokio::time::sleep(Duration::from_secs(1)).await;
        let polls = jobs.polls_of(3);
        tokio::time::sleep(Duration::from_secs(120)).await;
        assert_eq!(jobs.polls_of(3), polls, "id 3 polled after both its waits were dropped");
    }

    #[test]
    fn every_wait_of_an_id_is_told_when_the_set_stops() {
        let Ok(first) = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
        else {
            panic!("a runtime");
        };
        let (a, b) = first.block_on(async {
            let set = WaitSet::new(Arc::new(Jobs::new([(1, 1000)])), policy());
            let waits = (set.add(1), set.add(1));
            tokio::time::sleep(Duration::from_secs(5)).await;
            waits
        });
        drop(first);
        let Ok(second) = tokio::runtime::Builder::new_current_thread().build() else {
            panic!("a runtime");
        };
        for wait in [a, b] {
            let outcome = second.block_on(wait);
            assert!(
                matches!(
                    &outcome,
                    Outcome::PollFailed {
                        error: Error::WaitSetStopped {
                            waits_for: "test jobs",
                            ..
                        },
                        ..
                    }
                ),
                "{outcome:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_lone_id_is_polled_on_the_documented_schedule() {
        let jobs = Arc::new(Jobs::new([(1, 5)]));
        let set = WaitSet::new(jobs.clone(), policy());
        let started = Instant::now();
        assert!(matches!(set.add(1).await, Outcome::Succeeded(_)));
        // Bounds 2, 4, 8 s; due at 0.8 of each after the previous poll's due time: the first poll waits 0.8 s
        // for a batch (half its first delay), then 1.6, 4.8 (1.6 + 3.2), 11.2 (4.8 + 6.4): the end at 5 is seen
        // at 11.2.
        assert_eq!(started.elapsed(), Duration::from_millis(11_200));
        assert_eq!(jobs.polls_of(1), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_wait_is_polled_no_more() {
        let jobs = Arc::new(Jobs::new([(1, 1000), (2, 30)]));
        let set = WaitSet::new(jobs.clone(), policy().jitter(false));
        let dropped = set.add(1);
        let kept = set.add(2);
        tokio::time::sleep(Duration::from_secs(3)).await;
        drop(dropped);
        let before = jobs.polls_of(1);
        assert!(matches!(kept.await, Outcome::Succeeded(_)));
        tokio::time::sleep(Duration::from_secs(120)).await;
        assert_eq!(jobs.polls_of(1), before, "id 1 was polled after its wait was dropped");
        set.cancel(&2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttled_batch_backs_off_as_a_whole() {
        let mut jobs = Jobs::new((0..10).map(|id| (id, 0)));
        jobs.throttled_until = Some(Duration::from_secs(30));
        let jobs = Arc::new(jobs);
        let set = WaitSet::new(jobs.clone(), policy().jitter(false));
        let waits: Vec<_> = (0..10).map(|id| set.add(id)).collect();
        let started = Instant::now();
        for wait in waits {
            assert!(matches!(wait.await, Outcome::Succeeded(_)));
        }
        // First batch at 0 answered 503 Retry-After 30: the next is at 30, with every id.
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        assert_eq!(jobs.batch_count(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn ids_added_later_and_the_event_stream() {
        let jobs = Arc::new(Jobs::new([(1, 4), (2, 8)]));
        let set = WaitSet::new(jobs.clone(), policy().jitter(false));
        let mut events = Box::pin(set.events());
        set.track(1);
        tokio::time::sleep(Duration::from_secs(3)).await;
        set.track(2);
        let mut finished = Vec::new();
        let mut progress = 0;
        while finished.len() < 2 {
            match events.next().await {
                Some(SetEvent::Progress { .. }) => progress += 1,
                Some(SetEvent::Finished { id, outcome }) => {
                    assert!(matches!(outcome, Outcome::Succeeded(_)));
                    finished.push(id);
                }
                None => panic!("the stream ended early"),
            }
        }
        assert_eq!(finished, [1, 2]);
        assert!(progress >= 4, "{progress} progress events");
    }

    #[test]
    fn a_stopped_driver_is_its_own_error() {
        let paused = || {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .start_paused(true)
                .build()
        };
        let Ok(first) = paused() else {
            panic!("a runtime");
        };
        // Wait 1 is being polled when the runtime shuts down; wait 2 was asked for and not yet applied.
        let (set, polled) = first.block_on(async {
            let set = WaitSet::new(Arc::new(Jobs::new([(1, 1000)])), policy());
            let wait = set.add(1);
            tokio::time::sleep(Duration::from_secs(5)).await;
            (set, wait)
        });
        let wait = set.add(2);
        // The runtime shuts down, and the driver task with it.
        drop(first);
        let Ok(second) = paused() else {
            panic!("a runtime");
        };
        let outcome = second.block_on(polled);
        let Outcome::PollFailed { error, polls, .. } = outcome else {
            panic!("expected a poll failure, got {outcome:?}");
        };
        assert!(polls >= 1, "{polls}");
        assert!(
            matches!(&error, Error::WaitSetStopped { waits_for: "test jobs", id } if id == "1"),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "the wait set for test jobs stopped before the wait for 1 ended (its Tokio runtime shut down)"
        );
        let outcome = second.block_on(wait);
        assert!(
            matches!(&outcome, Outcome::PollFailed { error: Error::WaitSetStopped { waits_for: "test jobs", id }, polls: 0, .. } if id == "2"),
            "{outcome:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_times_out_at_the_policy_deadline() {
        let jobs = Arc::new(Jobs::new([(1, 10_000)]));
        let set = WaitSet::new(jobs, policy().jitter(false).max_wait(Duration::from_secs(60)));
        let started = Instant::now();
        match set.add(1).await {
            Outcome::TimedOut { last, .. } => assert_eq!(last, Some("RUNNING")),
            other => panic!("{other:?}"),
        }
        assert_eq!(started.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_id_is_polled_no_more() {
        let jobs = Arc::new(Jobs::new([(1, 1000), (2, 30)]));
        let set = WaitSet::new(jobs.clone(), policy().jitter(false));
        set.track(1);
        let kept = set.add(2);
        tokio::time::sleep(Duration::from_secs(3)).await;
        set.cancel(&1);
        let before = jobs.polls_of(1);
        assert!(matches!(kept.await, Outcome::Succeeded(_)));
        tokio::time::sleep(Duration::from_secs(120)).await;
        assert_eq!(jobs.polls_of(1), before, "id 1 was polled after it was cancelled");
    }

    #[tokio::test(start_paused = true)]
    async fn a_set_whose_waits_all_ended_takes_new_ones() {
        let jobs = Arc::new(Jobs::new([(1, 4), (2, 0)]));
        let set = WaitSet::new(jobs.clone(), policy().jitter(false));
        assert!(matches!(set.add(1).await, Outcome::Succeeded(_)));
        tokio::time::sleep(Duration::from_secs(60)).await;
        let later = set.add(2);
        assert!(format!("{later:?}").contains('2'), "a wait shows its id: {later:?}");
        assert!(format!("{set:?}").starts_with("WaitSet"));
        assert!(matches!(later.await, Outcome::Succeeded(_)));
    }

    #[tokio::test(start_paused = true)]
    async fn ids_added_one_after_another_share_their_first_request() {
        let jobs = Arc::new(Jobs::new([(1, 0), (2, 0)]));
        let set = WaitSet::new(jobs.clone(), policy().jitter(false));
        let first = set.add(1);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let second = set.add(2);
        assert!(matches!(first.await, Outcome::Succeeded(_)));
        assert!(matches!(second.await, Outcome::Succeeded(_)));
        assert_eq!(jobs.batch_count(), 1, "one request for both ids");
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_with_a_handle_is_reported_in_the_event_stream_too() {
        let jobs = Arc::new(Jobs::new([(1, 4)]));
        let set = WaitSet::new(jobs, policy().jitter(false));
        let mut events = Box::pin(set.events());
        let wait = set.add(1);
        assert!(matches!(wait.await, Outcome::Succeeded(_)));
        loop {
            match events.next().await {
                Some(SetEvent::Finished { id, outcome }) => {
                    assert_eq!(id, 1);
                    assert!(matches!(outcome, Outcome::Succeeded(_)));
                    break;
                }
                Some(SetEvent::Progress { .. }) => {}
                None => panic!("the stream ended without the outcome"),
            }
        }
    }
}
