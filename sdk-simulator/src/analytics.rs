//! The simulated Oracle Analytics work requests (`/api/20210901`).
//!
//! Documented behaviour (`reference/workrequests-api.md`): the starting calls (dataset reload, data-flow run,
//! sequence run, snapshot restore, workbook export) answer `202 Accepted` with the work request id in the
//! `oa-work-request-id` header; `GET /workRequests/{id}` shows `status` ACCEPTED, IN_PROGRESS, then
//! SUCCEEDED, FAILED (with `Errors`) or CANCELED, and `percentComplete`; a finished workbook export is
//! downloaded with the work request id as `exportId`. Errors are `{code, message}`.
//!
//! As a real server did (live notes in `reference/real-replies/README.md`): `POST /snapshots` answers `202`
//! with a JSON body `{"workRequestId": "..."}` *and* the header; work request ids may contain colons
//! (`lfc-cc:13347-c9:3962654`), which is the default id form here ([`WorkRequestIds`]); percent-encoded ids
//! in paths are decoded; 401 carries `WWW-Authenticate: Bearer error="invalid_session"`.
//!
//! Simulator choices: `percentComplete` rises evenly during IN_PROGRESS (to 100 on success, to the
//! scenario's `failed_at_percent` otherwise); data-flow and sequence runs report `operationType`
//! `RELOAD_DATASET` (Oracle documents no value for them and the spec's list is closed; a scenario's
//! `operation_type` can set any value, e.g. `RUN_DATAFLOW`, to test a client's handling of unknown values);
//! times are RFC 3339 with milliseconds; the export file is a tiny PDF or PNG.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::operation::{AnalyticsOperation, StartOperation};
use crate::reply::{Ctx, Reply, rfc3339_millis};
use crate::scenario::OacScenario;

/// How work request ids are formed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WorkRequestIds {
    /// `lfc-cc:13347-c9:<n>`, the shape of a real id (with colons). The default.
    Colon,
    /// `biwj-<Base64URL>`, the shape of the ids in Oracle's examples.
    Base64Url,
    /// A template in which `{n}` is replaced by a counter.
    Template(String),
}

impl WorkRequestIds {
    fn make(&self, n: u64) -> String {
        match self {
            WorkRequestIds::Colon => format!("lfc-cc:13347-c9:{n}"),
            WorkRequestIds::Base64Url => {
                use base64::Engine as _;
                format!(
                    "biwj-{}",
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("'cp:{n}'.'ce:3881'"))
                )
            }
            WorkRequestIds::Template(t) => t.replace("{n}", &n.to_string()),
        }
    }
}

#[derive(Clone, Debug)]
struct WorkRequest {
    id: String,
    operation_type: String,
    resource_type: Option<&'static str>,
    object_id: String,
    accepted: DateTime<Utc>,
    scenario: OacScenario,
    /// Forced status from this time on.
    forced: Option<(String, DateTime<Utc>)>,
    export_format: Option<String>,
}

impl WorkRequest {
    fn started(&self) -> DateTime<Utc> {
        crate::clock::later(self.accepted, self.scenario.accepted)
    }

    fn finished(&self) -> DateTime<Utc> {
        crate::clock::later(self.started(), self.scenario.in_progress)
    }

    /// Status, percent complete, start and finish at `now`.
    fn status(&self, now: DateTime<Utc>) -> (String, f64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let (started, finished) = (self.started(), self.finished());
        let top = if self.scenario.end == "SUCCEEDED" {
            100.0
        } else {
            self.scenario.failed_at_percent
        };
        if let Some((status, at)) = self.forced.as_ref().filter(|(_, at)| *at <= now) {
            let pct = if status == "SUCCEEDED" {
                100.0
            } else {
                self.percent(*at, top)
            };
            let done = matches!(status.as_str(), "SUCCEEDED" | "FAILED" | "CANCELED");
            return (status.clone(), pct, Some(started.min(*at)), done.then_some(*at));
        }
        if now < started {
            ("ACCEPTED".into(), 0.0, None, None)
        } else if now < finished {
            (
                "IN_PROGRESS".into(),
                self.percent(now, top).min(99.0),
                Some(started),
                None,
            )
        } else {
            (self.scenario.end.clone(), top, Some(started), Some(finished))
        }
    }

    fn percent(&self, now: DateTime<Utc>, top: f64) -> f64 {
        let total = self.scenario.in_progress.as_secs_f64();
        if total <= 0.0 {
            return top;
        }
        let done = (now - self.started()).num_milliseconds().max(0) as f64 / 1000.0;
        ((done / total).min(1.0) * top * 10.0).round() / 10.0
    }

