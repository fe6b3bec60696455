//! Waiting for an ESS job request to end, and cancelling one.
//!
//! What each state means is said once, by [`Lifecycle::class`] on [`RequestState`], from Oracle's *Statuses of
//! Scheduled Processes* page and the `State` enum: SUCCEEDED, FINISHED and SCHEDULE_ENDED end well; WARNING ends
//! with warnings, a success unless the [`WaitPolicy`] says [`warning_is_failure`](WaitPolicy::warning_is_failure);
//! ERROR, VALIDATION_FAILED and EXPIRED end in failure (with the request's `cause` and error message); CANCELLED
//! ends as cancelled. HOLD and ERROR_MANUAL_RECOVERY are not terminal but wait for a person, so a waiter reports
//! them as "needs action" instead of waiting on them until its deadline. Any other state, including ones this
//! SDK does not know, is still running. A single waiter, a wait set and the batch reading all use it.
//!
//! For many requests at once, [`Client::wait_set`] polls them in multi-select batches ([`Batch`]).

use std::time::{Duration, SystemTime};

pub use sdk_runtime::wait::{
    Class, Failure, Lifecycle, Outcome, Phase, SetEvent, SetOptions, Snapshot, Wait, WaitError, WaitEvent, WaitPolicy,
    WaitSet, Waiter,
};

pub use crate::batch::Batch;

use sdk_runtime::wait::{Classified, PollTarget, Polled};

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

    /// Reads only the request's state while it runs.
    async fn fetch_brief(&mut self) -> Result<Polled<Option<RequestDetails>>, sdk_runtime::Error> {
        let reply = self
            .client
            .get_request()
            .request_id(self.request_id)
            .send_unread()
            .await?;
        Polled::unless_running::<StateOnly>(reply)
    }

    fn label(&self) -> String {
        format!("ESS request {}", self.request_id)
    }
}

/// The one member of `RequestDetails` a poll of a running request needs.
#[derive(serde::Deserialize)]
struct StateOnly {
    state: Option<RequestState>,
}

impl Lifecycle for StateOnly {
    /// As [`RequestDetails`]'s: its state's class.
    fn class(&self) -> Class {
        self.state.class()
    }
}

impl Lifecycle for RequestState {
    /// The one list of ESS states (see the module documentation).
    fn class(&self) -> Class {
        match self {
            Self::Succeeded | Self::Finished | Self::ScheduleEnded => Class::Succeeded,
            Self::Warning => Class::Warning,
            Self::Error | Self::ValidationFailed | Self::Expired => Class::Failed,
            Self::Cancelled => Class::Cancelled,
            Self::Hold => Class::NeedsAction("the request is held until someone releases it"),
            Self::ErrorManualRecovery => Class::NeedsAction("the request needs manual recovery"),
            _ => Class::Running,
        }
    }
}

impl Lifecycle for RequestDetails {
    /// Its state's class; a request without a state is still running.
    fn class(&self) -> Class {
        self.state.class()
    }
}

impl Classified for RequestDetails {
    /// The request's state as ESS names it.
    fn state(&self) -> String {
        state_name(self)
    }

