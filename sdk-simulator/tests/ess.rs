//! ESS lifecycle, actions and queries against the simulator, on its virtual clock.

use std::time::Duration;

use sdk_simulator::{EssScenario, Simulator, Step};
use serde_json::{Value, json};

const JOB: &str = "JobDefinition://oracle/apps/ess/custom/NightlyLoad";
const ASYNC_JOB: &str = "JobDefinition://oracle/apps/ess/custom/RemoteJob";

async fn submit(http: &reqwest::Client, sim: &Simulator, job: &str) -> i64 {
    let r = http
        .post(format!("{}/requests", sim.ess_url()))
        .json(&json!({"jobDefinitionId": job, "application": "EarCustomEss"}))
        .send()
        .await
        .expect("submit");
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.expect("json");
    body["id"].as_i64().expect("id")
}

async fn post(http: &reqwest::Client, sim: &Simulator, id: i64, action: &str) -> (u16, Value) {
    let r = http
        .post(format!("{}/requests/{id}/{action}", sim.ess_url()))
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(http: &reqwest::Client, url: String) -> (u16, Value) {
    let r = http.get(url).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn is_exception_detail(v: &Value, status: u16) {
    assert!(
        v["type"].is_string() && v["title"].is_string(),
        "not a SimpleExceptionDetail: {v}"
    );
    assert_eq!(v["status"], json!(status), "{v}");
}

#[tokio::test]
async fn two_hour_job_runs_on_the_virtual_clock() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(7200)));
    let http = reqwest::Client::new();
    let wall = std::time::Instant::now();
    let id = submit(&http, &sim, JOB).await;
    let state = |v: &Value| v["state"].as_str().unwrap_or_default().to_owned();
    let mut seen = Vec::new();
    for step in [0, 1, 1, 3600, 3600] {
        sim.advance(Duration::from_secs(step));
        let (status, v) = get(&http, format!("{}/requests/{id}", sim.ess_url())).await;
        assert_eq!(status, 200);
        seen.push(state(&v));
    }
    assert_eq!(seen, ["WAIT", "READY", "RUNNING", "RUNNING", "SUCCEEDED"]);
    let (_, v) = get(&http, format!("{}/requests/{id}?fields=@full", sim.ess_url())).await;
    assert_eq!(v["cause"], "PROCESS_SUCCESS");
    assert_eq!(v["previousState"], "RUNNING");
    assert_eq!(v["elapsedTime"], json!(7_200_000));
    assert!(v["processStartTime"].is_string() && v["processEndTime"].is_string());
    // Not a timing assertion: the point is that no real two hours were needed.
    assert!(wall.elapsed() < Duration::from_secs(60));
}

#[tokio::test]
async fn failing_job_carries_cause_and_message() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(
        JOB,
        EssScenario::fails_after(Duration::from_secs(60), "ORA-01555: snapshot too old"),
    );
    let http = reqwest::Client::new();
    let id = submit(&http, &sim, JOB).await;
    sim.advance(Duration::from_secs(120));
    let (_, v) = get(&http, format!("{}/requests/{id}", sim.ess_url())).await;
    assert_eq!(v["state"], "ERROR");
    assert_eq!(v["cause"], "PROCESS_ERROR");
    assert_eq!(v["errorType"], "SYSTEM");
    assert_eq!(v["errorWarningMessage"], "ORA-01555: snapshot too old");
}

#[tokio::test]
async fn cancel_then_force_cancel_follows_the_30_minute_rule() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(ASYNC_JOB, EssScenario::asynchronous());
    let http = reqwest::Client::new();
    let id = submit(&http, &sim, ASYNC_JOB).await;
    // Before it runs: cancel ends it at once.
    let early = submit(&http, &sim, ASYNC_JOB).await;
    assert_eq!(post(&http, &sim, early, "cancel").await.0, 200);
    assert_eq!(sim.ess_state(early).as_deref(), Some("CANCELLED"));
    assert_eq!(post(&http, &sim, early, "cancel").await.0, 400);

    sim.advance(Duration::from_secs(3));
    assert_eq!(sim.ess_state(id).as_deref(), Some("RUNNING"));
    // forceCancel outside CANCELLING: unsupported state.
    let (status, body) = post(&http, &sim, id, "forceCancel").await;
    assert_eq!(status, 400);
    is_exception_detail(&body, 400);

    assert_eq!(post(&http, &sim, id, "cancel").await.0, 200);
    assert_eq!(sim.ess_state(id).as_deref(), Some("CANCELLING"));
    sim.advance(Duration::from_secs(29 * 60));
    let (status, body) = post(&http, &sim, id, "forceCancel").await;
    assert_eq!(status, 409);
    is_exception_detail(&body, 409);

    // The job checks in: the 30 minutes start again.
    let r = http
        .post(format!("{}/requests/{id}/checkInCancelling", sim.ess_url()))
        .json(&json!({"requestExecutionContext": "ctx"}))
        .send()
        .await
        .expect("check in");
    assert_eq!(r.json::<Value>().await.expect("bool"), json!(true));
    sim.advance(Duration::from_secs(2 * 60));
    assert_eq!(post(&http, &sim, id, "forceCancel").await.0, 409);
    let (_, v) = get(&http, format!("{}/requests/{id}", sim.ess_url())).await;
    assert_eq!(
        v["isForceCancelAllowed"], true,
        "eligible; the 30 minutes are enforced by the call"
    );

    sim.advance(Duration::from_secs(29 * 60));
    assert_eq!(post(&http, &sim, id, "forceCancel").await.0, 200);
    assert_eq!(sim.ess_state(id).as_deref(), Some("CANCELLED"));
}

