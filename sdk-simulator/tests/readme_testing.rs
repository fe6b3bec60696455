//! The README's "Testing your code" example, run as it is written there.

use std::time::Duration;

use sdk_ess::types::{RequestDetails, RequestState, SubmitRequest};
use sdk_ess::wait::WaitPolicy;
use sdk_simulator::{AuthConfig, EssScenario, Simulator};

const JOB: &str = "JobDefinition://oracle/apps/ess/custom/NightlyLoad";

/// The code under test: submits the nightly load and waits until it succeeds.
async fn run_nightly(
    client: &sdk_ess::Client,
    policy: WaitPolicy,
) -> Result<RequestDetails, Box<dyn std::error::Error>> {
    let body = SubmitRequest::builder()
        .job_definition_id(JOB)
        .application(Some("EarCustomEss".to_owned()));
    let submitted = client.submit_request().body(body).send().await?.into_inner();
    let id = submitted.request_id().ok_or("the scheduler gave no request id")?;
    Ok(client.wait_for_request(id).with_policy(policy).until_success().await?)
}

#[tokio::test]
async fn nightly_load() -> Result<(), Box<dyn std::error::Error>> {
    // 36,000 virtual seconds per real second: a two-hour job takes a fifth of a second.
    let sim = Simulator::builder()
        .auth(AuthConfig::basic("scheduler.user", "pw"))
        .clock_speed(36_000.0)
        .start()
        .await?;
    let client = sdk_ess::Client::builder(sim.ess_url())
        .basic_auth("scheduler.user", "pw")
        .build()?;
    let fast = WaitPolicy::default()
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(20));

    // Success.
    sim.set_ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(2 * 3600)));
    let job = run_nightly(&client, fast.clone()).await?;
    assert_eq!(job.state, Some(RequestState::Succeeded));
    assert_eq!(sim.count("submitRequest"), 1); // the submit was sent once

    // Failure, with the cause and message the scheduler reports.
    sim.set_ess_scenario(
        JOB,
        EssScenario::fails_after(Duration::from_secs(600), "ORA-01403: no data found"),
    );
    let error = run_nightly(&client, fast.clone()).await.expect_err("the job fails");
    assert!(error.to_string().contains("ORA-01403"), "{error}");

    // Timeout: a job that outlasts the wait.
    sim.set_ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(1000 * 3600)));
    let error = run_nightly(&client, fast.max_wait(Duration::from_millis(300)))
        .await
        .expect_err("times out");
    assert!(
        error.to_string().starts_with("gave up waiting for ESS request"),
        "{error}"
    );
    Ok(())
}
