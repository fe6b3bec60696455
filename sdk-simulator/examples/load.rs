//! A steady load on a running standalone simulator, to watch its memory over a long run.
//!
//! Every tick sends one of: an ESS submit, an ESS status call (of a recent or an old request), an Analytics
//! dataset reload, an Analytics status call. With `--fault-rate P` it first asks the simulator to answer a
//! share `P` of all calls with an injected 500, 502 (HTML) or 503 (with `Retry-After`), and then checks that
//! every 5xx it receives is one of those: any other 5xx is counted as `unexpected_5xx` (and makes the exit
//! code 1).
//!
//! ```text
//! cargo run -p sdk-simulator -- --port 8080 --clock-speed 60 &
//! cargo run -p sdk-simulator --example load -- --url http://127.0.0.1:8080 --seconds 180 --rate 300 --fault-rate 0.05
//! ```
//!
//! It prints one line every 10 seconds and a summary at the end.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::{Mutex, Semaphore};

struct Args {
    url: String,
    seconds: u64,
    rate: u64,
    fault_rate: f64,
}

fn parse_args() -> Result<Args, String> {
    let mut out = Args {
        url: "http://127.0.0.1:8080".into(),
        seconds: 180,
        rate: 300,
        fault_rate: 0.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().ok_or_else(|| format!("{a} needs a value"))?;
        match a.as_str() {
            "--url" => out.url = v.trim_end_matches('/').to_owned(),
            "--seconds" => out.seconds = v.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--rate" => out.rate = v.parse().map_err(|e| format!("--rate: {e}"))?,
            "--fault-rate" => out.fault_rate = v.parse().map_err(|e| format!("--fault-rate: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if out.rate == 0 {
        return Err("--rate must be at least 1".into());
    }
    Ok(out)
}

/// Replies seen, by kind.
#[derive(Default)]
struct Tally {
    by_status: Mutex<BTreeMap<u16, u64>>,
    injected_5xx: AtomicU64,
    unexpected_5xx: AtomicU64,
    transport_errors: AtomicU64,
}

impl Tally {
    async fn note(&self, reply: Result<reqwest::Response, reqwest::Error>) -> Option<String> {
        let reply = match reply {
            Ok(r) => r,
            Err(_) => {
                self.transport_errors.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        };
        let status = reply.status().as_u16();
        *self.by_status.lock().await.entry(status).or_default() += 1;
        let retry_after = reply.headers().contains_key("retry-after");
        let html = reply
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let id = reply
            .headers()
            .get("oa-work-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = reply.text().await.unwrap_or_default();
        if status >= 500 {
            // The three injected 5xx replies, as the simulator's fault table writes them.
            let injected = (status == 500 && body.contains("(injected)"))
                || (status == 502 && html)
                || (status == 503 && retry_after);
            let counter = if injected {
                &self.injected_5xx
            } else {
                eprintln!("unexpected {status}: {body}");
                &self.unexpected_5xx
            };
            counter.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let number = (status == 201 || status == 200)
            .then(|| serde_json::from_str::<serde_json::Value>(&body).ok())
            .flatten()
            .and_then(|v| {
                v.get("requestId")
                    .or_else(|| v.get("id"))
                    .and_then(serde_json::Value::as_i64)
            });
        if let Some(n) = number {
            return Some(n.to_string());
        }
        id
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\nUSAGE: load [--url URL] [--seconds N] [--rate PER_SECOND] [--fault-rate P]");
            std::process::exit(2);
        }
    };
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
    if args.fault_rate > 0.0 {
        let p = args.fault_rate / 3.0;
        let faults = json!({
            "operationId": "*",
            "rate": [
                {"fault": {"kind": "internalError"}, "probability": p},
                {"fault": {"kind": "badGateway"}, "probability": p},
                {"fault": {"kind": "unavailable", "retryAfter": 1}, "probability": p},
            ],
            "seed": 7,
        });
        let r = http
            .post(format!("{}/_simulator/faults", args.url))
            .json(&faults)
            .send()
            .await?;
        if !r.status().is_success() {
            return Err(format!("the simulator refused the faults: {}", r.status()).into());
        }
    }
    let ess = format!("{}/ess/rest/scheduler/v1", args.url);
    let oac = format!("{}/api/20210901", args.url);
    let tally = Arc::new(Tally::default());
    let ess_ids = Arc::new(Mutex::new(Vec::<String>::new()));
    let oac_ids = Arc::new(Mutex::new(Vec::<String>::new()));
    let in_flight = Arc::new(Semaphore::new(64));
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate as f64));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut n: u64 = 0;
    let mut next_report = Duration::from_secs(10);
    while started.elapsed() < Duration::from_secs(args.seconds) {
        tick.tick().await;
        n += 1;
        let permit = in_flight.clone().acquire_owned().await?;
        let (http, task_tally, ess, oac) = (http.clone(), tally.clone(), ess.clone(), oac.clone());
        let (ess_ids, oac_ids) = (ess_ids.clone(), oac_ids.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let tally = task_tally;
            // A recent id most of the time, sometimes an old one (which a bounded simulator may have dropped).
            let pick = |ids: &Vec<String>| -> Option<String> {
                if ids.is_empty() {
                    return None;
                }
                let i = if n.is_multiple_of(5) {
                    fastrand::usize(..ids.len())
                } else {
                    ids.len() - 1
                };
                ids.get(i).cloned()
            };
            match n % 4 {
                0 => {
                    let body = json!({"jobDefinitionId": "JobDefinition://oracle/apps/ess/custom/Load", "application": "EarCustomEss"});
                    let reply = http.post(format!("{ess}/requests")).json(&body).send().await;
                    if let Some(id) = tally.note(reply).await {
                        ess_ids.lock().await.push(id);
                    }
                }
                1 => {
                    let id = pick(&*ess_ids.lock().await).unwrap_or_else(|| "300000012345680".into());
                    let reply = http.get(format!("{ess}/requests/{id}")).send().await;
                    tally.note(reply).await;
                }
                2 => {
                    let reply = http
                        .post(format!("{oac}/catalog/datasets/J2FkbWluJy4nU2FsZXMn/actions/reload"))
                        .json(&json!({}))
                        .send()
                        .await;
                    if let Some(id) = tally.note(reply).await {
                        oac_ids.lock().await.push(id);
                    }
                }
                _ => {
                    let id = pick(&*oac_ids.lock().await).unwrap_or_else(|| "none".into());
                    let reply = http
                        .get(format!("{oac}/workRequests/{}", id.replace(':', "%3A")))
                        .send()
                        .await;
                    tally.note(reply).await;
                }
            }
        });
        if started.elapsed() >= next_report {
            next_report += Duration::from_secs(10);
            report(&tally, started, n).await;
        }
    }
    let _ = in_flight.acquire_many(64).await;
    println!("end");
    report(&tally, started, n).await;
    if tally.unexpected_5xx.load(Ordering::Relaxed) > 0 {
        std::process::exit(1);
    }
    Ok(())
}

async fn report(tally: &Tally, started: Instant, sent: u64) {
    let statuses = tally.by_status.lock().await.clone();
    println!(
        "t={:>4}s sent={sent} statuses={statuses:?} injected_5xx={} unexpected_5xx={} transport_errors={}",
        started.elapsed().as_secs(),
        tally.injected_5xx.load(Ordering::Relaxed),
        tally.unexpected_5xx.load(Ordering::Relaxed),
        tally.transport_errors.load(Ordering::Relaxed),
    );
}
