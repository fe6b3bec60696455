//! Building a client: base URL, credentials, timeouts, retries, and how the network is reached: TLS trust and
//! identity, proxies, or an HTTP client configured by the caller.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::Url;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::auth::{Auth, TokenSource};
use crate::budget::{Budget, RequestBudget};
use crate::retry::RetryPolicy;
use crate::runtime::Service;
use crate::runtime::{Runtime, Shared};
use crate::secret::Secret;

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
    /// A file named in the configuration could not be read.
    #[error("could not read the {what} file {}: {source}", path.display())]
    ReadFile {
        /// What the file should hold (`CA certificate`, `client certificate`, `client key`).
        what: &'static str,
        /// The file as named.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// A certificate or key is not usable PEM.
    #[error("invalid {what} in {origin}: {reason}")]
    InvalidPem {
        /// What it should be (`CA certificate`, `client certificate`, `client key`).
        what: &'static str,
        /// Where it came from: `file <path>`, or the builder method it was given to.
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The proxy setting cannot be used.
    #[error("invalid proxy {url:?}: {reason}")]
    InvalidProxy {
        /// The proxy URL, with any password left out.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Certificate verification is off and credentials would go to a host that is not this machine.
    #[error(
        "refusing to send credentials to {host} without verifying its certificate (danger_accept_invalid_certificates); add its CA with add_root_certificate_pem instead, or also call danger_send_credentials_without_verification()"
    )]
    UnverifiedCredentials {
        /// The host that was named.
        host: String,
    },
    /// A `reqwest::Client` was given with [`ClientBuilder::http_client`] together with settings that only apply to
    /// a client the builder makes.
    #[error(
        "settings {settings:?} cannot apply to the reqwest::Client given with http_client(); configure them on that client instead"
    )]
    HttpClientConflict {
        /// The builder settings that were set.
        settings: Vec<&'static str>,
    },
}

/// Where a PEM document comes from. (No `Debug`: it may hold a private key.)
#[derive(Clone)]
enum PemSource {
    Bytes { data: Vec<u8>, method: &'static str },
    File(PathBuf),
}

impl PemSource {
    /// The document's bytes and a description of its origin for errors.
    fn load(&self, what: &'static str) -> Result<(std::borrow::Cow<'_, [u8]>, String), ConfigError> {
        match self {
            Self::Bytes { data, method } => Ok((data.as_slice().into(), format!("the PEM given to {method}"))),
            Self::File(path) => std::fs::read(path)
                .map(|data| (data.into(), format!("file {}", path.display())))
                .map_err(|source| ConfigError::ReadFile {
                    what,
                    path: path.clone(),
                    source: Arc::new(source),
                }),
        }
    }
}

/// An explicit proxy.
#[derive(Clone)]
struct ProxySetting {
    url: String,
    credentials: Option<(String, Secret)>,
}

/// TLS and proxy settings of the HTTP client the builder makes.
#[derive(Clone, Default)]
struct NetworkSettings {
    roots: Vec<PemSource>,
    platform_roots: Option<bool>,
    identity: Option<(PemSource, PemSource)>,
    accept_invalid_certificates: bool,
    credentials_without_verification: bool,
    proxy: Option<ProxySetting>,
    no_proxy_for: Vec<String>,
    no_env_proxy: bool,
}

impl NetworkSettings {
    /// The names of the settings that were changed from their defaults.
    fn changed(&self) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if !self.roots.is_empty() {
            changed.push("add_root_certificate");
        }
        if self.platform_roots.is_some() {
            changed.push("platform_trust_store");
        }
        if self.identity.is_some() {
            changed.push("client_certificate");
        }
        if self.accept_invalid_certificates {
            changed.push("danger_accept_invalid_certificates");
        }
        if self.proxy.is_some() {
            changed.push("proxy");
        }
        if !self.no_proxy_for.is_empty() {
            changed.push("no_proxy_for");
        }
        if self.no_env_proxy {
            changed.push("no_env_proxy");
        }
        changed
    }
}

