//! Analytics work requests: starting calls, lifecycle with percentComplete, ids with colons, downloads.

use std::time::Duration;

use sdk_simulator::{OacScenario, Simulator, WorkRequestIds};
use serde_json::{Value, json};

fn encode(id: &str) -> String {
    id.replace(':', "%3A")
}

async fn start(http: &reqwest::Client, url: String, body: Option<Value>) -> (u16, Option<String>, Value) {
    let mut r = http.post(url);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.expect("start");
    let status = r.status().as_u16();
    let id = r
        .headers()
        .get("oa-work-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = r.json().await.unwrap_or(Value::Null);
    (status, id, body)
}

async fn work_request(http: &reqwest::Client, sim: &Simulator, id: &str) -> Value {
    let r = http
        .get(format!("{}/workRequests/{}", sim.analytics_url(), encode(id)))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

#[tokio::test]
async fn reload_goes_accepted_in_progress_succeeded_with_rising_percent() {
    let sim = Simulator::start().await.expect("start");
    sim.set_analytics_scenario(
        "J2FkbWluJy4nU2FsZXMn",
        OacScenario::succeeds_after(Duration::from_secs(100)),
    );
    let http = reqwest::Client::new();
    let (s, id, _) = start(
        &http,
        format!(
            "{}/catalog/datasets/J2FkbWluJy4nU2FsZXMn/actions/reload",
            sim.analytics_url()
        ),
        None,
    )
    .await;
    assert_eq!(s, 202);
    let id = id.expect("oa-work-request-id");
    assert!(id.contains(':'), "ids look like real ones: {id}");
    let mut seen = Vec::new();
    for step in [0, 1, 25, 25, 25, 25] {
        sim.advance(Duration::from_secs(step));
        let v = work_request(&http, &sim, &id).await;
        seen.push((
            v["status"].as_str().unwrap_or_default().to_owned(),
            v["percentComplete"].as_f64().unwrap_or(-1.0),
        ));
    }
    let statuses: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "ACCEPTED",
            "IN_PROGRESS",
            "IN_PROGRESS",
            "IN_PROGRESS",
            "IN_PROGRESS",
            "SUCCEEDED"
        ]
    );
    assert!(
        seen.windows(2).all(|w| w[0].1 <= w[1].1),
        "percent never falls: {seen:?}"
    );
    assert_eq!(seen.last().map(|s| s.1), Some(100.0));
    let v = work_request(&http, &sim, &id).await;
    assert_eq!(
        (v["operationType"].as_str(), v["resourceType"].as_str()),
        (Some("RELOAD_DATASET"), Some("DATASET"))
    );
    assert!(v["timeFinished"].is_string());
}

#[tokio::test]
async fn failed_and_canceled_work_requests() {
    let sim = Simulator::start().await.expect("start");
    sim.set_analytics_operation_scenario(
        "runDataFlow",
        OacScenario::fails_after(Duration::from_secs(10), 40.0, "DataFlowError", "Column SALES missing"),
    );
    sim.set_analytics_operation_scenario(
        "runSequence",
        OacScenario {
            operation_type: Some("RUN_SEQUENCE".into()),
            ..OacScenario::canceled_after(Duration::from_secs(10))
        },
    );
    let http = reqwest::Client::new();
    let (_, df, _) = start(
        &http,
        format!("{}/catalog/dataflows/ZGYx/actions/run", sim.analytics_url()),
        Some(json!({})),
    )
    .await;
    let (_, seq, _) = start(
        &http,
        format!("{}/catalog/sequences/c2Vx/actions/run", sim.analytics_url()),
        None,
    )
    .await;
    sim.advance(Duration::from_secs(60));
    let v = work_request(&http, &sim, &df.expect("id")).await;
    assert_eq!(v["status"], "FAILED");
    assert_eq!(v["percentComplete"], 40.0);
    assert_eq!(v["Errors"][0]["code"], "DataFlowError");
    assert_eq!(v["Errors"][0]["message"], "Column SALES missing");
    assert_eq!(v["operationType"], "RELOAD_DATASET", "documented value by default");
    let v = work_request(&http, &sim, &seq.expect("id")).await;
    assert_eq!(v["status"], "CANCELED");
    assert_eq!(
        v["operationType"], "RUN_SEQUENCE",
        "a scenario may report an undocumented value"
    );
}

