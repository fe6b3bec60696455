//! The waiter fan-out: thousands of concurrent waiters on one tokio runtime against a loopback server whose
//! requests finish at random times, with the SDK's waiter and with a hand-written `reqwest` polling loop that
//! follows the same schedule.
//!
//! ```text
//! cargo run --release -p sdk-benches --bin fanout -- [--waiters 10000] [--window-secs 60] [--initial-ms 1000]
//!     [--growth 2] [--max-delay-ms 10000] [--no-jitter] [--seed 1] [--threads 2] [--ramp-secs 5]
//!     [--modes sdk,reqwest] [--rounds 2] [--unreadable-batches]
//! ```
//!
//! Modes: `sdk` (one `wait_for_request` waiter per request, each in its own task), `reqwest` (the hand-written
//! loop, each in its own task) and `set` (one `sdk_ess` wait set for all requests, polled with multi-select
//! queries; `--unreadable-batches` makes the server answer those with items no client can read, so every id falls
//! back to a `GET` of its own).
//!
//! `--rounds N` (default 2) runs the modes N times, the order reversed every other round (`sdk,reqwest` runs sdk,
//! reqwest, reqwest, sdk), and reports each mode's mean over its rounds: the machine's speed drifts within a run,
//! and a mode always run first would pay for it.
//!
//! For each mode the program starts two child processes of itself, so that the measured process holds nothing
//! but the waiters: a server (`fanout serve ...`, one thread) and a client (`fanout client --mode M ...`) that
//! builds one client and spawns one task per request id, all at once. Waiter `i` sends its first poll
//! `ramp * i / waiters` after the start (default 5 s; `--ramp-secs 0` sends all 10,000 first polls at once, so that
//! the number of connections the pool opens depends on the scheduling of that burst). The client waits for every
//! waiter and reports its CPU time (user + system, `/proc/self/stat`), its peak resident memory (`VmHWM`) and the
//! median of its resident memory sampled every 250 ms, its minor page faults, and the server's counts. The server
//! finishes request `id` at a random time in `[0, window)` after its first poll (fixed by the seed), so the fewest
//! polls the policy allows for it is known (`sdk_benches::fanout::min_polls`).

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use http::request::Parts;
use sdk_benches::fanout::{FanoutServer, ServerStats, finish_after, jittered_polls, min_polls};
use sdk_benches::handwritten::{EssStatus, HandClient, basic_header};
use sdk_benches::{ESS_PREFIX, PASSWORD, USER, procstat, server};
use sdk_runtime::wait::{Outcome, WaitPolicy};
use serde::{Deserialize, Serialize};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone, Debug)]
struct Args {
    waiters: usize,
    window: Duration,
    initial: Duration,
    growth: f64,
    max_delay: Duration,
    jitter: bool,
    seed: u64,
    threads: usize,
    ramp: Duration,
    modes: Vec<String>,
    rounds: usize,
    mode: String,
    addr: String,
    unreadable_batches: bool,
}

