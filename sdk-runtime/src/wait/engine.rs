//! The polling engine shared by every service's waiter.

use std::future::Future;

use futures_core::Stream;
use tokio::time::Instant;

use super::poll_state::{Next, PollState, Spacing};
use super::{Classified, Outcome, Polled, Snapshot, WaitError, WaitPolicy};
use crate::Error;

/// What a service contributes to a waiter: fetch the status once. What the status means is the status type's
/// own [`Classified`] classification.
pub trait PollTarget: Send {
    /// The service's status document.
    type Status: Classified;

    /// Fetches the current status.
    fn fetch(&mut self) -> impl Future<Output = Result<Polled<Self::Status>, Error>> + Send;

    /// Fetches the current status, reading of it only what says whether the work goes on: `status: None` while
    /// it runs (the document left unread), the whole document once it does not. A [`Waiter`] polls this way when
    /// no one sees the document of a running job (not for [`Waiter::into_stream`], not with `DEBUG` tracing on,
    /// not for the last poll at the deadline, whose status a timeout reports).
    ///
    /// The default reads the whole document ([`fetch`](Self::fetch)); a service overrides it with
    /// [`Polled::unless_running`] over its generated `send_unread`.
    fn fetch_brief(&mut self) -> impl Future<Output = Result<Polled<Option<Self::Status>>, Error>> + Send {
        let fetch = self.fetch();
        async move { fetch.await.map(Polled::some) }
    }

    /// What is waited for, in words for an error message (`ESS request 42`).
    fn label(&self) -> String;
}

/// An event of a wait consumed as a stream: every status seen, then how the wait ended.
#[derive(Debug)]
pub enum WaitEvent<T> {
    /// A status was polled (the work is still going, or this is its final status).
    Progress(Snapshot<T>),
    /// The wait ended; always the last item.
    Finished(Outcome<T>),
}

/// Waits for a piece of asynchronous work to end, polling a [`PollTarget`] under a [`WaitPolicy`].
///
/// The first poll is immediate; later ones follow the policy's schedule, or a longer `Retry-After` from the
/// server. At the policy's deadline the waiter polls one last time, then reports [`Outcome::TimedOut`].
/// Transient poll failures are tolerated up to the policy's error budget; a permanent one (404, 403, an
/// unreadable reply) ends the wait as [`Outcome::PollFailed`].
///
/// Await [`Waiter::wait`] for the outcome, or consume [`Waiter::into_stream`] to see each status on the way.
/// A waiter needs nothing but the service client and the work's id, so a wait can resume in another process.
pub struct Waiter<P: PollTarget> {
    target: P,
    policy: WaitPolicy,
    /// The wait's polling state, from its first poll on.
    state: Option<PollState>,
    next_at: Option<Instant>,
    /// Whether the next poll is the last, at the deadline: its whole status is read, for the timeout.
    last_poll: bool,
    /// An outcome decided at a poll whose snapshot is reported first. Boxed: a status document can be kilobytes,
    /// and a waiter lives as long as the work.
    finished: Option<Box<Outcome<P::Status>>>,
}

/// What one step of the waiter produced.
enum Step<T> {
    /// A status was polled; the snapshot when one was asked for.
    Progress(Option<Snapshot<T>>),
    Done(Outcome<T>),
}

impl<P: PollTarget> Waiter<P> {
    /// A waiter for `target` under `policy`.
    pub fn new(target: P, policy: WaitPolicy) -> Self {
        Self {
            target,
            policy,
            state: None,
            next_at: None,
            last_poll: false,
            finished: None,
        }
    }

