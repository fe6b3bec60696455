//! Which operation of which service a request is for: method and path mapped to one typed operation per
//! service (`EssOperation`, `OggOperation`, `AnalyticsOperation`), each variant carrying its decoded path
//! parameters. The services match these enums exhaustively, so an operation added here that a service does
//! not answer is a compile error, not a 404 at run time. The specs' `operationId` of each variant names it in
//! faults, counts and recordings.

use http::Method;

/// Path prefix of the ESS REST API.
pub const ESS_PREFIX: &str = "/ess/rest/scheduler/v1";
/// Path prefix of the Analytics REST API.
pub const ANALYTICS_PREFIX: &str = "/api/20210901";

/// A simulated service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// Enterprise Scheduler Service.
    Ess,
    /// GoldenGate Microservices (background requests).
    Ogg,
    /// Oracle Analytics (work requests and the calls that start them).
    Analytics,
}

impl Service {
    /// Short name (`ess`, `ogg`, `analytics`).
    pub fn name(self) -> &'static str {
        match self {
            Service::Ess => "ess",
            Service::Ogg => "ogg",
            Service::Analytics => "analytics",
        }
    }
}

/// Where a GoldenGate request was addressed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct OggAddress {
    /// Deployment named in the path (reverse-proxy form), if any.
    pub deployment: Option<String>,
    /// Service named in the path (OCI and reverse-proxy forms), if any.
    pub service: Option<String>,
    /// Path up to and including `/v2`, as received.
    pub base_path: String,
}

/// An identified request: one operation of one service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Operation {
    /// An ESS operation.
    Ess(EssOperation),
    /// A GoldenGate operation and where it was addressed.
    Ogg(OggOperation, OggAddress),
    /// An Analytics operation.
    Analytics(AnalyticsOperation),
}

impl Operation {
    /// The service the operation belongs to.
    pub(crate) fn service(&self) -> Service {
        match self {
            Operation::Ess(_) => Service::Ess,
            Operation::Ogg(..) => Service::Ogg,
            Operation::Analytics(_) => Service::Analytics,
        }
    }

    /// The `operationId` in the service's spec.
    pub(crate) fn id(&self) -> &'static str {
        match self {
            Operation::Ess(op) => op.id(),
            Operation::Ogg(op, _) => op.id(),
            Operation::Analytics(op) => op.id(),
        }
    }
}

/// An operation of `specs/ess.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EssOperation {
    /// `GET /`.
    GetRoot,
    /// `GET /requests` (filter, order, multi-selection).
    QueryRequests,
    /// `POST /requests`.
    SubmitRequest,
    /// `POST /requests/submitArgs`.
    SetStepArgs,
    /// `GET /requests/search/{pageIndex}`.
    SearchRequests {
        /// The page index as sent (validated by the handler, which owns the error reply).
        page: String,
    },
    /// `GET /query/{application}/requests`.
    QueryApplicationRequests {
        /// The application name.
        application: String,
    },
    /// `GET /server/quiesceState`.
    GetQuiesceState,
    /// An operation on one request, `/requests/{requestId}[/action]`.
    OnRequest {
        /// The request id as sent (validated by the handler).
        id: String,
        /// What is done to it.
        action: RequestAction,
    },
}

impl EssOperation {
    /// The `operationId` in `specs/ess.yaml`.
    pub(crate) fn id(&self) -> &'static str {
        match self {
            EssOperation::GetRoot => "getRoot",
            EssOperation::QueryRequests => "queryRequests",
            EssOperation::SubmitRequest => "submitRequest",
            EssOperation::SetStepArgs => "setStepArgs",
            EssOperation::SearchRequests { .. } => "searchRequests",
            EssOperation::QueryApplicationRequests { .. } => "queryApplicationRequests",
            EssOperation::GetQuiesceState => "getQuiesceState",
            EssOperation::OnRequest { action, .. } => action.id(),
        }
    }
}

/// What an ESS operation on one request does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequestAction {
    /// `GET /requests/{id}`.
    Get,
    /// `PATCH /requests/{id}`.
    Update,
    /// `DELETE /requests/{id}`.
    Delete,
    /// `POST /requests/{id}/cancel`.
    Cancel,
    /// `POST /requests/{id}/forceCancel`.
    ForceCancel,
    /// `POST /requests/{id}/hold`.
    Hold,
    /// `POST /requests/{id}/release`.
    Release,
    /// `GET /requests/{id}/permissions`.
    Permissions,
    /// `POST /requests/{id}/subscribe`.
    Subscribe,
    /// `DELETE /requests/{id}/subscribe`.
    Unsubscribe,
    /// `POST /requests/{id}/executionStatus`.
    UpdateExecutionStatus,
    /// `POST /requests/{id}/checkInCancelling`.
    CheckInCancelling,
}