    /// The state, the request's `cause`, and its error or warning message, detail and cause description.
    fn failure(&self) -> Failure {
        Failure {
            state: state_name(self),
            code: self.cause.as_ref().map(ToString::to_string),
            messages: [
                &self.error_warning_message,
                &self.error_warning_detail,
                &self.cause_description,
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        }
    }
}

/// The request's state as ESS names it, for progress reports and errors.
fn state_name(request: &RequestDetails) -> String {
    request
        .state
        .as_ref()
        .map_or_else(|| "(no state)".to_owned(), ToString::to_string)
}

/// What a request's state means for someone waiting on it under the default [`WaitPolicy`] (the request's own
/// classification, with a failure's cause and messages).
pub fn phase(request: &RequestDetails) -> Phase {
    request.phase(&WaitPolicy::default())
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
    /// The 30-minute rule does not allow it yet, by the scheduler's clock.
    #[error(
        "request {request_id} entered CANCELLING at {since}; forceCancel is allowed {FORCE_CANCEL_AFTER:?} later, in {wait:?}"
    )]
    TooEarly {
        /// The request.
        request_id: i64,
        /// When it entered CANCELLING, as the server wrote it.
        since: String,
        /// How long until the rule allows it, by the scheduler's clock.
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
    /// [`FORCE_CANCEL_AFTER`] has passed since it entered CANCELLING. Otherwise nothing is sent and the error says
    /// why (and, before the 30 minutes, how long is left).
    ///
    /// The 30 minutes are judged on the scheduler's clock alone: from the request's `stateChangeTime` to the
    /// `Date` of the reply that carried it, so a client whose clock is off (or a simulator's virtual clock) judges
    /// as the scheduler does. Without a readable `Date` or `stateChangeTime` the rule cannot be judged here and
    /// the call is sent: the scheduler enforces it (as it does the other half of the rule, 30 minutes since the job
    /// last checked in, which the request's details do not show).
    pub async fn force_cancel(&self, request_id: i64, _confirmed: RemoteJobStopped) -> Result<(), ForceCancelError> {
        let reply = self.get_request().request_id(request_id).send().await?;
        let server_now = server_time(reply.headers());
        check_force_cancel(request_id, &reply.into_inner(), server_now)?;
        self.force_cancel_request().request_id(request_id).send().await?;
        Ok(())
    }

    /// Waits until the 30-minute rule allows force-cancelling request `request_id` (judged on the scheduler's
    /// clock, as [`Client::force_cancel`] does), then force-cancels it and waits under `policy` for it to end. For
    /// a request the caller knows is stuck in CANCELLING. The wait for the rule is bounded by `policy`'s maximum
    /// wait too: past it, the last [`ForceCancelError::TooEarly`] is returned.
    pub async fn force_cancel_when_allowed(
        &self,
        request_id: i64,
        confirmed: RemoteJobStopped,
        policy: WaitPolicy,
    ) -> Result<Outcome<RequestDetails>, ForceCancelError> {
        let started = tokio::time::Instant::now();
        loop {
            match self.force_cancel(request_id, confirmed).await {
                Ok(()) => break,
                Err(ForceCancelError::TooEarly { wait, .. })
                    if policy
                        .wait_limit()
                        .is_none_or(|limit| started.elapsed() + wait <= limit) =>
                {
                    tokio::time::sleep(wait).await;
                }
                Err(other) => return Err(other),
            }
        }
        Ok(Waiter::new(Target::new(self.clone(), request_id), policy).wait().await)
    }
}

/// The server's time when it answered: the reply's `Date` header (RFC 9110's IMF-fixdate, read as RFC 2822).
fn server_time(headers: &reqwest::header::HeaderMap) -> Option<SystemTime> {
    let value = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let at = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    Some(SystemTime::from(at))
}

