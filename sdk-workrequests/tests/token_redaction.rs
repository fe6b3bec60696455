//! Tokens given to an Oracle Analytics client, fixed or from a token source, never appear in Debug, Display,
//! errors or traces, including on the path where a `401` makes the client ask its source for a new token and
//! send the call again. In a test binary of its own: tracing caches which callsites are enabled process-wide.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use sdk_workrequests::{Client, Error, OA_WORK_REQUEST_ID, ObjectId, RetryPolicy, Secret};
use serde_json::json;
use wiremock::matchers::header;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/api/20210901";
const FIXED: &str = "fixed-OAC-T0ken-value";

/// Collects everything tracing prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn tokens_never_appear_in_debug_display_errors_or_traces() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    let rejected = ResponseTemplate::new(401).set_body_json(json!({"code": "Unauthorized", "message": "expired"}));
    Mock::given(header("authorization", "Bearer sourced-T0KEN-1"))
        .respond_with(rejected.clone())
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer sourced-T0KEN-2"))
        .respond_with(ResponseTemplate::new(202).insert_header(OA_WORK_REQUEST_ID, "bidr-42"))
        .mount(&server)
        .await;
    Mock::given(header("authorization", format!("Bearer {FIXED}")))
        .respond_with(rejected)
        .mount(&server)
        .await;

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let sourced = Client::builder(format!("{}{PREFIX}", server.uri()))
        .token_source(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok(Secret::new(format!("sourced-T0KEN-{n}"))) }
        })
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid configuration");
    let fixed = Client::builder(format!("{}{PREFIX}", server.uri()))
        .bearer_token(FIXED)
        .build()
        .expect("valid configuration");

    let dataset = ObjectId::owner_name("admin", "Sales");
    let id = sourced
        .reload_dataset()
        .dataset_id(&dataset)
        .start()
        .await
        .expect("the call succeeds with the refreshed token");
    assert_eq!(id.as_str(), "bidr-42");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "asked once, then once after the 401");

    let mut printed = format!(
        "{sourced:?}\n{:?}\n{fixed:?}\n{:?}\n",
        sourced.runtime(),
        fixed.runtime()
    );
    let start_error = fixed
        .reload_dataset()
        .dataset_id(&dataset)
        .start()
        .await
        .expect_err("401");
    assert_eq!(start_error.status().map(|s| s.as_u16()), Some(401));
    printed.push_str(&format!("{start_error}\n{start_error:?}\n"));
    let error: Error = fixed.get_work_request().id(&id).send().await.expect_err("401");
    printed.push_str(&format!("{error}\n{error:?}\n"));

    let traces = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(traces.contains("retrying") && traces.contains("401"), "{traces}");
    assert!(traces.contains("reload_dataset"), "{traces}");
    for secret in [FIXED, "sourced-T0KEN-1", "sourced-T0KEN-2", "T0KEN"] {
        assert!(!printed.contains(secret), "{secret} printed in:\n{printed}");
        assert!(!traces.contains(secret), "{secret} traced in:\n{traces}");
    }
}
