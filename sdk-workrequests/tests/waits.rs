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

#[tokio::test]
async fn a_snapshot_whose_body_cannot_be_read_is_followed_by_the_reply_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{PREFIX}/snapshots")))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("content-type", "application/json")
                .insert_header(OA_WORK_REQUEST_ID, "snap-wr-7")
                .set_body_string("<html>accepted</html>"),
        )
        .mount(&server)
        .await;
    let started = client(&server)
        .create_snapshot()
        .body(
            serde_json::from_value::<sdk_workrequests::types::CreateSnapshotRequest>(json!({
                "type": "CREATE",
                "name": "nightly",
                "storage": {"type": "OCI_NATIVE", "bucket": "snapshots", "auth": {"type": "OSS_AUTH_OCI_USER_ID"}}
            }))
            .expect("a snapshot request"),
        )
        .start()
        .await
        .expect("the header names the work request");
    assert_eq!(started, id("snap-wr-7"));
}

/// A wait set whose Tokio runtime shut down ends each open wait with an error that says what it waited for.
#[test]
fn a_wait_set_stopped_with_its_runtime_says_it_waited_for_analytics_work_requests() {
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    };
    let first = runtime();
    let (server, wait) = first.block_on(async {
        let server = MockServer::start().await;
        work_request(&server, "wr-long", json!({"id": "wr-long", "status": "IN_PROGRESS"})).await;
        let set = client(&server).wait_set(WaitPolicy::default());
        let wait = set.add(id("wr-long"));
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
        "the wait set for Analytics work requests stopped before the wait for wr-long ended (its Tokio runtime shut down)"
    );
    drop(server);
}

/// The work requests of a set that are due together are polled together, not one after another: every request
/// reaches the server while the first replies are still on their way.
#[tokio::test]
async fn a_wait_set_polls_the_work_requests_due_together_at_once() {
    const HELD: std::time::Duration = std::time::Duration::from_secs(5);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "wr", "status": "SUCCEEDED"}))
                .set_delay(HELD),
        )
        .mount(&server)
        .await;
    let set = client(&server).wait_set(fast());
    let waits: Vec<_> = (0..12).map(|n| set.add(id(&format!("wr-{n}")))).collect();
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
