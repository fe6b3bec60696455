//! A client's request budget: how many requests per second it may send to its service, shared by every call,
//! waiter and wait set of the client and its clones.
//!
//! Oracle throttles per identity domain and per service, answering `429` (with `Retry-After`) above its limits. A
//! thousand waits started at once poll as fast as their policies allow; without a bound in the process, their
//! bursts are what the server refuses. The budget is a token bucket (a rate, and a burst of requests that may go at
//! once) that every attempt of every call takes a token from before it is sent, and it adapts as AWS's adaptive
//! retry mode does:
//!
//! - a `429` or `503` reply lowers the rate (multiplied by 0.7, never below a tenth of the configured rate), once
//!   per round of requests: replies to requests sent before the last decrease do not lower it again;
//! - each reply that is not a refusal raises it again by a fiftieth of the configured rate, up to the configured
//!   rate, never above;
//! - a `Retry-After` on a `429` or `503` pauses every request of the budget until it has passed (at most
//!   [`RequestBudget::max_pause`]), not only the call that received it: every wait of the service holds back.
//!
//! Waiting for a token is asynchronous (tokio's timer: it follows tokio's paused clock in tests) and first come,
//! first served; it counts against the call's [total timeout](crate::ClientBuilder::total_timeout): a call whose
//! token would come after its deadline ends at once with [`Error::BudgetTimeout`](crate::Error::BudgetTimeout).
//!
//! Not a crate such as `governor`: its quota is fixed when the limiter is made (the adaptive rate would mean
//! replacing the limiter, and its stored state, on every reply), and its waiting runs on its own clock rather than
//! tokio's, which tests on a paused clock need. The bucket here is a few lines of arithmetic behind a mutex.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// A request budget: a rate and a burst, set with [`ClientBuilder::request_budget`](crate::ClientBuilder::request_budget).
///
/// Without one (the default) a client sends as fast as its callers ask, exactly as before: the budget costs one
/// `Option` check per attempt when absent.
///
/// ```
/// use std::time::Duration;
/// use sdk_runtime::RequestBudget;
///
/// // 20 requests per second, up to 5 at once: a thousand polls due together go out over 50 seconds.
/// let budget = RequestBudget::per_second(20.0).burst(5).max_pause(Duration::from_secs(30));
/// assert_eq!(budget.rate(), 20.0);
/// assert_eq!(budget.burst_size(), 5);
/// // Then, with a service crate:
/// // `sdk_workrequests::Client::builder(url).request_budget(budget).build()?`
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBudget {
    rate: f64,
    burst: u32,
    max_pause: Duration,
}

impl RequestBudget {
    /// `rate` requests per second (at least one request an hour), with a burst of one: requests are spaced
    /// evenly. A rate that is not a number is taken as one request per second.
    pub fn per_second(rate: f64) -> Self {
        let rate = if rate.is_nan() { 1.0 } else { rate.max(1.0 / 3600.0) };
        Self {
            rate,
            burst: 1,
            max_pause: Duration::from_secs(60),
        }
    }

    /// Requests that may be sent at once after a quiet moment (at least 1; default 1). A budget starts full.
    pub fn burst(mut self, requests: u32) -> Self {
        self.burst = requests.max(1);
        self
    }

    /// The longest a server's `Retry-After` pauses the whole budget (default 60 s). A longer one pauses it this
    /// long; the call that received it still follows its retry policy.
    pub fn max_pause(mut self, pause: Duration) -> Self {
        self.max_pause = pause;
        self
    }

    /// The configured rate, in requests per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The configured burst.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }
}

/// The factor a throttled reply multiplies the rate by (AWS's adaptive mode uses the same β).
const DECREASE: f64 = 0.7;
/// The lowest rate, as a share of the configured one.
const FLOOR: f64 = 0.1;
/// What each successful reply adds to the rate, as a share of the configured one.
const INCREASE: f64 = 0.02;

/// The budget's state, shared by a client and its clones.
#[derive(Debug)]
pub(crate) struct Budget {
    config: RequestBudget,
    /// First come, first served: the caller holding it is the next to get a token; the others wait their turn.
    turn: tokio::sync::Mutex<()>,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// The current rate, requests per second.
    rate: f64,
    tokens: f64,
    /// When `tokens` was last brought up to date (a pause's end while paused).
    refilled: Instant,
    /// No request leaves before this instant (a server's `Retry-After`).
    paused_until: Option<Instant>,
    /// When the rate was last lowered: replies to requests sent before it do not lower it again.
    decreased: Option<Instant>,
}

/// The token a call was granted: when its request left, to tell which decrease a reply answers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Grant {
    sent: Instant,
}

/// The call's deadline comes before the budget would let it go.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NoRoom {
    /// How long the call waited for its turn.
    pub waited: Duration,
}

impl Budget {
    pub(crate) fn new(config: RequestBudget) -> Self {
        let now = Instant::now();
        Self {
            bucket: Mutex::new(Bucket {
                rate: config.rate,
                tokens: f64::from(config.burst),
                refilled: now,
                paused_until: None,
                decreased: None,
            }),
            turn: tokio::sync::Mutex::new(()),
            config,
        }
    }