/// Configures and builds a client of one of the SDK crates.
///
/// # Reaching a deployment
///
/// - **Trust.** The platform's trust store is used by default. A server whose certificate comes from a company CA,
///   or a GoldenGate deployment with its own self-signed CA, is reached by adding that CA:
///   [`add_root_certificate_pem`](ClientBuilder::add_root_certificate_pem) or
///   [`add_root_certificate_file`](ClientBuilder::add_root_certificate_file) (one certificate or a bundle). To
///   trust only the CAs added, call [`platform_trust_store(false)`](ClientBuilder::platform_trust_store).
/// - **No verification.** [`danger_accept_invalid_certificates`](ClientBuilder::danger_accept_invalid_certificates)
///   turns certificate verification off. It is logged as a warning when the client is built, and refused when
///   credentials would go to a host that is not this machine, unless
///   [`danger_send_credentials_without_verification`](ClientBuilder::danger_send_credentials_without_verification)
///   says so too.
/// - **Mutual TLS.** [`client_certificate_pem`](ClientBuilder::client_certificate_pem) or
///   [`client_certificate_files`](ClientBuilder::client_certificate_files): the certificate chain and its key.
/// - **Proxies.** `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` from the environment are honoured by
///   default; [`no_env_proxy`](ClientBuilder::no_env_proxy) ignores them. [`proxy`](ClientBuilder::proxy) names a
///   proxy explicitly (the environment is then ignored), with credentials from
///   [`proxy_basic_auth`](ClientBuilder::proxy_basic_auth) and exceptions from
///   [`no_proxy_for`](ClientBuilder::no_proxy_for).
/// - **Anything else** (a local address to bind, DNS overrides, another TLS setup):
///   [`http_client`](ClientBuilder::http_client) builds the client on a `reqwest::Client` the caller configured.
/// - **When the network fails**, a call's [`Error::Transport`](crate::Error::Transport) names the service, the call
///   and the cause in words (certificate not trusted, name mismatch, expired, connection refused, DNS failure, proxy
///   refused, timeout, reset); [`TransportErrorKind`](crate::TransportErrorKind) tells it to code. Only what can
///   succeed on a second try is retried: never a certificate, name, client-certificate or proxy-credential failure.
///
/// Bad PEM, an unreadable file or a bad proxy URL are [`ConfigError`]s that name the setting and the file, returned
/// by [`build`](ClientBuilder::build).
///
/// # Example
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
    budget: Option<RequestBudget>,
    allow_insecure_http: bool,
    user_agent: Option<String>,
    idle_timers: bool,
    /// Settings of the HTTP client that were set explicitly (for the conflict with [`Self::http_client`]).
    http_settings: Vec<&'static str>,
    network: NetworkSettings,
    http_client: Option<reqwest::Client>,
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
            .field("request_budget", &self.budget)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("network", &self.network.changed())
            .field("http_client", &self.http_client.is_some())
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
            budget: None,
            allow_insecure_http: false,
            user_agent: None,
            idle_timers: true,
            http_settings: Vec::new(),
            network: NetworkSettings::default(),
            http_client: None,
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
        self.http_settings.push("connect_timeout");
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one attempt, from sending to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http_settings.push("timeout");
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

    /// Bounds the rate of requests this client sends to its service (default: none, no bound). Every attempt of
    /// every call, waiter and wait set of the client and of its clones takes a token first; the rate is lowered
    /// when the server refuses (`429`, `503`) and grows back as replies succeed, and a refusal's `Retry-After`
    /// holds back every request of the client until it has passed. See [`RequestBudget`].
    ///
    /// Oracle counts its limits per identity domain and per service: give each service's client its own budget,
    /// and clone a client (rather than building a second one) to share one.
    ///
    /// ```
    /// use std::time::Duration;
    /// use sdk_runtime::RequestBudget;
    /// # #[derive(Debug)] struct Client(sdk_runtime::Runtime);
    /// # impl sdk_runtime::ServiceClient for Client {
    /// #     const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("DEMO", |_| None);
    /// #     fn from_parts(_: &str, _: reqwest::Client, runtime: sdk_runtime::Runtime) -> Self { Client(runtime) }
    /// # }
    /// let client: Client = sdk_runtime::ClientBuilder::new("https://example.com/api/20210901")
    ///     .bearer_token("token")
    ///     .request_budget(RequestBudget::per_second(20.0).burst(5))
    ///     .build()?;
    /// assert_eq!(client.0.request_rate(), Some(20.0));
    /// # Ok::<(), sdk_runtime::ConfigError>(())
    /// ```
    pub fn request_budget(mut self, budget: RequestBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Allows credentials over plain `http://` to a host that is not loopback (default: refused).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The `User-Agent` header (default: the crate name and version of the runtime).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.http_settings.push("user_agent");
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Trusts the CA certificates of a PEM document (one certificate, or a bundle of several), in addition to the
    /// platform's trust store: for a server whose certificate comes from a company CA, or a GoldenGate deployment
    /// secured with its own self-signed CA. Checked by [`build`](Self::build).
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.network.roots.push(PemSource::Bytes {
            data: pem.into(),
            method: "add_root_certificate_pem",
        });
        self
    }

    /// Trusts the CA certificates of a PEM file (one certificate, or a bundle), as
    /// [`add_root_certificate_pem`](Self::add_root_certificate_pem). The file is read by [`build`](Self::build).
    pub fn add_root_certificate_file(mut self, path: impl AsRef<Path>) -> Self {
        self.network.roots.push(PemSource::File(path.as_ref().to_owned()));
        self
    }

    /// Whether the platform's trust store is used (default: yes). With `false`, only the CAs added with
    /// [`add_root_certificate_pem`](Self::add_root_certificate_pem) or
    /// [`add_root_certificate_file`](Self::add_root_certificate_file) are trusted.
    pub fn platform_trust_store(mut self, enabled: bool) -> Self {
        self.network.platform_roots = Some(enabled);
        self
    }

    /// Presents a client certificate (mutual TLS): `cert_chain_pem` holds the certificate and any intermediates,
    /// `key_pem` its private key (PKCS #8, PKCS #1 or SEC1). Checked by [`build`](Self::build).
    pub fn client_certificate_pem(mut self, cert_chain_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        self.network.identity = Some((
            PemSource::Bytes {
                data: cert_chain_pem.into(),
                method: "client_certificate_pem",
            },
            PemSource::Bytes {
                data: key_pem.into(),
                method: "client_certificate_pem",
            },
        ));
        self
    }

    /// Presents a client certificate (mutual TLS) read from PEM files, as
    /// [`client_certificate_pem`](Self::client_certificate_pem). The two may be the same file.
    pub fn client_certificate_files(mut self, cert_chain: impl AsRef<Path>, key: impl AsRef<Path>) -> Self {
        self.network.identity = Some((
            PemSource::File(cert_chain.as_ref().to_owned()),
            PemSource::File(key.as_ref().to_owned()),
        ));
        self
    }

    /// **Turns certificate verification off**: any certificate is accepted, for any host name, so anyone on the
    /// path can read and change the traffic. Never the default; logged as a warning when the client is built. With
    /// credentials for a host that is not this machine, [`build`](Self::build) refuses unless
    /// [`danger_send_credentials_without_verification`](Self::danger_send_credentials_without_verification) is also
    /// called. Adding the server's CA with [`add_root_certificate_pem`](Self::add_root_certificate_pem) is the safe
    /// way to reach a server with a self-signed certificate.
    pub fn danger_accept_invalid_certificates(mut self) -> Self {
        self.network.accept_invalid_certificates = true;
        self
    }

    /// The second consent that [`danger_accept_invalid_certificates`](Self::danger_accept_invalid_certificates)
    /// needs to send credentials to a host that is not this machine: they may then be read by anyone on the path.
    pub fn danger_send_credentials_without_verification(mut self) -> Self {
        self.network.credentials_without_verification = true;
        self
    }

    /// Sends every request through this proxy (`http://host:port`; an `https://` proxy is reached over TLS).
    /// Proxies from the environment are then ignored. Credentials go in
    /// [`proxy_basic_auth`](Self::proxy_basic_auth), not in the URL.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        let setting = self.network.proxy.get_or_insert_with(|| ProxySetting {
            url: String::new(),
            credentials: None,
        });
        setting.url = url.into();
        self
    }

    /// The credentials the [`proxy`](Self::proxy) asks for (`Proxy-Authorization: Basic`).
    pub fn proxy_basic_auth(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        let setting = self.network.proxy.get_or_insert_with(|| ProxySetting {
            url: String::new(),
            credentials: None,
        });
        setting.credentials = Some((username.into(), password.into()));
        self
    }

    /// Hosts reached without the [`proxy`](Self::proxy), written as in `NO_PROXY`: `example.com` (and its
    /// subdomains), `.example.com`, `10.0.0.1`, `10.0.0.0/8`, `*`. For proxies from the environment, the
    /// environment's `NO_PROXY` applies instead.
    pub fn no_proxy_for<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.network.no_proxy_for.extend(hosts.into_iter().map(Into::into));
        self
    }

    /// Ignores the proxies of the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, and the system's proxy
    /// settings where reqwest reads them): requests go straight to the host unless [`proxy`](Self::proxy) is set.
    pub fn no_env_proxy(mut self) -> Self {
        self.network.no_env_proxy = true;
        self
    }

    /// Builds the client on a `reqwest::Client` configured by the caller, for what this builder does not cover (a
    /// local address to bind, DNS overrides, another TLS setup). The base URL, credentials, the refusal of
    /// credentials over plain `http://`, retries and the total timeout still apply. The client's own TLS, proxy,
    /// timeout and `User-Agent` settings are used: setting those on this builder as well is a
    /// [`ConfigError::HttpClientConflict`].
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
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
        if self.network.accept_invalid_certificates && url.scheme() == "https" {
            let host = url.host_str().unwrap_or_default();
            if self.auth.is_some() && !is_loopback(&url) && !self.network.credentials_without_verification {
                return Err(ConfigError::UnverifiedCredentials { host: host.to_owned() });
            }
            tracing::warn!(
                service = C::SERVICE.name,
                host,
                "TLS certificate verification is OFF for this client (danger_accept_invalid_certificates): the server is not authenticated"
            );
        }
        let http = match self.http_client {
            Some(client) => {
                let mut conflicts = self.http_settings;
                conflicts.extend(self.network.changed());
                if !conflicts.is_empty() {
                    conflicts.dedup();
                    return Err(ConfigError::HttpClientConflict { settings: conflicts });
                }
                client
            }
            None => {
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
                http = self.network.apply(http)?;
                http.build().map_err(|e| ConfigError::Http(Arc::new(e)))?
            }
        };
        let runtime = Runtime {
            shared: Arc::new(Shared {
                service: C::SERVICE,
                fixed_authorization: self.auth.as_ref().and_then(Auth::fixed_header).and_then(Result::ok),
                auth: self.auth,
                total_timeout: self.total_timeout,
                base: url.clone(),
                budget: self.budget.map(Budget::new),
            }),
            retry: Arc::new(self.retry),
        };
        Ok(C::from_parts(url.as_str().trim_end_matches('/'), http, runtime))
    }
}

