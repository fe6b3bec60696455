//! A [`BatchTarget`] for services without batch queries.

use std::fmt::{Debug, Display};
use std::hash::Hash;
use std::sync::Arc;

use futures_util::future::join_all;

use super::set::{BatchTarget, Fetched};
use super::{Phase, PollTarget};

/// Many pieces of work of a service that has no batch query (GoldenGate, Oracle Analytics), for a
/// [`WaitSet`](super::WaitSet): each id of a round is fetched with its own request, concurrently, by the
/// [`PollTarget`] made for it. The requests are as many as single waiters would make at most, but one scheduler
/// holds every wait (no task, timer or future per wait), and ids due together are fetched together.
pub struct EachAlone<I, P: PollTarget> {
    make: Arc<dyn Fn(I) -> P + Send + Sync>,
    phase: fn(&P::Status) -> Phase,
    describe: fn(&P::Status) -> (String, Option<f64>),
    concurrency: usize,
}

impl<I, P: PollTarget> Clone for EachAlone<I, P> {
    fn clone(&self) -> Self {
        Self {
            make: self.make.clone(),
            phase: self.phase,
            describe: self.describe,
            concurrency: self.concurrency,
        }
    }
}

impl<I, P: PollTarget> Debug for EachAlone<I, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EachAlone")
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl<I, P: PollTarget> EachAlone<I, P> {
    /// Fetches id `i` with the target `make(i)`; `phase` and `describe` classify a status as the target would.
    /// At most 32 requests of a round are in flight at once.
    pub fn new(
        make: impl Fn(I) -> P + Send + Sync + 'static,
        phase: fn(&P::Status) -> Phase,
        describe: fn(&P::Status) -> (String, Option<f64>),
    ) -> Self {
        Self {
            make: Arc::new(make),
            phase,
            describe,
            concurrency: 32,
        }
    }

    /// How many requests of a round may be in flight at once (at least 1).
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }
}

impl<I, P> BatchTarget for EachAlone<I, P>
where
    I: Clone + Eq + Hash + Debug + Display + Send + Sync + 'static,
    P: PollTarget + 'static,
    P::Status: 'static,
{
    type Id = I;
    type Status = P::Status;

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

    fn phase(&self, status: &P::Status) -> Phase {
        (self.phase)(status)
    }

    fn describe(&self, status: &P::Status) -> (String, Option<f64>) {
        (self.describe)(status)
    }
}
