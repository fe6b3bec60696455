//! The requests the services received, with secrets redacted, and a count per operation.
//!
//! The log keeps the most recent requests only ([`DEFAULT_RECORD_LIMIT`] unless configured), so that a
//! simulator serving for days holds a bounded amount of memory: when it is full the oldest record is dropped
//! first, and a counter of dropped records tells a test that the log is no longer complete. The counts per
//! operation are never dropped (one number per operation the specs know).

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Largest body kept per recorded request, in bytes.
const MAX_BODY: usize = 64 * 1024;

/// One request received by a simulated service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// `ess`, `ogg` or `analytics`.
    pub service: String,
    /// The operation's `operationId` in the spec.
    pub operation_id: String,
    /// HTTP method.
    pub method: String,
    /// Path as received (still percent-encoded).
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Headers; the values of `Authorization`, `Proxy-Authorization` and `Cookie` are redacted.
    pub headers: Vec<(String, String)>,
    /// Body as text (lossy UTF-8, at most 64 KiB); members named like `password`, `secret` or `token`
    /// are redacted.
    pub body: String,
    /// Status answered (absent when the connection was dropped).
    pub status: Option<u16>,
    /// The injected fault that answered or damaged the reply, if any.
    pub fault: Option<String>,
    /// Virtual time of arrival.
    pub at: DateTime<Utc>,
}

/// Requests kept by default: the last 10,000 (a few MiB at most; bodies are cut at 64 KiB).
pub const DEFAULT_RECORD_LIMIT: usize = 10_000;

/// The log of requests.
#[derive(Debug)]
pub(crate) struct Recorder {
    /// The most recent requests, oldest first, in `seq` order without gaps.
    requests: VecDeque<RecordedRequest>,
    counts: BTreeMap<String, u64>,
    qualified: BTreeMap<String, u64>,
    next: u64,
    limit: usize,
    dropped: u64,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::with_limit(DEFAULT_RECORD_LIMIT)
    }
}

impl Recorder {
    /// A log that keeps at most `limit` requests (0 keeps none; counts are kept all the same).
    pub(crate) fn with_limit(limit: usize) -> Self {
        Self {
            requests: VecDeque::new(),
            counts: BTreeMap::new(),
            qualified: BTreeMap::new(),
            next: 0,
            limit,
            dropped: 0,
        }
    }

    /// Changes the limit, dropping the oldest records beyond it at once.
    pub(crate) fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        self.trim();
    }

    #[cfg(test)]
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// Records dropped because the log was full, since the last clear.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    fn trim(&mut self) {
        while self.requests.len() > self.limit {
            self.requests.pop_front();
            self.dropped += 1;
        }
    }

    /// Records a request; returns its sequence number.
    pub(crate) fn record(&mut self, mut request: RecordedRequest) -> u64 {
        self.next += 1;
        request.seq = self.next;
        *self.counts.entry(request.operation_id.clone()).or_default() += 1;
        *self
            .qualified
            .entry(format!("{}.{}", request.service, request.operation_id))
            .or_default() += 1;
        self.requests.push_back(request);
        self.trim();
        self.next
    }

    /// Sets the outcome of a recorded request (nothing when it was dropped meanwhile).
    pub(crate) fn finish(&mut self, seq: u64, status: Option<u16>, fault: Option<String>) {
        let first = self.requests.front().map_or(0, |r| r.seq);
        if let Some(r) = seq
            .checked_sub(first)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.requests.get_mut(i))
        {
            r.status = status;
            if fault.is_some() {
                r.fault = fault;
            }
        }
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.iter().cloned().collect()
    }

    pub(crate) fn counts(&self) -> BTreeMap<String, u64> {
        self.counts.clone()
    }

    /// Requests of `operation` (`getRequest`), or of one service's operation (`ess.getRequest`).
    pub(crate) fn count(&self, operation: &str) -> u64 {
        let map = if operation.contains('.') {
            &self.qualified
        } else {
            &self.counts
        };
        map.get(operation).copied().unwrap_or(0)
    }

    /// Forgets records, counts and the dropped counter; keeps the limit.
    pub(crate) fn clear(&mut self) {
        *self = Self::with_limit(self.limit);
    }
}

