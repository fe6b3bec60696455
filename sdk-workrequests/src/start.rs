//! `start()`: send an operation that starts a work request and return the id of that work request.

use futures::StreamExt as _;
use http::StatusCode;
use progenitor_client::{ByteStream, ResponseValue};
use sdk_runtime::{ApiError, ConfigError, Error};

use crate::generated::builder;
use crate::{WorkRequestId, WorkRequestIdError, types};

/// How much of a snapshot creation's reply body is read when looking for its `workRequestId`.
const MAX_START_BODY: usize = 64 * 1024;

/// Why starting a work request failed: the call failed, or it succeeded without saying which work request it
/// started.
///
/// It converts from the errors of the generated methods too, so one `?` type serves a whole start-and-follow
/// function.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The call failed: an error status (with Oracle's `code` and `message`), a transport failure, a token source
    /// that failed, an invalid argument.
    #[error(transparent)]
    Call(#[from] Error),
    /// The server accepted the call but sent no usable work request id.
    #[error(transparent)]
    NoWorkRequestId(#[from] WorkRequestIdError),
}

impl StartError {
    /// The HTTP status of the reply, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Call(e) => e.status(),
            Self::NoWorkRequestId(e) => Some(e.status()),
        }
    }

    /// The error reply, when the server answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Call(e) => e.api(),
            Self::NoWorkRequestId(_) => None,
        }
    }
}

impl<E> From<progenitor_client::Error<E>> for StartError {
    fn from(error: progenitor_client::Error<E>) -> Self {
        Self::Call(Error::from(error))
    }
}

impl From<ConfigError> for StartError {
    fn from(error: ConfigError) -> Self {
        Self::Call(Error::Config(error))
    }
}

fn id_of(reply: &ResponseValue<()>, operation: &'static str) -> Result<WorkRequestId, StartError> {
    Ok(WorkRequestId::from_headers(
        reply.headers(),
        reply.status(),
        Some(operation),
    )?)
}

macro_rules! header_starters {
    ($($builder:ident => $operation:literal),* $(,)?) => {
        $(
            impl builder::$builder<'_> {
                #[doc = concat!(
                    "Sends the request, like `send()`, and returns the id of the work request it started, read from ",
                    "the `oa-work-request-id` header of the `202 Accepted` reply ([`StartError::NoWorkRequestId`] ",
                    "when the reply has none)."
                )]
                pub async fn start(self) -> Result<WorkRequestId, StartError> {
                    let reply = self.send().await?;
                    id_of(&reply, $operation)
                }
            }
        )*
    };
}

header_starters! {
    ReloadDataset => "reload_dataset",
    RunDataFlow => "run_data_flow",
    RunSequence => "run_sequence",
    RestoreSnapshot => "restore_snapshot",
    CreateWorkbookExport => "create_workbook_export",
}

impl builder::CreateSnapshot<'_> {
    /// Sends the request, like `send()`, and returns the id of the work request it started.
    ///
    /// How this operation reports its work request is not documented: the id is read from the
    /// `oa-work-request-id` header when there is one, else from the `workRequestId` member of a JSON body. An
    /// empty or non-JSON body is not an error as long as the header is there.
    pub async fn start(self) -> Result<WorkRequestId, StartError> {
        let reply = self.send().await?;
        let status = reply.status();
        let header = match WorkRequestId::from_headers(reply.headers(), status, Some("create_snapshot")) {
            Ok(id) => return Ok(id),
            Err(e) => e,
        };
        let body = read_bounded(reply.into_inner()).await?;
        id_in_body(&body).ok_or(StartError::NoWorkRequestId(header))
    }
}

/// The `workRequestId` of a snapshot creation's reply body, when the body is such a JSON document.
fn id_in_body(body: &[u8]) -> Option<WorkRequestId> {
    let parsed: types::CreateSnapshotResponse = serde_json::from_slice(body).ok()?;
    let id = parsed.work_request_id?;
    let id = id.trim();
    (!id.is_empty()).then(|| WorkRequestId::new(id))
}

async fn read_bounded(stream: ByteStream) -> Result<Vec<u8>, Error> {
    let mut stream = stream.into_inner();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::Transport(e.without_url()))?;
        let room = MAX_START_BODY.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_START_BODY {
            break;
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_ids_are_read_leniently() {
        assert_eq!(
            id_in_body(br#"{"workRequestId":"snap-42","status":"ACCEPTED"}"#),
            Some(WorkRequestId::new("snap-42"))
        );
        for body in [
            &b""[..],
            b"accepted",
            b"{}",
            b"{\"workRequestId\":\"  \"}",
            b"{\"workRequestId\":7}",
            b"[]",
        ] {
            assert_eq!(id_in_body(body), None, "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn start_errors_keep_the_status() {
        let missing = StartError::from(WorkRequestIdError::Missing {
            operation: Some("run_data_flow"),
            status: StatusCode::ACCEPTED,
        });
        assert_eq!(missing.status(), Some(StatusCode::ACCEPTED));
        assert!(missing.api().is_none());
        assert!(
            missing
                .to_string()
                .starts_with("run_data_flow answered 202 Accepted without")
        );
        let invalid = StartError::from(progenitor_client::Error::<()>::InvalidRequest("no dataset id".into()));
        assert_eq!(invalid.status(), None);
        assert_eq!(invalid.to_string(), "invalid request: no dataset id");
    }
}
