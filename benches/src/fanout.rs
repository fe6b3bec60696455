//! The waiter fan-out's arithmetic and its server.
//!
//! The server knows ESS requests `1..=waiters`. Request `id` reports `RUNNING` until [`finish_after`] has passed
//! since the server first saw it polled, then `SUCCEEDED`. It counts every poll, and when each request was first
//! seen finished, so that the client can compare the polls made with the fewest its policy allows
//! ([`min_polls`]) and say how late each end was noticed.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;
use sdk_runtime::wait::WaitPolicy;
use serde::{Deserialize, Serialize};

use crate::server::{self, Reply, json_reply, status_reply};
use crate::{ESS_PREFIX, bodies};

/// When request `id` finishes, counted from its first poll: uniform in `[0, window)`, the same for a given seed.
pub fn finish_after(seed: u64, id: u64, window: Duration) -> Duration {
    let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
    if window_ms == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(splitmix64(seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15)) % window_ms)
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The fewest polls `policy` allows to see an end that comes `finish` after the first poll: the first poll is
/// immediate and each later one waits the policy's full ceiling (no jitter), which no schedule of the policy
/// exceeds; the poll that sees the end counts.
pub fn min_polls(finish: Duration, policy: &WaitPolicy) -> u32 {
    let mut at = Duration::ZERO;
    let mut polls = 1;
    while at < finish {
        at += policy.ceiling(polls);
        polls += 1;
    }
    polls
}

/// The polls `policy` makes with its own jitter to see an end `finish` after the first poll (one random draw).
pub fn jittered_polls(finish: Duration, policy: &WaitPolicy) -> u32 {
    let mut at = Duration::ZERO;
    let mut polls = 1;
    while at < finish {
        at += policy.delay(polls);
        polls += 1;
    }
    polls
}

/// The sentinel id in the body templates, replaced by the real id in each reply.
const SENTINEL: &str = "987654321987654";

/// What the fan-out server counted, as `GET /stats` returns it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ServerStats {
    /// Status polls answered: one per request id asked for (a multi-select query of 100 ids counts 100).
    pub polls: u64,
    /// HTTP requests answered (single `GET`s and multi-select queries).
    #[serde(default)]
    pub http_requests: u64,
    /// Multi-select queries answered.
    #[serde(default)]
    pub batch_queries: u64,
    /// Requests polled at least once.
    pub requests_seen: u64,
    /// Requests seen finished by a poll.
    pub requests_finished_seen: u64,
    /// Polls of a request after the poll that saw it finished (a waiter that did not stop).
    pub polls_after_finish_seen: u64,
    /// Delay between each request's end and the poll that saw it: mean, in milliseconds.
    pub lag_mean_ms: f64,
    /// The same, median.
    pub lag_p50_ms: u64,
    /// The same, 99th percentile.
    pub lag_p99_ms: u64,
    /// The same, largest.
    pub lag_max_ms: u64,
    /// Time from the first poll of all to the last poll, in milliseconds.
    pub span_ms: u64,
    /// Connections the server accepted.
    pub connections_accepted: u64,
    /// The most connections open at once.
    pub connections_max_open: u64,
}

/// The fan-out server's state: one slot per request.
#[derive(Debug)]
pub struct FanoutServer {
    origin: Instant,
    seed: u64,
    window: Duration,
    /// Milliseconds since `origin` + 1 of the first poll, 0 before it.
    first_seen: Vec<AtomicU64>,
    /// Milliseconds since `origin` + 1 of the first poll answered `SUCCEEDED`, 0 before it.
    finish_seen: Vec<AtomicU64>,
    last_poll: AtomicU64,
    polls: AtomicU64,
    http_requests: AtomicU64,
    batch_queries: AtomicU64,
    /// Answer multi-select queries with items no client can read (each id must then be fetched alone).
    unreadable_batches: bool,
    polls_after_finish_seen: AtomicU64,
    per_request: Vec<AtomicU32>,
    running: (String, String),
    succeeded: (String, String),
}

impl FanoutServer {
    /// A server for requests `1..=requests`, finishing within `window` of their first poll; with
    /// `unreadable_batches`, multi-select queries are answered with items of a shape no client can read.
    pub fn new(requests: usize, window: Duration, seed: u64, unreadable_batches: bool) -> Self {
        let example = bodies::ess_request_details_example();
        let template = |state: &str| {
            let id: i64 = SENTINEL.parse().unwrap_or(0);
            let body = serde_json::to_string(&bodies::ess_request_details(&example, id, state)).unwrap_or_default();
            let (before, after) = body.split_once(SENTINEL).unwrap_or((&body, ""));
            // The id also appears in the links; keep the rest of the body as one piece per occurrence.
            (before.to_owned(), after.to_owned())
        };
        Self {
            origin: Instant::now(),
            seed,
            window,
            first_seen: (0..requests).map(|_| AtomicU64::new(0)).collect(),
            finish_seen: (0..requests).map(|_| AtomicU64::new(0)).collect(),
            last_poll: AtomicU64::new(0),
            polls: AtomicU64::new(0),
            http_requests: AtomicU64::new(0),
            batch_queries: AtomicU64::new(0),
            unreadable_batches,
            polls_after_finish_seen: AtomicU64::new(0),
            per_request: (0..requests).map(|_| AtomicU32::new(0)).collect(),
            running: template("RUNNING"),
            succeeded: template("SUCCEEDED"),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX) + 1
    }

