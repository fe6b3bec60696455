//! Typed async client for the Oracle Enterprise Scheduler Service (ESS) REST API, `ess/rest/scheduler/v1`:
//! submit, query, get, update, delete, cancel, force-cancel, hold and release job requests, manage callbacks,
//! and report a running job's execution status back to the scheduler.
//!
//! The client is generated from `specs/ess.yaml` by `cargo xtask generate` (the code is in the `generated`
//! module and is never edited by hand); this file wires it to the shared runtime (`sdk-runtime`): base URL,
//! credentials, retries, tracing and one [`Error`] type.
//!
//! # Example
//!
//! ```no_run
//! use sdk_ess::{Client, ExceptionDetailExt, types};
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
//! if let Some(id) = submitted.id {
//!     let job = client.get_request().request_id(id).send().await?.into_inner();
//!     println!("request {id} is {:?}", job.state);
//! }
//!
//! // Errors carry the status, the ESS error code and message, and the raw body.
//! match client.cancel_request().request_id(42).send().await {
//!     Ok(_) => {}
//!     Err(e) => {
//!         let e = sdk_ess::Error::from(e);
//!         eprintln!("{e}"); // ESS 403 ESS-00403: Not authorized ... (cancel_request POST .../requests/42/cancel)
//!         if let Some(detail) = e.exception_detail() {
//!             eprintln!("ESS says: {:?}", detail.title);
//!         }
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Every generated method returns progenitor's error type; `?` (or `sdk_ess::Error::from`) turns it into
//! [`Error`], which carries what the server said.

mod generated;
pub mod wait;

pub use generated::*;
pub use sdk_runtime::{ApiError, Auth, ConfigError, Error, RetryPolicy, Secret, ServiceError, Timestamp, TokenSource};

/// The ESS service as the runtime sees it: its name in errors and traces, and its error-body parser.
pub const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("ESS", parse_error)
    .with_success_body_check(generated::check_success_body, generated::OPERATIONS_WITH_JSON_REPLIES);

sdk_runtime::wire_client!(Client, SERVICE);

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

/// Access to ESS's typed error document on any error of this crate.
pub trait ExceptionDetailExt {
    /// The `SimpleExceptionDetail` the server sent, when the error body is one.
    fn exception_detail(&self) -> Option<types::SimpleExceptionDetail>;
}

impl ExceptionDetailExt for ApiError {
    fn exception_detail(&self) -> Option<types::SimpleExceptionDetail> {
        parse_error(self.body())?;
        self.body_as()
    }
}

impl ExceptionDetailExt for Error {
    fn exception_detail(&self) -> Option<types::SimpleExceptionDetail> {
        self.api()?.exception_detail()
    }
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
