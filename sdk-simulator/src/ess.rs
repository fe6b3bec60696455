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

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::operation::{ESS_PREFIX, Operation};
use crate::query;
use crate::reply::{Ctx, Reply, rfc3339_millis};
use crate::scenario::EssScenario;

/// First request id handed out.
const FIRST_ID: i64 = 300_000_012_345_680;
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

/// Whether an ESS state is terminal.
pub fn is_terminal(state: &str) -> bool {
    TERMINAL.contains(&state)
}

#[derive(Clone, Debug)]
struct Entry {
    state: String,
    at: DateTime<Utc>,
    cause: Option<String>,
    message: Option<String>,
    error_type: Option<String>,
}

impl Entry {
    fn new(state: &str, at: DateTime<Utc>) -> Self {
        Self {
            state: state.to_owned(),
            at,
            cause: None,
            message: None,
            error_type: None,
        }
    }

    fn ending(
        state: &str,
        at: DateTime<Utc>,
        cause: Option<&str>,
        message: Option<&str>,
        error_type: Option<&str>,
    ) -> Self {
        Self {
            state: state.to_owned(),
            at,
            cause: cause.map(str::to_owned),
            message: message.map(str::to_owned),
            error_type: error_type.map(str::to_owned),
        }
    }
}

#[derive(Clone, Debug)]
struct EssRequest {
    id: i64,
    job_definition_id: String,
    application: Option<String>,
    product: Option<String>,
    description: Option<String>,
    request_category: Option<String>,
    priority: i64,
    parameters: Vec<Value>,
    submitter: String,
    submission_time: DateTime<Utc>,
    requested_start: Option<DateTime<Utc>>,
    requested_end: Option<DateTime<Utc>>,
    scenario: EssScenario,
    /// Past and planned states, in time order.
    timeline: Vec<Entry>,
    /// Planned entries set aside by `hold`, as offsets from the hold.
    held: Vec<(Duration, Entry)>,
    cancelling_since: Option<DateTime<Utc>>,
    last_check_in: Option<DateTime<Utc>>,
    subscription: Option<Value>,
    schedule: Option<Value>,
    deleted: bool,
}

/// Configuration of the cluster answered by `getQuiesceState`.
#[derive(Clone, Debug)]
pub(crate) struct Quiesce {
    pub cluster: String,
    pub servers: Vec<String>,
    pub state: String,
}

/// State of the simulated ESS.
#[derive(Debug)]
pub(crate) struct EssState {
    next_id: i64,
    requests: BTreeMap<i64, EssRequest>,
    pub scenarios: HashMap<String, EssScenario>,
    pub default_scenario: EssScenario,
    pub page_size: usize,
    pub quiesce: Quiesce,
}

impl Default for EssState {
    fn default() -> Self {
        Self {
            next_id: FIRST_ID,
            requests: BTreeMap::new(),
            scenarios: HashMap::new(),
            default_scenario: EssScenario::default(),
            page_size: 25,
            quiesce: Quiesce {
                cluster: "ess_cluster".into(),
                servers: vec!["ess_server1".into(), "ess_server2".into()],
                state: "ACTIVE".into(),
            },
        }
    }
}

/// A `SimpleExceptionDetail` reply.
pub(crate) fn error(status: u16, title: &str, detail: &str) -> Reply {
    let slug = match status {
        400 => "400-bad-request",
        401 => "401-unauthorized",
        403 => "403-forbidden",
        404 => "404-not-found",
        409 => "409-conflict",
        429 => "429-too-many-requests",
        500 => "500-internal-server-error",
        503 => "503-service-unavailable",
        _ => "status-codes",
    };
    Reply::json(
        status,
        &json!({
            "type": format!("https://www.rfc-editor.org/rfc/rfc9110#name-{slug}"),
            "title": title,
            "detail": detail,
            "errorCode": format!("ESS-00{status}"),
            "status": status,
        }),
    )
}