impl NetworkSettings {
    /// Applies the TLS and proxy settings to reqwest's builder, reading and checking every PEM document.
    fn apply(self, mut http: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, ConfigError> {
        let mut roots = Vec::new();
        for source in &self.roots {
            roots.extend(read_certificates(source, "CA certificate")?);
        }
        let roots = roots
            .iter()
            .map(|der| reqwest::Certificate::from_der(der))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ConfigError::Http(Arc::new(e)))?;
        if self.platform_roots == Some(false) {
            if roots.is_empty() {
                return Err(ConfigError::InvalidPem {
                    what: "CA certificate",
                    origin: "platform_trust_store(false)".to_owned(),
                    reason: "without the platform's trust store, at least one CA certificate must be added".to_owned(),
                });
            }
            http = http.tls_certs_only(roots);
        } else if !roots.is_empty() {
            http = http.tls_certs_merge(roots);
        }
        if let Some((chain, key)) = &self.identity {
            http = http.identity(read_identity(chain, key)?);
        }
        if self.accept_invalid_certificates {
            http = http.tls_danger_accept_invalid_certs(true);
        }
        match self.proxy {
            Some(setting) => http = http.proxy(setting.into_proxy(&self.no_proxy_for)?),
            None if !self.no_proxy_for.is_empty() => {
                return Err(ConfigError::InvalidProxy {
                    url: String::new(),
                    reason: "no_proxy_for applies to the proxy set with proxy(); proxies from the environment follow NO_PROXY".to_owned(),
                });
            }
            None if self.no_env_proxy => http = http.no_proxy(),
            None => {}
        }
        Ok(http)
    }
}

