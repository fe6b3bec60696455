//! One error type for the three clients.
//!
//! Every generated method returns [`Error`], which keeps what a person needs to act: the HTTP status, the service's
//! own error code and message, the operation and path, the request id the server sent, whether a retry may help,
//! and the raw body.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

/// The service's own description of an error, read from the error body by the service's parser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceError {
    /// The service's error code: ESS `errorCode` (`ESS-00403`), Oracle Analytics `code`, GoldenGate `OGG-nnnnn`.
    pub code: Option<String>,
    /// The one-line message: ESS `title`, Oracle Analytics `message`, the first GoldenGate error message.
    pub message: Option<String>,
    /// Longer explanations: ESS `detail`, further GoldenGate messages.
    pub details: Vec<String>,
}

/// A non-success HTTP reply, with everything the server said about it.
#[derive(Clone)]
pub struct ApiError {
    pub(crate) service: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) request_id: Option<String>,
    pub(crate) service_error: Option<ServiceError>,
    pub(crate) body: Bytes,
    pub(crate) body_truncated: bool,
    pub(crate) retry_after: Option<Duration>,
    /// Set when this is a success reply whose body could not be read as JSON.
    pub(crate) body_error: Option<String>,
}

impl ApiError {
    /// The short name of the service, e.g. `ESS`.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// The operation, as the snake_case name of the generated method (e.g. `cancel_request`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method of the call.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path of the URL that was called (no host, no query, no credentials).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The HTTP status of the reply.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reply's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id the server or a proxy sent (`X-ORACLE-DMS-ECID`, `opc-request-id`, `X-Request-ID`, ...).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The service's error code and message, when the body was an error document of the service.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.service_error.as_ref()
    }

    /// The body as received (at most the first MiB).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Whether the body was longer than what was kept.
    pub fn body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// The body read as UTF-8, with invalid sequences replaced.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Parses the body as the service's typed error document, e.g. ESS's `SimpleExceptionDetail`.
    ///
    /// Returns `None` when the body is not that document (an HTML page from a proxy, an empty body).
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }

    /// How long the server asked the client to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether sending the same request again may succeed (see [`retry::is_retryable_status`](crate::retry::is_retryable_status)).
    pub fn is_retryable(&self) -> bool {
        self.body_error.is_none() && crate::retry::is_retryable_status(self.status)
    }

    /// For a success reply with an unreadable body: what is wrong with it.
    pub fn body_error(&self) -> Option<&str> {
        self.body_error.as_deref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.service, self.status.as_u16())?;
        if let Some(problem) = &self.body_error {
            let excerpt = one_line(&self.body_text(), 80);
            write!(
                f,
                " reply with an unreadable body: {problem} (body starts with {excerpt:?})"
            )?;
            return write!(f, " ({} {} {})", self.operation, self.method, self.path);
        }
        let service_error = self.service_error.as_ref();
        let code = service_error.and_then(|e| e.code.as_deref());
        let message = service_error.and_then(|e| e.message.as_deref().or(e.details.first().map(String::as_str)));
        match (code, message) {
            (Some(code), Some(message)) => write!(f, " {code}: {}", one_line(message, 200))?,
            (Some(code), None) => write!(f, " {code}")?,
            (None, Some(message)) => write!(f, ": {}", one_line(message, 200))?,
            (None, None) => {
                let reason = self.status.canonical_reason().unwrap_or("unexpected status");
                let excerpt = one_line(&self.body_text(), 120);
                if excerpt.is_empty() {
                    write!(f, " {reason} (empty body)")?;
                } else {
                    write!(f, " {reason}: {excerpt}")?;
                }
            }
        }
        write!(f, " ({} {} {})", self.operation, self.method, self.path)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    // Headers are left out: a proxy may echo cookies in them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("service", &self.service)
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("service_error", &self.service_error)
            .field("body", &one_line(&self.body_text(), 500))
            .field("retry_after", &self.retry_after)
            .field("body_error", &self.body_error)
            .finish()
    }
}

