//! Typed async client for Oracle Analytics work requests (`/api/20210901/workRequests/{id}`) and the operations
//! that start them: dataset reload, data-flow run, sequence run, snapshot creation and restore, workbook export.
//!
//! Oracle Analytics (Cloud and Server) answers these long operations with `202 Accepted` and an
//! `oa-work-request-id` header; the caller then follows `GET /workRequests/{id}` until the work request is
//! `SUCCEEDED`, `FAILED` or `CANCELED`. The client is generated from `specs/workrequests.yaml` by
//! `cargo xtask generate` (the `generated` module, never edited by hand); this crate adds:
//!
//! - `start()` on every operation that starts a work request, returning its [`WorkRequestId`] (or a
//!   [`StartError`] that says the reply had no `oa-work-request-id`), and [`WorkRequestIdExt`] for callers who
//!   keep the reply of `send()`;
//! - [`ObjectId`], which Base64URL-encodes catalog object ids such as `'owner'.'name'` for the URL path;
//! - [`types::WorkRequest::reported_errors`], which reads the errors list whether the server spells it `Errors`
//!   or `errors`, and [`types::WorkRequestStatus::is_final`];
//! - the shared runtime (`sdk-runtime`): base URL taken whole, bearer tokens or a refreshable [`TokenSource`],
//!   retries, tracing, and one [`Error`] type whose `Display` shows the status and Oracle's `code` and `message`
//!   ([`OacErrorExt`] gives the typed `Error {code, message}` document).
//!
//! Work request bodies are read leniently: unknown statuses, operation types and resource types become
//! `Unknown(..)` values (a data-flow run's operation type is not documented), timestamps keep their text and parse
//! both `2022-07-06T20:25:11.0+0000` and RFC 3339 ([`Timestamp`]), and members this SDK does not know are kept in
//! the `extra` map of each type.
//!
//! # Example: reload a dataset and follow its work request
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use sdk_workrequests::{Client, ObjectId, Secret, StartError, TokenError};
//!
//! /// Asks the identity domain for a fresh user-context access token (e.g. with a refresh token).
//! async fn access_token() -> Result<Secret, TokenError> {
//!     Ok(Secret::new(std::env::var("OAC_ACCESS_TOKEN")?))
//! }
//!
//! # async fn run() -> Result<(), StartError> {
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
//! // Follow the work request until it ends, for at most 30 minutes.
//! let mut work_request = client.get_work_request().id(&id).send().await?.into_inner();
//! for _ in 0..360 {
//!     if work_request.is_final() {
//!         break;
//!     }
//!     tokio::time::sleep(Duration::from_secs(5)).await;
//!     work_request = client.get_work_request().id(&id).send().await?.into_inner();
//! }
//! println!("{id}: {} ({}%)", work_request.status, work_request.percent_complete);
//! for error in work_request.reported_errors().iter() {
//!     eprintln!("{:?}: {:?}", error.code, error.message);
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
//! Every generated method returns progenitor's error type; `?` (or `sdk_workrequests::Error::from`) turns it into
//! [`Error`] or [`StartError`], which carry what the server said.

mod error_body;
mod generated;
mod object_id;
mod start;
pub mod wait;
mod work_request;
mod work_request_id;

pub use error_body::OacErrorExt;
pub use generated::*;
pub use object_id::{ObjectId, ObjectIdError};
pub use sdk_runtime::{
    ApiError, Auth, ConfigError, Error, RetryPolicy, Secret, ServiceError, Timestamp, TokenError, TokenFuture,
    TokenSource,
};
pub use start::StartError;
pub use work_request_id::{OA_WORK_REQUEST_ID, WorkRequestId, WorkRequestIdError, WorkRequestIdExt};

/// The Oracle Analytics service as the runtime sees it: its name in errors and traces (`OAC`), and its
/// error-body parser, which reads `Error {code, message}`.
pub const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("OAC", error_body::parse_error)
    .with_success_body_check(generated::check_success_body, generated::OPERATIONS_WITH_JSON_REPLIES);

sdk_runtime::wire_client!(Client, SERVICE);