#[tokio::test]
async fn snapshot_body_and_header_restore_and_export_download() {
    let sim = Simulator::builder()
        .work_request_ids(WorkRequestIds::Base64Url)
        .start()
        .await
        .expect("start");
    let http = reqwest::Client::new();
    let snap = json!({"type": "CREATE", "name": "Snap1", "storage": {"type": "OCI_NATIVE", "auth": {"type": "OCI_RESOURCE_PRINCIPAL"}}});
    let (s, id, body) = start(&http, format!("{}/snapshots", sim.analytics_url()), Some(snap)).await;
    assert_eq!(s, 202);
    assert_eq!(body["workRequestId"].as_str(), id.as_deref());
    assert!(id.is_some_and(|i| i.starts_with("biwj-")));
    let (s, _, body) = start(
        &http,
        format!("{}/system/actions/restoreSnapshot", sim.analytics_url()),
        Some(json!({"snapshot": {"id": "x"}})),
    )
    .await;
    assert_eq!((s, body["code"].as_str()), (400, Some("BadRequest")));
    let export = json!({"name": "q1", "type": "file", "format": "png", "canvasIds": ["c1"], "screenwidth": 800, "screenheight": 600});
    let (s, eid, _) = start(
        &http,
        format!("{}/catalog/workbooks/d2Ix/exports", sim.analytics_url()),
        Some(export),
    )
    .await;
    assert_eq!(s, 202);
    let eid = eid.expect("id");
    let url = format!("{}/catalog/workbooks/d2Ix/exports/{eid}", sim.analytics_url());
    assert_eq!(http.get(&url).send().await.expect("get").status(), 404);
    sim.advance(Duration::from_secs(60));
    let r = http.get(&url).send().await.expect("get");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    sim.set_analytics_scenario("Z29uZQ", OacScenario::not_found());
    let (s, _, _) = start(
        &http,
        format!("{}/catalog/datasets/Z29uZQ/actions/reload", sim.analytics_url()),
        None,
    )
    .await;
    assert_eq!(s, 404);
    let r = http
        .get(format!("{}/workRequests/lfc-cc%3A1-c9%3A2", sim.analytics_url()))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.expect("json");
    assert!(v["code"].is_string() && v["message"].is_string());
}

#[tokio::test]
async fn forced_status() {
    let sim = Simulator::start().await.expect("start");
    let http = reqwest::Client::new();
    let (_, id, _) = start(
        &http,
        format!("{}/catalog/datasets/ZA/actions/reload", sim.analytics_url()),
        None,
    )
    .await;
    let id = id.expect("id");
    sim.force_work_request_status(&id, "CANCELED").expect("force");
    assert_eq!(sim.work_request_status(&id).as_deref(), Some("CANCELED"));
    assert!(sim.force_work_request_status("nope", "FAILED").is_err());
}

/// Starts a dataset reload and returns its work request id.
async fn reload(http: &reqwest::Client, sim: &Simulator, dataset: &str) -> String {
    let (status, id, _) = start(
        http,
        format!("{}/catalog/datasets/{dataset}/actions/reload", sim.analytics_url()),
        None,
    )
    .await;
    assert_eq!(status, 202);
    id.expect("oa-work-request-id")
}

#[tokio::test]
async fn percent_complete_is_the_share_of_the_run_elapsed_to_a_tenth() {
    let sim = Simulator::builder()
        .analytics_default_scenario(OacScenario::succeeds_after(Duration::from_secs(200)))
        .start()
        .await
        .expect("start");
    sim.set_analytics_operation_scenario(
        "runDataFlow",
        OacScenario::fails_after(Duration::from_secs(10), 40.0, "DataFlowError", "no column"),
    );
    let http = reqwest::Client::new();
    let id = reload(&http, &sim, "ZA").await;
    let (_, flow, _) = start(
        &http,
        format!("{}/catalog/dataflows/ZGYx/actions/run", sim.analytics_url()),
        Some(json!({})),
    )
    .await;
    let flow = flow.expect("id");
    let percent = |v: &Value| v["percentComplete"].as_f64().unwrap_or(-1.0);
    // One second ACCEPTED, then 200 s of work: 66.7 s in is 33.35 %, shown as 33.4; a failed run's share is of the
    // percentage it fails at (5 s of 10, up to 40 %: 20).
    sim.advance(Duration::from_secs(1));
    assert_eq!(percent(&work_request(&http, &sim, &id).await), 0.0);
    sim.advance(Duration::from_secs(5));
    assert_eq!(percent(&work_request(&http, &sim, &flow).await), 20.0);
    sim.advance(Duration::from_millis(61_700));
    assert_eq!(percent(&work_request(&http, &sim, &id).await), 33.4);
    // Still running at 199.5 s: never 100 before the end.
    sim.advance(Duration::from_millis(199_500 - 66_700));
    let v = work_request(&http, &sim, &id).await;
    assert_eq!((v["status"].as_str(), percent(&v)), (Some("IN_PROGRESS"), 99.0));
}

