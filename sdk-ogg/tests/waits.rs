//! Following a GoldenGate background request through this crate's waiter, against a mock server: the error of a
//! failed request names it, with GoldenGate's own error.

use sdk_ogg::Client;
use sdk_ogg::wait::{Target, WaitPolicy};
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
