//! The HTTP server: one task per connection, so that a fault can drop a connection; every service request
//! passes the recorder, the credential check, the rate limit and the fault table before its service answers.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

use crate::faults::Fault;
use crate::operation::{Operation, Service, identify, service_of};
use crate::recorder::{RecordedRequest, redact_body, redact_header};
use crate::reply::{BAD_GATEWAY_HTML, Ctx, Reply, http_date, parse_query};
use crate::state::Shared;
use crate::{admin, analytics, ess, ogg};

/// Accepts connections until `shutdown` turns true; with `tls`, each connection's TLS handshake comes first
/// (a client that does not trust the certificate ends its connection there).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let admin = admin::router(shared.clone());
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        let shared = shared.clone();
        let admin = admin.clone();
        let mut shutdown = shutdown.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => connection(TokioIo::new(stream), shared, admin, shutdown).await,
                Some(acceptor) => {
                    let handshake = tokio::select! {
                        h = acceptor.accept(stream) => h,
                        _ = shutdown.changed() => return,
                    };
                    if let Ok(stream) = handshake {
                        connection(TokioIo::new(stream), shared, admin, shutdown).await;
                    }
                }
            }
        });
    }
}

/// Serves the requests of one connection until it closes, a fault drops it or the server stops.
async fn connection<I>(io: I, shared: Arc<Shared>, admin: axum::Router, mut shutdown: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let k = kill.clone();
    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
        let shared = shared.clone();
        let admin = admin.clone();
        let kill = k.clone();
        async move { Ok::<_, Infallible>(handle(shared, admin, kill, req).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(io, svc);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {}
        _ = shutdown.changed() => {}
    }
}

async fn handle(shared: Arc<Shared>, admin: axum::Router, kill: Arc<Notify>, req: Request<Incoming>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    if path == "/_simulator" || path.starts_with("/_simulator/") {
        let req = Request::from_parts(parts, Body::new(body));
        let mut response = match admin.oneshot(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        if let Ok(date) = http::HeaderValue::from_str(&http_date(shared.clock.now())) {
            response.headers_mut().insert(http::header::DATE, date);
        }
        return response;
    }
    let bytes = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let headers: std::collections::HashMap<String, String> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let origin = format!(
        "{}://{}",
        shared.scheme,
        headers.get("host").map_or("127.0.0.1", String::as_str)
    );
    let mut ctx = Ctx {
        origin,
        query: parse_query(parts.uri.query()),
        headers,
        body: bytes,
        now: shared.clock.now(),
    };
    let Some(op) = identify(&parts.method, &path) else {
        return to_response(not_found(service_of(&path), &ctx, &path), ctx.now, false);
    };
    let (seq, auth, throttled, fault) = {
        let mut g = shared.lock();
        let record = RecordedRequest {
            seq: 0,
            service: op.service().name().to_owned(),
            operation_id: op.id().to_owned(),
            method: parts.method.to_string(),
            path: path.clone(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        redact_header(k.as_str(), &String::from_utf8_lossy(v.as_bytes())),
                    )
                })
                .collect(),
            body: redact_body(&ctx.body),
            status: None,
            fault: None,
            at: ctx.now,
        };
        let seq = g.recorder.record(record);
        let auth = g
            .auth
            .check(ctx.headers.get("authorization").map(String::as_str), ctx.now);
        let throttled = if auth.is_ok() {
            g.rate_limits.admit(op.service(), tokio::time::Instant::now())
        } else {
            None
        };
        let fault = if auth.is_ok() && throttled.is_none() {
            g.faults.pick(op.service().name(), op.id())
        } else {
            None
        };
        (seq, auth, throttled, fault)
    };
    let finish = |status: Option<StatusCode>, fault: Option<&Fault>| {
        shared
            .lock()
            .recorder
            .finish(seq, status.map(|s| s.as_u16()), fault.map(Fault::name));
    };
    if let Err(refusal) = auth {
        let reply = unauthorized(&op, &ctx, &path, refusal.message());
        finish(Some(reply.status), None);
        return to_response(reply, ctx.now, false);
    }
    if let Some(wait) = throttled {
        let reply = service_error(op.service(), 429, &ctx, &path, "Too many requests; retry later.")
            .header("retry-after", crate::rate_limit::retry_after_secs(wait).to_string());
        shared
            .lock()
            .recorder
            .finish(seq, Some(429), Some("rate-limit".to_owned()));
        return to_response(reply, ctx.now, false);
    }
    let mut truncate = false;
    match &fault {
        Some(Fault::DropConnection) => {
            finish(None, fault.as_ref());
            kill.notify_one();
            std::future::pending::<()>().await;
        }
        Some(Fault::Slow { delay }) => {
            tokio::time::sleep(*delay).await;
            ctx.now = shared.clock.now();
        }
        Some(Fault::TruncatedBody) => truncate = true,
        Some(f) => {
            let reply = fault_reply(f, &op, &ctx, &path);
            finish(Some(reply.status), fault.as_ref());
            return to_response(reply, ctx.now, false);
        }
        None => {}
    }
    let reply = {
        let mut g = shared.lock();
        // Before answering, so that a job past its retention is already unknown to this call.
        g.prune(ctx.now);
        match &op {
            Operation::Ess(o) => g.ess.handle(o, &ctx),
            Operation::Ogg(o, address) => g.ogg.handle(o, address, &ctx),
            Operation::Analytics(o) => g.oac.handle(o, &ctx),
        }
    };
    finish(Some(reply.status), fault.as_ref());
    to_response(reply, ctx.now, truncate)
}