impl Args {
    fn parse(args: &[String]) -> Result<Self, BoxError> {
        let mut parsed = Self {
            waiters: 10_000,
            window: Duration::from_secs(60),
            initial: Duration::from_secs(1),
            growth: 2.0,
            max_delay: Duration::from_secs(10),
            jitter: true,
            seed: 1,
            threads: 2,
            ramp: Duration::from_secs(5),
            modes: vec!["sdk".into(), "reqwest".into()],
            rounds: 2,
            mode: String::new(),
            addr: String::new(),
            unreadable_batches: false,
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            if flag == "--no-jitter" {
                parsed.jitter = false;
                continue;
            }
            if flag == "--unreadable-batches" {
                parsed.unreadable_batches = true;
                continue;
            }
            let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--waiters" => parsed.waiters = value.parse()?,
                "--window-secs" => parsed.window = Duration::from_secs_f64(value.parse()?),
                "--initial-ms" => parsed.initial = Duration::from_millis(value.parse()?),
                "--growth" => parsed.growth = value.parse()?,
                "--max-delay-ms" => parsed.max_delay = Duration::from_millis(value.parse()?),
                "--seed" => parsed.seed = value.parse()?,
                "--threads" => parsed.threads = value.parse()?,
                "--ramp-secs" => parsed.ramp = Duration::from_secs_f64(value.parse()?),
                "--modes" => parsed.modes = value.split(',').map(str::to_owned).collect(),
                "--rounds" => parsed.rounds = value.parse::<usize>()?.max(1),
                "--mode" => parsed.mode = value.clone(),
                "--addr" => parsed.addr = value.clone(),
                _ => return Err(format!("unknown flag {flag}").into()),
            }
        }
        Ok(parsed)
    }

    /// The flags a child process needs.
    fn pass_on(&self) -> Vec<String> {
        let mut flags = vec![
            "--waiters".into(),
            self.waiters.to_string(),
            "--window-secs".into(),
            self.window.as_secs_f64().to_string(),
            "--initial-ms".into(),
            self.initial.as_millis().to_string(),
            "--growth".into(),
            self.growth.to_string(),
            "--max-delay-ms".into(),
            self.max_delay.as_millis().to_string(),
            "--seed".into(),
            self.seed.to_string(),
            "--threads".into(),
            self.threads.to_string(),
            "--ramp-secs".into(),
            self.ramp.as_secs_f64().to_string(),
        ];
        if !self.jitter {
            flags.push("--no-jitter".into());
        }
        if self.unreadable_batches {
            flags.push("--unreadable-batches".into());
        }
        flags
    }

    fn policy(&self) -> WaitPolicy {
        WaitPolicy::default()
            .initial_delay(self.initial)
            .growth(self.growth)
            .max_delay(self.max_delay)
            .jitter(self.jitter)
            .max_wait(self.window * 4 + self.max_delay * 4 + Duration::from_secs(60))
    }
}

/// What a client process reports.
#[derive(Debug, Serialize, Deserialize)]
struct Report {
    mode: String,
    waiters: usize,
    threads: usize,
    succeeded: usize,
    other_outcomes: usize,
    wall_s: f64,
    cpu_s: f64,
    cpu_per_poll_us: f64,
    steady_cpu_per_poll_us: f64,
    minor_faults: u64,
    polls: u64,
    min_polls: u64,
    jitter_expected_polls: u64,
    rss_before_kib: u64,
    rss_median_kib: u64,
    peak_rss_kib: u64,
    per_waiter_kib: f64,
    task_future_bytes: usize,
    server: ServerStats,
}

fn main() -> Result<(), BoxError> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match argv.first().map(String::as_str) {
        Some("serve") => serve(&Args::parse(&argv[1..])?),
        Some("client") => client(&Args::parse(&argv[1..])?),
        _ => orchestrate(&Args::parse(&argv)?),
    }
}

/// The server process: listens, prints `listening <addr>`, serves until its standard input closes.
fn serve(args: &Args) -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = server::listen(4096)?;
        println!("listening {}", listener.local_addr()?);
        let state = Arc::new(FanoutServer::new(
            args.waiters,
            args.window,
            args.seed,
            args.unreadable_batches,
        ));
        let handler = move |parts: &Parts| state.reply(parts);
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let mut rest = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut rest);
            let _ = stop_tx.send(());
        });
        server::serve(listener, Arc::new(handler), async {
            let _ = stop_rx.await;
        })
        .await;
        Ok(())
    })
}

