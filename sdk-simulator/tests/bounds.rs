//! A simulator serving for days holds bounded memory: the recording keeps the last requests and counts the
//! dropped ones; finished jobs of each service are kept up to a number or an age on the virtual clock, active
//! jobs always, and a dropped job answers 404.

use std::time::Duration;

use serde_json::{Value, json};

use sdk_simulator::{EssScenario, OggAddressing, OggScenario, Simulator, SimulatorBuilder};

const JOB: &str = "JobDefinition://oracle/apps/ess/custom/Nightly";
const LONG_JOB: &str = "JobDefinition://oracle/apps/ess/custom/Endless";

async fn submit(http: &reqwest::Client, sim: &Simulator, job: &str) -> i64 {
    let reply: Value = http
        .post(format!("{}/requests", sim.ess_url()))
        .json(&json!({"jobDefinitionId": job, "application": "EarCustomEss"}))
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("submit reply");
    reply["id"].as_i64().expect("an id")
}

async fn ess_status(http: &reqwest::Client, sim: &Simulator, id: i64) -> u16 {
    let url = format!("{}/requests/{id}", sim.ess_url());
    http.get(url).send().await.expect("getRequest").status().as_u16()
}

async fn start(builder: SimulatorBuilder) -> Simulator {
    builder.start().await.expect("simulator starts")
}

#[tokio::test]
async fn a_full_recording_drops_the_oldest_and_says_how_many() {
    let sim = start(Simulator::builder().record_limit(3)).await;
    let http = reqwest::Client::new();
    for id in 1..=5 {
        ess_status(&http, &sim, id).await;
    }
    let kept: Vec<String> = sim.requests().iter().map(|r| r.path.clone()).collect();
    let tail: Vec<String> = (3..=5)
        .map(|id| format!("/ess/rest/scheduler/v1/requests/{id}"))
        .collect();
    assert_eq!(kept, tail, "the last three are kept, in order");
    assert!(sim.requests().iter().all(|r| r.status == Some(404)));
    assert_eq!(sim.dropped_requests(), 2);
    assert_eq!(sim.count("ess.getRequest"), 5, "counts include dropped records");

    let reply = http
        .get(format!("{}/requests", sim.admin_url()))
        .send()
        .await
        .expect("admin");
    let dropped = reply.headers().get("simulator-dropped-requests").cloned();
    assert_eq!(dropped.as_ref().and_then(|v| v.to_str().ok()), Some("2"));
    let listed: Vec<Value> = reply.json().await.expect("a JSON array, as before");
    assert_eq!(listed.len(), 3);

    sim.clear_recorded();
    assert_eq!((sim.requests().len(), sim.dropped_requests()), (0, 0));
}

#[tokio::test]
async fn the_default_recording_keeps_ten_thousand() {
    let sim = Simulator::start().await.expect("start");
    let http = reqwest::Client::new();
    ess_status(&http, &sim, 1).await;
    assert_eq!((sim.requests().len(), sim.dropped_requests()), (1, 0));
    assert_eq!(sdk_simulator::recorder::DEFAULT_RECORD_LIMIT, 10_000);
}

#[tokio::test]
async fn ess_keeps_the_newest_finished_requests_and_every_active_one() {
    let sim = start(
        Simulator::builder()
            .keep_finished(2)
            .ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(60)))
            .ess_scenario(LONG_JOB, EssScenario::succeeds_after(Duration::from_secs(1000 * 3600))),
    )
    .await;
    let http = reqwest::Client::new();
    let active = submit(&http, &sim, LONG_JOB).await;
    let mut finished = Vec::new();
    for _ in 0..4 {
        finished.push(submit(&http, &sim, JOB).await);
        sim.advance(Duration::from_secs(10)); // each ends 10 s after the one before
    }
    sim.advance(Duration::from_secs(3600));
    // The first call after they finished drops the two that finished first.
    let statuses = [
        ess_status(&http, &sim, finished[0]).await,
        ess_status(&http, &sim, finished[1]).await,
        ess_status(&http, &sim, finished[2]).await,
        ess_status(&http, &sim, finished[3]).await,
        ess_status(&http, &sim, active).await,
    ];
    assert_eq!(statuses, [404, 404, 200, 200, 200]);
    assert_eq!(sim.ess_state(finished[0]), None);
    assert_eq!(sim.ess_state(active).as_deref(), Some("RUNNING"));
}

#[tokio::test]
async fn analytics_drops_work_requests_finished_longer_than_the_age() {
    let sim = start(Simulator::builder().keep_finished_for(Duration::from_secs(600))).await;
    let http = reqwest::Client::new();
    let reload = format!(
        "{}/catalog/datasets/J2FkbWluJy4nU2FsZXMn/actions/reload",
        sim.analytics_url()
    );
    let reply = http.post(&reload).json(&json!({})).send().await.expect("reload");
    let id = reply
        .headers()
        .get("oa-work-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a work request id")
        .to_owned();
    let get = format!("{}/workRequests/{}", sim.analytics_url(), id.replace(':', "%3A"));
    let status = |http: reqwest::Client, url: String| async move {
        http.get(url).send().await.expect("getWorkRequest").status().as_u16()
    };

    sim.advance(Duration::from_secs(60)); // finished (30 s in progress by default)
    assert_eq!(sim.work_request_status(&id).as_deref(), Some("SUCCEEDED"));
    sim.advance(Duration::from_secs(500)); // finished for less than 600 s
    assert_eq!(status(http.clone(), get.clone()).await, 200);
    sim.advance(Duration::from_secs(700)); // now for more than 600 s plus a tenth
    assert_eq!(status(http.clone(), get.clone()).await, 404);
    assert_eq!(sim.work_request_status(&id), None);
}

#[tokio::test]
async fn goldengate_keeps_the_newest_completed_requests() {
    let sim = start(Simulator::builder().keep_finished(1)).await;
    let target = OggAddressing::Direct.target();
    let first = sim.create_ogg_request(&target, OggScenario::default());
    sim.advance(Duration::from_secs(60));
    let second = sim.create_ogg_request(&target, OggScenario::default());
    sim.advance(Duration::from_secs(60));
    let running = sim.create_ogg_request(&target, OggScenario::default());
    // Creating `running` checked the store: two completed, one kept.
    assert_eq!(sim.ogg_progress(&target, first), None);
    assert_eq!(sim.ogg_progress(&target, second).as_deref(), Some("succeeded"));
    assert_eq!(sim.ogg_progress(&target, running).as_deref(), Some("pending"));
    let url = format!("{}/requests/{first}", sim.ogg_url(&OggAddressing::Direct));
    let reply = reqwest::get(url).await.expect("getRequest");
    assert_eq!(reply.status(), 404);
}
