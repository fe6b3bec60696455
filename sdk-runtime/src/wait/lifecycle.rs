//! One classification per service: what each of its statuses means, said once.
//!
//! A service implements [`Lifecycle::class`] on its state enum (the one list of its states), and on its status
//! document by reading that enum; [`Classified`] adds what a waiter shows of a document (the state's name, the
//! percent complete, a failure's cause and messages). Everything else derives from these: `is_terminal` and
//! `is_success`, a waiter's and a wait set's outcome, a batch's reading of a reply.

use super::{Failure, Phase, WaitPolicy};

/// What a status means for someone waiting on the work, without the details of a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Class {
    /// Still going (and any state the SDK does not know): poll again.
    Running,
    /// Ended well.
    Succeeded,
    /// Ended, with warnings (ESS `WARNING`). Oracle's pages list it among the states that end a request without
    /// saying whether its output can be used: a success by default, a failure under
    /// [`WaitPolicy::warning_is_failure`].
    Warning,
    /// Ended in failure.
    Failed,
    /// Ended because it was cancelled.
    Cancelled,
    /// Stopped until a person acts (an ESS request on HOLD): waiting longer would not help. The text says what
    /// is needed.
    NeedsAction(&'static str),
}

/// The state of a piece of asynchronous work (an ESS request state, a GoldenGate request's progress, an Analytics
/// work request status), read the same way in every SDK crate.
///
/// ```
/// use sdk_runtime::wait::{Class, Lifecycle};
///
/// /// A three-state job.
/// enum Light { Running, Done, Broken }
///
/// impl Lifecycle for Light {
///     fn class(&self) -> Class {
///         match self {
///             Light::Running => Class::Running,
///             Light::Done => Class::Succeeded,
///             Light::Broken => Class::Failed,
///         }
///     }
/// }
///
/// assert!(Light::Broken.is_terminal() && !Light::Broken.is_success());
/// assert!(!Light::Running.is_terminal());
/// ```
pub trait Lifecycle {
    /// What this state means: the one place a service says it. A value the SDK does not know is
    /// [`Class::Running`].
    fn class(&self) -> Class;

    /// Whether the work has ended, well or not: polling again would show nothing new. A state that waits for a
    /// person (HOLD) has not ended.
    fn is_terminal(&self) -> bool {
        matches!(
            self.class(),
            Class::Succeeded | Class::Warning | Class::Failed | Class::Cancelled
        )
    }

    /// Whether the work ended well, under the default [`WaitPolicy`] (a warning counts as success).
    fn is_success(&self) -> bool {
        matches!(self.class(), Class::Succeeded | Class::Warning)
    }
}

/// A state or status not reported yet: the work is still running.
impl<T: Lifecycle> Lifecycle for Option<T> {
    fn class(&self) -> Class {
        self.as_ref().map_or(Class::Running, Lifecycle::class)
    }
}

/// A status document a waiter polls: its [`Lifecycle`], and what a person is shown of it.
pub trait Classified: Lifecycle + Clone + Send + 'static {
    /// The state as the service names it (`RUNNING`, `IN_PROGRESS`, `running`), for progress reports and errors.
    fn state(&self) -> String;

    /// Percent complete, where the service reports it.
    fn percent_complete(&self) -> Option<f64> {
        None
    }

    /// The service's explanation, read when the work failed (or ended with warnings that count as a failure).
    fn failure(&self) -> Failure {
        Failure {
            state: self.state(),
            ..Failure::default()
        }
    }

    /// What this status means for a wait under `policy`.
    fn phase(&self, policy: &WaitPolicy) -> Phase {
        match self.class() {
            Class::Running => Phase::Running,
            Class::Succeeded => Phase::Succeeded,
            Class::Warning if !policy.warnings_fail() => Phase::Succeeded,
            Class::Warning | Class::Failed => Phase::Failed(self.failure()),
            Class::Cancelled => Phase::Cancelled,
            Class::NeedsAction(what) => Phase::NeedsAction(format!("{}: {what}", self.state())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct Job(Class);

    impl Lifecycle for Job {
        fn class(&self) -> Class {
            self.0
        }
    }

    impl Classified for Job {
        fn state(&self) -> String {
            match self.0 {
                Class::Warning => "WARNING",
                Class::NeedsAction(_) => "HOLD",
                _ => "OTHER",
            }
            .to_owned()
        }
    }

    #[test]
    fn terminal_and_success_follow_the_class() {
        let cases = [
            (Class::Running, false, false),
            (Class::Succeeded, true, true),
            (Class::Warning, true, true),
            (Class::Failed, true, false),
            (Class::Cancelled, true, false),
            (Class::NeedsAction("release it"), false, false),
        ];
        for (class, terminal, success) in cases {
            assert_eq!(Job(class).is_terminal(), terminal, "{class:?}");
            assert_eq!(Job(class).is_success(), success, "{class:?}");
        }
    }

    #[test]
    fn a_warning_succeeds_unless_the_policy_says_otherwise() {
        let warned = Job(Class::Warning);
        assert_eq!(warned.phase(&WaitPolicy::default()), Phase::Succeeded);
        let strict = WaitPolicy::default().warning_is_failure(true);
        let Phase::Failed(failure) = warned.phase(&strict) else {
            panic!("a warning is a failure under the strict policy");
        };
        assert_eq!(failure.state, "WARNING");
        assert_eq!(Job(Class::Succeeded).phase(&strict), Phase::Succeeded);
    }

    #[test]
    fn a_status_that_tells_no_progress_shows_none() {
        assert_eq!(Job(Class::Running).percent_complete(), None);
    }

    #[test]
    fn needs_action_names_the_state_and_what_to_do() {
        assert_eq!(
            Job(Class::NeedsAction("release it")).phase(&WaitPolicy::default()),
            Phase::NeedsAction("HOLD: release it".to_owned())
        );
    }
}
