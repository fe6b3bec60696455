//! The admin endpoints under `/_simulator/...`: the same controls as the Rust API, for tests in any language.
//! They need no credentials and are never faulted or recorded.
//!
//! The endpoints are the variants of [`AdminEndpoint`], each written once with its method, path, body and
//! effect; the router, the listing `GET /_simulator` answers and the table of the crate's README all derive
//! from that one list (a test holds the README's table to it).
//!
//! A fault is `{"kind": "tooManyRequests", "retryAfter": 2}`, `{"kind": "unavailable", "retryAfter": 2}`,
//! `{"kind": "internalError"}`, `{"kind": "badGateway"}`, `{"kind": "slow", "seconds": 3}`,
//! `{"kind": "dropConnection"}`, `{"kind": "truncatedBody"}` or `{"kind": "status", "status": 409}`.
//! Errors of the admin endpoints are `{"error": "..."}` with status 400 or 404.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::AuthConfig;
use crate::faults::{Fault, FaultRate};
use crate::ogg::DEFAULT_DEPLOYMENT;
use crate::ogg::OggTarget;
use crate::operation::{ANALYTICS_PREFIX, ESS_PREFIX};
use crate::scenario::{EssScenario, OacScenario, OggScenario};
use crate::state::Shared;

/// An optional literal, or the empty string.
macro_rules! or_empty {
    () => {
        ""
    };
    ($text:literal) => {
        $text
    };
}

/// Declares [`AdminEndpoint`] from the one list of endpoints: each line is
/// `Variant: METHOD "path"[, body "example"] => "effect";`.
macro_rules! admin_endpoints {
    ($($variant:ident: $method:ident $path:literal $(, body $body:literal)? => $effect:literal;)*) => {
        /// An admin endpoint (method and path under the server's root).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum AdminEndpoint {
            $(
                #[doc = concat!("`", stringify!($method), " ", $path, "`: ", $effect, ".")]
                $(#[doc = ""] #[doc = concat!("Body: ", $body, ".")])?
                $variant,
            )*
        }

        impl AdminEndpoint {
            /// Every admin endpoint, in the order of the documentation.
            pub const ALL: &'static [AdminEndpoint] = &[$(AdminEndpoint::$variant),*];

            /// The HTTP method.
            pub fn method(self) -> http::Method {
                match self {
                    $(AdminEndpoint::$variant => http::Method::$method,)*
                }
            }

            /// The path, with `{name}` for a path parameter.
            pub fn path(self) -> &'static str {
                match self {
                    $(AdminEndpoint::$variant => $path,)*
                }
            }

            /// An example body, in Markdown (empty when the endpoint takes none).
            pub fn body(self) -> &'static str {
                match self {
                    $(AdminEndpoint::$variant => or_empty!($($body)?),)*
                }
            }

            /// What the endpoint does or answers, in Markdown.
            pub fn effect(self) -> &'static str {
                match self {
                    $(AdminEndpoint::$variant => $effect,)*
                }
            }

            fn filter(self) -> MethodFilter {
                match self {
                    $(AdminEndpoint::$variant => MethodFilter::$method,)*
                }
            }
        }
    };
}

