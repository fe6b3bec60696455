//! Waiting for many ESS requests through this crate's wait set and its multi-select [`Batch`], against a mock
//! scheduler: each wait ends as its request says, queries are as few as the URL and id limits allow and never
//! longer, ids a batch reply leaves out are fetched alone and counted, a refused multi-selection falls back to one
//! request per id, and a throttled batch backs off as a whole.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sdk_ess::wait::{Batch, Outcome, WaitPolicy, WaitSet};
use sdk_ess::{Client, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const BASE: &str = "/ess/rest/scheduler/v1";

/// A scheduler whose request `id` is SUCCEEDED, except ids divisible by 10 (ERROR) and by 7 (CANCELLED).
#[derive(Default)]
struct Scheduler {
    /// Ids its batch replies leave out.
    left_out: HashSet<i64>,
    /// Multi-select queries answered with this status (and `Retry-After: 1`) before they are answered.
    refuse_queries: Option<(u16, usize)>,
    /// How batch items are written: `0` flat, `n` the request nested `n` objects deep.
    nesting: usize,
    query_urls: Mutex<Vec<String>>,
    single_gets: Mutex<Vec<i64>>,
    refused: AtomicUsize,
}

impl Scheduler {
    fn details(id: i64) -> Value {
        let state = match id {
            _ if id % 10 == 0 => "ERROR",
            _ if id % 7 == 0 => "CANCELLED",
            _ => "SUCCEEDED",
        };
        json!({"requestId": id, "state": state})
    }

    fn queries(&self) -> Vec<String> {
        self.query_urls.lock().map(|q| q.clone()).unwrap_or_default()
    }

    fn singles(&self) -> Vec<i64> {
        self.single_gets.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

struct Responder(Arc<Scheduler>);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let scheduler = &self.0;
        let Some(ids) = multi_selection(&request.url) else {
            let id = request
                .url
                .path()
                .rsplit('/')
                .next()
                .and_then(|id| id.parse().ok())
                .unwrap_or(0);
            if let Ok(mut singles) = scheduler.single_gets.lock() {
                singles.push(id);
            }
            return ResponseTemplate::new(200).set_body_json(Scheduler::details(id));
        };
        if let Ok(mut urls) = scheduler.query_urls.lock() {
            urls.push(request.url.to_string());
        }
        if let Some((status, times)) = scheduler.refuse_queries
            && scheduler.refused.fetch_add(1, Ordering::Relaxed) < times
        {
            return ResponseTemplate::new(status)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"title": "refused", "status": status}));
        }
        let items: Vec<Value> = ids
            .iter()
            .filter(|id| !scheduler.left_out.contains(id))
            .map(|&id| (0..scheduler.nesting).fold(Scheduler::details(id), |inner, _| json!({"entry": inner})))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"batch": items}))
    }
}

async fn serve(scheduler: Arc<Scheduler>) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Responder(scheduler))
        .mount(&server)
        .await;
    let client = Client::builder(format!("{}{BASE}", server.uri()))
        .basic_auth("scheduler.user", "pw")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid configuration");
    (server, client)
}

fn fast() -> WaitPolicy {
    WaitPolicy::default()
        .initial_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(10))
}

/// The outcome a wait for `id` must end with.
fn expected(id: i64, outcome: &Outcome<sdk_ess::types::RequestDetails>) -> bool {
    match id {
        _ if id % 10 == 0 => matches!(outcome, Outcome::Failed { .. }),
        _ if id % 7 == 0 => matches!(outcome, Outcome::Cancelled(_)),
        _ => matches!(outcome, Outcome::Succeeded(_)),
    }
}

/// Adds every id to `set` at once and checks that each wait ends as its request says.
async fn wait_all(set: &WaitSet<Batch>, ids: impl IntoIterator<Item = i64>) {
    let waits: Vec<_> = ids.into_iter().map(|id| (id, set.add(id))).collect();
    for (id, wait) in waits {
        let outcome = wait.await;
        assert!(expected(id, &outcome), "request {id}: {outcome:?}");
    }
}

#[tokio::test]
async fn each_wait_of_a_set_ends_as_its_request_says() {
    let scheduler = Arc::new(Scheduler::default());
    let (_server, client) = serve(scheduler.clone()).await;
    let set = client.wait_set(fast());
    wait_all(&set, [1, 7, 10, 11]).await;
    assert!(scheduler.singles().is_empty(), "{:?}", scheduler.singles());
}

/// The ids a multi-select query asks for (its `id` parameter); `None` for any other request.
fn multi_selection(url: &reqwest::Url) -> Option<Vec<i64>> {
    url.query_pairs()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.split(',').filter_map(|id| id.parse().ok()).collect())
}

/// The ids of one recorded query.
fn ids_of(url: &str) -> Vec<i64> {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|url| multi_selection(&url))
        .unwrap_or_default()
}

