//! What a crate that uses the three services meets: the README's imports of the three crates in one scope compile
//! together, each service's error document is read without naming its trait in full, and a service's document is
//! never read from another service's error.

use sdk_ess::EssErrorDocument;
use sdk_ogg::OggErrorDocument;
use sdk_workrequests::OacErrorDocument;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server that answers every request with `status` and `body`.
async fn answering(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

/// A body that is an error document of all three services at once: ESS's `errorCode`/`title`, Oracle Analytics'
/// `code`/`message`, GoldenGate's `messages` of severity `ERROR`. Only the service that sent it may read it.
fn every_services_document() -> serde_json::Value {
    json!({
        "title": "Request ID not found",
        "errorCode": "ESS-00404",
        "code": "NotFound",
        "message": "not found",
        "messages": [{"$schema": "ogg:message", "code": "OGG-12029", "severity": "ERROR", "title": "not found"}]
    })
}

#[tokio::test]
async fn each_error_document_is_read_by_its_own_service_only() {
    let server = answering(404, every_services_document()).await;
    let base = server.uri();

    let ess = sdk_ess::Client::builder(format!("{base}/ess/rest/scheduler/v1"))
        .build()
        .expect("client");
    let ess_error = ess.get_request().request_id(42).send().await.expect_err("a 404");
    let detail = ess_error.ess_error_document().expect("ESS reads its own document");
    assert_eq!(detail.error_code.as_deref(), Some("ESS-00404"));
    assert!(
        ess_error.ogg_error_document().is_none(),
        "an ESS error read as a GoldenGate envelope"
    );
    assert!(
        ess_error.oac_error_document().is_none(),
        "an ESS error read as an Analytics document"
    );

    let ogg = sdk_ogg::Client::builder(format!("{base}/services/v2"))
        .build()
        .expect("client");
    let ogg_error = ogg.get_request().request(1).send().await.expect_err("a 404");
    let envelope = ogg_error
        .ogg_error_document()
        .expect("GoldenGate reads its own envelope");
    assert_eq!(
        envelope
            .messages
            .as_deref()
            .and_then(<[_]>::first)
            .and_then(|m| m.code.as_deref()),
        Some("OGG-12029")
    );
    assert!(
        ogg_error.ess_error_document().is_none(),
        "a GoldenGate error read as an ESS document"
    );
    assert!(
        ogg_error.oac_error_document().is_none(),
        "a GoldenGate error read as an Analytics document"
    );

    let oac = sdk_workrequests::Client::builder(base.clone()).build().expect("client");
    let oac_error = oac.get_work_request().id("wr-1").send().await.expect_err("a 404");
    let document = oac_error
        .oac_error_document()
        .expect("Analytics reads its own document");
    assert_eq!(document.code.as_deref(), Some("NotFound"));
    assert!(
        oac_error.ess_error_document().is_none(),
        "an Analytics error read as an ESS document"
    );
    assert!(
        oac_error.ogg_error_document().is_none(),
        "an Analytics error read as a GoldenGate envelope"
    );
}