    fn view(&self, now: DateTime<Utc>) -> Value {
        let (status, pct, started, finished) = self.status(now);
        let mut v = json!({
            "id": self.id,
            "operationType": self.operation_type,
            "status": status,
            "percentComplete": pct,
            "timeAccepted": rfc3339_millis(self.accepted),
            "resources": [{
                "actionResult": match status.as_str() {
                    "SUCCEEDED" => "UPDATED",
                    "FAILED" => "FAILED",
                    "CANCELED" => "CANCELED",
                    _ => "IN_PROGRESS",
                },
                "id": self.object_id,
                "metadata": {},
            }],
        });
        if let Some(o) = v.as_object_mut() {
            if let Some(rt) = self.resource_type {
                o.insert("resourceType".into(), json!(rt));
            }
            if let Some(s) = started {
                o.insert("timeStarted".into(), json!(rfc3339_millis(s)));
            }
            if let Some(f) = finished {
                o.insert("timeFinished".into(), json!(rfc3339_millis(f)));
            }
            if status == "FAILED" {
                let at = finished.unwrap_or(now);
                let errors: Vec<Value> = self
                    .scenario
                    .errors
                    .iter()
                    .map(|(code, message)| json!({"code": code, "message": message, "timestamp": rfc3339_millis(at)}))
                    .collect();
                o.insert("Errors".into(), Value::Array(errors));
            }
        }
        v
    }
}

/// State of the simulated Analytics instance.
#[derive(Debug)]
pub(crate) struct OacState {
    next: u64,
    pub ids: WorkRequestIds,
    work_requests: HashMap<String, WorkRequest>,
    /// Scenarios by object id (dataset, data flow, sequence, snapshot id or name, workbook id), as sent in the
    /// path or as the text its Base64URL form stands for.
    pub scenarios: HashMap<String, OacScenario>,
    /// Scenarios by starting operation id.
    pub operation_scenarios: HashMap<String, OacScenario>,
    pub default_scenario: OacScenario,
}

impl Default for OacState {
    fn default() -> Self {
        Self {
            next: 3_962_654,
            ids: WorkRequestIds::Colon,
            work_requests: HashMap::new(),
            scenarios: HashMap::new(),
            operation_scenarios: HashMap::new(),
            default_scenario: OacScenario::default(),
        }
    }
}

/// An Analytics error body.
pub(crate) fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(status, &json!({"code": code, "message": message}))
}

/// The default error code of a status.
pub(crate) fn code_of(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "NotAuthenticated",
        403 => "NotAuthorized",
        404 => "NotFound",
        409 => "Conflict",
        412 => "PreconditionFailed",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        _ => "InternalServerError",
    }
}

fn object<'a>(body: &'a Option<Value>, key: &str) -> Option<&'a Value> {
    body.as_ref()?.get(key)
}

impl OacState {
    /// Forgets every work request.
    pub(crate) fn clear_requests(&mut self) {
        self.work_requests.clear();
        self.next = 3_962_654;
    }

    /// Work requests held.
    pub(crate) fn len(&self) -> usize {
        self.work_requests.len()
    }

    /// The end time and id of every finished work request.
    pub(crate) fn finished(&self, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, String)> {
        self.work_requests
            .values()
            .filter_map(|w| w.status(now).3.map(|end| (end, w.id.clone())))
            .collect()
    }

    /// Forgets work requests (see [`crate::state::Retention`]).
    pub(crate) fn remove(&mut self, ids: &[String]) {
        for id in ids {
            self.work_requests.remove(id);
        }
    }

    /// Status of a work request at `now`.
    pub(crate) fn status_of(&self, id: &str, now: DateTime<Utc>) -> Option<String> {
        self.work_requests.get(id).map(|w| w.status(now).0)
    }

    /// Sets the status of a work request from `now` on.
    pub(crate) fn force(&mut self, id: &str, status: &str, now: DateTime<Utc>) -> bool {
        let Some(w) = self.work_requests.get_mut(id) else {
            return false;
        };
        w.forced = Some((status.to_owned(), now));
        true
    }

    /// Handles one Analytics operation.
    pub(crate) fn handle(&mut self, op: &AnalyticsOperation, ctx: &Ctx) -> Reply {
        match op {
            AnalyticsOperation::GetWorkRequest { id } => match self.work_requests.get(id) {
                Some(w) => Reply::json(200, &w.view(ctx.now)),
                None => error(404, "NotFound", &format!("Work request {id} was not found.")),
            },
            AnalyticsOperation::DownloadWorkbookExport { workbook, export } => self.download(workbook, export, ctx),
            AnalyticsOperation::Start(start) => self.start(start, ctx),
        }
    }