/// The default title of an error status.
pub(crate) fn title_of(status: u16) -> &'static str {
    match status {
        400 => "Unsupported state for operation",
        401 => "Unauthorized",
        403 => "Not authorized for this operation",
        404 => "Request ID not found",
        409 => "Conflict",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Scheduling sub-system error",
    }
}

fn unsupported(state: &str, action: &str) -> Reply {
    error(
        400,
        "Unsupported state for operation",
        &format!("The request is in state {state}; {action} is not possible in this state."),
    )
}

fn content_type(ctx: &Ctx, json: &'static str, vnd: &'static str) -> &'static str {
    if ctx.accepts("application/vnd.oracle.resource+json") {
        vnd
    } else {
        json
    }
}

impl EssRequest {
    fn current(&self, now: DateTime<Utc>) -> (usize, &Entry) {
        let idx = self.timeline.iter().rposition(|e| e.at <= now).unwrap_or(0);
        match self.timeline.get(idx) {
            Some(e) => (idx, e),
            None => (0, &DEFAULT_ENTRY),
        }
    }

    fn state(&self, now: DateTime<Utc>) -> String {
        self.current(now).1.state.clone()
    }

    /// Forgets the planned future: keeps what happened up to `now`.
    fn truncate(&mut self, now: DateTime<Utc>) {
        let keep = self.timeline.iter().rposition(|e| e.at <= now).map_or(1, |i| i + 1);
        self.timeline.truncate(keep);
    }

    fn go(&mut self, entry: Entry) {
        let now = entry.at;
        self.truncate(now);
        self.timeline.push(entry);
    }

    fn force_cancel_allowed(&self, now: DateTime<Utc>) -> bool {
        let since = match (self.cancelling_since, self.last_check_in) {
            (Some(a), Some(b)) => a.max(b),
            (Some(a), None) => a,
            _ => return false,
        };
        self.scenario.asynchronous
            && self.state(now) == "CANCELLING"
            && now - since >= chrono::Duration::from_std(FORCE_CANCEL_AFTER).unwrap_or(chrono::Duration::MAX)
    }

