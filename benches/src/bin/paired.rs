//! Per-call ratios measured interleaved: each round times a batch of every call (SDK, the SDK's `send_unread` read
//! into the hand struct, hand-written reqwest with the SDK's type, hand-written reqwest with a hand struct, raw
//! hyper; ESS, OGG and OAC) one after the other, in an
//! order that rotates from round to round; each ratio is taken within a round, and the median over the rounds is
//! reported with its quartiles. Slow drifts of a shared virtual machine (the neighbours' load, frequency) then hit
//! both sides of a ratio alike, which criterion's one-function-after-the-other measurement cannot promise.
//!
//! ```text
//! cargo run --release -p sdk-benches --bin paired -- [--rounds 200] [--calls 300] [--placement both|same-thread|own-thread]
//! cargo run --release -p sdk-benches --bin paired -- --query [--rounds 40] [--calls 10]
//! ```
//!
//! `--query` measures the ESS query answered by 1,000 requests (0.6 MB) instead, the same way: the SDK against the
//! hand-written call into the same type, interleaved.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sdk_benches::calls::{Clients, ESS_ID, OAC_ID, OGG_ID, Placement};
use sdk_benches::handwritten::{EssStatus, OacWorkRequest, OggStatus};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Service {
    Ess,
    Ogg,
    Oac,
}

impl Service {
    fn call(self) -> &'static str {
        match self {
            Self::Ess => "ess_get_request",
            Self::Ogg => "ogg_get_request",
            Self::Oac => "oac_get_work_request",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Sdk,
    /// The SDK's call read into the hand-written struct: `send_unread()` then `peek`.
    SdkUnreadHandStruct,
    ReqwestGeneratedType,
    ReqwestHandStruct,
    HyperRaw,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Sdk => "sdk",
            Self::SdkUnreadHandStruct => "sdk_unread_hand_struct",
            Self::ReqwestGeneratedType => "reqwest_generated_type",
            Self::ReqwestHandStruct => "reqwest_hand_struct",
            Self::HyperRaw => "hyper_raw",
        }
    }
}

const SERVICES: [Service; 3] = [Service::Ess, Service::Ogg, Service::Oac];
const KINDS: [Kind; 5] = [
    Kind::Sdk,
    Kind::SdkUnreadHandStruct,
    Kind::ReqwestGeneratedType,
    Kind::ReqwestHandStruct,
    Kind::HyperRaw,
];
/// The ratios reported: (numerator, denominator).
const RATIOS: [(Kind, Kind); 6] = [
    (Kind::Sdk, Kind::ReqwestHandStruct),
    (Kind::Sdk, Kind::ReqwestGeneratedType),
    (Kind::SdkUnreadHandStruct, Kind::ReqwestHandStruct),
    (Kind::ReqwestGeneratedType, Kind::ReqwestHandStruct),
    (Kind::Sdk, Kind::HyperRaw),
    (Kind::ReqwestHandStruct, Kind::HyperRaw),
];

