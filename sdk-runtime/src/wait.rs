//! Waiting for asynchronous work to end: one polling engine ([`Waiter`]) driving a small per-service adapter
//! ([`PollTarget`]: fetch the status once), under a [`WaitPolicy`], ending in a typed [`Outcome`] — or, for many
//! pieces of work at once, one [`WaitSet`] driving a [`BatchTarget`] (fetch the statuses of several ids;
//! [`EachAlone`] for services without a batch query). Both only schedule: one polling state per wait decides what
//! a status or an error means for it (error budget, outcome, last poll at the deadline, `Retry-After`).
//!
//! What a status means is said once per service, by its status types: [`Lifecycle::class`] on the state enum
//! (the one list of its states) and on the status document, and [`Classified`] for what a person is shown of a
//! document (state name, percent complete, a failure's cause and messages).
//!
//! ```
//! use std::time::Duration;
//! use sdk_runtime::wait::{Class, Classified, Lifecycle, Outcome, PollTarget, Polled, WaitPolicy, Waiter};
//!
//! /// A job's percent complete.
//! #[derive(Clone, Debug, PartialEq)]
//! struct Percent(u32);
//!
//! // The one place this service says what its statuses mean.
//! impl Lifecycle for Percent {
//!     fn class(&self) -> Class {
//!         if self.0 == 100 { Class::Succeeded } else { Class::Running }
//!     }
//! }
//!
//! impl Classified for Percent {
//!     fn state(&self) -> String {
//!         "RUNNING".into()
//!     }
//!     fn percent_complete(&self) -> Option<f64> {
//!         Some(f64::from(self.0))
//!     }
//! }
//!
//! /// A job that reports 0%, 50%, then 100%.
//! struct Demo(u32);
//!
//! impl PollTarget for Demo {
//!     type Status = Percent;
//!     async fn fetch(&mut self) -> Result<Polled<Percent>, sdk_runtime::Error> {
//!         self.0 += 50;
//!         Ok(Polled { status: Percent(self.0.min(100)), retry_after: None })
//!     }
//!     fn label(&self) -> String {
//!         "demo job".into()
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() -> Result<(), sdk_runtime::Error> {
//! let policy = WaitPolicy::default().initial_delay(Duration::from_millis(10));
//! let outcome = Waiter::new(Demo(0), policy.clone()).wait().await;
//! assert!(matches!(outcome, Outcome::Succeeded(Percent(100))));
//!
//! // The common case in one line: the final status, or an error saying why not.
//! let percent = Waiter::new(Demo(0), policy).until_success().await?;
//! assert_eq!(percent, Percent(100));
//! # Ok::<(), sdk_runtime::Error>(())
//! # }
//! ```

mod each_alone;
mod engine;
mod lifecycle;
mod outcome;
mod policy;
mod poll_state;
mod set;

pub use each_alone::EachAlone;
pub use engine::{PollTarget, WaitEvent, Waiter};
pub use lifecycle::{Class, Classified, Lifecycle};
pub use outcome::{Failure, Outcome, Phase, Snapshot, WaitError};
pub use policy::WaitPolicy;
pub use poll_state::Polled;
pub use set::{BatchTarget, Fetched, SetEvent, SetOptions, Wait, WaitSet};

/// The status of the runtime's own tests: `DONE` succeeds, `FAILED` fails (code `E1`, message `boom`),
/// `CANCELLED` is cancelled, `HOLD` needs action, anything else runs.
#[cfg(test)]
mod test_status {
    use super::{Class, Classified, Failure, Lifecycle};

    impl Lifecycle for &'static str {
        fn class(&self) -> Class {
            match *self {
                "DONE" => Class::Succeeded,
                "FAILED" => Class::Failed,
                "CANCELLED" => Class::Cancelled,
                "HOLD" => Class::NeedsAction("release it"),
                _ => Class::Running,
            }
        }
    }

    impl Classified for &'static str {
        fn state(&self) -> String {
            (*self).to_owned()
        }

        fn failure(&self) -> Failure {
            Failure {
                state: (*self).to_owned(),
                code: Some("E1".into()),
                messages: vec!["boom".into()],
            }
        }
    }
}
