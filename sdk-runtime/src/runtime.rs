//! The call and its retries: one exchange per generated call, with credentials, retries of what may be repeated,
//! the call's deadline and its tracing span.
//!
//! Generated code reaches this exchange through [`crate::call`]; the reply it gets back is read by
//! [`crate::reply`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use tokio::time::Instant;
use tracing::instrument::Instrumented;
use tracing::{Instrument, field};

use crate::auth::Auth;
use crate::budget::Budget;
use crate::error::{Error, ServiceError};
use crate::reply::{JsonReply, capture_error, read_success_body, unreadable_success};
use crate::retry::{self, RetryPolicy};

/// What a generated call hands the runtime: the function that builds its request, called once per attempt.
pub type BuildRequest<'a> = dyn Fn() -> Result<reqwest::Request, Error> + Sync + 'a;

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

/// The state a generated client carries (progenitor's "inner" value): service, credentials, retry policy. Cheap to
/// clone.
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
    /// The request budget every attempt of every call of this client and its clones draws from, if one was set.
    pub(crate) budget: Option<Budget>,
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

    /// The current rate of the client's [request budget](crate::RequestBudget), in requests per second: the
    /// configured rate, or less after the server refused requests (`429`, `503`). `None` without a budget.
    pub fn request_rate(&self) -> Option<f64> {
        self.shared.budget.as_ref().map(Budget::current_rate)
    }

    /// The same runtime with another retry policy (credentials, token cache and request budget are shared).
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        Self {
            shared: self.shared.clone(),
            retry: Arc::new(policy),
        }
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
    pub(crate) fn exchange<'a>(
        &'a self,
        http: &'a reqwest::Client,
        build: &'a BuildRequest<'a>,
        operation: &'static str,
        expect: Expect<'a>,
    ) -> Instrumented<impl Future<Output = Result<JsonReply, Error>> + Send + 'a> {
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
                // The budget's token comes first: the wait counts against the call's deadline, and credentials are
                // read (a token refreshed if need be) after it, not before a wait that may be long.
                let grant = match &self.shared.budget {
                    None => None,
                    Some(budget) => Some(Box::pin(budget.acquire(self.deadline(started))).await.map_err(
                        |no_room| Error::BudgetTimeout {
                            service: self.shared.service.name,
                            operation,
                            waited: no_room.waited,
                        },
                    )?),
                };
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
                if let (Some(budget), Some(grant), Ok(response)) = (&self.shared.budget, grant, &outcome) {
                    budget.observe(grant, response.status(), retry_after_of(response));
                }
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
            let mut response = outcome
                .map_err(|error| Error::transport_of_call(self.shared.service.name, operation, &method, error))?;
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
                    Box::pin(capture_error(
                        self.shared.service.name,
                        self.shared.service.parse_error,
                        response,
                        operation,
                        method,
                    ))
                    .await,
                )));
            }
            match expect {
                Expect::Json => {
                    let headers = std::mem::take(response.headers_mut());
                    match read_success_body(&mut response).await {
                        Ok(body) => Ok(JsonReply {
                            service: self.shared.service.name,
                            operation,
                            method,
                            response,
                            headers,
                            body,
                        }),
                        Err((partial, problem)) => Err(unreadable_success(
                            self.shared.service.name,
                            operation,
                            method,
                            &response,
                            headers,
                            partial,
                            problem,
                        )),
                    }
                }
                Expect::Statuses(documented) if documented.contains(&status.as_u16()) => Ok(JsonReply {
                    service: self.shared.service.name,
                    operation,
                    method,
                    response,
                    headers: HeaderMap::new(),
                    body: Bytes::new(),
                }),
                Expect::Statuses(documented) => {
                    let mut api = Box::pin(capture_error(
                        self.shared.service.name,
                        self.shared.service.parse_error,
                        response,
                        operation,
                        method,
                    ))
                    .await;
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
pub(crate) enum Expect<'a> {
    /// A JSON body, read whole.
    Json,
    /// One of these statuses; the body is left unread.
    Statuses(&'a [u16]),
}

/// The `Retry-After` of a refusal (`429`, `503`), which pauses the whole request budget; read only for those.
fn retry_after_of(response: &reqwest::Response) -> Option<Duration> {
    matches!(response.status().as_u16(), 429 | 503)
        .then(|| retry::retry_after(response.headers(), SystemTime::now()))
        .flatten()
}

/// The URL as it may appear in traces: scheme, host, port and path; no credentials, no query.
fn redacted_url(url: &reqwest::Url) -> String {
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(url.path());
    shown
}