/// The client process: one client, one task per request id, then the report as one JSON line.
fn client(args: &Args) -> Result<(), BoxError> {
    // `FANOUT_TRACE=1` prints the SDK's retries and poll failures (off for measurements: tracing costs CPU).
    if std::env::var_os("FANOUT_TRACE").is_some() {
        tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()?;
    let policy = args.policy();
    let origin = format!("http://{}", args.addr);
    let ids = 1..=i64::try_from(args.waiters)?;
    let report = runtime.block_on(async {
        let hand = HandClient::new(&origin)?;
        let ess = sdk_ess::Client::builder(format!("{origin}{ESS_PREFIX}"))
            .basic_auth(USER, PASSWORD)
            .build()?;
        let mut tasks = tokio::task::JoinSet::new();
        let mut set_waits = None;
        let rss_before = procstat::rss_kib().unwrap_or(0);
        let sampling = Arc::new(AtomicBool::new(true));
        let sampler = {
            let sampling = sampling.clone();
            std::thread::spawn(move || {
                let mut samples = Vec::new();
                while sampling.load(Ordering::Relaxed) {
                    samples.extend(procstat::rss_kib());
                    std::thread::sleep(Duration::from_millis(250));
                }
                samples
            })
        };
        let cpu_before = procstat::cpu_time().unwrap_or_default();
        let faults_before = procstat::minor_faults().unwrap_or(0);
        let started = Instant::now();
        // Waiter `id` starts `ramp * (id - 1) / waiters` after the first: all are spawned now and wait at once.
        let offset = |id: i64| args.ramp.mul_f64((id - 1) as f64 / args.waiters.max(1) as f64);
        let task_future_bytes = match args.mode.as_str() {
            "sdk" => {
                let size = size_of_val(&sdk_wait(ess.clone(), 0, policy.clone(), Duration::ZERO));
                for id in ids {
                    tasks.spawn(sdk_wait(ess.clone(), id, policy.clone(), offset(id)));
                }
                size
            }
            "reqwest" => {
                let size = size_of_val(&hand_wait(hand.clone(), 0, policy.clone(), Duration::ZERO));
                for id in ids {
                    tasks.spawn(hand_wait(hand.clone(), id, policy.clone(), offset(id)));
                }
                size
            }
            "set" => {
                // One task adds every id at its start time to one wait set and takes each outcome as it comes (an
                // outcome holds the final status document: awaiting them in id order would keep thousands of them).
                let set = ess.wait_set(policy.clone());
                let offsets: Vec<(i64, Duration)> = ids.map(|id| (id, offset(id))).collect();
                let start = tokio::time::Instant::now();
                set_waits = Some(tokio::spawn(async move {
                    use futures_util::StreamExt as _;
                    let mut pending = futures_util::stream::FuturesUnordered::new();
                    let mut offsets = offsets.into_iter().peekable();
                    let (mut succeeded, mut other) = (0, 0);
                    loop {
                        let next_add = offsets.peek().map(|(_, at)| start + *at);
                        tokio::select! {
                            () = tokio::time::sleep_until(next_add.unwrap_or(start)), if next_add.is_some() => {
                                if let Some((id, _)) = offsets.next() {
                                    let wait = set.add(id);
                                    pending.push(async move { (id, wait.await) });
                                }
                            }
                            Some((id, outcome)) = pending.next(), if !pending.is_empty() => match outcome {
                                Outcome::Succeeded(_) => succeeded += 1,
                                outcome => {
                                    if other == 0 {
                                        eprintln!("set: request {id} did not succeed: {outcome:?}");
                                    }
                                    other += 1;
                                }
                            },
                            else => break,
                        }
                    }
                    (succeeded, other)
                }));
                size_of::<sdk_runtime::wait::Wait<i64, sdk_ess::types::RequestDetails>>()
            }
            other => return Err(format!("unknown mode {other}").into()),
        };
        // CPU per poll between a quarter and nine tenths of the window, when every waiter is past its first poll
        // (and the connections are open) and most have not ended yet.
        let steady = {
            let (hand, stats_url) = (hand.clone(), format!("{origin}/stats"));
            let (from, to) = ((args.window / 4).max(args.ramp + args.max_delay), args.window * 9 / 10);
            tokio::spawn(async move {
                tokio::time::sleep(from).await;
                let (cpu, polls) = (
                    procstat::cpu_time()?,
                    hand.get::<ServerStats>(&stats_url, &basic_header()).await.ok()?.polls,
                );
                tokio::time::sleep(to.saturating_sub(from)).await;
                let (cpu_end, polls_end) = (
                    procstat::cpu_time()?,
                    hand.get::<ServerStats>(&stats_url, &basic_header()).await.ok()?.polls,
                );
                Some(cpu_end.saturating_sub(cpu).as_secs_f64() * 1e6 / polls_end.saturating_sub(polls).max(1) as f64)
            })
        };
        let (mut succeeded, mut other_outcomes) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(Ok(())) => succeeded += 1,
                Ok(Err(e)) => {
                    if other_outcomes == 0 {
                        eprintln!("{}: a waiter did not succeed: {e}", args.mode);
                    }
                    other_outcomes += 1;
                }
                Err(e) => {
                    eprintln!("{}: a task failed: {e}", args.mode);
                    other_outcomes += 1;
                }
            }
        }
        if let Some(set) = set_waits {
            let (ok, other) = set.await.unwrap_or((0, args.waiters));
            succeeded += ok;
            other_outcomes += other;
        }
        let wall = started.elapsed();
        let cpu = procstat::cpu_time().unwrap_or_default().saturating_sub(cpu_before);
        let minor_faults = procstat::minor_faults().unwrap_or(0).saturating_sub(faults_before);
        let steady_cpu_per_poll_us = steady.await.ok().flatten().unwrap_or(f64::NAN);
        let peak = procstat::peak_rss_kib().unwrap_or(0);
        sampling.store(false, Ordering::Relaxed);
        let mut samples = sampler.join().unwrap_or_default();
        samples.sort_unstable();
        let rss_median = samples.get(samples.len() / 2).copied().unwrap_or(0);
        let stats: ServerStats = hand.get(&format!("{origin}/stats"), &basic_header()).await?;
        let (mut fewest, mut jittered) = (0u64, 0u64);
        for id in 1..=args.waiters as u64 {
            let finish = finish_after(args.seed, id, args.window);
            fewest += u64::from(min_polls(finish, &policy));
            jittered += u64::from(jittered_polls(finish, &policy));
        }
        Ok::<_, BoxError>(Report {
            mode: args.mode.clone(),
            waiters: args.waiters,
            threads: args.threads,
            succeeded,
            other_outcomes,
            wall_s: wall.as_secs_f64(),
            cpu_s: cpu.as_secs_f64(),
            cpu_per_poll_us: cpu.as_secs_f64() * 1e6 / stats.polls.max(1) as f64,
            steady_cpu_per_poll_us,
            minor_faults,
            polls: stats.polls,
            min_polls: fewest,
            jitter_expected_polls: jittered,
            rss_before_kib: rss_before,
            rss_median_kib: rss_median,
            peak_rss_kib: peak,
            per_waiter_kib: peak.saturating_sub(rss_before) as f64 / args.waiters.max(1) as f64,
            task_future_bytes,
            server: stats,
        })
    })?;
    println!("RESULT {}", serde_json::to_string(&report)?);
    Ok(())
}