    fn bucket(&self) -> std::sync::MutexGuard<'_, Bucket> {
        // The bucket is plain numbers, consistent after any statement: a panic elsewhere cannot leave it broken.
        self.bucket.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current rate, in requests per second.
    pub(crate) fn current_rate(&self) -> f64 {
        self.bucket().rate
    }

    /// Waits for a token, first come first served; fails at once when the token would come after `deadline`.
    pub(crate) async fn acquire(&self, deadline: Option<Instant>) -> Result<Grant, NoRoom> {
        let started = Instant::now();
        let no_room = || NoRoom {
            waited: started.elapsed(),
        };
        let _turn = match deadline {
            None => self.turn.lock().await,
            Some(deadline) => tokio::time::timeout_at(deadline, self.turn.lock())
                .await
                .map_err(|_| no_room())?,
        };
        loop {
            let now = Instant::now();
            let ready = self.bucket().take(now, &self.config);
            let Some(at) = ready else {
                return Ok(Grant { sent: now });
            };
            if deadline.is_some_and(|deadline| at > deadline) {
                return Err(no_room());
            }
            // Woken at the token's time, the state is read again: a pause or a lower rate set meanwhile applies.
            tokio::time::sleep_until(at).await;
        }
    }

    /// Takes what a reply says into account: a `429` or `503` lowers the rate (and pauses the budget for its
    /// `Retry-After`), any other reply raises it towards the configured rate.
    pub(crate) fn observe(&self, grant: Grant, status: http::StatusCode, retry_after: Option<Duration>) {
        let now = Instant::now();
        let mut bucket = self.bucket();
        if matches!(status.as_u16(), 429 | 503) {
            bucket.throttled(grant.sent, now, retry_after, &self.config);
        } else {
            bucket.succeeded(grant.sent, &self.config);
        }
    }
}

impl Bucket {
    /// Brings the tokens up to `now` at the current rate.
    fn refill(&mut self, now: Instant, config: &RequestBudget) {
        if now > self.refilled {
            let earned = (now - self.refilled).as_secs_f64() * self.rate;
            self.tokens = (self.tokens + earned).min(f64::from(config.burst));
            self.refilled = now;
        }
    }