    fn view(&self, now: DateTime<Utc>, origin: &str) -> Map<String, Value> {
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
}

static DEFAULT_ENTRY: std::sync::LazyLock<Entry> =
    std::sync::LazyLock::new(|| Entry::new("UNKNOWN", DateTime::<Utc>::MIN_UTC));

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

/// Builds the timeline of a new request from its scenario.
fn plan(scenario: &EssScenario, start: DateTime<Utc>, requested_start: Option<DateTime<Utc>>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut at = start;
    for (i, step) in scenario.steps.iter().enumerate() {
        out.push(Entry::new(&step.state, at));
        at += chrono::Duration::from_std(step.duration).unwrap_or(chrono::Duration::MAX / 4);
        if let (0, Some(rs)) = (i, requested_start) {
            at = at.max(rs);
        }
    }
    if out.is_empty() {
        out.push(Entry::new("WAIT", start));
    }
    if let Some(end) = &scenario.end_state {
        out.push(Entry::ending(
            end,
            at,
            scenario.cause.as_deref(),
            scenario.message.as_deref(),
            scenario.error_type.as_deref(),
        ));
    }
    out
}

fn fields_filter(mut m: Map<String, Value>, ctx: &Ctx) -> Map<String, Value> {
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

impl EssState {
    /// Forgets every request (scenarios stay).
    pub(crate) fn clear_requests(&mut self) {
        self.requests.clear();
        self.next_id = FIRST_ID;
    }

    /// The state of a request at `now`.
    pub(crate) fn state_of(&self, id: i64, now: DateTime<Utc>) -> Option<String> {
        self.requests.get(&id).map(|r| r.state(now))
    }

    /// Puts a request in `state` from `now` on; a terminal state gets `cause`/`message`.
    pub(crate) fn force(
        &mut self,
        id: i64,
        state: &str,
        cause: Option<&str>,
        message: Option<&str>,
        now: DateTime<Utc>,
    ) -> bool {
        let Some(r) = self.requests.get_mut(&id) else {
            return false;
        };
        if state == "CANCELLING" {
            r.cancelling_since = Some(now);
        }
        r.go(Entry::ending(state, now, cause, message, None));
        true
    }

    /// Handles one ESS operation.
    pub(crate) fn handle(&mut self, op: &Operation, ctx: &Ctx) -> Reply {
        let now = ctx.now;
        match op.id {
            "getRoot" => self.root(ctx),
            "submitRequest" => self.submit(ctx),
            "queryRequests" => self.query(ctx, None, None),
            "searchRequests" => match op.params.first().map(|p| p.parse::<i32>()) {
                Some(Ok(p)) if p >= 1 => self.query(ctx, None, Some(p as usize)),
                _ => error(
                    400,
                    "Invalid input",
                    "pageIndex must be an integer from 1 (pages are 1-based).",
                ),
            },
            "queryApplicationRequests" => {
                let page = match ctx.query.get("pageIndex").map(|p| p.parse::<i32>()) {
                    None => 1,
                    Some(Ok(p)) if p >= 1 => p as usize,
                    _ => {
                        return error(
                            400,
                            "Invalid input",
                            "pageIndex must be an integer from 1 (pages are 1-based).",
                        );
                    }
                };
                self.query(ctx, op.params.first().cloned(), Some(page))
            }
            "setStepArgs" => step_args(ctx),
            "getQuiesceState" => self.quiesce(ctx),
            _ => {
                let Some(id) = op.params.first().and_then(|p| p.parse::<i64>().ok()) else {
                    return error(400, "Invalid input", "The request ID must be an integer.");
                };
                let Some(r) = self.requests.get_mut(&id).filter(|r| !r.deleted) else {
                    return error(404, "Request ID not found", &format!("Request {id} does not exist."));
                };
                request_op(r, op.id, ctx, now)
            }
        }
    }

    fn root(&self, ctx: &Ctx) -> Reply {
        let base = format!("{}{ESS_PREFIX}", ctx.origin);
        let body = json!({"links": [
            {"rel": "self", "href": base, "method": "GET", "mediaType": "application/json"},
            {"rel": "requests", "href": format!("{base}/requests"), "method": "GET", "mediaType": "application/json"},
            {"rel": "search", "href": format!("{base}/requests/search/{{pageIndex}}"), "method": "GET", "templated": true},
            {"rel": "quiesceState", "href": format!("{base}/server/quiesceState"), "method": "GET"},
        ]});
        Reply::json_as(
            200,
            content_type(ctx, "application/json", "application/vnd.oracle.resource+json"),
            &body,
        )
    }

    fn submit(&mut self, ctx: &Ctx) -> Reply {
        let body = match ctx.json_body() {
            Ok(Some(Value::Object(b))) => b,
            Ok(_) => return error(400, "Invalid input", "The body must be a JSON object."),
            Err(e) => return error(400, "Invalid input", &e),
        };
        let Some(job) = body
            .get("jobDefinitionId")
            .and_then(Value::as_str)
            .filter(|j| !j.is_empty())
        else {
            return error(400, "Invalid input", "jobDefinitionId is required.");
        };
        if body.get("schedule").is_some_and(|v| !v.is_null()) && body.get("scheduleId").is_some_and(|v| !v.is_null()) {
            return error(
                400,
                "Invalid input",
                "Only one of schedule and scheduleId may be given.",
            );
        }
        let params = match body.get("requestParameters") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return error(400, "Invalid input", "requestParameters must be an array."),
        };
        let time = |k: &str| body.get(k).and_then(Value::as_str).and_then(query::parse_time);
        let str_of = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
        let scenario = self
            .scenarios
            .get(job)
            .cloned()
            .unwrap_or_else(|| self.default_scenario.clone());
        let id = self.next_id;
        self.next_id += 1;
        let requested_start = time("startTime");
        let submitter = ctx
            .headers
            .get("authorization")
            .and_then(|a| basic_user(a))
            .unwrap_or_else(|| "simulator.user".into());
        let req = EssRequest {
            id,
            job_definition_id: job.to_owned(),
            application: str_of("application"),
            product: str_of("product"),
            description: str_of("description"),
            request_category: str_of("requestCategory"),
            priority: body.get("priority").and_then(Value::as_i64).unwrap_or(4),
            parameters: params,
            submitter,
            submission_time: ctx.now,
            requested_start,
            requested_end: time("endTime"),
            timeline: plan(&scenario, ctx.now, requested_start),
            scenario,
            held: Vec::new(),
            cancelling_since: None,
            last_check_in: None,
            subscription: body.get("callbackSubscription").filter(|v| !v.is_null()).cloned(),
            schedule: body.get("schedule").filter(|v| !v.is_null()).cloned(),
            deleted: false,
        };
        self.requests.insert(id, req);
        let href = format!("{}{ESS_PREFIX}/requests/{id}", ctx.origin);
        Reply::json_as(
            201,
            content_type(ctx, "application/json", "application/vnd.oracle.resource+json"),
            &json!({"id": id, "links": [{"rel": "self", "href": href}]}),
        )
        .header("location", href)
    }

    fn query(&self, ctx: &Ctx, application: Option<String>, page: Option<usize>) -> Reply {
        let filter = match ctx.query.get("q").map(|q| q.trim()).filter(|q| !q.is_empty()) {
            Some(q) => match query::parse(q) {
                Ok(f) => Some(f),
                Err(e) => return error(400, "Invalid input", &format!("Invalid q: {e}")),
            },
            None => None,
        };
        let ct = content_type(
            ctx,
            "application/json;charset=utf-8",
            "application/vnd.oracle.resource+json;type=collection",
        );
        // Multi-selection.
        if let (Some(ids), None) = (ctx.query.get("id"), page) {
            let mut batch = Vec::new();
            for raw in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let Ok(id) = raw.parse::<i64>() else {
                    return error(400, "Invalid input", &format!("'{raw}' is not a request ID."));
                };
                match self.requests.get(&id).filter(|r| !r.deleted) {
                    Some(r) => batch.push(json!({
                        "requestId": id,
                        "status": 200,
                        "request": fields_filter(r.view(ctx.now, &ctx.origin), ctx),
                    })),
                    None => batch.push(json!({
                        "requestId": id,
                        "status": 404,
                        "error": {"title": "Request ID not found", "detail": format!("Request {id} does not exist."), "errorCode": "ESS-00404"},
                    })),
                }
            }
            return Reply::json_as(200, ct, &json!({"batch": batch}));
        }
        let mut items: Vec<Map<String, Value>> = self
            .requests
            .values()
            .filter(|r| !r.deleted)
            .filter(|r| application.as_ref().is_none_or(|a| r.application.as_ref() == Some(a)))
            .map(|r| r.view(ctx.now, &ctx.origin))
            .filter(|v| filter.as_ref().is_none_or(|f| f.matches(v)))
            .collect();
        if let Some(order) = ctx.query.get("orderBy").filter(|o| !o.trim().is_empty()) {
            let first = order.split(',').next().unwrap_or("").trim();
            let (field, dir) = first.split_once(':').unwrap_or((first, "asc"));
            let desc = match dir.to_ascii_lowercase().as_str() {
                "asc" => false,
                "desc" => true,
                _ => return error(400, "Invalid input", "orderBy is fieldName[:(asc|desc)]."),
            };
            items.sort_by(|a, b| {
                let o = cmp_values(a.get(field), b.get(field));
                if desc { o.reverse() } else { o }
            });
        }
        let mut body = Map::new();
        if let Some(page) = page {
            let size = self.page_size.max(1);
            let start = (page - 1).saturating_mul(size);
            items = items.into_iter().skip(start).take(size).collect();
            let base = match &application {
                Some(a) => format!("{}{ESS_PREFIX}/query/{a}/requests?pageIndex=", ctx.origin),
                None => format!("{}{ESS_PREFIX}/requests/search/", ctx.origin),
            };
            // As a real Fusion page: a `self` link and the 1-based `pageIndex`; the documented relations have no
            // `next` or `prev`, so a client pages until a page comes back short.
            let links = vec![json!({"rel": "self", "href": format!("{base}{page}")})];
            body.insert("pageIndex".into(), json!(page));
            body.insert("links".into(), json!(links));
        }
        let items: Vec<Value> = items
            .into_iter()
            .map(|m| Value::Object(fields_filter(m, ctx)))
            .collect();
        body.insert("count".into(), json!(items.len()));
        body.insert("items".into(), Value::Array(items));
        Reply::json_as(200, ct, &Value::Object(body))
    }

