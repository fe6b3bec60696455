//! The request budget (`ClientBuilder::request_budget`) on the wire: shared by a client and its clones, spreading a
//! burst at its rate, paused for a `Retry-After` by every call of the client, lowered on `429` and recovering, and
//! absent by default. Delays run on tokio's paused clock; the assertions are about when requests could leave
//! (lower bounds a budget guarantees) and what the server saw, never about speed.

use std::time::Duration;

use futures::future::join_all;
use sdk_ess::{Client, Error, RetryPolicy};
use sdk_runtime::RequestBudget;
use sdk_simulator::{EssScenario, RateLimit, Simulator};
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/ess/rest/scheduler/v1";
const JOB: &str = "JobDefinition://oracle/apps/ess/custom/Budgeted";

fn job() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"requestId": 42, "state": "RUNNING"}))
}

fn throttled(retry_after: Option<u64>) -> ResponseTemplate {
    let reply = ResponseTemplate::new(429).set_body_json(json!({"title": "Too Many Requests"}));
    match retry_after {
        Some(seconds) => reply.insert_header("Retry-After", seconds.to_string().as_str()),
        None => reply,
    }
}

/// A client on the paused clock (no timers besides the budget's and the retries'), with `budget` if given.
fn client(base: &str, budget: Option<RequestBudget>, policy: RetryPolicy) -> Client {
    let builder = Client::builder(base)
        .basic_auth("scheduler.user", "pw")
        .retry_policy(policy)
        .no_timeouts();
    match budget {
        Some(budget) => builder.request_budget(budget),
        None => builder,
    }
    .build()
    .expect("valid configuration")
}