admin_endpoints! {
    Index: GET "/_simulator" => "the service URLs and the list of endpoints";
    Clock: GET "/_simulator/clock" => r#"`{"now": "...", "speed": 0.0}`"#;
    AdvanceClock: POST "/_simulator/clock/advance", body r#"`{"seconds": 7200}`"# => "moves the virtual time forward";
    SetClock: POST "/_simulator/clock/set", body r#"`{"time": "2026-01-01T00:00:00Z"}`"# => "sets the virtual time";
    ClockSpeed: POST "/_simulator/clock/speed", body r#"`{"speed": 3600}`"# => "virtual seconds per real second (0 stops)";
    EssScenario: POST "/_simulator/scenarios/ess", body r#"`{"jobDefinitionId": "...", "scenario": {...}}`"# => "scenario of a job definition (without `jobDefinitionId`: the default)";
    AnalyticsScenario: POST "/_simulator/scenarios/analytics", body r#"`{"objectId": "..."}` or `{"operationId": "..."}`, plus `"scenario"`"# => "scenario of an object or a starting operation (neither: the default)";
    CreateOggRequest: POST "/_simulator/ogg/requests", body r#"`{"deployment": "Local", "service": "adminsrvr", "id": 7, "scenario": {...}}` (all optional)"# => r#"creates a background request; answers `{"id": n}`"#;
    OggMultiDeployment: POST "/_simulator/ogg/multi-deployment", body r#"`{"enabled": true}`"# => "`/services/v2/...` answers OGG-12031";
    EssQuiesce: POST "/_simulator/ess/quiesce", body r#"`{"state": "QUIESCED"}`"# => "quiesce state reported by `getQuiesceState`";
    AddFaults: POST "/_simulator/faults", body r#"`{"operationId": "ess.getRequest", "next": [fault, ...], "rate": [{"fault": fault, "probability": 0.1}], "seed": 1}`"# => "adds faults";
    ClearFaults: DELETE "/_simulator/faults" => "removes every fault";
    Force: POST "/_simulator/force", body r#"`{"service": "ess", "id": 300000012345680, "state": "ERROR", "cause": "PROCESS_ERROR", "message": "..."}` (GoldenGate also `deployment`, `ogg_service`)"# => "forces a state";
    State: GET "/_simulator/state/{service}/{id}" => r#"`{"state": "..."}` (GoldenGate: `?deployment=&service=`)"#;
    Requests: GET "/_simulator/requests" => "recorded requests, secrets redacted (the last `--record-limit`; header `simulator-dropped-requests`: how many older ones were dropped)";
    Counts: GET "/_simulator/counts" => "requests per `operationId`";
    ClearRequests: DELETE "/_simulator/requests" => "forgets recorded requests and counts";
    RateLimit: GET "/_simulator/rate-limit" => r#"`{"perSecond": 20.0, "burst": null, "throttled": {"ess": 0, "ogg": 0, "analytics": 0}}`: the limit per service and the requests it refused"#;
    SetRateLimit: PUT "/_simulator/rate-limit", body r#"`{"perSecond": 20, "burst": 20}` (`burst` optional; `{"perSecond": null}` lifts the limit)"# => "requests per second each service answers, `429` with `Retry-After` above it";
    Auth: PUT "/_simulator/auth", body r#"`{"accepted": [{"kind": "basic", "user": "u", "password": "p"}, {"kind": "bearer", "token": "t", "expiresAt": "2026-01-01T01:00:00Z"}]}`"# => "accepted credentials (`[]`: none checked)";
    Reset: POST "/_simulator/reset" => "forgets requests, scenarios, faults and recordings; keeps credentials, clock and configuration";
}

impl AdminEndpoint {
    /// The endpoint's handler, on its method.
    fn route(self) -> MethodRouter<Arc<Shared>> {
        let m = self.filter();
        match self {
            AdminEndpoint::Index => on(m, index),
            AdminEndpoint::Clock => on(m, clock),
            AdminEndpoint::AdvanceClock => on(m, advance),
            AdminEndpoint::SetClock => on(m, set_clock),
            AdminEndpoint::ClockSpeed => on(m, speed),
            AdminEndpoint::EssScenario => on(m, ess_scenario),
            AdminEndpoint::AnalyticsScenario => on(m, oac_scenario),
            AdminEndpoint::CreateOggRequest => on(m, ogg_request),
            AdminEndpoint::OggMultiDeployment => on(m, multi),
            AdminEndpoint::EssQuiesce => on(m, quiesce),
            AdminEndpoint::AddFaults => on(m, faults),
            AdminEndpoint::ClearFaults => on(m, clear_faults),
            AdminEndpoint::Force => on(m, force),
            AdminEndpoint::State => on(m, state),
            AdminEndpoint::Requests => on(m, requests),
            AdminEndpoint::Counts => on(m, counts),
            AdminEndpoint::ClearRequests => on(m, clear_requests),
            AdminEndpoint::RateLimit => on(m, rate_limit),
            AdminEndpoint::SetRateLimit => on(m, set_rate_limit),
            AdminEndpoint::Auth => on(m, auth),
            AdminEndpoint::Reset => on(m, reset),
        }
    }

