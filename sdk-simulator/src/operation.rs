//! Which operation of which service a request is for: method and path mapped to the specs' `operationId`s.

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

/// An identified operation with its decoded path parameters.
#[derive(Clone, Debug)]
pub(crate) struct Operation {
    pub service: Service,
    /// `operationId` as in the spec.
    pub id: &'static str,
    /// Path parameters in path order, percent-decoded.
    pub params: Vec<String>,
    /// GoldenGate addressing (GoldenGate operations only).
    pub ogg: Option<OggAddress>,
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
        Service::Ess => ess(method, path.strip_prefix(ESS_PREFIX)?),
        Service::Ogg => ogg(method, path),
        Service::Analytics => analytics(method, path.strip_prefix(ANALYTICS_PREFIX)?),
    }
}

fn segments(rest: &str) -> Vec<String> {
    rest.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect()
}

fn op(service: Service, id: &'static str, params: Vec<String>) -> Option<Operation> {
    Some(Operation {
        service,
        id,
        params,
        ogg: None,
    })
}

fn ess(method: &Method, rest: &str) -> Option<Operation> {
    let seg = segments(rest);
    let s: Vec<&str> = seg.iter().map(String::as_str).collect();
    let m = method.clone();
    let id = match (s.as_slice(), m) {
        ([], Method::GET) => "getRoot",
        (["requests"], Method::GET) => "queryRequests",
        (["requests"], Method::POST) => "submitRequest",
        (["requests", "submitArgs"], Method::POST) => "setStepArgs",
        (["requests", "search", p], Method::GET) => return op(Service::Ess, "searchRequests", vec![(*p).to_owned()]),
        (["query", a, "requests"], Method::GET) => {
            return op(Service::Ess, "queryApplicationRequests", vec![(*a).to_owned()]);
        }
        (["server", "quiesceState"], Method::GET) => "getQuiesceState",
        (["requests", r], m) => {
            let id = match m {
                Method::GET => "getRequest",
                Method::PATCH => "updateRequest",
                Method::DELETE => "deleteRequest",
                _ => return None,
            };
            return op(Service::Ess, id, vec![(*r).to_owned()]);
        }
        (["requests", r, action], m) => {
            let id = match (*action, m) {
                ("cancel", Method::POST) => "cancelRequest",
                ("forceCancel", Method::POST) => "forceCancelRequest",
                ("hold", Method::POST) => "holdRequest",
                ("release", Method::POST) => "releaseRequest",
                ("permissions", Method::GET) => "getRequestPermissions",
                ("subscribe", Method::POST) => "subscribeRequest",
                ("subscribe", Method::DELETE) => "unsubscribeRequest",
                ("executionStatus", Method::POST) => "updateExecutionStatus",
                ("checkInCancelling", Method::POST) => "checkInCancelling",
                _ => return None,
            };
            return op(Service::Ess, id, vec![(*r).to_owned()]);
        }
        _ => return None,
    };
    op(Service::Ess, id, Vec::new())
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
    let (id, params) = match rest.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["requests"] => ("listRequests", Vec::new()),
        ["requests", r] => ("getRequest", vec![(*r).to_owned()]),
        ["requests", r, "result"] => ("getRequestResult", vec![(*r).to_owned()]),
        _ => return None,
    };
    Some(Operation {
        service: Service::Ogg,
        id,
        params,
        ogg: Some(OggAddress {
            deployment,
            service,
            base_path,
        }),
    })
}

fn analytics(method: &Method, rest: &str) -> Option<Operation> {
    let seg = segments(rest);
    let s: Vec<&str> = seg.iter().map(String::as_str).collect();
    let (id, params): (&'static str, Vec<&str>) = match (s.as_slice(), method.clone()) {
        (["workRequests", id], Method::GET) => ("getWorkRequest", vec![id]),
        (["catalog", "datasets", d, "actions", "reload"], Method::POST) => ("reloadDataset", vec![d]),
        (["catalog", "dataflows", d, "actions", "run"], Method::POST) => ("runDataFlow", vec![d]),
        (["catalog", "sequences", d, "actions", "run"], Method::POST) => ("runSequence", vec![d]),
        (["system", "actions", "restoreSnapshot"], Method::POST) => ("restoreSnapshot", vec![]),
        (["snapshots"], Method::POST) => ("createSnapshot", vec![]),
        (["catalog", "workbooks", w, "exports"], Method::POST) => ("createWorkbookExport", vec![w]),
        (["catalog", "workbooks", w, "exports", e], Method::GET) => ("downloadWorkbookExport", vec![w, e]),
        _ => return None,
    };
    let params = params.into_iter().map(str::to_owned).collect();
    op(Service::Analytics, id, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifies_every_form() {
        let o = identify(&Method::POST, "/ess/rest/scheduler/v1/requests/42/forceCancel");
        assert_eq!(
            o.map(|o| (o.id, o.params)),
            Some(("forceCancelRequest", vec!["42".to_owned()]))
        );
        for (path, dep, svc) in [
            ("/services/v2/requests/7", None, None),
            ("/services/distsrvr/v2/requests/7", None, Some("distsrvr")),
            ("/services/dep1/recvsrvr/v2/requests/7", Some("dep1"), Some("recvsrvr")),
        ] {
            let o = identify(&Method::GET, path).and_then(|o| o.ogg.map(|a| (o.id, a)));
            let (id, a) = o.unwrap_or((
                "none",
                OggAddress {
                    deployment: None,
                    service: None,
                    base_path: String::new(),
                },
            ));
            assert_eq!(id, "getRequest");
            assert_eq!(a.deployment.as_deref(), dep);
            assert_eq!(a.service.as_deref(), svc);
        }
        let o = identify(&Method::GET, "/api/20210901/workRequests/lfc-cc%3A13347-c9%3A3962654");
        assert_eq!(o.map(|o| o.params), Some(vec!["lfc-cc:13347-c9:3962654".to_owned()]));
        assert!(identify(&Method::PUT, "/api/20210901/snapshots").is_none());
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%3Ab%2"), "a:b%2");
        assert_eq!(percent_decode("%41%4a"), "AJ");
    }
}
