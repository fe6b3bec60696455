//! The hooks every generated call goes through: credentials, retries, error capture and tracing.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};
use progenitor_client::OperationInfo;
use tokio::time::Instant;
use tracing::{Instrument, field};

use crate::error::{ApiError, ServiceError};
use crate::{Auth, RetryPolicy, retry};

/// How much of an error body is kept: enough for any Oracle error document, bounded for a runaway proxy page.
const MAX_ERROR_BODY: usize = 1024 * 1024;

/// Headers that carry a request id, in the order they are looked for.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-oracle-dms-ecid",
    "opc-request-id",
    "oa-request-id",
    "x-request-id",
    "x-correlation-id",
];

/// The largest success body read: far above any Oracle status document, bounded against a runaway reply.
const MAX_SUCCESS_BODY: usize = 64 * 1024 * 1024;

/// The status under which a success reply whose body is broken is handed to the generated code, so that it
/// does not parse the body again but passes the reply on as "unexpected"; the error conversion then reports the
/// true status, kept with the reply.
const HANDED_OVER: StatusCode = match StatusCode::from_u16(299) {
    Ok(status) => status,
    Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
};

/// A service's check of a success body: `None` when the operation's reply is not a JSON document, else the result
/// of parsing the body as the documented type.
pub type SuccessBodyCheck = fn(&str, &[u8]) -> Option<Result<(), serde_json::Error>>;

/// What the runtime needs to know about a service.
#[derive(Clone, Copy, Debug)]
pub struct Service {
    /// The short name shown in errors and traces (`ESS`, `OGG`, `OAC`).
    pub name: &'static str,
    /// Reads the service's error code and message from an error body, or `None` if the body is not one.
    pub parse_error: fn(&[u8]) -> Option<ServiceError>,
    /// Parses a success body as the operation's documented type (`None` when the reply is not JSON), so that a
    /// body the generated code could not parse becomes an error that keeps the status and the call.
    pub check_success_body: SuccessBodyCheck,
    /// The operations `check_success_body` knows (those whose success reply is a JSON document).
    pub json_operations: &'static [&'static str],
}

impl Service {
    /// Describes a service by its short name and error-body parser.
    pub const fn new(name: &'static str, parse_error: fn(&[u8]) -> Option<ServiceError>) -> Self {
        Self {
            name,
            parse_error,
            check_success_body: |_, _| None,
            json_operations: &[],
        }
    }

    /// The success-body check of the service and the operations it knows (each SDK crate's generated
    /// `check_success_body` and `OPERATIONS_WITH_JSON_REPLIES`).
    pub const fn with_success_body_check(
        mut self,
        check: SuccessBodyCheck,
        operations: &'static [&'static str],
    ) -> Self {
        self.check_success_body = check;
        self.json_operations = operations;
        self
    }
}

/// The state a generated client carries for the hooks (progenitor's "inner" value). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Runtime {
    pub(crate) shared: Arc<Shared>,
    pub(crate) retry: Arc<RetryPolicy>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) service: Service,
    pub(crate) auth: Option<Auth>,
    pub(crate) total_timeout: Option<Duration>,
}

impl Runtime {
    /// The service this runtime serves.
    pub fn service(&self) -> Service {
        self.shared.service
    }

