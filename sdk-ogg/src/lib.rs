//! Typed async client for the background requests of the Oracle GoldenGate Microservices REST API,
//! `/services/{version}/requests`: list the requests a service runs in the background, poll one until its
//! `progress` is terminal, then read the replayed result of the original call.
//!
//! The client is generated from `specs/ogg.yaml` by `cargo xtask generate` (the code is in the `generated`
//! module and is never edited by hand); this crate wires it to the shared runtime (`sdk-runtime`): base URL,
//! credentials, retries, tracing and one [`Error`] type. The hand-written part adds what the generated types cannot
//! say:
//!
//! - [`Envelope`]: the links and messages of the standard response envelope around every reply, and the background
//!   request id taken from the links ([`Envelope::request_id`]; the status document has no id of its own);
//! - [`RequestProgress::is_terminal`](types::RequestProgress::is_terminal) and
//!   [`Request::is_finished`](types::Request::is_finished), for polling by hand, and [`Client::wait_for_request`],
//!   which polls with the runtime's engine under a bounded [`WaitPolicy`](wait::WaitPolicy) ([`wait`]);
//! - [`RequestResult::decode_body`](types::RequestResult::decode_body): the original reply's body decoded into the
//!   type the caller names, with a [`BodyError`] saying why when it is a string or of another shape;
//! - GoldenGate's error messages (severity `ERROR`, codes `OGG-nnnnn`) in the [`Error`] value: its
//!   [`service_error`](Error::service_error) and `Display` show the first one, [`OggErrorExt`] gives them all.
//!
//! Timestamps (`startTime`, `endTime`, `issued`) are [`Timestamp`]s: every form Oracle's pattern allows (a space or
//! a lower-case `t` between date and time, lower-case `z`, up to six fractional digits, second 60) parses, and the
//! raw text is kept. Enums (`progress`, `rel`, `severity`) accept values Oracle adds later as `Unknown(...)`.
//!
//! # Example
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use sdk_ogg::types::{ApiVersion, StandardResponse};
//! use sdk_ogg::wait::{Outcome, WaitPolicy};
//! use sdk_ogg::{Client, Envelope};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), sdk_ogg::Error> {
//!     // One GoldenGate service (here the Administration Service); the base URL is taken whole, so a reverse
//!     // proxy's prefix (https://ogg.example.com/adminsrvr) works too.
//!     let client = Client::builder("https://ogg.example.com:9012")
//!         .basic_auth("oggadmin", std::env::var("OGG_PASSWORD").unwrap_or_default())
//!         .build()?;
//!
//!     // List the background requests (the Administrator role is needed).
//!     let list = client.list_requests().version(ApiVersion::V2).send().await?.into_inner();
//!     let Some(&id) = list.request_ids().first() else { return Ok(()) };
//!
//!     // One look at its status. The document has no id of its own: the envelope's links carry it.
//!     let status = client.get_request().version(ApiVersion::V2).request(id).send().await?.into_inner();
//!     if let Some(request) = &status.response {
//!         let terminal = request.progress.is_terminal();
//!         println!("request {:?}: {}, terminal: {terminal}", status.request_id(), request.progress);
//!     }
//!
//!     // Poll until its progress is terminal (succeeded, failed or aborted), for at most ten minutes.
//!     let policy = WaitPolicy::default().max_wait(Duration::from_secs(600));
//!     match client.wait_for_request(id).with_policy(policy).wait().await {
//!         Outcome::Succeeded(status) => {
//!             let original_status = status.response.and_then(|r| r.request_status_code());
//!             println!("request {id} succeeded; the original call answered {original_status:?}");
//!         }
//!         other => {
//!             eprintln!("request {id} did not succeed: {other:?}");
//!             return Ok(());
//!         }
//!     }
//!
//!     // Read the replayed result and decode its body as the original call's reply.
//!     let result = client.get_request_result().version(ApiVersion::V2).request(id).send().await?.into_inner();
//!     match result.decode_body::<StandardResponse>() {
//!         Ok(original) => println!("original reply: {:?}", original.response),
//!         Err(e) => eprintln!("{e}"), // the body is a string, absent, or of another shape
//!     }
//!
//!     // GoldenGate's errors (messages of severity ERROR) are in the error value, with their OGG-nnnnn code.
//!     if let Err(e) = client.get_request().version(ApiVersion::V2).request(1).send().await {
//!         let e = sdk_ogg::Error::from(e);
//!         eprintln!("{e}"); // OGG 404 OGG-nnnnn: <title> (get_request GET /services/v2/requests/1)
//!         if let Some(error) = e.service_error() {
//!             eprintln!("GoldenGate says {:?}: {:?}", error.code, error.message);
//!         }
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Every generated method returns progenitor's error type; `?` (or `sdk_ogg::Error::from`) turns it into
//! [`Error`], which carries what the server said.

mod envelope;
mod errors;
mod generated;
mod progress;
mod request_id;
mod result;
pub mod wait;

pub use envelope::Envelope;
pub use errors::{OggErrorExt, service_error};
pub use generated::*;
pub use request_id::{request_id_from_href, request_id_from_links};
pub use result::BodyError;
pub use sdk_runtime::{ApiError, Auth, ConfigError, Error, RetryPolicy, Secret, ServiceError, Timestamp, TokenSource};

/// The GoldenGate service as the runtime sees it: its name in errors and traces (`OGG`), and its error-body parser,
/// which reads the standard response envelope's messages of severity `ERROR`.
pub const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("OGG", errors::parse_error)
    .with_success_body_check(generated::check_success_body, generated::OPERATIONS_WITH_JSON_REPLIES);

sdk_runtime::wire_client!(Client, SERVICE);