/// Applies the documented preconditions of `forceCancel` to a request's details, read when the server's clock
/// said `server_now`.
fn check_force_cancel(
    request_id: i64,
    request: &RequestDetails,
    server_now: Option<SystemTime>,
) -> Result<(), ForceCancelError> {
    if request.state != Some(RequestState::Cancelling) {
        return Err(ForceCancelError::NotCancelling {
            request_id,
            state: state_name(request),
        });
    }
    if request.is_force_cancel_allowed == Some(false) {
        return Err(ForceCancelError::NotAllowed { request_id });
    }
    // Without the server's time or a readable stateChangeTime the rule cannot be judged here; the scheduler still
    // enforces it.
    let (Some(now), Some(since)) = (server_now, request.state_change_time.as_ref()) else {
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
    fn every_documented_state_has_one_class() {
        let ended = [
            ("CANCELLED", Class::Cancelled),
            ("ERROR", Class::Failed),
            (
                "ERROR_MANUAL_RECOVERY",
                Class::NeedsAction("the request needs manual recovery"),
            ),
            ("EXPIRED", Class::Failed),
            ("FINISHED", Class::Succeeded),
            (
                "HOLD",
                Class::NeedsAction("the request is held until someone releases it"),
            ),
            ("SCHEDULE_ENDED", Class::Succeeded),
            ("SUCCEEDED", Class::Succeeded),
            ("VALIDATION_FAILED", Class::Failed),
            ("WARNING", Class::Warning),
        ];
        for state in RequestState::KNOWN_VALUES {
            let expected = ended
                .iter()
                .find(|(name, _)| name == state)
                .map_or(Class::Running, |(_, class)| *class);
            assert_eq!(RequestState::from(*state).class(), expected, "{state}");
        }
        assert_eq!(RequestState::from("QUANTUM_LEAP").class(), Class::Running);
        assert!(!RequestState::from("QUANTUM_LEAP").is_terminal());
        assert!(RequestState::Warning.is_success() && RequestState::Warning.is_terminal());
        assert!(!RequestState::Hold.is_terminal());
    }

    #[test]
    fn a_document_reads_its_state_with_cause_and_messages() {
        for state in RequestState::KNOWN_VALUES {
            let request =
                details(json!({"state": state, "cause": "PROCESS_ERROR", "errorWarningMessage": "disk full"}));
            assert_eq!(request.class(), RequestState::from(*state).class(), "{state}");
            if let Phase::Failed(f) = phase(&request) {
                assert_eq!(f.state, *state);
                assert_eq!(f.code.as_deref(), Some("PROCESS_ERROR"));
                assert_eq!(f.messages, ["disk full"]);
            }
        }
        assert_eq!(
            phase(&details(json!({"state": "HOLD"}))),
            Phase::NeedsAction("HOLD: the request is held until someone releases it".to_owned())
        );
        assert_eq!(phase(&details(json!({"state": "QUANTUM_LEAP"}))), Phase::Running);
        assert_eq!(phase(&details(json!({}))), Phase::Running);
    }

    #[test]
    fn warning_is_a_success_unless_the_policy_makes_it_a_failure() {
        let warned = details(json!({"state": "WARNING", "errorWarningMessage": "3 invoices skipped"}));
        assert_eq!(phase(&warned), Phase::Succeeded);
        let strict = WaitPolicy::default().warning_is_failure(true);
        let Phase::Failed(failure) = warned.phase(&strict) else {
            panic!("WARNING fails under warning_is_failure(true)");
        };
        assert_eq!(failure.state, "WARNING");
        assert_eq!(failure.messages, ["3 invoices skipped"]);
    }

    fn cancelling_since(minutes_ago: u64, now: SystemTime) -> RequestDetails {
        let since = chrono::DateTime::<chrono::Utc>::from(now - Duration::from_secs(minutes_ago * 60));
        details(json!({"state": "CANCELLING", "stateChangeTime": since.to_rfc3339()}))
    }

    #[test]
    fn the_thirty_minute_rule() {
        let now = SystemTime::now();
        let early = check_force_cancel(42, &cancelling_since(10, now), Some(now));
        match early {
            Err(ForceCancelError::TooEarly { wait, .. }) => {
                assert!(
                    wait > Duration::from_secs(19 * 60) && wait <= Duration::from_secs(20 * 60),
                    "{wait:?}"
                );
            }
            other => panic!("expected TooEarly, got {other:?}"),
        }
        assert!(check_force_cancel(42, &cancelling_since(31, now), Some(now)).is_ok());
        let running = details(json!({"state": "RUNNING"}));
        assert!(matches!(
            check_force_cancel(42, &running, Some(now)),
            Err(ForceCancelError::NotCancelling { .. })
        ));
        let refused = details(json!({"state": "CANCELLING", "isForceCancelAllowed": false}));
        assert!(matches!(
            check_force_cancel(42, &refused, Some(now)),
            Err(ForceCancelError::NotAllowed { .. })
        ));
    }

    #[test]
    fn thirty_minutes_to_the_second_is_allowed() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
        assert!(check_force_cancel(42, &cancelling_since(30, now), Some(now)).is_ok());
    }

    #[test]
    fn without_the_servers_time_the_scheduler_judges() {
        let now = SystemTime::now();
        assert!(check_force_cancel(42, &cancelling_since(10, now), None).is_ok());
    }

    #[test]
    fn the_servers_date_header_is_read() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(server_time(&headers), None);
        headers.insert(
            reqwest::header::DATE,
            reqwest::header::HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(
            server_time(&headers),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777))
        );
        headers.insert(
            reqwest::header::DATE,
            reqwest::header::HeaderValue::from_static("yesterday"),
        );
        assert_eq!(server_time(&headers), None);
    }

    #[test]
    fn too_early_explains_itself() {
        let now = SystemTime::now();
        let Err(error) = check_force_cancel(42, &cancelling_since(10, now), Some(now)) else {
            panic!("expected an error");
        };
        let shown = error.to_string();
        assert!(
            shown.contains("request 42 entered CANCELLING at") && shown.contains("forceCancel is allowed"),
            "{shown}"
        );
    }
}
