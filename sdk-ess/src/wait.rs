//! Waiting for an ESS job request to end, and cancelling one.
//!
//! The terminal states are those of Oracle's *Statuses of Scheduled Processes* page and the `State` enum:
//! SUCCEEDED, WARNING, FINISHED and SCHEDULE_ENDED end well; ERROR, VALIDATION_FAILED and EXPIRED end in failure
//! (with the request's `cause` and error message); CANCELLED ends as cancelled. HOLD and ERROR_MANUAL_RECOVERY
//! are not terminal but wait for a person, so a waiter reports them as "needs action" instead of waiting on them
//! until its deadline. Any other state, including ones this SDK does not know, is still running.

use std::time::{Duration, SystemTime};

pub use sdk_runtime::wait::{
    BatchTarget, EachAlone, Failure, Fetched, Lifecycle, Outcome, Phase, PollTarget, Polled, SetEvent, SetOptions,
    Snapshot, Wait, WaitError, WaitEvent, WaitPolicy, WaitSet, Waiter,
};

pub use crate::batch::Batch;

use crate::types::{RequestDetails, RequestState};
use crate::{Client, Error};

/// The job request a waiter polls: `GET /requests/{requestId}`.
///
/// It holds only the client and the id, so a wait can resume in another process from the id alone.
#[derive(Clone, Debug)]
pub struct Target {
    client: Client,
    request_id: i64,
}

impl Target {
    /// The request with id `request_id` on the scheduler `client` talks to.
    pub fn new(client: Client, request_id: i64) -> Self {
        Self { client, request_id }
    }

    /// The request id.
    pub fn request_id(&self) -> i64 {
        self.request_id
    }
}

impl PollTarget for Target {
    type Status = RequestDetails;

    async fn fetch(&mut self) -> Result<Polled<RequestDetails>, sdk_runtime::Error> {
        Ok(Polled::from(
            self.client.get_request().request_id(self.request_id).send().await?,
        ))
    }

    fn phase(&self, request: &RequestDetails) -> Phase {
        phase(request)
    }

    fn describe(&self, request: &RequestDetails) -> (String, Option<f64>) {
        (state_name(request), None)
    }

    fn label(&self) -> String {
        format!("ESS request {}", self.request_id)
    }
}

impl Lifecycle for RequestState {
    /// SUCCEEDED, WARNING, FINISHED, SCHEDULE_ENDED, ERROR, VALIDATION_FAILED, EXPIRED and CANCELLED. HOLD and
    /// ERROR_MANUAL_RECOVERY are not terminal (they wait for a person), nor is a state this SDK does not know.
    fn is_terminal(&self) -> bool {
        self.is_success()
            || matches!(
                self,
                Self::Error | Self::ValidationFailed | Self::Expired | Self::Cancelled
            )
    }

    /// SUCCEEDED, WARNING, FINISHED and SCHEDULE_ENDED.
    fn is_success(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Warning | Self::Finished | Self::ScheduleEnded
        )
    }
}

/// The request's state as ESS names it, for progress reports and errors.
pub(crate) fn state_name(request: &RequestDetails) -> String {
    request
        .state
        .as_ref()
        .map_or_else(|| "(no state)".to_owned(), ToString::to_string)
}

/// What a request's state means for someone waiting on it.
pub fn phase(request: &RequestDetails) -> Phase {
    let Some(state) = &request.state else {
        return Phase::Running;
    };
    match state {
        RequestState::Succeeded | RequestState::Warning | RequestState::Finished | RequestState::ScheduleEnded => {
            Phase::Succeeded
        }
        RequestState::Error | RequestState::ValidationFailed | RequestState::Expired => Phase::Failed(Failure {
            state: state.to_string(),
            code: request.cause.as_ref().map(ToString::to_string),
            messages: [
                &request.error_warning_message,
                &request.error_warning_detail,
                &request.cause_description,
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        }),
        RequestState::Cancelled => Phase::Cancelled,
        RequestState::Hold => Phase::NeedsAction("HOLD: the request is held until someone releases it".to_owned()),
        RequestState::ErrorManualRecovery => {
            Phase::NeedsAction("ERROR_MANUAL_RECOVERY: the request needs manual recovery".to_owned())
        }
        _ => Phase::Running,
    }
}

/// The documented wait between entering CANCELLING (or the job's last check-in) and a permitted `forceCancel`.
pub const FORCE_CANCEL_AFTER: Duration = Duration::from_secs(30 * 60);

/// The caller's statement that the remote job of an asynchronous request no longer runs, which Oracle requires
/// before `forceCancel`. There is no other way to make one, so a force-cancel is always a deliberate act.
#[derive(Clone, Copy, Debug)]
pub struct RemoteJobStopped(());

impl RemoteJobStopped {
    /// Confirms that the remote job is no longer executing.
    pub fn confirm() -> Self {
        Self(())
    }
}

/// Why a force-cancel was not sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForceCancelError {
    /// Reading or force-cancelling the request failed.
    #[error(transparent)]
    Api(#[from] Error),
    /// The request is not in CANCELLING, so `forceCancel` does not apply.
    #[error(
        "request {request_id} is in state {state}, not CANCELLING; forceCancel applies only to a request stuck in CANCELLING"
    )]
    NotCancelling {
        /// The request.
        request_id: i64,
        /// Its state.
        state: String,
    },
    /// The 30-minute rule does not allow it yet.
    #[error(
        "request {request_id} entered CANCELLING at {since}; forceCancel is allowed {FORCE_CANCEL_AFTER:?} later, in {wait:?}"
    )]
    TooEarly {
        /// The request.
        request_id: i64,
        /// When it entered CANCELLING, as the server wrote it.
        since: String,
        /// How long until the rule allows it.
        wait: Duration,
    },
    /// The server says force-cancel is not allowed for this request (`isForceCancelAllowed: false`).
    #[error("the scheduler does not allow forceCancel for request {request_id} (isForceCancelAllowed is false)")]
    NotAllowed {
        /// The request.
        request_id: i64,
    },
}

