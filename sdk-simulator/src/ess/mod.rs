//! The simulated Enterprise Scheduler Service (`/ess/rest/scheduler/v1`).
//!
//! Documented behaviour (Oracle's operation pages, see `reference/ess-api.md`):
//! - a request moves WAIT -> READY -> RUNNING -> a terminal state (here as its [`EssScenario`] says);
//! - `hold` works in WAIT and READY, `release` in HOLD; `cancel` ends a request that is not running at once
//!   (CANCELLED) and puts a running one in CANCELLING; `forceCancel` works only for an asynchronous request in
//!   CANCELLING, 30 minutes after it entered CANCELLING or last checked in (`checkInCancelling`);
//! - `executionStatus` is the job's report that moves its state; `DELETE` applies to finished requests only
//!   and hides them;
//! - every refusal is a `SimpleExceptionDetail`: 400 "Unsupported state for operation", 403, 404 "Request ID
//!   not found", 409 "Conflict".
//!
//! Simulator choices where Oracle is silent (documented in the crate docs): ids count up from the spec's example id
//! 300000012345680; `errorCode` is `ESS-00<status>`; a request released from HOLD goes back to WAIT and then
//! follows the rest of its plan; a synchronous job in CANCELLING becomes CANCELLED after the scenario's
//! `cancel_delay`; `isForceCancelAllowed` is true for any asynchronous request in CANCELLING (the 30 minutes
//! are enforced by `forceCancel` itself); `executionStatus` SUSPEND leads to ERROR_MANUAL_RECOVERY and PAUSE to PAUSED; `search`
//! pages are 1-based and hold 25 requests (configurable); the multi-selection `batch` item shape
//! (`{"requestId", "status", "request" | "error"}`) is inferred (Oracle lists `RequestBatchItem` but not its
//! members); the permissions body is the simulator's own shape; without `fields` every field is returned.
//!
//! One idea per file: `lifecycle` is the state machine of a request on the virtual clock (and the store of
//! requests), `view` its JSON representation, `query` the `q` filter, `handlers` what each operation does
//! over HTTP, `errors` the `SimpleExceptionDetail` replies.
//!
//! [`EssScenario`]: crate::scenario::EssScenario

mod errors;
mod handlers;
mod lifecycle;
mod query;
mod view;

use std::time::Duration;

pub(crate) use errors::{error, title_of};
pub(crate) use lifecycle::EssState;

/// The documented wait before a request in CANCELLING may be force-cancelled.
pub const FORCE_CANCEL_AFTER: Duration = Duration::from_secs(30 * 60);

const TERMINAL: &[&str] = &[
    "SUCCEEDED",
    "WARNING",
    "ERROR",
    "CANCELLED",
    "EXPIRED",
    "FINISHED",
    "VALIDATION_FAILED",
    "SCHEDULE_ENDED",
];

/// Whether an ESS state is terminal.
pub fn is_terminal(state: &str) -> bool {
    TERMINAL.contains(&state)
}
