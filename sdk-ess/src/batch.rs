//! Waiting for many ESS requests at once: multi-select queries, with a per-request fallback.
//!
//! ESS's query takes a multi-selection `id` (comma-separated request ids) and answers with a `batch` of items.
//! Oracle does not document the shape of a batch item, so it is read leniently and never trusted blindly: an
//! item counts only when it holds a readable request (its own members, or an object inside it) whose
//! `requestId` is one of those asked for. Every id the reply does not answer that way, and every id of a reply
//! that cannot be read at all, is fetched alone with `GET /requests/{id}`; those fallbacks are counted
//! ([`Batch::fallbacks`]) and traced. A batch answered with a transient failure (`429`, `503`, ...) gives that
//! error to each of its ids, so the whole batch backs off (`Retry-After` honoured).
//!
//! A reply is read once: the requests of its `items` are used as decoded, and a `batch` item (free-form JSON in
//! the spec) is decoded into a request once, from the JSON the reply already holds. What a request's state means
//! is the request's own classification ([`Lifecycle`](crate::wait::Lifecycle)), as for a single waiter.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::future::join_all;
use serde_json::Value;

use sdk_runtime::wait::{BatchTarget, Fetched, Polled};

use crate::Client;
use crate::types::{RequestDetails, RequestQueryResponse};
use crate::wait::{WaitPolicy, WaitSet};

/// The fields a wait needs: the state, and the cause and messages of a failure.
const WAIT_FIELDS: &str = "requestId,state,cause,causeDescription,errorWarningMessage,errorWarningDetail";

/// ESS requests polled in batches, for a [`WaitSet`] (see [`Client::wait_set`]).
///
/// Clones share their counters ([`queries`](Self::queries), [`fallbacks`](Self::fallbacks)): keep one to read
/// them while a set made with [`WaitSet::new`] polls with another.
#[derive(Clone, Debug)]
pub struct Batch {
    client: Client,
    max_ids: usize,
    max_url_len: usize,
    counters: Arc<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    queries: AtomicU64,
    fallbacks: AtomicU64,
}

impl Batch {
    /// Batches of at most 100 ids, in URLs of at most 4,000 characters.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            max_ids: 100,
            max_url_len: 4000,
            counters: Arc::default(),
        }
    }

    /// The most ids one query may carry: as many as the server accepts (at least 1).
    pub fn max_ids(mut self, max_ids: usize) -> Self {
        self.max_ids = max_ids.max(1);
        self
    }

    /// The longest URL a query may have, for the proxies in front of the scheduler; a batch that would be
    /// longer is split.
    pub fn max_url_len(mut self, max_url_len: usize) -> Self {
        self.max_url_len = max_url_len;
        self
    }

    /// How many multi-select queries were sent.
    pub fn queries(&self) -> u64 {
        self.counters.queries.load(Ordering::Relaxed)
    }

    /// How many ids were fetched alone because a batch reply did not answer them readably.
    pub fn fallbacks(&self) -> u64 {
        self.counters.fallbacks.load(Ordering::Relaxed)
    }

    /// `ids` cut into queries that fit both limits.
    fn chunks(&self, ids: &[i64]) -> Vec<Vec<i64>> {
        let fixed = self.client.baseurl.len() + "/requests?id=&fields=".len() + WAIT_FIELDS.len() + 16;
        let mut out: Vec<Vec<i64>> = Vec::new();
        let mut length = fixed;
        for &id in ids {
            // An id and its percent-encoded comma.
            let added = id.to_string().len() + 3;
            match out.last_mut() {
                Some(chunk) if chunk.len() < self.max_ids && length + added <= self.max_url_len => {
                    chunk.push(id);
                    length += added;
                }
                _ => {
                    out.push(vec![id]);
                    length = fixed + added;
                }
            }
        }
        out
    }

    async fn query(&self, ids: Vec<i64>) -> Fetched<i64, RequestDetails> {
        self.counters.queries.fetch_add(1, Ordering::Relaxed);
        let joined = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let reply = self.client.query_requests().id(joined).fields(WAIT_FIELDS).send().await;
        let (answered, missing) = match reply {
            Ok(reply) => {
                let polled = Polled::from(reply);
                let (answered, missing) = read_batch(&ids, polled.status);
                let answered: Fetched<i64, RequestDetails> = answered
                    .into_iter()
                    .map(|(id, status)| {
                        let retry_after = polled.retry_after;
                        (id, Ok(Polled { status, retry_after }))
                    })
                    .collect();
                (answered, missing)
            }
            // The whole batch backs off: each id gets the error (and its Retry-After).
            Err(error) if error.is_retryable() => {
                return ids.into_iter().map(|id| (id, Err(error.clone()))).collect();
            }
            // A reply that is not readable at all, or a refusal of the multi-selection: every id alone.
            Err(error) => {
                tracing::info!(error = %error, ids = ids.len(), "batch query failed; polling each request alone");
                (Vec::new(), ids)
            }
        };
        if missing.is_empty() {
            return answered;
        }
        self.counters
            .fallbacks
            .fetch_add(missing.len() as u64, Ordering::Relaxed);
        tracing::info!(ids = missing.len(), "batch reply left requests out; polling each alone");
        let alone = join_all(missing.into_iter().map(|id| async move {
            let polled = self
                .client
                .get_request()
                .request_id(id)
                .fields(WAIT_FIELDS)
                .send()
                .await
                .map(Polled::from);
            (id, polled)
        }))
        .await;
        answered.into_iter().chain(alone).collect()
    }
}