#[tokio::test]
async fn a_forced_end_reports_the_percent_reached_or_100_for_success() {
    let sim = Simulator::builder()
        .analytics_default_scenario(OacScenario::succeeds_after(Duration::from_secs(100)))
        .start()
        .await
        .expect("start");
    let http = reqwest::Client::new();
    let (done, failed) = (reload(&http, &sim, "ZA").await, reload(&http, &sim, "ZB").await);
    sim.advance(Duration::from_secs(26));
    sim.force_work_request_status(&done, "SUCCEEDED").expect("force");
    sim.force_work_request_status(&failed, "FAILED").expect("force");
    sim.advance(Duration::from_secs(1));
    let percent = |v: Value| (v["status"].as_str().map(str::to_owned), v["percentComplete"].as_f64());
    assert_eq!(
        percent(work_request(&http, &sim, &done).await),
        (Some("SUCCEEDED".into()), Some(100.0))
    );
    assert_eq!(
        percent(work_request(&http, &sim, &failed).await),
        (Some("FAILED".into()), Some(25.0))
    );
}

#[tokio::test]
async fn a_scenario_set_for_an_object_s_name_applies_to_its_base64url_id() {
    let sim = Simulator::start().await.expect("start");
    sim.set_analytics_scenario(
        "'admin'.'Sales'",
        OacScenario::fails_after(Duration::from_secs(5), 10.0, "ReloadError", "bad source"),
    );
    let http = reqwest::Client::new();
    // Base64URL of 'admin'.'Sales'.
    let id = reload(&http, &sim, "J2FkbWluJy4nU2FsZXMn").await;
    let other = reload(&http, &sim, "J2FkbWluJy4nT3RoZXIn").await;
    sim.advance(Duration::from_secs(600));
    assert_eq!(work_request(&http, &sim, &id).await["status"], "FAILED");
    assert_eq!(work_request(&http, &sim, &other).await["status"], "SUCCEEDED");
}

#[tokio::test]
async fn an_export_takes_five_canvases_at_most() {
    let sim = Simulator::start().await.expect("start");
    let http = reqwest::Client::new();
    let export = |canvases: usize| {
        json!({
            "name": "Q3", "type": "file", "format": "pdf",
            "screenwidth": 1440, "screenheight": 900,
            "canvasIds": (1..=canvases).map(|n| format!("canvas!{n}")).collect::<Vec<_>>(),
        })
    };
    let url = format!("{}/catalog/workbooks/d29ya2Jvb2s/exports", sim.analytics_url());
    let (five, ..) = start(&http, url.clone(), Some(export(5))).await;
    let (six, _, body) = start(&http, url, Some(export(6))).await;
    assert_eq!(five, 202);
    assert_eq!((six, body["code"].as_str()), (422, Some("UnprocessableEntity")));
}

#[tokio::test]
async fn an_injected_status_carries_oracle_s_error_code_for_it() {
    let sim = Simulator::start().await.expect("start");
    let http = reqwest::Client::new();
    for (status, code) in [
        (400, "BadRequest"),
        (401, "NotAuthenticated"),
        (403, "NotAuthorized"),
        (404, "NotFound"),
        (409, "Conflict"),
        (412, "PreconditionFailed"),
        (422, "UnprocessableEntity"),
        (429, "TooManyRequests"),
        (503, "ServiceUnavailable"),
        (500, "InternalServerError"),
    ] {
        sim.inject("getWorkRequest", [sdk_simulator::Fault::Status { status }]);
        let r = http
            .get(format!("{}/workRequests/anything", sim.analytics_url()))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), status);
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["code"], code, "{status}");
    }
}

#[tokio::test]
async fn a_reset_forgets_the_work_requests() {
    let sim = Simulator::start().await.expect("start");
    let http = reqwest::Client::new();
    let id = reload(&http, &sim, "ZA").await;
    sim.reset();
    let r = http
        .get(format!("{}/workRequests/{}", sim.analytics_url(), encode(&id)))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
}
