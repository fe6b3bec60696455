//! Building a client: base URL, credentials, timeouts, retries.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::runtime::{Runtime, Shared};
use crate::{Auth, RetryPolicy, Secret, Service, TokenSource};

/// What makes a generated client: implemented for each SDK crate's `Client` by [`wire_client!`](crate::wire_client).
pub trait ServiceClient: Sized {
    /// The service this client talks to.
    const SERVICE: Service;

    /// Assembles the client from a normalised base URL, an HTTP client and the runtime.
    fn from_parts(base_url: &str, http: reqwest::Client, runtime: Runtime) -> Self;
}

/// Why a client could not be built.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `http` or `https` URL without credentials, query or fragment.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Credentials would travel in clear text to a host that is not this machine.
    #[error(
        "refusing to send credentials over plain http to {host}; use https, or call allow_insecure_http(true) if this network is trusted"
    )]
    InsecureCredentials {
        /// The host that was named.
        host: String,
    },
    /// The HTTP client could not be created (TLS backend initialisation).
    #[error("could not create the HTTP client: {0}")]
    Http(#[source] Arc<reqwest::Error>),
}

/// Configures and builds a client of one of the SDK crates.
///
/// ```
/// use std::time::Duration;
/// # sdk_runtime::open_enum! { enum Unused { A = "A" } }
/// # #[derive(Debug)] struct Client(String);
/// # impl sdk_runtime::ServiceClient for Client {
/// #     const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("DEMO", |_| None);
/// #     fn from_parts(base_url: &str, _: reqwest::Client, _: sdk_runtime::Runtime) -> Self { Client(base_url.into()) }
/// # }
/// let client: Client = sdk_runtime::ClientBuilder::new("https://example.com/ess/rest/scheduler/v1/")
///     .basic_auth("scheduler.user", "secret-password")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.0, "https://example.com/ess/rest/scheduler/v1");
/// # Ok::<(), sdk_runtime::ConfigError>(())
/// ```
#[must_use]
pub struct ClientBuilder<C> {
    base_url: String,
    auth: Option<Auth>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    allow_insecure_http: bool,
    user_agent: Option<String>,
    idle_timers: bool,
    client: PhantomData<fn() -> C>,
}

impl<C> std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retry", &self.retry)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl<C: ServiceClient> ClientBuilder<C> {
    /// Starts from the service's base URL, taken whole: scheme, host, port and path prefix, with or without a
    /// trailing slash (e.g. `https://host/ess/rest/scheduler/v1`).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            auth: None,
            connect_timeout: Some(Duration::from_secs(10)),
            timeout: Some(Duration::from_secs(60)),
            total_timeout: None,
            retry: RetryPolicy::default(),
            allow_insecure_http: false,
            user_agent: None,
            idle_timers: true,
            client: PhantomData,
        }
    }

    /// HTTP basic authentication.
    pub fn basic_auth(self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth(Auth::basic(username, password))
    }

    /// A fixed bearer token.
    pub fn bearer_token(self, token: impl Into<Secret>) -> Self {
        self.auth(Auth::bearer(token))
    }

    /// Bearer tokens from a source that is asked again after a `401`.
    pub fn token_source(self, source: impl TokenSource) -> Self {
        self.auth(Auth::token_source(source))
    }

    /// Any [`Auth`].
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one attempt, from sending to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole call, retries included (default: the attempts' timeouts plus the retry budget).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Removes every timer of the client: the connect, per-attempt and total timeouts, and the expiry of idle
    /// pooled connections. For callers that bound their calls themselves, and for tests on tokio's paused clock
    /// (where any pending timer fires as soon as the runtime waits on I/O).
    pub fn no_timeouts(mut self) -> Self {
        self.connect_timeout = None;
        self.timeout = None;
        self.total_timeout = None;
        self.idle_timers = false;
        self
    }

    /// How transient failures are retried (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Allows credentials over plain `http://` to a host that is not loopback (default: refused).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The `User-Agent` header (default: the crate name and version of the runtime).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, ConfigError> {
        let url = parse_base_url(&self.base_url)?;
        if self.auth.is_some() && url.scheme() == "http" && !self.allow_insecure_http && !is_loopback(&url) {
            return Err(ConfigError::InsecureCredentials {
                host: url.host_str().unwrap_or_default().to_owned(),
            });
        }
        let mut http = reqwest::Client::builder().user_agent(
            self.user_agent
                .unwrap_or_else(|| concat!("sdk-runtime/", env!("CARGO_PKG_VERSION")).to_owned()),
        );
        if !self.idle_timers {
            http = http.pool_idle_timeout(None);
        }
        if let Some(timeout) = self.connect_timeout {
            http = http.connect_timeout(timeout);
        }
        if let Some(timeout) = self.timeout {
            http = http.timeout(timeout);
        }
        let http = http.build().map_err(|e| ConfigError::Http(Arc::new(e)))?;
        let runtime = Runtime {
            shared: Arc::new(Shared {
                service: C::SERVICE,
                fixed_authorization: self.auth.as_ref().and_then(Auth::fixed_header).and_then(Result::ok),
                auth: self.auth,
                total_timeout: self.total_timeout,
                base: url.clone(),
            }),
            retry: Arc::new(self.retry),
        };
        Ok(C::from_parts(url.as_str().trim_end_matches('/'), http, runtime))
    }
}

