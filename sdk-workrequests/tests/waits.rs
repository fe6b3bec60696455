//! Following Analytics work requests through this crate's own waiter and wait set, against a mock server: what a
//! user sees of each work request (its progress, how it ended, which one an error is about), and the id read from
//! the reply of a call that started one.

use futures::StreamExt as _;
use sdk_workrequests::wait::{Outcome, WaitEvent, WaitPolicy};
use sdk_workrequests::{Client, OA_WORK_REQUEST_ID, ObjectId, WorkRequestId, WorkRequestIdExt};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/api/20210901";

fn client(server: &MockServer) -> Client {
    Client::builder(format!("{}{PREFIX}", server.uri()))
        .bearer_token("t")
        .build()
        .expect("valid configuration")
}

fn id(raw: &str) -> WorkRequestId {
    WorkRequestId::new(raw)
}

/// Answers `GET /workRequests/{id}` with `body`.
async fn work_request(server: &MockServer, raw_id: &str, body: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/workRequests/{raw_id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

fn fast() -> WaitPolicy {
    WaitPolicy::default()
        .initial_delay(std::time::Duration::from_millis(10))
        .max_delay(std::time::Duration::from_millis(10))
}

#[tokio::test]
async fn a_failed_work_request_is_named_in_the_error() {
    let server = MockServer::start().await;
    work_request(
        &server,
        "wr-bad",
        json!({"id": "wr-bad", "status": "FAILED", "errors": [{"code": "E42", "message": "no such dataset"}]}),
    )
    .await;
    let error = client(&server)
        .wait_for_work_request(&id("wr-bad"))
        .with_policy(fast())
        .until_success()
        .await
        .expect_err("the work request failed");
    let text = error.to_string();
    assert!(text.contains("Analytics work request wr-bad"), "{text}");
    assert!(text.contains("E42") && text.contains("no such dataset"), "{text}");
}

#[tokio::test]
async fn the_progress_stream_shows_the_percent_complete_the_server_sent() {
    let server = MockServer::start().await;
    work_request(
        &server,
        "wr-run",
        json!({"id": "wr-run", "status": "SUCCEEDED", "percentComplete": 40}),
    )
    .await;
    let events: Vec<_> = client(&server)
        .wait_for_work_request(&id("wr-run"))
        .with_policy(fast())
        .into_stream()
        .collect()
        .await;
    let shown: Vec<Option<f64>> = events
        .iter()
        .filter_map(|event| match event {
            WaitEvent::Progress(snapshot) => Some(snapshot.percent_complete),
            _ => None,
        })
        .collect();
    assert_eq!(shown, [Some(40.0)], "{events:?}");
}

#[tokio::test]
async fn a_wait_set_ends_each_work_request_as_its_own_status_says() {
    let server = MockServer::start().await;
    work_request(&server, "wr-1", json!({"id": "wr-1", "status": "SUCCEEDED"})).await;
    work_request(&server, "wr-2", json!({"id": "wr-2", "status": "FAILED"})).await;
    work_request(&server, "wr-3", json!({"id": "wr-3", "status": "CANCELED"})).await;
    let set = client(&server).wait_set(fast());
    let waits: Vec<_> = ["wr-1", "wr-2", "wr-3"].map(|raw| (raw, set.add(id(raw)))).into();
    for (raw, wait) in waits {
        let outcome = wait.await;
        let right = match raw {
            "wr-1" => matches!(outcome, Outcome::Succeeded(_)),
            "wr-2" => matches!(outcome, Outcome::Failed { .. }),
            _ => matches!(outcome, Outcome::Cancelled(_)),
        };
        assert!(right, "{raw}: {outcome:?}");
    }
}

#[tokio::test]
async fn the_id_of_a_started_work_request_is_read_from_the_reply_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).insert_header(OA_WORK_REQUEST_ID, "bidr-42"))
        .mount(&server)
        .await;
    let reply = client(&server)
        .reload_dataset()
        .dataset_id(ObjectId::owner_name("admin", "Sales"))
        .send()
        .await
        .expect("accepted");
    assert_eq!(reply.work_request_id(), Some(id("bidr-42")));
}