    /// Takes a token if there is one now (`None`), or says when there will be one.
    fn take(&mut self, now: Instant, config: &RequestBudget) -> Option<Instant> {
        if let Some(until) = self.paused_until {
            if now < until {
                return Some(until);
            }
            self.paused_until = None;
        }
        self.refill(now, config);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return None;
        }
        let missing = (1.0 - self.tokens) / self.rate;
        // At least a microsecond, so that a rounding error never makes a caller spin.
        Some(now + Duration::from_secs_f64(missing).max(Duration::from_micros(1)))
    }

    fn throttled(&mut self, sent: Instant, now: Instant, retry_after: Option<Duration>, config: &RequestBudget) {
        self.refill(now, config);
        if self.decreased.is_none_or(|last| sent >= last) {
            self.rate = (self.rate * DECREASE).max(config.rate * FLOOR);
            self.decreased = Some(now);
            // The server refused: what the bucket had saved is not there to spend.
            self.tokens = self.tokens.min(0.0);
        }
        if let Some(pause) = retry_after {
            let until = now + pause.min(config.max_pause);
            if self.paused_until.is_none_or(|current| until > current) {
                self.paused_until = Some(until);
                // Tokens accrue from the pause's end; its first request leaves at once.
                self.refilled = until;
                self.tokens = 1.0;
            }
        }
    }

    fn succeeded(&mut self, sent: Instant, config: &RequestBudget) {
        if self.decreased.is_none_or(|last| sent >= last) {
            self.rate = (self.rate + config.rate * INCREASE).min(config.rate);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    const MS: Duration = Duration::from_millis(1);

    /// Whether `at` is `expected`, give or take the rounding of a float rate and of tokio's millisecond timer.
    fn near(at: Option<Instant>, expected: Instant) -> bool {
        at.is_some_and(|at| at.max(expected) - at.min(expected) <= 2 * MS)
    }

    fn bucket(config: &RequestBudget, now: Instant) -> Bucket {
        Bucket {
            rate: config.rate,
            tokens: f64::from(config.burst),
            refilled: now,
            paused_until: None,
            decreased: None,
        }
    }

    #[test]
    fn a_full_bucket_lets_its_burst_go_then_spaces_requests_at_the_rate() {
        let config = RequestBudget::per_second(20.0).burst(5);
        let t0 = Instant::now();
        let mut b = bucket(&config, t0);
        for _ in 0..5 {
            assert_eq!(b.take(t0, &config), None);
        }
        assert!(near(b.take(t0, &config), t0 + 50 * MS));
        assert_eq!(b.take(t0 + 51 * MS, &config), None);
        assert!(near(b.take(t0 + 60 * MS, &config), t0 + 101 * MS));
        // A quiet second refills the burst, not more.
        let later = t0 + Duration::from_secs(10);
        let granted = (0..10).filter(|_| b.take(later, &config).is_none()).count();
        assert_eq!(granted, 5);
    }

    #[test]
    fn a_throttle_lowers_the_rate_once_per_round_and_successes_bring_it_back_to_the_configured_rate() {
        let config = RequestBudget::per_second(20.0);
        let t0 = Instant::now();
        let mut b = bucket(&config, t0);
        b.throttled(t0, t0 + MS, None, &config);
        assert!((b.rate - 14.0).abs() < 1e-9, "{}", b.rate);
        // Another refusal of a request sent before that decrease does not lower it again.
        b.throttled(t0, t0 + 2 * MS, None, &config);
        assert!((b.rate - 14.0).abs() < 1e-9, "{}", b.rate);
        // One sent after it does.
        b.throttled(t0 + 2 * MS, t0 + 3 * MS, None, &config);
        assert!((b.rate - 9.8).abs() < 1e-9, "{}", b.rate);
        // Replies to requests sent before the last decrease do not raise it either.
        b.succeeded(t0 + MS, &config);
        assert!((b.rate - 9.8).abs() < 1e-9, "{}", b.rate);
        let mut successes = 0;
        while b.rate < config.rate {
            b.succeeded(t0 + 4 * MS, &config);
            successes += 1;
            assert!(successes < 100, "the rate never came back");
        }
        assert_eq!(b.rate, 20.0, "never above the configured rate");
        b.succeeded(t0 + 4 * MS, &config);
        assert_eq!(b.rate, 20.0);
    }

    #[test]
    fn the_rate_never_falls_below_a_tenth_of_the_configured_rate() {
        let config = RequestBudget::per_second(20.0);
        let t0 = Instant::now();
        let mut b = bucket(&config, t0);
        for i in 0..50 {
            b.throttled(t0 + i * MS, t0 + i * MS, None, &config);
        }
        assert!((b.rate - 2.0).abs() < 1e-9, "{}", b.rate);
    }

    #[test]
    fn retry_after_pauses_every_request_until_it_has_passed_at_most_max_pause() {
        let config = RequestBudget::per_second(100.0)
            .burst(10)
            .max_pause(Duration::from_secs(30));
        let t0 = Instant::now();
        let mut b = bucket(&config, t0);
        b.throttled(t0, t0, Some(Duration::from_secs(5)), &config);
        let resume = t0 + Duration::from_secs(5);
        assert_eq!(b.take(t0 + MS, &config), Some(resume));
        assert_eq!(b.take(resume - MS, &config), Some(resume));
        assert_eq!(
            b.take(resume, &config),
            None,
            "the first request after the pause goes at once"
        );
        assert!(
            b.take(resume, &config).is_some(),
            "the others follow at the lowered rate"
        );
        // A shorter Retry-After does not shorten a pause; a longer one is capped.
        b.throttled(resume, resume, Some(Duration::from_secs(3600)), &config);
        assert_eq!(b.take(resume, &config), Some(resume + Duration::from_secs(30)));
        b.throttled(resume, resume, Some(Duration::from_secs(1)), &config);
        assert_eq!(b.take(resume, &config), Some(resume + Duration::from_secs(30)));
    }

    #[test]
    fn configuration_is_kept_within_sense() {
        assert_eq!(RequestBudget::per_second(0.0).rate(), 1.0 / 3600.0);
        assert_eq!(RequestBudget::per_second(-5.0).rate(), 1.0 / 3600.0);
        assert_eq!(RequestBudget::per_second(f64::NAN).rate(), 1.0);
        assert_eq!(RequestBudget::per_second(3.0).burst(0).burst_size(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_callers_are_served_in_turn_at_the_rate() {
        let budget = std::sync::Arc::new(Budget::new(RequestBudget::per_second(10.0).burst(2)));
        let t0 = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let budget = budget.clone();
            tasks.push(tokio::spawn(async move {
                budget.acquire(None).await.map(|_| Instant::now() - t0).map_err(|_| ())
            }));
        }
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.expect("joined").expect("no deadline"));
        }
        times.sort();
        for (time, expected_ms) in times.iter().zip([0, 0, 100, 200, 300, 400]) {
            assert!(near(Some(t0 + *time), t0 + expected_ms * MS), "{times:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_beyond_the_deadline_is_refused_at_once() {
        let budget = Budget::new(RequestBudget::per_second(1.0));
        let t0 = Instant::now();
        assert!(budget.acquire(Some(t0 + 10 * MS)).await.is_ok());
        let refused = budget.acquire(Some(t0 + 500 * MS)).await;
        assert!(refused.is_err());
        assert_eq!(Instant::now(), t0, "it did not wait for a token it could not use");
        let grant = budget
            .acquire(Some(t0 + Duration::from_secs(2)))
            .await
            .expect("in time");
        assert!(near(Some(grant.sent), t0 + Duration::from_secs(1)));
        budget.observe(grant, StatusCode::TOO_MANY_REQUESTS, Some(Duration::from_secs(4)));
        assert!(budget.current_rate() < 1.0);
    }
}