    fn quiesce(&self, ctx: &Ctx) -> Reply {
        let q = &self.quiesce;
        if let Some(c) = ctx.query.get("clusterName").filter(|c| **c != q.cluster) {
            return error(404, "Not found", &format!("Cluster {c} does not exist."));
        }
        let servers: Vec<&String> = match ctx.query.get("serverName") {
            Some(s) => match q.servers.iter().find(|x| *x == s) {
                Some(x) => vec![x],
                None => return error(404, "Not found", &format!("Server {s} does not exist.")),
            },
            None => q.servers.iter().collect(),
        };
        let body = json!({
            "clusterName": q.cluster,
            "quiesceState": q.state,
            "servers": servers.iter().map(|s| json!({"serverName": s, "quiesceState": q.state})).collect::<Vec<_>>(),
        });
        Reply::json_as(
            200,
            content_type(
                ctx,
                "application/json;charset=utf-8",
                "application/vnd.oracle.resource+json",
            ),
            &body,
        )
    }
}

fn basic_user(header: &str) -> Option<String> {
    use base64::Engine as _;
    let (scheme, v) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let dec = base64::engine::general_purpose::STANDARD.decode(v.trim()).ok()?;
    let s = String::from_utf8(dec).ok()?;
    Some(s.split_once(':')?.0.to_owned())
}

fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&y.as_f64().unwrap_or(0.0))
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

fn step_args(ctx: &Ctx) -> Reply {
    let body = match ctx.json_body() {
        Ok(Some(Value::Object(b))) => b,
        Ok(_) => return error(400, "Invalid input", "The body must be a JSON object."),
        Err(e) => return error(400, "Invalid input", &e),
    };
    let mut out = body.clone();
    let mut params: Vec<Value> = body
        .get("requestParameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(args) = body.get("arguments").and_then(Value::as_array) {
        for (i, a) in args.iter().enumerate() {
            let value = match a {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            params.push(json!({"name": format!("submit.argument{}", i + 1), "paramType": "STRING", "value": value}));
        }
    }
    out.insert("requestParameters".into(), Value::Array(params));
    Reply::json_as(
        201,
        content_type(ctx, "application/json", "application/vnd.oracle.resource+json"),
        &Value::Object(out),
    )
}

fn action_ok(r: &EssRequest, ctx: &Ctx) -> Reply {
    let href = format!("{}{ESS_PREFIX}/requests/{}", ctx.origin, r.id);
    Reply::json_as(
        200,
        content_type(ctx, "application/json", "application/vnd.oracle.resource+json"),
        &json!({"links": [{"rel": "self", "href": href}]}),
    )
}

fn verb(op: &str) -> &'static str {
    match op {
        "cancelRequest" => "cancel",
        "forceCancelRequest" => "force cancel",
        "holdRequest" => "hold",
        "releaseRequest" => "release",
        "deleteRequest" => "delete",
        "updateRequest" => "update",
        "subscribeRequest" | "unsubscribeRequest" => "change the subscription of",
        "updateExecutionStatus" => "set the execution status of",
        _ => "access",
    }
}

