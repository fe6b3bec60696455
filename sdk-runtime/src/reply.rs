//! Reading a reply: a success body read whole and decoded once into the operation's documented type, or an error
//! reply captured with everything the server said.
//!
//! The exchange ([`crate::runtime`]) hands each reply here; nothing in this file sends or retries.

use std::time::SystemTime;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Method};
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, ServiceError, request_id};
use crate::optional_members::ReadMembers;
use crate::retry;
use crate::unread::UnreadReply;

/// How much of an error body is kept: enough for any Oracle error document, bounded for a runaway proxy page.
const MAX_ERROR_BODY: usize = 1024 * 1024;

/// The largest success body read: far above any Oracle status document, bounded against a runaway reply.
const MAX_SUCCESS_BODY: usize = 64 * 1024 * 1024;

/// A success reply whose body was read whole, to be decoded as the operation's documented type (or, for a call
/// whose reply is judged by its status alone, left unread in `response`).
///
/// Returned by [`send_json`](crate::call::send_json) to the generated `send` methods, which decode it where the
/// decoded value is returned.
#[derive(Debug)]
pub struct JsonReply {
    pub(crate) service: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) response: reqwest::Response,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl JsonReply {
    /// Decodes the body, once, as `T`. A body that is not JSON, or not a `T`, is an [`Error::InvalidBody`] that
    /// keeps the real status, the operation and the raw body.
    pub fn decode<T: DeserializeOwned>(self) -> Result<ResponseValue<T>, Error> {
        match parse_json::<T>(&self.body) {
            Ok(value) => Ok(ResponseValue::new(value, self.response.status(), self.headers)),
            Err(e) => Err(unreadable_success(
                self.service,
                self.operation,
                self.method,
                &self.response,
                self.headers,
                self.body,
                problem(&e),
            )),
        }
    }

    /// The reply left unread, to be decoded by [`UnreadReply::decode`] with [`JsonReply::decode`]: what a
    /// generated `send_unread` returns.
    pub fn unread<T: DeserializeOwned>(self) -> UnreadReply<T> {
        UnreadReply::new(self, Self::decode)
    }

    /// The reply left unread, to be decoded by [`UnreadReply::decode`] with [`JsonReply::decode_in_place`].
    pub fn unread_in_place<T: ReadMembers>(self) -> UnreadReply<T> {
        UnreadReply::new(self, Self::decode_in_place)
    }

    /// Decodes the body, once, straight into the reply returned: for the large structs of
    /// [`optional_members!`](crate::optional_members) (ESS's 1.6 KB `RequestDetails`), which [`JsonReply::decode`]
    /// would copy from the parser into the reply. The same errors as [`JsonReply::decode`]. Chosen by the
    /// generator for the operations that reply with such a struct.
    pub fn decode_in_place<T: ReadMembers>(self) -> Result<ResponseValue<T>, Error> {
        let mut reply = ResponseValue::new(T::default(), self.response.status(), self.headers);
        match read_json_members(&self.body, &mut *reply) {
            Ok(()) => Ok(reply),
            Err(e) => Err(unreadable_success(
                self.service,
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
pub(crate) fn problem(error: &serde_json::Error) -> String {
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
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
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
pub(crate) async fn read_success_body(response: &mut reqwest::Response) -> Result<Bytes, (Bytes, String)> {
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

/// The error of a success reply whose body cannot be read as its documented type. Not generic, so that each
/// operation's decoding code stays small.
#[cold]
pub(crate) fn unreadable_success(
    service: &'static str,
    operation: &'static str,
    method: Method,
    response: &reqwest::Response,
    headers: HeaderMap,
    body: Bytes,
    problem: String,
) -> Error {
    let status = response.status();
    tracing::warn!(
        service = service,
        operation,
        status = status.as_u16(),
        problem = %problem,
        "unreadable success reply"
    );
    let kept = body.slice(..body.len().min(MAX_ERROR_BODY));
    Error::InvalidBody(Box::new(ApiError {
        service,
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

/// Reads the body of a non-success reply (at most [`MAX_ERROR_BODY`]) and describes the reply.
pub(crate) async fn capture_error(
    service: &'static str,
    parse_error: fn(&[u8]) -> Option<ServiceError>,
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
    ApiError {
        service,
        operation,
        method,
        path,
        status,
        request_id: request_id(&headers),
        service_error: parse_error(&body),
        retry_after: retry::retry_after(&headers, SystemTime::now()),
        headers,
        body,
        body_truncated: truncated,
        body_error: None,
    }
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
