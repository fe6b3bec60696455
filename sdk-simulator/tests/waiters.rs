//! The waiters of the three SDK crates, as they are today, against the simulator. Tokio's clock is paused and
//! the simulator's virtual clock follows it (speed 1.0), so hours of polling take milliseconds.

use std::time::Duration;

use futures::StreamExt as _;
use sdk_ess::types as ess_types;
use sdk_ess::wait::{Outcome, WaitEvent, WaitPolicy};
use sdk_simulator::{EssScenario, OacScenario, OggResult, OggScenario, OggTarget, Simulator, Step};
use sdk_workrequests::ObjectId;

const JOB: &str = "JobDefinition://oracle/apps/ess/custom/NightlyLoad";
const BROKEN: &str = "JobDefinition://oracle/apps/ess/custom/Broken";
const REMOTE: &str = "JobDefinition://oracle/apps/ess/custom/Remote";

async fn simulator() -> Simulator {
    Simulator::builder().clock_speed(1.0).start().await.expect("start")
}

fn ess_client(sim: &Simulator) -> sdk_ess::Client {
    sdk_ess::Client::builder(sim.ess_url())
        .no_timeouts()
        .build()
        .expect("client")
}

async fn submit(client: &sdk_ess::Client, job: &str) -> i64 {
    let body = ess_types::SubmitRequest::builder().job_definition_id(job);
    client
        .submit_request()
        .body(body)
        .send()
        .await
        .expect("submit")
        .into_inner()
        .id
        .expect("id")
}

#[tokio::test(start_paused = true)]
async fn ess_waiter_streams_each_state_to_success() {
    let sim = simulator().await;
    sim.set_ess_scenario(
        JOB,
        EssScenario::succeeds_after(Duration::from_secs(7200)).with_steps(vec![
            Step::new("WAIT", Duration::from_secs(30)),
            Step::new("READY", Duration::from_secs(30)),
            Step::new("RUNNING", Duration::from_secs(7200)),
        ]),
    );
    let client = ess_client(&sim);
    let id = submit(&client, JOB).await;
    let policy = WaitPolicy::default()
        .initial_delay(Duration::from_secs(10))
        .growth(1.0)
        .jitter(false)
        .max_wait(Duration::from_secs(4 * 3600));
    let mut states: Vec<String> = Vec::new();
    let mut events = Box::pin(client.wait_for_request(id).with_policy(policy).into_stream());
    let mut outcome = None;
    while let Some(event) = events.next().await {
        match event {
            WaitEvent::Progress(s) => {
                if states.last() != Some(&s.state) {
                    states.push(s.state);
                }
            }
            WaitEvent::Finished(o) => outcome = Some(o),
        }
    }
    assert_eq!(states, ["WAIT", "READY", "RUNNING", "SUCCEEDED"]);
    assert!(matches!(outcome, Some(Outcome::Succeeded(_))), "{outcome:?}");
    assert_eq!(sim.count("submitRequest"), 1);
}

#[tokio::test(start_paused = true)]
async fn ess_waiter_reports_failure_and_hold() {
    let sim = simulator().await;
    sim.set_ess_scenario(
        BROKEN,
        EssScenario::fails_after(Duration::from_secs(900), "ORA-01403: no data found"),
    );
    let client = ess_client(&sim);
    let id = submit(&client, BROKEN).await;
    match client.wait_for_request(id).wait().await {
        Outcome::Failed { failure, .. } => {
            assert_eq!(failure.state, "ERROR");
            assert_eq!(failure.code.as_deref(), Some("PROCESS_ERROR"));
            assert!(failure.messages.iter().any(|m| m.contains("ORA-01403")), "{failure:?}");
        }
        other => panic!("expected a failure: {other:?}"),
    }
    let held = submit(&client, JOB).await;
    client.hold_request().request_id(held).send().await.expect("hold");
    assert!(matches!(
        client.wait_for_request(held).wait().await,
        Outcome::NeedsAction { .. }
    ));
}

