//! The one path every generated call takes: credentials, retries, tracing, and the reading of the reply.
//!
//! Each generated `send` hands its request here as the function that builds it (`send_json`, `send_stream`,
//! `send_empty`), called again only for a retry. A success body is read and decoded once, into the operation's documented type; any failure keeps
//! the real status, the operation, the path and the raw body in the crate's [`Error`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Method, StatusCode};
use progenitor_client::{ByteStream, ResponseValue};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::instrument::Instrumented;
use tracing::{Instrument, field};

use crate::error::{ApiError, Error, ServiceError};
use crate::optional_members::ReadMembers;
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

/// What a generated call hands the runtime: the function that builds its request, called once per attempt.
pub type BuildRequest<'a> = dyn Fn() -> Result<reqwest::Request, Error> + Sync + 'a;

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
    /// The base URL, parsed once: a call's URL is made from it without parsing its scheme and host again.
    pub(crate) base: reqwest::Url,
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

    /// The URL of a call: the base URL with `path` (already encoded, starting with `/`) after its path.
    ///
    /// Only the path is parsed; scheme, host and port are taken from the base URL as parsed when the client was
    /// built. Called by the generated `send` methods; not meant to be called directly.
    #[doc(hidden)]
    pub fn url(&self, path: std::fmt::Arguments<'_>) -> Result<reqwest::Url, Error> {
        let base = &self.shared.base;
        let mut target = String::with_capacity(base.path().len() + 64);
        target.push_str(base.path().trim_end_matches('/'));
        std::fmt::Write::write_fmt(&mut target, path)
            .map_err(|_| Error::InvalidRequest("a path argument could not be written".to_owned()))?;
        // A spec's root path `/` after the base URL would end in a slash; Oracle documents no path that does (ESS's
        // root resource is `ess/rest/scheduler/v1` itself), so the base URL is what is called.
        if target.len() > 1 && target.ends_with('/') {
            target.truncate(target.trim_end_matches('/').len().max(1));
        }
        if target.starts_with("//") {
            // A base path that starts with `//` would read as a host; set as a path, it stays one.
            let mut url = base.clone();
            url.set_path(&target);
            return Ok(url);
        }
        base.join(&target)
            .map_err(|e| Error::InvalidRequest(format!("the call's URL is not valid ({e}): {target}")))
    }

    /// Sends a generated call and reads its success body whole; [`JsonReply::decode`] then decodes it, once, as
    /// the operation's documented type.
    ///
    /// `build` makes the call's request; it is called once per attempt, so that nothing is copied ahead of a retry
    /// that most calls never need. The exchange is not generic (one copy of it serves every operation); only the
    /// decoding is, and it runs in the generated `send` itself, so that the decoded value is returned from where
    /// it is made rather than copied out of one more future. Called by the generated `send` methods; not meant to
    /// be called directly.
    ///
    /// The exchange is boxed: its kilobyte of state is then allocated once (the same block, call after call)
    /// instead of being copied into the generated `send`'s future and again wherever that future is moved. Counted
    /// by callgrind's cache simulation, this saves more first-level cache misses per call than the allocation costs.
    #[doc(hidden)]
    pub fn send_json<'a>(
        &'a self,
        http: &'a reqwest::Client,
        build: &'a BuildRequest<'a>,
        operation: &'static str,
    ) -> impl Future<Output = Result<JsonReply<'a>, Error>> + Send + 'a {
        Box::pin(self.exchange(http, build, operation, Expect::Json))
    }

    /// The error of a success reply whose body cannot be read as its documented type. Not generic, so that each
    /// operation's decoding code stays small.
    #[cold]
    fn unreadable_success(
        &self,
        operation: &'static str,
        method: Method,
        response: &reqwest::Response,
        headers: HeaderMap,
        body: Bytes,
        problem: String,
    ) -> Error {
        let status = response.status();
        tracing::warn!(
            service = self.shared.service.name,
            operation,
            status = status.as_u16(),
            problem = %problem,
            "unreadable success reply"
        );
        let kept = body.slice(..body.len().min(MAX_ERROR_BODY));
        Error::InvalidBody(Box::new(ApiError {
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
        }))
    }

    /// Sends a generated call whose success reply is a byte stream (a download), handed over unread. A success
    /// status that is not among `documented` is an error (a proxy's `200` page where a download was expected).
    #[doc(hidden)]
    pub async fn send_stream(
        &self,
        http: &reqwest::Client,
        build: &BuildRequest<'_>,
        operation: &'static str,
        documented: &[u16],
    ) -> Result<ResponseValue<ByteStream>, Error> {
        let reply = self
            .exchange(http, build, operation, Expect::Statuses(documented))
            .await?;
        Ok(ResponseValue::stream(reply.response))
    }

    /// Sends a generated call whose success reply has no body (its headers may matter). A success status that is
    /// not among `documented` is an error that keeps the body (a proxy's `200` page where `204` was expected).
    #[doc(hidden)]
    pub async fn send_empty(
        &self,
        http: &reqwest::Client,
        build: &BuildRequest<'_>,
        operation: &'static str,
        documented: &[u16],
    ) -> Result<ResponseValue<()>, Error> {
        let reply = self
            .exchange(http, build, operation, Expect::Statuses(documented))
            .await?;
        Ok(ResponseValue::empty(reply.response))
    }

    /// The `oracle_call` span of one call. Its fields are only computed when a subscriber wants the span; the
    /// method and URL are recorded once the request is built.
    fn span(&self, operation: &'static str) -> tracing::Span {
        tracing::info_span!(
            "oracle_call",
            service = self.shared.service.name,
            operation,
            method = field::Empty,
            url = field::Empty,
            attempt = field::Empty,
            status = field::Empty,
            duration_ms = field::Empty,
        )
    }

    /// One call, whole: the request built, sent under the retry policy (each retry's request built anew by
    /// `build`, rather than copied ahead of every first attempt), the reply judged, and a success body read when
    /// `expect` asks for one, all inside the call's `oracle_call` span.
    ///
    /// One future, written as an `async move` block rather than layered `async fn`s: a future is copied whole
    /// each time it is moved into the future that awaits it, and each layer was one more copy of a kilobyte per
    /// call. The awaits off the common path (an error body, a token source, a token refresh, a retry's sleep)
    /// are boxed, so that the common path does not carry their room.
    fn exchange<'a>(
        &'a self,
        http: &'a reqwest::Client,
        build: &'a BuildRequest<'a>,
        operation: &'static str,
        expect: Expect<'a>,
    ) -> Instrumented<impl Future<Output = Result<JsonReply<'a>, Error>> + Send + 'a> {
        let span = self.span(operation);
        // Recordings go to the current span (this one, entered at every poll) rather than to a clone of it kept
        // in the future: the future then stays within the allocator's per-thread cache of small blocks.
        let traced = !span.is_disabled();
        async move {
            let mut request = build()?;
            if traced {
                let span = tracing::Span::current();
                span.record("method", field::display(request.method()));
                span.record("url", field::display(redacted_url(request.url())));
            }
            let started = Instant::now();
            let method = request.method().clone();
            let mut attempt: u32 = 1;
            let mut refreshed = false;
            let mut fresh_header = None;
            let outcome = loop {
                if traced {
                    tracing::Span::current().record("attempt", attempt);
                }
                let authorization =
                    match (fresh_header.take(), &self.shared.fixed_authorization, &self.shared.auth) {
                        (Some(refreshed), _, _) => Some(refreshed),
                        (None, Some(fixed), _) => Some(fixed.clone()),
                        (None, None, Some(auth)) => Some(Box::pin(auth.header()).await.map_err(|e| {
                            Error::Auth(format!("{} token source failed: {e}", self.shared.service.name))
                        })?),
                        (None, None, None) => None,
                    };
                if let Some(header) = authorization {
                    request.headers_mut().insert(http::header::AUTHORIZATION, header);
                }
                if let Some(deadline) = self.deadline(started) {
                    let left = deadline.saturating_duration_since(Instant::now());
                    let per_attempt = request.timeout().copied().map_or(left, |t| t.min(left));
                    *request.timeout_mut() = Some(per_attempt);
                }
                let outcome = http.execute(request).await;
                // A success is never retried: decided here, so that the retry decision stays off the common path.
                if outcome.as_ref().is_ok_and(|response| response.status().is_success()) {
                    break outcome;
                }
                let Some(Retry { at, refresh }) = self.retry_of(&outcome, &method, attempt, refreshed, started) else {
                    break outcome;
                };
                if refresh {
                    refreshed = true;
                    match Box::pin(self.refreshed_header()).await {
                        Some(header) => fresh_header = Some(header),
                        None => break outcome,
                    }
                }
                Self::log_retry(&outcome, attempt, at);
                drop(outcome);
                Box::pin(tokio::time::sleep_until(at)).await;
                request = build()?;
                attempt += 1;
            };
            let mut response = outcome.map_err(Error::transport)?;
            let status = response.status();
            if traced {
                let span = tracing::Span::current();
                span.record(
                    "duration_ms",
                    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                );
                span.record("status", status.as_u16());
            }
            if !status.is_success() {
                return Err(Error::Api(Box::new(
                    Box::pin(self.capture_error(response, operation, method)).await,
                )));
            }
            match expect {
                Expect::Json => {
                    let headers = std::mem::take(response.headers_mut());
                    match read_success_body(&mut response).await {
                        Ok(body) => Ok(JsonReply {
                            runtime: self,
                            operation,
                            method,
                            response,
                            headers,
                            body,
                        }),
                        Err((partial, problem)) => {
                            Err(self.unreadable_success(operation, method, &response, headers, partial, problem))
                        }
                    }
                }
                Expect::Statuses(documented) if documented.contains(&status.as_u16()) => Ok(JsonReply {
                    runtime: self,
                    operation,
                    method,
                    response,
                    headers: HeaderMap::new(),
                    body: Bytes::new(),
                }),
                Expect::Statuses(documented) => {
                    let mut api = Box::pin(self.capture_error(response, operation, method)).await;
                    api.service_error = None;
                    api.body_error = Some(format!(
                        "status {} is not a documented reply of this operation (documented: {documented:?})",
                        status.as_u16()
                    ));
                    tracing::warn!(status = status.as_u16(), "undocumented success status");
                    Err(Error::InvalidBody(Box::new(api)))
                }
            }
        }
        .instrument(span)
    }

    /// Whether, and when, an attempt that did not succeed is tried again: after a `401` that a token refresh may
    /// cure (at once, once), or a retryable status or transport error under the policy (after `Retry-After` or the
    /// policy's backoff), within the retry budget and the call's deadline. Out of line and cold: most calls succeed
    /// at the first attempt.
    #[cold]
    #[inline(never)]
    fn retry_of(
        &self,
        outcome: &Result<reqwest::Response, reqwest::Error>,
        method: &Method,
        attempt: u32,
        refreshed: bool,
        started: Instant,
    ) -> Option<Retry> {
        let policy = &*self.retry;
        let retry_deadline = started + policy.retry_budget();
        let deadline = self.deadline(started);
        let mut refresh = false;
        let delay = match outcome {
            Ok(response) => {
                let status = response.status();
                if status == StatusCode::UNAUTHORIZED && !refreshed && self.can_refresh() {
                    refresh = true;
                    Some(Duration::ZERO)
                } else if attempt < policy.attempt_limit() && policy.may_retry_status(method, status) {
                    Some(
                        retry::retry_after(response.headers(), SystemTime::now())
                            .unwrap_or_else(|| policy.backoff(attempt)),
                    )
                } else {
                    None
                }
            }
            Err(error) => (attempt < policy.attempt_limit() && policy.may_retry_transport(method, error))
                .then(|| policy.backoff(attempt)),
        };
        let at = delay
            .map(|d| Instant::now() + d)
            .filter(|at| *at <= retry_deadline && deadline.is_none_or(|deadline| *at < deadline))?;
        Some(Retry { at, refresh })
    }

    /// Logs the retry about to be waited for.
    #[cold]
    #[inline(never)]
    fn log_retry(outcome: &Result<reqwest::Response, reqwest::Error>, attempt: u32, at: Instant) {
        let reason = match outcome {
            Ok(response) => response.status().to_string(),
            Err(error) => error.to_string(),
        };
        tracing::info!(
            attempt,
            delay_ms = u64::try_from(at.saturating_duration_since(Instant::now()).as_millis()).unwrap_or(u64::MAX),
            reason = %reason,
            "retrying"
        );
    }

    /// When a call started at `started` must have ended, if the client sets a total timeout.
    fn deadline(&self, started: Instant) -> Option<Instant> {
        self.shared.total_timeout.map(|t| started + t)
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

/// The next attempt of a call, as [`Runtime::retry_of`] decides it.
struct Retry {
    /// When to send it.
    at: Instant,
    /// Whether a token refresh comes first (after a `401`).
    refresh: bool,
}

/// What a call expects of a success reply.
#[derive(Clone, Copy, Debug)]
enum Expect<'a> {
    /// A JSON body, read whole.
    Json,
    /// One of these statuses; the body is left unread.
    Statuses(&'a [u16]),
}

/// A success reply whose body was read whole, to be decoded as the operation's documented type (or, for a call
/// whose reply is judged by its status alone, left unread in `response`).
///
/// Returned by [`Runtime::send_json`] to the generated `send` methods; not meant to be used directly.
#[doc(hidden)]
#[derive(Debug)]
pub struct JsonReply<'r> {
    runtime: &'r Runtime,
    operation: &'static str,
    method: Method,
    response: reqwest::Response,
    headers: HeaderMap,
    body: Bytes,
}

