//! Scripted behaviour: what a job request, a background request or a work request does over (virtual) time.
//!
//! A scenario is a path of states, each held for a duration of virtual time, and an ending. Scenarios are set
//! per ESS job definition, per Analytics object (dataset, data flow, sequence, snapshot, workbook), and per
//! GoldenGate background request. Everything here can also be sent as JSON to the admin endpoints (durations
//! are written in seconds, as numbers).
//!
//! The shape of these scenarios is the simulator's own choice: Oracle documents the states and their meaning,
//! not how long each lasts.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// (De)serialises a [`Duration`] as a number of seconds.
pub(crate) mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let v = f64::deserialize(d)?;
        Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom)
    }
}

/// One step of a scenario: a state held for a duration of virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The state name as the service spells it (`"RUNNING"`, `"processing"`, `"IN_PROGRESS"` ...).
    pub state: String,
    /// How long the state lasts, in virtual time.
    #[serde(with = "secs", rename = "seconds")]
    pub duration: Duration,
}

impl Step {
    /// A step in `state` for `duration`.
    pub fn new(state: impl Into<String>, duration: Duration) -> Self {
        Self {
            state: state.into(),
            duration,
        }
    }
}

/// How an ESS job request behaves once submitted.
///
/// Default: WAIT 1 s, READY 1 s, RUNNING 60 s, then SUCCEEDED (a synchronous Java job).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EssScenario {
    /// States before the end, in order (normally WAIT, READY, RUNNING).
    pub steps: Vec<Step>,
    /// The terminal state reached after the last step: SUCCEEDED, WARNING, ERROR, CANCELLED, EXPIRED...
    /// `None` with `asynchronous` means the request stays in its last step until the job reports an
    /// `executionStatus`.
    pub end_state: Option<String>,
    /// The `cause` of the terminal state (`PROCESS_SUCCESS`, `PROCESS_ERROR`, `PROCESS_BIZ_ERROR` ...).
    pub cause: Option<String>,
    /// The message of a WARNING or ERROR end (`errorWarningMessage`).
    pub message: Option<String>,
    /// `errorType` of an ERROR end (`SYSTEM`, `BUSINESS` ...).
    pub error_type: Option<String>,
    /// Whether the job is asynchronous (`isAsynchronous`): a running asynchronous job is stopped only by its
    /// own `executionStatus` (or a `forceCancel`); cancelling it leaves it in CANCELLING.
    pub asynchronous: bool,
    /// For a synchronous job: how long CANCELLING lasts before CANCELLED (simulator's choice: 5 s).
    #[serde(with = "secs", rename = "cancelSeconds")]
    pub cancel_delay: Duration,
    /// Operations (`cancelRequest`, `holdRequest`, `deleteRequest` ...) the caller is not authorized to do on
    /// these requests: they answer 403 `Not authorized to <verb> this request`, and the permissions say so.
    pub forbidden: Vec<String>,
}

impl Default for EssScenario {
    fn default() -> Self {
        Self::succeeds_after(Duration::from_secs(60))
    }
}

impl EssScenario {
    /// WAIT 1 s, READY 1 s, RUNNING for `running`, then SUCCEEDED.
    pub fn succeeds_after(running: Duration) -> Self {
        Self {
            steps: vec![
                Step::new("WAIT", Duration::from_secs(1)),
                Step::new("READY", Duration::from_secs(1)),
                Step::new("RUNNING", running),
            ],
            end_state: Some("SUCCEEDED".into()),
            cause: Some("PROCESS_SUCCESS".into()),
            message: None,
            error_type: None,
            asynchronous: false,
            cancel_delay: Duration::from_secs(5),
            forbidden: Vec::new(),
        }
    }

    /// WAIT 1 s, READY 1 s, RUNNING for `running`, then ERROR with cause PROCESS_ERROR, `errorType`
    /// SYSTEM and the given message.
    pub fn fails_after(running: Duration, message: impl Into<String>) -> Self {
        Self {
            end_state: Some("ERROR".into()),
            cause: Some("PROCESS_ERROR".into()),
            message: Some(message.into()),
            error_type: Some("SYSTEM".into()),
            ..Self::succeeds_after(running)
        }
    }

    /// WAIT 1 s, READY 1 s, RUNNING for `running`, then WARNING with cause PROCESS_WARNING and the message.
    pub fn warns_after(running: Duration, message: impl Into<String>) -> Self {
        Self {
            end_state: Some("WARNING".into()),
            cause: Some("PROCESS_WARNING".into()),
            message: Some(message.into()),
            ..Self::succeeds_after(running)
        }
    }

    /// An asynchronous job: WAIT 1 s, READY 1 s, then RUNNING until the job posts an `executionStatus`.
    pub fn asynchronous() -> Self {
        Self {
            steps: vec![
                Step::new("WAIT", Duration::from_secs(1)),
                Step::new("READY", Duration::from_secs(1)),
                Step::new("RUNNING", Duration::ZERO),
            ],
            end_state: None,
            cause: None,
            asynchronous: true,
            ..Self::default()
        }
    }

    /// Replaces the steps (the path of states before the end).
    pub fn with_steps(mut self, steps: Vec<Step>) -> Self {
        self.steps = steps;
        self
    }