/// Every way a call can fail.
///
/// Cloneable, so that one failure that concerns many waits (a batch poll answered `503`) can be handed to each.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server replied with a non-success status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// No usable reply: connection refused or reset, TLS failure, proxy refusal, timeout. Its `Display` names the
    /// service, the call and the cause in words; [`TransportError::kind`](crate::TransportError::kind) tells the
    /// cause to code, and the whole chain stays reachable through `source()`.
    #[error(transparent)]
    Transport(Box<crate::transport::TransportError>),
    /// A success status whose body is not the operation's documented type: not JSON at all (truncated, an HTML
    /// page, empty, cut off by a timeout) or JSON of another shape. The status, the call and the raw body are
    /// kept; [`ApiError::body_error`] says what is wrong.
    #[error("{0}")]
    InvalidBody(Box<ApiError>),
    /// The request could not be built from the arguments given (a missing required argument, say).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Credentials could not be obtained (the token source failed).
    #[error("authentication failed before the call: {0}")]
    Auth(String),
    /// The client could not be built.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A wait for success ended otherwise: failed (with cause and message), cancelled, needs action, timed out
    /// with the last state, or polling failed.
    #[error(transparent)]
    Wait(Box<crate::wait::WaitError>),
    /// The client's [request budget](crate::RequestBudget) had no room for the call before its total timeout: the
    /// call was not sent (or not sent again). Retryable: the budget frees a token at its rate.
    #[error(
        "{service} {operation}: not sent, the client's request budget has no room for it before the call's total timeout (waited {waited:?})"
    )]
    BudgetTimeout {
        /// The service (`ESS`, `OGG`, `OAC`).
        service: &'static str,
        /// The call.
        operation: &'static str,
        /// How long the call waited for its turn.
        waited: std::time::Duration,
    },
    /// A wait of a wait set could not end because the set's driver task stopped (its Tokio runtime shut down).
    #[error("the wait set for {waits_for} stopped before the wait for {id} ended (its Tokio runtime shut down)")]
    WaitSetStopped {
        /// What the set waits for (`ESS requests`).
        waits_for: &'static str,
        /// The id whose wait was cut short.
        id: String,
    },
}

impl From<crate::wait::WaitError> for Error {
    fn from(error: crate::wait::WaitError) -> Self {
        Self::Wait(Box::new(error))
    }
}

impl Error {
    /// The HTTP status, when the server replied.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) | Self::InvalidBody(api) => Some(api.status),
            Self::Transport(e) => e.status(),
            Self::Wait(wait) => match &**wait {
                crate::wait::WaitError::PollFailed { source, .. } => source.status(),
                _ => None,
            },
            _ => None,
        }
    }

    /// The reply details, when the server answered with a non-success status (or a success status with a body
    /// that is not JSON).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) | Self::InvalidBody(api) => Some(api),
            Self::Wait(wait) => match &**wait {
                crate::wait::WaitError::PollFailed { source, .. } => source.api(),
                _ => None,
            },
            _ => None,
        }
    }

    /// The service's error code and message, when there is one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.api().and_then(ApiError::service_error)
    }

    /// The raw body of the reply, when there is one.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Self::Api(api) | Self::InvalidBody(api) => Some(&api.body),
            _ => None,
        }
    }

    /// Whether the same call may succeed if sent again (transient statuses and transport failures).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => api.is_retryable(),
            Self::Transport(e) => e.is_retryable(),
            Self::BudgetTimeout { .. } => true,
            _ => false,
        }
    }
}

impl Error {
    /// The error of a call that got no usable reply.
    pub fn transport(error: reqwest::Error) -> Self {
        Self::Transport(Box::new(crate::transport::TransportError::new(error)))
    }
}

impl From<http::header::InvalidHeaderValue> for Error {
    /// A header argument (such as GoldenGate's `X-ID-TENANT-NAME`) that cannot be sent as an HTTP header.
    fn from(_: http::header::InvalidHeaderValue) -> Self {
        Self::InvalidRequest("a header argument contains characters not allowed in an HTTP header".to_owned())
    }
}

impl Error {
    /// A success reply that does not hold what its operation promises, for example a `202 Accepted` without the
    /// id of the work it started: an [`Error::InvalidBody`] that keeps the reply's status, headers and body, with
    /// `problem` as its [`ApiError::body_error`]. For the SDK crates' hand-written layers; `path` is the path
    /// that was called.
    #[doc(hidden)]
    pub fn unusable_reply(
        service: &'static str,
        operation: &'static str,
        method: Method,
        path: impl Into<String>,
        reply: progenitor_client::ResponseValue<Bytes>,
        problem: impl Into<String>,
    ) -> Self {
        let status = reply.status();
        let headers = reply.headers().clone();
        let body = reply.into_inner();
        let request_id = request_id(&headers);
        Self::InvalidBody(Box::new(ApiError {
            service,
            operation,
            method,
            path: path.into(),
            status,
            headers,
            request_id,
            service_error: None,
            body,
            body_truncated: false,
            retry_after: None,
            body_error: Some(problem.into()),
        }))
    }
}