/// Parses a base URL as [`ClientBuilder::build`] does: an absolute `http` or `https` URL with a host, without
/// credentials, query or fragment. For SDK crates that build base URLs from parts (GoldenGate's addresses).
pub fn parse_base_url(raw: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&format!("not an absolute URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("a host is required"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials do not belong in the URL; use basic_auth"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Probe(String);
    impl ServiceClient for Probe {
        const SERVICE: Service = Service::new("TEST", |_| None);
        fn from_parts(base_url: &str, _: reqwest::Client, _: Runtime) -> Self {
            Probe(base_url.to_owned())
        }
    }

    fn base(raw: &str) -> Result<String, ConfigError> {
        ClientBuilder::<Probe>::new(raw).build().map(|p| p.0)
    }

    #[test]
    fn base_url_is_taken_whole() {
        for (raw, expected) in [
            (
                "https://h.example.com/ess/rest/scheduler/v1",
                "https://h.example.com/ess/rest/scheduler/v1",
            ),
            (
                "https://h.example.com/ess/rest/scheduler/v1/",
                "https://h.example.com/ess/rest/scheduler/v1",
            ),
            (
                "https://h.example.com:9443/api/20210901",
                "https://h.example.com:9443/api/20210901",
            ),
            ("http://127.0.0.1:11001", "http://127.0.0.1:11001"),
            ("http://127.0.0.1:11001/", "http://127.0.0.1:11001"),
            (" https://h.example.com ", "https://h.example.com"),
        ] {
            assert_eq!(base(raw).expect(raw), expected);
        }
    }

    #[test]
    fn bad_base_urls_are_explained() {
        for raw in [
            "",
            "h.example.com/ess",
            "ftp://h.example.com",
            "https://u:p@h.example.com",
            "https://h/x?y=1",
        ] {
            let err = base(raw).expect_err(raw);
            assert!(matches!(err, ConfigError::InvalidBaseUrl { .. }), "{raw}: {err}");
            assert!(!err.to_string().contains(":p@") || raw.contains(":p@"));
        }
    }

    #[test]
    fn credentials_over_plain_http_need_consent() {
        let refused = ClientBuilder::<Probe>::new("http://oracle.example.com/ess")
            .bearer_token("t")
            .build();
        assert!(matches!(refused, Err(ConfigError::InsecureCredentials { .. })));
        let allowed = ClientBuilder::<Probe>::new("http://oracle.example.com/ess")
            .bearer_token("t")
            .allow_insecure_http(true)
            .build();
        assert!(allowed.is_ok());
        for local in ["http://localhost:8080", "http://127.0.0.1:1", "http://[::1]:1"] {
            assert!(
                ClientBuilder::<Probe>::new(local).basic_auth("u", "p").build().is_ok(),
                "{local}"
            );
        }
    }
}
