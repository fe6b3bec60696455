//! When to send a request again, and how long to wait first.
//!
//! Defaults, chosen against the anchors (aws-sdk-rust standard mode: 3 attempts, 1 s base, 20 s cap; Azure: 4
//! attempts, 0.8 s base, 60 s cap; OCI: 8 attempts, 30 s cap): 4 attempts in all, a first delay of 500 ms doubling up
//! to 10 s, full jitter, and 60 s for all retries of one call together. Oracle's proxies answer 503 for seconds,
//! not minutes, so a longer default would only hide outages from the caller.
//!
//! Only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried after the server may have seen the
//! request. A POST or PATCH (submit, cancel, forceCancel, executionStatus, starting an Analytics job) is sent again
//! only when the connection could not be opened at all, or when the caller opted in with
//! [`RetryPolicy::retry_non_idempotent`].

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, StatusCode};

/// How a client retries a call that met a transient failure.
///
/// ```
/// use std::time::Duration;
/// use sdk_runtime::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(6)
///     .budget(Duration::from_secs(300));
/// assert_eq!(patient.attempt_limit(), 6);
/// assert_eq!(RetryPolicy::disabled().attempt_limit(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    budget: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            budget: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request once.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The upper bound of the first delay; each later delay bound doubles.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The largest delay the client's own backoff picks between two attempts. It does not cap a server's
    /// `Retry-After`: that is waited for as sent, as long as it ends within the [`budget`](Self::budget) (and the
    /// call's total timeout); a longer one ends the call with the reply that asked for it.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The time all retries of one call may take together, measured from the first attempt. A `Retry-After`
    /// longer than what is left ends the call with the last error instead of waiting.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Also retry POST and PATCH after a transient reply. Only for calls the caller knows are safe to repeat.
    pub fn retry_non_idempotent(mut self, allow: bool) -> Self {
        self.retry_non_idempotent = allow;
        self
    }

    /// Attempts in all.
    pub fn attempt_limit(&self) -> u32 {
        self.max_attempts
    }

    /// The retry budget.
    pub fn retry_budget(&self) -> Duration {
        self.budget
    }

    /// Whether a reply with this status to a request with this method may be retried under this policy: the
    /// status is [retryable](is_retryable_status) and the request is safe to repeat (idempotent, or opted in).
    pub fn may_retry_status(&self, method: &Method, status: StatusCode) -> bool {
        (self.retry_non_idempotent || is_idempotent(method)) && is_retryable_status(status)
    }

    /// Whether a transport failure may be retried: it is [retryable](is_retryable_transport), and either the
    /// connection never opened (the server cannot have acted) or the request is safe to repeat.
    pub fn may_retry_transport(&self, method: &Method, error: &reqwest::Error) -> bool {
        is_retryable_transport(error) && (error.is_connect() || self.retry_non_idempotent || is_idempotent(method))
    }

    /// The delay before retry number `retry` (1 for the first retry): uniform in `[0, min(max, initial * 2^(retry-1))]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.ceiling(retry);
        ceiling.mul_f64(fastrand::f64())
    }

    /// The upper bound of [`backoff`](Self::backoff) for retry number `retry`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// GET, HEAD, PUT, DELETE and OPTIONS: methods whose repetition has the effect of one call.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// The one definition of a retryable reply, used by the retry policy and by [`Error::is_retryable`]: 408, 429,
/// 500, 502, 503 and 504, statuses that say "not now" rather than "no". (A 500 may come after the server acted,
/// so the policy repeats it only for requests safe to repeat, like every other status.)
///
/// [`Error::is_retryable`]: crate::Error::is_retryable
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The one definition of a retryable transport failure, used by the retry policy and by [`Error::is_retryable`]:
/// a refused, reset or timed-out connection, a failed name lookup, a reply cut off. Never a certificate the client
/// cannot verify, a host name the certificate does not cover, a client certificate the server refuses or proxy
/// credentials it rejects: a second try meets the same refusal (see [`TransportErrorKind`]).
///
/// [`Error::is_retryable`]: crate::Error::is_retryable
/// [`TransportErrorKind`]: crate::TransportErrorKind
pub fn is_retryable_transport(error: &reqwest::Error) -> bool {
    crate::transport::is_retryable(crate::transport::classify(error).0, error)
}

