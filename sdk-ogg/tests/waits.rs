//! Following GoldenGate background requests through this crate's waiter and wait set, against a mock server: the
//! error of a failed request names it, with GoldenGate's own error; a set ends each request as its status says.

use sdk_ogg::Client;
use sdk_ogg::wait::{Outcome, Target, WaitPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BASE: &str = "/services/v2";

fn client(server: &MockServer) -> Client {
    Client::builder(format!("{}{BASE}", server.uri()))
        .basic_auth("oggadmin", "pw")
        .build()
        .expect("valid configuration")
}

#[tokio::test]
async fn a_failed_request_is_named_in_the_error_with_goldengate_s_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/requests/7")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": [{"code": "OGG-12029", "severity": "ERROR", "title": "no such extract"}]
        })))
        .mount(&server)
        .await;
    let error = client(&server)
        .wait_for_request(7)
        .with_policy(WaitPolicy::default().initial_delay(std::time::Duration::from_millis(10)))
        .until_success()
        .await
        .expect_err("the request failed");
    let text = error.to_string();
    assert!(text.contains("GoldenGate request 7"), "{text}");
    assert!(text.contains("OGG-12029"), "{text}");
}

#[test]
fn a_wait_target_keeps_the_request_it_polls() {
    let server_less = Client::builder("https://ogg.example.com/services/v2")
        .build()
        .expect("valid configuration");
    assert_eq!(Target::new(server_less, 7).request_id(), 7);
}

fn fast() -> WaitPolicy {
    WaitPolicy::default()
        .initial_delay(std::time::Duration::from_millis(10))
        .max_delay(std::time::Duration::from_millis(10))
}

/// Answers `GET /requests/{id}` with the status `response` in GoldenGate's envelope.
async fn request_status(server: &MockServer, id: i64, response: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/requests/{id}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"links": [], "messages": [], "response": response})),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_wait_set_ends_each_request_as_its_own_status_says() {
    let server = MockServer::start().await;
    request_status(
        &server,
        1,
        json!({"progress": "succeeded", "completed": true, "requestStatus": 200}),
    )
    .await;
    request_status(
        &server,
        2,
        json!({"progress": "failed", "completed": true, "requestStatus": 500}),
    )
    .await;
    request_status(&server, 3, json!({"progress": "aborted", "completed": true})).await;
    let set = client(&server).wait_set(fast());
    let waits: Vec<_> = [1, 2, 3].map(|id| (id, set.add(id))).into();
    for (id, wait) in waits {
        let outcome = wait.await;
        let right = match id {
            1 => matches!(outcome, Outcome::Succeeded(_)),
            2 => matches!(outcome, Outcome::Failed { .. }),
            _ => matches!(outcome, Outcome::Cancelled(_)),
        };
        assert!(right, "request {id}: {outcome:?}");
    }
}

/// A wait set whose Tokio runtime shut down ends each open wait with an error that says what it waited for.
#[test]
fn a_wait_set_stopped_with_its_runtime_says_it_waited_for_goldengate_requests() {
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    };
    let first = runtime();
    let (server, wait) = first.block_on(async {
        let server = MockServer::start().await;
        request_status(&server, 9, json!({"progress": "processing"})).await;
        let set = client(&server).wait_set(WaitPolicy::default());
        let wait = set.add(9);
        while server.received_requests().await.unwrap_or_default().is_empty() {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
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
        "the wait set for GoldenGate requests stopped before the wait for 9 ended (its Tokio runtime shut down)"
    );
    drop(server);
}

/// The requests of a set that are due together are polled together, not one after another: every request reaches
/// the server while the first replies are still on their way.
#[tokio::test]
async fn a_wait_set_polls_the_requests_due_together_at_once() {
    const HELD: std::time::Duration = std::time::Duration::from_secs(5);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"links": [], "messages": [], "response": {"progress": "succeeded"}}))
                .set_delay(HELD),
        )
        .mount(&server)
        .await;
    let set = client(&server).wait_set(fast());
    let waits: Vec<_> = (1..=12).map(|id| set.add(id)).collect();
    let deadline = tokio::time::Instant::now() + HELD * 4 / 5;
    let mut arrived = 0;
    while tokio::time::Instant::now() < deadline && arrived < waits.len() {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        arrived = server.received_requests().await.unwrap_or_default().len();
    }
    assert_eq!(
        arrived,
        waits.len(),
        "polls that reached the server before any reply came back"
    );
    for wait in waits {
        assert!(matches!(wait.await, Outcome::Succeeded(_)));
    }
}
