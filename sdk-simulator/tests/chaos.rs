//! Chaos: 1,000 concurrent waits over the three services while the simulator answers the polls with 10 % 503
//! (Retry-After), 2 % a proxy's 502 HTML page, 1 % dropped connections and 1 % slow replies. Every wait must
//! reach the outcome its scenario says, and no starting POST may be sent twice. Tokio's clock is paused and the
//! simulator's clock follows it, so the hours of virtual time take seconds.

use std::collections::BTreeMap;
use std::time::Duration;

use sdk_ess::types as ess_types;
use sdk_ess::wait::{Outcome, WaitPolicy};
use sdk_simulator::{EssScenario, Fault, FaultRate, OacScenario, OggResult, OggScenario, OggTarget, Simulator};
use sdk_workrequests::ObjectId;
use tokio::task::JoinSet;

const WAITS: usize = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Expect {
    Succeeded,
    Failed,
    Cancelled,
}

fn kind<T>(o: &Outcome<T>) -> Result<Expect, String> {
    match o {
        Outcome::Succeeded(_) => Ok(Expect::Succeeded),
        Outcome::Failed { .. } => Ok(Expect::Failed),
        Outcome::Cancelled(_) => Ok(Expect::Cancelled),
        Outcome::NeedsAction { reason, .. } => Err(format!("needs action: {reason}")),
        Outcome::TimedOut { polls, elapsed, .. } => Err(format!("timed out after {polls} polls, {elapsed:?}")),
        Outcome::PollFailed { error, polls, .. } => Err(format!("poll failed after {polls} polls: {error}")),
        _ => Err("another outcome".to_owned()),
    }
}

