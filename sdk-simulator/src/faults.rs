//! Injected faults: what goes wrong on the way to a service, per operation.
//!
//! A fault is set for one operation (its `operationId` in the specs, e.g. `getWorkRequest`; `ess.getRequest` or
//! `ogg.getRequest` for one service's operation, as both specs name an operation `getRequest`; `*` for every
//! operation) either as a sequence ("the next 3 calls answer 503") or as a rate drawn from a seeded random
//! generator ("10 % of calls answer 503"), so a run can be repeated exactly. A queued fault is used before any
//! rate. The operation's own work is not done when a fault answers instead of it (a starting POST that meets a
//! 503 creates nothing), except for [`Fault::Slow`] and [`Fault::TruncatedBody`], which delay or damage the
//! real reply.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Fault {
    /// `429 Too Many Requests` with `Retry-After: <seconds>` and the service's error body.
    TooManyRequests {
        /// Value of `Retry-After`, in seconds.
        #[serde(rename = "retryAfter", default)]
        retry_after: u64,
    },
    /// `503 Service Unavailable` with `Retry-After: <seconds>` and the service's error body.
    Unavailable {
        /// Value of `Retry-After`, in seconds.
        #[serde(rename = "retryAfter", default)]
        retry_after: u64,
    },
    /// `500` with the service's error body.
    InternalError,
    /// `502 Bad Gateway` with an HTML page, as a reverse proxy (NGINX, a load balancer) sends it.
    BadGateway,
    /// The real reply, sent after a delay of tokio time.
    Slow {
        /// The delay, in seconds.
        #[serde(with = "crate::scenario::secs", rename = "seconds")]
        delay: Duration,
    },
    /// The connection is closed without any reply.
    DropConnection,
    /// The real reply's headers (with the full `Content-Length`) and half its body, then the connection closes.
    TruncatedBody,
    /// The given status with the service's own error body (e.g. 403, 409).
    Status {
        /// HTTP status code.
        status: u16,
    },
}

impl Fault {
    /// A short name for the fault, as recorded with the request.
    pub fn name(&self) -> String {
        match self {
            Fault::TooManyRequests { .. } => "429".into(),
            Fault::Unavailable { .. } => "503".into(),
            Fault::InternalError => "500".into(),
            Fault::BadGateway => "502-html".into(),
            Fault::Slow { .. } => "slow".into(),
            Fault::DropConnection => "drop".into(),
            Fault::TruncatedBody => "truncated".into(),
            Fault::Status { status } => status.to_string(),
        }
    }
}

/// A fault drawn at a rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultRate {
    /// The fault.
    pub fault: Fault,
    /// Probability per call, 0.0 ..= 1.0.
    pub probability: f64,
}

/// The faults of one operation.
#[derive(Debug, Default)]
struct OperationFaults {
    queue: VecDeque<Fault>,
    rates: Vec<FaultRate>,
}

/// The faults of every operation (operation id `*` applies to all).
#[derive(Debug)]
pub(crate) struct FaultTable {
    per_operation: HashMap<String, OperationFaults>,
    rng: fastrand::Rng,
}

impl Default for FaultTable {
    fn default() -> Self {
        Self {
            per_operation: HashMap::new(),
            rng: fastrand::Rng::with_seed(0),
        }
    }
}

impl FaultTable {
    /// Queues `faults` for the next calls of `operation`.
    pub(crate) fn queue(&mut self, operation: &str, faults: impl IntoIterator<Item = Fault>) {
        self.per_operation
            .entry(operation.to_owned())
            .or_default()
            .queue
            .extend(faults);
    }

    /// Adds faults drawn at a rate for `operation`; `seed` reseeds the generator.
    pub(crate) fn rates(&mut self, operation: &str, rates: Vec<FaultRate>, seed: Option<u64>) {
        if let Some(seed) = seed {
            self.rng = fastrand::Rng::with_seed(seed);
        }
        self.per_operation
            .entry(operation.to_owned())
            .or_default()
            .rates
            .extend(rates);
    }

    /// Removes every fault.
    pub(crate) fn clear(&mut self) {
        self.per_operation.clear();
    }

    /// The fault for this call of `operation` of `service`, if any: faults set for `<service>.<operation>` first,
    /// then for `<operation>`, then for `*`.
    pub(crate) fn pick(&mut self, service: &str, operation: &str) -> Option<Fault> {
        let qualified = format!("{service}.{operation}");
        let keys = [qualified.as_str(), operation, "*"];
        for key in keys {
            if let Some(f) = self.per_operation.get_mut(key).and_then(|o| o.queue.pop_front()) {
                return Some(f);
            }
        }
        let draw = self.rng.f64();
        let mut acc = 0.0;
        for key in keys {
            if let Some(ops) = self.per_operation.get(key) {
                for rate in &ops.rates {
                    acc += rate.probability.clamp(0.0, 1.0);
                    if draw < acc {
                        return Some(rate.fault.clone());
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_before_rate_and_wildcard() {
        let mut t = FaultTable::default();
        t.queue("getRequest", [Fault::InternalError]);
        t.rates(
            "*",
            vec![FaultRate {
                fault: Fault::BadGateway,
                probability: 1.0,
            }],
            Some(1),
        );
        t.queue("ogg.getRequest", [Fault::DropConnection]);
        assert_eq!(t.pick("ess", "getRequest"), Some(Fault::InternalError));
        assert_eq!(t.pick("ogg", "getRequest"), Some(Fault::DropConnection));
        assert_eq!(t.pick("ess", "getRequest"), Some(Fault::BadGateway));
        t.clear();
        assert_eq!(t.pick("ess", "getRequest"), None);
    }

    #[test]
    fn rates_are_seeded() {
        let draw = || {
            let mut t = FaultTable::default();
            t.rates(
                "x",
                vec![FaultRate {
                    fault: Fault::InternalError,
                    probability: 0.3,
                }],
                Some(7),
            );
            (0..100).filter(|_| t.pick("ess", "x").is_some()).count()
        };
        assert_eq!(draw(), draw());
    }
}
