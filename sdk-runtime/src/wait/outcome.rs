//! How a wait ends, and what is seen on the way.

use std::time::Duration;

use crate::Error;

/// What one status document means for a wait under its policy ([`Classified::phase`](super::Classified::phase)):
/// the status's [`Class`](super::Class), with a failure's explanation.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Still going: poll again.
    Running,
    /// Ended well.
    Succeeded,
    /// Ended in failure, with the service's explanation.
    Failed(Failure),
    /// Ended because it was cancelled.
    Cancelled,
    /// Stopped until someone acts (an ESS request on HOLD or in ERROR_MANUAL_RECOVERY); waiting longer would not help.
    NeedsAction(String),
}

/// The service's explanation of a failure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Failure {
    /// The state or status that ended the work (`ERROR`, `FAILED`, `failed`).
    pub state: String,
    /// The service's cause or error code (an ESS `cause`, an Analytics error `code`).
    pub code: Option<String>,
    /// The service's message(s).
    pub messages: Vec<String>,
}

/// One status seen while waiting.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot<T> {
    /// The status document as the service sent it.
    pub status: T,
    /// The state as the service names it (`RUNNING`, `IN_PROGRESS`, `running`).
    pub state: String,
    /// Percent complete, where the service reports it.
    pub percent_complete: Option<f64>,
    /// Which poll this was (1 for the first).
    pub poll: u32,
    /// Time since the wait started.
    pub elapsed: Duration,
}

/// How a wait ended.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Outcome<T> {
    /// The work ended well; the final status document.
    Succeeded(T),
    /// The work failed; the final status document and the service's explanation.
    Failed {
        /// The final status document.
        status: T,
        /// Why it failed.
        failure: Failure,
    },
    /// The work was cancelled; the final status document.
    Cancelled(T),
    /// The work waits for someone to act; the status document and what is needed.
    NeedsAction {
        /// The status document.
        status: T,
        /// The state that needs action and what to do.
        reason: String,
    },
    /// The wait reached its maximum before the work ended.
    TimedOut {
        /// The status of the last poll, made at the deadline, if it succeeded.
        last: Option<T>,
        /// How long the wait took.
        elapsed: Duration,
        /// How many polls were made.
        polls: u32,
    },
    /// Polling failed: a permanent error (404, 403, an unreadable reply) or more transient ones in a row than
    /// the error budget allows.
    PollFailed {
        /// The last error.
        error: Error,
        /// Always `None` for the SDK's waiters and wait sets: they keep no status between polls (a status can be
        /// kilobytes, and a wait lives as long as the work); [`Waiter::into_stream`](super::Waiter::into_stream)
        /// shows each one.
        last: Option<T>,
        /// How many polls were made.
        polls: u32,
    },
}

impl<T> Outcome<T> {
    /// Whether the work ended well.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Succeeded(_))
    }

    /// The final (or last seen) status document.
    pub fn status(&self) -> Option<&T> {
        match self {
            Self::Succeeded(status) | Self::Cancelled(status) => Some(status),
            Self::Failed { status, .. } | Self::NeedsAction { status, .. } => Some(status),
            Self::TimedOut { last, .. } | Self::PollFailed { last, .. } => last.as_ref(),
        }
    }
}

/// Why a wait for success did not end in success: the error of [`Waiter::until_success`], carried by
/// [`Error::Wait`] so that `?` works in a function returning the crate's error.
///
/// [`Waiter::until_success`]: super::Waiter::until_success
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The work ended in failure.
    #[error("{target} failed in state {}{}{}", failure.state, failure.code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default(), messages(&failure.messages))]
    Failed {
        /// What was waited for (`ESS request 42`).
        target: String,
        /// The service's explanation.
        failure: Failure,
    },
    /// The work was cancelled.
    #[error("{target} was cancelled (state {state})")]
    Cancelled {
        /// What was waited for.
        target: String,
        /// The final state as the service names it.
        state: String,
    },
    /// The work waits for someone to act (an ESS request on HOLD, say).
    #[error("{target} needs action: {reason}")]
    NeedsAction {
        /// What was waited for.
        target: String,
        /// The state that needs action and what to do.
        reason: String,
    },
    /// The policy's maximum wait passed before the work ended.
    #[error("gave up waiting for {target} after {elapsed:?} and {polls} polls (last state: {})", last_state.as_deref().unwrap_or("none seen"))]
    TimedOut {
        /// What was waited for.
        target: String,
        /// The last state seen, if any poll succeeded.
        last_state: Option<String>,
        /// How long the wait took.
        elapsed: Duration,
        /// How many polls were made.
        polls: u32,
    },
    /// Polling failed: a permanent error, or more transient ones in a row than the error budget allows.
    #[error("polling {target} failed after {polls} polls: {source}")]
    PollFailed {
        /// What was waited for.
        target: String,
        /// How many polls were made.
        polls: u32,
        /// The last error.
        #[source]
        source: Error,
    },
}

fn messages(messages: &[String]) -> String {
    if messages.is_empty() {
        String::new()
    } else {
        format!(": {}", messages.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_success_is_a_success_and_each_outcome_keeps_its_last_status() {
        let failure = Failure {
            state: "ERROR".to_owned(),
            ..Failure::default()
        };
        let outcomes = [
            (Outcome::Succeeded("DONE"), true, Some("DONE")),
            (
                Outcome::Failed {
                    status: "ERROR",
                    failure,
                },
                false,
                Some("ERROR"),
            ),
            (Outcome::Cancelled("CANCELLED"), false, Some("CANCELLED")),
            (
                Outcome::NeedsAction {
                    status: "HOLD",
                    reason: "release it".to_owned(),
                },
                false,
                Some("HOLD"),
            ),
            (
                Outcome::TimedOut {
                    last: Some("RUNNING"),
                    elapsed: Duration::from_secs(60),
                    polls: 4,
                },
                false,
                Some("RUNNING"),
            ),
            (
                Outcome::PollFailed {
                    error: crate::error::test_http_error(404, None),
                    last: None,
                    polls: 1,
                },
                false,
                None,
            ),
        ];
        for (outcome, success, status) in outcomes {
            assert_eq!(outcome.is_success(), success, "{outcome:?}");
            assert_eq!(outcome.status().copied(), status, "{outcome:?}");
        }
    }
}
