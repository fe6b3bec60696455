//! Waiting for and force-cancelling one ESS request through this crate's waiter, against a mock scheduler whose
//! clock is its own (the `Date` of its replies): a failed request is named in the error, and the 30-minute rule of
//! force-cancel is judged on the scheduler's clock, within the caller's maximum wait.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sdk_ess::Client;
use sdk_ess::wait::{ForceCancelError, Outcome, RemoteJobStopped, Target, WaitPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const BASE: &str = "/ess/rest/scheduler/v1";

fn client(server: &MockServer) -> Client {
    Client::builder(format!("{}{BASE}", server.uri()))
        .basic_auth("scheduler.user", "pw")
        // The tests below run on Tokio's paused clock: no timer of the client may fire while a reply is on its way.
        .no_timeouts()
        .build()
        .expect("valid configuration")
}

#[test]
fn a_wait_target_keeps_the_request_it_polls() {
    let server_less = Client::builder("https://fa.example.com/ess/rest/scheduler/v1")
        .build()
        .expect("valid configuration");
    assert_eq!(Target::new(server_less, 42).request_id(), 42);
}

#[tokio::test]
async fn a_failed_request_is_named_in_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/requests/77")))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"requestId": 77, "state": "ERROR", "cause": "PROCESS_ERROR", "errorWarningMessage": "disk full"}),
        ))
        .mount(&server)
        .await;
    let error = client(&server)
        .wait_for_request(77)
        .until_success()
        .await
        .expect_err("the request failed");
    let text = error.to_string();
    assert!(text.contains("ESS request 77"), "{text}");
    assert!(text.contains("disk full"), "{text}");
}

/// When request 5 entered CANCELLING, on the scheduler's clock.
const ENTERED: i64 = 1_790_000_000;

/// A scheduler whose request 5 entered CANCELLING at [`ENTERED`]; the `Date` of its n-th status reply is
/// `first_minutes + n - 1` minutes later. After a `forceCancel` the request is CANCELLED.
struct Scheduler {
    first_minutes: u64,
    status_replies: AtomicU64,
    force_cancelled: AtomicBool,
}

impl Scheduler {
    fn reply(&self, request: &Request) -> ResponseTemplate {
        if request.url.path().ends_with("/forceCancel") {
            self.force_cancelled.store(true, Ordering::SeqCst);
            return ResponseTemplate::new(200).set_body_json(json!({}));
        }
        let reply = self.status_replies.fetch_add(1, Ordering::SeqCst);
        let minutes = self.first_minutes + reply;
        let at = |seconds: i64| DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or_default();
        let date = at(ENTERED + 60 * i64::try_from(minutes).unwrap_or(0));
        let state = if self.force_cancelled.load(Ordering::SeqCst) {
            "CANCELLED"
        } else {
            "CANCELLING"
        };
        ResponseTemplate::new(200)
            .insert_header("date", date.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
            .set_body_json(json!({
                "requestId": 5,
                "state": state,
                "stateChangeTime": at(ENTERED).to_rfc3339(),
            }))
    }
}

async fn scheduler(first_minutes: u64) -> (MockServer, Arc<Scheduler>) {
    let scheduler = Arc::new(Scheduler {
        first_minutes,
        status_replies: AtomicU64::new(0),
        force_cancelled: AtomicBool::new(false),
    });
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Shared(scheduler.clone()))
        .mount(&server)
        .await;
    (server, scheduler)
}

/// The scheduler as the mock server holds it, shared with the test that reads what it saw.
struct Shared(Arc<Scheduler>);

impl Respond for Shared {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.reply(request)
    }
}

#[tokio::test]
async fn force_cancel_sends_the_call_once_the_scheduler_s_clock_allows_it() {
    let (server, scheduler) = scheduler(31).await;
    client(&server)
        .force_cancel(5, RemoteJobStopped::confirm())
        .await
        .expect("31 minutes in CANCELLING on the scheduler's clock");
    assert!(scheduler.force_cancelled.load(Ordering::SeqCst), "forceCancel sent");
}

#[tokio::test]
async fn force_cancel_before_the_thirty_minutes_sends_nothing() {
    let (server, scheduler) = scheduler(29).await;
    let refused = client(&server).force_cancel(5, RemoteJobStopped::confirm()).await;
    assert!(
        matches!(refused, Err(ForceCancelError::TooEarly { wait, .. }) if wait == Duration::from_secs(60)),
        "{refused:?}"
    );
    assert!(
        !scheduler.force_cancelled.load(Ordering::SeqCst),
        "forceCancel not sent"
    );
}

#[tokio::test(start_paused = true)]
async fn force_cancel_when_allowed_waits_for_the_rule_then_waits_for_the_end() {
    let (server, scheduler) = scheduler(28).await;
    let started = tokio::time::Instant::now();
    let outcome = client(&server)
        .force_cancel_when_allowed(
            5,
            RemoteJobStopped::confirm(),
            WaitPolicy::default().max_wait(Duration::from_secs(600)),
        )
        .await
        .expect("allowed after two minutes");
    assert!(matches!(outcome, Outcome::Cancelled(_)), "{outcome:?}");
    assert!(scheduler.force_cancelled.load(Ordering::SeqCst));
    // The scheduler's clock said 28 minutes, then 29: two waits of the time it said was left.
    assert!(started.elapsed() >= Duration::from_secs(180), "{:?}", started.elapsed());
}

#[tokio::test(start_paused = true)]
async fn force_cancel_when_allowed_gives_up_when_the_rule_would_outlast_the_maximum_wait() {
    let (server, scheduler) = scheduler(25).await;
    let started = tokio::time::Instant::now();
    let refused = client(&server)
        .force_cancel_when_allowed(
            5,
            RemoteJobStopped::confirm(),
            WaitPolicy::default().max_wait(Duration::from_secs(240)),
        )
        .await;
    assert!(
        matches!(refused, Err(ForceCancelError::TooEarly { wait, .. }) if wait == Duration::from_secs(300)),
        "{refused:?}"
    );
    assert!(
        !scheduler.force_cancelled.load(Ordering::SeqCst),
        "forceCancel not sent"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "no wait for a rule past the maximum wait"
    );
}
