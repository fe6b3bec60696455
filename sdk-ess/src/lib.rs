//! Typed async client for the Oracle Enterprise Scheduler Service (ESS) REST API, `ess/rest/scheduler/v1`:
//! submit, query, get, update, delete, cancel, force-cancel, hold and release job requests, manage callbacks,
//! and report a running job's execution status back to the scheduler.
//!
//! The client is generated from `specs/ess.yaml` by `cargo xtask generate` (the code is in the `generated`
//! module and is never edited by hand); this file wires it to the shared runtime: base URL, credentials, retries,
//! tracing and one [`Error`] type, which every call returns.
//!
//! # Example
//!
//! ```no_run
//! use sdk_ess::{Client, EssErrorDocument, types};
//!
//! # async fn run() -> Result<(), sdk_ess::Error> {
//! let client = Client::builder("https://fa.example.com/ess/rest/scheduler/v1")
//!     .basic_auth("scheduler.user", "password")
//!     .build()?;
//!
//! let submitted = client
//!     .submit_request()
//!     .body(
//!         types::SubmitRequest::builder()
//!             .job_definition_id("JobDefinition://oracle/apps/ess/custom/NightlyLoad")
//!             .application(Some("EarCustomEss".to_owned())),
//!     )
//!     .send()
//!     .await?
//!     .into_inner();
//!
//! // Servers put the new id in `id`, in `requestId` or only in the `self` link; this reads any of them.
//! if let Some(id) = submitted.request_id() {
//!     // Wait for it: the finished request, or an error that says why not.
//!     let job = client.wait_for_request(id).until_success().await?;
//!     println!("request {id} ended in {:?}", job.state);
//! }
//!
//! // Errors carry the status, the ESS error code and message, and the raw body.
//! if let Err(e) = client.cancel_request().request_id(42).send().await {
//!     eprintln!("{e}"); // ESS 403 ESS-00403: Not authorized ... (cancel_request POST .../requests/42/cancel)
//!     if let Some(detail) = e.ess_error_document() {
//!         eprintln!("ESS says: {:?}", detail.title);
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Reading part of a reply
//!
//! Every operation with a JSON reply has `send_unread()` beside `send()`: the reply read, not decoded. Peek at
//! the members you need as a struct of your own, and decode the whole document only when you need it (the waiters
//! poll this way):
//!
//! ```no_run
//! use sdk_ess::types::RequestState;
//!
//! #[derive(serde::Deserialize)]
//! struct StateOnly {
//!     state: Option<RequestState>,
//! }
//!
//! # async fn run(client: sdk_ess::Client) -> Result<(), sdk_ess::Error> {
//! let reply = client.get_request().request_id(42).send_unread().await?;
//! if reply.peek::<StateOnly>()?.state == Some(RequestState::Error) {
//!     let request = reply.decode()?.into_inner();
//!     eprintln!("failed: {:?} {:?}", request.cause, request.error_warning_message);
//! }
//! # Ok(())
//! # }
//! ```

mod batch;
#[doc(hidden)]
pub mod fuzzing;
mod generated;
mod submit;
pub mod wait;

pub use generated::*;
pub use sdk_runtime::{
    ApiError, Auth, ClientBuilder, ConfigError, Error, RequestBudget, RetryPolicy, Secret, ServiceError, Timestamp,
    TokenError, TokenSource, TransportError, TransportErrorKind, UnreadReply,
};

/// The ESS service as the runtime sees it: its name in errors and traces, and its error-body parser.
const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("ESS", parse_error);

sdk_runtime::wire_client!(Client, SERVICE);

sdk_runtime::error_document_ext!(
    /// Reads ESS's own error document, `SimpleExceptionDetail`, from an error of this crate.
    EssErrorDocument::ess_error_document -> types::SimpleExceptionDetail,
    SERVICE
);

/// Reads ESS's `SimpleExceptionDetail` error body: `errorCode` is the code, `title` the message, `detail` the
/// longer text. Anything else (an HTML page from a proxy, an empty body) is not an ESS error document.
fn parse_error(body: &[u8]) -> Option<ServiceError> {
    let detail: types::SimpleExceptionDetail = serde_json::from_slice(body).ok()?;
    if detail.error_code.is_none() && detail.title.is_none() && detail.detail.is_none() {
        return None;
    }
    Some(ServiceError {
        code: detail.error_code,
        message: detail.title,
        details: detail.detail.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_exception_detail_is_read() {
        let body = br#"{"type":"https://oracle.example/ess","title":"Request ID not found","status":404,"errorCode":"ESS-00404","detail":"No request 42"}"#;
        let error = parse_error(body).expect("an ESS error document");
        assert_eq!(error.code.as_deref(), Some("ESS-00404"));
        assert_eq!(error.message.as_deref(), Some("Request ID not found"));
        assert_eq!(error.details, ["No request 42"]);
    }

    #[test]
    fn other_bodies_are_not_ess_errors() {
        for body in [
            &b"<html>Bad Gateway</html>"[..],
            b"",
            b"{}",
            b"[1,2]",
            b"{\"title\": 5}",
        ] {
            assert_eq!(parse_error(body), None, "{}", String::from_utf8_lossy(body));
        }
    }
}
