//! No secret set on a client appears in any Debug, Display, error or trace output. In a test binary of its own:
//! tracing caches which callsites are enabled process-wide, so tests running beside it without a subscriber
//! would hide its events.

use std::sync::{Arc, Mutex};

use sdk_ess::{Client, RetryPolicy, Secret};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/ess/rest/scheduler/v1";

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

#[tokio::test(start_paused = true)]
async fn secrets_never_appear_in_debug_display_errors_or_traces() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_raw("<html>Service Unavailable</html>", "text/html"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "title": "Not allowed", "errorCode": "ESS-00403"
        })))
        .mount(&server)
        .await;

    let basic = Client::builder(format!("{}{PREFIX}", server.uri()))
        .basic_auth("scheduler.user", "s3cret-Pa55")
        .retry_policy(RetryPolicy::default())
        .no_timeouts()
        .build()
        .expect("valid configuration");
    let bearer = Client::builder(format!("{}{PREFIX}", server.uri()))
        .bearer_token("bearer-T0KEN-value")
        .no_timeouts()
        .build()
        .expect("valid configuration");
    let sourced = Client::builder(format!("{}{PREFIX}", server.uri()))
        .token_source(|| async { Ok(Secret::new("sourced-T0KEN-value")) })
        .no_timeouts()
        .build()
        .expect("valid configuration");

    let mut printed = String::new();
    for client in [&basic, &bearer, &sourced] {
        printed.push_str(&format!("{client:?}\n{:?}\n", client.runtime()));
        let error = client.get_request().request_id(42).send().await.expect_err("403");
        printed.push_str(&format!("{error}\n{error:?}\n"));
    }
    let traces = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(traces.contains("retrying") && traces.contains("delay_ms"), "{traces}");
    assert!(
        traces.contains("operation=\"get_request\"") || traces.contains("operation=get_request"),
        "{traces}"
    );
    // What the call span records as the call goes: the request, the attempt that ended it, and the reply.
    for recorded in [
        "method=GET",
        &format!("url={}{PREFIX}/requests/42", server.uri()),
        "attempt=2",
        "status=403",
        "duration_ms=",
    ] {
        assert!(traces.contains(recorded), "{recorded} not recorded in:\n{traces}");
    }
    for secret in [
        "s3cret-Pa55",
        "c2NoZWR1bGVyLnVzZXI6czNjcmV0LVBhNTU",
        "bearer-T0KEN-value",
        "sourced-T0KEN-value",
    ] {
        assert!(!printed.contains(secret), "{secret} printed in:\n{printed}");
        assert!(!traces.contains(secret), "{secret} traced in:\n{traces}");
    }
}
