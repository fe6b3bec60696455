//! Waiters against mock services on tokio's paused clock: a two-hour wait runs in milliseconds, and what is
//! asserted is the sequence of polls and the outcome, never the speed.

use std::time::Duration;

use sdk_ess::wait::{FORCE_CANCEL_AFTER, RemoteJobStopped};
use sdk_runtime::wait::{Outcome, WaitEvent, WaitPolicy};
use serde_json::{Value, json};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/ess/rest/scheduler/v1";

fn ess(server: &MockServer) -> sdk_ess::Client {
    sdk_ess::Client::builder(format!("{}{PREFIX}", server.uri()))
        .basic_auth("scheduler.user", "pw")
        .retry_policy(sdk_runtime::RetryPolicy::disabled())
        .no_timeouts()
        .build()
        .expect("valid configuration")
}

fn request(state: &str) -> Value {
    json!({"requestId": 42, "state": state})
}

/// Serves `replies` to `GET .../requests/42` in order, the last one for ever after.
async fn states(server: &MockServer, replies: &[Value]) {
    for (i, body) in replies.iter().enumerate() {
        let mock = Mock::given(method("GET"))
            .and(path(format!("{PREFIX}/requests/42")))
            .respond_with(ResponseTemplate::new(200).set_body_json(body));
        if i + 1 < replies.len() {
            mock.up_to_n_times(1).mount(server).await;
        } else {
            mock.mount(server).await;
        }
    }
}

async fn polls(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map_or(0, |r| r.iter().filter(|r| r.method.as_str() == "GET").count())
}

#[tokio::test(start_paused = true)]
async fn ess_request_that_succeeds() {
    let server = MockServer::start().await;
    states(&server, &[request("WAIT"), request("RUNNING"), request("SUCCEEDED")]).await;
    let outcome = ess(&server).wait_for_request(42).wait().await;
    let Outcome::Succeeded(job) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(job.state, Some(sdk_ess::types::RequestState::Succeeded));
    assert_eq!(polls(&server).await, 3);
}

#[tokio::test(start_paused = true)]
async fn ess_request_left_in_hold_needs_action_and_is_not_waited_on() {
    let server = MockServer::start().await;
    states(&server, &[request("WAIT"), request("HOLD")]).await;
    let started = Instant::now();
    let outcome = ess(&server).wait_for_request(42).wait().await;
    assert!(
        matches!(&outcome, Outcome::NeedsAction { reason, .. } if reason.starts_with("HOLD")),
        "{outcome:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "ended at the poll that saw HOLD, not at the deadline"
    );
}

#[tokio::test(start_paused = true)]
async fn ess_request_in_error_keeps_cause_and_message() {
    let server = MockServer::start().await;
    let mut failed = request("ERROR");
    failed["cause"] = json!("PROCESS_BIZ_ERROR");
    failed["errorWarningMessage"] = json!("invoice 17 has no supplier");
    states(&server, &[request("RUNNING"), failed]).await;
    let outcome = ess(&server).wait_for_request(42).wait().await;
    let Outcome::Failed { failure, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(failure.state, "ERROR");
    assert_eq!(failure.code.as_deref(), Some("PROCESS_BIZ_ERROR"));
    assert_eq!(failure.messages, ["invoice 17 has no supplier"]);
}

#[tokio::test(start_paused = true)]
async fn with_no_policy_given_no_wait_runs_forever() {
    let server = MockServer::start().await;
    states(&server, &[request("RUNNING")]).await;
    let started = Instant::now();
    let outcome = ess(&server).wait_for_request(42).wait().await;
    let Outcome::TimedOut {
        elapsed,
        polls: n,
        last,
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(elapsed, Duration::from_secs(2 * 3600));
    assert_eq!(started.elapsed(), Duration::from_secs(2 * 3600));
    assert!(last.is_some());
    assert_eq!(n as usize, polls(&server).await);
}

#[tokio::test(start_paused = true)]
async fn a_503_during_the_wait_is_tolerated_and_a_404_ends_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(request("RUNNING")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "20"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(request("RUNNING")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"title": "Request ID not found", "errorCode": "ESS-00404"})),
        )
        .mount(&server)
        .await;
    let started = Instant::now();
    let outcome = ess(&server).wait_for_request(42).wait().await;
    let Outcome::PollFailed { error, polls: n, last } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.service_error().and_then(|e| e.code.as_deref()), Some("ESS-00404"));
    assert_eq!(n, 5);
    assert!(last.is_none(), "a waiter keeps no status between polls");
    // The two 503s asked for 20 s each, which the waiter honoured.
    assert!(started.elapsed() >= Duration::from_secs(40), "{:?}", started.elapsed());
}

#[tokio::test(start_paused = true)]
async fn the_progress_stream_shows_each_state() {
    use futures::StreamExt as _;
    let server = MockServer::start().await;
    states(
        &server,
        &[
            request("WAIT"),
            request("READY"),
            request("RUNNING"),
            request("WARNING"),
        ],
    )
    .await;
    let events: Vec<_> = ess(&server).wait_for_request(42).into_stream().collect().await;
    let seen: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            WaitEvent::Progress(s) => Some(s.state.clone()),
            WaitEvent::Finished(_) => None,
        })
        .collect();
    assert_eq!(seen, ["WAIT", "READY", "RUNNING", "WARNING"]);
    assert!(matches!(
        events.last(),
        Some(WaitEvent::Finished(Outcome::Succeeded(_)))
    ));
}