#[tokio::test(start_paused = true)]
async fn thousand_waits_through_faults() {
    // The checks below read every request of the run (tens of thousands): the recording keeps them all.
    let sim = Simulator::builder()
        .clock_speed(1.0)
        .record_limit(usize::MAX)
        .start()
        .await
        .expect("start");
    let virtual_start = sim.now();
    let wall = std::time::Instant::now();
    let minutes = |i: usize| Duration::from_secs(60 * (1 + (i % 17) as u64));
    // Scenarios: one job definition / object per wait, the outcome chosen by i % 3.
    for i in 0..WAITS {
        match i % 3 {
            0 => {
                let job = format!("JobDefinition://chaos/Job{i}");
                let s = match i % 9 {
                    0 => EssScenario::succeeds_after(minutes(i)),
                    3 => EssScenario::fails_after(minutes(i), format!("job {i} failed")),
                    _ => EssScenario::warns_after(minutes(i), format!("job {i} warned")),
                };
                sim.set_ess_scenario(job, s);
            }
            1 => {}
            _ => {
                let s = match i % 9 {
                    2 => OacScenario::succeeds_after(minutes(i)),
                    5 => OacScenario::fails_after(minutes(i), 30.0, "ReloadError", format!("dataset {i} failed")),
                    _ => OacScenario::canceled_after(minutes(i)),
                };
                sim.set_analytics_scenario(format!("ds{i}"), s);
            }
        }
    }
    let polls = ["getRequest", "getWorkRequest"];
    for op in polls {
        sim.inject_rate(
            op,
            vec![
                FaultRate {
                    fault: Fault::Unavailable { retry_after: 1 },
                    probability: 0.10,
                },
                FaultRate {
                    fault: Fault::BadGateway,
                    probability: 0.02,
                },
                FaultRate {
                    fault: Fault::DropConnection,
                    probability: 0.01,
                },
                FaultRate {
                    fault: Fault::Slow {
                        delay: Duration::from_secs(20),
                    },
                    probability: 0.01,
                },
            ],
            2026,
        );
    }

    let ess = sdk_ess::Client::builder(sim.ess_url())
        .no_timeouts()
        .build()
        .expect("ess client");
    let ogg = sdk_ogg::Client::builder(sim.ogg_url(&sdk_simulator::OggAddressing::Direct))
        .no_timeouts()
        .build()
        .expect("ogg client");
    let oac = sdk_workrequests::Client::builder(sim.analytics_url())
        .bearer_token("t")
        .no_timeouts()
        .build()
        .expect("oac client");
    let policy = WaitPolicy::default()
        .initial_delay(Duration::from_secs(20))
        .max_delay(Duration::from_secs(120));

    let mut set = JoinSet::new();
    for i in 0..WAITS {
        let (ess, ogg, oac, policy) = (ess.clone(), ogg.clone(), oac.clone(), policy.clone());
        let ogg_id = if i % 3 == 1 {
            let s = match i % 9 {
                1 => OggScenario::succeeds_after(minutes(i), OggResult::default()),
                4 => OggScenario::fails_after(minutes(i), OggResult::text(400, "Bad Request", "OGG-01224")),
                _ => OggScenario {
                    end: "aborted".into(),
                    ..OggScenario::succeeds_after(minutes(i), OggResult::default())
                },
            };
            Some(sim.create_ogg_request(&OggTarget::admin(), s))
        } else {
            None
        };
        set.spawn(async move {
            // ESS: 0 succeeds, 3 fails, 6 warns (a success); GoldenGate: 1, 4, 7 (aborted); Analytics: 2, 5, 8.
            let expect = match i % 9 {
                0 | 1 | 2 | 6 => Expect::Succeeded,
                3..=5 => Expect::Failed,
                _ => Expect::Cancelled,
            };
            let got = match i % 3 {
                0 => {
                    let body =
                        ess_types::SubmitRequest::builder().job_definition_id(format!("JobDefinition://chaos/Job{i}"));
                    let id = ess
                        .submit_request()
                        .body(body)
                        .send()
                        .await
                        .map_err(|e| format!("submit: {e}"))?
                        .into_inner()
                        .id
                        .ok_or("no id")?;
                    kind(&ess.wait_for_request(id).with_policy(policy).wait().await)
                }
                1 => {
                    let id = ogg_id.ok_or("no ogg id")?;
                    kind(&ogg.wait_for_request(id).with_policy(policy).wait().await)
                }
                _ => {
                    let id = oac
                        .reload_dataset()
                        .dataset_id(ObjectId::new(format!("ds{i}")))
                        .start()
                        .await
                        .map_err(|e| format!("start: {e}"))?;
                    kind(&oac.wait_for_work_request(&id).with_policy(policy).wait().await)
                }
            };
            match got {
                Ok(k) if k == expect => Ok(k),
                Ok(k) => Err(format!("wait {i}: expected {expect:?}, got {k:?}")),
                Err(e) => Err(format!("wait {i}: {e}")),
            }
        });
    }
    let mut outcomes: BTreeMap<Expect, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(k)) => *outcomes.entry(k).or_default() += 1,
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(format!("task: {e}")),
        }
    }

    let recorded = sim.requests();
    assert_eq!(sim.dropped_requests(), 0, "the recording is complete");
    let mut faults: BTreeMap<String, usize> = BTreeMap::new();
    for r in &recorded {
        if let Some(f) = &r.fault {
            *faults.entry(f.clone()).or_default() += 1;
        }
    }
    let counts = sim.counts();
    println!(
        "chaos: {WAITS} concurrent waits in {:.2?} of wall time, {:.1} h of virtual time",
        wall.elapsed(),
        (sim.now() - virtual_start).num_seconds() as f64 / 3600.0
    );
    println!("chaos: outcomes {outcomes:?}; {} errors", errors.len());
    println!("chaos: {} requests; per operation {counts:?}", recorded.len());
    println!("chaos: injected faults {faults:?}");
    assert!(
        errors.is_empty(),
        "{} waits went wrong, first: {:?}",
        errors.len(),
        errors.iter().take(5).collect::<Vec<_>>()
    );
    assert_eq!(outcomes.values().sum::<usize>(), WAITS);
    // Starting POSTs: exactly one per ESS job and per Analytics reload, none repeated.
    assert_eq!(counts.get("submitRequest").copied(), Some(WAITS.div_ceil(3) as u64));
    assert_eq!(counts.get("reloadDataset").copied(), Some((WAITS / 3) as u64));
    let mut submitted: Vec<&str> = recorded
        .iter()
        .filter(|r| r.operation_id == "submitRequest")
        .map(|r| r.body.as_str())
        .collect();
    submitted.sort_unstable();
    submitted.dedup();
    assert_eq!(submitted.len(), WAITS.div_ceil(3), "no job submitted twice");
    for kind in ["503", "502-html", "drop", "slow"] {
        assert!(
            faults.get(kind).copied().unwrap_or(0) > 0,
            "fault {kind} was injected at least once: {faults:?}"
        );
    }
}
