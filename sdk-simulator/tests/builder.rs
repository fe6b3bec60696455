//! The builder keeps every setting whatever the order of its calls: each pair of settings is applied in both
//! orders, and both settings must show in the started simulator.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use sdk_simulator::{
    AuthConfig, EssScenario, OacScenario, OggScenario, OggTarget, Simulator, SimulatorBuilder, Step, TlsIdentity,
    WorkRequestIds,
};

const USER: &str = "u";
const PASSWORD: &str = "p";
const JOB: &str = "JobDefinition://oracle/apps/ess/custom/Scripted";
const OTHER_JOB: &str = "JobDefinition://oracle/apps/ess/custom/Plain";

/// A builder setting, and how the started simulator shows it.
#[derive(Clone, Copy, Debug)]
enum Setting {
    Auth,
    StartTime,
    ClockSpeed,
    EssScenario,
    EssDefaultScenario,
    EssPageSize,
    AnalyticsScenario,
    AnalyticsOperationScenario,
    AnalyticsDefaultScenario,
    WorkRequestIds,
    OggMultiDeployment,
    OggDeployment,
    Tls,
    RecordLimit,
    KeepFinished,
    KeepFinishedFor,
}

const ALL: [Setting; 16] = [
    Setting::Auth,
    Setting::StartTime,
    Setting::ClockSpeed,
    Setting::EssScenario,
    Setting::EssDefaultScenario,
    Setting::EssPageSize,
    Setting::AnalyticsScenario,
    Setting::AnalyticsOperationScenario,
    Setting::AnalyticsDefaultScenario,
    Setting::WorkRequestIds,
    Setting::OggMultiDeployment,
    Setting::OggDeployment,
    Setting::Tls,
    Setting::RecordLimit,
    Setting::KeepFinished,
    Setting::KeepFinishedFor,
];

fn start_time() -> DateTime<Utc> {
    DateTime::from_timestamp(978_307_200, 0).unwrap_or_default() // 2001-01-01T00:00:00Z
}

/// A scenario whose first state shows which scenario a request got.
fn first_state(state: &str) -> EssScenario {
    EssScenario::default().with_steps(vec![Step::new(state, Duration::from_secs(24 * 3600))])
}

fn typed(operation_type: &str) -> OacScenario {
    OacScenario {
        operation_type: Some(operation_type.to_owned()),
        ..OacScenario::succeeds_after(Duration::from_secs(60))
    }
}

impl Setting {
    fn apply(self, b: SimulatorBuilder) -> SimulatorBuilder {
        match self {
            Setting::Auth => b.auth(AuthConfig::basic(USER, PASSWORD)),
            Setting::StartTime => b.start_time(start_time()),
            Setting::ClockSpeed => b.clock_speed(60.0),
            Setting::EssScenario => b.ess_scenario(JOB, first_state("READY")),
            Setting::EssDefaultScenario => b.ess_default_scenario(first_state("BLOCKED")),
            Setting::EssPageSize => b.ess_page_size(2),
            Setting::AnalyticsScenario => b.analytics_scenario("b2JqZWN0", typed("OBJECT_SCENARIO")),
            Setting::AnalyticsOperationScenario => b.analytics_operation_scenario("runSequence", typed("RUN_SEQUENCE")),
            Setting::AnalyticsDefaultScenario => b.analytics_default_scenario(typed("DEFAULT_SCENARIO")),
            Setting::WorkRequestIds => b.work_request_ids(WorkRequestIds::Template("wr-{n}".into())),
            Setting::OggMultiDeployment => b.ogg_multi_deployment(true),
            Setting::OggDeployment => b.ogg_deployment("Extra"),
            Setting::Tls => b.tls(TlsIdentity::SelfSigned),
            Setting::RecordLimit => b.record_limit(1),
            Setting::KeepFinished => b.keep_finished(1),
            Setting::KeepFinishedFor => b.keep_finished_for(Duration::from_secs(3600)),
        }
    }

