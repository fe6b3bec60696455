//! The shared runtime's behaviour on the wire, through a generated client: retries that are safe, `Retry-After`,
//! the retry budget, token refresh on 401 and timeouts. Delays run on tokio's paused clock,
//! so a wait of minutes takes milliseconds; the assertions are about what was sent, never about speed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sdk_ess::{Client, Error, RetryPolicy, Secret};
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/ess/rest/scheduler/v1";

fn job() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"requestId": 42, "state": "RUNNING"}))
}

fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_raw("<html>Service Unavailable</html>", "text/html")
}

/// A client on the paused clock: no timers besides the retry delays.
fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder(format!("{}{PREFIX}", server.uri()))
        .basic_auth("scheduler.user", "s3cret-Pa55")
        .retry_policy(policy)
        .no_timeouts()
        .build()
        .expect("valid configuration")
}

async fn mount(server: &MockServer, reply: ResponseTemplate, times: u64) {
    mount_for(server, "GET", reply, Some(times)).await;
}

/// `reply` to requests of `verb`, `times` times (or for every request, once the earlier mocks are used up).
async fn mount_for(server: &MockServer, verb: &str, reply: ResponseTemplate, times: Option<u64>) {
    let mock = Mock::given(method(verb)).respond_with(reply);
    match times {
        Some(times) => mock.up_to_n_times(times).mount(server).await,
        None => mock.mount(server).await,
    }
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

#[tokio::test(start_paused = true)]
async fn get_meeting_503_503_200_returns_the_200() {
    let server = MockServer::start().await;
    mount(&server, unavailable(), 2).await;
    mount(&server, job(), 1).await;
    let policy = RetryPolicy::default();
    let started = Instant::now();
    let job = client(&server, policy.clone())
        .get_request()
        .request_id(42)
        .send()
        .await
        .expect("the third attempt succeeds")
        .into_inner();
    assert_eq!(job.request_id, Some(42));
    assert_eq!(requests(&server).await, 3);
    // Full jitter: the two delays together are at most the first two ceilings.
    assert!(
        started.elapsed() <= policy.ceiling(1) + policy.ceiling(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn post_meeting_503_is_sent_exactly_once() {
    let server = MockServer::start().await;
    mount_for(&server, "POST", unavailable(), None).await;
    let error = client(&server, RetryPolicy::default())
        .cancel_request()
        .request_id(42)
        .send()
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable(), "the caller may decide to retry");
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn post_is_retried_only_for_a_caller_who_opts_in() {
    let server = MockServer::start().await;
    mount_for(&server, "POST", unavailable(), Some(1)).await;
    mount_for(
        &server,
        "POST",
        ResponseTemplate::new(200).set_body_json(json!({})),
        None,
    )
    .await;
    let client = client(&server, RetryPolicy::default());
    let opted_in = client.with_retry_policy(RetryPolicy::default().retry_non_idempotent(true));
    opted_in
        .hold_request()
        .request_id(42)
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(requests(&server).await, 2);
    assert!(
        !client
            .runtime()
            .retry_policy()
            .may_retry_status(&reqwest::Method::POST, reqwest::StatusCode::SERVICE_UNAVAILABLE)
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_is_honoured() {
    let server = MockServer::start().await;
    mount(&server, unavailable().insert_header("Retry-After", "7"), 1).await;
    mount(&server, job(), 1).await;
    let started = Instant::now();
    client(&server, RetryPolicy::default())
        .get_request()
        .request_id(42)
        .send()
        .await
        .expect("retried");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(7) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(30);
    let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    mount(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", date.as_str()),
        1,
    )
    .await;
    mount(&server, job(), 1).await;
    let started = Instant::now();
    client(&server, RetryPolicy::default())
        .get_request()
        .request_id(42)
        .send()
        .await
        .expect("retried");
    let waited = started.elapsed();
    // The date has one-second resolution and the real clock moved a little meanwhile.
    assert!(
        waited >= Duration::from_secs(28) && waited <= Duration::from_secs(31),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_budget_ends_the_call_at_once() {
    let server = MockServer::start().await;
    mount(&server, unavailable().insert_header("Retry-After", "120"), 1).await;
    let started = Instant::now();
    let error = client(&server, RetryPolicy::default().budget(Duration::from_secs(60)))
        .get_request()
        .request_id(42)
        .send()
        .await
        .expect_err("no wait of two minutes");
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(
        error.api().and_then(|a| a.retry_after()),
        Some(Duration::from_secs(120))
    );
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn the_budget_ends_a_storm_of_503s_with_the_last_error() {
    let server = MockServer::start().await;
    mount_for(&server, "GET", unavailable(), None).await;
    let policy = RetryPolicy::default()
        .max_attempts(1_000)
        .initial_delay(Duration::from_secs(1))
        .max_delay(Duration::from_secs(4))
        .budget(Duration::from_secs(30));
    let started = Instant::now();
    let error = client(&server, policy)
        .get_request()
        .request_id(42)
        .send()
        .await
        .expect_err("storm");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.to_string().contains("Service Unavailable"), "{error}");
    assert!(started.elapsed() <= Duration::from_secs(30), "{:?}", started.elapsed());
    let sent = requests(&server).await;
    assert!((3..1_000).contains(&sent), "{sent} attempts");
}

#[tokio::test(start_paused = true)]
async fn attempts_are_limited() {
    let server = MockServer::start().await;
    mount_for(&server, "GET", unavailable(), None).await;
    let error = client(&server, RetryPolicy::default().max_attempts(3))
        .get_root()
        .send()
        .await;
    assert!(error.is_err());
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test(start_paused = true)]
async fn a_refused_connection_is_retried_and_reported_as_transport() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let client = Client::builder(format!("http://{closed}{PREFIX}"))
        .retry_policy(RetryPolicy::default().max_attempts(3))
        .no_timeouts()
        .build()
        .expect("valid configuration");
    // Even a POST may be retried when the connection never opened: the server cannot have seen it.
    let error = client
        .cancel_request()
        .request_id(1)
        .send()
        .await
        .expect_err("nothing listens");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_retryable());
    // The message names the call and the cause, not just "error sending request".
    let shown = error.to_string();
    assert!(
        shown.contains("/requests/1/cancel") && shown.to_lowercase().contains("refused"),
        "{shown}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_401_refreshes_the_token_once_and_retries() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer token-2"))
        .respond_with(job())
        .mount(&server)
        .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let client = Client::builder(format!("{}{PREFIX}", server.uri()))
        .token_source(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok(Secret::new(format!("token-{n}"))) }
        })
        .no_timeouts()
        .build()
        .expect("valid configuration");
    client
        .get_request()
        .request_id(42)
        .send()
        .await
        .expect("refreshed token works");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(requests(&server).await, 2);
    // The fresh token is kept for the next call.
    client
        .get_request()
        .request_id(42)
        .send()
        .await
        .expect("cached token works");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_second_401_is_returned_not_looped_on() {
    let server = MockServer::start().await;
    mount_for(&server, "GET", ResponseTemplate::new(401), None).await;
    let client = Client::builder(format!("{}{PREFIX}", server.uri()))
        .token_source(|| async { Ok(Secret::new("always-stale")) })
        .no_timeouts()
        .build()
        .expect("valid configuration");
    let error = client.get_root().send().await.expect_err("401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_failing_token_source_is_an_auth_error() {
    let server = MockServer::start().await;
    let client = Client::builder(format!("{}{PREFIX}", server.uri()))
        .token_source(|| async { Err("identity domain unreachable".into()) })
        .no_timeouts()
        .build()
        .expect("valid configuration");
    let error = client.get_root().send().await.expect_err("no token");
    assert!(
        matches!(error, Error::Auth(ref m) if m.contains("identity domain unreachable")),
        "{error:?}"
    );
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn the_per_attempt_timeout_fires_on_a_reply_that_never_comes() {
    let server = MockServer::start().await;
    mount(&server, job().set_delay(Duration::from_secs(30)), 1).await;
    let client = Client::builder(format!("{}{PREFIX}", server.uri()))
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid configuration");
    let error = client.get_request().request_id(1).send().await.expect_err("timeout");
    assert!(matches!(&error, Error::Transport(e) if e.is_timeout()), "{error:?}");
}

#[tokio::test]
async fn the_total_timeout_bounds_all_attempts() {
    let server = MockServer::start().await;
    mount_for(&server, "GET", unavailable().set_delay(Duration::from_millis(50)), None).await;
    let client = Client::builder(format!("{}{PREFIX}", server.uri()))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(1_000)
                .initial_delay(Duration::from_millis(20)),
        )
        .total_timeout(Duration::from_millis(400))
        .build()
        .expect("valid configuration");
    let result = client.get_request().request_id(1).send().await;
    assert!(result.is_err());
    let sent = requests(&server).await;
    assert!((1..1_000).contains(&sent), "{sent}");
}

/// Each attempt's request is built anew from the call's arguments (no copy is kept ahead of a retry): what a retry
/// sends must be exactly what the first attempt sent.
#[tokio::test(start_paused = true)]
async fn a_retry_sends_the_same_request_again() {
    let server = MockServer::start().await;
    mount_for(&server, "POST", unavailable(), Some(1)).await;
    mount_for(
        &server,
        "POST",
        ResponseTemplate::new(201).set_body_json(json!({"requestId": 7})),
        None,
    )
    .await;
    mount(&server, unavailable(), 1).await;
    mount(&server, job(), 1).await;
    let client = client(&server, RetryPolicy::default().retry_non_idempotent(true));
    client
        .submit_request()
        .body(
            sdk_ess::types::SubmitRequest::builder()
                .job_definition_id("JobDefinition://oracle/apps/ess/custom/NightlyLoad")
                .application(Some("EarCustomEss".to_owned())),
        )
        .send()
        .await
        .expect("the second attempt is accepted");
    client
        .get_request()
        .request_id(42)
        .fields("state,cause")
        .links("self")
        .send()
        .await
        .expect("the second attempt succeeds");

    let received = server.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 4, "two calls, each retried once");
    for pair in received.chunks(2) {
        let (first, retry) = (&pair[0], &pair[1]);
        assert_eq!(first.method, retry.method);
        assert_eq!(first.url, retry.url);
        assert_eq!(first.body, retry.body);
        for name in ["authorization", "content-type", "accept", "user-agent"] {
            assert_eq!(first.headers.get(name), retry.headers.get(name), "{name}");
        }
    }
    assert!(
        received[0].body.starts_with(b"{") && received[0].headers.get("authorization").is_some(),
        "the POST carried its body and credentials"
    );
    assert_eq!(
        received[2].url.query(),
        Some("fields=state%2Ccause&links=self"),
        "present query parameters only, in the documented order"
    );
}
