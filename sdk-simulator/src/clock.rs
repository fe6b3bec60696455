//! The virtual clock every simulated state is derived from.
//!
//! Requests of the three services carry plans ("WAIT for 2 s, READY for 1 s, RUNNING for two hours, then
//! SUCCEEDED"); their state at any moment is computed from the plan and the virtual time. A test moves the
//! virtual time with [`VirtualClock::advance`] or [`VirtualClock::set`], so a two-hour job ends after a few
//! milliseconds of wall time. The clock can also run on its own at a chosen speed
//! ([`VirtualClock::set_speed`]), measured on tokio's clock, so it follows a paused tokio clock in tests.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// `at` moved forward by `by`, saturating at the latest time a date can hold: a plan of steps however long, or a
/// clock advanced however far, never overflows (a `DateTime` addition that does panics).
pub(crate) fn later(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(by)
        .ok()
        .and_then(|by| at.checked_add_signed(by))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A shared virtual clock. Clones share the same time.
#[derive(Clone, Debug)]
pub struct VirtualClock {
    inner: Arc<Mutex<ClockState>>,
}

#[derive(Debug)]
struct ClockState {
    /// Virtual time at `anchor`.
    at_anchor: DateTime<Utc>,
    /// Tokio instant at which `at_anchor` was the virtual time.
    anchor: tokio::time::Instant,
    /// Virtual seconds per real second; 0 means the clock moves only when told.
    speed: f64,
}

impl ClockState {
    fn now(&self) -> DateTime<Utc> {
        if self.speed <= 0.0 {
            return self.at_anchor;
        }
        let real = tokio::time::Instant::now().saturating_duration_since(self.anchor);
        // Not `mul_f64`, which panics when a high speed runs for long enough to leave `Duration`'s range.
        match Duration::try_from_secs_f64(real.as_secs_f64() * self.speed) {
            Ok(virtual_time) => later(self.at_anchor, virtual_time),
            Err(_) => DateTime::<Utc>::MAX_UTC,
        }
    }

    fn rebase(&mut self) {
        self.at_anchor = self.now();
        self.anchor = tokio::time::Instant::now();
    }
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::starting_at(default_start())
    }
}

/// The default start of the virtual time: the wall-clock time, whole seconds.
fn default_start() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}

impl VirtualClock {
    /// A clock that starts at `start` and stands still until advanced.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            inner: Arc::new(Mutex::new(ClockState {
                at_anchor: start,
                anchor: tokio::time::Instant::now(),
                speed: 0.0,
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, ClockState> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current virtual time.
    pub fn now(&self) -> DateTime<Utc> {
        self.state().now()
    }

    /// Moves the virtual time forward by `by` (at most to the latest time a date can hold).
    pub fn advance(&self, by: Duration) {
        let mut state = self.state();
        state.rebase();
        state.at_anchor = later(state.at_anchor, by);
    }

    /// Sets the virtual time (also backwards; states are recomputed from it, so moving back is allowed
    /// but rarely useful).
    pub fn set(&self, to: DateTime<Utc>) {
        let mut state = self.state();
        state.anchor = tokio::time::Instant::now();
        state.at_anchor = to;
    }

    /// Lets the clock run by itself: `speed` virtual seconds per second of tokio time (`3600.0` makes an
    /// hour pass in a second). `0.0` stops it (the default). Tokio time is wall time, or the paused test
    /// clock under `#[tokio::test(start_paused = true)]`.
    pub fn set_speed(&self, speed: f64) {
        let mut state = self.state();
        state.rebase();
        state.speed = if speed.is_finite() && speed > 0.0 { speed } else { 0.0 };
    }

    /// The clock's speed (virtual seconds per real second; 0 when it stands still).
    pub fn speed(&self) -> f64 {
        self.state().speed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_and_set() {
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let clock = VirtualClock::starting_at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(7200));
        assert_eq!(clock.now(), start + chrono::Duration::hours(2));
        clock.set(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn advancing_past_the_latest_date_stops_there() {
        // Found by fuzzing the admin endpoint `POST /_simulator/clock/advance` with `{"seconds": 7.2e16}`: the
        // addition overflowed and the handler panicked.
        let clock = VirtualClock::default();
        clock.advance(Duration::from_secs(72_111_111_111_111_100));
        assert_eq!(clock.now(), DateTime::<Utc>::MAX_UTC);
        clock.advance(Duration::from_secs(1));
        assert_eq!(clock.now(), DateTime::<Utc>::MAX_UTC);
        clock.set_speed(1e300);
        assert_eq!(clock.now(), DateTime::<Utc>::MAX_UTC);
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        assert_eq!(later(start, Duration::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(
            later(start, Duration::from_secs(60)),
            start + chrono::Duration::minutes(1)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn runs_at_speed_on_tokio_time() {
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let clock = VirtualClock::starting_at(start);
        clock.set_speed(60.0);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(clock.now(), start + chrono::Duration::minutes(2));
    }
}