impl RequestAction {
    /// The `operationId` in `specs/ess.yaml` (also what [`crate::scenario::EssScenario::forbidden`] lists).
    pub(crate) fn id(self) -> &'static str {
        match self {
            RequestAction::Get => "getRequest",
            RequestAction::Update => "updateRequest",
            RequestAction::Delete => "deleteRequest",
            RequestAction::Cancel => "cancelRequest",
            RequestAction::ForceCancel => "forceCancelRequest",
            RequestAction::Hold => "holdRequest",
            RequestAction::Release => "releaseRequest",
            RequestAction::Permissions => "getRequestPermissions",
            RequestAction::Subscribe => "subscribeRequest",
            RequestAction::Unsubscribe => "unsubscribeRequest",
            RequestAction::UpdateExecutionStatus => "updateExecutionStatus",
            RequestAction::CheckInCancelling => "checkInCancelling",
        }
    }

    /// The verb of a 403 refusal ("Not authorized to <verb> this request").
    pub(crate) fn verb(self) -> &'static str {
        match self {
            RequestAction::Cancel => "cancel",
            RequestAction::ForceCancel => "force cancel",
            RequestAction::Hold => "hold",
            RequestAction::Release => "release",
            RequestAction::Delete => "delete",
            RequestAction::Update => "update",
            RequestAction::Subscribe | RequestAction::Unsubscribe => "change the subscription of",
            RequestAction::UpdateExecutionStatus => "set the execution status of",
            RequestAction::Get | RequestAction::Permissions | RequestAction::CheckInCancelling => "access",
        }
    }
}

/// An operation of `specs/ogg.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum OggOperation {
    /// `GET .../v2/requests`.
    ListRequests,
    /// `GET .../v2/requests/{request}`.
    GetRequest {
        /// The request id as sent (validated by the handler).
        request: String,
    },
    /// `GET .../v2/requests/{request}/result`.
    GetRequestResult {
        /// The request id as sent (validated by the handler).
        request: String,
    },
}

impl OggOperation {
    /// The `operationId` in `specs/ogg.yaml`.
    pub(crate) fn id(&self) -> &'static str {
        match self {
            OggOperation::ListRequests => "listRequests",
            OggOperation::GetRequest { .. } => "getRequest",
            OggOperation::GetRequestResult { .. } => "getRequestResult",
        }
    }
}

/// An operation of `specs/workrequests.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AnalyticsOperation {
    /// `GET /workRequests/{id}`.
    GetWorkRequest {
        /// The work request id, percent-decoded.
        id: String,
    },
    /// `GET /catalog/workbooks/{urlBase64WorkbookId}/exports/{exportId}`.
    DownloadWorkbookExport {
        /// The workbook id as sent.
        workbook: String,
        /// The export's work request id, percent-decoded.
        export: String,
    },
    /// One of the calls that start a work request.
    Start(StartOperation),
}

/// An Analytics call that starts a work request (`202` with `oa-work-request-id`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum StartOperation {
    /// `POST /catalog/datasets/{datasetId}/actions/reload`.
    ReloadDataset {
        /// The dataset id as sent (Base64URL).
        dataset: String,
    },
    /// `POST /catalog/dataflows/{dataflowId}/actions/run`.
    RunDataFlow {
        /// The data flow id as sent.
        dataflow: String,
    },
    /// `POST /catalog/sequences/{sequenceId}/actions/run`.
    RunSequence {
        /// The sequence id as sent.
        sequence: String,
    },
    /// `POST /system/actions/restoreSnapshot`.
    RestoreSnapshot,
    /// `POST /snapshots`.
    CreateSnapshot,
    /// `POST /catalog/workbooks/{urlBase64WorkbookId}/exports`.
    CreateWorkbookExport {
        /// The workbook id as sent.
        workbook: String,
    },
}

impl AnalyticsOperation {
    /// The `operationId` in `specs/workrequests.yaml`.
    pub(crate) fn id(&self) -> &'static str {
        match self {
            AnalyticsOperation::GetWorkRequest { .. } => "getWorkRequest",
            AnalyticsOperation::DownloadWorkbookExport { .. } => "downloadWorkbookExport",
            AnalyticsOperation::Start(start) => start.id(),
        }
    }
}

impl StartOperation {
    /// The `operationId` in `specs/workrequests.yaml` (also the key of an operation's scenario).
    pub(crate) fn id(&self) -> &'static str {
        match self {
            StartOperation::ReloadDataset { .. } => "reloadDataset",
            StartOperation::RunDataFlow { .. } => "runDataFlow",
            StartOperation::RunSequence { .. } => "runSequence",
            StartOperation::RestoreSnapshot => "restoreSnapshot",
            StartOperation::CreateSnapshot => "createSnapshot",
            StartOperation::CreateWorkbookExport { .. } => "createWorkbookExport",
        }
    }
}

