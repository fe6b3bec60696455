//! The one state machine of a wait for one piece of work, shared by the single [`Waiter`](super::Waiter) and the
//! [`WaitSet`](super::WaitSet), which only schedule: a poll's status or error goes in, the time of the next poll
//! or the outcome comes out.
//!
//! It holds the rules a user relies on, in one place: a status is read by the service's one classification
//! ([`Classified::phase`], under the policy); transient poll failures are tolerated up to the policy's error
//! budget and a permanent one ends the wait; a server's `Retry-After` pushes the next poll back, never forward;
//! at the policy's deadline there is one last poll, then the wait times out with that poll's status.

use std::fmt::Display;
use std::time::Duration;

use tokio::time::Instant;

use serde::de::DeserializeOwned;

use super::{Class, Classified, Lifecycle, Outcome, Phase, WaitPolicy};
use crate::{Error, UnreadReply};

/// One reply to a status poll.
#[derive(Clone, Debug)]
pub struct Polled<T> {
    /// The status document.
    pub status: T,
    /// A `Retry-After` the server sent with it, if any.
    pub retry_after: Option<Duration>,
}

impl<T> From<progenitor_client::ResponseValue<T>> for Polled<T> {
    /// The body of a generated call's reply, with the `Retry-After` it carried.
    fn from(response: progenitor_client::ResponseValue<T>) -> Self {
        let retry_after = crate::retry::retry_after(response.headers(), std::time::SystemTime::now());
        Self {
            status: response.into_inner(),
            retry_after,
        }
    }
}

impl<T> Polled<T> {
    /// The same reply, its document read (the form of a brief poll that read the whole document).
    pub fn some(self) -> Polled<Option<T>> {
        Polled {
            status: Some(self.status),
            retry_after: self.retry_after,
        }
    }
}

impl<T> Polled<Option<T>> {
    /// A brief poll ([`PollTarget::fetch_brief`](super::PollTarget::fetch_brief)) of `reply`: only `V`, a view of
    /// the members that say whether the work goes on, is read while the work runs (`status: None`); the whole
    /// document is decoded once it does not, or when `V` cannot be read (so that an unreadable reply fails as it
    /// always has). `V`'s [`Lifecycle`] must be the status's own, read from the same members.
    ///
    /// Per poll of a running job this skips decoding, and dropping, every other member of the document: for ESS's
    /// 80-member `RequestDetails`, most of what a poll costs the client beyond the HTTP exchange.
    pub fn unless_running<V>(reply: UnreadReply<T>) -> Result<Self, Error>
    where
        V: DeserializeOwned + Lifecycle,
    {
        let retry_after = reply.retry_after();
        if reply.view::<V>().is_some_and(|view| view.class() == Class::Running) {
            return Ok(Self {
                status: None,
                retry_after,
            });
        }
        Ok(Self {
            status: Some(reply.decode()?.into_inner()),
            retry_after,
        })
    }
}

/// How the scheduler spaces its polls: the delay its policy gives after this poll, and the time that delay
/// counts from (a waiter: when the reply came; a wait set: when the poll was due).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spacing {
    pub(crate) base: Instant,
    pub(crate) delay: Duration,
}

/// When to poll again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Again {
    /// When the next poll is due: the scheduler's delay, or the server's `Retry-After` if that is later, or the
    /// deadline for the last poll.
    pub(crate) at: Instant,
    /// The earliest the server allows it (`Retry-After` from now; now without one).
    pub(crate) not_before: Instant,
    /// Whether the next poll is the last one, at the deadline.
    pub(crate) last_poll: bool,
}

/// What the state machine makes of a poll.
#[derive(Debug)]
pub(crate) enum Next<T> {
    /// Still going: poll again.
    Again(Again),
    /// The wait ended.
    Done(Outcome<T>),
}

