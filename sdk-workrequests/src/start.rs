//! `start()`: send an operation that starts a work request and return the id of that work request.
//!
//! Every `start()` returns the crate's [`Error`], so one `?` serves a whole start-and-follow function. A success
//! reply that names no work request is an [`Error::InvalidBody`]: its status, operation and headers are kept, and
//! [`ApiError::body_error`](crate::ApiError::body_error) says that no work request id was found and where it was
//! looked for.

use bytes::Bytes;
use http::Method;
use progenitor_client::ResponseValue;

use crate::generated::builder;
use crate::{Error, OA_WORK_REQUEST_ID, SERVICE, WorkRequestId};

/// The error for a success reply to `operation` (`method path`, the path as called or, when the reply no longer
/// knows it, as documented) that names no work request.
fn no_work_request_id(
    operation: &'static str,
    method: Method,
    path: String,
    reply: ResponseValue<Bytes>,
    looked_in: &str,
) -> Error {
    Error::unusable_reply(
        SERVICE.name,
        operation,
        method,
        path,
        reply,
        format!("no work request id in {looked_in}, so the work request it started cannot be followed"),
    )
}

macro_rules! header_starters {
    ($($builder:ident => $operation:literal, $path:literal;)*) => {
        $(
            impl builder::$builder<'_> {
                #[doc = concat!(
                    "Sends the request, like `send()`, and returns the id of the work request it started, read from ",
                    "the `oa-work-request-id` header of the `202 Accepted` reply.\n\n",
                    "A success reply without a usable header is an [`Error::InvalidBody`] whose `body_error` says so ",
                    "(its path is the documented `", $path, "`, under the base URL)."
                )]
                pub async fn start(self) -> Result<WorkRequestId, Error> {
                    let reply = self.send().await?;
                    WorkRequestId::from_headers(reply.headers()).ok_or_else(|| {
                        let reply = ResponseValue::new(Bytes::new(), reply.status(), reply.headers().clone());
                        no_work_request_id(
                            $operation,
                            Method::POST,
                            $path.to_owned(),
                            reply,
                            "the oa-work-request-id header",
                        )
                    })
                }
            }
        )*
    };
}

header_starters! {
    ReloadDataset => "reload_dataset", "/catalog/datasets/{datasetId}/actions/reload";
    RunDataFlow => "run_data_flow", "/catalog/dataflows/{dataflowId}/actions/run";
    RunSequence => "run_sequence", "/catalog/sequences/{sequenceId}/actions/run";
    RestoreSnapshot => "restore_snapshot", "/system/actions/restoreSnapshot";
    CreateWorkbookExport => "create_workbook_export", "/catalog/workbooks/{urlBase64WorkbookId}/exports";
}

const SNAPSHOT_PLACES: &str = "the body's workRequestId member nor in the oa-work-request-id header";

impl builder::CreateSnapshot<'_> {
    /// Sends the request, like `send()`, and returns the id of the work request it started.
    ///
    /// A real server answered `202 Accepted` with a JSON body `{"workRequestId": "..."}`; the other operations
    /// that start work requests answer with an `oa-work-request-id` header instead, and it may be there too. The
    /// id is read from the body's `workRequestId` first, as the spec documents it, else from the header:
    ///
    /// - body and header both name an id: the body's is returned (a `tracing` warning is logged if they differ);
    /// - an empty, non-JSON or otherwise unreadable body with the header: the header's id is returned;
    /// - neither: an [`Error::InvalidBody`] whose `body_error` says that no work request id was in the body nor
    ///   in the header, with the reply's status and headers, and its body as received when it could not be read
    ///   (a JSON body without the member is described in `body_error`, not kept).
    pub async fn start(self) -> Result<WorkRequestId, Error> {
        match self.send().await {
            Ok(reply) => {
                let header = WorkRequestId::from_headers(reply.headers());
                if let Some(id) = WorkRequestId::from_body(&reply) {
                    if let Some(other) = header.filter(|h| *h != id) {
                        tracing::warn!(
                            body_id = %id,
                            header_id = %other,
                            "create_snapshot: the body's workRequestId and the {OA_WORK_REQUEST_ID} header differ; using the body's"
                        );
                    }
                    return Ok(id);
                }
                if let Some(id) = header {
                    return Ok(id);
                }
                // The body was read (JSON without a usable workRequestId); the error keeps the status and headers,
                // not a copy of the body written back from what was parsed.
                let reply = ResponseValue::new(Bytes::new(), reply.status(), reply.headers().clone());
                Err(no_work_request_id(
                    "create_snapshot",
                    Method::POST,
                    "/snapshots".to_owned(),
                    reply,
                    &format!("{SNAPSHOT_PLACES} (the body is JSON whose workRequestId is absent, null or blank)"),
                ))
            }
            Err(Error::InvalidBody(api)) if api.status().is_success() => {
                if let Some(id) = WorkRequestId::from_headers(api.headers()) {
                    return Ok(id);
                }
                let why = api.body_error().unwrap_or("unreadable").to_owned();
                let reply = ResponseValue::new(api.body().clone(), api.status(), api.headers().clone());
                Err(no_work_request_id(
                    api.operation(),
                    api.method().clone(),
                    api.path().to_owned(),
                    reply,
                    &format!("{SNAPSHOT_PLACES} ({why})"),
                ))
            }
            Err(other) => Err(other),
        }
    }
}