    /// Refuses `operation_ids` (`cancelRequest`, `holdRequest` ...) with 403 on these requests.
    pub fn forbidding(mut self, operation_ids: &[&str]) -> Self {
        self.forbidden = operation_ids.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Sets the terminal state and its cause.
    pub fn ending(mut self, state: impl Into<String>, cause: impl Into<String>) -> Self {
        self.end_state = Some(state.into());
        self.cause = Some(cause.into());
        self
    }
}

/// How a GoldenGate background request progresses.
///
/// Default: `pending` 1 s, `processing` 10 s, then `succeeded` replaying a `200 OK` whose body is a standard
/// response envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OggScenario {
    /// Progress values before the end, in order (`pending`, `processing`, `paused`).
    pub steps: Vec<Step>,
    /// The terminal progress: `succeeded`, `failed` or `aborted`.
    pub end: String,
    /// The reply of the original call, replayed by `/result` (and its status in `requestStatus`).
    pub result: OggResult,
}

impl Default for OggScenario {
    fn default() -> Self {
        Self {
            steps: vec![
                Step::new("pending", Duration::from_secs(1)),
                Step::new("processing", Duration::from_secs(10)),
            ],
            end: "succeeded".into(),
            result: OggResult::default(),
        }
    }
}

impl OggScenario {
    /// `pending` 1 s, `processing` for `processing`, then `succeeded` with `result`.
    pub fn succeeds_after(processing: Duration, result: OggResult) -> Self {
        Self {
            steps: vec![
                Step::new("pending", Duration::from_secs(1)),
                Step::new("processing", processing),
            ],
            end: "succeeded".into(),
            result,
        }
    }

    /// `pending` 1 s, `processing` for `processing`, then `failed` with `result` (for example a 400 reply).
    pub fn fails_after(processing: Duration, result: OggResult) -> Self {
        Self {
            end: "failed".into(),
            ..Self::succeeds_after(processing, result)
        }
    }
}

/// The original reply a GoldenGate background request replays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OggResult {
    /// HTTP status code of the original reply.
    pub status: u16,
    /// Reason phrase of the original reply.
    pub reason: String,
    /// Headers of the original reply.
    pub headers: Vec<(String, String)>,
    /// Body of the original reply: a JSON value, or a string for a text reply.
    pub body: serde_json::Value,
}

impl Default for OggResult {
    fn default() -> Self {
        Self {
            status: 200,
            reason: "OK".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::json!({
                "$schema": "api:standardResponse",
                "links": [],
                "messages": [],
                "response": {"$schema": "ogg:collection", "items": []}
            }),
        }
    }
}

impl OggResult {
    /// A JSON reply with `status`.
    pub fn json(status: u16, reason: impl Into<String>, body: serde_json::Value) -> Self {
        Self {
            status,
            reason: reason.into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        }
    }

    /// A text reply with `status`.
    pub fn text(status: u16, reason: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            status,
            reason: reason.into(),
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: serde_json::Value::String(body.into()),
        }
    }
}

/// How an Analytics work request behaves.
///
/// Default: ACCEPTED 1 s, IN_PROGRESS 30 s (`percentComplete` rising evenly from 0 to 100), then SUCCEEDED.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OacScenario {
    /// How long the work request stays ACCEPTED.
    #[serde(with = "secs", rename = "acceptedSeconds")]
    pub accepted: Duration,
    /// How long it stays IN_PROGRESS.
    #[serde(with = "secs", rename = "inProgressSeconds")]
    pub in_progress: Duration,
    /// The final status: SUCCEEDED, FAILED or CANCELED.
    pub end: String,
    /// For FAILED: the `percentComplete` reached when it failed, and the `Errors` entries.
    pub failed_at_percent: f64,
    /// `Errors` of a FAILED work request: `(code, message)` pairs.
    pub errors: Vec<(String, String)>,
    /// When set, the starting call answers 404 (the object does not exist).
    pub not_found: bool,
    /// `operationType` to report instead of the default for the starting operation (for example an undocumented
    /// value such as `RUN_DATAFLOW`, to test a client's handling of unknown values).
    pub operation_type: Option<String>,
}

impl Default for OacScenario {
    fn default() -> Self {
        Self::succeeds_after(Duration::from_secs(30))
    }
}

impl OacScenario {
    /// ACCEPTED 1 s, IN_PROGRESS for `in_progress`, then SUCCEEDED.
    pub fn succeeds_after(in_progress: Duration) -> Self {
        Self {
            accepted: Duration::from_secs(1),
            in_progress,
            end: "SUCCEEDED".into(),
            failed_at_percent: 0.0,
            errors: Vec::new(),
            not_found: false,
            operation_type: None,
        }
    }

    /// ACCEPTED 1 s, IN_PROGRESS for `in_progress` up to `percent`, then FAILED with one error.
    pub fn fails_after(
        in_progress: Duration,
        percent: f64,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            end: "FAILED".into(),
            failed_at_percent: percent.clamp(0.0, 100.0),
            errors: vec![(code.into(), message.into())],
            ..Self::succeeds_after(in_progress)
        }
    }

    /// ACCEPTED 1 s, IN_PROGRESS for `in_progress`, then CANCELED.
    pub fn canceled_after(in_progress: Duration) -> Self {
        Self {
            end: "CANCELED".into(),
            ..Self::succeeds_after(in_progress)
        }
    }

    /// The starting call answers 404.
    pub fn not_found() -> Self {
        Self {
            not_found: true,
            ..Self::default()
        }
    }
}