    /// Whether the started simulator shows the setting.
    async fn check(self, sim: &Simulator, http: &reqwest::Client) -> Result<(), String> {
        let get = |url: String| http.get(url).basic_auth(USER, Some(PASSWORD)).send();
        let post = |url: String| http.post(url).basic_auth(USER, Some(PASSWORD)).json(&json!({})).send();
        match self {
            Setting::Auth => {
                let status = http
                    .get(sim.ess_url())
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .status();
                expect(status == 401, format!("without credentials: {status}"))
            }
            Setting::StartTime => {
                let now = sim.now();
                let start = start_time();
                expect(
                    now >= start && now < start + chrono::Duration::days(1),
                    format!("virtual time {now}, started at {start}"),
                )
            }
            Setting::ClockSpeed => {
                let speed = sim.clock().speed();
                expect(speed == 60.0, format!("clock speed {speed}"))
            }
            Setting::EssScenario => expect_state(sim, http, JOB, "READY").await,
            Setting::EssDefaultScenario => expect_state(sim, http, OTHER_JOB, "BLOCKED").await,
            Setting::EssPageSize => {
                for _ in 0..3 {
                    submit(sim, http, OTHER_JOB).await?;
                }
                let page = json_of(get(format!("{}/requests/search/1", sim.ess_url())).await).await?;
                expect(page["count"] == 2, format!("page {page}"))
            }
            Setting::AnalyticsScenario => {
                let url = format!("{}/catalog/datasets/b2JqZWN0/actions/reload", sim.analytics_url());
                expect_operation_type(sim, http, post(url).await, "OBJECT_SCENARIO").await
            }
            Setting::AnalyticsOperationScenario => {
                let url = format!("{}/catalog/sequences/c2VxMQ/actions/run", sim.analytics_url());
                expect_operation_type(sim, http, post(url).await, "RUN_SEQUENCE").await
            }
            Setting::AnalyticsDefaultScenario => {
                let url = format!("{}/catalog/dataflows/ZGYx/actions/run", sim.analytics_url());
                expect_operation_type(sim, http, post(url).await, "DEFAULT_SCENARIO").await
            }
            Setting::WorkRequestIds => {
                let url = format!("{}/catalog/dataflows/ZGYx/actions/run", sim.analytics_url());
                let id = work_request_id(post(url).await)?;
                expect(id.starts_with("wr-"), format!("work request id {id}"))
            }
            Setting::OggMultiDeployment => {
                let url = format!("{}/services/v2/requests", sim.base_url());
                let status = get(url).await.map_err(|e| e.to_string())?.status();
                expect(status == 404, format!("/services/v2 answered {status}"))
            }
            Setting::OggDeployment => {
                let url = format!("{}/services/Extra/adminsrvr/v2/requests", sim.base_url());
                let status = get(url).await.map_err(|e| e.to_string())?.status();
                expect(status == 200, format!("deployment Extra answered {status}"))
            }
            Setting::Tls => {
                expect(sim.ca_certificate().is_some(), "no CA certificate".into())?;
                let status = get(sim.ess_url()).await.map_err(|e| e.to_string())?.status();
                expect(
                    sim.ess_url().starts_with("https://") && status == 200,
                    format!("{} answered {status}", sim.ess_url()),
                )
            }
            Setting::RecordLimit => {
                get(sim.ess_url()).await.map_err(|e| e.to_string())?;
                get(sim.ess_url()).await.map_err(|e| e.to_string())?;
                let (kept, dropped) = (sim.requests().len(), sim.dropped_requests());
                expect(kept == 1 && dropped >= 1, format!("{kept} recorded, {dropped} dropped"))
            }
            Setting::KeepFinished => {
                // Two requests that finish at once: the second's creation drops the first.
                let target = OggTarget::admin();
                let first = sim.create_ogg_request(&target, finished_at_once());
                let second = sim.create_ogg_request(&target, finished_at_once());
                let kept = (sim.ogg_progress(&target, first), sim.ogg_progress(&target, second));
                expect(kept.0.is_none() && kept.1.is_some(), format!("kept {kept:?}"))
            }
            Setting::KeepFinishedFor => {
                // The newest finished request, dropped for its age alone.
                let target = OggTarget::admin();
                let finished = sim.create_ogg_request(&target, finished_at_once());
                sim.advance(Duration::from_secs(2 * 3600));
                sim.create_ogg_request(&target, OggScenario::default());
                let kept = sim.ogg_progress(&target, finished);
                expect(kept.is_none(), format!("kept {kept:?} two hours after it finished"))
            }
        }
    }
}

