//! Waits against a rate-limited server: 1,000 Analytics waits (one waiter per work request) and 10,000 ESS waits
//! (one wait set, multi-select queries) through clients with a request budget, against the simulator limited to
//! the same rate per service, and against the simulator without a limit (the baseline, measured in the same run).
//!
//! ```text
//! cargo run --release -p sdk-benches --bin rate-limit -- [--rate 20] [--burst 5] [--oac 1000] [--ess 10000]
//!     [--first-end-secs 10] [--window-secs 30] [--modes limited,unlimited] [--rounds 1]
//! ```
//!
//! Modes: `limited` (the simulator answers `--rate` requests per second per service, one second's worth at once,
//! `429` with `Retry-After` above it; clients with the budget `--rate`, burst `--burst`), `unlimited` (no limit on
//! the simulator, the same budget on the clients), `unbudgeted` (the limit, no budget: what the budget prevents),
//! `budget-above` (the limit, and a budget of twice the rate: what the adaptive rate and the shared `Retry-After`
//! pause make of a budget set too high).
//!
//! Each mode starts its own in-process simulator, its clock stopped while every job is started (without a budget,
//! before any limit is set), so that they all start at the same virtual instant; then the limit is set, the clock
//! runs at one virtual second per second and the waits begin. Job `i` of a service ends `first-end + window * (i
//! mod 100) / 100` seconds later (a tenth of them fail, and must be seen failing), so the instant of each end is
//! known; when a wait ends, the delay since its job's end is read on the simulator's clock. Reported: outcomes
//! right, requests and `429`s counted by the simulator during the waits, the delay before an end is noticed (p50,
//! p99, max) per service and overall, and the run's wall time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use sdk_runtime::RequestBudget;
use sdk_runtime::wait::{Outcome, WaitPolicy};
use sdk_simulator::{EssScenario, OacScenario, RateLimit, Simulator};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone, Debug)]
struct Args {
    rate: f64,
    burst: u32,
    oac: usize,
    ess: usize,
    first_end: Duration,
    window: Duration,
    modes: Vec<String>,
    rounds: usize,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            rate: 20.0,
            burst: 5,
            oac: 1000,
            ess: 10_000,
            first_end: Duration::from_secs(10),
            window: Duration::from_secs(30),
            modes: vec!["limited".into(), "unlimited".into()],
            rounds: 1,
        }
    }
}

fn parse_args() -> Result<Args, BoxError> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--rate" => args.rate = value()?.parse()?,
            "--burst" => args.burst = value()?.parse()?,
            "--oac" => args.oac = value()?.parse()?,
            "--ess" => args.ess = value()?.parse()?,
            "--first-end-secs" => args.first_end = Duration::from_secs(value()?.parse()?),
            "--window-secs" => args.window = Duration::from_secs(value()?.parse()?),
            "--modes" => args.modes = value()?.split(',').map(str::to_owned).collect(),
            "--rounds" => args.rounds = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(args)
}

/// The end of job `i`, after the instant every job started: spread over the window, the same for both services.
fn end_after(args: &Args, i: usize) -> Duration {
    args.first_end + args.window.mul_f64((i % 100) as f64 / 100.0)
}

/// Whether job `i` fails (a tenth of them).
fn fails(i: usize) -> bool {
    i % 10 == 3
}

/// Whether a wait ended as its job did: succeeded, or failed (with the job's failure) for the tenth that fail.
fn right<T>(i: usize, outcome: &Outcome<T>) -> bool {
    if fails(i) {
        matches!(outcome, Outcome::Failed { .. })
    } else {
        outcome.is_success()
    }
}