/// The SDK's waiter for ESS request `id`, started after `delay`. (The waiter is made after the delay, inside this
/// function: a wrapper future holding it across the delay would hold it twice and double the task's size.)
async fn sdk_wait(client: sdk_ess::Client, id: i64, policy: WaitPolicy, delay: Duration) -> Result<(), String> {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match client.wait_for_request(id).with_policy(policy).wait().await {
        Outcome::Succeeded(_) => Ok(()),
        other => Err(format!("request {id}: {other:?}")),
    }
}

/// The hand-written loop, started after `delay`: the same request and schedule (the policy's delays, jittered the same way), a hand
/// struct, the same tolerance of five transient failures in a row.
async fn hand_wait(hand: HandClient, id: i64, policy: WaitPolicy, delay: Duration) -> Result<(), String> {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut polls = 0;
    let mut failures = 0;
    loop {
        polls += 1;
        match hand.ess_get_request::<EssStatus>(id).await {
            Ok(status) => {
                failures = 0;
                match status.state.as_deref() {
                    Some("SUCCEEDED" | "WARNING" | "FINISHED" | "SCHEDULE_ENDED") => return Ok(()),
                    Some("ERROR" | "VALIDATION_FAILED" | "EXPIRED" | "CANCELLED" | "HOLD") => {
                        return Err(format!("request {id}: {:?}", status.state));
                    }
                    _ => {}
                }
            }
            Err(e) => {
                failures += 1;
                if failures > policy.poll_error_budget() {
                    return Err(format!("request {id}: {e}"));
                }
            }
        }
        tokio::time::sleep(policy.delay(polls)).await;
    }
}