#[tokio::test]
async fn queries_are_as_few_as_the_url_limit_allows_and_never_longer() {
    // Ids of one to thirteen digits, each once, shortest first.
    let ids: Vec<i64> = (1..=13)
        .flat_map(|digits| (1..=12).map(move |n| 10_i64.pow(digits - 1) + n))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for limit in [250, 333, 400, 517] {
        let scheduler = Arc::new(Scheduler::default());
        let (_server, client) = serve(scheduler.clone()).await;
        let batch = Batch::new(client).max_url_len(limit);
        let set = WaitSet::new(batch.clone(), fast());
        wait_all(&set, ids.iter().copied()).await;
        let queries = scheduler.queries();
        assert_eq!(batch.queries(), queries.len() as u64, "queries counted: {queries:#?}");
        for url in &queries {
            assert!(url.len() <= limit, "{} characters over {limit}: {url}", url.len());
        }
        // Every query but the last of its round was cut only because the next id would not have fitted: adding
        // it (with its encoded comma) would have crossed the limit, give or take a small margin for the encoding.
        let asked: Vec<Vec<i64>> = queries.iter().map(|url| ids_of(url)).collect();
        let full = queries
            .iter()
            .zip(&asked)
            .filter(|(url, ids)| {
                let smallest_next = ids.iter().map(|id| id.to_string().len()).min().unwrap_or(1) + 3;
                url.len() + smallest_next + 24 > limit
            })
            .count();
        assert!(full + 1 >= queries.len(), "queries far from {limit}: {queries:#?}");
        let sent: usize = asked.iter().map(Vec::len).sum();
        assert_eq!(sent, ids.len(), "each id asked for once: {asked:?}");
        assert_eq!(batch.fallbacks(), 0);
    }
}

#[tokio::test]
async fn a_query_carries_at_most_max_ids() {
    let scheduler = Arc::new(Scheduler::default());
    let (_server, client) = serve(scheduler.clone()).await;
    let batch = Batch::new(client).max_ids(7);
    let set = WaitSet::new(batch.clone(), fast());
    wait_all(&set, 1..=28).await;
    let asked: Vec<usize> = scheduler.queries().iter().map(|url| ids_of(url).len()).collect();
    assert_eq!(asked, [7, 7, 7, 7], "ids per query");
    assert_eq!(batch.queries(), 4);
}

#[tokio::test]
async fn ids_a_batch_reply_leaves_out_are_fetched_alone_and_counted() {
    let scheduler = Arc::new(Scheduler {
        left_out: HashSet::from([3, 5]),
        ..Scheduler::default()
    });
    let (_server, client) = serve(scheduler.clone()).await;
    let batch = Batch::new(client);
    let set = WaitSet::new(batch.clone(), fast());
    wait_all(&set, 1..=6).await;
    let mut singles = scheduler.singles();
    singles.sort_unstable();
    assert_eq!(singles, [3, 5]);
    assert_eq!(batch.fallbacks(), 2);
    assert_eq!(batch.queries(), scheduler.queries().len() as u64);
}

#[tokio::test]
async fn a_request_nested_deeper_than_an_item_s_inner_object_is_not_trusted() {
    for (nesting, read_from_batch) in [(1, true), (2, true), (3, false)] {
        let scheduler = Arc::new(Scheduler {
            nesting,
            ..Scheduler::default()
        });
        let (_server, client) = serve(scheduler.clone()).await;
        let batch = Batch::new(client);
        let set = WaitSet::new(batch.clone(), fast());
        wait_all(&set, [1, 2]).await;
        let alone = scheduler.singles().len();
        assert_eq!(alone == 0, read_from_batch, "nesting {nesting}: {alone} fetched alone");
    }
}

#[tokio::test]
async fn a_refused_multi_selection_falls_back_to_one_request_per_id() {
    let scheduler = Arc::new(Scheduler {
        refuse_queries: Some((400, usize::MAX)),
        ..Scheduler::default()
    });
    let (_server, client) = serve(scheduler.clone()).await;
    let batch = Batch::new(client);
    let set = WaitSet::new(batch.clone(), fast());
    wait_all(&set, [1, 2, 10]).await;
    let mut singles = scheduler.singles();
    singles.sort_unstable();
    singles.dedup();
    assert_eq!(singles, [1, 2, 10]);
    assert_eq!(batch.fallbacks(), 3);
}

#[tokio::test]
async fn a_throttled_batch_backs_off_as_a_whole() {
    let scheduler = Arc::new(Scheduler {
        refuse_queries: Some((429, 2)),
        ..Scheduler::default()
    });
    let (_server, client) = serve(scheduler.clone()).await;
    let batch = Batch::new(client);
    let set = WaitSet::new(batch.clone(), fast());
    wait_all(&set, [1, 2, 10]).await;
    assert!(
        scheduler.singles().is_empty(),
        "fetched alone: {:?}",
        scheduler.singles()
    );
    assert_eq!(batch.fallbacks(), 0);
    assert_eq!(scheduler.queries().len(), 3, "two refused, then answered");
}

/// A wait set whose Tokio runtime shut down ends each open wait with an error that says what it waited for.
#[test]
fn a_wait_set_stopped_with_its_runtime_says_it_waited_for_ess_requests() {
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    };
    let first = runtime();
    let (server, wait) = first.block_on(async {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"batch": [{"requestId": 4, "state": "RUNNING"}]})),
            )
            .mount(&server)
            .await;
        let client = Client::builder(format!("{}{BASE}", server.uri()))
            .build()
            .expect("valid configuration");
        let set = client.wait_set(WaitPolicy::default());
        let wait = set.add(4);
        while server.received_requests().await.unwrap_or_default().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        (server, wait)
    });
    drop(first);
    let outcome = runtime().block_on(wait);
    let Outcome::PollFailed { error, .. } = outcome else {
        panic!("expected the stopped set's error, got {outcome:?}");
    };
    assert_eq!(
        error.to_string(),
        "the wait set for ESS requests stopped before the wait for 4 ended (its Tokio runtime shut down)"
    );
    drop(server);
}
