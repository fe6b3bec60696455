//! The hand-written layer shared by the Oracle job SDK crates (`sdk-ess`, `sdk-ogg`, `sdk-workrequests`).
//!
//! The SDK crates are generated from OpenAPI files by progenitor; what generated code cannot do lives here, once:
//!
//! - [`ClientBuilder`]: base URL taken whole, credentials ([`Auth`]: basic, bearer, refreshable [`TokenSource`]),
//!   timeouts, and a refusal to send credentials over plain `http://` to a remote host;
//! - [`call`]: the one contract between generated code and the runtime, and [`Runtime`], the state behind it: the
//!   one path every generated call takes, with `Authorization`, retries of transient failures under a
//!   [`RetryPolicy`] that never repeats a POST unless asked, `Retry-After`, one tracing span per call, the success
//!   body decoded once into its documented type, and error bodies captured;
//! - [`Error`]: the error every generated call returns, with the HTTP status, the service's code and message, the
//!   call, the request id and the raw body;
//! - [`open_enum!`]: enums that accept values Oracle adds later, and [`Timestamp`]: date-times as Oracle really
//!   writes them; [`optional_members!`]: the decoding of large reply structs, members written straight into place;
//! - [`Secret`]: passwords and tokens that never print;
//! - [`wait`]: the polling engine behind every service's waiter (one line: `until_success().await?`; every outcome;
//!   a progress stream), and wait sets that follow thousands of jobs from one scheduler, in batches where the
//!   service has a batch query.
//!
//! # Example
//!
//! Every SDK crate wires its generated `Client` to this runtime with [`wire_client!`]; a user only sees the
//! builder and the error type:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! # mod sdk_ess { pub type Client = (); }
//! // let client = sdk_ess::Client::builder("https://host/ess/rest/scheduler/v1")
//! //     .basic_auth("user", "password")
//! //     .build()?;
//! // let job = client.get_request().request_id(42).send().await?; // the error is sdk_runtime::Error
//! # Ok(()) }
//! ```

mod auth;
pub mod call;
mod config;
mod error;
mod open_enum;
mod optional_members;
mod path;
mod reply;
pub mod retry;
mod runtime;
mod secret;
mod timestamp;
pub mod wait;

pub use auth::{Auth, CachedTokenSource, TokenError, TokenFuture, TokenSource};
pub use config::{ClientBuilder, ConfigError, ServiceClient, parse_base_url};
pub use error::{ApiError, Error, ServiceError};
pub use retry::RetryPolicy;
pub use runtime::{Runtime, Service};
pub use secret::Secret;
pub use timestamp::Timestamp;

/// Re-exports used by the macros of this crate; not part of the public interface.
#[doc(hidden)]
pub mod __private {
    pub use crate::open_enum::OpenEnumVisitor;
    pub use reqwest;
    pub use serde;
}

/// Wires a generated `Client` (generated with `Runtime` as its inner type; its `send` methods call the runtime)
/// to the runtime: implements [`ServiceClient`] and adds `Client::builder`, `Client::runtime` and
/// `Client::with_retry_policy`.
///
/// Used once in each SDK crate's `lib.rs`: `sdk_runtime::wire_client!(Client, SERVICE);`
#[macro_export]
macro_rules! wire_client {
    ($client:ident, $service:expr) => {
        impl $crate::ServiceClient for $client {
            const SERVICE: $crate::Service = $service;

            fn from_parts(base_url: &str, http: $crate::__private::reqwest::Client, runtime: $crate::Runtime) -> Self {
                Self::new_with_client(base_url, http, runtime)
            }
        }

        impl $client {
            /// Starts building a client for the service at `base_url`, taken whole (scheme, host, port and path
            /// prefix, with or without a trailing slash).
            pub fn builder(base_url: impl ::std::convert::Into<::std::string::String>) -> $crate::ClientBuilder<Self> {
                $crate::ClientBuilder::new(base_url)
            }

            /// The runtime behind this client: service, credentials and retry policy.
            pub fn runtime(&self) -> &$crate::Runtime {
                &self.inner
            }

            /// A client that shares this one's connections and credentials but retries under `policy`, e.g. to
            /// allow a retried POST for one call known to be safe to repeat.
            pub fn with_retry_policy(&self, policy: $crate::RetryPolicy) -> Self {
                Self {
                    baseurl: self.baseurl.clone(),
                    client: self.client.clone(),
                    inner: self.inner.with_retry_policy(policy),
                }
            }
        }
    };
}

/// Declares `ErrorDocumentExt` in an SDK crate: the one way, the same in every crate, to read the service's own
/// typed error document from an error (`error.error_document()`).
///
/// `$document` is the generated type; `$parse` is the crate's error-body parser (the `Service::parse_error`), which
/// decides whether a body is such a document at all (an HTML page from a proxy is not).
#[macro_export]
macro_rules! error_document_ext {
    ($document:ty, $parse:path) => {
        /// Reads the service's own typed error document from an error of this crate.
        pub trait ErrorDocumentExt {
            /// The error document the server sent, when the error body is one (not for an HTML page from a proxy,
            /// an empty body, or a success reply with a broken body).
            fn error_document(&self) -> ::std::option::Option<$document>;
        }

        impl ErrorDocumentExt for $crate::ApiError {
            fn error_document(&self) -> ::std::option::Option<$document> {
                if self.body_error().is_some() {
                    return ::std::option::Option::None;
                }
                $parse(self.body())?;
                self.body_as()
            }
        }

        impl ErrorDocumentExt for $crate::Error {
            fn error_document(&self) -> ::std::option::Option<$document> {
                self.api()?.error_document()
            }
        }
    };
}