/// Runs a server and a client process per mode, then prints the comparison.
fn orchestrate(args: &Args) -> Result<(), BoxError> {
    let exe = std::env::current_exe()?;
    eprintln!(
        "fan-out: {} waiters started over {:?}, ends uniform in [0, {:?}) after the first poll, policy: first delay \
         {:?}, growth {}, max delay {:?}, jitter {}; client runtime: {} worker threads",
        args.waiters, args.ramp, args.window, args.initial, args.growth, args.max_delay, args.jitter, args.threads
    );
    print_sizes()?;
    // Rounds alternate the order of the modes (A B, then B A, ...), so that a drift of the machine's speed over
    // the run weighs on every mode alike; each mode's figures are then the mean over its rounds.
    let mut runs: Vec<(String, Report)> = Vec::new();
    let schedule = (0..args.rounds).flat_map(|round| {
        let mut modes = args.modes.clone();
        if round % 2 == 1 {
            modes.reverse();
        }
        modes
    });
    for mode in schedule {
        let mode = &mode;
        let mut server = Command::new(&exe)
            .arg("serve")
            .args(args.pass_on())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut line = String::new();
        BufReader::new(server.stdout.take().ok_or("no server stdout")?).read_line(&mut line)?;
        let addr = line
            .trim()
            .strip_prefix("listening ")
            .ok_or_else(|| format!("server said {line:?}"))?
            .to_owned();
        eprintln!("{mode}: server at {addr}, running ...");
        let output = Command::new(&exe)
            .arg("client")
            .args(args.pass_on())
            .args(["--mode", mode, "--addr", &addr])
            .stderr(Stdio::inherit())
            .output();
        // Closing the server's standard input stops it.
        drop(server.stdin.take());
        let _ = server.wait();
        let output = output?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let Some(json) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
            return Err(format!("{mode}: the client reported nothing ({})", output.status).into());
        };
        println!("{}", json);
        runs.push((mode.clone(), serde_json::from_str::<Report>(json)?));
    }
    let mut reports = Vec::new();
    for mode in &args.modes {
        let rounds: Vec<&Report> = runs.iter().filter(|(m, _)| m == mode).map(|(_, r)| r).collect();
        reports.push(mean_report(&rounds)?);
    }
    println!(
        "\nEach mode's figures: the mean of its {} round(s), the order of the modes alternating.",
        args.rounds
    );
    print_table(&reports);
    Ok(())
}

/// The mean of one mode's reports over its rounds: every number averaged (whole numbers rounded).
fn mean_report(rounds: &[&Report]) -> Result<Report, BoxError> {
    fn mean(values: &[serde_json::Value]) -> serde_json::Value {
        use serde_json::Value;
        match values.first() {
            Some(Value::Object(first)) => Value::Object(
                first
                    .keys()
                    .map(|key| {
                        let column: Vec<Value> = values.iter().map(|v| v[key].clone()).collect();
                        (key.clone(), mean(&column))
                    })
                    .collect(),
            ),
            Some(Value::Number(_)) => {
                let numbers: Vec<f64> = values.iter().filter_map(Value::as_f64).collect();
                let average = numbers.iter().sum::<f64>() / numbers.len().max(1) as f64;
                if values.iter().all(|v| v.is_u64()) {
                    Value::from(average.round() as u64)
                } else {
                    Value::from(average)
                }
            }
            _ => values.first().cloned().unwrap_or(Value::Null),
        }
    }
    let values = rounds.iter().map(serde_json::to_value).collect::<Result<Vec<_>, _>>()?;
    Ok(serde_json::from_value(mean(&values))?)
}

/// The sizes that make a waiter's memory: the status document, the waiter, and the futures a task holds.
fn print_sizes() -> Result<(), BoxError> {
    let client = sdk_ess::Client::builder("http://127.0.0.1:9/ess/rest/scheduler/v1")
        .basic_auth(USER, PASSWORD)
        .build()?;
    let hand = HandClient::new("http://127.0.0.1:9")?;
    let policy = WaitPolicy::default();
    println!("| size (bytes) | what |");
    println!("|---|---|");
    for (size, what) in [
        (
            size_of::<sdk_ess::types::RequestDetails>(),
            "sdk_ess::types::RequestDetails",
        ),
        (size_of::<EssStatus>(), "the hand-written EssStatus"),
        (
            size_of::<sdk_runtime::wait::Waiter<sdk_ess::wait::Target>>(),
            "Waiter<Target> (the waiter value)",
        ),
        (
            size_of_val(&client.get_request().request_id(1).send()),
            "the future of one `get_request().send()`",
        ),
        (
            size_of_val(&client.wait_for_request(1).with_policy(policy.clone()).wait()),
            "the future of `wait_for_request(id).wait()`",
        ),
        (
            size_of_val(&hand.ess_get_request::<EssStatus>(1)),
            "the future of one hand-written reqwest call",
        ),
        (
            size_of_val(&hand_wait(hand.clone(), 1, policy.clone(), Duration::ZERO)),
            "the future of the hand-written polling loop",
        ),
    ] {
        println!("| {size} | {what} |");
    }
    println!();
    Ok(())
}

