//! How often to poll, and for how long.

use std::time::Duration;

/// When a waiter polls: a first delay growing by a factor up to a maximum, with full jitter, for at most a total
/// time; transient poll failures are tolerated up to a budget.
///
/// The default waits at most **two hours**, polling after 2 s, 4 s, 8 s ... up to once a minute. The anchors'
/// defaults are too short for database jobs (OCI: 20 minutes) or unbounded (google-cloud-rust), so the bound
/// is long but real; pass [`WaitPolicy::max_wait`] to change it, or [`WaitPolicy::unbounded`] to wait forever.
///
/// ```
/// use std::time::Duration;
/// use sdk_runtime::wait::WaitPolicy;
///
/// let policy = WaitPolicy::default()
///     .initial_delay(Duration::from_secs(5))
///     .max_wait(Duration::from_secs(6 * 3600));
/// assert_eq!(policy.wait_limit(), Some(Duration::from_secs(6 * 3600)));
/// assert_eq!(policy.ceiling(1), Duration::from_secs(5));
/// assert_eq!(policy.ceiling(2), Duration::from_secs(10));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct WaitPolicy {
    initial_delay: Duration,
    growth: f64,
    max_delay: Duration,
    jitter: bool,
    max_wait: Option<Duration>,
    error_budget: u32,
    warnings_fail: bool,
}

impl Default for WaitPolicy {
    fn default() -> Self {
        Self {
            initial_delay: Duration::from_secs(2),
            growth: 2.0,
            max_delay: Duration::from_secs(60),
            jitter: true,
            max_wait: Some(Duration::from_secs(2 * 3600)),
            error_budget: 5,
            warnings_fail: false,
        }
    }
}

impl WaitPolicy {
    /// The delay bound before the second poll (the first poll is immediate).
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The factor by which the delay bound grows after each poll (at least 1).
    pub fn growth(mut self, factor: f64) -> Self {
        self.growth = if factor.is_finite() { factor.max(1.0) } else { 1.0 };
        self
    }

    /// The largest delay between two polls.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Full jitter (each delay uniform in `[0, bound]`, the default) or none (each delay exactly the bound).
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The longest a wait may take; the waiter polls one last time at the deadline.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = Some(max_wait);
        self
    }

    /// Waits without a time limit. Only for callers that bound the wait some other way.
    pub fn unbounded(mut self) -> Self {
        self.max_wait = None;
        self
    }

    /// How many poll failures in a row (transient ones: 429, 502, 503, 504, lost connections) are tolerated.
    pub fn error_budget(mut self, failures: u32) -> Self {
        self.error_budget = failures;
        self
    }

    /// Whether work that ended with warnings ([`Class::Warning`](super::Class::Warning): ESS `WARNING`) counts
    /// as failed. Oracle lists WARNING among the states that end a request and leaves what a warning means to the
    /// job, so by default (`false`) it is a success, as SUCCEEDED is; with `true` a wait ends in
    /// [`Outcome::Failed`](super::Outcome::Failed) with the request's warning message, and `until_success` is an
    /// error. `Lifecycle::is_success` reads the default.
    ///
    /// ```
    /// use sdk_runtime::wait::WaitPolicy;
    ///
    /// let strict = WaitPolicy::default().warning_is_failure(true);
    /// assert!(strict.warnings_fail() && !WaitPolicy::default().warnings_fail());
    /// ```
    pub fn warning_is_failure(mut self, fails: bool) -> Self {
        self.warnings_fail = fails;
        self
    }

    /// Whether work that ended with warnings counts as failed (see [`warning_is_failure`](Self::warning_is_failure)).
    pub fn warnings_fail(&self) -> bool {
        self.warnings_fail
    }

    /// The time limit, `None` when unbounded.
    pub fn wait_limit(&self) -> Option<Duration> {
        self.max_wait
    }

    /// The tolerated transient failures in a row.
    pub fn poll_error_budget(&self) -> u32 {
        self.error_budget
    }

    /// Whether delays are jittered.
    pub fn is_jittered(&self) -> bool {
        self.jitter
    }

    /// The upper bound of the delay after poll number `poll` (1 for the delay after the first poll).
    pub fn ceiling(&self, poll: u32) -> Duration {
        let exponent = i32::try_from(poll.saturating_sub(1)).unwrap_or(i32::MAX);
        let bound = self.initial_delay.as_secs_f64() * self.growth.powi(exponent);
        if bound.is_finite() && bound < self.max_delay.as_secs_f64() {
            Duration::from_secs_f64(bound)
        } else {
            self.max_delay
        }
    }

    /// The delay after poll number `poll`: the ceiling, jittered if jitter is on.
    pub fn delay(&self, poll: u32) -> Duration {
        let ceiling = self.ceiling(poll);
        if self.jitter {
            ceiling.mul_f64(fastrand::f64())
        } else {
            ceiling
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_grows_to_its_maximum() {
        let policy = WaitPolicy::default().jitter(false);
        let delays: Vec<u64> = (1..=8).map(|n| policy.delay(n).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(policy.delay(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn jitter_stays_within_the_ceiling() {
        let policy = WaitPolicy::default();
        for poll in 1..10 {
            for _ in 0..100 {
                assert!(policy.delay(poll) <= policy.ceiling(poll));
            }
        }
    }

    #[test]
    fn the_default_is_bounded() {
        assert_eq!(WaitPolicy::default().wait_limit(), Some(Duration::from_secs(7200)));
        assert_eq!(WaitPolicy::default().unbounded().wait_limit(), None);
    }

    #[test]
    fn odd_growth_factors_are_tamed() {
        assert_eq!(
            WaitPolicy::default().growth(0.5).jitter(false).delay(5),
            Duration::from_secs(2)
        );
        assert_eq!(
            WaitPolicy::default().growth(f64::NAN).jitter(false).delay(5),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn the_maximum_delay_set_caps_the_schedule() {
        let policy = WaitPolicy::default().jitter(false).max_delay(Duration::from_secs(10));
        let delays: Vec<u64> = (1..=6).map(|n| policy.delay(n).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 10, 10, 10]);
    }

    #[test]
    fn the_policy_tells_whether_it_jitters() {
        assert!(WaitPolicy::default().is_jittered());
        assert!(!WaitPolicy::default().jitter(false).is_jittered());
    }
}