impl JsonReply<'_> {
    /// Decodes the body, once, as `T`. A body that is not JSON, or not a `T`, is an [`Error::InvalidBody`] that
    /// keeps the real status, the operation and the raw body.
    pub fn decode<T: DeserializeOwned>(self) -> Result<ResponseValue<T>, Error> {
        match parse_json::<T>(&self.body) {
            Ok(value) => Ok(ResponseValue::new(value, self.response.status(), self.headers)),
            Err(e) => Err(self.runtime.unreadable_success(
                self.operation,
                self.method,
                &self.response,
                self.headers,
                self.body,
                problem(&e),
            )),
        }
    }

    /// Decodes the body, once, straight into the reply returned: for the large structs of
    /// [`optional_members!`](crate::optional_members) (ESS's 1.6 KB `RequestDetails`), which [`JsonReply::decode`]
    /// would copy from the parser into the reply. The same errors as [`JsonReply::decode`]. Chosen by the
    /// generator for the operations that reply with such a struct.
    pub fn decode_in_place<T: ReadMembers>(self) -> Result<ResponseValue<T>, Error> {
        let mut reply = ResponseValue::new(T::default(), self.response.status(), self.headers);
        match read_json_members(&self.body, &mut *reply) {
            Ok(()) => Ok(reply),
            Err(e) => Err(self.runtime.unreadable_success(
                self.operation,
                self.method,
                &self.response,
                reply.headers().clone(),
                self.body,
                problem(&e),
            )),
        }
    }
}