#[tokio::test]
async fn synchronous_job_cancelling_ends_by_itself_and_execution_status_moves_async_jobs() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(600)));
    sim.set_ess_scenario(ASYNC_JOB, EssScenario::asynchronous());
    let http = reqwest::Client::new();
    let sync = submit(&http, &sim, JOB).await;
    let remote = submit(&http, &sim, ASYNC_JOB).await;
    sim.advance(Duration::from_secs(3));
    assert_eq!(post(&http, &sim, sync, "cancel").await.0, 200);
    assert_eq!(sim.ess_state(sync).as_deref(), Some("CANCELLING"));
    sim.advance(Duration::from_secs(5));
    assert_eq!(sim.ess_state(sync).as_deref(), Some("CANCELLED"));

    let r = http
        .post(format!("{}/requests/{remote}/executionStatus", sim.ess_url()))
        .json(&json!({"status": "BUSINESS_ERROR", "statusMessage": "Invoice 42 rejected"}))
        .send()
        .await
        .expect("status");
    assert_eq!(r.status(), 200);
    let (_, v) = get(&http, format!("{}/requests/{remote}", sim.ess_url())).await;
    assert_eq!(
        (v["state"].as_str(), v["cause"].as_str()),
        (Some("ERROR"), Some("PROCESS_BIZ_ERROR"))
    );
    assert_eq!(v["errorWarningMessage"], "Invoice 42 rejected");
    // A finished request accepts no more status, can be deleted, and is then gone.
    let r = http
        .post(format!("{}/requests/{remote}/executionStatus", sim.ess_url()))
        .json(&json!({"status": "SUCCESS"}))
        .send()
        .await;
    assert_eq!(r.expect("status").status(), 400);
    let r = http
        .delete(format!("{}/requests/{remote}", sim.ess_url()))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 204);
    let (status, body) = get(&http, format!("{}/requests/{remote}", sim.ess_url())).await;
    assert_eq!(status, 404);
    is_exception_detail(&body, 404);
}

#[tokio::test]
async fn hold_and_release_in_wait_or_ready() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(
        JOB,
        EssScenario::succeeds_after(Duration::from_secs(60)).with_steps(vec![
            Step::new("WAIT", Duration::from_secs(10)),
            Step::new("READY", Duration::from_secs(10)),
            Step::new("RUNNING", Duration::from_secs(60)),
        ]),
    );
    let http = reqwest::Client::new();
    let id = submit(&http, &sim, JOB).await;
    assert_eq!(post(&http, &sim, id, "release").await.0, 400);
    assert_eq!(post(&http, &sim, id, "hold").await.0, 200);
    sim.advance(Duration::from_secs(3600));
    assert_eq!(sim.ess_state(id).as_deref(), Some("HOLD"));
    let (_, v) = get(&http, format!("{}/requests/{id}?links=release", sim.ess_url())).await;
    assert_eq!(v["links"].as_array().map(Vec::len), Some(1));
    assert_eq!(post(&http, &sim, id, "hold").await.0, 400);
    assert_eq!(post(&http, &sim, id, "release").await.0, 200);
    assert_eq!(sim.ess_state(id).as_deref(), Some("WAIT"));
    sim.advance(Duration::from_secs(15));
    assert_eq!(sim.ess_state(id).as_deref(), Some("READY"));
    sim.advance(Duration::from_secs(10));
    assert_eq!(sim.ess_state(id).as_deref(), Some("RUNNING"));
    assert_eq!(post(&http, &sim, id, "hold").await.0, 400);
    sim.advance(Duration::from_secs(60));
    assert_eq!(sim.ess_state(id).as_deref(), Some("SUCCEEDED"));
}