    /// `METHOD path`, as the listing shows it.
    fn line(self) -> String {
        format!("{} {}", self.method(), self.path())
    }

    /// The endpoints as a Markdown table (method and path, body, effect), as the crate's README shows them.
    #[cfg(test)]
    fn markdown_table() -> String {
        let mut table = String::from("| method and path | body | effect |\n|---|---|---|\n");
        for e in Self::ALL {
            let body = match e.body() {
                "" => " ".to_owned(),
                body => format!(" {body} "),
            };
            table.push_str(&format!("| `{}` |{body}| {} |\n", e.line(), e.effect()));
        }
        table
    }
}

type S = State<Arc<Shared>>;

fn bad(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({"error": msg.into()}))).into_response()
}

/// The admin router: one route per [`AdminEndpoint`].
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    AdminEndpoint::ALL
        .iter()
        .fold(Router::new(), |router, e| router.route(e.path(), e.route()))
        .fallback(|| async {
            bad(
                StatusCode::NOT_FOUND,
                "no such admin endpoint; GET /_simulator lists them",
            )
        })
        .with_state(shared)
}

async fn index(State(s): S, headers: axum::http::HeaderMap) -> Json<Value> {
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let root = format!("{}://{host}", s.scheme);
    let admin: Vec<String> = AdminEndpoint::ALL.iter().map(|e| e.line()).collect();
    Json(json!({
        "ess": format!("{root}{ESS_PREFIX}"),
        "ogg": format!("{root}/services/v2"),
        "oggProxyExample": format!("{root}/services/{DEFAULT_DEPLOYMENT}/adminsrvr/v2"),
        "analytics": format!("{root}{ANALYTICS_PREFIX}"),
        "admin": admin,
    }))
}

async fn clock(State(s): S) -> Json<Value> {
    Json(json!({"now": s.clock.now(), "speed": s.clock.speed()}))
}

#[derive(Deserialize)]
struct Advance {
    seconds: f64,
}

async fn advance(State(s): S, Json(a): Json<Advance>) -> Response {
    match Duration::try_from_secs_f64(a.seconds) {
        Ok(d) => {
            s.clock.advance(d);
            Json(json!({"now": s.clock.now()})).into_response()
        }
        Err(e) => bad(StatusCode::BAD_REQUEST, format!("seconds: {e}")),
    }
}

#[derive(Deserialize)]
struct SetClock {
    time: DateTime<Utc>,
}

async fn set_clock(State(s): S, Json(b): Json<SetClock>) -> Json<Value> {
    s.clock.set(b.time);
    Json(json!({"now": s.clock.now()}))
}

#[derive(Deserialize)]
struct Speed {
    speed: f64,
}

