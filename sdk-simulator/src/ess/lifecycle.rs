//! The state machine of an ESS request on the virtual clock, and the store of requests.
//!
//! A request holds a timeline: the states it has been in and the states its scenario plans, each with the
//! virtual time it starts. Its state at any moment is the last entry at or before that moment, so moving the
//! clock moves the request without any timer. An operation that changes the course of a request (cancel,
//! hold, an execution status report) keeps what happened up to now and replaces the planned future.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{FORCE_CANCEL_AFTER, is_terminal};
use crate::operation::RequestAction;
use crate::scenario::EssScenario;

/// First request id handed out.
const FIRST_ID: i64 = 300_000_012_345_680;

/// One state of a request's timeline, from `at` on.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) state: String,
    pub(super) at: DateTime<Utc>,
    pub(super) cause: Option<String>,
    pub(super) message: Option<String>,
    pub(super) error_type: Option<String>,
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

static DEFAULT_ENTRY: std::sync::LazyLock<Entry> =
    std::sync::LazyLock::new(|| Entry::new("UNKNOWN", DateTime::<Utc>::MIN_UTC));

/// Why a request refused an operation.
#[derive(Debug, PartialEq)]
pub(super) enum Refusal {
    /// The request's state does not allow the operation (`action` in words).
    State {
        /// The state the request is in.
        state: String,
        /// What was asked, as the refusal's detail says it.
        action: &'static str,
    },
    /// A force cancel before the documented 30 minutes.
    TooEarly,
    /// An unsubscribe of a request without a subscription.
    NoSubscription,
    /// An `executionStatus` the service does not know.
    UnknownStatus(String),
}

/// A submitted ESS request.
#[derive(Clone, Debug)]
pub(super) struct EssRequest {
    pub(super) id: i64,
    pub(super) job_definition_id: String,
    pub(super) application: Option<String>,
    pub(super) product: Option<String>,
    pub(super) description: Option<String>,
    pub(super) request_category: Option<String>,
    pub(super) priority: i64,
    pub(super) parameters: Vec<Value>,
    pub(super) submitter: String,
    pub(super) submission_time: DateTime<Utc>,
    pub(super) requested_start: Option<DateTime<Utc>>,
    pub(super) requested_end: Option<DateTime<Utc>>,
    pub(super) scenario: EssScenario,
    /// Past and planned states, in time order.
    pub(super) timeline: Vec<Entry>,
    /// Planned entries set aside by `hold`, as offsets from the hold.
    held: Vec<(Duration, Entry)>,
    cancelling_since: Option<DateTime<Utc>>,
    last_check_in: Option<DateTime<Utc>>,
    pub(super) subscription: Option<Value>,
    schedule: Option<Value>,
    deleted: bool,
}

/// What a submit asks for, read from its body by the handler.
#[derive(Debug, Default)]
pub(super) struct Submission {
    pub(super) job_definition_id: String,
    pub(super) application: Option<String>,
    pub(super) product: Option<String>,
    pub(super) description: Option<String>,
    pub(super) request_category: Option<String>,
    pub(super) priority: Option<i64>,
    pub(super) parameters: Vec<Value>,
    pub(super) submitter: String,
    pub(super) requested_start: Option<DateTime<Utc>>,
    pub(super) requested_end: Option<DateTime<Utc>>,
    pub(super) subscription: Option<Value>,
    pub(super) schedule: Option<Value>,
}