fn print_table(reports: &[Report]) {
    let ratio = |f: &dyn Fn(&Report) -> f64| -> String {
        match reports {
            [ours, baseline] if f(baseline) != 0.0 => format!("{:.3}", f(ours) / f(baseline)),
            _ => String::new(),
        }
    };
    let header: Vec<&str> = reports.iter().map(|r| r.mode.as_str()).collect();
    println!("\n| metric | {} | ratio (first / second) |", header.join(" | "));
    println!("|---|{}---|", "---|".repeat(reports.len()));
    type Metric = (&'static str, Box<dyn Fn(&Report) -> f64>, usize);
    let metrics: Vec<Metric> = vec![
        ("waiters succeeded", Box::new(|r| r.succeeded as f64), 0),
        ("other outcomes", Box::new(|r| r.other_outcomes as f64), 0),
        ("wall time (s)", Box::new(|r| r.wall_s), 1),
        ("CPU time, user + system (s)", Box::new(|r| r.cpu_s), 2),
        ("CPU time per poll (µs)", Box::new(|r| r.cpu_per_poll_us), 1),
        (
            "CPU time per poll from 1/4 to 9/10 of the window (µs)",
            Box::new(|r| r.steady_cpu_per_poll_us),
            1,
        ),
        (
            "polls made, one per id asked for (server count)",
            Box::new(|r| r.polls as f64),
            0,
        ),
        (
            "HTTP requests (server count)",
            Box::new(|r| r.server.http_requests as f64),
            0,
        ),
        (
            "of which multi-select queries",
            Box::new(|r| r.server.batch_queries as f64),
            0,
        ),
        (
            "CPU time per tracked request and second (µs)",
            Box::new(|r| r.cpu_s * 1e6 / r.waiters.max(1) as f64 / r.wall_s.max(1e-9)),
            2,
        ),
        ("fewest polls the policy allows", Box::new(|r| r.min_polls as f64), 0),
        (
            "polls / fewest",
            Box::new(|r| r.polls as f64 / r.min_polls.max(1) as f64),
            3,
        ),
        (
            "polls the jittered schedule predicts",
            Box::new(|r| r.jitter_expected_polls as f64),
            0,
        ),
        (
            "polls / predicted",
            Box::new(|r| r.polls as f64 / r.jitter_expected_polls.max(1) as f64),
            3,
        ),
        (
            "polls after the end was seen",
            Box::new(|r| r.server.polls_after_finish_seen as f64),
            0,
        ),
        ("end noticed after (mean ms)", Box::new(|r| r.server.lag_mean_ms), 0),
        (
            "end noticed after (p99 ms)",
            Box::new(|r| r.server.lag_p99_ms as f64),
            0,
        ),
        (
            "RSS before the waiters (MiB)",
            Box::new(|r| r.rss_before_kib as f64 / 1024.0),
            1,
        ),
        (
            "median RSS while waiting, sampled every 250 ms (MiB)",
            Box::new(|r| r.rss_median_kib as f64 / 1024.0),
            1,
        ),
        ("peak RSS, VmHWM (MiB)", Box::new(|r| r.peak_rss_kib as f64 / 1024.0), 1),
        ("peak RSS growth per waiter (KiB)", Box::new(|r| r.per_waiter_kib), 2),
        (
            "size of one waiter's future (bytes)",
            Box::new(|r| r.task_future_bytes as f64),
            0,
        ),
        ("minor page faults", Box::new(|r| r.minor_faults as f64), 0),
        (
            "connections the server accepted",
            Box::new(|r| r.server.connections_accepted as f64),
            0,
        ),
    ];
    for (name, f, decimals) in &metrics {
        let cells: Vec<String> = reports.iter().map(|r| format!("{:.*}", *decimals, f(r))).collect();
        println!("| {name} | {} | {} |", cells.join(" | "), ratio(f.as_ref()));
    }
}
