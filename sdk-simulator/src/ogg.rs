//! The simulated GoldenGate background requests (`.../v2/requests`, `/{request}`, `/{request}/result`).
//!
//! Every GoldenGate service has its own background requests. One simulator serves them under each addressing
//! form a client meets (see `reference/real-replies/README.md`):
//! - direct to a service's port: `/services/v2/requests...` (here: the Administration Service of the default
//!   deployment);
//! - OCI GoldenGate: `/services/{service}/v2/requests...` (service of the default deployment; the Service
//!   Manager is `/services/ServiceManager/v2/...`);
//! - Oracle's NGINX reverse proxy: `/services/{deployment}/{service}/v2/requests...`.
//!
//! Links in a reply use the form of the request's URL. With [`crate::simulator::SimulatorBuilder::ogg_multi_deployment`]
//! the direct and OCI forms (Service Manager excepted) answer 404 with the `OGG-12031` error envelope a real
//! multi-deployment proxy sent.
//!
//! Documented: the envelope (`$schema`, `links`, `messages`, `response`), `ogg:request` with `progress`,
//! `completed`, `startTime`, `endTime` and `requestStatus` (only once completed), `ogg:requestResult`
//! replaying the original reply. Simulator choices: ids count up from 425988381 (the docs' example id) per
//! simulator; a result asked for before completion, and an unknown id, answer 404 with an ERROR message
//! (`OGG-12031` for an unknown resource); 401 carries an ERROR message without code.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::operation::{OggAddress, OggOperation};
use crate::reply::{Ctx, Reply, rfc3339_millis, rfc3339_secs};
use crate::scenario::OggScenario;

/// Name of the default GoldenGate deployment (reached by the direct and OCI URL forms).
pub const DEFAULT_DEPLOYMENT: &str = "Local";
/// GoldenGate services that carry background requests (besides the Service Manager).
pub const OGG_SERVICES: &[&str] = &["adminsrvr", "distsrvr", "recvsrvr", "pmsrvr"];
/// Name of the Service Manager in paths.
pub const SERVICE_MANAGER: &str = "ServiceManager";
const FIRST_ID: i64 = 425_988_381;

/// Which service (of which deployment) a background request belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct OggTarget {
    /// Deployment name; ignored for the Service Manager.
    pub deployment: String,
    /// `adminsrvr`, `distsrvr`, `recvsrvr`, `pmsrvr` or `ServiceManager`.
    pub service: String,
}

impl OggTarget {
    /// The Administration Service of the default deployment (what `/services/v2` reaches).
    pub fn admin() -> Self {
        Self::new(DEFAULT_DEPLOYMENT, "adminsrvr")
    }

    /// A service of a deployment.
    pub fn new(deployment: impl Into<String>, service: impl Into<String>) -> Self {
        let service = service.into();
        let deployment = if service == SERVICE_MANAGER {
            String::new()
        } else {
            deployment.into()
        };
        Self { deployment, service }
    }

    /// The Service Manager.
    pub fn service_manager() -> Self {
        Self::new("", SERVICE_MANAGER)
    }
}

#[derive(Clone, Debug)]
struct OggRequest {
    created: DateTime<Utc>,
    scenario: OggScenario,
    /// Progress values and when they start, in time order.
    timeline: Vec<(String, DateTime<Utc>)>,
}

impl OggRequest {
    fn new(scenario: OggScenario, now: DateTime<Utc>) -> Self {
        let mut timeline = Vec::new();
        let mut at = now;
        for s in &scenario.steps {
            timeline.push((s.state.clone(), at));
            at = crate::clock::later(at, s.duration);
        }
        timeline.push((scenario.end.clone(), at));
        Self {
            created: now,
            scenario,
            timeline,
        }
    }

    fn current(&self, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        self.timeline
            .iter()
            .rev()
            .find(|(_, at)| *at <= now)
            .or(self.timeline.first())
            .cloned()
            .unwrap_or(("pending".into(), now))
    }
}

fn terminal(progress: &str) -> bool {
    matches!(progress, "succeeded" | "failed" | "aborted")
}

/// State of the simulated GoldenGate services.
#[derive(Debug)]
pub(crate) struct OggState {
    next_id: i64,
    requests: HashMap<OggTarget, BTreeMap<i64, OggRequest>>,
    pub multi_deployment: bool,
    pub deployments: Vec<String>,
}