/// What a success body that cannot be decoded is, in words.
#[cold]
fn problem(error: &serde_json::Error) -> String {
    if error.is_syntax() || error.is_eof() {
        format!("the body is not JSON: {error}")
    } else {
        format!("the body does not match the documented schema: {error}")
    }
}

/// Parses `body` as JSON into `T`.
///
/// The body is checked as UTF-8 once, whole, and parsed as text: `serde_json::from_slice` instead checks each
/// string it keeps on its own, which costs more than one pass over the body (about 2,000 instructions of a
/// 600-byte ESS status document). A body with bytes that are not UTF-8 (a server writing Latin-1 into a
/// description) is read with those bytes as U+FFFD rather than refused whole: a reply keeps everything else it
/// says, as replies are read leniently everywhere else.
fn parse_json<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_str(&String::from_utf8_lossy(body)),
    }
}

/// Reads the members of `body`, a JSON object, into `fresh` (a default value), as [`parse_json`] reads text.
fn read_json_members<T: ReadMembers>(body: &[u8], fresh: &mut T) -> serde_json::Result<()> {
    fn read<T: ReadMembers>(text: &str, fresh: &mut T) -> serde_json::Result<()> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        T::read_members(&mut deserializer, fresh)?;
        deserializer.end()
    }
    match std::str::from_utf8(body) {
        Ok(text) => read(text, fresh),
        Err(_) => read(&String::from_utf8_lossy(body), fresh),
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

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::parse_json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Status {
        state: Option<String>,
    }

    #[test]
    fn text_bodies_parse_as_from_slice_does() {
        let body = br#"{"state":"RUNNING","other":"caf\u00e9 \u2014 ok","n":[1,2]}"#;
        let parsed: Status = parse_json(body).expect("valid JSON");
        assert_eq!(parsed, serde_json::from_slice::<Status>(body).expect("valid JSON"));
        assert_eq!(parsed.state.as_deref(), Some("RUNNING"));

        let multibyte = "{\"state\":\"終了\"}".as_bytes();
        let parsed: Status = parse_json(multibyte).expect("UTF-8 text");
        assert_eq!(parsed.state.as_deref(), Some("終了"));
    }

    #[test]
    fn bytes_that_are_not_utf8_do_not_refuse_the_reply() {
        // A Latin-1 byte in a member the type does not know, and in one it keeps.
        let body = b"{\"state\":\"SUCCEEDED\",\"note\":\"caf\xe9\"}";
        let parsed: Status = parse_json(body).expect("the unknown member is skipped");
        assert_eq!(parsed.state.as_deref(), Some("SUCCEEDED"));

        let body = b"{\"state\":\"caf\xe9\"}";
        let parsed: Status = parse_json(body).expect("the byte reads as U+FFFD");
        assert_eq!(parsed.state.as_deref(), Some("caf\u{fffd}"));
    }

    #[test]
    fn errors_are_those_of_from_slice_for_utf8_bodies() {
        for body in [&b"{\"state\":\"RUNN"[..], &b"{\"state\":42}"[..], &b"<html>"[..]] {
            let ours = parse_json::<Status>(body).expect_err("not a Status");
            let theirs = serde_json::from_slice::<Status>(body).expect_err("not a Status");
            assert_eq!(ours.to_string(), theirs.to_string(), "{body:?}");
            assert_eq!(ours.classify(), theirs.classify(), "{body:?}");
        }
    }
}