/// The requests of a multi-select reply that are among `asked`, and the ids it did not answer readably.
pub(crate) fn read_batch(asked: &[i64], reply: RequestQueryResponse) -> (Vec<(i64, RequestDetails)>, Vec<i64>) {
    let candidates = reply
        .batch
        .into_iter()
        .flatten()
        .filter_map(|item| request_in(Value::Object(item.0), 0))
        .chain(reply.items.into_iter().flatten());
    let mut answered: Vec<(i64, RequestDetails)> = Vec::new();
    for details in candidates {
        if let Some(id) = details.request_id
            && asked.contains(&id)
            && details.state.is_some()
            && !answered.iter().any(|(seen, _)| *seen == id)
        {
            answered.push((id, details));
        }
    }
    let missing = asked
        .iter()
        .copied()
        .filter(|id| !answered.iter().any(|(seen, _)| seen == id))
        .collect();
    (answered, missing)
}

/// A request found in a batch item: the item itself, or an object inside it (the item's shape is undocumented:
/// `{"requestId", "state", ...}` or `{"requestId", "status", "request": {...}}` are both read). The JSON is moved
/// into the request, not copied.
fn request_in(value: Value, depth: usize) -> Option<RequestDetails> {
    let Value::Object(object) = value else {
        return None;
    };
    if object.get("requestId").is_some_and(Value::is_i64) && object.contains_key("state") {
        return serde_json::from_value(Value::Object(object)).ok();
    }
    if depth >= 2 {
        return None;
    }
    object.into_iter().find_map(|(_, inner)| request_in(inner, depth + 1))
}

impl BatchTarget for Batch {
    type Id = i64;
    type Status = RequestDetails;

    fn label(&self) -> &'static str {
        "ESS requests"
    }

    fn max_batch(&self) -> usize {
        // A round takes as many ids as several queries carry; `fetch` cuts them to the URL limit.
        self.max_ids.saturating_mul(4)
    }

    async fn fetch(&self, ids: Vec<i64>) -> Fetched<i64, RequestDetails> {
        let chunks = self.chunks(&ids);
        join_all(chunks.into_iter().map(|chunk| self.query(chunk)))
            .await
            .into_iter()
            .flatten()
            .collect()
    }
}

