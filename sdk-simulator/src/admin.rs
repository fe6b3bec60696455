//! The admin endpoints under `/_simulator/...`: the same controls as the Rust API, for tests in any language.
//! They need no credentials and are never faulted or recorded.
//!
//! | method and path | body | effect |
//! |---|---|---|
//! | `GET /_simulator` | | the service URLs and this list |
//! | `GET /_simulator/clock` | | `{"now": "...", "speed": 0.0}` |
//! | `POST /_simulator/clock/advance` | `{"seconds": 7200}` | moves the virtual time forward |
//! | `POST /_simulator/clock/set` | `{"time": "2026-01-01T00:00:00Z"}` | sets the virtual time |
//! | `POST /_simulator/clock/speed` | `{"speed": 3600}` | virtual seconds per real second (0 stops) |
//! | `POST /_simulator/scenarios/ess` | `{"jobDefinitionId": "...", "scenario": {...}}` | scenario of a job definition (without `jobDefinitionId`: the default) |
//! | `POST /_simulator/scenarios/analytics` | `{"objectId": "..."}` or `{"operationId": "..."}`, `"scenario"` | scenario of an object or a starting operation (neither: the default) |
//! | `POST /_simulator/ogg/requests` | `{"deployment": "Local", "service": "adminsrvr", "id": 7, "scenario": {...}}` (all optional) | creates a background request, answers `{"id": n}` |
//! | `POST /_simulator/ogg/multi-deployment` | `{"enabled": true}` | `/services/v2/...` answers OGG-12031 |
//! | `POST /_simulator/ess/quiesce` | `{"state": "QUIESCED"}` | quiesce state reported by `getQuiesceState` |
//! | `POST /_simulator/faults` | `{"operationId": "getRequest", "next": [fault...], "rate": [{"fault": {...}, "probability": 0.1}], "seed": 1}` | adds faults |
//! | `DELETE /_simulator/faults` | | removes every fault |
//! | `POST /_simulator/force` | `{"service": "ess", "id": 300000012345680, "state": "ERROR", "cause": "...", "message": "..."}`; GoldenGate adds `deployment`/`ogg_service` | forces a state |
//! | `GET /_simulator/state/{service}/{id}` | | `{"state": "..."}` (GoldenGate: `?deployment=&service=`) |
//! | `GET /_simulator/requests` | | recorded requests (secrets redacted) |
//! | `GET /_simulator/counts` | | requests per `operationId` |
//! | `DELETE /_simulator/requests` | | forgets recorded requests and counts |
//! | `PUT /_simulator/auth` | `{"accepted": [{"kind": "basic", "user": "u", "password": "p"}, {"kind": "bearer", "token": "t", "expiresAt": "..."}]}` | accepted credentials (`[]`: none checked) |
//! | `POST /_simulator/reset` | | forgets requests, scenarios, faults and recordings (keeps auth, clock, configuration) |
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
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::AuthConfig;
use crate::faults::{Fault, FaultRate};
use crate::ogg::OggTarget;
use crate::scenario::{EssScenario, OacScenario, OggScenario};
use crate::state::Shared;

type S = State<Arc<Shared>>;

fn bad(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({"error": msg.into()}))).into_response()
}

/// The admin router.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_simulator", get(index))
        .route("/_simulator/clock", get(clock))
        .route("/_simulator/clock/advance", post(advance))
        .route("/_simulator/clock/set", post(set_clock))
        .route("/_simulator/clock/speed", post(speed))
        .route("/_simulator/scenarios/ess", post(ess_scenario))
        .route("/_simulator/scenarios/analytics", post(oac_scenario))
        .route("/_simulator/ogg/requests", post(ogg_request))
        .route("/_simulator/ogg/multi-deployment", post(multi))
        .route("/_simulator/ess/quiesce", post(quiesce))
        .route("/_simulator/faults", post(faults).delete(clear_faults))
        .route("/_simulator/force", post(force))
        .route("/_simulator/state/{service}/{id}", get(state))
        .route("/_simulator/requests", get(requests).delete(clear_requests))
        .route("/_simulator/counts", get(counts))
        .route("/_simulator/auth", axum::routing::put(auth))
        .route("/_simulator/reset", post(reset))
        .fallback(|| async {
            bad(
                StatusCode::NOT_FOUND,
                "no such admin endpoint; GET /_simulator lists them",
            )
        })
        .with_state(shared)
}

async fn index(headers: axum::http::HeaderMap) -> Json<Value> {
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    Json(json!({
        "ess": format!("http://{host}{}", crate::operation::ESS_PREFIX),
        "ogg": format!("http://{host}/services/v2"),
        "oggProxyExample": format!("http://{host}/services/{}/adminsrvr/v2", crate::DEFAULT_DEPLOYMENT),
        "analytics": format!("http://{host}{}", crate::operation::ANALYTICS_PREFIX),
        "admin": [
            "GET /_simulator/clock", "POST /_simulator/clock/advance", "POST /_simulator/clock/set",
            "POST /_simulator/clock/speed", "POST /_simulator/scenarios/ess", "POST /_simulator/scenarios/analytics",
            "POST /_simulator/ogg/requests", "POST /_simulator/ogg/multi-deployment", "POST /_simulator/ess/quiesce", "POST /_simulator/faults",
            "DELETE /_simulator/faults", "POST /_simulator/force", "GET /_simulator/state/{service}/{id}",
            "GET /_simulator/requests", "GET /_simulator/counts", "DELETE /_simulator/requests",
            "PUT /_simulator/auth", "POST /_simulator/reset",
        ],
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
        b.deployment.unwrap_or_else(|| crate::DEFAULT_DEPLOYMENT.to_owned()),
        b.service.unwrap_or_else(|| "adminsrvr".to_owned()),
    );
    let now = s.clock.now();
    let id = s
        .lock()
        .ogg
        .create(target.clone(), b.id, b.scenario.unwrap_or_default(), now);
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
                    b.deployment.unwrap_or_else(|| crate::DEFAULT_DEPLOYMENT.to_owned()),
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
                q.deployment.unwrap_or_else(|| crate::DEFAULT_DEPLOYMENT.to_owned()),
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

async fn requests(State(s): S) -> Json<Value> {
    Json(json!(s.lock().recorder.requests()))
}

async fn clear_requests(State(s): S) -> Json<Value> {
    s.lock().recorder.clear();
    Json(json!({"ok": true}))
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