#[tokio::test(start_paused = true)]
async fn ess_cancel_and_force_cancel_after_thirty_minutes() {
    let sim = simulator().await;
    sim.set_ess_scenario(REMOTE, EssScenario::asynchronous());
    let client = ess_client(&sim);
    let id = submit(&client, REMOTE).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let short = WaitPolicy::default().max_wait(Duration::from_secs(120));
    let outcome = client.cancel_and_wait(id, short).await.expect("cancel");
    assert!(
        matches!(outcome, Outcome::TimedOut { .. }),
        "stuck in CANCELLING: {outcome:?}"
    );
    assert_eq!(sim.ess_state(id).as_deref(), Some("CANCELLING"));
    // Too early: the client refuses without sending anything.
    let early = client
        .force_cancel(id, sdk_ess::wait::RemoteJobStopped::confirm())
        .await;
    assert!(early.is_err());
    assert_eq!(sim.count("forceCancelRequest"), 0);
    let outcome = client
        .force_cancel_when_allowed(id, sdk_ess::wait::RemoteJobStopped::confirm(), WaitPolicy::default())
        .await
        .expect("force cancel");
    assert!(matches!(outcome, Outcome::Cancelled(_)), "{outcome:?}");
    assert_eq!(sim.count("forceCancelRequest"), 1);
}

#[tokio::test(start_paused = true)]
async fn ogg_waiter_and_result() {
    let sim = simulator().await;
    let t = OggTarget::admin();
    let body = serde_json::json!({"$schema": "api:standardResponse", "links": [], "messages": [], "response": {"$schema": "ogg:collection", "items": []}});
    let ok = sim.create_ogg_request(
        &t,
        OggScenario::succeeds_after(Duration::from_secs(600), OggResult::json(200, "OK", body)),
    );
    let bad = sim.create_ogg_request(
        &t,
        OggScenario::fails_after(
            Duration::from_secs(60),
            OggResult::text(400, "Bad Request", "OGG-01224"),
        ),
    );
    let aborted = sim.create_ogg_request(
        &t,
        OggScenario {
            end: "aborted".into(),
            ..OggScenario::default()
        },
    );
    let client = sdk_ogg::Client::builder(sim.ogg_url(&sdk_simulator::OggAddressing::Direct))
        .no_timeouts()
        .build()
        .expect("client");
    assert!(matches!(
        client.wait_for_request(ok).wait().await,
        Outcome::Succeeded(_)
    ));
    let result = client.get_request_result().request(ok).send().await.expect("result");
    let decoded = result
        .into_inner()
        .decode_body::<sdk_ogg::types::StandardResponse>()
        .expect("decodes");
    assert_eq!(
        decoded
            .response
            .as_ref()
            .and_then(|r| r.get("$schema"))
            .and_then(|v| v.as_str()),
        Some("ogg:collection")
    );
    match client.wait_for_request(bad).wait().await {
        Outcome::Failed { failure, .. } => assert!(failure.messages.iter().any(|m| m.contains("400")), "{failure:?}"),
        other => panic!("expected a failure: {other:?}"),
    }
    assert!(matches!(
        client.wait_for_request(aborted).wait().await,
        Outcome::Cancelled(_)
    ));
}

#[tokio::test(start_paused = true)]
async fn workrequests_waiter_with_percent_and_errors() {
    let sim = simulator().await;
    sim.set_analytics_scenario("'admin'.'Sales'", OacScenario::succeeds_after(Duration::from_secs(300)));
    sim.set_analytics_operation_scenario(
        "runDataFlow",
        OacScenario::fails_after(Duration::from_secs(120), 60.0, "DataFlowError", "Column SALES missing"),
    );
    let client = sdk_workrequests::Client::builder(sim.analytics_url())
        .bearer_token("t")
        .no_timeouts()
        .build()
        .expect("client");
    let id = client
        .reload_dataset()
        .dataset_id(ObjectId::owner_name("admin", "Sales"))
        .start()
        .await
        .expect("start");
    assert!(id.as_str().contains(':'));
    let mut percents = Vec::new();
    let mut events = Box::pin(client.wait_for_work_request(&id).into_stream());
    let mut outcome = None;
    while let Some(event) = events.next().await {
        match event {
            WaitEvent::Progress(s) => percents.extend(s.percent_complete),
            WaitEvent::Finished(o) => outcome = Some(o),
        }
    }
    assert!(matches!(outcome, Some(Outcome::Succeeded(_))), "{outcome:?}");
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
    assert_eq!(percents.last(), Some(&100.0));
    assert!(
        percents.iter().any(|p| *p > 0.0 && *p < 100.0),
        "some progress in between: {percents:?}"
    );

    let flow = client
        .run_data_flow()
        .dataflow_id(ObjectId::new("df1"))
        .body(sdk_workrequests::types::RunDataFlowRequest(serde_json::Map::new()))
        .start()
        .await
        .expect("start");
    match client.wait_for_work_request(&flow).wait().await {
        Outcome::Failed { failure, .. } => {
            assert_eq!(failure.code.as_deref(), Some("DataFlowError"));
            assert_eq!(failure.messages, ["DataFlowError: Column SALES missing"]);
        }
        other => panic!("expected a failure: {other:?}"),
    }
}