/// Redacts header values that carry secrets, keeping the scheme.
pub(crate) fn redact_header(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower == "authorization" || lower == "proxy-authorization" {
        let scheme = value.split_whitespace().next().unwrap_or("");
        return format!("{scheme} <redacted>");
    }
    if lower == "cookie" || lower == "set-cookie" {
        return "<redacted>".into();
    }
    value.to_owned()
}

/// Redacts JSON members whose name suggests a secret; non-JSON bodies are kept as text.
pub(crate) fn redact_body(body: &[u8]) -> String {
    let cut = &body[..body.len().min(MAX_BODY)];
    match serde_json::from_slice::<serde_json::Value>(cut) {
        Ok(mut v) => {
            redact_value(&mut v);
            v.to_string()
        }
        Err(_) => String::from_utf8_lossy(cut).into_owned(),
    }
}

fn redact_value(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                let k = k.to_ascii_lowercase();
                if ["password", "secret", "token", "privatekey"]
                    .iter()
                    .any(|s| k.contains(s))
                {
                    *val = serde_json::Value::String("<redacted>".into());
                } else {
                    redact_value(val);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(operation: &str) -> RecordedRequest {
        RecordedRequest {
            seq: 0,
            service: "ess".into(),
            operation_id: operation.into(),
            method: "GET".into(),
            path: "/".into(),
            query: None,
            headers: Vec::new(),
            body: String::new(),
            status: None,
            fault: None,
            at: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn a_full_log_drops_the_oldest_and_counts_them() {
        let mut log = Recorder::with_limit(3);
        for _ in 0..5 {
            log.record(request("getRequest"));
        }
        let seqs: Vec<u64> = log.requests().iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [3, 4, 5]);
        assert_eq!(log.dropped(), 2);
        assert_eq!(log.count("getRequest"), 5, "counts are not capped");
        assert_eq!(log.count("ess.getRequest"), 5);
    }

    #[test]
    fn finish_finds_a_kept_record_and_ignores_a_dropped_one() {
        let mut log = Recorder::with_limit(2);
        let first = log.record(request("a"));
        let second = log.record(request("b"));
        let third = log.record(request("c"));
        log.finish(first, Some(500), None);
        log.finish(third, Some(201), Some("slow".into()));
        log.finish(second, Some(404), None);
        let kept: Vec<(u64, Option<u16>)> = log.requests().iter().map(|r| (r.seq, r.status)).collect();
        assert_eq!(kept, [(second, Some(404)), (third, Some(201))]);
        assert_eq!(log.requests()[1].fault.as_deref(), Some("slow"));
    }

    #[test]
    fn lowering_the_limit_trims_and_clear_keeps_the_limit() {
        let mut log = Recorder::with_limit(10);
        for _ in 0..4 {
            log.record(request("a"));
        }
        log.set_limit(1);
        assert_eq!(log.requests().len(), 1);
        assert_eq!(log.dropped(), 3);
        log.clear();
        assert_eq!((log.requests().len(), log.dropped(), log.limit()), (0, 0, 1));
        log.record(request("a"));
        log.record(request("a"));
        assert_eq!(log.requests().iter().map(|r| r.seq).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn a_zero_limit_keeps_counts_only() {
        let mut log = Recorder::with_limit(0);
        let seq = log.record(request("a"));
        log.finish(seq, Some(200), None);
        assert!(log.requests().is_empty());
        assert_eq!((log.count("a"), log.dropped()), (1, 1));
    }

    #[test]
    fn redaction() {
        assert_eq!(redact_header("Authorization", "Basic dTpw"), "Basic <redacted>");
        assert_eq!(redact_header("Accept", "x"), "x");
        let body = redact_body(br#"{"snapshot":{"id":"a","password":"p"},"clientSecret":"s"}"#);
        assert!(!body.contains("\"p\"") && !body.contains("\"s\""), "{body}");
    }
}
