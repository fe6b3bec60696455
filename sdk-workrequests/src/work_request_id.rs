//! The id of a work request, as the `202 Accepted` reply of the operation that started it carries it.

use std::fmt;

use http::HeaderMap;
use progenitor_client::ResponseValue;

use crate::types::CreateSnapshotResponse;

/// The response header in which Oracle Analytics returns the id of the work request an operation started.
pub const OA_WORK_REQUEST_ID: &str = "oa-work-request-id";

/// The id of a work request, e.g. `bidr-1E309E468A4518E149438E31294EB54` or, from a real server,
/// `lfc-cc:13347-c9:3962654`.
///
/// It is opaque (it may contain `-`, `:` and Base64URL characters and is not a UUID) and is passed back to the
/// server exactly as received: to [`Client::get_work_request`](crate::Client::get_work_request) and, for a
/// workbook export, as the export id of
/// [`Client::download_workbook_export`](crate::Client::download_workbook_export). The generated builders
/// percent-encode it as one path segment, so the server decodes it to the same text. A reference converts into
/// the `String` those builders take:
///
/// ```no_run
/// # async fn demo(client: sdk_workrequests::Client) -> Result<(), sdk_workrequests::Error> {
/// let id = sdk_workrequests::WorkRequestId::new("lfc-cc:13347-c9:3962654");
/// let work_request = client.get_work_request().id(&id).send().await?.into_inner();
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct WorkRequestId(String);

impl WorkRequestId {
    /// Wraps an id obtained some other way (a log line, a stored job record).
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id in an `oa-work-request-id` header (its name in any letter case), white space around it removed;
    /// `None` when there is no such header, or it is empty or not visible ASCII text.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let text = headers.get(OA_WORK_REQUEST_ID)?.to_str().ok()?.trim();
        (!text.is_empty()).then(|| Self(text.to_owned()))
    }

    /// The `workRequestId` member of a snapshot creation's reply, white space around it removed; `None` when the
    /// member is absent, null or blank.
    pub fn from_body(body: &CreateSnapshotResponse) -> Option<Self> {
        let text = body.work_request_id.as_deref()?.trim();
        (!text.is_empty()).then(|| Self(text.to_owned()))
    }
}

impl fmt::Display for WorkRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for WorkRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WorkRequestId({:?})", self.0)
    }
}

impl From<String> for WorkRequestId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&str> for WorkRequestId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

/// The path parameter form: the id unchanged (the generated code percent-encodes it), unless it cannot be sent as
/// one path segment (see [`WorkRequestIdError`]).
impl TryFrom<&WorkRequestId> for String {
    type Error = WorkRequestIdError;

    fn try_from(id: &WorkRequestId) -> Result<Self, WorkRequestIdError> {
        let reason = if id.0.is_empty() {
            Some("it is empty")
        } else if id.0 == "." || id.0 == ".." {
            Some("a URL path segment `.` or `..` is removed by URL normalisation")
        } else if id.0.contains('\\') {
            Some("a `\\` in a URL path is read as `/`")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(WorkRequestIdError {
                id: id.0.clone(),
                reason,
            }),
            None => Ok(id.0.clone()),
        }
    }
}

/// The path parameter form (see `TryFrom<&WorkRequestId>`).
impl TryFrom<WorkRequestId> for String {
    type Error = WorkRequestIdError;

    fn try_from(id: WorkRequestId) -> Result<Self, WorkRequestIdError> {
        Self::try_from(&id)
    }
}

/// A work request id that cannot be placed in a URL path as one segment: empty, `.` or `..`, or containing `\`.
/// Sent as it is, it would reach another resource than the work request (`GET .../workRequests/..` is a `GET` of
/// the base URL), so the builders refuse it: the call fails with [`Error::InvalidRequest`](crate::Error) before
/// anything is sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("work request id {id:?} cannot be sent as one URL path segment: {reason}")]
pub struct WorkRequestIdError {
    id: String,
    reason: &'static str,
}

/// Reads the work request id from the reply of an operation that starts one, for callers who use the generated
/// `send()` and keep the [`ResponseValue`] (its status and headers). `start()` does the same and turns a reply
/// without an id into an error.
///
/// ```no_run
/// use sdk_workrequests::{ObjectId, WorkRequestIdExt};
///
/// # async fn demo(client: sdk_workrequests::Client) -> Result<(), sdk_workrequests::Error> {
/// let reply = client
///     .reload_dataset()
///     .dataset_id(ObjectId::owner_name("admin", "Sales"))
///     .send()
///     .await?;
/// if let Some(id) = reply.work_request_id() {
///     println!("started {id}");
/// }
/// # Ok(()) }
/// ```
pub trait WorkRequestIdExt {
    /// The id of the work request the call started, when the reply names one.
    fn work_request_id(&self) -> Option<WorkRequestId>;
}

