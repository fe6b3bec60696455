//! The one path every generated call takes: credentials, retries, tracing, and the reading of the reply.
//!
//! Each generated `send` builds its `reqwest::Request` and hands it here whole (`send_json`, `send_stream`,
//! `send_empty`). A success body is read and decoded once, into the operation's documented type; any failure keeps
//! the real status, the operation, the path and the raw body in the crate's [`Error`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Method, StatusCode};
use progenitor_client::{ByteStream, ResponseValue};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::{Instrument, field};

use crate::error::{ApiError, Error, ServiceError};
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

/// What the runtime needs to know about a service.
#[derive(Clone, Copy, Debug)]
pub struct Service {
    /// The short name shown in errors and traces (`ESS`, `OGG`, `OAC`).
    pub name: &'static str,
    /// Reads the service's error code and message from an error body, or `None` if the body is not one.
    pub parse_error: fn(&[u8]) -> Option<ServiceError>,
}

impl Service {
    /// Describes a service by its short name and error-body parser.
    pub const fn new(name: &'static str, parse_error: fn(&[u8]) -> Option<ServiceError>) -> Self {
        Self { name, parse_error }
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
    /// The `Authorization` header of basic or fixed bearer credentials, built once.
    pub(crate) fixed_authorization: Option<http::HeaderValue>,
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

    /// Sends a generated call and decodes its success body, once, as the operation's documented type `T`.
    ///
    /// Called by the generated `send` methods; not meant to be called directly.
    #[doc(hidden)]
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> Result<ResponseValue<T>, Error> {
        let method = request.method().clone();
        let mut response = self.call_in_span(http, request, operation).await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let (body, parsed) = match read_success_body(&mut response).await {
            Ok(bytes) => {
                let parsed = serde_json::from_slice::<T>(&bytes).map_err(|e| {
                    if e.is_syntax() || e.is_eof() {
                        format!("the body is not JSON: {e}")
                    } else {
                        format!("the body does not match the documented schema: {e}")
                    }
                });
                (bytes, parsed)
            }
            Err((partial, problem)) => (partial, Err(problem)),
        };
        match parsed {
            Ok(value) => Ok(ResponseValue::new(value, status, headers)),
            Err(problem) => {
                tracing::warn!(
                    service = self.shared.service.name,
                    operation,
                    status = status.as_u16(),
                    problem = %problem,
                    "unreadable success reply"
                );
                let kept = body.slice(..body.len().min(MAX_ERROR_BODY));
                Err(Error::InvalidBody(Box::new(ApiError {
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
                })))
            }
        }
    }

    /// Sends a generated call whose success reply is a byte stream (a download), handed over unread. A success
    /// status that is not among `documented` is an error (a proxy's `200` page where a download was expected).
    #[doc(hidden)]
    pub async fn send_stream(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
        documented: &[u16],
    ) -> Result<ResponseValue<ByteStream>, Error> {
        let response = self.call_documented(http, request, operation, documented).await?;
        Ok(ResponseValue::stream(response))
    }

    /// Sends a generated call whose success reply has no body (its headers may matter). A success status that is
    /// not among `documented` is an error that keeps the body (a proxy's `200` page where `204` was expected).
    #[doc(hidden)]
    pub async fn send_empty(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
        documented: &[u16],
    ) -> Result<ResponseValue<()>, Error> {
        let response = self.call_documented(http, request, operation, documented).await?;
        Ok(ResponseValue::empty(response))
    }

    /// Sends a call whose reply is judged by its status alone: the reply if its status is documented; otherwise
    /// an [`Error::InvalidBody`] keeping status and body.
    async fn call_documented(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
        documented: &[u16],
    ) -> Result<reqwest::Response, Error> {
        let method = request.method().clone();
        let response = self.call_in_span(http, request, operation).await?;
        let status = response.status();
        if documented.contains(&status.as_u16()) {
            return Ok(response);
        }
        let mut api = self.capture_error(response, operation, method).await;
        api.service_error = None;
        api.body_error = Some(format!(
            "status {} is not a documented reply of this operation (documented: {documented:?})",
            status.as_u16()
        ));
        tracing::warn!(status = status.as_u16(), "undocumented success status");
        Err(Error::InvalidBody(Box::new(api)))
    }

    /// [`call`](Self::call) inside the call's `oracle_call` span. Boxed: the exchange is the largest part of a
    /// call's state; inline, every future wrapping it (the generated `send`, a waiter's poll) would be as large,
    /// and be copied as it is moved.
    async fn call_in_span(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> Result<reqwest::Response, Error> {
        let span = self.span(&request, operation);
        Box::pin(self.call(http, request, operation).instrument(span)).await
    }

    /// The `oracle_call` span of one call. Its fields are only computed when a subscriber wants the span.
    fn span(&self, request: &reqwest::Request, operation: &'static str) -> tracing::Span {
        tracing::info_span!(
            "oracle_call",
            service = self.shared.service.name,
            operation,
            method = %request.method(),
            url = %redacted_url(request.url()),
            attempt = field::Empty,
            status = field::Empty,
            duration_ms = field::Empty,
        )
    }

    /// Prepares and sends a request under the retry policy; a reply that is not a success becomes the error.
    async fn call(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static str,
    ) -> Result<reqwest::Response, Error> {
        self.prepare(&mut request).await?;
        let method = request.method().clone();
        let started = Instant::now();
        let outcome = self.execute_with_retries(http, request).await;
        let span = tracing::Span::current();
        span.record(
            "duration_ms",
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        let response = outcome.map_err(Error::transport)?;
        span.record("status", response.status().as_u16());
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(Error::Api(Box::new(
                self.capture_error(response, operation, method).await,
            )))
        }
    }

    /// Drops the trailing slash of a root resource's URL and sets the `Authorization` header.
    async fn prepare(&self, request: &mut reqwest::Request) -> Result<(), Error> {
        // A spec's root path `/` appended to the base URL ends in a slash; Oracle documents no path that does
        // (ESS's root resource is `ess/rest/scheduler/v1` itself), so the base URL is what is called.
        let path = request.url().path();
        if path.len() > 1 && path.ends_with('/') {
            let trimmed = path.trim_end_matches('/').to_owned();
            request.url_mut().set_path(&trimmed);
        }
        if let Some(header) = &self.shared.fixed_authorization {
            request
                .headers_mut()
                .insert(http::header::AUTHORIZATION, header.clone());
        } else if let Some(auth) = &self.shared.auth {
            let header = auth
                .header()
                .await
                .map_err(|e| Error::Auth(format!("{} token source failed: {e}", self.shared.service.name)))?;
            request.headers_mut().insert(http::header::AUTHORIZATION, header);
        }
        Ok(())
    }

    async fn execute_with_retries(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let policy = &*self.retry;
        let retry_deadline = started + policy.retry_budget();
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
                    } else if attempt < policy.attempt_limit() && policy.may_retry_status(&method, status) {
                        Some(
                            retry::retry_after(response.headers(), SystemTime::now())
                                .unwrap_or_else(|| policy.backoff(attempt)),
                        )
                    } else {
                        None
                    }
                }
                (Err(error), Some(_)) => (attempt < policy.attempt_limit()
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
                            return outcome;
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
                _ => return outcome,
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

    /// Reads the body of a non-success reply (at most [`MAX_ERROR_BODY`]) and describes the reply.
    async fn capture_error(
        &self,
        mut response: reqwest::Response,
        operation: &'static str,
        method: Method,
    ) -> ApiError {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
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
        ApiError {
            service: service.name,
            operation,
            method,
            path,
            status,
            request_id: request_id(&headers),
            service_error: (service.parse_error)(&body),
            retry_after: retry::retry_after(&headers, SystemTime::now()),
            headers,
            body,
            body_truncated: truncated,
            body_error: None,
        }
    }
}

/// Reads a success body whole, up to [`MAX_SUCCESS_BODY`]. A body that stops arriving, or is larger, is a problem
/// described in words, returned with what did arrive. A body that arrives in one piece (the common case) is not
/// copied.
async fn read_success_body(response: &mut reqwest::Response) -> Result<Bytes, (Bytes, String)> {
    // Sized once from Content-Length, so that a large body is copied once rather than at every growth.
    let expected = response
        .content_length()
        .and_then(|length| usize::try_from(length).ok())
        .unwrap_or(0)
        .min(MAX_SUCCESS_BODY);
    let mut body = BytesMut::new();
    let mut reserved = false;
    let mut first: Option<Bytes> = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_SUCCESS_BODY {
                    return Err((
                        body.freeze(),
                        format!("the body is larger than {MAX_SUCCESS_BODY} bytes"),
                    ));
                }
                match first.take() {
                    None if body.is_empty() => first = Some(chunk),
                    pending => {
                        if !reserved {
                            body.reserve(expected.max(chunk.len() * 2));
                            reserved = true;
                        }
                        if let Some(pending) = pending {
                            body.extend_from_slice(&pending);
                        }
                        body.extend_from_slice(&chunk);
                    }
                }
            }
            Ok(None) => return Ok(first.unwrap_or_else(|| body.freeze())),
            Err(error) => {
                if let Some(pending) = first {
                    body.extend_from_slice(&pending);
                }
                return Err((
                    body.freeze(),
                    format!("the body did not arrive whole: {}", error.without_url()),
                ));
            }
        }
    }
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
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