#[tokio::test]
async fn query_multi_select_and_pages() {
    let sim = Simulator::builder().ess_page_size(2).start().await.expect("start");
    sim.set_ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(100)));
    let http = reqwest::Client::new();
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(submit(&http, &sim, JOB).await);
        sim.advance(Duration::from_secs(40));
    }
    // Now t = 200 s: ids[0..3] (ending at 102, 142, 182 s) finished; ids[3] and ids[4] still running.
    let url = format!("{}/requests", sim.ess_url());
    let q = |q: &str| {
        let http = http.clone();
        let url = url.clone();
        let q = q.to_owned();
        async move {
            let r = http
                .get(&url)
                .query(&[
                    ("q", q.as_str()),
                    ("orderBy", "requestId:desc"),
                    ("fields", "requestId,state"),
                ])
                .send()
                .await;
            r.expect("query").json::<Value>().await.expect("json")
        }
    };
    let done = q(r#"state eq "SUCCEEDED""#).await;
    assert_eq!(done["count"], 3);
    assert_eq!(done["items"][0]["requestId"], json!(ids[2]));
    assert_eq!(done["items"][0].as_object().map(|o| o.len()), Some(2));
    let not_done = q(r#"state ne "SUCCEEDED""#).await;
    assert_eq!(not_done["count"], 2);
    let later = q(&format!("requestId gt {} and requestId lt {}", ids[0], ids[4])).await;
    assert_eq!(later["count"], 3);
    let r = http.get(&url).query(&[("q", "nonsense")]).send().await.expect("query");
    assert_eq!(r.status(), 400);

    let (_, batch) = get(&http, format!("{url}?id={},{},42", ids[0], ids[3])).await;
    let batch = batch["batch"].as_array().cloned().unwrap_or_default();
    assert_eq!(batch.len(), 3);
    assert_eq!(batch[0]["request"]["state"], "SUCCEEDED");
    assert_eq!(batch[2]["status"], 404);

    let (_, p1) = get(&http, format!("{}/requests/search/1", sim.ess_url())).await;
    assert_eq!((p1["pageIndex"].as_i64(), p1["count"].as_i64()), (Some(1), Some(2)));
    assert!(
        p1["links"]
            .as_array()
            .is_some_and(|l| l.len() == 1 && l[0]["rel"] == "self")
    );
    let (_, p3) = get(&http, format!("{}/requests/search/3", sim.ess_url())).await;
    assert_eq!(p3["count"], 1);
    assert_eq!(get(&http, format!("{}/requests/search/0", sim.ess_url())).await.0, 400);
    let (_, app) = get(
        &http,
        format!("{}/query/EarCustomEss/requests?pageIndex=2", sim.ess_url()),
    )
    .await;
    assert_eq!(app["count"], 2);
}

#[tokio::test]
async fn permissions_subscription_quiesce_and_root() {
    let sim = Simulator::start().await.expect("start");
    let http = reqwest::Client::new();
    let id = submit(&http, &sim, JOB).await;
    let (s, v) = get(&http, format!("{}/requests/{id}/permissions", sim.ess_url())).await;
    assert_eq!((s, v["canHold"].as_bool()), (200, Some(true)));
    let sub = json!({"callbackUrlPrefix": "https://cb.example.com", "callbackResourcePath": "/done"});
    let r = http
        .post(format!("{}/requests/{id}/subscribe", sim.ess_url()))
        .json(&sub)
        .send()
        .await
        .expect("sub");
    assert_eq!(r.status(), 200);
    let (_, v) = get(&http, format!("{}/requests/{id}", sim.ess_url())).await;
    assert_eq!(v["notificationUrl"], "https://cb.example.com/done");
    let r = http
        .delete(format!("{}/requests/{id}/subscribe", sim.ess_url()))
        .send()
        .await
        .expect("unsub");
    assert_eq!(r.status(), 204);
    let r = http
        .delete(format!("{}/requests/{id}/subscribe", sim.ess_url()))
        .send()
        .await
        .expect("unsub");
    assert_eq!(r.status(), 404);
    let (s, v) = get(&http, format!("{}/server/quiesceState", sim.ess_url())).await;
    assert_eq!((s, v["quiesceState"].as_str()), (200, Some("ACTIVE")));
    let (s, v) = get(&http, sim.ess_url()).await;
    assert_eq!(s, 200);
    assert!(v["links"].as_array().is_some_and(|l| !l.is_empty()));
    let (s, v) = get(&http, format!("{}/requests/abc", sim.ess_url())).await;
    assert_eq!(s, 400);
    is_exception_detail(&v, 400);
}

#[tokio::test]
async fn forbidden_actions_answer_403() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(JOB, EssScenario::default().forbidding(&["cancelRequest"]));
    let http = reqwest::Client::new();
    let id = submit(&http, &sim, JOB).await;
    let (status, body) = post(&http, &sim, id, "cancel").await;
    assert_eq!(status, 403);
    is_exception_detail(&body, 403);
    assert_eq!(body["title"], "Not authorized to cancel this request");
    let (_, v) = get(&http, format!("{}/requests/{id}/permissions", sim.ess_url())).await;
    assert_eq!(
        (v["canCancel"].as_bool(), v["canHold"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(post(&http, &sim, id, "hold").await.0, 200);
}

#[tokio::test]
async fn an_update_merges_parameters_by_name() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(600)));
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/requests", sim.ess_url()))
        .json(&json!({
            "jobDefinitionId": JOB,
            "application": "EarCustomEss",
            "requestParameters": [{"name": "region", "value": "EMEA"}, {"name": "batch", "value": "10"}]
        }))
        .send()
        .await
        .expect("submit");
    let id = r.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    let r = http
        .patch(format!("{}/requests/{id}", sim.ess_url()))
        .json(&json!({"requestParameters": [{"name": "batch", "value": "20"}, {"name": "dryRun", "value": "true"}]}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 200);
    let (_, v) = get(&http, format!("{}/requests/{id}", sim.ess_url())).await;
    let value = |name: &str| {
        let all: Vec<&Value> = v["requestParameters"]
            .as_array()
            .map(|a| a.iter().filter(|p| p["name"] == name).map(|p| &p["value"]).collect())
            .unwrap_or_default();
        all
    };
    assert_eq!(value("region"), [&json!("EMEA")], "{v}");
    assert_eq!(value("batch"), [&json!("20")], "{v}");
    assert_eq!(value("dryRun"), [&json!("true")], "{v}");
}

#[tokio::test]
async fn a_request_held_in_ready_goes_back_to_wait_when_released() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(
        JOB,
        EssScenario::succeeds_after(Duration::from_secs(60)).with_steps(vec![
            Step::new("WAIT", Duration::from_secs(10)),
            Step::new("READY", Duration::from_secs(10)),
            Step::new("RUNNING", Duration::from_secs(60)),
        ]),
    );
    let http = reqwest::Client::new();
    let id = submit(&http, &sim, JOB).await;
    sim.advance(Duration::from_secs(12));
    assert_eq!(sim.ess_state(id).as_deref(), Some("READY"));
    assert_eq!(post(&http, &sim, id, "hold").await.0, 200);
    sim.advance(Duration::from_secs(600));
    assert_eq!(post(&http, &sim, id, "release").await.0, 200);
    // Released, it waits again and goes on from where it was held: RUNNING 8 s later, as the plan had it.
    assert_eq!(sim.ess_state(id).as_deref(), Some("WAIT"));
    sim.advance(Duration::from_secs(9));
    assert_eq!(sim.ess_state(id).as_deref(), Some("RUNNING"));
}

