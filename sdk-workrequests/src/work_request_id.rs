//! The id of a work request, as the `oa-work-request-id` header of a `202 Accepted` reply carries it.

use std::fmt;

use http::{HeaderMap, StatusCode};
use progenitor_client::ResponseValue;

/// The response header in which Oracle Analytics returns the id of the work request an operation started.
pub const OA_WORK_REQUEST_ID: &str = "oa-work-request-id";

/// The id of a work request, e.g. `bidr-1E309E468A4518E149438E31294EB54`.
///
/// It is opaque (it may contain `-` and Base64URL characters and is not a UUID) and is passed back to the server
/// exactly as received: to [`Client::get_work_request`](crate::Client::get_work_request) and, for a workbook
/// export, as the export id of [`Client::download_workbook_export`](crate::Client::download_workbook_export).
/// A reference converts into the `String` those builders take:
///
/// ```no_run
/// # async fn demo(client: sdk_workrequests::Client, id: sdk_workrequests::WorkRequestId) -> Result<(), sdk_workrequests::Error> {
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

    /// Reads the `oa-work-request-id` header of a reply with status `status` to `operation`.
    pub fn from_headers(
        headers: &HeaderMap,
        status: StatusCode,
        operation: Option<&'static str>,
    ) -> Result<Self, WorkRequestIdError> {
        let value = headers
            .get(OA_WORK_REQUEST_ID)
            .ok_or(WorkRequestIdError::Missing { operation, status })?;
        let text = value.to_str().map_err(|_| WorkRequestIdError::Unusable {
            operation,
            status,
            problem: "it is not visible ASCII text",
        })?;
        let id = text.trim();
        if id.is_empty() {
            return Err(WorkRequestIdError::Unusable {
                operation,
                status,
                problem: "it is empty",
            });
        }
        Ok(Self(id.to_owned()))
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

/// The path parameter form: the id unchanged.
impl From<WorkRequestId> for String {
    fn from(id: WorkRequestId) -> Self {
        id.0
    }
}

/// The path parameter form: the id unchanged.
impl From<&WorkRequestId> for String {
    fn from(id: &WorkRequestId) -> Self {
        id.0.clone()
    }
}

/// A success reply that does not say which work request it started.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WorkRequestIdError {
    /// The reply has no `oa-work-request-id` header (and, for a snapshot creation, no `workRequestId` in its body).
    #[error(
        "{} answered {status} without an oa-work-request-id header, so the work request it started cannot be followed",
        who(.operation)
    )]
    Missing {
        /// The generated method that was called, when known (e.g. `reload_dataset`).
        operation: Option<&'static str>,
        /// The status of the reply.
        status: StatusCode,
    },
    /// The header is there but cannot be an id.
    #[error("{} answered {status} with an unusable oa-work-request-id header: {problem}", who(.operation))]
    Unusable {
        /// The generated method that was called, when known.
        operation: Option<&'static str>,
        /// The status of the reply.
        status: StatusCode,
        /// What is wrong with the header.
        problem: &'static str,
    },
}

impl WorkRequestIdError {
    /// The status of the reply that lacked the id.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Missing { status, .. } | Self::Unusable { status, .. } => *status,
        }
    }
}

fn who(operation: &Option<&'static str>) -> &'static str {
    operation.unwrap_or("the server")
}

/// Reads the work request id from the reply of an operation that starts one, for callers who use the generated
/// `send()` and keep the [`ResponseValue`] (its status and headers).
///
/// ```no_run
/// use sdk_workrequests::{ObjectId, WorkRequestIdExt};
///
/// # async fn demo(client: sdk_workrequests::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let reply = client
///     .reload_dataset()
///     .dataset_id(ObjectId::owner_name("admin", "Sales"))
///     .send()
///     .await
///     .map_err(sdk_workrequests::Error::from)?;
/// let id = reply.work_request_id()?;
/// # Ok(()) }
/// ```
pub trait WorkRequestIdExt {
    /// The `oa-work-request-id` header, or an error saying that the reply lacks it.
    fn work_request_id(&self) -> Result<WorkRequestId, WorkRequestIdError>;
}

impl<T> WorkRequestIdExt for ResponseValue<T> {
    fn work_request_id(&self) -> Result<WorkRequestId, WorkRequestIdError> {
        WorkRequestId::from_headers(self.headers(), self.status(), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

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
            HeaderValue::from_static(" bidr-1E309E468A4518E149438E31294EB54 "),
        );
        let id = WorkRequestId::from_headers(&map, StatusCode::ACCEPTED, Some("reload_dataset")).expect("id");
        assert_eq!(id.as_str(), "bidr-1E309E468A4518E149438E31294EB54");
        assert_eq!(id.to_string(), "bidr-1E309E468A4518E149438E31294EB54");
        assert_eq!(String::from(&id), "bidr-1E309E468A4518E149438E31294EB54");
    }

    #[test]
    fn missing_header_is_a_clear_error() {
        let err = WorkRequestId::from_headers(&headers(None), StatusCode::ACCEPTED, Some("run_sequence"))
            .expect_err("no header");
        assert_eq!(
            err.to_string(),
            "run_sequence answered 202 Accepted without an oa-work-request-id header, so the work request it started cannot be followed"
        );
        assert_eq!(err.status(), StatusCode::ACCEPTED);
    }

    #[test]
    fn empty_or_binary_headers_are_unusable() {
        for value in [&b"  "[..], &b"\xffid"[..]] {
            let err =
                WorkRequestId::from_headers(&headers(Some(value)), StatusCode::ACCEPTED, None).expect_err("unusable");
            assert!(matches!(err, WorkRequestIdError::Unusable { .. }), "{err}");
            assert!(err.to_string().starts_with("the server answered 202 Accepted"), "{err}");
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