    /// The file of a finished workbook export.
    fn download(&self, workbook: &str, export: &str, ctx: &Ctx) -> Reply {
        let found = self
            .work_requests
            .get(export)
            .filter(|w| w.operation_type == "CREATE_WORKBOOK_EXPORT" && w.object_id == workbook);
        let Some(w) = found else {
            return error(
                404,
                "NotFound",
                &format!("Export {export} of workbook {workbook} was not found."),
            );
        };
        if w.status(ctx.now).0 != "SUCCEEDED" {
            return error(
                404,
                "NotFound",
                &format!("Export {export} is not finished; nothing to download yet."),
            );
        }
        if w.export_format.as_deref() == Some("png") {
            Reply::bytes(200, "image/png", PNG.to_vec())
        } else {
            Reply::bytes(200, "application/pdf", PDF.as_bytes().to_vec())
        }
    }

    /// Starts a work request: `202` with its id in `oa-work-request-id`.
    fn start(&mut self, op: &StartOperation, ctx: &Ctx) -> Reply {
        let body = match ctx.json_body() {
            Ok(b) => b,
            Err(e) => return error(400, "BadRequest", &e),
        };
        let (operation_type, resource_type, object_id, format) = match op {
            StartOperation::ReloadDataset { dataset } => ("RELOAD_DATASET", Some("DATASET"), dataset.clone(), None),
            StartOperation::RunDataFlow { dataflow } => {
                if body.as_ref().is_some_and(|b| !b.is_object()) {
                    return error(400, "BadRequest", "The body must be a JSON object.");
                }
                ("RELOAD_DATASET", None, dataflow.clone(), None)
            }
            StartOperation::RunSequence { sequence } => ("RELOAD_DATASET", None, sequence.clone(), None),
            StartOperation::RestoreSnapshot => {
                let snap = object(&body, "snapshot");
                let id = snap.and_then(|s| s.get("id")).and_then(Value::as_str);
                let pw = snap.and_then(|s| s.get("password")).and_then(Value::as_str);
                let (Some(id), Some(_)) = (id, pw) else {
                    return error(400, "BadRequest", "snapshot.id and snapshot.password are required.");
                };
                ("RESTORE_SNAPSHOT", Some("SYSTEM"), id.to_owned(), None)
            }
            StartOperation::CreateSnapshot => {
                let name = object(&body, "name").and_then(Value::as_str).unwrap_or("snapshot");
                ("CREATE_SNAPSHOT", Some("SNAPSHOT"), name.to_owned(), None)
            }
            StartOperation::CreateWorkbookExport { workbook } => {
                let format = object(&body, "format").and_then(Value::as_str);
                let canvases = object(&body, "canvasIds").and_then(Value::as_array);
                let (Some(format), Some(canvases)) = (format, canvases) else {
                    return error(
                        400,
                        "BadRequest",
                        "name, type, format, canvasIds, screenwidth and screenheight are required.",
                    );
                };
                if !matches!(format, "pdf" | "png") {
                    return error(400, "BadRequest", "format must be pdf or png.");
                }
                if canvases.len() > 5 {
                    return error(422, "UnprocessableEntity", "At most five canvases can be exported.");
                }
                (
                    "CREATE_WORKBOOK_EXPORT",
                    Some("WORKBOOK_EXPORT"),
                    workbook.clone(),
                    Some(format.to_owned()),
                )
            }
        };
        let decoded = base64url_text(&object_id);
        let scenario = self
            .scenarios
            .get(&object_id)
            .or_else(|| decoded.as_ref().and_then(|d| self.scenarios.get(d)))
            .or_else(|| self.operation_scenarios.get(op.id()))
            .cloned()
            .unwrap_or_else(|| self.default_scenario.clone());
        if scenario.not_found {
            return error(404, "NotFound", &format!("{object_id} was not found."));
        }
        let id = self.ids.make(self.next);
        self.next += 1;
        self.work_requests.insert(
            id.clone(),
            WorkRequest {
                id: id.clone(),
                operation_type: scenario
                    .operation_type
                    .clone()
                    .unwrap_or_else(|| operation_type.to_owned()),
                resource_type,
                object_id,
                accepted: ctx.now,
                scenario,
                forced: None,
                export_format: format,
            },
        );
        let reply = if *op == StartOperation::CreateSnapshot {
            Reply::json(202, &json!({"workRequestId": id}))
        } else {
            Reply::empty(202)
        };
        reply.header("oa-work-request-id", id)
    }
}

/// The text an object id stands for when it is Base64URL (as Oracle asks object ids in paths to be).
fn base64url_text(id: &str) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id.trim_end_matches('='))
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// A minimal PDF document.
const PDF: &str = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
/// A 1x1 PNG image.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];