/// Decodes `%XX` escapes (invalid escapes are kept as they are).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The service a path belongs to, by prefix, even when no operation matches.
pub(crate) fn service_of(path: &str) -> Option<Service> {
    if path == ESS_PREFIX || path.starts_with(&format!("{ESS_PREFIX}/")) {
        Some(Service::Ess)
    } else if path.starts_with("/services/") {
        Some(Service::Ogg)
    } else if path == ANALYTICS_PREFIX || path.starts_with(&format!("{ANALYTICS_PREFIX}/")) {
        Some(Service::Analytics)
    } else {
        None
    }
}

/// Identifies the operation of a request.
pub(crate) fn identify(method: &Method, path: &str) -> Option<Operation> {
    match service_of(path)? {
        Service::Ess => ess(method, path.strip_prefix(ESS_PREFIX)?).map(Operation::Ess),
        Service::Ogg => ogg(method, path),
        Service::Analytics => analytics(method, path.strip_prefix(ANALYTICS_PREFIX)?).map(Operation::Analytics),
    }
}

fn segments(rest: &str) -> Vec<String> {
    rest.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect()
}

fn ess(method: &Method, rest: &str) -> Option<EssOperation> {
    let seg = segments(rest);
    let s: Vec<&str> = seg.iter().map(String::as_str).collect();
    let on = |id: &str, action| EssOperation::OnRequest {
        id: id.to_owned(),
        action,
    };
    Some(match (s.as_slice(), method.clone()) {
        ([], Method::GET) => EssOperation::GetRoot,
        (["requests"], Method::GET) => EssOperation::QueryRequests,
        (["requests"], Method::POST) => EssOperation::SubmitRequest,
        (["requests", "submitArgs"], Method::POST) => EssOperation::SetStepArgs,
        (["requests", "search", p], Method::GET) => EssOperation::SearchRequests { page: (*p).to_owned() },
        (["query", a, "requests"], Method::GET) => EssOperation::QueryApplicationRequests {
            application: (*a).to_owned(),
        },
        (["server", "quiesceState"], Method::GET) => EssOperation::GetQuiesceState,
        (["requests", r], m) => on(
            r,
            match m {
                Method::GET => RequestAction::Get,
                Method::PATCH => RequestAction::Update,
                Method::DELETE => RequestAction::Delete,
                _ => return None,
            },
        ),
        (["requests", r, action], m) => on(
            r,
            match (*action, m) {
                ("cancel", Method::POST) => RequestAction::Cancel,
                ("forceCancel", Method::POST) => RequestAction::ForceCancel,
                ("hold", Method::POST) => RequestAction::Hold,
                ("release", Method::POST) => RequestAction::Release,
                ("permissions", Method::GET) => RequestAction::Permissions,
                ("subscribe", Method::POST) => RequestAction::Subscribe,
                ("subscribe", Method::DELETE) => RequestAction::Unsubscribe,
                ("executionStatus", Method::POST) => RequestAction::UpdateExecutionStatus,
                ("checkInCancelling", Method::POST) => RequestAction::CheckInCancelling,
                _ => return None,
            },
        ),
        _ => return None,
    })
}

fn ogg(method: &Method, path: &str) -> Option<Operation> {
    if method != Method::GET {
        return None;
    }
    let raw: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // raw[0] == "services"; find the version segment within the next three.
    let v = raw.iter().take(4).position(|s| *s == "v2")?;
    let prefix: Vec<String> = raw.get(1..v)?.iter().map(|s| percent_decode(s)).collect();
    let (deployment, service) = match prefix.as_slice() {
        [] => (None, None),
        [s] => (None, Some(s.clone())),
        [d, s] => (Some(d.clone()), Some(s.clone())),
        _ => return None,
    };
    let base_path = format!("/{}", raw.get(..=v)?.join("/"));
    let rest: Vec<String> = raw.get(v + 1..)?.iter().map(|s| percent_decode(s)).collect();
    let op = match rest.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["requests"] => OggOperation::ListRequests,
        ["requests", r] => OggOperation::GetRequest {
            request: (*r).to_owned(),
        },
        ["requests", r, "result"] => OggOperation::GetRequestResult {
            request: (*r).to_owned(),
        },
        _ => return None,
    };
    Some(Operation::Ogg(
        op,
        OggAddress {
            deployment,
            service,
            base_path,
        },
    ))
}

