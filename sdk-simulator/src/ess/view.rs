//! The JSON representation of an ESS request (`RequestDetails`), its links and flags, and the `fields`,
//! `excludeFields` selection of a reply.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::is_terminal;
use super::lifecycle::EssRequest;
use crate::operation::{ESS_PREFIX, RequestAction};
use crate::reply::{Ctx, rfc3339_millis};

/// The fields of `fields=@basic`.
const BASIC_FIELDS: &[&str] = &[
    "requestId",
    "state",
    "jobDefinitionId",
    "application",
    "submissionTime",
    "processStartTime",
    "processEndTime",
    "links",
];

impl EssRequest {
    /// The request as `GET /requests/{id}` shows it at `now`, with links under `origin`.
    pub(super) fn view(&self, now: DateTime<Utc>, origin: &str) -> Map<String, Value> {
        let (idx, cur) = self.current(now);
        let past = self.timeline.get(..=idx).unwrap_or(&[]);
        let state = cur.state.as_str();
        let terminal = is_terminal(state);
        let started = past.iter().find(|e| e.state == "RUNNING").map(|e| e.at);
        let ended = if terminal { Some(cur.at) } else { None };
        let href = format!("{origin}{ESS_PREFIX}/requests/{}", self.id);
        let mut links = vec![json!({"rel": "self", "href": href})];
        let cancellable = !terminal && state != "CANCELLING";
        let holdable = matches!(state, "WAIT" | "READY");
        // Whether forceCancel applies to this request at all (asynchronous, in CANCELLING); the 30-minute rule
        // is enforced by the call itself (409 before). Oracle does not say which of the two the flag tells.
        let force = self.scenario.asynchronous && state == "CANCELLING";
        if cancellable {
            links.push(json!({"rel": "cancel", "href": format!("{href}/cancel")}));
        }
        if holdable {
            links.push(json!({"rel": "hold", "href": format!("{href}/hold")}));
        }
        if state == "HOLD" {
            links.push(json!({"rel": "release", "href": format!("{href}/release")}));
        }
        if self.scenario.asynchronous && state == "CANCELLING" {
            links.push(json!({"rel": "forceCancel", "href": format!("{href}/forceCancel")}));
        }
        if matches!(state, "RUNNING" | "CANCELLING" | "PAUSED") {
            links.push(json!({"rel": "executionStatus", "href": format!("{href}/executionStatus")}));
        }
        links.push(json!({"rel": "permissions", "href": format!("{href}/permissions")}));
        links.push(json!({"rel": "subscribe", "href": format!("{href}/subscribe")}));

        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            if !v.is_null() {
                m.insert(k.to_owned(), v);
            }
        };
        let t = |t: Option<DateTime<Utc>>| t.map_or(Value::Null, |t| Value::String(rfc3339_millis(t)));
        put("requestId", json!(self.id));
        put("absParentRequestId", json!(self.id));
        put("parentRequestId", json!(0));
        put("instanceParentId", json!(0));
        put("application", json!(self.application));
        put("product", json!(self.product));
        put("description", json!(self.description));
        put("requestCategory", json!(self.request_category));
        put("jobDefinitionId", json!(self.job_definition_id));
        put(
            "jobDisplayName",
            json!(self.job_definition_id.rsplit('/').next().unwrap_or_default()),
        );
        put("jobType", json!("JobType://oracle/as/ess/ext/JavaJobType"));
        put("executionType", json!("JAVA_TYPE"));
        put("requestType", json!("SINGLETON"));
        put("state", json!(state));
        put("stateDescription", json!(state_description(state)));
        if idx > 0 {
            put("previousState", json!(past.get(idx - 1).map(|e| e.state.clone())));
        }
        put("stateChangeTime", t(Some(cur.at)));
        let cause = if terminal {
            cur.cause.clone().unwrap_or_else(|| default_cause(state).to_owned())
        } else {
            "NON_TERMINAL".into()
        };
        put("causeDescription", json!(cause_description(&cause)));
        put("cause", json!(cause));
        if terminal {
            put("errorWarningMessage", json!(cur.message));
            if cur.message.is_some() {
                put("errorWarningTime", t(Some(cur.at)));
            }
            put("errorType", json!(cur.error_type));
        }
        put("priority", json!(self.priority));
        put("submitter", json!(self.submitter));
        put("runAsUser", json!(self.submitter));
        put("submissionTime", t(Some(self.submission_time)));
        put(
            "requestedStartTime",
            t(Some(self.requested_start.unwrap_or(self.submission_time))),
        );
        put("requestedEndTime", t(self.requested_end));
        put(
            "scheduledTime",
            t(Some(self.requested_start.unwrap_or(self.submission_time))),
        );
        put("processStartTime", t(started));
        put("processEndTime", t(ended));
        put("completedTime", t(ended));
        if let Some(s) = started {
            let end = ended.unwrap_or(now);
            put("elapsedTime", json!((end - s).num_milliseconds().max(0)));
        }
        put("processor", json!(if started.is_some() { "ess_server1" } else { "" }));
        put("isAsynchronous", json!(self.scenario.asynchronous));
        put("isCancellable", json!(cancellable));
        put("isHoldable", json!(holdable));
        put("isForceCancelAllowed", json!(force));
        put("isTimedOut", json!(false));
        put("isRecoverable", json!(false));
        put("isAsyncRecoverable", json!(false));
        put("executionAttempt", json!(1));
        put("retriedCount", json!(0));
        put(
            "pausedCount",
            json!(past.iter().filter(|e| e.state == "PAUSED").count()),
        );
        put("enterpriseId", json!(1));
        put("logicalClusterName", json!("ESS_CLUSTER"));
        put("requestParameters", json!(self.parameters));
        put(
            "notificationUrl",
            json!(self.subscription.as_ref().and_then(callback_url)),
        );
        put("links", json!(links));
        m
    }

    /// The permissions body (the simulator's own shape: Oracle documents none).
    pub(super) fn permissions(&self, now: DateTime<Utc>) -> Value {
        let state = self.state(now);
        let terminal = is_terminal(&state);
        let may = |action| !self.forbids(action);
        json!({
            "requestId": self.id,
            "user": self.submitter,
            "canView": true,
            "canCancel": may(RequestAction::Cancel) && !terminal && state != "CANCELLING",
            "canForceCancel": may(RequestAction::ForceCancel) && self.scenario.asynchronous && state == "CANCELLING",
            "canHold": may(RequestAction::Hold) && matches!(state.as_str(), "WAIT" | "READY"),
            "canRelease": may(RequestAction::Release) && state == "HOLD",
            "canUpdate": may(RequestAction::Update) && !terminal,
            "canDelete": may(RequestAction::Delete) && terminal,
        })
    }
}

