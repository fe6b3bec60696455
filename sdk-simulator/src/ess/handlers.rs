//! What each ESS operation does over HTTP: reads the request (path, query, body), asks the request's
//! lifecycle to act, and answers with the documented status, content type and body. Every operation of
//! [`EssOperation`] is matched here, so one the router knows and no handler answers does not compile.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

use super::errors::{error, invalid, unsupported};
use super::lifecycle::{EssRequest, EssState, Refusal, Submission};
use super::query;
use super::view::fields_filter;
use crate::operation::{ESS_PREFIX, EssOperation, RequestAction};
use crate::reply::{Ctx, Reply};

/// The error of a 1-based page index that is not one.
const BAD_PAGE: &str = "pageIndex must be an integer from 1 (pages are 1-based).";

/// A 1-based page index (a 32-bit integer, as the spec types it).
fn page_index(text: &str) -> Option<usize> {
    text.parse::<i32>()
        .ok()
        .filter(|p| *p >= 1)
        .and_then(|p| usize::try_from(p).ok())
}

fn content_type(ctx: &Ctx, json: &'static str, vnd: &'static str) -> &'static str {
    if ctx.accepts("application/vnd.oracle.resource+json") {
        vnd
    } else {
        json
    }
}

/// The body as a JSON object, or the 400 that says it is not one.
fn object_body(ctx: &Ctx) -> Result<Map<String, Value>, Reply> {
    match ctx.json_body() {
        Ok(Some(Value::Object(b))) => Ok(b),
        Ok(_) => Err(invalid("The body must be a JSON object.")),
        Err(e) => Err(invalid(&e)),
    }
}

fn refused(refusal: Refusal) -> Reply {
    match refusal {
        Refusal::State { state, action } => unsupported(&state, action),
        Refusal::TooEarly => error(
            409,
            "Conflict",
            "Force cancel is allowed only 30 minutes after the request entered CANCELLING or the job last checked in.",
        ),
        Refusal::NoSubscription => error(404, "Not found", "The request has no callback subscription."),
        Refusal::UnknownStatus(status) => invalid(&format!("Unknown status {status}.")),
    }
}

impl EssState {
    /// Handles one ESS operation.
    pub(crate) fn handle(&mut self, op: &EssOperation, ctx: &Ctx) -> Reply {
        match op {
            EssOperation::GetRoot => root(ctx),
            EssOperation::SubmitRequest => self.submit(ctx),
            EssOperation::QueryRequests => self.query(ctx, None, None),
            EssOperation::SearchRequests { page } => match page_index(page) {
                Some(p) => self.query(ctx, None, Some(p)),
                None => invalid(BAD_PAGE),
            },
            EssOperation::QueryApplicationRequests { application } => {
                let page = match ctx.query.get("pageIndex").map(|p| page_index(p)) {
                    None => 1,
                    Some(Some(p)) => p,
                    Some(None) => return invalid(BAD_PAGE),
                };
                self.query(ctx, Some(application), Some(page))
            }
            EssOperation::SetStepArgs => step_args(ctx),
            EssOperation::GetQuiesceState => self.quiesce(ctx),
            EssOperation::OnRequest { id, action } => {
                let Ok(id) = id.parse::<i64>() else {
                    return invalid("The request ID must be an integer.");
                };
                let Some(r) = self.get_mut(id) else {
                    return error(404, "Request ID not found", &format!("Request {id} does not exist."));
                };
                on_request(r, *action, ctx)
            }
        }
    }