#[tokio::test]
async fn an_asynchronous_job_reports_pause() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(ASYNC_JOB, EssScenario::asynchronous());
    let http = reqwest::Client::new();
    let id = submit(&http, &sim, ASYNC_JOB).await;
    sim.advance(Duration::from_secs(3));
    for _ in 0..2 {
        let r = http
            .post(format!("{}/requests/{id}/executionStatus", sim.ess_url()))
            .json(&json!({"status": "PAUSE"}))
            .send()
            .await
            .expect("status");
        assert_eq!(r.status(), 200);
        assert_eq!(sim.ess_state(id).as_deref(), Some("PAUSED"));
    }
}

#[tokio::test]
async fn a_request_forced_into_cancelling_may_be_force_cancelled_thirty_minutes_later() {
    let sim = Simulator::start().await.expect("start");
    sim.set_ess_scenario(ASYNC_JOB, EssScenario::asynchronous());
    let http = reqwest::Client::new();
    let id = submit(&http, &sim, ASYNC_JOB).await;
    sim.advance(Duration::from_secs(3));
    sim.force_ess_state(id, "CANCELLING", None, None).expect("force");
    assert_eq!(post(&http, &sim, id, "forceCancel").await.0, 409);
    sim.advance(Duration::from_secs(31 * 60));
    assert_eq!(post(&http, &sim, id, "forceCancel").await.0, 200);
}