fn callback_url(sub: &Value) -> Option<String> {
    let prefix = sub.get("callbackUrlPrefix")?.as_str()?;
    let path = sub.get("callbackResourcePath").and_then(Value::as_str).unwrap_or("");
    Some(format!("{prefix}{path}"))
}

fn state_description(state: &str) -> &'static str {
    match state {
        "WAIT" => "Waiting to be dispatched",
        "READY" => "Dispatched, waiting to be processed",
        "RUNNING" => "Running",
        "COMPLETED" => "Completed, post-processing",
        "BLOCKED" => "Blocked by an incompatible request",
        "HOLD" => "On hold",
        "CANCELLING" => "Cancelling",
        "EXPIRED" => "Expired",
        "CANCELLED" => "Cancelled",
        "ERROR" => "Error",
        "WARNING" => "Warning",
        "SUCCEEDED" => "Succeeded",
        "PAUSED" => "Paused",
        "ERROR_MANUAL_RECOVERY" => "Error, manual recovery needed",
        _ => "Other state",
    }
}

fn default_cause(state: &str) -> &'static str {
    match state {
        "SUCCEEDED" => "PROCESS_SUCCESS",
        "WARNING" => "PROCESS_WARNING",
        "ERROR" => "PROCESS_ERROR",
        "CANCELLED" => "OPERATOR_CANCEL",
        "EXPIRED" => "REQUEST_EXPIRED",
        _ => "NON_TERMINAL",
    }
}

fn cause_description(cause: &str) -> &'static str {
    match cause {
        "NON_TERMINAL" => "Request in non-terminal state",
        "PROCESS_SUCCESS" => "Request processing completed successfully",
        "PROCESS_WARNING" => "Request processing completed with a warning",
        "PROCESS_ERROR" => "Request processing ended in error",
        "PROCESS_BIZ_ERROR" => "Request processing ended in a business error",
        "OPERATOR_CANCEL" => "Request cancelled by an operator",
        "PROCESS_CANCEL" => "Request processing cancelled",
        _ => "See cause",
    }
}

/// Keeps the fields a reply asks for (`fields`, `@basic`, `@full`) and drops `excludeFields`.
pub(super) fn fields_filter(mut m: Map<String, Value>, ctx: &Ctx) -> Map<String, Value> {
    if let Some(fields) = ctx.query.get("fields").filter(|f| !f.trim().is_empty()) {
        let wanted: Vec<&str> = fields.split(',').map(str::trim).collect();
        if !wanted.contains(&"@full") {
            let keep: Vec<&str> = if wanted.contains(&"@basic") {
                BASIC_FIELDS.to_vec()
            } else {
                wanted
            };
            m.retain(|k, _| keep.contains(&k.as_str()));
        }
    }
    if let Some(ex) = ctx.query.get("excludeFields") {
        for f in ex.split(',').map(str::trim) {
            m.remove(f);
        }
    }
    m
}
