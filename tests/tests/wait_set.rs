//! Waiting for many ESS requests at once, against a mock scheduler that counts requests: batches instead of one
//! request per wait, the same outcomes as single waiters, a fallback for batch replies of an unexpected shape,
//! and no more polls for a wait that was dropped.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sdk_ess::Client;
use sdk_ess::wait::{Outcome, WaitPolicy};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How the mock answers a multi-select query.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BatchShape {
    /// `{"batch": [{"requestId": .., "state": ..}, ..]}`
    Flat,
    /// Items of a shape no client can read: every id must fall back to `GET /requests/{id}`.
    Unreadable,
}

/// A scheduler whose request `id` ends at `start + end_of(id)`: odd ids succeed, every tenth fails with a cause.
struct Scheduler {
    start: Instant,
    window: Duration,
    shape: BatchShape,
    batch_queries: AtomicUsize,
    single_gets: AtomicUsize,
    polls_of: std::sync::Mutex<HashMap<i64, usize>>,
}

impl Scheduler {
    fn new(window: Duration, shape: BatchShape) -> Arc<Self> {
        Arc::new(Self {
            start: Instant::now(),
            window,
            shape,
            batch_queries: AtomicUsize::new(0),
            single_gets: AtomicUsize::new(0),
            polls_of: std::sync::Mutex::new(HashMap::new()),
        })
    }

    fn end_of(&self, id: i64) -> Duration {
        self.window.mul_f64((id.unsigned_abs() % 97) as f64 / 97.0)
    }

    fn details(&self, id: i64) -> Value {
        if let Ok(mut polls) = self.polls_of.lock() {
            *polls.entry(id).or_default() += 1;
        }
        if self.start.elapsed() < self.end_of(id) {
            json!({"requestId": id, "state": "RUNNING"})
        } else if id % 10 == 0 {
            json!({"requestId": id, "state": "ERROR", "cause": "PROCESS_ERROR", "errorWarningMessage": "disk full"})
        } else {
            json!({"requestId": id, "state": "SUCCEEDED"})
        }
    }

    fn requests(&self) -> usize {
        self.batch_queries.load(Ordering::Relaxed) + self.single_gets.load(Ordering::Relaxed)
    }

    fn polls(&self, id: i64) -> usize {
        self.polls_of
            .lock()
            .map(|p| p.get(&id).copied().unwrap_or(0))
            .unwrap_or(0)
    }
}

struct Responder(Arc<Scheduler>);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let scheduler = &self.0;
        let ids = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.split(',').filter_map(|id| id.parse::<i64>().ok()).collect::<Vec<_>>());
        let body = match ids {
            Some(ids) => {
                scheduler.batch_queries.fetch_add(1, Ordering::Relaxed);
                let items: Vec<Value> = ids
                    .iter()
                    .map(|&id| {
                        let details = scheduler.details(id);
                        match scheduler.shape {
                            BatchShape::Flat => details,
                            BatchShape::Unreadable => json!({"outcome": "ok", "ref": id.to_string()}),
                        }
                    })
                    .collect();
                json!({"batch": items})
            }
            None => {
                scheduler.single_gets.fetch_add(1, Ordering::Relaxed);
                let id = request
                    .url
                    .path()
                    .rsplit('/')
                    .next()
                    .and_then(|id| id.parse().ok())
                    .unwrap_or(0);
                scheduler.details(id)
            }
        };
        ResponseTemplate::new(200).set_body_json(body)
    }
}

async fn serve(scheduler: Arc<Scheduler>) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Responder(scheduler))
        .mount(&server)
        .await;
    let client = Client::builder(format!("{}/ess/rest/scheduler/v1", server.uri()))
        .basic_auth("scheduler.user", "s3cret-Pa55")
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));
    (server, client)
}

/// Delays of 50, 100, 200, 200 ... ms: a scaled-down form of the default (2 s doubling to a minute), for a test
/// that lasts seconds.
fn policy() -> WaitPolicy {
    WaitPolicy::default()
        .initial_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(200))
        .max_wait(Duration::from_secs(60))
}

fn expected(id: i64) -> &'static str {
    if id % 10 == 0 { "failed" } else { "succeeded" }
}

fn kind<T>(outcome: &Outcome<T>) -> &'static str {
    match outcome {
        Outcome::Succeeded(_) => "succeeded",
        Outcome::Failed { .. } => "failed",
        _ => "other",
    }
}