/// A GoldenGate request that has succeeded as soon as it is created.
fn finished_at_once() -> OggScenario {
    OggScenario {
        steps: Vec::new(),
        ..OggScenario::default()
    }
}

fn expect(ok: bool, what: String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what) }
}

async fn json_of(reply: reqwest::Result<reqwest::Response>) -> Result<Value, String> {
    reply
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())
}

async fn submit(sim: &Simulator, http: &reqwest::Client, job: &str) -> Result<i64, String> {
    let reply = http
        .post(format!("{}/requests", sim.ess_url()))
        .basic_auth(USER, Some(PASSWORD))
        .json(&json!({"jobDefinitionId": job}))
        .send()
        .await;
    let body = json_of(reply).await?;
    body["id"].as_i64().ok_or_else(|| format!("submit answered {body}"))
}

async fn expect_state(sim: &Simulator, http: &reqwest::Client, job: &str, state: &str) -> Result<(), String> {
    let id = submit(sim, http, job).await?;
    let now = sim.ess_state(id);
    expect(now.as_deref() == Some(state), format!("{job} is in {now:?}"))
}

fn work_request_id(reply: reqwest::Result<reqwest::Response>) -> Result<String, String> {
    let reply = reply.map_err(|e| e.to_string())?;
    reply
        .headers()
        .get("oa-work-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| format!("{} without oa-work-request-id", reply.status()))
}

async fn expect_operation_type(
    sim: &Simulator,
    http: &reqwest::Client,
    reply: reqwest::Result<reqwest::Response>,
    want: &str,
) -> Result<(), String> {
    let id = work_request_id(reply)?;
    let url = reqwest::Url::parse(&format!("{}/workRequests/", sim.analytics_url()))
        .and_then(|u| u.join(&id.replace(':', "%3A")))
        .map_err(|e| e.to_string())?;
    let view = json_of(http.get(url).basic_auth(USER, Some(PASSWORD)).send().await).await?;
    expect(view["operationType"] == want, format!("work request {view}"))
}

/// A client for the simulator: trusting its CA when it serves HTTPS.
fn client_for(sim: &Simulator) -> reqwest::Client {
    let mut builder = reqwest::Client::builder();
    if let Some(ca) = sim.ca_certificate() {
        builder = builder.add_root_certificate(reqwest::Certificate::from_pem(ca.pem().as_bytes()).expect("PEM"));
    }
    builder.build().expect("client")
}

#[tokio::test]
async fn every_pair_of_settings_is_kept_in_both_orders() {
    let mut failures = Vec::new();
    for (i, first) in ALL.iter().enumerate() {
        for second in &ALL[i + 1..] {
            for (a, b) in [(first, second), (second, first)] {
                let sim = b
                    .apply(a.apply(Simulator::builder()))
                    .start()
                    .await
                    .expect("simulator starts");
                let http = client_for(&sim);
                for setting in [a, b] {
                    if let Err(why) = setting.check(&sim, &http).await {
                        failures.push(format!("{a:?} then {b:?}: {setting:?} lost ({why})"));
                    }
                }
                sim.shutdown().await;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each check tells a simulator with its setting from one without it, so a lost setting cannot pass.
#[tokio::test]
async fn every_check_fails_without_its_setting() {
    let http = reqwest::Client::new();
    for setting in ALL {
        let sim = Simulator::start().await.expect("simulator starts");
        assert!(
            setting.check(&sim, &http).await.is_err(),
            "{setting:?} shows on a simulator without it"
        );
        sim.shutdown().await;
    }
}

/// The CA's path is kept whether it is set before or after HTTPS is asked for.
#[tokio::test]
async fn the_ca_path_is_kept_in_both_orders() {
    let dir = std::env::temp_dir().join(format!("sdk-simulator-test-builder-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path = dir.join("ca.pem");
    let orders: [fn(SimulatorBuilder, &std::path::Path) -> SimulatorBuilder; 2] = [
        |b, p| b.tls(TlsIdentity::SelfSigned).tls_ca_path(p),
        |b, p| b.tls_ca_path(p).tls(TlsIdentity::SelfSigned),
    ];
    for order in orders {
        let sim = order(Simulator::builder(), &path).start().await.expect("start");
        let ca = sim.ca_certificate().expect("serving HTTPS");
        assert_eq!(ca.path(), path);
        assert_eq!(std::fs::read_to_string(&path).expect("written"), ca.pem());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