impl ProxySetting {
    fn into_proxy(self, no_proxy_for: &[String]) -> Result<reqwest::Proxy, ConfigError> {
        let invalid = |url: &str, reason: &str| ConfigError::InvalidProxy {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        if self.url.is_empty() {
            return Err(invalid("", "proxy_basic_auth was called without proxy(url)"));
        }
        let parsed =
            Url::parse(self.url.trim()).map_err(|e| invalid(&self.url, &format!("not an absolute URL ({e})")))?;
        if parsed.password().is_some() || !parsed.username().is_empty() {
            let mut shown = parsed.clone();
            let _ = shown.set_password(None);
            let _ = shown.set_username("");
            return Err(invalid(
                shown.as_str(),
                "credentials do not belong in the proxy URL; use proxy_basic_auth",
            ));
        }
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid(&self.url, "a proxy URL is http:// or https:// with a host"));
        }
        let mut proxy = reqwest::Proxy::all(parsed.as_str()).map_err(|e| invalid(&self.url, &e.to_string()))?;
        if let Some((username, password)) = &self.credentials {
            proxy = proxy.basic_auth(username, password.expose());
        }
        if !no_proxy_for.is_empty() {
            proxy = proxy.no_proxy(reqwest::NoProxy::from_string(&no_proxy_for.join(",")));
        }
        Ok(proxy)
    }
}

/// Reads the certificates of a PEM document: at least one, each a well-formed X.509 certificate.
fn read_certificates(source: &PemSource, what: &'static str) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let (data, origin) = source.load(what)?;
    let invalid = |reason: String| ConfigError::InvalidPem {
        what,
        origin: origin.clone(),
        reason,
    };
    let certificates = CertificateDer::pem_slice_iter(&data)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("not PEM ({e})")))?;
    if certificates.is_empty() {
        return Err(invalid("no `-----BEGIN CERTIFICATE-----` section found".to_owned()));
    }
    for (i, der) in certificates.iter().enumerate() {
        webpki::EndEntityCert::try_from(der).map_err(|e| {
            invalid(format!(
                "certificate {} of the document is not valid X.509 ({e})",
                i + 1
            ))
        })?;
    }
    Ok(certificates)
}

/// Reads a client certificate chain and its key into reqwest's identity.
fn read_identity(chain: &PemSource, key: &PemSource) -> Result<reqwest::Identity, ConfigError> {
    let certificates = read_certificates(chain, "client certificate")?;
    let (key_data, origin) = key.load("client key")?;
    let key = PrivateKeyDer::from_pem_slice(&key_data).map_err(|e| ConfigError::InvalidPem {
        what: "client key",
        origin: origin.clone(),
        reason: match e {
            rustls_pki_types::pem::Error::NoItemsFound => {
                "no PKCS #8, PKCS #1 or SEC1 private key section found".to_owned()
            }
            other => format!("not PEM ({other})"),
        },
    })?;
    // reqwest reads an identity from one PEM document of certificates and a key; it is written anew from what was
    // parsed, so that other sections in the user's files (parameters, comments) do not trouble it.
    let mut pem = String::new();
    for der in &certificates {
        push_pem(&mut pem, "CERTIFICATE", der);
    }
    let label = match &key {
        PrivateKeyDer::Pkcs1(_) => "RSA PRIVATE KEY",
        PrivateKeyDer::Sec1(_) => "EC PRIVATE KEY",
        _ => "PRIVATE KEY",
    };
    push_pem(&mut pem, label, key.secret_der());
    reqwest::Identity::from_pem(pem.as_bytes()).map_err(|e| ConfigError::InvalidPem {
        what: "client key",
        origin,
        reason: format!("the certificate and key cannot be used together ({e})"),
    })
}