fn request_op(r: &mut EssRequest, op: &str, ctx: &Ctx, now: DateTime<Utc>) -> Reply {
    if r.scenario.forbidden.iter().any(|f| f == op) {
        let verb = verb(op);
        return error(
            403,
            &format!("Not authorized to {verb} this request"),
            &format!("The user may not {verb} request {}.", r.id),
        );
    }
    let state = r.state(now);
    let terminal = is_terminal(&state);
    match op {
        "getRequest" => {
            let mut view = fields_filter(r.view(now, &ctx.origin), ctx);
            if let (Some(rels), Some(Value::Array(links))) = (ctx.query.get("links"), view.get_mut("links")) {
                let rels: Vec<&str> = rels.split(',').map(str::trim).collect();
                links.retain(|l| l.get("rel").and_then(Value::as_str).is_some_and(|x| rels.contains(&x)));
            }
            Reply::json_as(
                200,
                content_type(
                    ctx,
                    "application/json;charset=utf-8",
                    "application/vnd.oracle.resource+json;type=singular",
                ),
                &Value::Object(view),
            )
        }
        "updateRequest" => {
            if terminal {
                return unsupported(&state, "update");
            }
            let body = match ctx.json_body() {
                Ok(Some(Value::Object(b))) => b,
                Ok(_) => return error(400, "Invalid input", "The body must be a JSON object."),
                Err(e) => return error(400, "Invalid input", &e),
            };
            if let Some(params) = body.get("requestParameters") {
                let Some(params) = params.as_array() else {
                    return error(400, "Invalid input", "requestParameters must be an array.");
                };
                for p in params {
                    let name = p.get("name").and_then(Value::as_str);
                    match r
                        .parameters
                        .iter_mut()
                        .find(|x| x.get("name").and_then(Value::as_str) == name)
                    {
                        Some(existing) => *existing = p.clone(),
                        None => r.parameters.push(p.clone()),
                    }
                }
            }
            if let Some(s) = body.get("schedule").filter(|v| !v.is_null()) {
                r.schedule = Some(s.clone());
            }
            if let Some(c) = body.get("callbackSubscription").filter(|v| !v.is_null()) {
                r.subscription = Some(c.clone());
            }
            action_ok(r, ctx)
        }
        "deleteRequest" => {
            if !terminal {
                return unsupported(&state, "deletion");
            }
            r.deleted = true;
            Reply::empty(204)
        }
        "cancelRequest" => match state.as_str() {
            s if is_terminal(s) || s == "CANCELLING" => unsupported(s, "cancel"),
            "RUNNING" | "COMPLETED" | "PAUSED" => {
                r.cancelling_since = Some(now);
                r.go(Entry::new("CANCELLING", now));
                if !r.scenario.asynchronous {
                    let at = now + chrono::Duration::from_std(r.scenario.cancel_delay).unwrap_or_default();
                    r.timeline
                        .push(Entry::ending("CANCELLED", at, Some("OPERATOR_CANCEL"), None, None));
                }
                action_ok(r, ctx)
            }
            _ => {
                r.go(Entry::ending("CANCELLED", now, Some("OPERATOR_CANCEL"), None, None));
                action_ok(r, ctx)
            }
        },
        "forceCancelRequest" => {
            if state != "CANCELLING" || !r.scenario.asynchronous {
                return unsupported(&state, "force cancel (only an asynchronous request in CANCELLING)");
            }
            if !r.force_cancel_allowed(now) {
                return error(
                    409,
                    "Conflict",
                    "Force cancel is allowed only 30 minutes after the request entered CANCELLING or the job last checked in.",
                );
            }
            r.go(Entry::ending("CANCELLED", now, Some("PROCESS_CANCEL"), None, None));
            action_ok(r, ctx)
        }
        "holdRequest" => {
            if !matches!(state.as_str(), "WAIT" | "READY") {
                return unsupported(&state, "hold");
            }
            let (idx, _) = r.current(now);
            r.held = r
                .timeline
                .get(idx + 1..)
                .unwrap_or(&[])
                .iter()
                .map(|e| ((e.at - now).to_std().unwrap_or_default(), e.clone()))
                .collect();
            r.go(Entry::new("HOLD", now));
            action_ok(r, ctx)
        }
        "releaseRequest" => {
            if state != "HOLD" {
                return unsupported(&state, "release");
            }
            r.go(Entry::new("WAIT", now));
            for (offset, mut e) in std::mem::take(&mut r.held) {
                e.at = now + chrono::Duration::from_std(offset).unwrap_or_default();
                r.timeline.push(e);
            }
            action_ok(r, ctx)
        }
        "getRequestPermissions" => {
            let may = |op: &str| !r.scenario.forbidden.iter().any(|f| f == op);
            let body = json!({
                "requestId": r.id,
                "user": r.submitter,
                "canView": true,
                "canCancel": may("cancelRequest") && !terminal && state != "CANCELLING",
                "canForceCancel": may("forceCancelRequest") && r.scenario.asynchronous && state == "CANCELLING",
                "canHold": may("holdRequest") && matches!(state.as_str(), "WAIT" | "READY"),
                "canRelease": may("releaseRequest") && state == "HOLD",
                "canUpdate": may("updateRequest") && !terminal,
                "canDelete": may("deleteRequest") && terminal,
            });
            Reply::json_as(
                200,
                content_type(
                    ctx,
                    "application/json;charset=utf-8",
                    "application/vnd.oracle.resource+json",
                ),
                &body,
            )
        }
        "subscribeRequest" => {
            let body = match ctx.json_body() {
                Ok(Some(Value::Object(b))) => b,
                Ok(_) => return error(400, "Invalid input", "The body must be a JSON object."),
                Err(e) => return error(400, "Invalid input", &e),
            };
            for k in ["callbackUrlPrefix", "callbackResourcePath"] {
                if !body.get(k).is_some_and(Value::is_string) {
                    return error(400, "Invalid input", &format!("{k} is required."));
                }
            }
            if terminal {
                return unsupported(&state, "subscribe");
            }
            r.subscription = Some(Value::Object(body));
            action_ok(r, ctx)
        }
        "unsubscribeRequest" => {
            if r.subscription.take().is_none() {
                return error(404, "Not found", "The request has no callback subscription.");
            }
            Reply::empty(204)
        }
        "updateExecutionStatus" => {
            let body = match ctx.json_body() {
                Ok(Some(Value::Object(b))) => b,
                Ok(None) => Map::new(),
                Ok(_) => return error(400, "Invalid input", "The body must be a JSON object."),
                Err(e) => return error(400, "Invalid input", &e),
            };
            if !matches!(state.as_str(), "RUNNING" | "CANCELLING" | "PAUSED") {
                return unsupported(&state, "executionStatus");
            }
            let status = body.get("status").and_then(Value::as_str).unwrap_or("UPDATE");
            let msg = body.get("statusMessage").and_then(Value::as_str);
            let entry = match status {
                "SUCCESS" => Entry::ending("SUCCEEDED", now, Some("PROCESS_SUCCESS"), None, None),
                "WARNING" => Entry::ending("WARNING", now, Some("PROCESS_WARNING"), msg, None),
                "ERROR" => Entry::ending("ERROR", now, Some("PROCESS_ERROR"), msg, Some("SYSTEM")),
                "BUSINESS_ERROR" => Entry::ending("ERROR", now, Some("PROCESS_BIZ_ERROR"), msg, Some("BUSINESS")),
                "CANCEL" => Entry::ending("CANCELLED", now, Some("PROCESS_CANCEL"), None, None),
                "PAUSE" => Entry::new("PAUSED", now),
                "SUSPEND" => Entry::ending("ERROR_MANUAL_RECOVERY", now, Some("PROCESS_SUSPEND"), msg, None),
                "UPDATE" => {
                    r.last_check_in = Some(now);
                    return action_ok(r, ctx);
                }
                other => return error(400, "Invalid input", &format!("Unknown status {other}.")),
            };
            if status == "PAUSE" && state == "PAUSED" {
                return action_ok(r, ctx);
            }
            r.go(entry);
            action_ok(r, ctx)
        }
        "checkInCancelling" => {
            if let Err(e) = ctx.json_body() {
                return error(400, "Invalid input", &e);
            }
            let cancelling = state == "CANCELLING";
            if cancelling {
                r.last_check_in = Some(now);
            }
            Reply::json_as(
                200,
                content_type(
                    ctx,
                    "application/json;charset=utf-8",
                    "application/vnd.oracle.resource+json",
                ),
                &json!(cancelling),
            )
        }
        _ => error(404, "Not found", "Unknown operation."),
    }
}