    /// Answers `GET .../requests/{id}`, the multi-select `GET .../requests?id=1,2,...` (a `batch` of request
    /// documents) and `GET /stats`.
    pub fn reply(&self, parts: &Parts) -> Reply {
        let path = parts.uri.path();
        if path == "/stats" {
            let body = serde_json::to_vec(&self.stats()).unwrap_or_default();
            return json_reply(body.into());
        }
        if path == format!("{ESS_PREFIX}/requests") {
            return self.batch_reply(parts.uri.query().unwrap_or_default());
        }
        let Some(id) = path
            .strip_prefix(ESS_PREFIX)
            .and_then(|p| p.strip_prefix("/requests/"))
            .and_then(|id| id.parse::<u64>().ok())
        else {
            return status_reply(StatusCode::NOT_FOUND);
        };
        self.http_requests.fetch_add(1, Ordering::Relaxed);
        match self.poll(id) {
            Some(finished) => json_reply(Bytes::from(self.body(id, finished))),
            None => status_reply(StatusCode::NOT_FOUND),
        }
    }

    fn batch_reply(&self, query: &str) -> Reply {
        self.http_requests.fetch_add(1, Ordering::Relaxed);
        self.batch_queries.fetch_add(1, Ordering::Relaxed);
        let ids = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("id="))
            .map(|ids| ids.replace("%2C", ",").replace("%2c", ","))
            .unwrap_or_default();
        let mut body = String::from("{\"batch\":[");
        for (i, id) in ids.split(',').filter_map(|id| id.parse::<u64>().ok()).enumerate() {
            let Some(finished) = self.poll(id) else { continue };
            if i > 0 {
                body.push(',');
            }
            if self.unreadable_batches {
                body.push_str(&format!("{{\"ref\":\"{id}\",\"outcome\":\"ok\"}}"));
            } else {
                body.push_str(&self.body(id, finished));
            }
        }
        body.push_str("]}");
        json_reply(Bytes::from(body))
    }

    /// Counts one poll of request `id`; whether it has finished. `None` for an id the server does not have.
    fn poll(&self, id: u64) -> Option<bool> {
        let slot = usize::try_from(id).ok().and_then(|id| id.checked_sub(1))?;
        let (first_seen, finish_seen, count) = (
            self.first_seen.get(slot)?,
            self.finish_seen.get(slot)?,
            self.per_request.get(slot)?,
        );
        let now = self.now_ms();
        self.polls.fetch_add(1, Ordering::Relaxed);
        self.last_poll.fetch_max(now, Ordering::Relaxed);
        count.fetch_add(1, Ordering::Relaxed);
        let first = match first_seen.compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => now,
            Err(earlier) => earlier,
        };
        let finish_ms = u64::try_from(finish_after(self.seed, id, self.window).as_millis()).unwrap_or(u64::MAX);
        let finished = now >= first.saturating_add(finish_ms);
        if finished
            && finish_seen
                .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            self.polls_after_finish_seen.fetch_add(1, Ordering::Relaxed);
        }
        Some(finished)
    }

    /// The request document of `id`.
    fn body(&self, id: u64, finished: bool) -> String {
        let (before, after) = if finished { &self.succeeded } else { &self.running };
        let id = id.to_string();
        let mut body = String::with_capacity(before.len() + after.len() + 64);
        body.push_str(before);
        body.push_str(&id);
        body.push_str(&after.replace(SENTINEL, &id));
        body
    }

    /// What was counted so far.
    pub fn stats(&self) -> ServerStats {
        let mut lags = Vec::new();
        let mut seen = 0;
        let mut earliest = u64::MAX;
        for (id, (first, finish)) in self.first_seen.iter().zip(&self.finish_seen).enumerate() {
            let first = first.load(Ordering::Relaxed);
            if first == 0 {
                continue;
            }
            seen += 1;
            earliest = earliest.min(first);
            let finish = finish.load(Ordering::Relaxed);
            if finish == 0 {
                continue;
            }
            let ends_at =
                first + u64::try_from(finish_after(self.seed, id as u64 + 1, self.window).as_millis()).unwrap_or(0);
            lags.push(finish.saturating_sub(ends_at));
        }
        lags.sort_unstable();
        let pick = |q: f64| -> u64 {
            if lags.is_empty() {
                return 0;
            }
            let at = ((lags.len() - 1) as f64 * q).round() as usize;
            lags[at.min(lags.len() - 1)]
        };
        ServerStats {
            polls: self.polls.load(Ordering::Relaxed),
            http_requests: self.http_requests.load(Ordering::Relaxed),
            batch_queries: self.batch_queries.load(Ordering::Relaxed),
            requests_seen: seen,
            requests_finished_seen: lags.len() as u64,
            polls_after_finish_seen: self.polls_after_finish_seen.load(Ordering::Relaxed),
            lag_mean_ms: if lags.is_empty() {
                0.0
            } else {
                lags.iter().sum::<u64>() as f64 / lags.len() as f64
            },
            lag_p50_ms: pick(0.5),
            lag_p99_ms: pick(0.99),
            lag_max_ms: lags.last().copied().unwrap_or(0),
            span_ms: self
                .last_poll
                .load(Ordering::Relaxed)
                .saturating_sub(earliest.min(u64::MAX - 1)),
            connections_accepted: server::CONNECTIONS_ACCEPTED.load(Ordering::Relaxed),
            connections_max_open: server::CONNECTIONS_MAX_OPEN.load(Ordering::Relaxed),
        }
    }
}
