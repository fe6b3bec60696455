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
    /// 32 requests of a round are in flight at once.
    pub fn new(label: &'static str, make: impl Fn(I) -> P + Send + Sync + 'static) -> Self {
        Self {
            make: Arc::new(make),
            label,
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
