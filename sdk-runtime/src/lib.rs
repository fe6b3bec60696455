//! The hand-written layer shared by the Oracle job SDK crates (`sdk-ess`, `sdk-ogg`, `sdk-workrequests`).
//!
//! The SDK crates are generated from OpenAPI files by progenitor; what generated code cannot do lives here, once:
//!
//! - [`ClientBuilder`]: base URL taken whole, credentials ([`Auth`]: basic, bearer, refreshable [`TokenSource`]),
//!   timeouts, and a refusal to send credentials over plain `http://` to a remote host; the network a deployment
//!   needs: extra CA certificates (a self-signed GoldenGate, a company CA), a client certificate, a proxy, or a
//!   `reqwest::Client` of the caller's own;
//! - [`TransportError`]: a network failure named in words (certificate not trusted, connection refused, DNS, proxy,
//!   timeout), retried only when a second try can succeed;
//! - [`call`]: the one contract between generated code and the runtime, and [`Runtime`], the state behind it: the
//!   one path every generated call takes, with `Authorization`, retries of transient failures under a
//!   [`RetryPolicy`] that never repeats a POST unless asked, `Retry-After`, one tracing span per call, the success
//!   body decoded once into its documented type, and error bodies captured;
//! - [`Error`]: the error every generated call returns, with the HTTP status, the service's code and message, the
//!   call, the request id and the raw body;
//! - [`open_enum!`]: enums that accept values Oracle adds later, and [`Timestamp`]: date-times as Oracle really
//!   writes them; [`optional_members!`]: the decoding of large reply structs, members written straight into place;
//! - [`Secret`]: passwords and tokens that never print;
//! - [`RequestBudget`]: a rate with a burst that every call, waiter and wait set of a client and its clones draws
//!   from, lowered when the server refuses (`429`, `503`) and paused for its `Retry-After`, as AWS's adaptive
//!   retry mode does; none by default;
//! - [`wait`]: the polling engine behind every service's waiter (one line: `until_success().await?`; every outcome;
//!   a progress stream), and wait sets that follow thousands of jobs from one scheduler, in batches where the
//!   service has a batch query.
//!
//! # Example
//!
//! Every SDK crate wires its generated `Client` to this runtime with [`wire_client!`], so a user of `sdk-ess`
//! only meets the builder and [`Error`]. The runtime's own types are the same in the three crates:
//!
//! ```
//! use std::time::Duration;
//!
//! use sdk_runtime::{RetryPolicy, Secret, Timestamp};
//!
//! // Passwords and tokens never print.
//! let password = Secret::from("s3cret");
//! assert!(!format!("{password:?}").contains("s3cret"));
//!
//! // Timestamps as Oracle writes them (`+0000`, no `T`, six-digit fractions) keep their text and read as UTC.
//! let submitted: Timestamp = "2024-03-05 10:15:00.123456+0000".parse().unwrap_or_else(|never| match never {});
//! assert_eq!(submitted.to_string(), "2024-03-05 10:15:00.123456+0000");
//! assert!(submitted.to_datetime().is_some());
//!
//! // Retries: at most 5 attempts within 30 s; a POST is still never repeated unless asked for.
//! let policy = RetryPolicy::default().max_attempts(5).budget(Duration::from_secs(30));
//! assert_eq!(policy.attempt_limit(), 5);
//! // Then, with a service crate: `sdk_ess::Client::builder(url).retry_policy(policy).build()?`.
//! ```

mod auth;
mod budget;
pub mod call;
mod config;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod open_enum;
mod optional_members;
mod path;
mod reply;
pub mod retry;
mod runtime;
mod secret;
mod timestamp;
mod transport;
mod unread;
pub mod wait;

pub use auth::{Auth, CachedTokenSource, TokenError, TokenFuture, TokenSource};
pub use budget::RequestBudget;
pub use config::{ClientBuilder, ConfigError, ServiceClient, parse_base_url};
pub use error::{ApiError, Error, ServiceError};
pub use retry::RetryPolicy;
pub use runtime::{Runtime, Service};
pub use secret::Secret;
pub use timestamp::Timestamp;
pub use transport::{TransportError, TransportErrorKind};
pub use unread::UnreadReply;

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

/// Declares a service crate's error-document trait: the one way, the same in every crate, to read the service's own
/// typed error document from an error.
///
/// Each crate names its trait and method after its service (`sdk_ess::EssErrorDocument::ess_error_document`,
/// `sdk_ogg::OggErrorDocument::ogg_error_document`, `sdk_workrequests::OacErrorDocument::oac_error_document`):
/// the three crates share one [`Error`] type, so a common name would make `error.error_document()` ambiguous in
/// a crate that uses two services. The document is only read from an error of its own service: an ESS error never
/// yields a GoldenGate envelope.
///
/// `$document` is the generated type; `$service` the crate's [`Service`], whose parser decides whether a body is
/// such a document at all (an HTML page from a proxy is not).
#[macro_export]
macro_rules! error_document_ext {
    ($(#[$meta:meta])* $trait_name:ident :: $method:ident -> $document:ty, $service:expr) => {
        $(#[$meta])*
        pub trait $trait_name {
            /// The error document the server sent, when the error came from this crate's service and its body is
            /// one (not for an HTML page from a proxy, an empty body, a success reply with a broken body, or an
            /// error of another service).
            fn $method(&self) -> ::std::option::Option<$document>;
        }

        impl $trait_name for $crate::ApiError {
            fn $method(&self) -> ::std::option::Option<$document> {
                let service: $crate::Service = $service;
                if self.service() != service.name || self.body_error().is_some() {
                    return ::std::option::Option::None;
                }
                (service.parse_error)(self.body())?;
                self.body_as()
            }
        }

        impl $trait_name for $crate::Error {
            fn $method(&self) -> ::std::option::Option<$document> {
                self.api()?.$method()
            }
        }
    };
}
