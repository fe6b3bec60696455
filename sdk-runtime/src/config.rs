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
