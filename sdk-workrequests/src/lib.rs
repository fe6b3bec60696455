//! Typed async client for Oracle Analytics work requests (`/api/20210901/workRequests/{id}`) and the operations
//! that start them: dataset reload, data-flow run, sequence run, snapshot creation and restore, workbook export.
//!
//! Oracle Analytics (Cloud and Server) answers these long operations with `202 Accepted` and the id of a work
//! request (in an `oa-work-request-id` header, or for a snapshot creation in a `workRequestId` body member); the
//! caller then follows `GET /workRequests/{id}` until the work request is `SUCCEEDED`, `FAILED` or `CANCELED`.
//! The client is generated from `specs/workrequests.yaml` by `cargo xtask generate` (the `generated` module,
//! never edited by hand); this crate adds:
//!
//! - `start()` on every operation that starts a work request, returning its [`WorkRequestId`] (a success reply
//!   without one is an [`Error::InvalidBody`] that says so), and [`WorkRequestIdExt`] for callers who keep the
//!   reply of `send()`;
//! - [`Client::wait_for_work_request`]: a waiter ([`wait`]) that polls until the work request ends, as one line
//!   (`until_success()`), an [`Outcome`](wait::Outcome) or a stream of progress;
//! - [`ObjectId`], which Base64URL-encodes catalog object ids such as `'owner'.'name'` for the URL path;
//! - [`types::WorkRequest::reported_errors`], which reads the errors list whether the server spells it `Errors`
//!   or `errors`, and [`wait::Lifecycle`] (`is_terminal()`, `is_success()`) on a work request and its status;
//! - the shared runtime: base URL taken whole, bearer tokens or a refreshable [`TokenSource`], retries, tracing,
//!   and one [`Error`] type, which every call returns, whose `Display` shows the status and the server's own code
//!   and text (whether it sent Oracle's `{code, message}`, `{"servlet": ..., "message": ...}` or
//!   `{"error": ...}`); [`OacErrorDocument`] gives the typed [`types::Error`] document.
//!
//! Work request bodies are read leniently: no member is required and `null` reads as absent; unknown statuses,
//! operation types and resource types become `Unknown(..)` values (a data-flow run's operation type is not
//! documented); timestamps keep their text and parse both `2022-07-06T20:25:11.0+0000` and RFC 3339
//! ([`Timestamp`]); members this SDK does not know are kept in the `extra` map of each type.
//!
//! Work request ids are opaque and may contain `:` (`lfc-cc:13347-c9:3962654`): they are passed as received and
//! percent-encoded as one path segment.
//!
//! # Example: reload a dataset and follow its work request
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use sdk_workrequests::wait::{Lifecycle, WaitPolicy};
//! use sdk_workrequests::{Client, OacErrorDocument, ObjectId, Secret, TokenError};
//!
//! /// Asks the identity domain for a fresh user-context access token (e.g. with a refresh token).
//! async fn access_token() -> Result<Secret, TokenError> {
//!     Ok(Secret::new(std::env::var("OAC_ACCESS_TOKEN")?))
//! }
//!
//! # async fn run() -> Result<(), sdk_workrequests::Error> {
//! let client = Client::builder("https://myoac-idabcd0efghj-ia.analytics.ocp.oraclecloud.com/api/20210901")
//!     .token_source(access_token)
//!     .build()?;
//!
//! // Start the reload; the dataset's object id is Base64URL-encoded for you.
//! let id = client
//!     .reload_dataset()
//!     .dataset_id(ObjectId::owner_name("admin", "Quarterly Sales"))
//!     .start()
//!     .await?;
//!
//! // Follow the work request until it ends, for at most 30 minutes: the finished work request, or an error that
//! // says why not (FAILED with the work request's errors, CANCELED, still running at the deadline).
//! let policy = WaitPolicy::default().max_wait(Duration::from_secs(30 * 60));
//! let done = client.wait_for_work_request(&id).with_policy(policy).until_success().await?;
//! println!("{id}: {:?} ({:?}%)", done.status, done.percent_complete);
//!
//! // One look, without waiting.
//! let work_request = client.get_work_request().id(&id).send().await?.into_inner();
//! if work_request.is_terminal() && !work_request.is_success() {
//!     for error in work_request.reported_errors().iter() {
//!         eprintln!("{:?}: {:?}", error.code, error.message);
//!     }
//! }
//!
//! // Errors show the status and the server's own text; the typed document is there too.
//! if let Err(e) = client.get_work_request().id("lfc-cc:0-unknown").send().await {
//!     eprintln!("{e}"); // OAC 404 WorkRequestNotFound: ... (get_work_request GET /api/20210901/workRequests/...)
//!     if let Some(document) = e.oac_error_document() {
//!         eprintln!("code {:?}, message {:?}", document.code, document.message);
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Credentials
//!
//! Oracle Analytics takes an OAuth 2.0 access token that carries a user context (the client credentials grant
//! cannot be used), sent as `Authorization: Bearer <token>`.
//!
//! - A fixed token: `Client::builder(url).bearer_token(token)`.
//! - A token that expires while a long-running service lives: `Client::builder(url).token_source(source)`, where
//!   `source` is any `Fn() -> impl Future<Output = Result<Secret, TokenError>>` (an `async fn`, or a closure that
//!   captures your OAuth client) or a type implementing [`TokenSource`]. The client asks the source before its
//!   first call and reuses that token; when the server answers `401`, it asks the source once more and sends the
//!   call again once with the new token.
//!
//! ```
//! use std::sync::Arc;
//!
//! use sdk_workrequests::{Client, Secret, TokenError};
//!
//! /// Whatever refreshes your tokens (an IAM identity domain client, a secrets manager...).
//! struct IdentityDomain;
//!
//! impl IdentityDomain {
//!     async fn refresh(&self) -> Result<String, TokenError> {
//!         Ok("a-fresh-access-token".to_owned())
//!     }
//! }
//!
//! let identity = Arc::new(IdentityDomain);
//! let client = Client::builder("https://oac.example.com/api/20210901")
//!     .token_source(move || {
//!         let identity = identity.clone();
//!         async move { identity.refresh().await.map(Secret::new) }
//!     })
//!     .build()?;
//!
//! // Tokens are `Secret`s: Debug, Display and errors never show them.
//! assert!(!format!("{client:?}").contains("a-fresh-access-token"));
//! # Ok::<(), sdk_workrequests::ConfigError>(())
//! ```
//!
//! Every call, `start()` and `until_success()` included, returns [`Error`], so `?` works throughout a function
//! returning `sdk_workrequests::Error`.

mod error_body;
mod generated;
mod object_id;
mod start;
pub mod wait;
mod work_request;
mod work_request_id;

pub use generated::*;
pub use object_id::{ObjectId, ObjectIdError};
pub use sdk_runtime::{
    ApiError, Auth, ClientBuilder, ConfigError, Error, RequestBudget, RetryPolicy, Secret, ServiceError, Timestamp,
    TokenError, TokenSource, TransportError, TransportErrorKind, UnreadReply,
};
pub use work_request_id::{OA_WORK_REQUEST_ID, WorkRequestId, WorkRequestIdError, WorkRequestIdExt};

/// The Oracle Analytics service as the runtime sees it: its name in errors and traces (`OAC`), and its
/// error-body parser, which reads Oracle's `Error {code, message}` and the other shapes real servers send.
const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("OAC", error_body::parse_error);

sdk_runtime::wire_client!(Client, SERVICE);

sdk_runtime::error_document_ext!(
    /// Reads Oracle Analytics' own error document, `Error {code, message}`, from an error of this crate.
    OacErrorDocument::oac_error_document -> types::Error,
    SERVICE
);
