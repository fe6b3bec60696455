//! The state shared by the server, the admin endpoints and the [`crate::simulator::Simulator`] handle.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::analytics::OacState;
use crate::auth::AuthConfig;
use crate::clock::VirtualClock;
use crate::ess::EssState;
use crate::faults::FaultTable;
use crate::ogg::OggState;
use crate::rate_limit::RateLimits;
use crate::recorder::Recorder;

/// Everything that changes, behind one lock (never held across an `.await`).
#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub ess: EssState,
    pub ogg: OggState,
    pub oac: OacState,
    pub faults: FaultTable,
    pub auth: AuthConfig,
    pub recorder: Recorder,
    pub retention: Retention,
    pub rate_limits: RateLimits,
}

/// Finished jobs kept by default in each service: the newest 10,000.
pub(crate) const DEFAULT_KEEP_FINISHED: usize = 10_000;

/// How long finished jobs are kept, per service (ESS requests, GoldenGate background requests, Analytics work
/// requests are each bounded alone). Active jobs are never dropped; a dropped job is unknown from then on
/// (404), as a request purged by a real server.
///
/// The stores are checked before each service request is answered (and after each GoldenGate request created
/// through the simulator): for the count when a store holds more than `keep_finished` plus a tenth and has
/// grown by a tenth of `keep_finished` since its last check (so that many active jobs do not make every call
/// scan), for the age at most every tenth of `keep_finished_for` of virtual time. A job finished longer ago
/// than `keep_finished_for + keep_finished_for / 10` is gone at the next call; scanning a store is rare under
/// a steady load.
#[derive(Clone, Debug)]
pub(crate) struct Retention {
    pub keep_finished: usize,
    pub keep_finished_for: Option<Duration>,
    /// Virtual time of the next check of ages.
    next_age_check: Option<DateTime<Utc>>,
    /// Jobs held by each store (ESS, GoldenGate, Analytics) after its last check of the count.
    checked_len: [usize; 3],
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            keep_finished: DEFAULT_KEEP_FINISHED,
            keep_finished_for: None,
            next_age_check: None,
            checked_len: [0; 3],
        }
    }
}

impl Retention {
    /// Whether store `i`, holding `len` jobs, is due for a check of the count.
    fn count_due(&self, i: usize, len: usize) -> bool {
        let slack = self.keep_finished / 10;
        let last = self.checked_len.get(i).copied().unwrap_or(0);
        len > self.keep_finished.saturating_add(slack) && len > last.saturating_add(slack)
    }

    /// Forgets the lengths seen at the last checks (the stores were emptied).
    pub(crate) fn stores_cleared(&mut self) {
        self.checked_len = [0; 3];
    }
}

/// The finished jobs to drop from a store: given each finished job's end and key, the keys of those older than
/// `max_age` and of the oldest beyond `keep` (ties in end time: the smaller key goes first).
pub(crate) fn to_drop<K: Ord>(
    mut finished: Vec<(DateTime<Utc>, K)>,
    now: DateTime<Utc>,
    max_age: Option<Duration>,
    keep: usize,
) -> Vec<K> {
    finished.sort_unstable();
    let expired = max_age
        .and_then(|age| chrono::Duration::from_std(age).ok())
        .and_then(|age| now.checked_sub_signed(age))
        .map_or(0, |limit| finished.partition_point(|(end, _)| *end <= limit));
    let excess = finished.len().saturating_sub(keep);
    finished.truncate(expired.max(excess));
    finished.into_iter().map(|(_, k)| k).collect()
}

impl Inner {
    /// Drops finished jobs beyond the [`Retention`] bounds, when a check is due.
    pub(crate) fn prune(&mut self, now: DateTime<Utc>) {
        let r = &mut self.retention;
        let age_due = match (r.keep_finished_for, r.next_age_check) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(_), Some(at)) => now >= at,
        };
        if age_due {
            let step = r.keep_finished_for.unwrap_or_default() / 10;
            r.next_age_check = Some(crate::clock::later(now, step));
        }
        let (keep, max_age) = (r.keep_finished, r.keep_finished_for);
        let age = age_due.then_some(max_age).flatten();
        if age_due || r.count_due(0, self.ess.len()) {
            let doomed = to_drop(self.ess.finished(now), now, age, keep);
            self.ess.remove(&doomed);
            self.retention.checked_len[0] = self.ess.len();
        }
        if age_due || self.retention.count_due(1, self.ogg.len()) {
            let doomed = to_drop(self.ogg.finished(now), now, age, keep);
            self.ogg.remove(&doomed);
            self.retention.checked_len[1] = self.ogg.len();
        }
        if age_due || self.retention.count_due(2, self.oac.len()) {
            let doomed = to_drop(self.oac.finished(now), now, age, keep);
            self.oac.remove(&doomed);
            self.retention.checked_len[2] = self.oac.len();
        }
    }
}

/// Clock and state.
#[derive(Debug)]
pub(crate) struct Shared {
    pub clock: VirtualClock,
    /// `http` or `https`, for the links of replies.
    pub scheme: &'static str,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(clock: VirtualClock, scheme: &'static str, inner: Inner) -> Self {
        Self {
            clock,
            scheme,
            inner: Mutex::new(inner),
        }
    }

    /// Locks the state (a poisoned lock is taken over: the state stays usable after a panic elsewhere).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets requests of every service, faults, recorded requests and scenarios; keeps auth, clock and
    /// configuration.
    pub(crate) fn reset(&self) {
        let mut g = self.lock();
        g.ess.clear_requests();
        g.ess.scenarios.clear();
        g.ess.default_scenario = Default::default();
        g.ogg.clear_requests();
        g.oac.clear_requests();
        g.oac.scenarios.clear();
        g.oac.operation_scenarios.clear();
        g.oac.default_scenario = Default::default();
        g.faults.clear();
        g.recorder.clear();
        g.rate_limits.clear_counts();
        g.retention.stores_cleared();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_000_000 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn drops_the_first_finished_beyond_the_count() {
        let finished = vec![(at(30), 'c'), (at(10), 'a'), (at(20), 'b'), (at(20), 'x')];
        assert_eq!(to_drop(finished.clone(), at(100), None, 2), ['a', 'b']);
        assert_eq!(to_drop(finished.clone(), at(100), None, 4), Vec::<char>::new());
        assert_eq!(to_drop(finished, at(100), None, 0).len(), 4);
    }

    #[test]
    fn drops_the_ones_older_than_the_age_whatever_the_count() {
        let finished = vec![(at(10), 1), (at(50), 2), (at(90), 3)];
        let age = Some(Duration::from_secs(50));
        assert_eq!(to_drop(finished.clone(), at(100), age, 10), [1, 2]);
        assert_eq!(to_drop(finished, at(100), age, 0), [1, 2, 3]);
    }
}