const WAITS: i64 = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_waits_take_a_fiftieth_of_the_requests_of_single_waiters() {
    let window = Duration::from_secs(6);

    let singles = Scheduler::new(window, BatchShape::Flat);
    let (_single_server, client) = serve(singles.clone()).await;
    let mut tasks = Vec::new();
    for id in 1..=WAITS {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            kind(&client.wait_for_request(id).with_policy(policy()).wait().await)
        }));
    }
    for (id, task) in (1..=WAITS).zip(tasks) {
        assert_eq!(task.await.unwrap_or("panicked"), expected(id), "single wait {id}");
    }

    let batched = Scheduler::new(window, BatchShape::Flat);
    let (_batch_server, client) = serve(batched.clone()).await;
    // The mock takes any number of ids in a query; a real scheduler's limit is set the same way (`max_ids`).
    // With the default of 100 the ratio is about 1/60 on this scaled-down schedule (1/106 with the default policy,
    // in BENCHMARKS.md); 250 leaves the check a margin on a slow machine.
    let batch = sdk_ess::wait::Batch::new(client.clone()).max_ids(250);
    let set = sdk_ess::wait::WaitSet::new(batch, policy());
    let waits: Vec<_> = (1..=WAITS).map(|id| set.add(id)).collect();
    for (id, wait) in (1..=WAITS).zip(waits) {
        assert_eq!(kind(&wait.await), expected(id), "wait {id} of the set");
    }

    let (single_requests, set_requests) = (singles.requests(), batched.requests());
    println!(
        "{WAITS} waits: {single_requests} requests from single waiters, {set_requests} from the set ({} batch queries, {} single GETs), ratio 1/{:.0}",
        batched.batch_queries.load(Ordering::Relaxed),
        batched.single_gets.load(Ordering::Relaxed),
        single_requests as f64 / set_requests.max(1) as f64
    );
    assert!(
        set_requests * 50 <= single_requests,
        "{set_requests} requests from the set against {single_requests} from single waiters"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_replies_of_an_unexpected_shape_fall_back_and_every_wait_ends_right() {
    let scheduler = Scheduler::new(Duration::from_millis(500), BatchShape::Unreadable);
    let (_server, client) = serve(scheduler.clone()).await;
    let batch = sdk_ess::wait::Batch::new(client.clone());
    let counters = batch.clone();
    let set = sdk_ess::wait::WaitSet::new(batch, policy());
    let waits: Vec<_> = (1..=200).map(|id| set.add(id)).collect();
    for (id, wait) in (1..=200).zip(waits) {
        assert_eq!(kind(&wait.await), expected(id), "wait {id}");
    }
    assert!(counters.fallbacks() >= 200, "{} fallbacks", counters.fallbacks());
    assert!(scheduler.single_gets.load(Ordering::Relaxed) >= 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_wait_is_polled_no_more() {
    let scheduler = Scheduler::new(Duration::from_secs(60), BatchShape::Flat);
    let (_server, client) = serve(scheduler.clone()).await;
    let set = client.wait_set(policy());
    // Request 96 ends late in the window (96 % 97), request 97 at once (97 % 97 == 0).
    let dropped = set.add(96);
    let kept = set.add(97);
    assert_eq!(kind(&kept.await), "succeeded");
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(dropped);
    // Let a poll already in flight settle.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let polls = scheduler.polls(96);
    assert!(polls >= 1);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        scheduler.polls(96),
        polls,
        "request 96 was polled after its wait was dropped"
    );
}

/// A service without batch queries answers each id alone: `{id}` ends after `polls` polls.
struct EachAloneServer {
    polls: std::sync::Mutex<HashMap<String, usize>>,
    ogg: bool,
}

impl Respond for EachAloneServer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let id = request.url.path().rsplit('/').next().unwrap_or_default().to_owned();
        let seen = self
            .polls
            .lock()
            .map(|mut polls| {
                let count = polls.entry(id.clone()).or_default();
                *count += 1;
                *count
            })
            .unwrap_or(1);
        let done = seen >= 3;
        let body = if self.ogg {
            let progress = if done { "succeeded" } else { "running" };
            json!({"$schema": "api:standardResponse", "links": [], "messages": [],
                   "response": {"$schema": "ogg:request", "completed": done, "progress": progress}})
        } else {
            let status = if done { "SUCCEEDED" } else { "IN_PROGRESS" };
            json!({"id": id, "status": status, "percentComplete": if done { 100.0 } else { 40.0 },
                   "operationType": "RELOAD_DATASET", "timeAccepted": "2026-11-29T10:00:00.0+0000"})
        };
        ResponseTemplate::new(200).set_body_json(body)
    }
}

async fn each_alone_server(ogg: bool) -> MockServer {
    let server = MockServer::start().await;
    let responder = EachAloneServer {
        polls: std::sync::Mutex::new(HashMap::new()),
        ogg,
    };
    Mock::given(any()).respond_with(responder).mount(&server).await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goldengate_and_analytics_sets_follow_each_request_to_its_end() {
    let server = each_alone_server(true).await;
    let ogg = sdk_ogg::Client::builder(format!("{}/services/v2", server.uri()))
        .basic_auth("oggadmin", "s3cret-Pa55")
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));
    let set = ogg.wait_set(policy());
    let waits: Vec<_> = (1..=50).map(|id| set.add(id)).collect();
    for wait in waits {
        assert_eq!(kind(&wait.await), "succeeded");
    }

    let server = each_alone_server(false).await;
    let oac = sdk_workrequests::Client::builder(format!("{}/api/20210901", server.uri()))
        .bearer_token("oac-token")
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));
    let set = oac.wait_set(policy());
    let ids: Vec<sdk_workrequests::WorkRequestId> = (1..=50)
        .map(|i| sdk_workrequests::WorkRequestId::new(format!("lfc-cc:{i}-c9:3962654")))
        .collect();
    let waits: Vec<_> = ids.iter().map(|id| set.add(id.clone())).collect();
    for wait in waits {
        match wait.await {
            Outcome::Succeeded(work_request) => assert_eq!(work_request.percent_complete, Some(100.0)),
            other => panic!("{other:?}"),
        }
    }
}
