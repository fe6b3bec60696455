//! Every request the services received, with secrets redacted, and a count per operation.

use std::collections::BTreeMap;

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

/// The log of requests.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    requests: Vec<RecordedRequest>,
    counts: BTreeMap<String, u64>,
    qualified: BTreeMap<String, u64>,
    next: u64,
}

impl Recorder {
    /// Records a request; returns its sequence number.
    pub(crate) fn record(&mut self, mut request: RecordedRequest) -> u64 {
        self.next += 1;
        request.seq = self.next;
        *self.counts.entry(request.operation_id.clone()).or_default() += 1;
        *self
            .qualified
            .entry(format!("{}.{}", request.service, request.operation_id))
            .or_default() += 1;
        self.requests.push(request);
        self.next
    }

    /// Sets the outcome of a recorded request.
    pub(crate) fn finish(&mut self, seq: u64, status: Option<u16>, fault: Option<String>) {
        if let Some(r) = seq
            .checked_sub(1)
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
        self.requests.clone()
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

    pub(crate) fn clear(&mut self) {
        *self = Self::default();
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

    #[test]
    fn redaction() {
        assert_eq!(redact_header("Authorization", "Basic dTpw"), "Basic <redacted>");
        assert_eq!(redact_header("Accept", "x"), "x");
        let body = redact_body(br#"{"snapshot":{"id":"a","password":"p"},"clientSecret":"s"}"#);
        assert!(!body.contains("\"p\"") && !body.contains("\"s\""), "{body}");
    }
}
