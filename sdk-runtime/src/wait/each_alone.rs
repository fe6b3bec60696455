//! A [`BatchTarget`] for services without batch queries.

use std::fmt::{Debug, Display};
use std::hash::Hash;
use std::sync::Arc;

use futures_util::future::join_all;

use super::PollTarget;
use super::set::{BatchTarget, Fetched};

/// Many pieces of work of a service that has no batch query (GoldenGate, Oracle Analytics), for a
/// [`WaitSet`](super::WaitSet): each id of a round is fetched with its own request, concurrently, by the
/// [`PollTarget`] made for it. The requests are as many as single waiters would make at most, but one scheduler
/// holds every wait (no task, timer or future per wait), and ids due together are fetched together. What a status
/// means is its own classification, as for a single waiter.
pub struct EachAlone<I, P: PollTarget> {
    make: Arc<dyn Fn(I) -> P + Send + Sync>,
    label: &'static str,
    concurrency: usize,
}

impl<I, P: PollTarget> Clone for EachAlone<I, P> {
    fn clone(&self) -> Self {
        Self {
            make: self.make.clone(),
            label: self.label,
            concurrency: self.concurrency,
        }
    }
}

impl<I, P: PollTarget> Debug for EachAlone<I, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EachAlone")
            .field("label", &self.label)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl<I, P: PollTarget> EachAlone<I, P> {
    /// Fetches id `i` with the target `make(i)`; `label` says what is waited for (`GoldenGate requests`). At most
    /// 32 requests of one batch are in flight at once (and a set sends up to [`SetOptions::concurrency`] batches
    /// at once).
    ///
    /// [`SetOptions::concurrency`]: super::SetOptions::concurrency
    pub fn new(label: &'static str, make: impl Fn(I) -> P + Send + Sync + 'static) -> Self {
        Self {
            make: Arc::new(make),
            label,
            concurrency: 32,
        }
    }

    /// How many requests of one batch may be in flight at once (at least 1); the set's
    /// [`SetOptions::concurrency`](super::SetOptions::concurrency) bounds the batches.
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }
}

impl<I, P> BatchTarget for EachAlone<I, P>
where
    I: Clone + Eq + Hash + Debug + Display + Send + Sync + 'static,
    P: PollTarget + 'static,
{
    type Id = I;
    type Status = P::Status;

    fn label(&self) -> &'static str {
        self.label
    }

    fn max_batch(&self) -> usize {
        self.concurrency
    }

    async fn fetch(&self, ids: Vec<I>) -> Fetched<I, P::Status> {
        join_all(ids.into_iter().map(|id| {
            let mut target = (self.make)(id.clone());
            async move {
                let polled = target.fetch().await;
                (id, polled)
            }
        }))
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::Error;
    use crate::wait::{Outcome, Polled, SetOptions, WaitPolicy, WaitSet};

    /// What the service saw: polls per id, and the most requests in flight at once.
    #[derive(Default)]
    struct Seen {
        polls: Mutex<HashMap<u32, u32>>,
        in_flight: AtomicUsize,
        most_in_flight: AtomicUsize,
    }

    /// The target of one id: even ids succeed at their second poll, odd ones fail there.
    struct One {
        id: u32,
        seen: Arc<Seen>,
    }

    impl PollTarget for One {
        type Status = &'static str;

        async fn fetch(&mut self) -> Result<Polled<&'static str>, Error> {
            let now = self.seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.seen.most_in_flight.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            self.seen.in_flight.fetch_sub(1, Ordering::SeqCst);
            let polls = self
                .seen
                .polls
                .lock()
                .map(|mut polls| {
                    let n = polls.entry(self.id).or_insert(0);
                    *n += 1;
                    *n
                })
                .unwrap_or_default();
            let status = match (polls, self.id % 2) {
                (1, _) => "RUNNING",
                (_, 0) => "DONE",
                _ => "FAILED",
            };
            Ok(Polled {
                status,
                retry_after: None,
            })
        }

        fn label(&self) -> String {
            format!("test job {}", self.id)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn each_id_is_polled_by_its_own_target_a_bounded_few_at_once() {
        let seen = Arc::new(Seen::default());
        let made = seen.clone();
        let target = EachAlone::new("test jobs", move |id| One { id, seen: made.clone() }).concurrency(3);
        assert_eq!(target.label(), "test jobs", "what a stopped set says it waited for");
        let shown = format!("{target:?}");
        assert!(shown.contains("test jobs") && shown.contains('3'), "{shown}");
        // One batch at a time, so that the requests in flight are those of one batch.
        let one_batch = SetOptions {
            concurrency: 1,
            ..SetOptions::default()
        };
        let set = WaitSet::with_options(target, WaitPolicy::default(), one_batch);
        let waits: Vec<_> = (0..10).map(|id| (id, set.add(id))).collect();
        for (id, wait) in waits {
            let outcome = wait.await;
            if id % 2 == 0 {
                assert!(matches!(outcome, Outcome::Succeeded("DONE")), "{id}: {outcome:?}");
            } else {
                assert!(matches!(outcome, Outcome::Failed { .. }), "{id}: {outcome:?}");
            }
        }
        assert!(
            seen.polls.lock().is_ok_and(|polls| polls.values().all(|n| *n == 2)),
            "each id is polled until its own end"
        );
        assert_eq!(
            seen.most_in_flight.load(Ordering::SeqCst),
            3,
            "ids due together are fetched together, up to the concurrency set"
        );
    }
}