/// What one mode measured.
#[derive(Clone, Debug, Default)]
struct Report {
    mode: String,
    oac_right: usize,
    ess_right: usize,
    wrong: Vec<String>,
    /// Requests per service during the waits (the simulator's counts, refusals included).
    oac_requests: u64,
    ess_requests: u64,
    oac_429: u64,
    ess_429: u64,
    /// Delay between each job's end and the end of its wait, in milliseconds.
    oac_delays: Vec<u64>,
    ess_delays: Vec<u64>,
    wall: Duration,
    oac_wall: Duration,
    ess_wall: Duration,
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `after` past `start`, on the simulator's clock.
fn at(start: DateTime<Utc>, after: Duration) -> DateTime<Utc> {
    start + chrono::TimeDelta::from_std(after).unwrap_or_default()
}

fn millis_between(end: DateTime<Utc>, noticed: DateTime<Utc>) -> u64 {
    u64::try_from((noticed - end).num_milliseconds()).unwrap_or(0)
}

async fn run_mode(args: &Args, mode: &str) -> Result<Report, BoxError> {
    // Whether the simulator is limited to `--rate`, and the clients' budget as a multiple of `--rate`.
    let (limit, budget) = match mode {
        "limited" => (true, Some(1.0)),
        "unlimited" => (false, Some(1.0)),
        "unbudgeted" => (true, None),
        "budget-above" => (true, Some(2.0)),
        other => return Err(format!("unknown mode {other}").into()),
    };
    let mut builder = Simulator::builder()
        .record_limit(1000)
        .keep_finished(args.ess.max(args.oac) * 2);
    for j in 0..100 {
        let running = end_after(args, j) - Duration::from_secs(2); // WAIT 1 s and READY 1 s come first
        let scenario = if fails(j) {
            EssScenario::fails_after(running, "ORA-01403: no data found")
        } else {
            EssScenario::succeeds_after(running)
        };
        builder = builder.ess_scenario(format!("JobDefinition://bench/Job{j}"), scenario);
    }
    for i in 0..args.oac {
        let in_progress = end_after(args, i) - Duration::from_secs(1); // ACCEPTED 1 s comes first
        let scenario = if fails(i) {
            OacScenario::fails_after(in_progress, 40.0, "DataFlowError", "Column SALES missing")
        } else {
            OacScenario::succeeds_after(in_progress)
        };
        builder = builder.analytics_scenario(format!("bench-{i}"), scenario);
    }
    let sim = Arc::new(builder.start().await?);

    // Every job starts at the same virtual instant (the clock is stopped), without a budget or a limit.
    let starter_ess = sdk_ess::Client::builder(sim.ess_url()).build()?;
    let starter_oac = sdk_workrequests::Client::builder(sim.analytics_url()).build()?;
    let mut ess_ids = Vec::with_capacity(args.ess);
    for chunk in (0..args.ess).collect::<Vec<_>>().chunks(200) {
        let submits = chunk.iter().map(|i| {
            let body = sdk_ess::types::SubmitRequest::builder()
                .job_definition_id(format!("JobDefinition://bench/Job{}", i % 100))
                .application(Some("EarCustomEss".to_owned()));
            let client = &starter_ess;
            async move {
                let submitted = client.submit_request().body(body).send().await?.into_inner();
                submitted
                    .request_id()
                    .map(|id| (*i, id))
                    .ok_or_else(|| BoxError::from("no request id"))
            }
        });
        for submitted in join_all(submits).await {
            ess_ids.push(submitted?);
        }
    }
    let mut oac_ids = Vec::with_capacity(args.oac);
    for chunk in (0..args.oac).collect::<Vec<_>>().chunks(200) {
        let starts = chunk.iter().map(|i| {
            let client = &starter_oac;
            async move {
                let id = client
                    .reload_dataset()
                    .dataset_id(sdk_workrequests::ObjectId::new(format!("bench-{i}")))
                    .start()
                    .await?;
                Ok::<_, BoxError>((*i, id))
            }
        });
        for started in join_all(starts).await {
            oac_ids.push(started?);
        }
    }
    let started_at = sim.now();

    if limit {
        sim.set_rate_limit(Some(RateLimit::per_second(args.rate)));
    }
    sim.clear_recorded();
    let budget_of = || budget.map(|factor| RequestBudget::per_second(args.rate * factor).burst(args.burst));
    let mut ess = sdk_ess::Client::builder(sim.ess_url());
    let mut oac = sdk_workrequests::Client::builder(sim.analytics_url());
    if let Some(b) = budget_of() {
        ess = ess.request_budget(b.clone());
        oac = oac.request_budget(b);
    }
    let (ess, oac) = (ess.build()?, oac.build()?);
    // Polls start at 1 s and grow to 10 s; the budget, not the policy, sets the pace of 1,000 waits. No deadline:
    // every wait ends with its job.
    let policy = WaitPolicy::default()
        .initial_delay(Duration::from_secs(1))
        .max_delay(Duration::from_secs(10))
        .error_budget(50);
    let wall = Instant::now();
    sim.clock().set_speed(1.0);

    let oac_waits = oac_ids.into_iter().map(|(i, id)| {
        let (oac, sim, policy) = (oac.clone(), sim.clone(), policy.clone());
        let end = at(started_at, end_after(args, i));
        tokio::spawn(async move {
            let outcome = oac.wait_for_work_request(&id).with_policy(policy).wait().await;
            let delay = millis_between(end, sim.now());
            (i, right(i, &outcome), format!("{outcome:?}"), delay, wall.elapsed())
        })
    });
    let set = ess.wait_set(policy.clone());
    let ess_waits = ess_ids.into_iter().map(|(i, id)| {
        let wait = set.add(id);
        let sim = sim.clone();
        let end = at(started_at, end_after(args, i));
        tokio::spawn(async move {
            let outcome = wait.await;
            let delay = millis_between(end, sim.now());
            (i, right(i, &outcome), format!("{outcome:?}"), delay, wall.elapsed())
        })
    });
    let (oac_results, ess_results) = tokio::join!(join_all(oac_waits), join_all(ess_waits));
    let wall = wall.elapsed();

    let mut report = Report {
        mode: mode.to_owned(),
        wall,
        ..Report::default()
    };
    for (service, results) in [("OAC", oac_results), ("ESS", ess_results)] {
        for joined in results {
            let (i, right, outcome, delay, ended) = joined?;
            let (count, delays, service_wall) = if service == "OAC" {
                (&mut report.oac_right, &mut report.oac_delays, &mut report.oac_wall)
            } else {
                (&mut report.ess_right, &mut report.ess_delays, &mut report.ess_wall)
            };
            *service_wall = (*service_wall).max(ended);
            if right {
                *count += 1;
                delays.push(delay);
            } else if report.wrong.len() < 5 {
                report.wrong.push(format!("{service} job {i}: {outcome}"));
            }
        }
    }
    report.oac_delays.sort_unstable();
    report.ess_delays.sort_unstable();
    // Only the waits' requests were sent since the counts were cleared: Analytics' are `getWorkRequest`, the
    // rest are ESS's (multi-select queries, and any single `GET` a batch fell back to).
    let counts = sim.counts();
    report.oac_requests = counts.get("getWorkRequest").copied().unwrap_or(0);
    report.ess_requests = counts.values().sum::<u64>() - report.oac_requests;
    let throttled = sim.throttled();
    report.oac_429 = throttled.get("analytics").copied().unwrap_or(0);
    report.ess_429 = throttled.get("ess").copied().unwrap_or(0);
    if std::env::var_os("RATE_LIMIT_TRACE").is_some() {
        eprintln!("{mode}: counts {counts:?}, throttled {throttled:?}");
    }
    Ok(report)
}

fn print(args: &Args, reports: &[Report]) {
    let find = |mode: &str| reports.iter().filter(|r| r.mode == mode).collect::<Vec<_>>();
    println!(
        "\n{} Analytics waits (single waiters) and {} ESS waits (one wait set); budget {} requests/s, burst {}; jobs end {}–{} s after the start\n",
        args.oac,
        args.ess,
        args.rate,
        args.burst,
        args.first_end.as_secs(),
        (args.first_end + args.window).as_secs()
    );
    let mut header = "| metric |".to_owned();
    let mut rule = "|---|".to_owned();
    for r in reports {
        header.push_str(&format!(" {} |", r.mode));
        rule.push_str("---|");
    }
    println!("{header}\n{rule}");
    let row = |name: &str, f: &dyn Fn(&Report) -> String| {
        let mut line = format!("| {name} |");
        for r in reports {
            line.push_str(&format!(" {} |", f(r)));
        }
        println!("{line}");
    };
    row("outcomes right, OAC / ESS", &|r| {
        format!("{} / {}", r.oac_right, r.ess_right)
    });
    row("requests during the waits, OAC / ESS", &|r| {
        format!("{} / {}", r.oac_requests, r.ess_requests)
    });
    row("429 answered, OAC / ESS", &|r| format!("{} / {}", r.oac_429, r.ess_429));
    row("429 share of all requests", &|r| {
        let all = (r.oac_requests + r.ess_requests).max(1);
        format!("{:.3} %", 100.0 * (r.oac_429 + r.ess_429) as f64 / all as f64)
    });
    row("end noticed after, OAC: p50 / p99 / max (ms)", &|r| {
        let d = &r.oac_delays;
        format!(
            "{} / {} / {}",
            percentile(d, 50.0),
            percentile(d, 99.0),
            d.last().copied().unwrap_or(0)
        )
    });
    row("end noticed after, ESS: p50 / p99 / max (ms)", &|r| {
        let d = &r.ess_delays;
        format!(
            "{} / {} / {}",
            percentile(d, 50.0),
            percentile(d, 99.0),
            d.last().copied().unwrap_or(0)
        )
    });
    row("end noticed after, all waits: p99 (ms)", &|r| {
        let mut all: Vec<u64> = r.oac_delays.iter().chain(&r.ess_delays).copied().collect();
        all.sort_unstable();
        percentile(&all, 99.0).to_string()
    });
    row("wall time, OAC / ESS / run (s)", &|r| {
        format!(
            "{:.1} / {:.1} / {:.1}",
            r.oac_wall.as_secs_f64(),
            r.ess_wall.as_secs_f64(),
            r.wall.as_secs_f64()
        )
    });
    for r in reports {
        for wrong in &r.wrong {
            println!("\n{}: wrong outcome: {wrong}", r.mode);
        }
    }
    let (limited, unlimited) = (find("limited"), find("unlimited"));
    if !limited.is_empty() && !unlimited.is_empty() {
        let p99 = |rs: &[&Report], pick: &dyn Fn(&Report) -> Vec<u64>| {
            let mut v: Vec<u64> = rs.iter().flat_map(|r| pick(r)).collect();
            v.sort_unstable();
            percentile(&v, 99.0) as f64
        };
        let oac = |r: &Report| r.oac_delays.clone();
        let ess = |r: &Report| r.ess_delays.clone();
        let both = |r: &Report| r.oac_delays.iter().chain(&r.ess_delays).copied().collect();
        println!(
            "\np99 delay before an end is noticed, limited / unlimited: OAC {:.3}, ESS {:.3}, all {:.3}",
            p99(&limited, &oac) / p99(&unlimited, &oac).max(1.0),
            p99(&limited, &ess) / p99(&unlimited, &ess).max(1.0),
            p99(&limited, &both) / p99(&unlimited, &both).max(1.0),
        );
    }
}

fn main() -> Result<(), BoxError> {
    let args = parse_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut reports = Vec::new();
    for round in 0..args.rounds {
        let mut modes = args.modes.clone();
        if round % 2 == 1 {
            modes.reverse();
        }
        for mode in &modes {
            eprintln!("round {}: {mode} ...", round + 1);
            let report = runtime.block_on(run_mode(&args, mode))?;
            eprintln!(
                "  {mode}: {} + {} right, {} + {} requests, {} + {} refused, {:.1} s",
                report.oac_right,
                report.ess_right,
                report.oac_requests,
                report.ess_requests,
                report.oac_429,
                report.ess_429,
                report.wall.as_secs_f64()
            );
            reports.push(report);
        }
    }
    print(&args, &reports);
    Ok(())
}