impl Client {
    /// A waiter for job request `request_id` under the default [`WaitPolicy`] (at most two hours).
    ///
    /// ```no_run
    /// # async fn run(client: sdk_ess::Client) -> Result<(), sdk_ess::Error> {
    /// use sdk_ess::wait::Outcome;
    ///
    /// // The common case: the finished request, or an error saying why not (failed with its cause, cancelled,
    /// // held, timed out with the last state, polling failed).
    /// let job = client.wait_for_request(42).until_success().await?;
    /// println!("done: {:?}", job.state);
    ///
    /// // Or every outcome, to act on each.
    /// match client.wait_for_request(43).wait().await {
    ///     Outcome::Succeeded(job) => println!("done: {:?}", job.state),
    ///     Outcome::Failed { failure, .. } => eprintln!("failed: {:?} {:?}", failure.code, failure.messages),
    ///     Outcome::NeedsAction { reason, .. } => eprintln!("needs a person: {reason}"),
    ///     other => eprintln!("{other:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_for_request(&self, request_id: i64) -> Waiter<Target> {
        Waiter::new(Target::new(self.clone(), request_id), WaitPolicy::default())
    }

    /// Cancels request `request_id` (`POST .../cancel`, sent once) and waits under `policy` until it ends.
    ///
    /// A request in RUNNING or COMPLETED goes through CANCELLING and may end in CANCELLED or in another terminal
    /// state; one stuck in CANCELLING ends the wait as [`Outcome::TimedOut`] with that status, after which
    /// [`Client::force_cancel`] may apply.
    pub async fn cancel_and_wait(&self, request_id: i64, policy: WaitPolicy) -> Result<Outcome<RequestDetails>, Error> {
        self.cancel_request().request_id(request_id).send().await?;
        Ok(Waiter::new(Target::new(self.clone(), request_id), policy).wait().await)
    }

    /// Force-cancels request `request_id` (`POST .../forceCancel`) if the documented rules allow it now: the
    /// request is in CANCELLING, the scheduler does not say `isForceCancelAllowed: false`, and at least
    /// [`FORCE_CANCEL_AFTER`] has passed since it entered CANCELLING (its `stateChangeTime`). Otherwise nothing
    /// is sent and the error says why (and, before the 30 minutes, how long is left).
    pub async fn force_cancel(&self, request_id: i64, confirmed: RemoteJobStopped) -> Result<(), ForceCancelError> {
        self.force_cancel_at(request_id, confirmed, SystemTime::now()).await
    }

    async fn force_cancel_at(
        &self,
        request_id: i64,
        _confirmed: RemoteJobStopped,
        now: SystemTime,
    ) -> Result<(), ForceCancelError> {
        let request = self.get_request().request_id(request_id).send().await?.into_inner();
        check_force_cancel(request_id, &request, now)?;
        self.force_cancel_request().request_id(request_id).send().await?;
        Ok(())
    }

    /// Waits, under `policy`'s clock, until the 30-minute rule allows force-cancelling request `request_id`, then
    /// force-cancels it and waits for it to end. For a request the caller knows is stuck in CANCELLING.
    pub async fn force_cancel_when_allowed(
        &self,
        request_id: i64,
        confirmed: RemoteJobStopped,
        policy: WaitPolicy,
    ) -> Result<Outcome<RequestDetails>, ForceCancelError> {
        // Wall-clock time as the runtime's clock sees it, so that a paused test clock moves it too.
        let (wall, start) = (SystemTime::now(), tokio::time::Instant::now());
        loop {
            match self
                .force_cancel_at(request_id, confirmed, wall + start.elapsed())
                .await
            {
                Ok(()) => break,
                Err(ForceCancelError::TooEarly { wait, .. }) => tokio::time::sleep(wait).await,
                Err(other) => return Err(other),
            }
        }
        Ok(Waiter::new(Target::new(self.clone(), request_id), policy).wait().await)
    }
}