impl Default for OggState {
    fn default() -> Self {
        Self {
            next_id: FIRST_ID,
            requests: HashMap::new(),
            multi_deployment: false,
            deployments: vec![DEFAULT_DEPLOYMENT.to_owned()],
        }
    }
}

fn message(title: &str, code: Option<&str>, severity: &str, now: DateTime<Utc>) -> Value {
    let mut m = json!({
        "$schema": "ogg:message",
        "title": title,
        "severity": severity,
        "issued": rfc3339_secs(now),
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#name-status-codes",
    });
    if let (Some(code), Some(obj)) = (code, m.as_object_mut()) {
        obj.insert("code".into(), json!(code));
    }
    m
}

/// A GoldenGate error: the standard envelope with one ERROR message.
pub(crate) fn error(status: u16, title: &str, code: Option<&str>, self_href: &str, now: DateTime<Utc>) -> Reply {
    Reply::json(
        status,
        &json!({
            "$schema": "api:standardResponse",
            "links": [{"rel": "self", "href": self_href, "mediaType": "application/json"}],
            "messages": [message(title, code, "ERROR", now)],
        }),
    )
}

/// The error envelope of a multi-deployment proxy reached without a deployment (as a real 26ai sent it).
fn ogg_12031(now: DateTime<Utc>) -> Reply {
    Reply::json(
        404,
        &json!({"links": [], "messages": [message("The requested resource does not exist.", Some("OGG-12031"), "ERROR", now)]}),
    )
}

fn link(rel: &str, href: String, media: &str) -> Value {
    json!({"rel": rel, "href": href, "mediaType": media})
}

impl OggState {
    /// Forgets every request.
    pub(crate) fn clear_requests(&mut self) {
        self.requests.clear();
        self.next_id = FIRST_ID;
    }

    /// Creates a background request; `id` is chosen when absent. Returns the id.
    pub(crate) fn create(
        &mut self,
        target: OggTarget,
        id: Option<i64>,
        scenario: OggScenario,
        now: DateTime<Utc>,
    ) -> i64 {
        let id = id.unwrap_or_else(|| {
            let id = self.next_id;
            self.next_id += 1;
            id
        });
        if !target.deployment.is_empty() && !self.deployments.contains(&target.deployment) {
            self.deployments.push(target.deployment.clone());
        }
        self.requests
            .entry(target)
            .or_default()
            .insert(id, OggRequest::new(scenario, now));
        id
    }

    /// Requests held, of every service.
    pub(crate) fn len(&self) -> usize {
        self.requests.values().map(BTreeMap::len).sum()
    }

    /// The end time, service and id of every completed request.
    pub(crate) fn finished(&self, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, (OggTarget, i64))> {
        self.requests
            .iter()
            .flat_map(|(target, m)| {
                m.iter().filter_map(move |(id, r)| {
                    let (progress, since) = r.current(now);
                    terminal(&progress).then(|| (since, (target.clone(), *id)))
                })
            })
            .collect()
    }

    /// Forgets requests (see [`crate::state::Retention`]).
    pub(crate) fn remove(&mut self, keys: &[(OggTarget, i64)]) {
        for (target, id) in keys {
            if let Some(m) = self.requests.get_mut(target) {
                m.remove(id);
                if m.is_empty() {
                    self.requests.remove(target);
                }
            }
        }
    }

    /// Progress of a request at `now`.
    pub(crate) fn progress_of(&self, target: &OggTarget, id: i64, now: DateTime<Utc>) -> Option<String> {
        self.requests.get(target)?.get(&id).map(|r| r.current(now).0)
    }

    /// Sets the progress of a request from `now` on.
    pub(crate) fn force(&mut self, target: &OggTarget, id: i64, progress: &str, now: DateTime<Utc>) -> bool {
        let Some(r) = self.requests.get_mut(target).and_then(|m| m.get_mut(&id)) else {
            return false;
        };
        r.timeline.retain(|(_, at)| *at <= now);
        r.timeline.push((progress.to_owned(), now));
        true
    }