#[tokio::test(start_paused = true)]
async fn cancel_then_force_cancel_under_the_thirty_minute_rule() {
    let server = MockServer::start().await;
    let entered = chrono::Utc::now() - chrono::Duration::minutes(5);
    let mut cancelling = request("CANCELLING");
    cancelling["stateChangeTime"] = json!(entered.to_rfc3339());
    Mock::given(method("POST"))
        .and(path(format!("{PREFIX}/requests/42/cancel")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{PREFIX}/requests/42/forceCancel")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = ess(&server);

    // Cancel, then wait a minute: the remote job does not acknowledge, the request stays in CANCELLING.
    states(&server, &[cancelling.clone()]).await;
    let outcome = client
        .cancel_and_wait(42, WaitPolicy::default().max_wait(Duration::from_secs(60)))
        .await
        .expect("cancel sent");
    assert!(
        matches!(&outcome, Outcome::TimedOut { last: Some(last), .. } if last.state == Some(sdk_ess::types::RequestState::Cancelling)),
        "{outcome:?}"
    );

    // Before 30 minutes in CANCELLING, force-cancel is refused with the time left, and nothing is sent.
    let early = client
        .force_cancel(42, RemoteJobStopped::confirm())
        .await
        .expect_err("too early");
    assert!(
        matches!(early, sdk_ess::wait::ForceCancelError::TooEarly { wait, .. } if wait <= FORCE_CANCEL_AFTER - Duration::from_secs(4 * 60)),
        "{early}"
    );

    // The workflow waits until the rule allows it, force-cancels once, and sees CANCELLED.
    server.reset().await;
    Mock::given(method("POST"))
        .and(path(format!("{PREFIX}/requests/42/forceCancel")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    states(&server, &[cancelling.clone(), cancelling, request("CANCELLED")]).await;
    let started = Instant::now();
    let outcome = client
        .force_cancel_when_allowed(42, RemoteJobStopped::confirm(), WaitPolicy::default())
        .await
        .expect("force-cancel allowed after 30 minutes");
    assert!(matches!(outcome, Outcome::Cancelled(_)), "{outcome:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(24 * 60),
        "waited for the rule: {:?}",
        started.elapsed()
    );
}

fn oac(server: &MockServer) -> sdk_workrequests::Client {
    sdk_workrequests::Client::builder(format!("{}/api/20210901", server.uri()))
        .bearer_token("oac-token")
        .retry_policy(sdk_runtime::RetryPolicy::disabled())
        .no_timeouts()
        .build()
        .expect("valid configuration")
}

fn work_request(status: &str, percent: f64) -> Value {
    json!({
        "id": "wr-7",
        "operationType": "RELOAD_DATASET",
        "percentComplete": percent,
        "status": status,
        "timeAccepted": "2022-07-06T20:25:11.0+0000"
    })
}

async fn work_requests(server: &MockServer, replies: &[Value]) {
    for (i, body) in replies.iter().enumerate() {
        let mock = Mock::given(method("GET"))
            .and(path("/api/20210901/workRequests/wr-7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body));
        if i + 1 < replies.len() {
            mock.up_to_n_times(1).mount(server).await;
        } else {
            mock.mount(server).await;
        }
    }
}

#[tokio::test(start_paused = true)]
async fn work_request_that_fails_reports_its_errors_and_the_stream_shows_the_percentages() {
    use futures::StreamExt as _;
    let server = MockServer::start().await;
    let mut failed = work_request("FAILED", 60.0);
    failed["Errors"] = json!([{"code": "DATASET_RELOAD_FAILED", "message": "source connection refused", "timestamp": "2022-07-06T20:26:00.0+0000"}]);
    work_requests(
        &server,
        &[
            work_request("ACCEPTED", 0.0),
            work_request("IN_PROGRESS", 10.0),
            work_request("IN_PROGRESS", 60.0),
            failed,
        ],
    )
    .await;
    let id = sdk_workrequests::WorkRequestId::from("wr-7");
    let events: Vec<_> = oac(&server).wait_for_work_request(&id).into_stream().collect().await;
    let seen: Vec<(String, Option<f64>)> = events
        .iter()
        .filter_map(|e| match e {
            WaitEvent::Progress(s) => Some((s.state.clone(), s.percent_complete)),
            WaitEvent::Finished(_) => None,
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("ACCEPTED".to_owned(), Some(0.0)),
            ("IN_PROGRESS".to_owned(), Some(10.0)),
            ("IN_PROGRESS".to_owned(), Some(60.0)),
            ("FAILED".to_owned(), Some(60.0)),
        ]
    );
    let Some(WaitEvent::Finished(Outcome::Failed { failure, .. })) = events.last() else {
        panic!("{:?}", events.last())
    };
    assert_eq!(failure.code.as_deref(), Some("DATASET_RELOAD_FAILED"));
    assert_eq!(failure.messages, ["DATASET_RELOAD_FAILED: source connection refused"]);
}

#[tokio::test(start_paused = true)]
async fn work_requests_that_succeed_or_are_canceled() {
    for (last, succeeded) in [("SUCCEEDED", true), ("CANCELED", false)] {
        let server = MockServer::start().await;
        work_requests(
            &server,
            &[
                work_request("IN_PROGRESS", 50.0),
                work_request("CANCELING", 50.0),
                work_request(last, 100.0),
            ],
        )
        .await;
        let id = sdk_workrequests::WorkRequestId::from("wr-7");
        let outcome = oac(&server).wait_for_work_request(&id).wait().await;
        if succeeded {
            assert!(
                matches!(outcome, Outcome::Succeeded(ref w) if w.percent_complete == Some(100.0)),
                "{outcome:?}"
            );
        } else {
            assert!(matches!(outcome, Outcome::Cancelled(_)), "{outcome:?}");
        }
    }
}