/// Applies the documented preconditions of `forceCancel` to a request's details at time `now`.
fn check_force_cancel(request_id: i64, request: &RequestDetails, now: SystemTime) -> Result<(), ForceCancelError> {
    if request.state != Some(RequestState::Cancelling) {
        return Err(ForceCancelError::NotCancelling {
            request_id,
            state: state_name(request),
        });
    }
    if request.is_force_cancel_allowed == Some(false) {
        return Err(ForceCancelError::NotAllowed { request_id });
    }
    // Without a readable stateChangeTime the rule cannot be checked here; the scheduler still enforces it.
    let Some(since) = request.state_change_time.as_ref() else {
        return Ok(());
    };
    let Some(entered) = since.to_datetime() else {
        return Ok(());
    };
    let allowed_at = SystemTime::from(entered) + FORCE_CANCEL_AFTER;
    match allowed_at.duration_since(now) {
        Ok(wait) if !wait.is_zero() => Err(ForceCancelError::TooEarly {
            request_id,
            since: since.to_string(),
            wait,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn details(value: serde_json::Value) -> RequestDetails {
        serde_json::from_value(value).unwrap_or_default()
    }

    #[test]
    fn lifecycle_agrees_with_the_phase() {
        for state in RequestState::KNOWN_VALUES {
            let state = RequestState::from(*state);
            let phase = phase(&details(json!({"state": state.as_str()})));
            assert_eq!(state.is_success(), phase == Phase::Succeeded, "{state}");
            assert_eq!(
                state.is_terminal(),
                matches!(phase, Phase::Succeeded | Phase::Failed(_) | Phase::Cancelled),
                "{state}"
            );
        }
        assert!(!RequestState::from("QUANTUM_LEAP").is_terminal());
    }

    #[test]
    fn every_documented_state_has_a_phase() {
        for state in RequestState::KNOWN_VALUES {
            let request =
                details(json!({"state": state, "cause": "PROCESS_ERROR", "errorWarningMessage": "disk full"}));
            let phase = phase(&request);
            let expected = match *state {
                "SUCCEEDED" | "WARNING" | "FINISHED" | "SCHEDULE_ENDED" => "succeeded",
                "ERROR" | "VALIDATION_FAILED" | "EXPIRED" => "failed",
                "CANCELLED" => "cancelled",
                "HOLD" | "ERROR_MANUAL_RECOVERY" => "needs action",
                _ => "running",
            };
            let got = match &phase {
                Phase::Succeeded => "succeeded",
                Phase::Failed(f) => {
                    assert_eq!(f.code.as_deref(), Some("PROCESS_ERROR"));
                    assert_eq!(f.messages, ["disk full"]);
                    "failed"
                }
                Phase::Cancelled => "cancelled",
                Phase::NeedsAction(_) => "needs action",
                Phase::Running => "running",
            };
            assert_eq!(got, expected, "{state}");
        }
        assert_eq!(phase(&details(json!({"state": "QUANTUM_LEAP"}))), Phase::Running);
        assert_eq!(phase(&details(json!({}))), Phase::Running);
    }

    fn cancelling_since(minutes_ago: u64, now: SystemTime) -> RequestDetails {
        let since = chrono::DateTime::<chrono::Utc>::from(now - Duration::from_secs(minutes_ago * 60));
        details(json!({"state": "CANCELLING", "stateChangeTime": since.to_rfc3339()}))
    }

    #[test]
    fn the_thirty_minute_rule() {
        let now = SystemTime::now();
        let early = check_force_cancel(42, &cancelling_since(10, now), now);
        match early {
            Err(ForceCancelError::TooEarly { wait, .. }) => {
                assert!(
                    wait > Duration::from_secs(19 * 60) && wait <= Duration::from_secs(20 * 60),
                    "{wait:?}"
                );
            }
            other => panic!("expected TooEarly, got {other:?}"),
        }
        assert!(check_force_cancel(42, &cancelling_since(31, now), now).is_ok());
        let running = details(json!({"state": "RUNNING"}));
        assert!(matches!(
            check_force_cancel(42, &running, now),
            Err(ForceCancelError::NotCancelling { .. })
        ));
        let refused = details(json!({"state": "CANCELLING", "isForceCancelAllowed": false}));
        assert!(matches!(
            check_force_cancel(42, &refused, now),
            Err(ForceCancelError::NotAllowed { .. })
        ));
    }

    #[test]
    fn too_early_explains_itself() {
        let now = SystemTime::now();
        let Err(error) = check_force_cancel(42, &cancelling_since(10, now), now) else {
            panic!("expected an error");
        };
        let shown = error.to_string();
        assert!(
            shown.contains("request 42 entered CANCELLING at") && shown.contains("forceCancel is allowed"),
            "{shown}"
        );
    }
}