/// Times `calls` calls of `kind` to `service`.
fn time(clients: &mut Clients, service: Service, kind: Kind, calls: u32) -> Duration {
    let Clients {
        runtime,
        ess,
        ogg,
        oac,
        hand,
        raw,
        ..
    } = clients;
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..calls {
            match (service, kind) {
                (Service::Ess, Kind::Sdk) => {
                    black_box(
                        ess.get_request()
                            .request_id(ESS_ID)
                            .send()
                            .await
                            .expect("ok")
                            .into_inner(),
                    );
                }
                (Service::Ess, Kind::SdkUnreadHandStruct) => {
                    let reply = ess.get_request().request_id(ESS_ID).send_unread().await.expect("ok");
                    black_box(reply.peek::<EssStatus>().expect("ok"));
                }
                (Service::Ess, Kind::ReqwestGeneratedType) => {
                    black_box(
                        hand.ess_get_request::<sdk_ess::types::RequestDetails>(ESS_ID)
                            .await
                            .expect("ok"),
                    );
                }
                (Service::Ess, Kind::ReqwestHandStruct) => {
                    black_box(hand.ess_get_request::<EssStatus>(ESS_ID).await.expect("ok"));
                }
                (Service::Ess, Kind::HyperRaw) => {
                    black_box(raw.ess_get_request(ESS_ID).await.expect("ok"));
                }
                (Service::Ogg, Kind::Sdk) => {
                    black_box(ogg.get_request().request(OGG_ID).send().await.expect("ok").into_inner());
                }
                (Service::Ogg, Kind::SdkUnreadHandStruct) => {
                    let reply = ogg.get_request().request(OGG_ID).send_unread().await.expect("ok");
                    black_box(reply.peek::<OggStatus>().expect("ok"));
                }
                (Service::Ogg, Kind::ReqwestGeneratedType) => {
                    black_box(
                        hand.ogg_get_request::<sdk_ogg::types::RequestStatusResponse>(OGG_ID)
                            .await
                            .expect("ok"),
                    );
                }
                (Service::Ogg, Kind::ReqwestHandStruct) => {
                    black_box(hand.ogg_get_request::<OggStatus>(OGG_ID).await.expect("ok"));
                }
                (Service::Ogg, Kind::HyperRaw) => {
                    black_box(raw.ogg_get_request(OGG_ID).await.expect("ok"));
                }
                (Service::Oac, Kind::Sdk) => {
                    black_box(oac.get_work_request().id(OAC_ID).send().await.expect("ok").into_inner());
                }
                (Service::Oac, Kind::SdkUnreadHandStruct) => {
                    let reply = oac.get_work_request().id(OAC_ID).send_unread().await.expect("ok");
                    black_box(reply.peek::<OacWorkRequest>().expect("ok"));
                }
                (Service::Oac, Kind::ReqwestGeneratedType) => {
                    black_box(
                        hand.oac_get_work_request::<sdk_workrequests::types::WorkRequest>(OAC_ID)
                            .await
                            .expect("ok"),
                    );
                }
                (Service::Oac, Kind::ReqwestHandStruct) => {
                    black_box(hand.oac_get_work_request::<OacWorkRequest>(OAC_ID).await.expect("ok"));
                }
                (Service::Oac, Kind::HyperRaw) => {
                    black_box(raw.oac_get_work_request(OAC_ID).await.expect("ok"));
                }
            }
        }
        start.elapsed()
    })
}

/// The value at quantile `q` of sorted `values`.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let at = (sorted.len() - 1) as f64 * q;
    let (low, high) = (at.floor() as usize, at.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
}

fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

fn measure(placement: Placement, rounds: usize, calls: u32) -> Result<(), BoxError> {
    let mut clients = Clients::start(placement)?;
    let contenders: Vec<(Service, Kind)> = SERVICES
        .iter()
        .flat_map(|&s| KINDS.iter().map(move |&k| (s, k)))
        .collect();
    // per_call[round][contender], in nanoseconds; round 0 warms up and is dropped.
    let mut per_call: Vec<Vec<f64>> = Vec::with_capacity(rounds);
    let started = Instant::now();
    for round in 0..=rounds {
        let mut times = vec![0.0; contenders.len()];
        for step in 0..contenders.len() {
            let index = (step + round) % contenders.len();
            let (service, kind) = contenders[index];
            times[index] = time(&mut clients, service, kind, calls).as_nanos() as f64 / f64::from(calls);
        }
        if round > 0 {
            per_call.push(times);
        }
    }
    let elapsed = started.elapsed();
    let index = |service: Service, kind: Kind| {
        contenders
            .iter()
            .position(|&c| c == (service, kind))
            .unwrap_or_default()
    };

    println!(
        "\n### {} ({rounds} rounds of {calls} calls per function, {:.1} s)\n",
        placement.describe(),
        elapsed.as_secs_f64()
    );
    println!("| call | function | median per call (µs) | quartiles (µs) |");
    println!("|---|---|---|---|");
    for &(service, kind) in &contenders {
        let i = index(service, kind);
        let values = sorted(per_call.iter().map(|r| r[i] / 1e3).collect());
        println!(
            "| {}{} | {} | {:.2} | {:.2} – {:.2} |",
            service.call(),
            placement.suffix(),
            kind.name(),
            quantile(&values, 0.5),
            quantile(&values, 0.25),
            quantile(&values, 0.75)
        );
    }
    println!("\n| call | ratio (ours / baseline) | median of the rounds' ratios | quartiles |");
    println!("|---|---|---|---|");
    for service in SERVICES {
        for (ours, baseline) in RATIOS {
            let (a, b) = (index(service, ours), index(service, baseline));
            let ratios = sorted(per_call.iter().map(|r| r[a] / r[b]).collect());
            println!(
                "| {}{} | {} / {} | **{:.3}** | {:.3} – {:.3} |",
                service.call(),
                placement.suffix(),
                ours.name(),
                baseline.name(),
                quantile(&ratios, 0.5),
                quantile(&ratios, 0.25),
                quantile(&ratios, 0.75)
            );
        }
    }
    Ok(())
}