/// Headers that carry a request id, in the order they are looked for.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-oracle-dms-ecid",
    "opc-request-id",
    "oa-request-id",
    "x-request-id",
    "x-correlation-id",
];

/// The request id a reply carries, for [`ApiError::request_id`]: the first of the headers servers use for it.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::to_owned)
}

/// An error's message followed by its causes (`error sending request ...: connection refused`), since reqwest's
/// own message leaves the cause out.
pub(crate) fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Collapses white space and cuts at `max` characters, so a body fits in one line of a log.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > max {
            let cut: String = out.chars().take(max).collect();
            return format!("{cut}…");
        }
    }
    out
}

/// An HTTP error of a test's made-up call `GET /status`, for the unit tests of the modules that react to errors
/// (waiting, retries).
#[cfg(test)]
pub(crate) fn test_http_error(status: u16, retry_after: Option<Duration>) -> Error {
    let mut headers = HeaderMap::new();
    if let Some(after) = retry_after {
        headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from(after.as_secs()));
    }
    Error::Api(Box::new(ApiError {
        service: "TEST",
        operation: "get_status",
        method: Method::GET,
        path: "/status".into(),
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
        headers,
        request_id: None,
        service_error: None,
        body: Bytes::new(),
        body_truncated: false,
        retry_after,
        body_error: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, service_error: Option<ServiceError>, body: &str) -> ApiError {
        ApiError {
            service: "ESS",
            operation: "cancel_request",
            method: Method::POST,
            path: "/ess/rest/scheduler/v1/requests/42/cancel".into(),
            status: StatusCode::from_u16(status).expect("valid status"),
            headers: HeaderMap::new(),
            request_id: None,
            service_error,
            body: Bytes::from(body.to_owned()),
            body_truncated: false,
            retry_after: None,
            body_error: None,
        }
    }

    #[test]
    fn display_names_status_code_message_and_call() {
        let e = api(
            403,
            Some(ServiceError {
                code: Some("ESS-00403".into()),
                message: Some("Not authorized to cancel this request".into()),
                details: vec![],
            }),
            "{}",
        );
        assert_eq!(
            e.to_string(),
            "ESS 403 ESS-00403: Not authorized to cancel this request (cancel_request POST /ess/rest/scheduler/v1/requests/42/cancel)"
        );
    }

    #[test]
    fn display_of_a_proxy_page_shows_reason_and_excerpt() {
        let e = api(502, None, "<html>\n  <body>Bad   gateway</body>\n</html>");
        assert_eq!(
            e.to_string(),
            "ESS 502 Bad Gateway: <html> <body>Bad gateway</body> </html> (cancel_request POST /ess/rest/scheduler/v1/requests/42/cancel)"
        );
        assert!(e.is_retryable());
    }

    #[test]
    fn display_of_an_empty_body() {
        assert!(
            api(404, None, "")
                .to_string()
                .starts_with("ESS 404 Not Found (empty body)")
        );
    }

    #[test]
    fn one_line_cuts_long_text() {
        assert_eq!(one_line("a  b\n\tc", 10), "a b c");
        assert_eq!(one_line(&"x".repeat(50), 10), format!("{}…", "x".repeat(10)));
        assert_eq!(
            one_line("exactly10!", 10),
            "exactly10!",
            "a text that fits is not marked as cut"
        );
    }

    /// An Oracle Analytics error document: `{"code": ..., "message": ...}`.
    fn oac_error(body: &[u8]) -> Option<ServiceError> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        Some(ServiceError {
            code: value.get("code")?.as_str().map(str::to_owned),
            message: value.get("message").and_then(|m| m.as_str()).map(str::to_owned),
            details: Vec::new(),
        })
    }

    /// What a call (a POST that starts an Analytics work request) makes of a non-success reply of a server.
    async fn received(reply: wiremock::ResponseTemplate) -> ApiError {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(reply)
            .mount(&server)
            .await;
        let response = reqwest::Client::new()
            .post(format!(
                "{}/api/20210901/datasets/sales/reload?dryRun=false",
                server.uri()
            ))
            .send()
            .await
            .expect("a reply");
        crate::reply::capture_error("OAC", oac_error, response, "reload_dataset", Method::POST).await
    }

    #[tokio::test]
    async fn an_error_reply_keeps_the_call_and_all_the_server_said() {
        let body = r#"{"code":"TooManyRequests","message":"Slow down"}"#;
        let api = received(
            wiremock::ResponseTemplate::new(429)
                .insert_header("x-request-id", "proxy-7")
                .insert_header("opc-request-id", "opc-1")
                .insert_header("retry-after", "7")
                .set_body_string(body),
        )
        .await;
        assert_eq!(api.service(), "OAC");
        assert_eq!(api.operation(), "reload_dataset");
        assert_eq!(api.method(), Method::POST);
        assert_eq!(api.path(), "/api/20210901/datasets/sales/reload", "no query");
        assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(api.headers().get("retry-after").map(|v| v.as_bytes()), Some(&b"7"[..]));
        assert_eq!(
            api.request_id(),
            Some("opc-1"),
            "opc-request-id is preferred to X-Request-ID"
        );
        assert_eq!(api.retry_after(), Some(Duration::from_secs(7)));
        assert!(!api.body_truncated());
        assert_eq!(api.body_error(), None);
        let document: Option<serde_json::Value> = api.body_as();
        assert_eq!(document.as_ref().and_then(|d| d["message"].as_str()), Some("Slow down"));
        assert_eq!(api.body_as::<Vec<u8>>(), None, "not that document");

        let error = Error::Api(Box::new(api));
        assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(
            error.service_error().and_then(|e| e.code.as_deref()),
            Some("TooManyRequests")
        );
        assert_eq!(error.body().map(|b| &b[..]), Some(body.as_bytes()));
        assert!(error.is_retryable());
        assert_eq!(
            error.to_string(),
            "OAC 429 TooManyRequests: Slow down (reload_dataset POST /api/20210901/datasets/sales/reload) [request id opc-1]"
        );
    }

    #[tokio::test]
    async fn a_huge_error_page_is_cut_at_a_mebibyte_and_says_so() {
        let api = received(wiremock::ResponseTemplate::new(502).set_body_string("x".repeat(3 << 20))).await;
        assert!(api.body_truncated());
        assert_eq!(api.body().len(), 1 << 20);
        assert_eq!(api.status(), StatusCode::BAD_GATEWAY);
    }

    #[test]
    fn debug_shows_the_reply_but_not_its_headers() {
        let mut e = api(503, None, "busy");
        e.headers
            .insert(http::header::SET_COOKIE, "session=s3cr3t".parse().expect("valid"));
        let shown = format!("{e:?}");
        assert!(shown.contains("503") && shown.contains("cancel_request"), "{shown}");
        assert!(shown.contains("busy"), "{shown}");
        assert!(
            !shown.contains("s3cr3t"),
            "a proxy may echo cookies in headers: {shown}"
        );
    }

    #[test]
    fn a_wait_whose_polling_failed_tells_the_reply_that_ended_it() {
        let error = Error::from(crate::wait::WaitError::PollFailed {
            target: "ESS request 42".to_owned(),
            polls: 3,
            source: test_http_error(404, None),
        });
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(error.api().map(ApiError::operation), Some("get_status"));
        assert!(
            !error.is_retryable(),
            "the wait is over; polling again is the caller's choice"
        );
        let timed_out = Error::from(crate::wait::WaitError::TimedOut {
            target: "ESS request 42".to_owned(),
            last_state: None,
            elapsed: Duration::from_secs(60),
            polls: 5,
        });
        assert_eq!(timed_out.status(), None);
        assert!(timed_out.api().is_none());
    }

    #[test]
    fn an_unreadable_success_body_keeps_its_reply_and_is_not_retried() {
        let mut reply = api(200, None, "<html>maintenance</html>");
        reply.body_error = Some("expected value at line 1 column 1".to_owned());
        let error = Error::InvalidBody(Box::new(reply));
        assert_eq!(error.status(), Some(StatusCode::OK));
        assert_eq!(error.body().map(|b| &b[..]), Some(&b"<html>maintenance</html>"[..]));
        assert_eq!(
            error.api().and_then(ApiError::body_error),
            Some("expected value at line 1 column 1")
        );
        assert!(!error.is_retryable());
        assert_eq!(Error::InvalidRequest("no id".to_owned()).body(), None);
    }
}
