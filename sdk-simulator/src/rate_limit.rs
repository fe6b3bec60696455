//! The rate-limited mode: requests per second per service, as Oracle throttles per identity domain and per
//! service, answered `429 Too Many Requests` with `Retry-After` above the limit.
//!
//! Each service (ESS, GoldenGate, Analytics) has its own token bucket: `per_second` tokens a second, up to `burst`
//! saved (default: one second's worth), full at the start. A request that finds no token is refused with the
//! service's own error body and `Retry-After`: the whole seconds until the next token (at least 1, as the header
//! counts whole seconds). Refusals are counted per service and never dropped. The buckets run on tokio's clock
//! (real time, or a paused clock in tests), not the virtual clock: a limit is on requests per second of the
//! client's time. Admin endpoints are never limited.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::operation::Service;

/// A rate limit per service.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// Requests per second each service answers (more than 0).
    pub per_second: f64,
    /// Requests a service answers at once after a quiet moment (default: `per_second`, at least 1).
    #[serde(default)]
    pub burst: Option<f64>,
}

impl RateLimit {
    /// `per_second` requests per second per service, with a burst of one second's worth.
    pub fn per_second(per_second: f64) -> Self {
        Self {
            per_second,
            burst: None,
        }
    }

    /// Requests answered at once after a quiet moment (at least 1).
    pub fn burst(mut self, burst: f64) -> Self {
        self.burst = Some(burst);
        self
    }

    fn capacity(&self) -> f64 {
        self.burst.unwrap_or(self.per_second).max(1.0)
    }

    /// Whether the limit can be applied: a finite rate above zero (and a finite burst).
    pub fn is_usable(&self) -> bool {
        self.per_second.is_finite() && self.per_second > 0.0 && self.burst.is_none_or(f64::is_finite)
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// The buckets and the refusal counts of the three services.
#[derive(Debug, Default)]
pub(crate) struct RateLimits {
    limit: Option<RateLimit>,
    buckets: [Option<Bucket>; 3],
    throttled: [u64; 3],
}

fn index(service: Service) -> usize {
    match service {
        Service::Ess => 0,
        Service::Ogg => 1,
        Service::Analytics => 2,
    }
}

impl RateLimits {
    /// Sets the limit (`None`: no limit); the buckets start full.
    pub(crate) fn set(&mut self, limit: Option<RateLimit>) {
        self.limit = limit.filter(RateLimit::is_usable);
        self.buckets = [None; 3];
    }

    /// The limit in force.
    pub(crate) fn limit(&self) -> Option<RateLimit> {
        self.limit
    }

    /// Takes a token for a request to `service` at `now`, or answers how long until the next one (the request
    /// is then refused and counted).
    pub(crate) fn admit(&mut self, service: Service, now: Instant) -> Option<Duration> {
        let limit = self.limit?;
        let i = index(service);
        let capacity = limit.capacity();
        let bucket = self.buckets[i].get_or_insert(Bucket {
            tokens: capacity,
            refilled: now,
        });
        if now > bucket.refilled {
            let earned = (now - bucket.refilled).as_secs_f64() * limit.per_second;
            bucket.tokens = (bucket.tokens + earned).min(capacity);
            bucket.refilled = now;
        }
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return None;
        }
        self.throttled[i] += 1;
        Some(Duration::from_secs_f64((1.0 - bucket.tokens) / limit.per_second))
    }

    /// Requests refused per service (`ess`, `ogg`, `analytics`).
    pub(crate) fn throttled(&self) -> [(Service, u64); 3] {
        [
            (Service::Ess, self.throttled[0]),
            (Service::Ogg, self.throttled[1]),
            (Service::Analytics, self.throttled[2]),
        ]
    }

    /// Forgets the refusal counts.
    pub(crate) fn clear_counts(&mut self) {
        self.throttled = [0; 3];
    }
}

/// `Retry-After` in whole seconds for a wait of `wait`: rounded up, at least 1.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_service_has_its_own_bucket_refilled_at_the_rate() {
        let mut limits = RateLimits::default();
        let t0 = Instant::now();
        assert_eq!(limits.admit(Service::Ess, t0), None, "no limit, no refusal");
        limits.set(Some(RateLimit::per_second(2.0)));
        assert_eq!(limits.admit(Service::Ess, t0), None);
        assert_eq!(limits.admit(Service::Ess, t0), None);
        let wait = limits
            .admit(Service::Ess, t0)
            .expect("the third in the same instant is refused");
        assert_eq!(retry_after_secs(wait), 1);
        assert_eq!(
            limits.admit(Service::Analytics, t0),
            None,
            "another service's bucket is full"
        );
        assert_eq!(limits.admit(Service::Ess, t0 + Duration::from_millis(500)), None);
        assert!(limits.admit(Service::Ess, t0 + Duration::from_millis(500)).is_some());
        let throttled = limits.throttled();
        assert_eq!(throttled[0], (Service::Ess, 2));
        assert_eq!(throttled[2], (Service::Analytics, 0));
        limits.clear_counts();
        assert_eq!(limits.throttled()[0].1, 0);
    }

    #[test]
    fn a_burst_is_what_is_saved_after_a_quiet_moment() {
        let mut limits = RateLimits::default();
        limits.set(Some(RateLimit::per_second(10.0).burst(3.0)));
        let t0 = Instant::now();
        let later = t0 + Duration::from_secs(60);
        assert_eq!(limits.admit(Service::Ogg, t0), None);
        let answered = (0..10).filter(|_| limits.admit(Service::Ogg, later).is_none()).count();
        assert_eq!(answered, 3);
    }

    #[test]
    fn an_unusable_limit_is_no_limit() {
        let mut limits = RateLimits::default();
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            limits.set(Some(RateLimit::per_second(bad)));
            assert_eq!(limits.limit(), None, "{bad}");
        }
    }

    #[test]
    fn retry_after_counts_whole_seconds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(50)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