    fn resolve(&self, a: &OggAddress) -> Result<OggTarget, ()> {
        let default = DEFAULT_DEPLOYMENT;
        match (&a.deployment, &a.service) {
            (None, None) if !self.multi_deployment => Ok(OggTarget::new(default, "adminsrvr")),
            (None, Some(s)) if s == SERVICE_MANAGER => Ok(OggTarget::service_manager()),
            (None, Some(s)) if !self.multi_deployment && OGG_SERVICES.contains(&s.as_str()) => {
                Ok(OggTarget::new(default, s.clone()))
            }
            (Some(d), Some(s)) if self.deployments.contains(d) && OGG_SERVICES.contains(&s.as_str()) => {
                Ok(OggTarget::new(d.clone(), s.clone()))
            }
            _ => Err(()),
        }
    }

    /// Handles one GoldenGate operation.
    pub(crate) fn handle(&self, op: &OggOperation, addr: &OggAddress, ctx: &Ctx) -> Reply {
        let now = ctx.now;
        let Ok(target) = self.resolve(addr) else {
            return ogg_12031(now);
        };
        let base = format!("{}{}", ctx.origin, addr.base_path);
        let list = format!("{base}/requests");
        let requests = self.requests.get(&target);
        let (raw, want_result) = match op {
            OggOperation::ListRequests => return list_reply(requests, &base, &list),
            OggOperation::GetRequest { request } => (request, false),
            OggOperation::GetRequestResult { request } => (request, true),
        };
        let href = format!("{list}/{raw}");
        let Ok(id) = raw.parse::<i64>() else {
            return error(
                400,
                &format!("The request identifier '{raw}' is not an integer."),
                None,
                &href,
                now,
            );
        };
        let Some(r) = requests.and_then(|m| m.get(&id)) else {
            return error(
                404,
                "The requested resource does not exist.",
                Some("OGG-12031"),
                &href,
                now,
            );
        };
        let (progress, since) = r.current(now);
        let done = terminal(&progress);
        if !want_result {
            let mut doc = json!({
                "$schema": "ogg:request",
                "completed": done,
                "startTime": rfc3339_millis(r.created),
                "progress": progress,
            });
            if let (true, Some(o)) = (done, doc.as_object_mut()) {
                o.insert("endTime".into(), json!(rfc3339_millis(since)));
                o.insert("requestStatus".into(), json!(r.scenario.result.status));
            }
            return Reply::json(
                200,
                &json!({
                    "$schema": "api:standardResponse",
                    "links": [
                        link("related", format!("{href}/result"), "application/json"),
                        link("canonical", href.clone(), "application/json"),
                        link("self", href.clone(), "application/json"),
                        link("describedby", format!("{base}/metadata-catalog/request"), "application/schema+json"),
                    ],
                    "messages": [],
                    "response": doc,
                }),
            );
        }
        let result_href = format!("{href}/result");
        if !done {
            return error(
                404,
                &format!("Request {id} has not completed; its result is not available yet."),
                None,
                &result_href,
                now,
            );
        }
        let res = &r.scenario.result;
        let headers: Vec<Value> = res
            .headers
            .iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect();
        let mut result_doc = json!({
            "$schema": "ogg:requestResult",
            "status": {"code": res.status, "reason": res.reason},
            "headers": headers,
        });
        if let (false, Some(o)) = (res.body.is_null(), result_doc.as_object_mut()) {
            o.insert("body".into(), res.body.clone());
        }
        Reply::json(
            200,
            &json!({
                "$schema": "api:standardResponse",
                "links": [
                    link("canonical", result_href.clone(), "application/json"),
                    link("self", result_href.clone(), "application/json"),
                    link("describedby", format!("{base}/metadata-catalog/result"), "application/schema+json"),
                ],
                "messages": [],
                "response": result_doc,
            }),
        )
    }
}

/// The list of a service's background requests.
fn list_reply(requests: Option<&BTreeMap<i64, OggRequest>>, base: &str, list: &str) -> Reply {
    let items: Vec<Value> = requests
            .map(|m| {
                m.keys()
                    .map(|id| {
                        json!({
                            "$schema": "ogg:collectionItem",
                            "links": [link("parent", list.to_owned(), "application/json"), link("canonical", format!("{list}/{id}"), "application/json")],
                            "name": id.to_string(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
    Reply::json(
        200,
        &json!({
            "$schema": "api:standardResponse",
            "links": [
                link("canonical", list.to_owned(), "application/json"),
                link("self", list.to_owned(), "application/json"),
                link("describedby", format!("{base}/metadata-catalog/requests"), "application/schema+json"),
            ],
            "messages": [],
            "response": {"$schema": "ogg:collection", "items": items},
        }),
    )
}
