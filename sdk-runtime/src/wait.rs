//! Waiting for asynchronous work to end: one polling engine ([`Waiter`]) driving a small per-service adapter
//! ([`PollTarget`]: fetch the status once, classify it), under a [`WaitPolicy`], ending in a typed [`Outcome`] — or,
//! for many pieces of work at once, one [`WaitSet`] driving a [`BatchTarget`] (fetch the statuses of several ids;
//! [`EachAlone`] for services without a batch query). [`Lifecycle`] is the one vocabulary for "has it ended / did
//! it succeed" across the services.
//!
//! ```
//! use std::time::Duration;
//! use sdk_runtime::wait::{Failure, Outcome, Phase, PollTarget, Polled, WaitPolicy, Waiter};
//!
//! /// A job that reports 0%, 50%, then 100%.
//! struct Demo(u32);
//!
//! impl PollTarget for Demo {
//!     type Status = u32;
//!     async fn fetch(&mut self) -> Result<Polled<u32>, sdk_runtime::Error> {
//!         self.0 += 50;
//!         Ok(Polled { status: self.0.min(100), retry_after: None })
//!     }
//!     fn phase(&self, percent: &u32) -> Phase {
//!         if *percent == 100 { Phase::Succeeded } else { Phase::Running }
//!     }
//!     fn describe(&self, percent: &u32) -> (String, Option<f64>) {
//!         ("RUNNING".into(), Some(f64::from(*percent)))
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
//! assert!(matches!(outcome, Outcome::Succeeded(100)));
//!
//! // The common case in one line: the final status, or an error saying why not.
//! let percent = Waiter::new(Demo(0), policy).until_success().await?;
//! assert_eq!(percent, 100);
//! # Ok::<(), sdk_runtime::Error>(())
//! # }
//! ```

mod each_alone;
mod engine;
mod lifecycle;
mod outcome;
mod policy;
mod set;

pub use each_alone::EachAlone;
pub use engine::{PollTarget, Polled, WaitEvent, Waiter};
pub use lifecycle::Lifecycle;
pub use outcome::{Failure, Outcome, Phase, Snapshot, WaitError};
pub use policy::WaitPolicy;
pub use set::{BatchTarget, Fetched, SetEvent, SetOptions, Wait, WaitSet};