impl Client {
    /// A set of waits for many requests of this scheduler, polled in multi-select batches by one scheduler
    /// (see [`WaitSet`] and [`Batch`]). Each wait follows `policy`, as a single [`wait_for_request`] would.
    ///
    /// This is `WaitSet::new(Batch::new(client.clone()), policy)`. To read the batch's counters
    /// ([`Batch::fallbacks`]: ids fetched alone because a batch reply did not answer them; [`Batch::queries`]), or
    /// to set its limits, make the `Batch` yourself and keep a clone of it (clones share the counters):
    ///
    /// ```no_run
    /// # async fn run(client: sdk_ess::Client) {
    /// use sdk_ess::wait::{Batch, WaitPolicy, WaitSet};
    ///
    /// let batch = Batch::new(client.clone()).max_ids(50);
    /// let set = WaitSet::new(batch.clone(), WaitPolicy::default());
    /// let outcome = set.add(101).await;
    /// println!("{outcome:?}; {} queries, {} ids fetched alone", batch.queries(), batch.fallbacks());
    /// # }
    /// ```
    ///
    /// [`wait_for_request`]: Client::wait_for_request
    ///
    /// ```no_run
    /// # async fn run(client: sdk_ess::Client) {
    /// use futures::StreamExt as _;
    /// use sdk_ess::wait::{SetEvent, WaitPolicy};
    ///
    /// let set = client.wait_set(WaitPolicy::default());
    /// let mut events = Box::pin(set.events());
    /// for id in [101, 102, 103] {
    ///     set.track(id);
    /// }
    /// let mut open = 3;
    /// while let Some(event) = events.next().await {
    ///     if let SetEvent::Finished { id, outcome } = event {
    ///         println!("request {id}: {}", if outcome.is_success() { "succeeded" } else { "did not succeed" });
    ///         open -= 1;
    ///         if open == 0 {
    ///             break;
    ///         }
    ///     }
    /// }
    /// # }
    /// ```
    pub fn wait_set(&self, policy: WaitPolicy) -> WaitSet<Batch> {
        WaitSet::new(Batch::new(self.clone()), policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reply(value: Value) -> crate::types::RequestQueryResponse {
        serde_json::from_value(value).unwrap_or_default()
    }

    #[test]
    fn batch_items_are_read_in_either_shape_and_only_for_ids_asked() {
        let page = reply(json!({"batch": [
            {"requestId": 1, "state": "RUNNING"},
            {"requestId": 2, "status": 200, "request": {"requestId": 2, "state": "SUCCEEDED"}},
            {"requestId": 9, "state": "ERROR"},
            {"requestId": 3},
        ]}));
        let (answered, missing) = read_batch(&[1, 2, 3, 4], page);
        let ids: Vec<i64> = answered.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [1, 2]);
        assert_eq!(missing, [3, 4]);
    }

    #[test]
    fn items_count_too_and_an_empty_reply_answers_nothing() {
        let page = reply(json!({"items": [{"requestId": 5, "state": "WAIT"}]}));
        assert_eq!(read_batch(&[5], page).1, Vec::<i64>::new());
        assert_eq!(read_batch(&[5, 6], reply(json!({}))).1, [5, 6]);
    }

    #[test]
    fn queries_fit_the_url_and_id_limits() -> Result<(), crate::Error> {
        let client = Client::builder("https://fa.example.com/ess/rest/scheduler/v1").build()?;
        let batch = Batch::new(client.clone()).max_ids(3);
        let chunks = batch.chunks(&[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(chunks, [vec![1, 2, 3], vec![4, 5, 6], vec![7]]);
        let short = Batch::new(client).max_url_len(200);
        let ids: Vec<i64> = (300_000_000_000_000..300_000_000_000_040).collect();
        let chunks = short.chunks(&ids);
        assert!(chunks.len() > 1 && chunks.iter().all(|c| !c.is_empty()));
        assert_eq!(chunks.concat(), ids);
        Ok(())
    }
}
