//! Waiters against mock services on tokio's paused clock: a two-hour wait runs in milliseconds, and what is
//! asserted is the sequence of polls and the outcome, never the speed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sdk_ess::wait::{FORCE_CANCEL_AFTER, Outcome, RemoteJobStopped, WaitEvent, WaitPolicy};
use serde_json::{Value, json};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

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
async fn the_final_status_is_read_whole_and_an_unreadable_one_ends_the_wait() {
    // A running request's polls read only its state; the final reply is still the whole document.
    let server = MockServer::start().await;
    let mut done = request("SUCCEEDED");
    done["application"] = json!("EarCustomEss");
    done["links"] = json!([{"rel": "self", "href": "https://fa.example.com/requests/42"}]);
    states(&server, &[request("RUNNING"), request("RUNNING"), done]).await;
    let outcome = ess(&server).wait_for_request(42).wait().await;
    let Outcome::Succeeded(job) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(job.application.as_deref(), Some("EarCustomEss"));
    assert_eq!(job.links.map(|links| links.len()), Some(1));

    // A reply that is not a request document ends the wait as before, with what the server sent.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/requests/42")))
        .respond_with(ResponseTemplate::new(200).set_body_json(request("RUNNING")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/requests/42")))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"))
        .mount(&server)
        .await;
    let outcome = ess(&server).wait_for_request(42).wait().await;
    let Outcome::PollFailed { error, polls, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(polls, 2);
    assert!(matches!(error, sdk_ess::Error::InvalidBody(_)), "{error:?}");
    assert_eq!(
        error.api().map(|api| api.body().to_vec()),
        Some(b"<html>maintenance</html>".to_vec())
    );
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
async fn warning_is_a_success_unless_the_policy_makes_it_a_failure() {
    let server = MockServer::start().await;
    let mut warned = request("WARNING");
    warned["errorWarningMessage"] = json!("3 invoices skipped");
    states(&server, &[request("RUNNING"), warned]).await;
    let client = ess(&server);
    let outcome = client.wait_for_request(42).wait().await;
    assert!(matches!(outcome, Outcome::Succeeded(_)), "{outcome:?}");

    let strict = WaitPolicy::default().warning_is_failure(true);
    let error = client
        .wait_for_request(42)
        .with_policy(strict.clone())
        .until_success()
        .await
        .expect_err("WARNING fails under this policy");
    assert_eq!(
        error.to_string(),
        "ESS request 42 failed in state WARNING: 3 invoices skipped"
    );
    // A wait set reads the same classification under the same policy.
    let set = client.wait_set(strict);
    let outcome = set.add(42).await;
    assert!(
        matches!(&outcome, Outcome::Failed { failure, .. } if failure.state == "WARNING"),
        "{outcome:?}"
    );
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

/// A scheduler whose clock is far from the client's (a day in 2001): request 42 entered CANCELLING at
/// `entered` by that clock. Every `GET` carries the clock in its `Date` header, then moves it `step` on; a
/// `forceCancel` ends the request in CANCELLED.
struct FarClock {
    now: Mutex<chrono::DateTime<chrono::Utc>>,
    step: Mutex<Duration>,
    entered: chrono::DateTime<chrono::Utc>,
    forced: AtomicUsize,
}

impl FarClock {
    fn new(minutes_in_cancelling: i64) -> Arc<Self> {
        let now = chrono::DateTime::parse_from_rfc3339("2001-02-03T04:05:06Z")
            .expect("a date")
            .with_timezone(&chrono::Utc);
        Arc::new(Self {
            now: Mutex::new(now),
            step: Mutex::new(Duration::ZERO),
            entered: now - chrono::Duration::minutes(minutes_in_cancelling),
            forced: AtomicUsize::new(0),
        })
    }

    fn step_each_get(&self, step: Duration) {
        if let Ok(mut current) = self.step.lock() {
            *current = step;
        }
    }
}

struct FarClockServer(Arc<FarClock>);

impl Respond for FarClockServer {
    fn respond(&self, incoming: &Request) -> ResponseTemplate {
        let clock = &self.0;
        let path = incoming.url.path();
        if incoming.method.as_str() == "POST" {
            if path.ends_with("/forceCancel") {
                clock.forced.fetch_add(1, Ordering::SeqCst);
            }
            return ResponseTemplate::new(200).set_body_json(json!({}));
        }
        let step = clock.step.lock().map(|s| *s).unwrap_or_default();
        let date = clock.now.lock().map_or_else(
            |_| String::new(),
            |mut now| {
                let shown = now.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
                *now += chrono::Duration::from_std(step).unwrap_or_default();
                shown
            },
        );
        let body = if clock.forced.load(Ordering::SeqCst) > 0 {
            request("CANCELLED")
        } else {
            let mut cancelling = request("CANCELLING");
            cancelling["stateChangeTime"] = json!(clock.entered.to_rfc3339());
            cancelling
        };
        ResponseTemplate::new(200)
            .insert_header("Date", date.as_str())
            .set_body_json(body)
    }
}

#[tokio::test(start_paused = true)]
async fn cancel_then_force_cancel_under_the_thirty_minute_rule_on_the_schedulers_clock() {
    let server = MockServer::start().await;
    // Five minutes in CANCELLING by the scheduler's clock, which is 25 years behind the client's: judged on the
    // client's clock, the 30 minutes would have passed long ago.
    let clock = FarClock::new(5);
    Mock::given(wiremock::matchers::any())
        .respond_with(FarClockServer(clock.clone()))
        .mount(&server)
        .await;
    let client = ess(&server);

    // Cancel, then wait a minute: the remote job does not acknowledge, the request stays in CANCELLING.
    let outcome = client
        .cancel_and_wait(42, WaitPolicy::default().max_wait(Duration::from_secs(60)))
        .await
        .expect("cancel sent");
    assert!(
        matches!(&outcome, Outcome::TimedOut { last: Some(last), .. } if last.state == Some(sdk_ess::types::RequestState::Cancelling)),
        "{outcome:?}"
    );

    // Before 30 minutes in CANCELLING by the scheduler's clock, force-cancel is refused with the time left by
    // that clock, and nothing is sent.
    let early = client
        .force_cancel(42, RemoteJobStopped::confirm())
        .await
        .expect_err("too early");
    assert!(
        matches!(early, sdk_ess::wait::ForceCancelError::TooEarly { wait, .. } if wait == FORCE_CANCEL_AFTER - Duration::from_secs(5 * 60)),
        "{early}"
    );
    assert_eq!(clock.forced.load(Ordering::SeqCst), 0);

    // The workflow waits until the scheduler's clock allows it (the clock moves ten minutes a poll here),
    // force-cancels once, and sees CANCELLED.
    clock.step_each_get(Duration::from_secs(10 * 60));
    let started = Instant::now();
    let outcome = client
        .force_cancel_when_allowed(42, RemoteJobStopped::confirm(), WaitPolicy::default())
        .await
        .expect("force-cancel allowed after 30 minutes");
    assert!(matches!(outcome, Outcome::Cancelled(_)), "{outcome:?}");
    assert_eq!(clock.forced.load(Ordering::SeqCst), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(25 * 60),
        "waited for the rule: {:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn force_cancel_gives_up_at_the_policys_limit_when_the_schedulers_clock_stands_still() {
    let server = MockServer::start().await;
    let clock = FarClock::new(5);
    Mock::given(wiremock::matchers::any())
        .respond_with(FarClockServer(clock.clone()))
        .mount(&server)
        .await;
    let policy = WaitPolicy::default().max_wait(Duration::from_secs(3600));
    let error = ess(&server)
        .force_cancel_when_allowed(42, RemoteJobStopped::confirm(), policy)
        .await
        .expect_err("the scheduler's clock never reaches 30 minutes");
    assert!(
        matches!(error, sdk_ess::wait::ForceCancelError::TooEarly { .. }),
        "{error}"
    );
    assert_eq!(clock.forced.load(Ordering::SeqCst), 0);
}

/// The in-process simulator, its virtual clock in 2001 (far from the client's) and moved only by the test: the
/// 30-minute rule follows the virtual clock, which the simulator sends in `Date` (were it the real time, `Date`
/// would be 25 years past the request's `stateChangeTime` and the rule would always allow).
#[tokio::test]
async fn force_cancel_follows_the_simulators_virtual_clock() {
    const REMOTE: &str = "JobDefinition://oracle/apps/ess/custom/Remote";
    let start = chrono::DateTime::parse_from_rfc3339("2001-02-03T04:05:06Z")
        .expect("a date")
        .with_timezone(&chrono::Utc);
    let sim = sdk_simulator::Simulator::builder()
        .start_time(start)
        .ess_scenario(REMOTE, sdk_simulator::EssScenario::asynchronous())
        .start()
        .await
        .expect("simulator");
    let client = sdk_ess::Client::builder(sim.ess_url())
        .no_timeouts()
        .build()
        .expect("client");
    let body = sdk_ess::types::SubmitRequest::builder().job_definition_id(REMOTE);
    let id = client
        .submit_request()
        .body(body)
        .send()
        .await
        .expect("submit")
        .into_inner()
        .id
        .expect("an id");
    sim.advance(Duration::from_secs(5));
    client.cancel_request().request_id(id).send().await.expect("cancel");
    assert_eq!(sim.ess_state(id).as_deref(), Some("CANCELLING"));

    sim.advance(Duration::from_secs(10 * 60));
    let early = client.force_cancel(id, RemoteJobStopped::confirm()).await;
    assert!(
        matches!(early, Err(sdk_ess::wait::ForceCancelError::TooEarly { wait, .. }) if wait == Duration::from_secs(20 * 60)),
        "ten virtual minutes in CANCELLING: {early:?}"
    );
    assert_eq!(sim.count("forceCancelRequest"), 0);

    sim.advance(Duration::from_secs(21 * 60));
    client
        .force_cancel(id, RemoteJobStopped::confirm())
        .await
        .expect("31 virtual minutes in CANCELLING");
    assert_eq!(sim.count("forceCancelRequest"), 1);
    assert_eq!(sim.ess_state(id).as_deref(), Some("CANCELLED"));
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