/// Reads `Retry-After` in either form: delay seconds, or an HTTP date (relative to `now`).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(at.timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_methods_retry_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.may_retry_status(&Method::GET, StatusCode::SERVICE_UNAVAILABLE));
        assert!(policy.may_retry_status(&Method::DELETE, StatusCode::INTERNAL_SERVER_ERROR));
        assert!(!policy.may_retry_status(&Method::POST, StatusCode::SERVICE_UNAVAILABLE));
        assert!(!policy.may_retry_status(&Method::PATCH, StatusCode::TOO_MANY_REQUESTS));
        assert!(!policy.may_retry_status(&Method::GET, StatusCode::NOT_FOUND));
        let opted_in = policy.retry_non_idempotent(true);
        assert!(opted_in.may_retry_status(&Method::POST, StatusCode::SERVICE_UNAVAILABLE));
    }

    #[test]
    fn backoff_has_full_jitter_within_a_doubling_ceiling() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.ceiling(1), Duration::from_millis(500));
        assert_eq!(policy.ceiling(2), Duration::from_secs(1));
        assert_eq!(policy.ceiling(3), Duration::from_secs(2));
        assert_eq!(policy.ceiling(40), Duration::from_secs(10));
        for retry in 1..8 {
            for _ in 0..200 {
                assert!(policy.backoff(retry) <= policy.ceiling(retry));
            }
        }
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let mut headers = HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, "120".parse().expect("valid"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(120)));
        headers.insert(
            http::header::RETRY_AFTER,
            "Sun, 06 Nov 1994 08:50:07 GMT".parse().expect("valid"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert(
            http::header::RETRY_AFTER,
            "Sun, 06 Nov 1994 08:00:00 GMT".parse().expect("valid"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(http::header::RETRY_AFTER, "soon".parse().expect("valid"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn the_delays_and_the_budget_set_are_the_ones_used() {
        let policy = RetryPolicy::default()
            .initial_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(300))
            .budget(Duration::from_secs(5));
        let ceilings: Vec<Duration> = (1..=4).map(|retry| policy.ceiling(retry)).collect();
        assert_eq!(
            ceilings,
            [100, 200, 300, 300].map(Duration::from_millis),
            "the first delay as set, doubling up to the maximum set"
        );
        assert_eq!(policy.retry_budget(), Duration::from_secs(5));
        assert_eq!(RetryPolicy::default().retry_budget(), Duration::from_secs(60));
    }

    #[test]
    fn backoff_spreads_retries_rather_than_sending_them_at_once() {
        // Full jitter: clients that failed together must not all come back at the same instant. Among 64 draws
        // uniform in [0, 10 s], one above 1 s fails to come with probability 0.1^64.
        let policy = RetryPolicy::default();
        assert!((0..64).any(|_| policy.backoff(8) > Duration::from_secs(1)));
    }

    /// A failure before any connection was opened: nothing listens on the port.
    async fn refused() -> reqwest::Error {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        drop(listener);
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client")
            .post(format!("http://127.0.0.1:{port}/ess/rest/scheduler/v1/requests"))
            .send()
            .await
            .expect_err("nothing listens")
    }

    /// A failure after the request was sent: the server accepts the connection and never replies.
    async fn no_reply() -> reqwest::Error {
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = silent.local_addr().expect("address");
        let held = tokio::spawn(async move {
            let (stream, _) = silent.accept().await.expect("accept");
            std::future::pending::<()>().await;
            drop(stream);
        });
        let error = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_millis(200))
            .build()
            .expect("client")
            .post(format!("http://{address}/ess/rest/scheduler/v1/requests"))
            .send()
            .await
            .expect_err("no reply");
        held.abort();
        error
    }

    /// A failure a second try meets again: an `https` URL whose server speaks plain HTTP.
    async fn not_tls() -> reqwest::Error {
        use tokio::io::AsyncWriteExt as _;
        let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = plain.local_addr().expect("address");
        let server = tokio::spawn(async move {
            while let Ok((mut stream, _)) = plain.accept().await {
                let _ = stream
                    .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                    .await;
            }
        });
        let error = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client")
            .get(format!("https://{address}/ess/rest/scheduler/v1/requests/1"))
            .send()
            .await
            .expect_err("not TLS");
        server.abort();
        error
    }

    #[tokio::test]
    async fn a_connection_that_never_opened_is_retried_whatever_the_method() {
        let error = refused().await;
        assert!(is_retryable_transport(&error), "{error:?}");
        let policy = RetryPolicy::default();
        assert!(policy.may_retry_transport(&Method::GET, &error));
        assert!(
            policy.may_retry_transport(&Method::POST, &error),
            "the server cannot have seen a submit whose connection never opened"
        );
    }

    #[tokio::test]
    async fn a_request_the_server_may_have_seen_is_retried_only_when_safe_to_repeat() {
        let error = no_reply().await;
        assert!(is_retryable_transport(&error), "{error:?}");
        let policy = RetryPolicy::default();
        assert!(policy.may_retry_transport(&Method::GET, &error));
        assert!(
            !policy.may_retry_transport(&Method::POST, &error),
            "a submit that may have been received is not sent twice"
        );
        assert!(
            policy
                .retry_non_idempotent(true)
                .may_retry_transport(&Method::POST, &error)
        );
    }

    #[tokio::test]
    async fn a_failure_a_second_try_would_meet_again_is_never_retried() {
        let error = not_tls().await;
        assert!(error.is_connect(), "{error:?}");
        assert!(!is_retryable_transport(&error), "{error:?}");
        let opted_in = RetryPolicy::default().retry_non_idempotent(true);
        assert!(!opted_in.may_retry_transport(&Method::GET, &error));
        assert!(!opted_in.may_retry_transport(&Method::POST, &error));
    }
}
