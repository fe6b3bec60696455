//! Injected faults: statuses with Retry-After, the proxy's HTML page, slow replies, dropped connections,
//! truncated bodies, seeded rates, and the count of requests per operation.

use std::time::Duration;

use sdk_simulator::{Fault, FaultRate, Simulator};
use serde_json::{Value, json};

const JOB: &str = "JobDefinition://oracle/apps/ess/custom/NightlyLoad";

#[tokio::test]
async fn sequence_of_faults_then_the_real_reply() {
    let sim = Simulator::start().await.expect("start");
    let http = reqwest::Client::new();
    let url = format!("{}/requests", sim.ess_url());
    let body = json!({"jobDefinitionId": JOB});
    sim.inject(
        "submitRequest",
        [
            Fault::TooManyRequests { retry_after: 3 },
            Fault::Unavailable { retry_after: 7 },
            Fault::InternalError,
            Fault::BadGateway,
            Fault::Status { status: 403 },
        ],
    );
    let r = http.post(&url).json(&body).send().await.expect("429");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("3"));
    let v: Value = r.json().await.expect("json");
    assert!(v["title"].is_string(), "the service's own error body: {v}");
    let r = http.post(&url).json(&body).send().await.expect("503");
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers().get("retry-after").and_then(|v| v.to_str().ok())
        ),
        (503, Some("7"))
    );
    assert_eq!(http.post(&url).json(&body).send().await.expect("500").status(), 500);
    let r = http.post(&url).json(&body).send().await.expect("502");
    assert_eq!(r.status(), 502);
    assert!(r.text().await.expect("text").contains("<title>502 Bad Gateway</title>"));
    assert_eq!(http.post(&url).json(&body).send().await.expect("403").status(), 403);
    assert_eq!(http.post(&url).json(&body).send().await.expect("ok").status(), 201);
    // Faulted calls created nothing, but every arrival is counted.
    assert_eq!(sim.count("submitRequest"), 6);
    let made: Value = http.get(&url).send().await.expect("q").json().await.expect("json");
    assert_eq!(made["count"], 1);
    let faults: Vec<Option<String>> = sim
        .requests()
        .into_iter()
        .filter(|r| r.operation_id == "submitRequest")
        .map(|r| r.fault)
        .collect();
    assert_eq!(faults.iter().flatten().count(), 5);
}

#[tokio::test]
async fn dropped_connection_and_truncated_body() {
    let sim = Simulator::start().await.expect("start");
    let http = reqwest::Client::new();
    let url = format!("{}/workRequests/x", sim.analytics_url());
    sim.inject("getWorkRequest", [Fault::DropConnection, Fault::TruncatedBody]);
    let dropped = http.get(&url).send().await;
    assert!(dropped.is_err(), "the connection closes without a reply");
    let truncated = http.get(&url).send().await.expect("headers arrive");
    assert_eq!(truncated.status(), 404);
    assert!(truncated.bytes().await.is_err(), "the body ends early");
    assert_eq!(http.get(&url).send().await.expect("ok").status(), 404);
    let recorded = sim.requests();
    assert_eq!(recorded[0].status, None);
    assert_eq!(recorded[0].fault.as_deref(), Some("drop"));
}

#[tokio::test(start_paused = true)]
async fn slow_reply_waits_on_tokio_time() {
    let sim = Simulator::start().await.expect("start");
    sim.inject(
        "getRoot",
        [Fault::Slow {
            delay: Duration::from_secs(30),
        }],
    );
    let before = tokio::time::Instant::now();
    let r = reqwest::get(sim.ess_url()).await.expect("slow but complete");
    assert_eq!(r.status(), 200);
    assert!(before.elapsed() >= Duration::from_secs(30));
}

#[tokio::test]
async fn seeded_rates_repeat_exactly() {
    async fn run() -> Vec<u16> {
        let sim = Simulator::start().await.expect("start");
        sim.inject_rate(
            "*",
            vec![FaultRate {
                fault: Fault::Unavailable { retry_after: 1 },
                probability: 0.3,
            }],
            42,
        );
        let http = reqwest::Client::new();
        let mut out = Vec::new();
        for _ in 0..40 {
            out.push(http.get(sim.ess_url()).send().await.expect("get").status().as_u16());
        }
        out
    }
    let (a, b) = (run().await, run().await);
    assert_eq!(a, b);
    let failures = a.iter().filter(|s| **s == 503).count();
    assert!((4..=20).contains(&failures), "about 30% of 40: {failures}");
}

#[tokio::test]
async fn ogg_faults_use_the_envelope() {
    let sim = Simulator::start().await.expect("start");
    sim.inject("listRequests", [Fault::Unavailable { retry_after: 2 }]);
    let r = reqwest::get(format!("{}/services/v2/requests", sim.base_url()))
        .await
        .expect("get");
    assert_eq!(r.status(), 503);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["messages"][0]["severity"], "ERROR");
    sim.clear_faults();
    assert_eq!(
        reqwest::get(format!("{}/services/v2/requests", sim.base_url()))
            .await
            .expect("get")
            .status(),
        200
    );
    // Both specs name an operation getRequest: faults and counts can tell them apart.
    sim.inject("ogg.getRequest", [Fault::Status { status: 404 }]);
    let ess = reqwest::get(format!("{}/requests/1", sim.ess_url()))
        .await
        .expect("ess");
    assert_eq!(ess.status(), 404);
    let ogg = reqwest::get(format!("{}/services/v2/requests/1", sim.base_url()))
        .await
        .expect("ogg");
    assert_eq!(ogg.status(), 404);
    assert_eq!(
        sim.requests().last().and_then(|r| r.fault.clone()).as_deref(),
        Some("404")
    );
    let counts = (
        sim.count("getRequest"),
        sim.count("ess.getRequest"),
        sim.count("ogg.getRequest"),
    );
    assert_eq!(counts, (2, 1, 1));
}