async fn speed(State(s): S, Json(b): Json<Speed>) -> Json<Value> {
    s.clock.set_speed(b.speed);
    Json(json!({"now": s.clock.now(), "speed": s.clock.speed()}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EssScenarioBody {
    job_definition_id: Option<String>,
    scenario: EssScenario,
}

async fn ess_scenario(State(s): S, Json(b): Json<EssScenarioBody>) -> Json<Value> {
    let mut g = s.lock();
    match b.job_definition_id {
        Some(j) => {
            g.ess.scenarios.insert(j, b.scenario);
        }
        None => g.ess.default_scenario = b.scenario,
    }
    Json(json!({"ok": true}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OacScenarioBody {
    object_id: Option<String>,
    operation_id: Option<String>,
    scenario: OacScenario,
}

async fn oac_scenario(State(s): S, Json(b): Json<OacScenarioBody>) -> Json<Value> {
    let mut g = s.lock();
    match (b.object_id, b.operation_id) {
        (Some(o), _) => {
            g.oac.scenarios.insert(o, b.scenario);
        }
        (None, Some(op)) => {
            g.oac.operation_scenarios.insert(op, b.scenario);
        }
        (None, None) => g.oac.default_scenario = b.scenario,
    }
    Json(json!({"ok": true}))
}

#[derive(Deserialize)]
struct OggRequestBody {
    deployment: Option<String>,
    service: Option<String>,
    id: Option<i64>,
    scenario: Option<OggScenario>,
}

async fn ogg_request(State(s): S, Json(b): Json<OggRequestBody>) -> Json<Value> {
    let target = OggTarget::new(
        b.deployment.unwrap_or_else(|| DEFAULT_DEPLOYMENT.to_owned()),
        b.service.unwrap_or_else(|| "adminsrvr".to_owned()),
    );
    let now = s.clock.now();
    let id = {
        let mut g = s.lock();
        let id = g.ogg.create(target.clone(), b.id, b.scenario.unwrap_or_default(), now);
        g.prune(now);
        id
    };
    Json(json!({"id": id, "deployment": target.deployment, "service": target.service}))
}

#[derive(Deserialize)]
struct Multi {
    enabled: bool,
}

async fn multi(State(s): S, Json(b): Json<Multi>) -> Json<Value> {
    s.lock().ogg.multi_deployment = b.enabled;
    Json(json!({"ok": true}))
}

#[derive(Deserialize)]
struct Quiesce {
    state: String,
}

async fn quiesce(State(s): S, Json(b): Json<Quiesce>) -> Json<Value> {
    s.lock().ess.quiesce.state = b.state;
    Json(json!({"ok": true}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultsBody {
    operation_id: String,
    #[serde(default)]
    next: Vec<Fault>,
    #[serde(default)]
    rate: Vec<FaultRate>,
    seed: Option<u64>,
}

async fn faults(State(s): S, Json(b): Json<FaultsBody>) -> Json<Value> {
    let mut g = s.lock();
    g.faults.queue(&b.operation_id, b.next);
    if !b.rate.is_empty() || b.seed.is_some() {
        g.faults.rates(&b.operation_id, b.rate, b.seed);
    }
    Json(json!({"ok": true}))
}

async fn clear_faults(State(s): S) -> Json<Value> {
    s.lock().faults.clear();
    Json(json!({"ok": true}))
}

#[derive(Deserialize)]
struct ForceBody {
    service: String,
    id: Value,
    state: String,
    cause: Option<String>,
    message: Option<String>,
    deployment: Option<String>,
    ogg_service: Option<String>,
}

fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn force(State(s): S, Json(b): Json<ForceBody>) -> Response {
    let now = s.clock.now();
    let id = id_text(&b.id);
    let mut g = s.lock();
    let ok = match b.service.as_str() {
        "ess" => match id.parse::<i64>() {
            Ok(n) => g.ess.force(n, &b.state, b.cause.as_deref(), b.message.as_deref(), now),
            Err(_) => false,
        },
        "ogg" => match id.parse::<i64>() {
            Ok(n) => {
                let t = OggTarget::new(
                    b.deployment.unwrap_or_else(|| DEFAULT_DEPLOYMENT.to_owned()),
                    b.ogg_service.unwrap_or_else(|| "adminsrvr".to_owned()),
                );
                g.ogg.force(&t, n, &b.state, now)
            }
            Err(_) => false,
        },
        "analytics" => g.oac.force(&id, &b.state, now),
        other => {
            return bad(
                StatusCode::BAD_REQUEST,
                format!("unknown service {other}: ess, ogg or analytics"),
            );
        }
    };
    if ok {
        Json(json!({"ok": true})).into_response()
    } else {
        bad(StatusCode::NOT_FOUND, format!("no {} request {id}", b.service))
    }
}

#[derive(Deserialize)]
struct StateQuery {
    deployment: Option<String>,
    service: Option<String>,
}

async fn state(State(s): S, Path((service, id)): Path<(String, String)>, Query(q): Query<StateQuery>) -> Response {
    let now = s.clock.now();
    let g = s.lock();
    let st = match service.as_str() {
        "ess" => id.parse::<i64>().ok().and_then(|n| g.ess.state_of(n, now)),
        "ogg" => {
            let t = OggTarget::new(
                q.deployment.unwrap_or_else(|| DEFAULT_DEPLOYMENT.to_owned()),
                q.service.unwrap_or_else(|| "adminsrvr".to_owned()),
            );
            id.parse::<i64>().ok().and_then(|n| g.ogg.progress_of(&t, n, now))
        }
        "analytics" => g.oac.status_of(&id, now),
        other => return bad(StatusCode::BAD_REQUEST, format!("unknown service {other}")),
    };
    match st {
        Some(st) => Json(json!({"state": st})).into_response(),
        None => bad(StatusCode::NOT_FOUND, format!("no {service} request {id}")),
    }
}

/// The kept records; `simulator-dropped-requests` tells how many older ones the full log dropped.
async fn requests(State(s): S) -> impl IntoResponse {
    let g = s.lock();
    (
        [("simulator-dropped-requests", g.recorder.dropped().to_string())],
        Json(json!(g.recorder.requests())),
    )
}

async fn clear_requests(State(s): S) -> Json<Value> {
    let mut g = s.lock();
    g.recorder.clear();
    g.rate_limits.clear_counts();
    Json(json!({"ok": true}))
}

async fn rate_limit(State(s): S) -> Json<Value> {
    let g = s.lock();
    let limit = g.rate_limits.limit();
    let throttled: serde_json::Map<String, Value> = g
        .rate_limits
        .throttled()
        .into_iter()
        .map(|(service, n)| (service.name().to_owned(), json!(n)))
        .collect();
    Json(json!({
        "perSecond": limit.map(|l| l.per_second),
        "burst": limit.and_then(|l| l.burst),
        "throttled": throttled,
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RateLimitBody {
    per_second: Option<f64>,
    #[serde(default)]
    burst: Option<f64>,
}

async fn set_rate_limit(State(s): S, Json(b): Json<RateLimitBody>) -> Response {
    let limit = b.per_second.map(|per_second| crate::rate_limit::RateLimit {
        per_second,
        burst: b.burst,
    });
    if limit.is_some_and(|l| !l.is_usable()) {
        return bad(
            StatusCode::BAD_REQUEST,
            "perSecond must be a number above 0 (null lifts the limit), burst a number",
        );
    }
    s.lock().rate_limits.set(limit);
    Json(json!({"ok": true})).into_response()
}

async fn counts(State(s): S) -> Json<Value> {
    Json(json!(s.lock().recorder.counts()))
}

async fn auth(State(s): S, Json(b): Json<AuthConfig>) -> Json<Value> {
    s.lock().auth = b;
    Json(json!({"ok": true}))
}

async fn reset(State(s): S) -> Json<Value> {
    s.reset();
    Json(json!({"ok": true}))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's table of admin endpoints is the one this module declares.
    #[test]
    fn readme_lists_the_declared_endpoints() {
        let readme = include_str!("../README.md");
        let table = AdminEndpoint::markdown_table();
        assert!(
            readme.contains(&table),
            "sdk-simulator/README.md must hold this table of admin endpoints:\n{table}"
        );
    }

    #[test]
    fn every_endpoint_is_routed_once() {
        let lines: std::collections::HashSet<String> = AdminEndpoint::ALL.iter().map(|e| e.line()).collect();
        assert_eq!(lines.len(), AdminEndpoint::ALL.len());
        assert!(AdminEndpoint::ALL.iter().all(|e| e.path().starts_with("/_simulator")));
    }
}