async fn server_with(replies: Vec<(ResponseTemplate, Option<u64>)>) -> MockServer {
    let server = MockServer::start().await;
    for (reply, times) in replies {
        let mock = Mock::given(method("GET")).respond_with(reply);
        match times {
            Some(times) => mock.up_to_n_times(times).mount(&server).await,
            None => mock.mount(&server).await,
        }
    }
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

async fn get(client: &Client) -> Result<(), Error> {
    client.get_request().request_id(42).send().await.map(drop)
}

/// When each of `n` calls sent at once (through clones of `client`) ended, from `t0`, in order.
async fn ends_of_concurrent_calls(client: &Client, n: usize, t0: Instant) -> Vec<Duration> {
    let calls = (0..n).map(|_| {
        let client = client.clone();
        async move {
            get(&client).await.expect("answered");
            t0.elapsed()
        }
    });
    let mut ends = join_all(calls).await;
    ends.sort();
    ends
}

#[tokio::test(start_paused = true)]
async fn a_burst_above_the_rate_is_spread_at_the_rate() {
    let server = server_with(vec![(job(), None)]).await;
    let base = format!("{}{PREFIX}", server.uri());
    let budgeted = client(
        &base,
        Some(RequestBudget::per_second(10.0).burst(5)),
        RetryPolicy::default(),
    );
    let t0 = Instant::now();
    let ends = ends_of_concurrent_calls(&budgeted, 25, t0).await;
    // The first five go at once; call k (from 0) cannot leave before (k + 1 - 5) tenths of a second.
    for (k, end) in ends.iter().enumerate() {
        let earliest = Duration::from_millis(100 * (k as u64 + 1).saturating_sub(5));
        assert!(
            *end + Duration::from_millis(2) >= earliest,
            "call {k} ended at {end:?}, before {earliest:?}: {ends:?}"
        );
    }
    assert_eq!(requests(&server).await, 25);
}

#[tokio::test(start_paused = true)]
async fn without_a_budget_nothing_waits() {
    let server = server_with(vec![(job(), None)]).await;
    let base = format!("{}{PREFIX}", server.uri());
    let unbounded = client(&base, None, RetryPolicy::default());
    assert_eq!(unbounded.runtime().request_rate(), None);
    let t0 = Instant::now();
    let ends = ends_of_concurrent_calls(&unbounded, 25, t0).await;
    assert_eq!(ends.last().copied(), Some(Duration::ZERO), "no call waited: {ends:?}");
}

#[tokio::test(start_paused = true)]
async fn clones_share_one_budget() {
    let server = server_with(vec![(job(), None)]).await;
    let base = format!("{}{PREFIX}", server.uri());
    let original = client(&base, Some(RequestBudget::per_second(1.0)), RetryPolicy::default());
    let clone = original.clone();
    let other_policy = original.with_retry_policy(RetryPolicy::disabled());
    let t0 = Instant::now();
    get(&original).await.expect("answered");
    get(&clone).await.expect("answered");
    assert!(
        t0.elapsed() >= Duration::from_millis(998),
        "the clone waited for the shared token"
    );
    get(&other_policy).await.expect("answered");
    assert!(
        t0.elapsed() >= Duration::from_millis(1998),
        "a client with another retry policy shares it too"
    );
    // A client built separately has a budget of its own.
    let separate = client(&base, Some(RequestBudget::per_second(1.0)), RetryPolicy::default());
    let before = Instant::now();
    get(&separate).await.expect("answered");
    assert_eq!(before.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_pauses_every_other_call_of_the_client() {
    let server = server_with(vec![(throttled(Some(10)), Some(1)), (job(), None)]).await;
    let base = format!("{}{PREFIX}", server.uri());
    let budgeted = client(
        &base,
        Some(RequestBudget::per_second(100.0).burst(10)),
        RetryPolicy::disabled(),
    );
    let t0 = Instant::now();
    let refused = get(&budgeted).await.expect_err("429");
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(429));
    // Another call, through a clone, holds back until the Retry-After has passed, though tokens are left.
    get(&budgeted.clone()).await.expect("answered after the pause");
    assert!(t0.elapsed() >= Duration::from_secs(10), "{:?}", t0.elapsed());
    assert_eq!(requests(&server).await, 2, "nothing else was sent");
}

#[tokio::test(start_paused = true)]
async fn without_a_budget_a_retry_after_concerns_only_its_own_call() {
    let server = server_with(vec![(throttled(Some(10)), Some(1)), (job(), None)]).await;
    let base = format!("{}{PREFIX}", server.uri());
    let unbounded = client(&base, None, RetryPolicy::disabled());
    let t0 = Instant::now();
    get(&unbounded).await.expect_err("429");
    get(&unbounded).await.expect("answered at once");
    assert_eq!(t0.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn the_rate_shrinks_on_429_and_grows_back_to_the_configured_rate_as_replies_succeed() {
    let server = server_with(vec![(throttled(None), Some(2)), (job(), None)]).await;
    let base = format!("{}{PREFIX}", server.uri());
    let budgeted = client(&base, Some(RequestBudget::per_second(20.0)), RetryPolicy::disabled());
    assert_eq!(budgeted.runtime().request_rate(), Some(20.0));
    get(&budgeted).await.expect_err("429");
    let lowered = budgeted.runtime().request_rate().expect("a budget");
    assert!(lowered < 20.0, "{lowered}");
    get(&budgeted).await.expect_err("429");
    let lowered_again = budgeted.runtime().request_rate().expect("a budget");
    assert!(lowered_again < lowered, "{lowered_again} after {lowered}");
    let mut successes = 0;
    while budgeted.runtime().request_rate() < Some(20.0) {
        get(&budgeted).await.expect("answered");
        successes += 1;
        assert!(successes <= 200, "the rate did not come back");
    }
    get(&budgeted).await.expect("answered");
    assert_eq!(
        budgeted.runtime().request_rate(),
        Some(20.0),
        "never above the configured rate"
    );
}

// On the real clock: on tokio's paused clock the first call's own attempt could time out while its request was
// still on its way to the server, which then counted it after the check below.
#[tokio::test]
async fn waiting_for_the_budget_counts_against_the_total_timeout() {
    let server = server_with(vec![(job(), None)]).await;
    let base = format!("{}{PREFIX}", server.uri());
    let budgeted = Client::builder(base)
        .basic_auth("scheduler.user", "pw")
        .retry_policy(RetryPolicy::disabled())
        .no_timeouts()
        .total_timeout(Duration::from_secs(5))
        .request_budget(RequestBudget::per_second(0.1))
        .build()
        .expect("valid configuration");
    // The first call takes the only token: the next one comes in ten seconds, after the 5 s of any call.
    get(&budgeted).await.expect("answered");
    assert_eq!(requests(&server).await, 1);
    let started = std::time::Instant::now();
    let error = get(&budgeted).await.expect_err("no token within the 5 s of the call");
    assert!(matches!(error, Error::BudgetTimeout { .. }), "{error:?}");
    assert!(error.is_retryable());
    // Not a measure of speed: waiting for the token, or for the deadline, would take 5 s or more.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "it did not wait for a token it could not use"
    );
    let message = error.to_string();
    assert!(message.contains("ESS") && message.contains("get_request"), "{message}");
    assert_eq!(requests(&server).await, 1, "the call over budget was not sent");
}

/// Against the simulator limited to 5 requests per second per service: waiters and a wait set of a client
/// whose budget is within the limit all end right, and the simulator refused none of their requests; a client
/// without a budget sending the same polls at once is refused.
#[tokio::test(start_paused = true)]
async fn waits_within_a_budget_meet_no_refusal_from_a_rate_limited_simulator() {
    let sim = Simulator::builder()
        .clock_speed(1.0)
        .ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(20)))
        .start()
        .await
        .expect("simulator");
    let submitter = client(&sim.ess_url(), None, RetryPolicy::default());
    let mut ids = Vec::new();
    for _ in 0..40 {
        let body = sdk_ess::types::SubmitRequest::builder()
            .job_definition_id(JOB)
            .application(Some("EarCustomEss".to_owned()));
        let submitted = submitter.submit_request().body(body).send().await.expect("submitted");
        ids.push(submitted.into_inner().request_id().expect("an id"));
    }
    sim.set_rate_limit(Some(RateLimit::per_second(5.0)));

    // A budget a little below the limit, as a client would set it: requests reach the server a moment after they
    // leave, and on tokio's paused clock that moment can be long, so some arrive closer together than they left.
    let budgeted = client(
        &sim.ess_url(),
        Some(RequestBudget::per_second(4.0).burst(2)),
        RetryPolicy::default(),
    );
    let policy = sdk_ess::wait::WaitPolicy::default()
        .initial_delay(Duration::from_secs(1))
        .max_delay(Duration::from_secs(5));
    let (single, batched) = ids.split_at(10);
    let set = budgeted.wait_set(policy.clone());
    let set_waits: Vec<_> = batched.iter().map(|id| set.add(*id)).collect();
    let waiters = single
        .iter()
        .map(|id| budgeted.wait_for_request(*id).with_policy(policy.clone()).wait());
    let (single_outcomes, set_outcomes) = tokio::join!(join_all(waiters), join_all(set_waits));
    assert!(single_outcomes.iter().all(|o| o.is_success()), "{single_outcomes:?}");
    assert!(set_outcomes.iter().all(|o| o.is_success()), "{set_outcomes:?}");
    assert_eq!(sim.throttled().get("ess").copied(), Some(0), "{:?}", sim.throttled());

    // The same number of polls sent at once without a budget: the simulator refuses what is above its burst (a
    // limit of 5 at once, refilled slowly enough that no jump of the paused clock refills it meanwhile).
    drop(set);
    sim.set_rate_limit(Some(RateLimit::per_second(0.01).burst(5.0)));
    sim.clear_recorded();
    let unbounded = client(&sim.ess_url(), None, RetryPolicy::disabled());
    let polls = ids.iter().map(|id| unbounded.get_request().request_id(*id).send());
    let replies = join_all(polls).await;
    let refused = replies
        .iter()
        .filter(|r| r.as_ref().err().and_then(Error::status).map(|s| s.as_u16()) == Some(429))
        .count();
    assert!(refused >= 30, "the limit refused {refused} of 40");
    assert_eq!(sim.throttled().get("ess").copied(), Some(refused as u64));
}

/// The standalone simulator's controls for the rate limit: set, read with its refusals, lifted; a refusal is a
/// `429` in the service's own error format with `Retry-After`.
#[tokio::test]
async fn the_rate_limit_is_set_read_and_lifted_through_the_admin_endpoints() {
    let sim = Simulator::start().await.expect("simulator");
    let http = reqwest::Client::new();
    let admin = format!("{}/rate-limit", sim.admin_url());
    let set = http
        .put(&admin)
        .json(&json!({"perSecond": 0.001, "burst": 2}))
        .send()
        .await
        .expect("admin reply");
    assert_eq!(set.status(), 200);
    let work_request = format!("{}/workRequests/lfc-cc:1-unknown", sim.analytics_url());
    let mut statuses = Vec::new();
    let mut refusal = None;
    for _ in 0..3 {
        let reply = http.get(&work_request).send().await.expect("a reply");
        statuses.push(reply.status().as_u16());
        if reply.status() == 429 {
            let retry_after = reply.headers().get("retry-after").cloned();
            refusal = Some((
                retry_after,
                reply.json::<serde_json::Value>().await.expect("a JSON body"),
            ));
        }
    }
    assert_eq!(
        statuses,
        [404, 404, 429],
        "the burst of two is answered, the third refused"
    );
    let (retry_after, body) = refusal.expect("a refusal");
    assert!(retry_after.is_some_and(|v| v.to_str().is_ok_and(|s| s.parse::<u64>().is_ok_and(|n| n >= 1))));
    assert!(
        body.get("code").is_some() && body.get("message").is_some(),
        "Analytics' error format: {body}"
    );
    let read: serde_json::Value = http
        .get(&admin)
        .send()
        .await
        .expect("admin reply")
        .json()
        .await
        .expect("JSON");
    assert_eq!(read["perSecond"], json!(0.001));
    assert_eq!(read["throttled"]["analytics"], json!(1));
    assert_eq!(read["throttled"]["ess"], json!(0));
    let refused = http
        .put(&admin)
        .json(&json!({"perSecond": 0}))
        .send()
        .await
        .expect("admin reply");
    assert_eq!(refused.status(), 400, "a rate of 0 is refused");
    let lifted = http
        .put(&admin)
        .json(&json!({"perSecond": null}))
        .send()
        .await
        .expect("admin reply");
    assert_eq!(lifted.status(), 200);
    assert_eq!(sim.rate_limit(), None);
    let reply = http.get(&work_request).send().await.expect("a reply");
    assert_eq!(reply.status(), 404, "no limit any more");
}