/// The polling state of one wait: when it started, how many polls and failures in a row, and whether the last
/// poll at the deadline was made. A few words, so a set can hold one for each of a hundred thousand waits; no
/// status is kept between polls (a status can be kilobytes).
#[derive(Clone, Debug)]
pub(crate) struct PollState {
    started: Instant,
    polls: u32,
    /// Saturates: a budget of 65,535 failures or more never runs out.
    failures_in_a_row: u16,
    last_poll_made: bool,
}

impl PollState {
    /// A wait that started at `started` (the deadline counts from it).
    pub(crate) fn new(started: Instant) -> Self {
        Self {
            started,
            polls: 0,
            failures_in_a_row: 0,
            last_poll_made: false,
        }
    }

    /// When the wait started.
    pub(crate) fn started(&self) -> Instant {
        self.started
    }

    /// How many polls have been settled.
    pub(crate) fn polls(&self) -> u32 {
        self.polls
    }

    /// Settles one poll made under `policy` (its reply, or the error of the call) at `now`; `spacing` is the
    /// scheduler's delay after it. `id` names the wait in traces, for a set. A reply without its document is a
    /// brief poll's: the work is still running.
    pub(crate) fn settle<T: Classified>(
        &mut self,
        result: Result<Polled<Option<T>>, Error>,
        policy: &WaitPolicy,
        spacing: Spacing,
        now: Instant,
        id: Option<&dyn Display>,
    ) -> Next<T> {
        self.polls += 1;
        let poll = self.polls;
        let id = id.map(tracing::field::display);
        let (status, retry_after) = match result {
            Ok(Polled {
                status: None,
                retry_after,
            }) => {
                self.failures_in_a_row = 0;
                (None, retry_after)
            }
            Ok(Polled {
                status: Some(status),
                retry_after,
            }) => {
                self.failures_in_a_row = 0;
                match status.phase(policy) {
                    Phase::Running => (Some(status), retry_after),
                    Phase::Succeeded => return Next::Done(Outcome::Succeeded(status)),
                    Phase::Cancelled => return Next::Done(Outcome::Cancelled(status)),
                    Phase::Failed(failure) => return Next::Done(Outcome::Failed { status, failure }),
                    Phase::NeedsAction(reason) => return Next::Done(Outcome::NeedsAction { status, reason }),
                }
            }
            Err(error) => {
                self.failures_in_a_row = self.failures_in_a_row.saturating_add(1);
                let transient = error.is_retryable();
                if !transient || u32::from(self.failures_in_a_row) > policy.poll_error_budget() {
                    tracing::warn!(id, poll, error = %error, transient, "polling failed");
                    return Next::Done(Outcome::PollFailed {
                        error,
                        last: None,
                        polls: poll,
                    });
                }
                tracing::info!(id, poll, error = %error, "poll failed, will poll again");
                (None, error.api().and_then(|api| api.retry_after()))
            }
        };
        let ours = spacing.base + spacing.delay;
        let not_before = retry_after.map_or(now, |server| now + server);
        let mut again = Again {
            at: retry_after.map_or(ours, |_| ours.max(not_before)),
            not_before,
            last_poll: false,
        };
        if let Some(deadline) = policy.wait_limit().map(|max| self.started + max)
            && again.at >= deadline
        {
            if self.last_poll_made {
                // Only the status of the last poll is kept, for the outcome.
                return Next::Done(Outcome::TimedOut {
                    last: status,
                    elapsed: now.saturating_duration_since(self.started),
                    polls: poll,
                });
            }
            // One last look at the deadline itself, rather than giving up without it.
            self.last_poll_made = true;
            again.at = deadline;
            again.last_poll = true;
        }
        Next::Again(again)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wait::{Class, Failure, Lifecycle};

    #[derive(Clone, Debug, PartialEq)]
    struct Job(&'static str);

    impl Lifecycle for Job {
        fn class(&self) -> Class {
            match self.0 {
                "DONE" => Class::Succeeded,
                "WARNING" => Class::Warning,
                "FAILED" => Class::Failed,
                "CANCELLED" => Class::Cancelled,
                "HOLD" => Class::NeedsAction("release it"),
                _ => Class::Running,
            }
        }
    }

    impl Classified for Job {
        fn state(&self) -> String {
            self.0.to_owned()
        }

        fn failure(&self) -> Failure {
            Failure {
                state: self.0.to_owned(),
                code: Some("E1".to_owned()),
                messages: vec!["boom".to_owned()],
            }
        }
    }

    fn error(status: u16, retry_after: Option<Duration>) -> Error {
        crate::error::test_http_error(status, retry_after)
    }

    fn ok(state: &'static str) -> Result<Polled<Option<Job>>, Error> {
        Ok(Polled {
            status: Some(Job(state)),
            retry_after: None,
        })
    }

    const SECOND: Duration = Duration::from_secs(1);

    /// A spacing of `delay` seconds from `base`.
    fn spacing(base: Instant, delay: u64) -> Spacing {
        Spacing {
            base,
            delay: Duration::from_secs(delay),
        }
    }

    fn again(next: Next<Job>) -> Again {
        match next {
            Next::Again(again) => again,
            Next::Done(outcome) => panic!("expected another poll, got {outcome:?}"),
        }
    }

    fn done(next: Next<Job>) -> Outcome<Job> {
        match next {
            Next::Done(outcome) => outcome,
            Next::Again(again) => panic!("expected an outcome, got {again:?}"),
        }
    }

    #[test]
    fn a_running_status_asks_for_the_next_poll_after_the_schedulers_delay() {
        let t0 = Instant::now();
        let mut state = PollState::new(t0);
        let policy = WaitPolicy::default();
        let next = again(state.settle(ok("RUNNING"), &policy, spacing(t0, 2), t0, None));
        assert_eq!(
            next,
            Again {
                at: t0 + 2 * SECOND,
                not_before: t0,
                last_poll: false
            }
        );
        assert_eq!(state.polls(), 1);
    }

    #[test]
    fn each_class_ends_the_wait_as_its_outcome() {
        let t0 = Instant::now();
        let policy = WaitPolicy::default();
        let settle = |state: &'static str, policy: &WaitPolicy| {
            done(PollState::new(t0).settle(ok(state), policy, spacing(t0, 2), t0, None))
        };
        assert!(matches!(settle("DONE", &policy), Outcome::Succeeded(Job("DONE"))));
        assert!(matches!(settle("WARNING", &policy), Outcome::Succeeded(Job("WARNING"))));
        assert!(matches!(
            settle("FAILED", &policy),
            Outcome::Failed { failure, .. } if failure.code.as_deref() == Some("E1") && failure.messages == ["boom"]
        ));
        assert!(matches!(
            settle("CANCELLED", &policy),
            Outcome::Cancelled(Job("CANCELLED"))
        ));
        assert!(matches!(
            settle("HOLD", &policy),
            Outcome::NeedsAction { reason, .. } if reason == "HOLD: release it"
        ));
        let strict = policy.warning_is_failure(true);
        assert!(matches!(
            settle("WARNING", &strict),
            Outcome::Failed { failure, .. } if failure.state == "WARNING"
        ));
    }

    #[test]
    fn retry_after_pushes_the_next_poll_back_but_never_forward() {
        let t0 = Instant::now();
        let policy = WaitPolicy::default();
        let mut state = PollState::new(t0);
        let slow = Ok(Polled {
            status: Some(Job("RUNNING")),
            retry_after: Some(30 * SECOND),
        });
        let next = again(state.settle(slow, &policy, spacing(t0, 2), t0, None));
        assert_eq!((next.at, next.not_before), (t0 + 30 * SECOND, t0 + 30 * SECOND));
        // A brief poll (the document unread: running) counts the same way.
        let quick = Ok(Polled {
            status: None::<Job>,
            retry_after: Some(SECOND),
        });
        let next = again(state.settle(quick, &policy, spacing(t0, 4), t0, None));
        assert_eq!((next.at, next.not_before), (t0 + 4 * SECOND, t0 + SECOND));
        // A transient error's Retry-After counts the same way.
        let throttled = Err(error(503, Some(20 * SECOND)));
        let next = again(state.settle(throttled, &policy, spacing(t0, 8), t0, None));
        assert_eq!(next.at, t0 + 20 * SECOND);
    }

    #[test]
    fn transient_errors_are_tolerated_up_to_the_budget_and_a_success_resets_it() {
        let t0 = Instant::now();
        let policy = WaitPolicy::default().error_budget(2);
        let mut state = PollState::new(t0);
        for _ in 0..2 {
            again(state.settle(Err(error(503, None)), &policy, spacing(t0, 2), t0, None));
        }
        again(state.settle(ok("RUNNING"), &policy, spacing(t0, 2), t0, None));
        for _ in 0..2 {
            again(state.settle(Err(error(502, None)), &policy, spacing(t0, 2), t0, None));
        }
        let outcome = done(state.settle(Err(error(503, None)), &policy, spacing(t0, 2), t0, None));
        let Outcome::PollFailed { error, last, polls } = outcome else {
            panic!("expected a poll failure, got {outcome:?}");
        };
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert_eq!((last, polls), (None, 6));
    }

    #[test]
    fn a_permanent_error_ends_the_wait_at_once() {
        let t0 = Instant::now();
        let mut state = PollState::new(t0);
        let outcome = done(state.settle(Err(error(404, None)), &WaitPolicy::default(), spacing(t0, 2), t0, None));
        assert!(matches!(outcome, Outcome::PollFailed { polls: 1, .. }), "{outcome:?}");
    }

    #[test]
    fn the_deadline_gets_one_last_poll_then_times_out_with_its_status() {
        let t0 = Instant::now();
        let policy = WaitPolicy::default().max_wait(10 * SECOND);
        let mut state = PollState::new(t0);
        let next = again(state.settle(ok("RUNNING"), &policy, spacing(t0, 8), t0, None));
        assert_eq!(next.at, t0 + 8 * SECOND);
        assert!(!next.last_poll);
        // The next delay would pass the deadline: the next poll is at the deadline, and the last.
        let at_8 = t0 + 8 * SECOND;
        let next = again(state.settle(ok("RUNNING"), &policy, spacing(at_8, 16), at_8, None));
        assert_eq!(
            next,
            Again {
                at: t0 + 10 * SECOND,
                not_before: at_8,
                last_poll: true
            }
        );
        let at_10 = t0 + 10 * SECOND;
        let outcome = done(state.settle(ok("STILL_RUNNING"), &policy, spacing(at_10, 16), at_10, None));
        let Outcome::TimedOut { last, elapsed, polls } = outcome else {
            panic!("expected a timeout, got {outcome:?}");
        };
        assert_eq!((last, elapsed, polls), (Some(Job("STILL_RUNNING")), 10 * SECOND, 3));
    }

    #[test]
    fn an_end_seen_at_the_last_poll_counts_and_a_failed_last_poll_times_out_without_a_status() {
        let t0 = Instant::now();
        let policy = WaitPolicy::default().max_wait(SECOND);
        let mut state = PollState::new(t0);
        assert!(again(state.settle(ok("RUNNING"), &policy, spacing(t0, 2), t0, None)).last_poll);
        let mut ended = state.clone();
        assert!(matches!(
            done(ended.settle(ok("DONE"), &policy, spacing(t0, 4), t0 + SECOND, None)),
            Outcome::Succeeded(_)
        ));
        let outcome = done(state.settle(Err(error(503, None)), &policy, spacing(t0, 4), t0 + SECOND, None));
        assert!(
            matches!(
                outcome,
                Outcome::TimedOut {
                    last: None,
                    polls: 2,
                    ..
                }
            ),
            "{outcome:?}"
        );
    }

    #[test]
    fn an_unbounded_policy_never_times_out() {
        let t0 = Instant::now();
        let policy = WaitPolicy::default().unbounded();
        let mut state = PollState::new(t0);
        for _ in 0..1000 {
            assert!(!again(state.settle(ok("RUNNING"), &policy, spacing(t0, 86_400), t0, None)).last_poll);
        }
    }
}