fn push_pem(pem: &mut String, label: &str, der: &[u8]) {
    pem.push_str("-----BEGIN ");
    pem.push_str(label);
    pem.push_str("-----\n");
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    for line in encoded.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END ");
    pem.push_str(label);
    pem.push_str("-----\n");
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

    fn ok(builder: ClientBuilder<Probe>) -> bool {
        builder.build().is_ok()
    }

    #[test]
    fn unverified_certificates_with_remote_credentials_need_a_second_consent() {
        let remote =
            || ClientBuilder::<Probe>::new("https://ogg.example.com/services/v2").danger_accept_invalid_certificates();
        let refused = remote().basic_auth("oggadmin", "pw").build().map(|p| p.0);
        assert!(
            matches!(&refused, Err(ConfigError::UnverifiedCredentials { host }) if host == "ogg.example.com"),
            "{refused:?}"
        );
        assert!(ok(remote()
            .basic_auth("oggadmin", "pw")
            .danger_send_credentials_without_verification()));
        assert!(ok(remote()), "no credentials, nothing to leak");
        assert!(ok(ClientBuilder::<Probe>::new("https://localhost:9443")
            .basic_auth("oggadmin", "pw")
            .danger_accept_invalid_certificates()));
    }

    fn error(builder: ClientBuilder<Probe>) -> ConfigError {
        match builder.build() {
            Ok(_) => panic!("the configuration was accepted"),
            Err(error) => error,
        }
    }

    #[test]
    fn proxy_settings_are_checked_and_never_show_a_password() {
        let base = || ClientBuilder::<Probe>::new("https://ogg.example.com");
        let e = error(base().proxy("http://user:hunter2@proxy.example.com:3128"));
        assert!(matches!(e, ConfigError::InvalidProxy { .. }), "{e:?}");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("proxy_basic_auth"), "{e}");
        let e = error(base().proxy_basic_auth("user", "hunter2"));
        assert!(e.to_string().contains("without proxy(url)"), "{e}");
        let e = error(base().no_proxy_for(["internal.example.com"]));
        assert!(e.to_string().contains("NO_PROXY"), "{e}");
        let e = error(base().proxy("socks5://proxy.example.com:1080"));
        assert!(matches!(e, ConfigError::InvalidProxy { .. }), "{e:?}");
        assert!(ok(base()
            .proxy("http://proxy.example.com:3128")
            .proxy_basic_auth("user", "hunter2")
            .no_proxy_for(["localhost", ".internal.example.com", "10.0.0.0/8"])));
        assert!(ok(base().no_env_proxy()));
    }

    #[test]
    fn a_given_http_client_refuses_the_settings_it_would_ignore() {
        let e = error(
            ClientBuilder::<Probe>::new("https://ogg.example.com")
                .timeout(Duration::from_secs(5))
                .proxy("http://proxy.example.com:3128")
                .http_client(reqwest::Client::new()),
        );
        assert!(
            matches!(&e, ConfigError::HttpClientConflict { settings } if settings == &["timeout", "proxy"]),
            "{e:?}"
        );
        // The base URL and the credentials are still checked.
        let e = error(
            ClientBuilder::<Probe>::new("http://ogg.example.com")
                .bearer_token("t")
                .http_client(reqwest::Client::new()),
        );
        assert!(matches!(e, ConfigError::InsecureCredentials { .. }), "{e:?}");
        assert!(ok(ClientBuilder::<Probe>::new("https://ogg.example.com")
            .bearer_token("t")
            .total_timeout(Duration::from_secs(5))
            .http_client(reqwest::Client::new())));
    }

    #[test]
    fn bad_pem_is_explained_with_its_origin() {
        let base = || ClientBuilder::<Probe>::new("https://ogg.example.com");
        let e = error(base().add_root_certificate_pem("no PEM here"));
        assert!(
            matches!(&e, ConfigError::InvalidPem { what: "CA certificate", origin, .. } if origin.contains("add_root_certificate_pem")),
            "{e:?}"
        );
        let e =
            error(base().add_root_certificate_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
        assert!(e.to_string().contains("not valid X.509"), "{e}");
        let e = error(base().platform_trust_store(false));
        assert!(e.to_string().contains("at least one CA certificate"), "{e}");
        let e = error(base().client_certificate_files("/nonexistent/client.pem", "/nonexistent/client.key"));
        assert!(
            matches!(
                &e,
                ConfigError::ReadFile {
                    what: "client certificate",
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("/nonexistent/client.pem"), "{e}");
    }

    #[test]
    fn a_base_url_with_a_user_name_alone_or_a_fragment_is_refused() {
        for raw in [
            "https://scheduler.user@h.example.com/ess",
            "https://h.example.com/ess#v1",
        ] {
            let err = base(raw).expect_err(raw);
            assert!(matches!(err, ConfigError::InvalidBaseUrl { .. }), "{raw}: {err}");
        }
    }

    /// A test-only client certificate and its RSA key in PKCS #1 form (`openssl rsa -traditional`), made for these
    /// tests and used nowhere else.
    const RSA_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIDFzCCAf+gAwIBAgIUUogN/O6uaB5R2+KVQcPDGpMZrUkwDQYJKoZIhvcNAQEL
BQAwGjEYMBYGA1UEAwwPc2RrLXRlc3QtY2xpZW50MCAXDTI2MTIwMzEyNTQzOVoY
DzIxMjYxMTA5MTI1NDM5WjAaMRgwFgYDVQQDDA9zZGstdGVzdC1jbGllbnQwggEi
MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDGZREwZVw6P3x30rx8jH3Ajd6e
C3mvnKDV9SepnJYN3VdnLVovRnOYJ49JlcK0QBWA0rR2JDDpm1rJSDBCXQAJBn4f
P4x1+umFWowXsizN+CtL79uxXYEaoPQgJpAakJQ2Hd4jaSEn++GrTwleRNQ9/7JW
EhjUeopLuTZXCsly0H0y63/lD0uCmnjhIfoPhde7kkThRCXJtBwmWEwY0OxRTL3R
hDcUgvQ+xUU/+IxY+/jtxFHB4pmuof6ZjEVn3AweKdDZmddlocFDMZQ7fB3t5vnJ
rE53BvRR6XlODahj3NVNBMPagAPSyER717KzLnqjhpyDHravcTzMnMv6OCp/AgMB
AAGjUzBRMB0GA1UdDgQWBBRTIe0CrXedGdZcAfHX0RAnO2XgVzAfBgNVHSMEGDAW
gBRTIe0CrXedGdZcAfHX0RAnO2XgVzAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3
DQEBCwUAA4IBAQCugwSbZ+LnU6ReCKUi5VCSHfq1sA5Ce/zJDWFtUIyW4+PX6DgW
6OcxtGas2oXVlNy1g/g4bfkgKU2aFiY5ytqMbSlHnN/Bgi0QZc78QRFZ0+ROcRMJ
niX4gKF2T7p5hyvVLcunHakWT8vAHJNTItZppJIOTYoD58kEcwQ1DJeRPKdPGMTj
7/qvrfx6Rr0t8kd4DWyZUnLgpboVle/gnjoL7lt4IpDCJQEMtiOJEqS2OjFLESic
reRbSkSefmioyfMmTRZ4IxZFUCHW1bNG80465SHoRTEkyhQ/mNTN1Ap/UjHWi8bb
RRxnrgQn5VP6vyTKd7HE19c3CFb/kc4eEQ1S
-----END CERTIFICATE-----";
    const RSA_PKCS1_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAxmURMGVcOj98d9K8fIx9wI3engt5r5yg1fUnqZyWDd1XZy1a
L0ZzmCePSZXCtEAVgNK0diQw6ZtayUgwQl0ACQZ+Hz+MdfrphVqMF7IszfgrS+/b
sV2BGqD0ICaQGpCUNh3eI2khJ/vhq08JXkTUPf+yVhIY1HqKS7k2VwrJctB9Mut/
5Q9Lgpp44SH6D4XXu5JE4UQlybQcJlhMGNDsUUy90YQ3FIL0PsVFP/iMWPv47cRR
weKZrqH+mYxFZ9wMHinQ2ZnXZaHBQzGUO3wd7eb5yaxOdwb0Uel5Tg2oY9zVTQTD
2oAD0shEe9eysy56o4acgx62r3E8zJzL+jgqfwIDAQABAoIBAAGddzppDeLJnP81
xxaEsW99mdy4rMXt5sLEnoZN2wj5wTbE6+gi70UG1WtQ8DgNcD2xIdtH8HXJw+6L
34hIP4nFzDt4/ztDEgeAk10tz10lQ0VkaMGbkpRH6tg65Zyw6Lq2lLEPG3YLtgCn
6h2pjybgldvfTzY6WV36BrS/2vEjiZha11fN43J8THu7zgZDqZEKzbCV9Eu/fLUm
zPAN9poun837wg9jUeC0n4XUzOQnRkdReVzexXt2cRFycvT2MevXkUqd1B1qwYSS
S9WxD8qyS9lXxry2fWCOtnfrY2OfbgdjZJgyV1NCo1pRRZ1nSd0Mb2DC+LHa8Pvx
B8C49GkCgYEA5hVjTEAT+7p96T1cfJ3/DAomRgvkfM3NUUJgFgXIxiWMReTWgPGW
bo6DdLKTWVm4XE9ZWUMwWmX2bFCinBzCcxkk8AwWqaaHJf+wpoke0iFXCoE50ITX
/dVBS6PQZC+ywTOpA+Y5hzPAN9tfropR+Z7dmOf0qqISDDSaZX12M1sCgYEA3L3p
uenW4C52M9ng+0BHqn/faJzS7PwBcbcTnpgxelLC+ZcTQyKj/c9H/kvu8QfSSrAp
8W90SA+be4Ixd3jc9+6Crhr8EoF+3vbSE6jK1+Xs76IGuEz2ur0P4ltwlgWBjH8b
QmLX02iTfFJJIHLGlOh8KQoJ20TT1uWvDqVuQq0CgYEAqwPqsppOQCT1wY9iVx34
nLJOkHH2eu1dVrDHSpcyDFWMVccpyN3IupQjEXJKI3eUmMhB2R8fqZFwAEJPG0ol
HffqhKH3llG40n2ih6YTyowNbjlvB5Y2FO2VgutX0Z/Cdeg4EDXnPJ8ymFHuZIVb
OPbkLur56Hpef8P5nsYKPVECgYEAmy0qfFZlhq1CzQqSfS3f83z3Gbx9DrnNbhpM
QYYt6hb6F6lbkits60TnEF5i97AO5hBXO/Gk5e+K1tVcXudpNyXFWg2APKYqASWz
4rwa9JEe8gqN/Mul+vpjizXKvLvcKV9FU3LW1DhEzfWukI//B7kzZ0o2SZ1l6kEG
wh4Ll/UCgYBaQx7grRDaoGAY/K80qPUexNpdCyUmG8TT0Y+Ss3tfPSlUpT2Lu5rZ
myolF3yKcQdk/qCKTzTnHQ4VKMjdpRS5Vn+qb+GU/nGxKg8Cp1m/9Rum5LvyWjQX
bvt3i9cZYjLEUSvmIlhvG2ffcKWDR9tsSvWGBR9OigWeUMEv0eFKcw==
-----END RSA PRIVATE KEY-----";
    const RSA_PKCS8_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDGZREwZVw6P3x3
0rx8jH3Ajd6eC3mvnKDV9SepnJYN3VdnLVovRnOYJ49JlcK0QBWA0rR2JDDpm1rJ
SDBCXQAJBn4fP4x1+umFWowXsizN+CtL79uxXYEaoPQgJpAakJQ2Hd4jaSEn++Gr
TwleRNQ9/7JWEhjUeopLuTZXCsly0H0y63/lD0uCmnjhIfoPhde7kkThRCXJtBwm
WEwY0OxRTL3RhDcUgvQ+xUU/+IxY+/jtxFHB4pmuof6ZjEVn3AweKdDZmddlocFD
MZQ7fB3t5vnJrE53BvRR6XlODahj3NVNBMPagAPSyER717KzLnqjhpyDHravcTzM
nMv6OCp/AgMBAAECggEAAZ13OmkN4smc/zXHFoSxb32Z3Lisxe3mwsSehk3bCPnB
NsTr6CLvRQbVa1DwOA1wPbEh20fwdcnD7ovfiEg/icXMO3j/O0MSB4CTXS3PXSVD
RWRowZuSlEfq2DrlnLDouraUsQ8bdgu2AKfqHamPJuCV299PNjpZXfoGtL/a8SOJ
mFrXV83jcnxMe7vOBkOpkQrNsJX0S798tSbM8A32mi6fzfvCD2NR4LSfhdTM5CdG
R1F5XN7Fe3ZxEXJy9PYx69eRSp3UHWrBhJJL1bEPyrJL2VfGvLZ9YI62d+tjY59u
B2NkmDJXU0KjWlFFnWdJ3QxvYML4sdrw+/EHwLj0aQKBgQDmFWNMQBP7un3pPVx8
nf8MCiZGC+R8zc1RQmAWBcjGJYxF5NaA8ZZujoN0spNZWbhcT1lZQzBaZfZsUKKc
HMJzGSTwDBappocl/7CmiR7SIVcKgTnQhNf91UFLo9BkL7LBM6kD5jmHM8A321+u
ilH5nt2Y5/SqohIMNJplfXYzWwKBgQDcvem56dbgLnYz2eD7QEeqf99onNLs/AFx
txOemDF6UsL5lxNDIqP9z0f+S+7xB9JKsCnxb3RID5t7gjF3eNz37oKuGvwSgX7e
9tITqMrX5ezvoga4TPa6vQ/iW3CWBYGMfxtCYtfTaJN8UkkgcsaU6HwpCgnbRNPW
5a8OpW5CrQKBgQCrA+qymk5AJPXBj2JXHficsk6QcfZ67V1WsMdKlzIMVYxVxynI
3ci6lCMRckojd5SYyEHZHx+pkXAAQk8bSiUd9+qEofeWUbjSfaKHphPKjA1uOW8H
ljYU7ZWC61fRn8J16DgQNec8nzKYUe5khVs49uQu6vnoel5/w/mexgo9UQKBgQCb
LSp8VmWGrULNCpJ9Ld/zfPcZvH0Ouc1uGkxBhi3qFvoXqVuSK2zrROcQXmL3sA7m
EFc78aTl74rW1Vxe52k3JcVaDYA8pioBJbPivBr0kR7yCo38y6X6+mOLNcq8u9wp
X0VTctbUOETN9a6Qj/8HuTNnSjZJnWXqQQbCHguX9QKBgFpDHuCtENqgYBj8rzSo
9R7E2l0LJSYbxNPRj5Kze189KVSlPYu7mtmbKiUXfIpxB2T+oIpPNOcdDhUoyN2l
FLlWf6pv4ZT+cbEqDwKnWb/1G6bku/JaNBdu+3eL1xliMsRRK+YiWG8bZ99wpYNH
22xK9YYFH06KBZ5QwS/R4Upz
-----END PRIVATE KEY-----";
    /// A test-only client certificate and its EC key in SEC1 form (`openssl ecparam -genkey`).
    const EC_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBijCCATGgAwIBAgIUB5yeVO/2FuSW2eOf+4hRIQGoNUkwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPc2RrLXRlc3QtY2xpZW50MCAXDTI2MTIwMzEyNTQzOVoYDzIx
MjYxMTA5MTI1NDM5WjAaMRgwFgYDVQQDDA9zZGstdGVzdC1jbGllbnQwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAR1Dw3Cl3lYwyqaIM65m948S2iRNo3rf5MDotsY
30byiuq5gGx+0rFaX22knKKbHaXMUe5JuUA+AMDSZAO4roewo1MwUTAdBgNVHQ4E
FgQUqK/Y4JoTubotaFv9yML9lFF2IywwHwYDVR0jBBgwFoAUqK/Y4JoTubotaFv9
yML9lFF2IywwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBk9ssa
L71vR6mI4eGdAkkJr69rIvvm3asgcD3YFHiIcQIgTs33VN7KQjvUlEwgUhYmuMpx
ej78hpBVgyqkfsmrS1g=
-----END CERTIFICATE-----";
    const EC_SEC1_KEY: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEILBFvoaAmQpBXnACFwjSd0b5ytcF+SbrszgRLe/w01lKoAoGCCqGSM49
AwEHoUQDQgAEdQ8Nwpd5WMMqmiDOuZvePEtokTaN63+TA6LbGN9G8orquYBsftKx
Wl9tpJyimx2lzFHuSblAPgDA0mQDuK6HsA==
-----END EC PRIVATE KEY-----";

    #[test]
    fn client_keys_in_each_pem_form_openssl_writes_are_accepted() {
        let base = || ClientBuilder::<Probe>::new("https://ogg.example.com");
        for (form, cert, key) in [
            ("PKCS #1", RSA_CERT, RSA_PKCS1_KEY),
            ("PKCS #8", RSA_CERT, RSA_PKCS8_KEY),
            ("SEC1", EC_CERT, EC_SEC1_KEY),
        ] {
            let built = base().client_certificate_pem(cert, key).build().map(|p| p.0);
            assert!(built.is_ok(), "{form}: {built:?}");
        }
        // The forms are told apart, not guessed: a key that does not belong to the certificate is refused.
        assert!(base().client_certificate_pem(RSA_CERT, EC_SEC1_KEY).build().is_err());
    }

    /// A client whose HTTP client is kept, to send requests with it.
    struct Http(reqwest::Client);
    impl ServiceClient for Http {
        const SERVICE: Service = Service::new("TEST", |_| None);
        fn from_parts(_: &str, http: reqwest::Client, _: Runtime) -> Self {
            Http(http)
        }
    }

    #[tokio::test]
    async fn hosts_named_in_no_proxy_for_are_reached_directly() {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(wiremock::ResponseTemplate::new(200))
            .mount(&server)
            .await;
        let down = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let proxy = format!("http://{}", down.local_addr().expect("address"));
        drop(down);
        let builder = || ClientBuilder::<Http>::new(server.uri()).proxy(proxy.clone());
        let direct = builder().no_proxy_for(["127.0.0.1"]).build().expect("client");
        let reply = direct
            .0
            .get(server.uri())
            .send()
            .await
            .expect("reached without the proxy");
        assert_eq!(reply.status(), 200);
        let proxied = builder().build().expect("client");
        assert!(
            proxied.0.get(server.uri()).send().await.is_err(),
            "other hosts go through the proxy, which is down"
        );
    }

    #[test]
    fn a_user_name_alone_in_a_proxy_url_is_refused_too() {
        let e = error(
            ClientBuilder::<Probe>::new("https://ogg.example.com").proxy("http://svc-proxy@proxy.example.com:3128"),
        );
        assert!(matches!(e, ConfigError::InvalidProxy { .. }), "{e:?}");
        assert!(e.to_string().contains("proxy_basic_auth"), "{e}");
    }

    #[test]
    fn debug_of_a_builder_shows_its_settings_but_no_secret() {
        let builder = ClientBuilder::<Probe>::new("https://ogg.example.com/services/v2")
            .basic_auth("oggadmin", "hunter2")
            .proxy("http://proxy.example.com:3128")
            .proxy_basic_auth("proxy-user", "proxy-pw")
            .timeout(Duration::from_secs(30));
        let shown = format!("{builder:?}");
        for expected in ["https://ogg.example.com/services/v2", "oggadmin", "30s", "proxy"] {
            assert!(shown.contains(expected), "{expected} in {shown}");
        }
        assert!(!shown.contains("hunter2") && !shown.contains("proxy-pw"), "{shown}");
    }
}
