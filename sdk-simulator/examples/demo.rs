//! Demo: an ESS job on the embedded simulator, followed with the `sdk-ess` waiter until it succeeds, then a
//! failing job and its cause. Runs in a few seconds: the simulator's clock runs an hour per second.
//!
//! `cargo run -p sdk-simulator --example demo`

use std::time::Duration;

use futures::StreamExt as _;
use sdk_ess::types;
use sdk_ess::wait::{Outcome, WaitEvent, WaitPolicy};
use sdk_simulator::{EssScenario, Simulator, Step};

const NIGHTLY: &str = "JobDefinition://oracle/apps/ess/custom/NightlyLoad";
const BROKEN: &str = "JobDefinition://oracle/apps/ess/custom/InvoiceImport";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One virtual hour per real second.
    let sim = Simulator::builder().clock_speed(3600.0).start().await?;
    let steps = |running: u64| {
        vec![
            Step::new("WAIT", Duration::from_secs(600)),
            Step::new("READY", Duration::from_secs(300)),
            Step::new("RUNNING", Duration::from_secs(running)),
        ]
    };
    sim.set_ess_scenario(
        NIGHTLY,
        EssScenario::succeeds_after(Duration::ZERO).with_steps(steps(2 * 3600)),
    );
    sim.set_ess_scenario(
        BROKEN,
        EssScenario::fails_after(Duration::ZERO, "ORA-01403: no data found in AP_INVOICES_INTERFACE")
            .with_steps(steps(1800)),
    );
    println!("simulator: {}", sim.ess_url());

    let client = sdk_ess::Client::builder(sim.ess_url()).build()?;
    // Poll every 100 ms of real time (100 virtual seconds).
    let policy = WaitPolicy::default()
        .initial_delay(Duration::from_millis(100))
        .max_delay(Duration::from_millis(100))
        .jitter(false);
    let submit = |job: &'static str| {
        let client = client.clone();
        async move {
            let body = types::SubmitRequest::builder()
                .job_definition_id(job)
                .application(Some("EarCustomEss".to_owned()));
            let submitted = client
                .submit_request()
                .body(body)
                .send()
                .await
                .map_err(Box::<dyn std::error::Error>::from)?
                .into_inner();
            submitted
                .request_id()
                .ok_or_else(|| Box::<dyn std::error::Error>::from("no request id in the reply"))
        }
    };

    let id = submit(NIGHTLY).await?;
    println!("submitted {NIGHTLY} as request {id} (a two-hour job)");
    let started = std::time::Instant::now();
    let mut last = String::new();
    let mut events = Box::pin(client.wait_for_request(id).with_policy(policy.clone()).into_stream());
    while let Some(event) = events.next().await {
        match event {
            WaitEvent::Progress(s) if s.state != last => {
                println!(
                    "  [{:>5.2}s real, virtual {}] {id}: {}",
                    started.elapsed().as_secs_f64(),
                    sim.now().format("%H:%M:%S"),
                    s.state
                );
                last = s.state;
            }
            WaitEvent::Progress(_) => {}
            WaitEvent::Finished(Outcome::Succeeded(job)) => {
                let state = job.state.map(|s| s.to_string()).unwrap_or_default();
                println!("  waiter finished: {id} succeeded ({state})");
            }
            WaitEvent::Finished(other) => println!("  {id}: {other:?}"),
        }
    }

    let id = submit(BROKEN).await?;
    println!("submitted {BROKEN} as request {id}");
    match client.wait_for_request(id).with_policy(policy).wait().await {
        Outcome::Failed { failure, .. } => {
            println!(
                "  {id} ended in {} with cause {}",
                failure.state,
                failure.code.unwrap_or_default()
            );
            for m in failure.messages {
                println!("    {m}");
            }
        }
        other => println!("  {id}: unexpected {other:?}"),
    }
    println!(
        "{} requests reached the simulator; submitRequest was sent {} times",
        sim.requests().len(),
        sim.count("submitRequest")
    );
    Ok(())
}