/// A reply in the service's own error format.
fn service_error(service: Service, status: u16, ctx: &Ctx, path: &str, message: &str) -> Reply {
    match service {
        Service::Ess => ess::error(status, ess::title_of(status), message),
        Service::Ogg => ogg::error(status, message, None, &format!("{}{path}", ctx.origin), ctx.now),
        Service::Analytics => analytics::error(status, analytics::code_of(status), message),
    }
}

fn not_found(service: Option<Service>, ctx: &Ctx, path: &str) -> Reply {
    match service {
        Some(Service::Ogg) => ogg::error(
            404,
            "The requested resource does not exist.",
            Some("OGG-12031"),
            &format!("{}{path}", ctx.origin),
            ctx.now,
        ),
        Some(Service::Ess) => ess::error(404, "Not found", &format!("No resource at {path}.")),
        Some(s) => service_error(s, 404, ctx, path, &format!("No resource at {path}.")),
        None => Reply::bytes(404, "text/plain", format!("no simulated service at {path}\n")),
    }
}

fn unauthorized(op: &Operation, ctx: &Ctx, path: &str, message: &str) -> Reply {
    let reply = service_error(op.service(), 401, ctx, path, message);
    match op.service() {
        Service::Ess => reply.header("www-authenticate", "Basic realm=\"ESS\""),
        Service::Ogg => reply.header("www-authenticate", "Basic realm=\"Oracle GoldenGate\""),
        Service::Analytics => reply.header("www-authenticate", "Bearer error=\"invalid_session\""),
    }
}

fn fault_reply(fault: &Fault, op: &Operation, ctx: &Ctx, path: &str) -> Reply {
    match fault {
        Fault::TooManyRequests { retry_after } => {
            service_error(op.service(), 429, ctx, path, "Too many requests; retry later.")
                .header("retry-after", retry_after.to_string())
        }
        Fault::Unavailable { retry_after } => {
            service_error(op.service(), 503, ctx, path, "The service is unavailable; retry later.")
                .header("retry-after", retry_after.to_string())
        }
        Fault::InternalError => service_error(op.service(), 500, ctx, path, "Internal server error (injected)."),
        Fault::BadGateway => Reply::bytes(502, "text/html", BAD_GATEWAY_HTML),
        Fault::Status { status } => service_error(op.service(), *status, ctx, path, "Injected error."),
        Fault::Slow { .. } | Fault::DropConnection | Fault::TruncatedBody => {
            service_error(op.service(), 500, ctx, path, "Injected error.")
        }
    }
}

/// The reply as written to the connection, dated `now` (the virtual time of the request): the `Date` header
/// is the server's clock as a client sees it, e.g. to judge the ESS 30-minute force-cancel rule against the
/// times in the request's own details.
fn to_response(reply: Reply, now: DateTime<Utc>, truncate: bool) -> Response<Body> {
    let len = reply.body.len();
    let body = if truncate {
        // Half the body, a pause so that it is flushed to the client, then an error that closes the connection.
        let half = reply.body.slice(..len / 2);
        let stream = futures_util::stream::unfold(0u8, move |step| {
            let half = half.clone();
            async move {
                match step {
                    0 => Some((Ok(half), 1)),
                    1 => {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        let cut =
                            std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "truncated by the simulator");
                        Some((Err(cut), 2))
                    }
                    _ => None,
                }
            }
        });
        Body::from_stream(stream)
    } else {
        Body::from(reply.body)
    };
    let mut builder = Response::builder()
        .status(reply.status)
        .header(http::header::DATE, http_date(now));
    for (k, v) in &reply.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    if truncate {
        builder = builder.header("content-length", len.to_string());
    }
    builder.body(body).unwrap_or_else(|_| {
        let mut r = Response::new(Body::from("invalid reply built by the simulator"));
        *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}