/// Builds the timeline of a new request from its scenario.
fn plan(scenario: &EssScenario, start: DateTime<Utc>, requested_start: Option<DateTime<Utc>>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut at = start;
    for (i, step) in scenario.steps.iter().enumerate() {
        out.push(Entry::new(&step.state, at));
        at = crate::clock::later(at, step.duration);
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

fn refuse(state: &str, action: &'static str) -> Result<(), Refusal> {
    Err(Refusal::State {
        state: state.to_owned(),
        action,
    })
}

impl EssRequest {
    /// The entry in force at `now` and its index.
    pub(super) fn current(&self, now: DateTime<Utc>) -> (usize, &Entry) {
        let idx = self.timeline.iter().rposition(|e| e.at <= now).unwrap_or(0);
        match self.timeline.get(idx) {
            Some(e) => (idx, e),
            None => (0, &DEFAULT_ENTRY),
        }
    }

    /// The state at `now`.
    pub(super) fn state(&self, now: DateTime<Utc>) -> String {
        self.current(now).1.state.clone()
    }

    /// Whether the scenario forbids `action` to the caller (a 403).
    pub(super) fn forbids(&self, action: RequestAction) -> bool {
        self.scenario.forbidden.iter().any(|f| f == action.id())
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

    /// Whether the 30-minute rule lets a force cancel through at `now`.
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

    /// Whether a `PATCH` applies: only to a request that is not finished.
    pub(super) fn may_update(&self, now: DateTime<Utc>) -> Result<(), Refusal> {
        let state = self.state(now);
        if is_terminal(&state) {
            return refuse(&state, "update");
        }
        Ok(())
    }

    /// Applies a `PATCH`: parameters are merged by name, a schedule or subscription replaces the old one.
    pub(super) fn update(
        &mut self,
        parameters: &[Value],
        schedule: Option<&Value>,
        subscription: Option<&Value>,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        self.may_update(now)?;
        for p in parameters {
            let name = p.get("name").and_then(Value::as_str);
            match self
                .parameters
                .iter_mut()
                .find(|x| x.get("name").and_then(Value::as_str) == name)
            {
                Some(existing) => *existing = p.clone(),
                None => self.parameters.push(p.clone()),
            }
        }
        if let Some(s) = schedule {
            self.schedule = Some(s.clone());
        }
        if let Some(c) = subscription {
            self.subscription = Some(c.clone());
        }
        Ok(())
    }

    /// Hides a finished request.
    pub(super) fn delete(&mut self, now: DateTime<Utc>) -> Result<(), Refusal> {
        let state = self.state(now);
        if !is_terminal(&state) {
            return refuse(&state, "deletion");
        }
        self.deleted = true;
        Ok(())
    }

    /// Cancels: at once when not running; a running job goes to CANCELLING (a synchronous one then ends
    /// CANCELLED after the scenario's `cancel_delay`).
    pub(super) fn cancel(&mut self, now: DateTime<Utc>) -> Result<(), Refusal> {
        match self.state(now).as_str() {
            s if is_terminal(s) || s == "CANCELLING" => refuse(s, "cancel"),
            "RUNNING" | "COMPLETED" | "PAUSED" => {
                self.cancelling_since = Some(now);
                self.go(Entry::new("CANCELLING", now));
                if !self.scenario.asynchronous {
                    let at = crate::clock::later(now, self.scenario.cancel_delay);
                    self.timeline
                        .push(Entry::ending("CANCELLED", at, Some("OPERATOR_CANCEL"), None, None));
                }
                Ok(())
            }
            _ => {
                self.go(Entry::ending("CANCELLED", now, Some("OPERATOR_CANCEL"), None, None));
                Ok(())
            }
        }
    }

    /// Force-cancels an asynchronous request in CANCELLING, once the 30 minutes have passed.
    pub(super) fn force_cancel(&mut self, now: DateTime<Utc>) -> Result<(), Refusal> {
        let state = self.state(now);
        if state != "CANCELLING" || !self.scenario.asynchronous {
            return refuse(&state, "force cancel (only an asynchronous request in CANCELLING)");
        }
        if !self.force_cancel_allowed(now) {
            return Err(Refusal::TooEarly);
        }
        self.go(Entry::ending("CANCELLED", now, Some("PROCESS_CANCEL"), None, None));
        Ok(())
    }

    /// Holds a request in WAIT or READY; the rest of its plan waits for the release.
    pub(super) fn hold(&mut self, now: DateTime<Utc>) -> Result<(), Refusal> {
        let state = self.state(now);
        if !matches!(state.as_str(), "WAIT" | "READY") {
            return refuse(&state, "hold");
        }
        let (idx, _) = self.current(now);
        self.held = self
            .timeline
            .get(idx + 1..)
            .unwrap_or(&[])
            .iter()
            .map(|e| ((e.at - now).to_std().unwrap_or_default(), e.clone()))
            .collect();
        self.go(Entry::new("HOLD", now));
        Ok(())
    }

    /// Releases a held request: back to WAIT, then the rest of its plan from now.
    pub(super) fn release(&mut self, now: DateTime<Utc>) -> Result<(), Refusal> {
        let state = self.state(now);
        if state != "HOLD" {
            return refuse(&state, "release");
        }
        self.go(Entry::new("WAIT", now));
        for (offset, mut e) in std::mem::take(&mut self.held) {
            e.at = crate::clock::later(now, offset);
            self.timeline.push(e);
        }
        Ok(())
    }

    /// Subscribes a callback to a request that is not finished.
    pub(super) fn subscribe(&mut self, subscription: Value, now: DateTime<Utc>) -> Result<(), Refusal> {
        let state = self.state(now);
        if is_terminal(&state) {
            return refuse(&state, "subscribe");
        }
        self.subscription = Some(subscription);
        Ok(())
    }

    /// Removes the callback subscription.
    pub(super) fn unsubscribe(&mut self) -> Result<(), Refusal> {
        match self.subscription.take() {
            Some(_) => Ok(()),
            None => Err(Refusal::NoSubscription),
        }
    }

    /// The job's own report of its execution status (`UPDATE` is a check-in that changes no state).
    pub(super) fn report_status(
        &mut self,
        status: &str,
        message: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        let state = self.state(now);
        if !matches!(state.as_str(), "RUNNING" | "CANCELLING" | "PAUSED") {
            return refuse(&state, "executionStatus");
        }
        let msg = message;
        let entry = match status {
            "SUCCESS" => Entry::ending("SUCCEEDED", now, Some("PROCESS_SUCCESS"), None, None),
            "WARNING" => Entry::ending("WARNING", now, Some("PROCESS_WARNING"), msg, None),
            "ERROR" => Entry::ending("ERROR", now, Some("PROCESS_ERROR"), msg, Some("SYSTEM")),
            "BUSINESS_ERROR" => Entry::ending("ERROR", now, Some("PROCESS_BIZ_ERROR"), msg, Some("BUSINESS")),
            "CANCEL" => Entry::ending("CANCELLED", now, Some("PROCESS_CANCEL"), None, None),
            "PAUSE" if state == "PAUSED" => return Ok(()),
            "PAUSE" => Entry::new("PAUSED", now),
            "SUSPEND" => Entry::ending("ERROR_MANUAL_RECOVERY", now, Some("PROCESS_SUSPEND"), msg, None),
            "UPDATE" => {
                self.last_check_in = Some(now);
                return Ok(());
            }
            other => return Err(Refusal::UnknownStatus(other.to_owned())),
        };
        self.go(entry);
        Ok(())
    }

    /// A cancelling job's check-in, which restarts the 30 minutes before a force cancel; tells whether the
    /// request is cancelling.
    pub(super) fn check_in_cancelling(&mut self, now: DateTime<Utc>) -> bool {
        let cancelling = self.state(now) == "CANCELLING";
        if cancelling {
            self.last_check_in = Some(now);
        }
        cancelling
    }
}

/// Configuration of the cluster answered by `getQuiesceState`.
#[derive(Clone, Debug)]
pub(crate) struct Quiesce {
    pub cluster: String,
    pub servers: Vec<String>,
    pub state: String,
}

/// State of the simulated ESS: its requests, scenarios and configuration.
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

    /// Creates a request planned by its job definition's scenario; returns its id.
    pub(super) fn submit_request(&mut self, s: Submission, now: DateTime<Utc>) -> i64 {
        let scenario = self
            .scenarios
            .get(&s.job_definition_id)
            .cloned()
            .unwrap_or_else(|| self.default_scenario.clone());
        let id = self.next_id;
        self.next_id += 1;
        let req = EssRequest {
            id,
            job_definition_id: s.job_definition_id,
            application: s.application,
            product: s.product,
            description: s.description,
            request_category: s.request_category,
            priority: s.priority.unwrap_or(4),
            parameters: s.parameters,
            submitter: s.submitter,
            submission_time: now,
            requested_start: s.requested_start,
            requested_end: s.requested_end,
            timeline: plan(&scenario, now, s.requested_start),
            scenario,
            held: Vec::new(),
            cancelling_since: None,
            last_check_in: None,
            subscription: s.subscription,
            schedule: s.schedule,
            deleted: false,
        };
        self.requests.insert(id, req);
        id
    }

    /// A request that was not deleted.
    pub(super) fn get(&self, id: i64) -> Option<&EssRequest> {
        self.requests.get(&id).filter(|r| !r.deleted)
    }

    /// A request that was not deleted, to change it.
    pub(super) fn get_mut(&mut self, id: i64) -> Option<&mut EssRequest> {
        self.requests.get_mut(&id).filter(|r| !r.deleted)
    }

    /// Requests held, deleted ones included.
    pub(crate) fn len(&self) -> usize {
        self.requests.len()
    }

    /// The end time and id of every finished request (deleted ones included).
    pub(crate) fn finished(&self, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, i64)> {
        self.requests
            .values()
            .filter_map(|r| {
                let (_, e) = r.current(now);
                is_terminal(&e.state).then_some((e.at, r.id))
            })
            .collect()
    }

    /// Forgets requests (see [`crate::state::Retention`]).
    pub(crate) fn remove(&mut self, ids: &[i64]) {
        for id in ids {
            self.requests.remove(id);
        }
    }

    /// The requests that were not deleted, by id.
    pub(super) fn visible(&self) -> impl Iterator<Item = &EssRequest> {
        self.requests.values().filter(|r| !r.deleted)
    }
}