    fn submit(&mut self, ctx: &Ctx) -> Reply {
        let body = match object_body(ctx) {
            Ok(b) => b,
            Err(reply) => return reply,
        };
        let Some(job) = body
            .get("jobDefinitionId")
            .and_then(Value::as_str)
            .filter(|j| !j.is_empty())
        else {
            return invalid("jobDefinitionId is required.");
        };
        if body.get("schedule").is_some_and(|v| !v.is_null()) && body.get("scheduleId").is_some_and(|v| !v.is_null()) {
            return invalid("Only one of schedule and scheduleId may be given.");
        }
        let parameters = match body.get("requestParameters") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return invalid("requestParameters must be an array."),
        };
        let time = |k: &str| body.get(k).and_then(Value::as_str).and_then(query::parse_time);
        let str_of = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
        let present = |k: &str| body.get(k).filter(|v| !v.is_null()).cloned();
        let submission = Submission {
            job_definition_id: job.to_owned(),
            application: str_of("application"),
            product: str_of("product"),
            description: str_of("description"),
            request_category: str_of("requestCategory"),
            priority: body.get("priority").and_then(Value::as_i64),
            parameters,
            submitter: ctx
                .headers
                .get("authorization")
                .and_then(|a| basic_user(a))
                .unwrap_or_else(|| "simulator.user".into()),
            requested_start: time("startTime"),
            requested_end: time("endTime"),
            subscription: present("callbackSubscription"),
            schedule: present("schedule"),
        };
        let id = self.submit_request(submission, ctx.now);
        let href = format!("{}{ESS_PREFIX}/requests/{id}", ctx.origin);
        Reply::json_as(
            201,
            content_type(ctx, "application/json", "application/vnd.oracle.resource+json"),
            &json!({"id": id, "links": [{"rel": "self", "href": href}]}),
        )
        .header("location", href)
    }

    fn query(&self, ctx: &Ctx, application: Option<&String>, page: Option<usize>) -> Reply {
        let filter = match ctx.query.get("q").map(|q| q.trim()).filter(|q| !q.is_empty()) {
            Some(q) => match query::parse(q) {
                Ok(f) => Some(f),
                Err(e) => return invalid(&format!("Invalid q: {e}")),
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
                    return invalid(&format!("'{raw}' is not a request ID."));
                };
                match self.get(id) {
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
            .visible()
            .filter(|r| application.is_none_or(|a| r.application.as_ref() == Some(a)))
            .map(|r| r.view(ctx.now, &ctx.origin))
            .filter(|v| filter.as_ref().is_none_or(|f| f.matches(v)))
            .collect();
        if let Some(order) = ctx.query.get("orderBy").filter(|o| !o.trim().is_empty()) {
            let first = order.split(',').next().unwrap_or("").trim();
            let (field, dir) = first.split_once(':').unwrap_or((first, "asc"));
            let desc = match dir.to_ascii_lowercase().as_str() {
                "asc" => false,
                "desc" => true,
                _ => return invalid("orderBy is fieldName[:(asc|desc)]."),
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
            let base = match application {
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

fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
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
        Ok(_) => return invalid("The body must be a JSON object."),
        Err(e) => return invalid(&e),
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

fn root(ctx: &Ctx) -> Reply {
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

fn action_ok(r: &EssRequest, ctx: &Ctx) -> Reply {
    let href = format!("{}{ESS_PREFIX}/requests/{}", ctx.origin, r.id);
    Reply::json_as(
        200,
        content_type(ctx, "application/json", "application/vnd.oracle.resource+json"),
        &json!({"links": [{"rel": "self", "href": href}]}),
    )
}

/// An operation on one request.
fn on_request(r: &mut EssRequest, action: RequestAction, ctx: &Ctx) -> Reply {
    if r.forbids(action) {
        let verb = action.verb();
        return error(
            403,
            &format!("Not authorized to {verb} this request"),
            &format!("The user may not {verb} request {}.", r.id),
        );
    }
    let now = ctx.now;
    let done = match action {
        RequestAction::Get => {
            let mut view = fields_filter(r.view(now, &ctx.origin), ctx);
            if let (Some(rels), Some(Value::Array(links))) = (ctx.query.get("links"), view.get_mut("links")) {
                let rels: Vec<&str> = rels.split(',').map(str::trim).collect();
                links.retain(|l| l.get("rel").and_then(Value::as_str).is_some_and(|x| rels.contains(&x)));
            }
            return Reply::json_as(
                200,
                content_type(
                    ctx,
                    "application/json;charset=utf-8",
                    "application/vnd.oracle.resource+json;type=singular",
                ),
                &Value::Object(view),
            );
        }
        RequestAction::Update => {
            if let Err(refusal) = r.may_update(now) {
                return refused(refusal);
            }
            let body = match object_body(ctx) {
                Ok(b) => b,
                Err(reply) => return reply,
            };
            let params: &[Value] = match body.get("requestParameters") {
                None => &[],
                Some(p) => match p.as_array() {
                    Some(a) => a,
                    None => return invalid("requestParameters must be an array."),
                },
            };
            let present = |k: &str| body.get(k).filter(|v| !v.is_null());
            r.update(params, present("schedule"), present("callbackSubscription"), now)
        }
        RequestAction::Delete => match r.delete(now) {
            Ok(()) => return Reply::empty(204),
            Err(refusal) => Err(refusal),
        },
        RequestAction::Cancel => r.cancel(now),
        RequestAction::ForceCancel => r.force_cancel(now),
        RequestAction::Hold => r.hold(now),
        RequestAction::Release => r.release(now),
        RequestAction::Permissions => {
            return Reply::json_as(
                200,
                content_type(
                    ctx,
                    "application/json;charset=utf-8",
                    "application/vnd.oracle.resource+json",
                ),
                &r.permissions(now),
            );
        }
        RequestAction::Subscribe => {
            let body = match object_body(ctx) {
                Ok(b) => b,
                Err(reply) => return reply,
            };
            for k in ["callbackUrlPrefix", "callbackResourcePath"] {
                if !body.get(k).is_some_and(Value::is_string) {
                    return invalid(&format!("{k} is required."));
                }
            }
            r.subscribe(Value::Object(body), now)
        }
        RequestAction::Unsubscribe => match r.unsubscribe() {
            Ok(()) => return Reply::empty(204),
            Err(refusal) => Err(refusal),
        },
        RequestAction::UpdateExecutionStatus => {
            let body = match ctx.json_body() {
                Ok(Some(Value::Object(b))) => b,
                Ok(None) => Map::new(),
                Ok(_) => return invalid("The body must be a JSON object."),
                Err(e) => return invalid(&e),
            };
            let status = body.get("status").and_then(Value::as_str).unwrap_or("UPDATE");
            let message = body.get("statusMessage").and_then(Value::as_str);
            r.report_status(status, message, now)
        }
        RequestAction::CheckInCancelling => {
            if let Err(e) = ctx.json_body() {
                return invalid(&e);
            }
            let cancelling = r.check_in_cancelling(now);
            return Reply::json_as(
                200,
                content_type(
                    ctx,
                    "application/json;charset=utf-8",
                    "application/vnd.oracle.resource+json",
                ),
                &json!(cancelling),
            );
        }
    };
    match done {
        Ok(()) => action_ok(r, ctx),
        Err(refusal) => refused(refusal),
    }
}
