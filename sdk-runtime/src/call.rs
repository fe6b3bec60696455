//! The contract between generated code and the runtime: everything a generated `send` method calls, and nothing
//! else.
//!
//! `cargo xtask generate` writes each operation's `send` from the operation in the spec, in this shape:
//!
//! ```text
//! let Self { client, request_id, .. } = self;
//! let request_id = request_id.map_err(call::invalid_argument)?;     // each argument checked once
//! let build = move || {                                              // called once per attempt
//!     let url = call::url(&client.inner, format_args!("/requests/{}", request_id))?;
//!     let mut request = client.client.get(url);
//!     if let Some(value) = fields { request = call::query(request, "fields", value); }
//!     call::build(request)
//! };
//! call::send_json(&client.inner, &client.client, &build, "get_request").await?.decode()
//! ```
//!
//! - arguments: a builder's missing or invalid argument becomes [`Error::InvalidRequest`] through
//!   [`invalid_argument`];
//! - the request: [`url()`] joins the operation's path (path parameters written through [`PathSegment`], integers as
//!   they are) to the base URL parsed once; [`query`] appends a query parameter (an optional one only when set);
//!   [`header`] adds a header argument; [`build`] finishes the request;
//! - the exchange: [`send_json`] (then [`JsonReply::decode`], or [`JsonReply::decode_in_place`] for the large
//!   structs of [`optional_members!`](crate::optional_members); for `send_unread`, [`JsonReply::unread`] or
//!   [`JsonReply::unread_in_place`], which leave the decoding to [`UnreadReply`](crate::UnreadReply)),
//!   [`send_stream`] for downloads, [`send_empty`] for replies without a body. Each takes the request as a function ([`BuildRequest`]) called once per attempt, so
//!   that no copy of a request is made ahead of a retry that most calls never need.
//!
//! Every item here is public so that generated code in another crate can reach it; none of it is meant for code
//! written by hand, which uses the generated builders. A change here is a change of the generator's output: the
//! generator (`xtask/src/send.rs`) and this module change together.

use std::fmt::Display;

use progenitor_client::{ByteStream, QueryParam, ResponseValue};
use serde::Serialize;

use crate::error::{Error, with_causes};
use crate::runtime::{Expect, Runtime};

pub use crate::runtime::BuildRequest;

pub use crate::optional_members::ReadMembers;
pub use crate::path::PathSegment;
pub use crate::reply::JsonReply;

/// The error for a missing or invalid argument of a generated builder, from the builder's message (borrowed when
/// fixed, so that a builder allocates nothing for the errors it never reports).
pub fn invalid_argument(message: impl Into<String>) -> Error {
    Error::InvalidRequest(message.into())
}

/// The URL of a call: the base URL with `path` (already encoded, starting with `/`) after its path.
///
/// Only the path is parsed; scheme, host and port are taken from the base URL as parsed when the client was built.
pub fn url(runtime: &Runtime, path: std::fmt::Arguments<'_>) -> Result<reqwest::Url, Error> {
    let base = &runtime.shared.base;
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

/// Appends the query parameter `name=value`, encoded as progenitor encodes query parameters (a sequence value is
/// one `name=item` per item). Generated code calls it for an optional parameter only when it has a value.
pub fn query<T: Serialize + ?Sized>(
    request: reqwest::RequestBuilder,
    name: &str,
    value: &T,
) -> reqwest::RequestBuilder {
    request.query(&QueryParam::new(name, &value))
}

/// Adds the header argument `name: value` (such as GoldenGate's `X-ID-TENANT-NAME`); a value that cannot be an
/// HTTP header is an [`Error::InvalidRequest`].
pub fn header(
    request: reqwest::RequestBuilder,
    name: &'static str,
    value: &(impl Display + ?Sized),
) -> Result<reqwest::RequestBuilder, Error> {
    let value = http::HeaderValue::try_from(value.to_string())?;
    Ok(request.header(name, value))
}

/// Finishes a request; one that cannot be built (a body that cannot be serialised, an invalid URL) is an
/// [`Error::InvalidRequest`].
pub fn build(request: reqwest::RequestBuilder) -> Result<reqwest::Request, Error> {
    request
        .build()
        .map_err(|error| Error::InvalidRequest(format!("the request could not be built: {}", with_causes(&error))))
}

/// Sends a call and reads its success body whole; [`JsonReply::decode`] then decodes it, once, as the operation's
/// documented type.
///
/// `build` makes the call's request; it is called once per attempt. The exchange is not generic (one copy of it
/// serves every operation); only the decoding is, and it runs in the generated `send` itself, so that the decoded
/// value is returned from where it is made rather than copied out of one more future.
///
/// The exchange is boxed: its kilobyte of state is then allocated once (the same block, call after call) instead
/// of being copied into the generated `send`'s future and again wherever that future is moved. Counted by
/// callgrind's cache simulation, this saves more first-level cache misses per call than the allocation costs.
pub fn send_json<'a>(
    runtime: &'a Runtime,
    http: &'a reqwest::Client,
    build: &'a BuildRequest<'a>,
    operation: &'static str,
) -> impl Future<Output = Result<JsonReply, Error>> + Send + 'a {
    Box::pin(runtime.exchange(http, build, operation, Expect::Json))
}