    /// The same waiter under another policy.
    pub fn with_policy(mut self, policy: WaitPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Polls until the work ends, the policy's time runs out, or polling fails.
    pub async fn wait(mut self) -> Outcome<P::Status> {
        loop {
            if let Step::Done(outcome) = self.step(false).await {
                return outcome;
            }
        }
    }

    /// Polls until the work ends, and returns its final status if it succeeded; otherwise an [`Error::Wait`]
    /// that says why: failed (state, cause, messages), cancelled, needs action, timed out (with the last state
    /// seen), or polling failed (with the last error). For `?` in a function returning the crate's error.
    pub async fn until_success(mut self) -> Result<P::Status, Error> {
        let outcome = loop {
            if let Step::Done(outcome) = self.step(false).await {
                break outcome;
            }
        };
        let target = self.target.label();
        Err(Error::from(match outcome {
            Outcome::Succeeded(status) => return Ok(status),
            Outcome::Failed { failure, .. } => WaitError::Failed { target, failure },
            Outcome::Cancelled(status) => WaitError::Cancelled {
                target,
                state: status.state(),
            },
            Outcome::NeedsAction { reason, .. } => WaitError::NeedsAction { target, reason },
            Outcome::TimedOut { last, elapsed, polls } => WaitError::TimedOut {
                target,
                last_state: last.as_ref().map(Classified::state),
                elapsed,
                polls,
            },
            Outcome::PollFailed { error, polls, .. } => WaitError::PollFailed {
                target,
                polls,
                source: error,
            },
        }))
    }

    /// The wait as a stream: a [`WaitEvent::Progress`] per status polled, then one [`WaitEvent::Finished`].
    pub fn into_stream(self) -> impl Stream<Item = WaitEvent<P::Status>> + Send
    where
        P: 'static,
    {
        futures_util::stream::unfold(Some(self), |state| async move {
            let mut waiter = state?;
            loop {
                match waiter.step(true).await {
                    Step::Progress(Some(snapshot)) => return Some((WaitEvent::Progress(snapshot), Some(waiter))),
                    Step::Progress(None) => continue,
                    Step::Done(outcome) => return Some((WaitEvent::Finished(outcome), None)),
                }
            }
        })
    }

    /// Sleeps until the next poll, polls, and hands the result to the polling state. With `report`, returns a
    /// snapshot of the status (one copy of it); without, a plain wait copies nothing per poll.
    async fn step(&mut self, report: bool) -> Step<P::Status> {
        if let Some(outcome) = self.finished.take() {
            return Step::Done(*outcome);
        }
        let Self {
            target,
            policy,
            state,
            next_at,
            last_poll,
            finished,
        } = self;
        let state = state.get_or_insert_with(|| PollState::new(Instant::now()));
        loop {
            if let Some(at) = *next_at {
                tokio::time::sleep_until(at).await;
            }
            // Boxed: the fetch future (an HTTP call) is large, and only lives while a poll is in flight; inline,
            // it would make every sleeping waiter as large as a call in progress.
            let whole = report || *last_poll || tracing::enabled!(tracing::Level::DEBUG);
            let fetched = if whole {
                Box::pin(target.fetch()).await.map(Polled::some)
            } else {
                Box::pin(target.fetch_brief()).await
            };
            let now = Instant::now();
            let poll = state.polls() + 1;
            let snapshot = match &fetched {
                Ok(Polled {
                    status: Some(status), ..
                }) if whole => {
                    let (name, percent_complete) = (status.state(), status.percent_complete());
                    tracing::debug!(poll, state = %name, percent_complete, "polled");
                    report.then(|| Snapshot {
                        status: status.clone(),
                        state: name,
                        percent_complete,
                        poll,
                        elapsed: now.saturating_duration_since(state.started()),
                    })
                }
                _ => None,
            };
            let polled = fetched.is_ok();
            let spacing = Spacing {
                base: now,
                delay: policy.delay(poll),
            };
            match state.settle(fetched, policy, spacing, now, None) {
                Next::Again(again) => {
                    *next_at = Some(again.at);
                    *last_poll = again.last_poll;
                    if polled {
                        return Step::Progress(snapshot);
                    }
                }
                Next::Done(outcome) => {
                    if snapshot.is_none() {
                        return Step::Done(outcome);
                    }
                    // Reported first, then the outcome at the next step, as a stream shows them.
                    *finished = Some(Box::new(outcome));
                    return Step::Progress(snapshot);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use futures::StreamExt as _;

    use super::*;

    /// A scripted service: each poll takes the next reply; the last one repeats. Records when it was polled.
    struct Script {
        replies: VecDeque<Result<(&'static str, Option<Duration>), u16>>,
        last: Option<Result<(&'static str, Option<Duration>), u16>>,
        polled_at: Arc<Mutex<Vec<Duration>>>,
        origin: Instant,
    }

    fn script(replies: Vec<Result<(&'static str, Option<Duration>), u16>>) -> (Script, Arc<Mutex<Vec<Duration>>>) {
        let polled_at = Arc::new(Mutex::new(Vec::new()));
        let target = Script {
            replies: replies.into(),
            last: None,
            polled_at: polled_at.clone(),
            origin: Instant::now(),
        };
        (target, polled_at)
    }

    fn running(state: &'static str) -> Result<(&'static str, Option<Duration>), u16> {
        Ok((state, None))
    }

    fn http_error(status: u16) -> Error {
        crate::error::test_http_error(status, None)
    }

    impl PollTarget for Script {
        type Status = &'static str;

        async fn fetch(&mut self) -> Result<Polled<&'static str>, Error> {
            if let Ok(mut at) = self.polled_at.lock() {
                at.push(self.origin.elapsed());
            }
            let reply = self.replies.pop_front().or(self.last).unwrap_or(Err(500));
            self.last = Some(reply);
            match reply {
                Ok((status, retry_after)) => Ok(Polled { status, retry_after }),
                Err(code) => Err(http_error(code)),
            }
        }

        fn label(&self) -> String {
            "test job 7".to_owned()
        }
    }

    fn times(polled_at: &Arc<Mutex<Vec<Duration>>>) -> Vec<u64> {
        polled_at
            .lock()
            .map(|t| t.iter().map(|d| d.as_secs()).collect())
            .unwrap_or_default()
    }

    fn exact() -> WaitPolicy {
        WaitPolicy::default().jitter(false)
    }

    #[tokio::test(start_paused = true)]
    async fn polls_follow_the_schedule_until_success() {
        let (target, polled_at) = script(vec![
            running("RUNNING"),
            running("RUNNING"),
            running("RUNNING"),
            running("DONE"),
        ]);
        let outcome = Waiter::new(target, exact()).wait().await;
        assert!(matches!(outcome, Outcome::Succeeded("DONE")), "{outcome:?}");
        assert_eq!(times(&polled_at), [0, 2, 6, 14]);
    }

    #[tokio::test(start_paused = true)]
    async fn jittered_polls_stay_within_the_ceilings() {
        let (target, polled_at) = script(
            vec![running("RUNNING"); 6]
                .into_iter()
                .chain([running("DONE")])
                .collect(),
        );
        let policy = WaitPolicy::default();
        assert!(Waiter::new(target, policy.clone()).wait().await.is_success());
        let at = polled_at.lock().map(|v| v.clone()).unwrap_or_default();
        for (n, pair) in at.windows(2).enumerate() {
            let gap = pair[1] - pair[0];
            let ceiling = policy.ceiling(u32::try_from(n + 1).unwrap_or(u32::MAX));
            assert!(gap <= ceiling, "gap {gap:?} after poll {} exceeds {ceiling:?}", n + 1);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_gets_one_last_poll_then_times_out() {
        let (target, polled_at) = script(vec![running("RUNNING")]);
        let policy = exact().max_wait(Duration::from_secs(2 * 3600));
        let started = Instant::now();
        let outcome = Waiter::new(target, policy).wait().await;
        let Outcome::TimedOut { last, elapsed, polls } = outcome else {
            panic!("expected a timeout, got {outcome:?}");
        };
        assert_eq!(last, Some("RUNNING"));
        assert_eq!(elapsed, Duration::from_secs(7200));
        assert_eq!(started.elapsed(), Duration::from_secs(7200));
        let at = times(&polled_at);
        assert_eq!(at.last(), Some(&7200), "the last poll is at the deadline");
        assert_eq!(polls as usize, at.len());
        // 2+4+8+16+32 = 62 s, then once a minute: 6 + (7200-62)/60 = 124 polls, plus the one at the deadline.
        assert_eq!(polls, 125);
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_at_the_last_poll_counts() {
        let (target, _) = script(vec![running("RUNNING"), running("RUNNING"), running("DONE")]);
        let policy = exact()
            .initial_delay(Duration::from_secs(10))
            .max_wait(Duration::from_secs(15));
        assert!(matches!(
            Waiter::new(target, policy).wait().await,
            Outcome::Succeeded("DONE")
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_stretches_the_next_delay() {
        let (target, polled_at) = script(vec![Ok(("RUNNING", Some(Duration::from_secs(30)))), running("DONE")]);
        assert!(Waiter::new(target, exact()).wait().await.is_success());
        assert_eq!(times(&polled_at), [0, 30]);
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_tolerated_within_the_budget() {
        let (target, polled_at) = script(vec![running("RUNNING"), Err(503), Err(503), running("DONE")]);
        assert!(Waiter::new(target, exact()).wait().await.is_success());
        assert_eq!(times(&polled_at).len(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn too_many_transient_failures_end_the_wait() {
        let (target, polled_at) = script(vec![running("RUNNING"), Err(503)]);
        let outcome = Waiter::new(target, exact().error_budget(3)).wait().await;
        let Outcome::PollFailed { error, last, polls } = outcome else {
            panic!("expected a poll failure, got {outcome:?}");
        };
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        // No status is kept between polls; the stream shows each one.
        assert_eq!(last, None);
        assert_eq!(polls, 5);
        assert_eq!(times(&polled_at).len(), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_404_ends_the_wait_at_once() {
        let (target, polled_at) = script(vec![running("RUNNING"), Err(404), running("DONE")]);
        let outcome = Waiter::new(target, exact()).wait().await;
        assert!(
            matches!(&outcome, Outcome::PollFailed { error, polls: 2, .. } if error.status().map(|s| s.as_u16()) == Some(404)),
            "{outcome:?}"
        );
        assert_eq!(times(&polled_at).len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn until_success_gives_the_final_status_or_says_why_not() -> Result<(), Error> {
        let (target, _) = script(vec![running("RUNNING"), running("DONE")]);
        assert_eq!(Waiter::new(target, exact()).until_success().await?, "DONE");

        let cases = [
            (running("FAILED"), "test job 7 failed in state FAILED (E1): boom"),
            (running("CANCELLED"), "test job 7 was cancelled (state CANCELLED)"),
            (running("HOLD"), "test job 7 needs action: HOLD: release it"),
            (
                Err(404),
                "polling test job 7 failed after 2 polls: TEST 404 Not Found (empty body) (get_status GET /status)",
            ),
        ];
        for (last, shown) in cases {
            let (target, _) = script(vec![running("RUNNING"), last]);
            let error = Waiter::new(target, exact())
                .until_success()
                .await
                .expect_err("not a success");
            assert!(matches!(error, Error::Wait(_)), "{error:?}");
            assert_eq!(error.to_string(), shown);
        }

        let (target, _) = script(vec![running("RUNNING")]);
        let policy = exact().max_wait(Duration::from_secs(5));
        let error = Waiter::new(target, policy)
            .until_success()
            .await
            .expect_err("times out");
        assert_eq!(
            error.to_string(),
            "gave up waiting for test job 7 after 5s and 3 polls (last state: RUNNING)"
        );
        Ok(())
    }

    #[tokio::test(start_paused = true)]
    async fn terminal_and_needs_action_states_end_the_wait() {
        for (state, check) in [
            (
                "FAILED",
                (|o: &Outcome<&str>| matches!(o, Outcome::Failed { failure, .. } if failure.code.as_deref() == Some("E1")))
                    as fn(&Outcome<&str>) -> bool,
            ),
            ("CANCELLED", |o| matches!(o, Outcome::Cancelled("CANCELLED"))),
            (
                "HOLD",
                |o| matches!(o, Outcome::NeedsAction { reason, .. } if reason.contains("release")),
            ),
        ] {
            let (target, _) = script(vec![running("RUNNING"), running(state)]);
            let started = Instant::now();
            let outcome = Waiter::new(target, exact()).wait().await;
            assert!(check(&outcome), "{state}: {outcome:?}");
            assert_eq!(
                started.elapsed(),
                Duration::from_secs(2),
                "{state} ended at the poll that saw it"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_stream_shows_every_status_then_the_outcome() {
        let (target, _) = script(vec![running("ACCEPTED"), running("IN_PROGRESS"), running("FAILED")]);
        let events: Vec<WaitEvent<&str>> = Waiter::new(target, exact()).into_stream().collect().await;
        let states: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                WaitEvent::Progress(s) => Some(format!("{}@{}", s.state, s.poll)),
                WaitEvent::Finished(_) => None,
            })
            .collect();
        assert_eq!(states, ["ACCEPTED@1", "IN_PROGRESS@2", "FAILED@3"]);
        assert!(matches!(
            events.last(),
            Some(WaitEvent::Finished(Outcome::Failed { .. }))
        ));
        assert_eq!(events.len(), 4);
    }

    /// A script whose brief polls leave a running status unread, and which records how each poll was made.
    struct Brief {
        script: Script,
        kinds: Arc<Mutex<Vec<&'static str>>>,
    }

    impl Brief {
        fn kinds(&self) -> Arc<Mutex<Vec<&'static str>>> {
            self.kinds.clone()
        }

        fn record(&self, kind: &'static str) {
            if let Ok(mut kinds) = self.kinds.lock() {
                kinds.push(kind);
            }
        }
    }

    impl PollTarget for Brief {
        type Status = &'static str;

        async fn fetch(&mut self) -> Result<Polled<&'static str>, Error> {
            self.record("whole");
            self.script.fetch().await
        }

        async fn fetch_brief(&mut self) -> Result<Polled<Option<&'static str>>, Error> {
            self.record("brief");
            let polled = self.script.fetch().await?;
            let running = crate::wait::Lifecycle::class(&polled.status) == crate::wait::Class::Running;
            Ok(Polled {
                status: (!running).then_some(polled.status),
                retry_after: polled.retry_after,
            })
        }

        fn label(&self) -> String {
            self.script.label()
        }
    }

    fn brief(replies: Vec<Result<(&'static str, Option<Duration>), u16>>) -> (Brief, Arc<Mutex<Vec<&'static str>>>) {
        let target = Brief {
            script: script(replies).0,
            kinds: Arc::default(),
        };
        let kinds = target.kinds();
        (target, kinds)
    }

    fn kinds(kinds: &Arc<Mutex<Vec<&'static str>>>) -> Vec<&'static str> {
        kinds.lock().map(|k| k.clone()).unwrap_or_default()
    }

    #[tokio::test(start_paused = true)]
    async fn a_plain_wait_polls_briefly_and_still_returns_the_final_status() {
        let (target, made) = brief(vec![
            running("RUNNING"),
            Ok(("RUNNING", Some(Duration::from_secs(30)))),
            running("DONE"),
        ]);
        let started = Instant::now();
        let outcome = Waiter::new(target, exact()).wait().await;
        assert!(matches!(outcome, Outcome::Succeeded("DONE")), "{outcome:?}");
        assert_eq!(kinds(&made), ["brief", "brief", "brief"]);
        // The unread reply's Retry-After still pushed the third poll back (2 s, then 30 s instead of 4 s).
        assert_eq!(started.elapsed(), Duration::from_secs(32));
    }

    #[tokio::test(start_paused = true)]
    async fn the_last_poll_at_the_deadline_reads_the_whole_status_for_the_timeout() {
        let (target, made) = brief(vec![running("RUNNING")]);
        let outcome = Waiter::new(target, exact().max_wait(Duration::from_secs(5)))
            .wait()
            .await;
        let Outcome::TimedOut { last, polls, .. } = outcome else {
            panic!("expected a timeout, got {outcome:?}");
        };
        assert_eq!(last, Some("RUNNING"));
        assert_eq!(polls, 3);
        assert_eq!(kinds(&made), ["brief", "brief", "whole"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_reads_every_status_whole() {
        let (target, made) = brief(vec![running("ACCEPTED"), running("IN_PROGRESS"), running("DONE")]);
        let events: Vec<WaitEvent<&str>> = Waiter::new(target, exact()).into_stream().collect().await;
        assert_eq!(events.len(), 4);
        assert!(matches!(&events[1], WaitEvent::Progress(s) if s.status == "IN_PROGRESS"));
        assert_eq!(kinds(&made), ["whole", "whole", "whole"]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_unbounded_wait_keeps_polling() {
        let mut replies = vec![running("RUNNING"); 500];
        replies.push(running("DONE"));
        let (target, _) = script(replies);
        let outcome = Waiter::new(target, exact().unbounded()).wait().await;
        assert!(outcome.is_success());
    }
}