/// The 1,000-request query, SDK against the hand-written call into the same type, interleaved.
fn measure_query(rounds: usize, calls: u32) -> Result<(), BoxError> {
    let clients = Clients::start(Placement::SameThread)?;
    let Clients { runtime, ess, hand, .. } = &clients;
    let time = |sdk: bool| {
        runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..calls {
                if sdk {
                    black_box(ess.query_requests().send().await.expect("ok").into_inner());
                } else {
                    black_box(
                        hand.ess_query_requests::<sdk_ess::types::RequestQueryResponse>()
                            .await
                            .expect("ok"),
                    );
                }
            }
            start.elapsed()
        })
    };
    let (mut ratios, mut sdk_times, mut hand_times) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which goes first, so that neither is always measured on a warmer cache.
        let (sdk, by_hand) = if round % 2 == 0 {
            let sdk = time(true);
            (sdk, time(false))
        } else {
            let by_hand = time(false);
            (time(true), by_hand)
        };
        ratios.push(sdk.as_secs_f64() / by_hand.as_secs_f64());
        sdk_times.push(sdk.as_secs_f64() * 1e3 / f64::from(calls));
        hand_times.push(by_hand.as_secs_f64() * 1e3 / f64::from(calls));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 4], v[v.len() / 2], v[v.len() * 3 / 4])
    };
    let (r1, r2, r3) = median(&mut ratios);
    let (s1, s2, s3) = median(&mut sdk_times);
    let (h1, h2, h3) = median(&mut hand_times);
    println!("\n### ESS query answered by 1,000 requests ({rounds} rounds of {calls} calls per function)\n");
    println!("| function | median per call (ms) | quartiles (ms) |\n|---|---|---|");
    println!("| sdk | {s2:.3} | {s1:.3} – {s3:.3} |");
    println!("| reqwest_generated_type | {h2:.3} | {h1:.3} – {h3:.3} |");
    println!("\n| ratio | median of the rounds' ratios | quartiles |\n|---|---|---|");
    println!("| sdk / reqwest_generated_type | **{r2:.3}** | {r1:.3} – {r3:.3} |");
    Ok(())
}

fn main() -> Result<(), BoxError> {
    let (mut rounds, mut calls, mut placements) = (200, 300, vec![Placement::SameThread, Placement::OwnThread]);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--query") {
        let (mut rounds, mut calls) = (40, 10);
        let mut it = args.iter().skip(1);
        while let Some(flag) = it.next() {
            let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--rounds" => rounds = value.parse()?,
                "--calls" => calls = value.parse()?,
                _ => return Err(format!("unknown flag {flag}").into()),
            }
        }
        return measure_query(rounds.max(1), calls.max(1));
    }
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--rounds" => rounds = value.parse()?,
            "--calls" => calls = value.parse()?,
            "--placement" => {
                placements = match value.as_str() {
                    "both" => vec![Placement::SameThread, Placement::OwnThread],
                    "same-thread" => vec![Placement::SameThread],
                    "own-thread" => vec![Placement::OwnThread],
                    other => return Err(format!("unknown placement {other}").into()),
                }
            }
            _ => return Err(format!("unknown flag {flag}").into()),
        }
    }
    for placement in placements {
        measure(placement, rounds.max(1), calls.max(1))?;
    }
    Ok(())
}
