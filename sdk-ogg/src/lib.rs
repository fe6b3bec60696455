//! Typed async client for the background requests of the Oracle GoldenGate Microservices REST API,
//! `/services/v2/requests`: list the requests a service runs in the background, poll one until its `progress` is
//! terminal, then read the replayed result of the original call.
//!
//! The client is generated from `specs/ogg.yaml` by `cargo xtask generate` (the code is in the `generated`
//! module and is never edited by hand); this crate wires it to the shared runtime: base URL, credentials, retries,
//! tracing and one [`Error`] type, which every call returns. The hand-written part adds what the generated types
//! cannot say:
//!
//! - [`Address`]: where a service is reached, however GoldenGate is deployed: on the service's own port, behind
//!   Oracle's NGINX reverse proxy (by deployment and service), the Service Manager through that proxy, or OCI
//!   GoldenGate; [`Client::at`] builds the client from it (or [`Client::builder`] takes a whole base URL ending in
//!   `/services/.../v2`);
//! - [`Envelope`]: the links and messages of the standard response envelope around every reply, and the background
//!   request id taken from the links ([`Envelope::request_id`]; the status document has no id of its own), in
//!   every addressing form;
//! - [`Lifecycle`](wait::Lifecycle) for a request's progress, and [`Client::wait_for_request`], which polls with
//!   the runtime's engine under a bounded [`WaitPolicy`](wait::WaitPolicy) ([`wait`]);
//! - [`RequestResult::decode_body`](types::RequestResult::decode_body): the original reply's body decoded into the
//!   type the caller names, with a [`BodyError`] saying why when it is a string or of another shape;
//! - GoldenGate's error messages (severity `ERROR`, codes `OGG-nnnnn`) in the [`Error`] value: its
//!   [`service_error`](Error::service_error) and `Display` show the first one, [`OggErrorDocument::ogg_error_document`]
//!   gives the whole envelope.
//!
//! Timestamps (`startTime`, `endTime`, `issued`) are [`Timestamp`]s: every form Oracle's pattern allows (a space or
//! a lower-case `t` between date and time, lower-case `z`, up to six fractional digits, second 60) parses, and the
//! raw text is kept. Enums (`progress`, `rel`, `severity`) accept values Oracle adds later as `Unknown(...)`, and
//! read a value in another letter case as the documented one. Every member of a reply is optional.
//!
//! # Example
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use sdk_ogg::types::StandardResponse;
//! use sdk_ogg::wait::{Lifecycle, WaitPolicy};
//! use sdk_ogg::{Address, Client, Envelope, OggErrorDocument, Microservice};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), sdk_ogg::Error> {
//!     // The Administration Service of deployment EAST, behind Oracle's NGINX reverse proxy.
//!     // Directly on its port it would be `Address::direct("https://ogg.example.com:9012")?`.
//!     let address = Address::proxied("https://ogg.example.com", "EAST", Microservice::ADMINISTRATION)?;
//!     let client = Client::at(address)
//!         .basic_auth("oggadmin", std::env::var("OGG_PASSWORD").unwrap_or_default())
//!         .build()?;
//!
//!     // List the background requests (the Administrator role is needed).
//!     let list = client.list_requests().send().await?.into_inner();
//!     let Some(&id) = list.request_ids().first() else { return Ok(()) };
//!
//!     // One look at its status. The document has no id of its own: the envelope's links carry it.
//!     let status = client.get_request().request(id).send().await?.into_inner();
//!     if let Some(progress) = status.response.as_ref().and_then(|r| r.progress.as_ref()) {
//!         println!("request {:?}: {progress}, terminal: {}", status.request_id(), progress.is_terminal());
//!     }
//!
//!     // Poll until it ends, for at most ten minutes: its final status, or an error saying why not
//!     // (failed, aborted, timed out, polling failed).
//!     let policy = WaitPolicy::default().max_wait(Duration::from_secs(600));
//!     let done = client.wait_for_request(id).with_policy(policy).until_success().await?;
//!     let original_status = done.response.and_then(|r| r.request_status_code());
//!     println!("request {id} succeeded; the original call answered {original_status:?}");
//!
//!     // Read the replayed result and decode its body as the original call's reply.
//!     let result = client.get_request_result().request(id).send().await?.into_inner();
//!     match result.decode_body::<StandardResponse>() {
//!         Ok(original) => println!("original reply: {:?}", original.response),
//!         Err(e) => eprintln!("{e}"), // the body is a string, absent, or of another shape
//!     }
//!
//!     // GoldenGate's errors (messages of severity ERROR) are in the error value, with their OGG-nnnnn code.
//!     if let Err(e) = client.get_request().request(1).send().await {
//!         eprintln!("{e}"); // OGG 404 OGG-nnnnn: <title> (get_request GET /services/EAST/adminsrvr/v2/requests/1)
//!         if let Some(envelope) = e.ogg_error_document() {
//!             for message in envelope.messages() {
//!                 eprintln!("{:?} {:?}: {:?}", message.severity, message.code, message.title);
//!             }
//!         }
//!     }
//!     Ok(())
//! }
//! ```

mod address;
mod envelope;
mod errors;
mod generated;
mod progress;
mod request_id;
mod result;
pub mod wait;

pub use address::{Address, Microservice};
pub use envelope::Envelope;
pub use errors::service_error;
pub use generated::*;
pub use request_id::{request_id_from_href, request_id_from_links};
pub use result::BodyError;
pub use sdk_runtime::{
    ApiError, Auth, ClientBuilder, ConfigError, Error, RequestBudget, RetryPolicy, Secret, ServiceError, Timestamp,
    TokenError, TokenSource, TransportError, TransportErrorKind, UnreadReply,
};

/// The GoldenGate service as the runtime sees it: its name in errors and traces (`OGG`), and its error-body parser,
/// which reads the standard response envelope's messages of severity `ERROR`.
const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("OGG", errors::parse_error);

sdk_runtime::wire_client!(Client, SERVICE);

sdk_runtime::error_document_ext!(
    /// Reads GoldenGate's standard response envelope, with its `ERROR` messages, from an error of this crate.
    OggErrorDocument::ogg_error_document -> types::StandardResponse,
    SERVICE
);
