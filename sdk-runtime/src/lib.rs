//! The hand-written layer shared by the Oracle job SDK crates (`sdk-ess`, `sdk-ogg`, `sdk-workrequests`).
//!
//! The SDK crates are generated from OpenAPI files by progenitor; what generated code cannot do lives here, once:
//!
//! - [`ClientBuilder`]: base URL taken whole, credentials ([`Auth`]: basic, bearer, refreshable [`TokenSource`]),
//!   timeouts, and a refusal to send credentials over plain `http://` to a remote host;
//! - [`Runtime`]: the hooks every call goes through: `Authorization`, retries of transient failures under a
//!   [`RetryPolicy`] that never repeats a POST unless asked, `Retry-After`, one tracing span per call, and
//!   capture of error bodies;
//! - [`Error`]: one error type with the HTTP status, the service's code and message, the call, the request id and
//!   the raw body; `?` converts the generated clients' errors into it;
//! - [`open_enum!`]: enums that accept values Oracle adds later, and [`Timestamp`]: date-times as Oracle really
//!   writes them;
//! - [`Secret`]: passwords and tokens that never print;
//! - [`wait`]: the polling engine behind every service's waiter.
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
//! // let job = client.get_request().request_id(42).send().await?; // errors become sdk_runtime::Error
//! # Ok(()) }
//! ```

mod auth;
mod config;
mod error;
mod open_enum;
pub mod retry;
mod runtime;
mod secret;
mod timestamp;
pub mod wait;

pub use auth::{Auth, CachedTokenSource, TokenError, TokenFuture, TokenSource};
pub use config::{ClientBuilder, ConfigError, ServiceClient};
pub use error::{ApiError, Error, ServiceError};
pub use retry::RetryPolicy;
pub use runtime::{Runtime, Service, SuccessBodyCheck};
pub use secret::Secret;
pub use timestamp::Timestamp;

/// Re-exports used by the macros of this crate; not part of the public interface.
#[doc(hidden)]
pub mod __private {
    pub use crate::open_enum::OpenEnumVisitor;
    pub use progenitor_client;
    pub use reqwest;
    pub use serde;
}

/// Wires a progenitor-generated `Client` (generated with `Runtime` as its inner type and expected hooks) to
/// the runtime: implements [`ServiceClient`] and the client hooks, and adds `Client::builder`,
/// `Client::runtime` and `Client::with_retry_policy`.
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

        impl $crate::__private::progenitor_client::ClientHooks<$crate::Runtime> for $client {
            async fn pre<E>(
                &self,
                request: &mut $crate::__private::reqwest::Request,
                _info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), $crate::__private::progenitor_client::Error<E>> {
                self.inner
                    .prepare(request)
                    .await
                    .map_err($crate::__private::progenitor_client::Error::Custom)
            }

            async fn exec(
                &self,
                request: $crate::__private::reqwest::Request,
                info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> $crate::__private::reqwest::Result<$crate::__private::reqwest::Response> {
                self.inner.execute(&self.client, request, info).await
            }
        }
    };
}