/// The reply of the operations that answer with a header only: the `oa-work-request-id` header.
impl WorkRequestIdExt for ResponseValue<()> {
    fn work_request_id(&self) -> Option<WorkRequestId> {
        WorkRequestId::from_headers(self.headers())
    }
}

/// The reply of a snapshot creation: the body's `workRequestId`, else the `oa-work-request-id` header (see
/// [`CreateSnapshot::start`](crate::builder::CreateSnapshot::start)).
impl WorkRequestIdExt for ResponseValue<CreateSnapshotResponse> {
    fn work_request_id(&self) -> Option<WorkRequestId> {
        WorkRequestId::from_body(self).or_else(|| WorkRequestId::from_headers(self.headers()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderValue, StatusCode};

    fn headers(value: Option<&[u8]>) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Some(v) = value {
            map.insert(OA_WORK_REQUEST_ID, HeaderValue::from_bytes(v).expect("header value"));
        }
        map
    }

    #[test]
    fn header_is_read_whatever_its_case() {
        let mut map = HeaderMap::new();
        map.insert(
            http::HeaderName::from_bytes(b"OA-Work-Request-Id").expect("name"),
            HeaderValue::from_static(" lfc-cc:13347-c9:3962654 "),
        );
        let id = WorkRequestId::from_headers(&map).expect("id");
        assert_eq!(id.as_str(), "lfc-cc:13347-c9:3962654");
        assert_eq!(id.to_string(), "lfc-cc:13347-c9:3962654");
        assert_eq!(String::try_from(&id).as_deref(), Ok("lfc-cc:13347-c9:3962654"));
    }

    #[test]
    fn missing_empty_or_binary_headers_give_no_id() {
        for value in [None, Some(&b"  "[..]), Some(&b"\xffid"[..])] {
            assert_eq!(WorkRequestId::from_headers(&headers(value)), None, "{value:?}");
        }
    }

    #[test]
    fn a_snapshot_reply_is_read_body_first() {
        let body = |v: serde_json::Value| serde_json::from_value::<CreateSnapshotResponse>(v).expect("lenient");
        let both = ResponseValue::new(
            body(serde_json::json!({"workRequestId": "from-body"})),
            StatusCode::ACCEPTED,
            headers(Some(b"from-header")),
        );
        assert_eq!(both.work_request_id(), Some(WorkRequestId::new("from-body")));
        let header_only = ResponseValue::new(
            body(serde_json::json!({"workRequestId": " "})),
            StatusCode::ACCEPTED,
            headers(Some(b"from-header")),
        );
        assert_eq!(header_only.work_request_id(), Some(WorkRequestId::new("from-header")));
        let neither = ResponseValue::new(body(serde_json::json!({})), StatusCode::ACCEPTED, headers(None));
        assert_eq!(neither.work_request_id(), None);
        let empty = ResponseValue::new((), StatusCode::ACCEPTED, headers(None));
        assert_eq!(empty.work_request_id(), None);
    }

    #[test]
    fn ids_that_would_reach_another_resource_are_refused() {
        for id in ["", ".", "..", "a\\b", "..\\..\\x"] {
            let error = String::try_from(WorkRequestId::new(id)).expect_err(id);
            assert!(
                error.to_string().contains("cannot be sent as one URL path segment"),
                "{error}"
            );
        }
        for id in ["...", ".a", "a:b", "a/b", "a%2e", "%2e%2e", "a;b"] {
            assert_eq!(String::try_from(WorkRequestId::new(id)).as_deref(), Ok(id));
        }
    }

    #[test]
    fn serialises_as_a_plain_string() {
        let id = WorkRequestId::new("biwj-J2NwOjY1OCcuJ2NlOjM4ODEn");
        assert_eq!(
            serde_json::to_string(&id).expect("serialises"),
            "\"biwj-J2NwOjY1OCcuJ2NlOjM4ODEn\""
        );
        assert_eq!(format!("{id:?}"), "WorkRequestId(\"biwj-J2NwOjY1OCcuJ2NlOjM4ODEn\")");
    }
}