fn analytics(method: &Method, rest: &str) -> Option<AnalyticsOperation> {
    let seg = segments(rest);
    let s: Vec<&str> = seg.iter().map(String::as_str).collect();
    let own = |s: &str| s.to_owned();
    let start = match (s.as_slice(), method.clone()) {
        (["workRequests", id], Method::GET) => return Some(AnalyticsOperation::GetWorkRequest { id: own(id) }),
        (["catalog", "workbooks", w, "exports", e], Method::GET) => {
            return Some(AnalyticsOperation::DownloadWorkbookExport {
                workbook: own(w),
                export: own(e),
            });
        }
        (["catalog", "datasets", d, "actions", "reload"], Method::POST) => {
            StartOperation::ReloadDataset { dataset: own(d) }
        }
        (["catalog", "dataflows", d, "actions", "run"], Method::POST) => {
            StartOperation::RunDataFlow { dataflow: own(d) }
        }
        (["catalog", "sequences", d, "actions", "run"], Method::POST) => {
            StartOperation::RunSequence { sequence: own(d) }
        }
        (["system", "actions", "restoreSnapshot"], Method::POST) => StartOperation::RestoreSnapshot,
        (["snapshots"], Method::POST) => StartOperation::CreateSnapshot,
        (["catalog", "workbooks", w, "exports"], Method::POST) => {
            StartOperation::CreateWorkbookExport { workbook: own(w) }
        }
        _ => return None,
    };
    Some(AnalyticsOperation::Start(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifies_every_form() {
        let o = identify(&Method::POST, "/ess/rest/scheduler/v1/requests/42/forceCancel");
        assert_eq!(
            o,
            Some(Operation::Ess(EssOperation::OnRequest {
                id: "42".to_owned(),
                action: RequestAction::ForceCancel
            }))
        );
        for (path, dep, svc) in [
            ("/services/v2/requests/7", None, None),
            ("/services/distsrvr/v2/requests/7", None, Some("distsrvr")),
            ("/services/dep1/recvsrvr/v2/requests/7", Some("dep1"), Some("recvsrvr")),
        ] {
            let Some(Operation::Ogg(op, a)) = identify(&Method::GET, path) else {
                panic!("{path} is not a GoldenGate operation");
            };
            assert_eq!(op, OggOperation::GetRequest { request: "7".into() });
            assert_eq!(a.deployment.as_deref(), dep);
            assert_eq!(a.service.as_deref(), svc);
        }
        let o = identify(&Method::GET, "/api/20210901/workRequests/lfc-cc%3A13347-c9%3A3962654");
        assert_eq!(
            o,
            Some(Operation::Analytics(AnalyticsOperation::GetWorkRequest {
                id: "lfc-cc:13347-c9:3962654".to_owned()
            }))
        );
        assert!(identify(&Method::PUT, "/api/20210901/snapshots").is_none());
    }

    /// Every (path, method) of the three specs reaches the operation of the same `operationId`: the typed
    /// operations cover the specs.
    #[test]
    fn every_operation_of_the_specs_is_routed() {
        let specs = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs");
        let mut routed = 0;
        for (file, prefix) in [
            ("ess.yaml", ESS_PREFIX),
            ("ogg.yaml", "/services/v2"),
            ("workrequests.yaml", ANALYTICS_PREFIX),
        ] {
            let text = std::fs::read_to_string(format!("{specs}/{file}")).expect("spec readable");
            let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("spec is YAML");
            let paths = spec.get("paths").and_then(|p| p.as_mapping()).expect("paths");
            for (path, item) in paths {
                let path = path.as_str().expect("path is text");
                // The older GoldenGate form names the version in the path.
                let prefix = if path.starts_with("/services/") { "" } else { prefix };
                let concrete: String = path
                    .split('/')
                    .map(|s| match s {
                        "{version}" => "v2",
                        s if s.starts_with('{') => "1",
                        s => s,
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                for (method, op) in item.as_mapping().expect("path item") {
                    let Some(id) = op.get("operationId").and_then(|i| i.as_str()) else {
                        continue;
                    };
                    let method = method.as_str().expect("method").to_ascii_uppercase();
                    let method = Method::from_bytes(method.as_bytes()).expect("method");
                    let full = format!("{prefix}{concrete}").trim_end_matches('/').to_owned();
                    let found = identify(&method, &full);
                    assert_eq!(found.as_ref().map(Operation::id), Some(id), "{file}: {method} {full}");
                    routed += 1;
                }
            }
        }
        assert_eq!(routed, 30, "the three specs have 30 operations");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%3Ab%2"), "a:b%2");
        assert_eq!(percent_decode("%41%4a"), "AJ");
    }
}