/// Sends a call whose success reply is a byte stream (a download), handed over unread. A success status that is
/// not among `documented` is an error (a proxy's `200` page where a download was expected).
pub async fn send_stream(
    runtime: &Runtime,
    http: &reqwest::Client,
    build: &BuildRequest<'_>,
    operation: &'static str,
    documented: &[u16],
) -> Result<ResponseValue<ByteStream>, Error> {
    let reply = runtime
        .exchange(http, build, operation, Expect::Statuses(documented))
        .await?;
    Ok(ResponseValue::stream(reply.response))
}

/// Sends a call whose success reply has no body (its headers may matter). A success status that is not among
/// `documented` is an error that keeps the body (a proxy's `200` page where `204` was expected).
pub async fn send_empty(
    runtime: &Runtime,
    http: &reqwest::Client,
    build: &BuildRequest<'_>,
    operation: &'static str,
    documented: &[u16],
) -> Result<ResponseValue<()>, Error> {
    let reply = runtime
        .exchange(http, build, operation, Expect::Statuses(documented))
        .await?;
    Ok(ResponseValue::empty(reply.response))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime(base: &str) -> Runtime {
        Runtime {
            shared: std::sync::Arc::new(crate::runtime::Shared {
                service: crate::runtime::Service::new("TEST", |_| None),
                auth: None,
                fixed_authorization: None,
                total_timeout: None,
                base: reqwest::Url::parse(base).expect("a valid base URL"),
                budget: None,
            }),
            retry: std::sync::Arc::new(crate::retry::RetryPolicy::default()),
        }
    }

    #[test]
    fn the_path_follows_the_base_path_whatever_its_trailing_slash() {
        for base in [
            "https://h:8443/ess/rest/scheduler/v1",
            "https://h:8443/ess/rest/scheduler/v1/",
        ] {
            let runtime = runtime(base);
            let id = 42_i64;
            let url = url(&runtime, format_args!("/requests/{}", id)).expect("a URL");
            assert_eq!(url.as_str(), "https://h:8443/ess/rest/scheduler/v1/requests/42");
            // The spec's root path calls the base URL itself.
            let root = url_of(&runtime, "/");
            assert_eq!(root, "https://h:8443/ess/rest/scheduler/v1");
        }
    }

    fn url_of(runtime: &Runtime, path: &str) -> String {
        url(runtime, format_args!("{path}")).expect("a URL").to_string()
    }

    #[test]
    fn path_segments_are_encoded_in_place() {
        let runtime = runtime("https://h/api/");
        let id = "a/b;c";
        let url = url(&runtime, format_args!("/workRequests/{}", PathSegment(id))).expect("a URL");
        assert_eq!(url.path(), "/api/workRequests/a%2Fb%3Bc");
    }

    #[test]
    fn queries_and_headers_are_added_as_given() {
        let http = reqwest::Client::new();
        let request = http.get("https://h/requests");
        let request = query(request, "fields", "requestId,state");
        let request = query(request, "pageIndex", &2_i32);
        let request = header(request, "X-ID-TENANT-NAME", "tenant").expect("a valid header");
        let request = build(request).expect("a request");
        assert_eq!(request.url().query(), Some("fields=requestId%2Cstate&pageIndex=2"));
        assert_eq!(request.headers()["X-ID-TENANT-NAME"], "tenant");
    }

    #[test]
    fn a_header_that_cannot_be_sent_is_an_invalid_request() {
        let request = reqwest::Client::new().get("https://h/requests");
        let error = header(request, "X-ID-TENANT-NAME", "line\nbreak").expect_err("not a header value");
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    }

    #[test]
    fn argument_errors_keep_the_builders_message() {
        let error = invalid_argument(std::borrow::Cow::Borrowed("request_id was not initialized"));
        assert!(
            matches!(&error, Error::InvalidRequest(message) if message == "request_id was not initialized"),
            "{error:?}"
        );
    }
}