    /// The retry policy of this runtime.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The same runtime with another retry policy (credentials and token cache are shared).
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        Self {
            shared: self.shared.clone(),
            retry: Arc::new(policy),
        }
    }

    /// Hook run before a request is sent: drops the `api-version` header progenitor adds (Oracle does not
    /// define it), drops the trailing slash of a root resource's URL, and sets the `Authorization` header.
    pub async fn prepare(&self, request: &mut reqwest::Request) -> Result<(), String> {
        request.headers_mut().remove("api-version");
        // A spec's root path `/` appended to the base URL ends in a slash; Oracle documents no path that does
        // (ESS's root resource is `ess/rest/scheduler/v1` itself), so the base URL is what is called.
        let path = request.url().path();
        if path.len() > 1 && path.ends_with('/') {
            let trimmed = path.trim_end_matches('/').to_owned();
            request.url_mut().set_path(&trimmed);
        }
        if let Some(auth) = &self.shared.auth {
            let header = auth
                .header()
                .await
                .map_err(|e| format!("{} token source failed: {e}", self.shared.service.name))?;
            request.headers_mut().insert(http::header::AUTHORIZATION, header);
        }
        Ok(())
    }

    /// Hook that sends a request: retries transient failures under the policy, refreshes a token once on `401`,
    /// and captures the body of a non-success reply so that the error keeps it.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "oracle_call",
            service = self.shared.service.name,
            operation = info.operation_id,
            method = %request.method(),
            url = %redacted_url(request.url()),
            attempt = field::Empty,
            status = field::Empty,
            duration_ms = field::Empty,
        );
        self.execute_with_retries(http, request, info.operation_id)
            .instrument(span)
            .await
    }

    async fn execute_with_retries(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let policy = &*self.retry;
        let retry_deadline = started + policy.get_budget();
        let deadline = self.shared.total_timeout.map(|t| started + t);
        let method = request.method().clone();
        let mut attempt: u32 = 1;
        let mut refreshed = false;
        loop {
            let span = tracing::Span::current();
            span.record("attempt", attempt);
            // A request whose body is a stream cannot be cloned, and so is sent once.
            let spare = request.try_clone();
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                let per_attempt = request.timeout().copied().map_or(left, |t| t.min(left));
                *request.timeout_mut() = Some(per_attempt);
            }
            let outcome = http.execute(request).await;
            let delay = match (&outcome, spare.as_ref()) {
                (_, None) => None,
                (Ok(response), Some(_)) => {
                    let status = response.status();
                    if status == StatusCode::UNAUTHORIZED && !refreshed && self.can_refresh() {
                        refreshed = true;
                        Some(Duration::ZERO)
                    } else if attempt < policy.get_max_attempts() && policy.may_retry_status(&method, status) {
                        Some(
                            retry::retry_after(response.headers(), SystemTime::now())
                                .unwrap_or_else(|| policy.backoff(attempt)),
                        )
                    } else {
                        None
                    }
                }
                (Err(error), Some(_)) => (attempt < policy.get_max_attempts()
                    && policy.may_retry_transport(&method, error))
                .then(|| policy.backoff(attempt)),
            };
            let resend_at = delay
                .map(|d| Instant::now() + d)
                .filter(|at| *at <= retry_deadline && deadline.is_none_or(|deadline| *at < deadline));
            match (resend_at, spare) {
                (Some(at), Some(mut next)) => {
                    let reason = match &outcome {
                        Ok(response) => response.status().to_string(),
                        Err(error) => error.to_string(),
                    };
                    if refreshed && matches!(&outcome, Ok(r) if r.status() == StatusCode::UNAUTHORIZED) {
                        if let Some(header) = self.refreshed_header().await {
                            next.headers_mut().insert(http::header::AUTHORIZATION, header);
                        } else {
                            return self.finish(outcome, operation, &method, started).await;
                        }
                    }
                    tracing::info!(
                        attempt,
                        delay_ms = u64::try_from(at.saturating_duration_since(Instant::now()).as_millis()).unwrap_or(u64::MAX),
                        reason = %reason,
                        "retrying"
                    );
                    drop(outcome);
                    tokio::time::sleep_until(at).await;
                    request = next;
                    attempt += 1;
                }
                _ => return self.finish(outcome, operation, &method, started).await,
            }
        }
    }

    fn can_refresh(&self) -> bool {
        self.shared.auth.as_ref().is_some_and(Auth::can_refresh)
    }

    async fn refreshed_header(&self) -> Option<http::HeaderValue> {
        let auth = self.shared.auth.as_ref()?;
        match auth.refresh().await {
            Ok(header) => Some(header),
            Err(error) => {
                tracing::warn!(error = %error, "token source failed after a 401");
                None
            }
        }
    }

    async fn finish(
        &self,
        outcome: reqwest::Result<reqwest::Response>,
        operation: &'static str,
        method: &http::Method,
        started: Instant,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::Span::current();
        span.record(
            "duration_ms",
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        let response = outcome?;
        span.record("status", response.status().as_u16());
        if !response.status().is_success() {
            return Ok(self.capture_error(response, operation, method.clone()).await);
        }
        if self.shared.service.json_operations.contains(&operation) {
            return Ok(self.check_json(response, operation, method.clone()).await);
        }
        Ok(response)
    }

    /// Reads a success body that should be a JSON document and parses it as the documented type, so that a
    /// truncated document, an HTML page, an empty body, a body of the wrong shape or one that stops arriving becomes
    /// an error that keeps the status and the call.
    async fn check_json(
        &self,
        mut response: reqwest::Response,
        operation: &'static str,
        method: http::Method,
    ) -> reqwest::Response {
        let mut body = BytesMut::new();
        let mut problem = None;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if body.len() + chunk.len() > MAX_SUCCESS_BODY => {
                    problem = Some(format!("the body is larger than {MAX_SUCCESS_BODY} bytes"));
                    break;
                }
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(error) => {
                    problem = Some(format!("the body did not arrive whole: {}", error.without_url()));
                    break;
                }
            }
        }
        let body = body.freeze();
        if problem.is_none() {
            problem = match (self.shared.service.check_success_body)(operation, &body) {
                Some(Err(e)) if e.is_syntax() || e.is_eof() => Some(format!("the body is not JSON: {e}")),
                Some(Err(e)) => Some(format!("the body does not match the documented schema: {e}")),
                _ => None,
            };
        }
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let mut rebuilt = http::Response::new(body.clone());
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers.clone();
        match problem {
            None => *rebuilt.status_mut() = status,
            Some(problem) => {
                tracing::warn!(status = status.as_u16(), problem = %problem, "unreadable success reply");
                let kept = body.slice(..body.len().min(MAX_ERROR_BODY));
                let api = ApiError {
                    service: self.shared.service.name,
                    operation,
                    method,
                    path: response.url().path().to_owned(),
                    status,
                    request_id: request_id(&headers),
                    service_error: None,
                    retry_after: None,
                    headers,
                    body_truncated: kept.len() < body.len(),
                    body: kept,
                    body_error: Some(problem),
                };
                *rebuilt.status_mut() = HANDED_OVER;
                rebuilt.extensions_mut().insert(Arc::new(api));
            }
        }
        reqwest::Response::from(rebuilt)
    }

    /// Reads the body of a non-success reply and attaches it, parsed, to the response for the error conversion.
    async fn capture_error(
        &self,
        mut response: reqwest::Response,
        operation: &'static str,
        method: http::Method,
    ) -> reqwest::Response {
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let path = response.url().path().to_owned();
        let mut body = BytesMut::new();
        let mut truncated = false;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = MAX_ERROR_BODY - body.len();
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // The status is what matters; keep what arrived before the connection broke.
                Err(_) => {
                    truncated = true;
                    break;
                }
            }
        }
        let body: Bytes = body.freeze();
        let service = self.shared.service;
        let api = ApiError {
            service: service.name,
            operation,
            method,
            path,
            status,
            request_id: request_id(&headers),
            service_error: (service.parse_error)(&body),
            retry_after: retry::retry_after(&headers, SystemTime::now()),
            headers: headers.clone(),
            body: body.clone(),
            body_truncated: truncated,
            body_error: None,
        };
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        rebuilt.extensions_mut().insert(Arc::new(api));
        reqwest::Response::from(rebuilt)
    }
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::to_owned)
}

/// The URL as it may appear in traces: scheme, host, port and path; no credentials, no query.
pub(crate) fn redacted_url(url: &reqwest::Url) -> String {
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(url.path());
    shown
}
