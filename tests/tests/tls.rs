//! Real networks on loopback: TLS with certificates made at test time (a CA and leaves signed by it), a CONNECT
//! proxy, mutual TLS, and the failures a user meets when one of them is wrong, each named in the error and never
//! retried when a retry cannot help.
//!
//! wiremock serves plain HTTP; a small TLS front (tokio-rustls) relays each connection to it, so the replies are
//! wiremock's while the client sees a real TLS server. The front counts the connections it accepts: a failure that
//! is retried shows as more than one.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use sdk_runtime::wait::{Outcome, WaitPolicy};
use sdk_runtime::{ConfigError, Error, RetryPolicy, TransportErrorKind};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/services/v2";

/// A certificate authority made for one test.
struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A certificate with its key, as a server or a client presents it.
struct Leaf {
    chain: Vec<CertificateDer<'static>>,
    cert_pem: String,
    key_pem: String,
}

impl Leaf {
    fn key(&self) -> PrivateKeyDer<'static> {
        use rustls::pki_types::pem::PemObject;
        PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes()).expect("a key made by rcgen")
    }
}

impl Ca {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("valid parameters");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("key");
        Self {
            issuer: CertifiedIssuer::self_signed(params, key).expect("CA certificate"),
        }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    fn der(&self) -> CertificateDer<'static> {
        self.issuer.der().clone()
    }

    /// A certificate for `names`, for a server (or a client with `client`), valid from `from` to `until` (years).
    fn leaf(&self, names: &[&str], client: bool, from: i32, until: i32) -> Leaf {
        let mut params =
            CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).expect("valid names");
        params.distinguished_name.push(DnType::CommonName, names[0]);
        params.extended_key_usages = vec![if client {
            ExtendedKeyUsagePurpose::ClientAuth
        } else {
            ExtendedKeyUsagePurpose::ServerAuth
        }];
        params.not_before = rcgen::date_time_ymd(from, 1, 1);
        params.not_after = rcgen::date_time_ymd(until, 1, 1);
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("leaf certificate");
        Leaf {
            chain: vec![cert.der().clone(), self.der()],
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// A certificate for `localhost`, valid now.
    fn localhost(&self) -> Leaf {
        self.leaf(&["localhost"], false, 2020, 2100)
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn server_config(leaf: &Leaf, client_ca: Option<&Ca>) -> Arc<ServerConfig> {
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("protocol versions");
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots.add(ca.der()).expect("client CA");
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .expect("client verifier");
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    Arc::new(
        builder
            .with_single_cert(leaf.chain.clone(), leaf.key())
            .expect("server certificate"),
    )
}

/// A TLS server on loopback that relays each connection, once the handshake is done, to `backend`.
struct TlsFront {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl TlsFront {
    async fn start(config: Arc<ServerConfig>, backend: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A failed handshake is what several tests expect: the client reports it.
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Ok(mut upstream) = TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
                });
            }
        });
        Self { port, connections }
    }

    fn base(&self, host: &str) -> String {
        format!("https://{host}:{}{PREFIX}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn ogg_status(done: bool) -> serde_json::Value {
    let progress = if done { "succeeded" } else { "running" };
    json!({"$schema": "api:standardResponse", "links": [], "messages": [],
           "response": {"$schema": "ogg:request", "completed": done, "progress": progress}})
}

/// GoldenGate's background requests, each complete on its first poll.
async fn goldengate() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex(format!("^{PREFIX}/requests/[0-9]+$")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ogg_status(true)))
        .mount(&server)
        .await;
    server
}

/// A GoldenGate deployment behind TLS with the certificate `leaf`.
async fn deployment(leaf: &Leaf) -> (MockServer, TlsFront) {
    let backend = goldengate().await;
    let front = TlsFront::start(server_config(leaf, None), *backend.address()).await;
    (backend, front)
}

/// A client that would retry a retryable failure three times, quickly.
fn client(base: String) -> sdk_runtime::ClientBuilder<sdk_ogg::Client> {
    sdk_ogg::Client::builder(base)
        .basic_auth("oggadmin", "s3cret-Pa55")
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(4)
                .initial_delay(Duration::from_millis(2))
                .max_delay(Duration::from_millis(5)),
        )
}

async fn get_request(client: &sdk_ogg::Client) -> Result<(), Error> {
    client.get_request().request(1).send().await.map(drop)
}

fn transport_kind(error: &Error) -> TransportErrorKind {
    match error {
        Error::Transport(transport) => transport.kind(),
        other => panic!("not a transport error: {other:?}"),
    }
}

/// A file that is removed when the test ends.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Self {
        let path = std::env::temp_dir().join(format!("sdk-tls-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write temporary file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn a_server_with_an_untrusted_ca_is_refused_by_default_with_the_cause_named_and_not_retried() {
    let ca = Ca::new("Example Corp Root CA");
    let (_backend, front) = deployment(&ca.localhost()).await;
    let client = client(front.base("localhost")).build().expect("client");
    let error = get_request(&client).await.expect_err("the CA is not trusted");
    assert_eq!(transport_kind(&error), TransportErrorKind::CertificateNotTrusted);
    let text = error.to_string();
    assert!(
        text.contains(&format!("certificate of localhost:{} not trusted", front.port)),
        "{text}"
    );
    assert!(
        text.contains(&format!("{PREFIX}/requests/1)")),
        "the call is named: {text}"
    );
    assert!(!text.contains('\n'), "{text}");
    assert!(!error.is_retryable());
    assert_eq!(
        front.connections(),
        1,
        "a certificate that cannot be verified is not retried"
    );
    // The whole chain stays reachable, down to the TLS error.
    let mut source = std::error::Error::source(&error);
    let mut links = 0;
    while let Some(link) = source {
        links += 1;
        source = link.source();
    }
    assert!(links >= 2, "{error:?}");
}

#[tokio::test]
async fn a_self_signed_certificate_like_goldengate_s_default_is_refused_as_not_trusted() {
    // The certificate a deployment makes for itself: one self-signed CA certificate that also names the host.
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("valid parameters");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("certificate");
    let leaf = Leaf {
        chain: vec![cert.der().clone()],
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    };
    let (_backend, front) = deployment(&leaf).await;
    let error = get_request(&client(front.base("localhost")).build().expect("client"))
        .await
        .expect_err("self-signed");
    assert_eq!(transport_kind(&error), TransportErrorKind::CertificateNotTrusted);
    assert!(error.to_string().contains("not trusted"), "{error}");
    assert!(!error.is_retryable());
    assert_eq!(front.connections(), 1);
}

#[tokio::test]
async fn the_server_is_reached_once_its_ca_is_added_as_pem() {
    let ca = Ca::new("Example Corp Root CA");
    let (_backend, front) = deployment(&ca.localhost()).await;
    let client = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .build()
        .expect("client");
    get_request(&client).await.expect("reached over TLS");
}

#[tokio::test]
async fn the_server_is_reached_once_its_ca_is_added_from_a_bundle_file() {
    let ca = Ca::new("Example Corp Root CA");
    let other = Ca::new("Some Other CA");
    let (_backend, front) = deployment(&ca.localhost()).await;
    let bundle = TempFile::new("bundle.pem", &format!("{}\n{}", other.pem(), ca.pem()));
    let client = client(front.base("localhost"))
        .add_root_certificate_file(&bundle.0)
        .build()
        .expect("client");
    get_request(&client).await.expect("reached over TLS");
}

#[tokio::test]
async fn only_the_added_cas_can_be_trusted() {
    let ca = Ca::new("Example Corp Root CA");
    let (_backend, front) = deployment(&ca.localhost()).await;
    let trusting = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .platform_trust_store(false)
        .build()
        .expect("client");
    get_request(&trusting).await.expect("reached over TLS");
    let other = client(front.base("localhost"))
        .add_root_certificate_pem(Ca::new("Another CA").pem())
        .platform_trust_store(false)
        .build()
        .expect("client");
    let error = get_request(&other).await.expect_err("another CA");
    assert_eq!(transport_kind(&error), TransportErrorKind::CertificateNotTrusted);
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused_as_a_name_mismatch() {
    let ca = Ca::new("Example Corp Root CA");
    let (_backend, front) = deployment(&ca.leaf(&["ogg.example.com"], false, 2020, 2100)).await;
    let client = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .build()
        .expect("client");
    let error = get_request(&client).await.expect_err("wrong name");
    assert_eq!(transport_kind(&error), TransportErrorKind::CertificateNameMismatch);
    let text = error.to_string();
    assert!(text.contains("does not match the host name"), "{text}");
    assert!(
        text.contains("ogg.example.com"),
        "the names it is valid for are told: {text}"
    );
    assert!(!error.is_retryable());
    assert_eq!(front.connections(), 1);
}

#[tokio::test]
async fn an_expired_certificate_is_refused_as_expired() {
    let ca = Ca::new("Example Corp Root CA");
    let (_backend, front) = deployment(&ca.leaf(&["localhost"], false, 2019, 2021)).await;
    let client = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .build()
        .expect("client");
    let error = get_request(&client).await.expect_err("expired");
    assert_eq!(transport_kind(&error), TransportErrorKind::CertificateExpired);
    let text = error.to_string();
    assert!(text.contains("has expired"), "{text}");
    assert!(text.contains("2021-01-01"), "the end of validity is told: {text}");
    assert!(!error.is_retryable());
    assert_eq!(front.connections(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_named_as_such_and_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let client = client(format!("https://127.0.0.1:{port}{PREFIX}"))
        .build()
        .expect("client");
    let error = get_request(&client).await.expect_err("nothing listens");
    assert_eq!(transport_kind(&error), TransportErrorKind::ConnectionRefused);
    assert!(
        error
            .to_string()
            .contains(&format!("connection refused by 127.0.0.1:{port}")),
        "{error}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn certificate_verification_can_be_turned_off_for_this_machine() {
    let ca = Ca::new("Example Corp Root CA");
    let (_backend, front) = deployment(&ca.localhost()).await;
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let client = tracing::subscriber::with_default(subscriber, || {
        client(front.base("localhost"))
            .danger_accept_invalid_certificates()
            .build()
    })
    .expect("loopback: credentials stay on this machine");
    let logged = logs.text();
    assert!(
        logged.contains("WARN") && logged.contains("certificate verification is OFF"),
        "{logged}"
    );
    get_request(&client).await.expect("reached without verification");
}

/// Log lines written by a test's subscriber.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut bytes) = self.0.lock() {
            bytes.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn the_escape_hatch_takes_a_reqwest_client_configured_by_the_caller() {
    let ca = Ca::new("Example Corp Root CA");
    let (_backend, front) = deployment(&ca.leaf(&["ogg.internal"], false, 2020, 2100)).await;
    let http = reqwest::Client::builder()
        .tls_certs_merge([reqwest::Certificate::from_pem(ca.pem().as_bytes()).expect("CA")])
        // A DNS override, which the builder does not offer: a name that resolves nowhere, pointed at loopback.
        .resolve("ogg.internal", SocketAddr::from(([127, 0, 0, 1], front.port)))
        .build()
        .expect("reqwest client");
    let client = client(front.base("ogg.internal"))
        .http_client(http)
        .build()
        .expect("client");
    get_request(&client).await.expect("reached with the caller's client");

    let conflict = client_without_retries(front.base("localhost"))
        .http_client(reqwest::Client::new())
        .add_root_certificate_pem(ca.pem())
        .build();
    assert!(
        matches!(&conflict, Err(ConfigError::HttpClientConflict { settings }) if settings == &["add_root_certificate"]),
        "{:?}",
        conflict.err()
    );
}

fn client_without_retries(base: String) -> sdk_runtime::ClientBuilder<sdk_ogg::Client> {
    sdk_ogg::Client::builder(base).basic_auth("oggadmin", "s3cret-Pa55")
}

/// A CONNECT proxy on loopback that wants `Proxy-Authorization: Basic` with `user:password`.
struct Proxy {
    port: u16,
    tunnels: Arc<AtomicUsize>,
    refusals: Arc<AtomicUsize>,
}

impl Proxy {
    async fn start(user: &str, password: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let expected = format!(
            "basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        );
        let tunnels = Arc::new(AtomicUsize::new(0));
        let refusals = Arc::new(AtomicUsize::new(0));
        let (opened, refused) = (tunnels.clone(), refusals.clone());
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let expected = expected.clone();
                let (opened, refused) = (opened.clone(), refused.clone());
                tokio::spawn(async move {
                    let Some(head) = read_head(&mut tcp).await else { return };
                    let mut lines = head.lines();
                    let target = lines
                        .next()
                        .and_then(|line| line.strip_prefix("CONNECT "))
                        .and_then(|rest| rest.split(' ').next())
                        .map(str::to_owned);
                    let authorized = lines.any(|line| {
                        line.split_once(':').is_some_and(|(name, value)| {
                            name.eq_ignore_ascii_case("proxy-authorization")
                                && value.trim().eq_ignore_ascii_case(&expected)
                        })
                    });
                    let Some(target) = target else { return };
                    if !authorized {
                        refused.fetch_add(1, Ordering::SeqCst);
                        let _ = tcp
                            .write_all(
                                b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n",
                            )
                            .await;
                        return;
                    }
                    let Ok(mut upstream) = TcpStream::connect(target).await else {
                        return;
                    };
                    opened.fetch_add(1, Ordering::SeqCst);
                    if tcp
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await
                        .is_ok()
                    {
                        let _ = tokio::io::copy_bidirectional(&mut tcp, &mut upstream).await;
                    }
                });
            }
        });
        Self {
            port,
            tunnels,
            refusals,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Reads a request head, byte by byte so that nothing after it is consumed.
async fn read_head(tcp: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(tcp.read_u8().await.ok()?);
        if head.len() > 16 * 1024 {
            return None;
        }
    }
    String::from_utf8(head).ok()
}

#[tokio::test]
async fn the_server_is_reached_through_a_connect_proxy_with_its_credentials() {
    let ca = Ca::new("Example Corp Root CA");
    let (_backend, front) = deployment(&ca.localhost()).await;
    let proxy = Proxy::start("proxy.user", "proxy-Pa55").await;
    let client = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .proxy(proxy.url())
        .proxy_basic_auth("proxy.user", "proxy-Pa55")
        .build()
        .expect("client");
    get_request(&client).await.expect("reached through the proxy");
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 1);
    assert_eq!(proxy.refusals.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn wrong_proxy_credentials_are_refused_with_a_clear_error_and_not_retried() {
    let ca = Ca::new("Example Corp Root CA");
    let (_backend, front) = deployment(&ca.localhost()).await;
    let proxy = Proxy::start("proxy.user", "proxy-Pa55").await;
    let client = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .proxy(proxy.url())
        .proxy_basic_auth("proxy.user", "wrong")
        .build()
        .expect("client");
    let error = get_request(&client).await.expect_err("wrong proxy credentials");
    assert_eq!(transport_kind(&error), TransportErrorKind::ProxyAuthenticationRequired);
    let text = error.to_string();
    assert!(text.contains("proxy authentication required"), "{text}");
    assert!(!text.contains("wrong"), "the password is not shown: {text}");
    assert!(!error.is_retryable());
    assert_eq!(proxy.refusals.load(Ordering::SeqCst), 1);
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 0);
    assert_eq!(front.connections(), 0);
}

#[tokio::test]
async fn a_proxy_that_forbids_the_tunnel_is_named_and_not_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let asked = Arc::new(AtomicUsize::new(0));
    let counted = asked.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            if read_head(&mut tcp).await.is_some() {
                counted.fetch_add(1, Ordering::SeqCst);
                let _ = tcp
                    .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                    .await;
            }
        }
    });
    let client = client("https://ogg.example.com/services/v2".to_owned())
        .proxy(format!("http://127.0.0.1:{port}"))
        .build()
        .expect("client");
    let error = get_request(&client).await.expect_err("forbidden");
    assert_eq!(transport_kind(&error), TransportErrorKind::ProxyRefused);
    assert!(
        error
            .to_string()
            .contains("proxy refused the tunnel to ogg.example.com"),
        "{error}"
    );
    assert!(!error.is_retryable());
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_server_requiring_a_client_certificate_gets_it_and_refuses_without() {
    let ca = Ca::new("Example Corp Root CA");
    let clients_ca = Ca::new("Example Corp Client CA");
    let backend = goldengate().await;
    let front = TlsFront::start(server_config(&ca.localhost(), Some(&clients_ca)), *backend.address()).await;
    let identity = clients_ca.leaf(&["ogg-client.example.com"], true, 2020, 2100);

    let with = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .client_certificate_pem(identity.cert_pem.clone(), identity.key_pem.clone())
        .build()
        .expect("client");
    get_request(&with).await.expect("mutual TLS");

    let cert = TempFile::new("client.pem", &identity.cert_pem);
    let key = TempFile::new("client.key", &identity.key_pem);
    let from_files = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .client_certificate_files(&cert.0, &key.0)
        .build()
        .expect("client");
    get_request(&from_files).await.expect("mutual TLS, from files");

    let before = front.connections();
    let without = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .build()
        .expect("client");
    let error = get_request(&without).await.expect_err("no client certificate");
    assert_eq!(transport_kind(&error), TransportErrorKind::ClientCertificateRequired);
    assert!(error.to_string().contains("requires a client certificate"), "{error}");
    assert!(!error.is_retryable());
    assert_eq!(front.connections() - before, 1);
}

#[tokio::test]
async fn bad_certificate_settings_are_configuration_errors_that_name_the_file() {
    let missing = std::env::temp_dir().join("sdk-tls-no-such-file.pem");
    let error = client_without_retries("https://localhost:1/services/v2".to_owned())
        .add_root_certificate_file(&missing)
        .build()
        .expect_err("no such file");
    assert!(matches!(error, ConfigError::ReadFile { .. }), "{error:?}");
    assert!(error.to_string().contains("sdk-tls-no-such-file.pem"), "{error}");

    let garbage = TempFile::new("garbage.pem", "this is not a certificate\n");
    let error = client_without_retries("https://localhost:1/services/v2".to_owned())
        .add_root_certificate_file(&garbage.0)
        .build()
        .expect_err("no certificate");
    assert!(matches!(error, ConfigError::InvalidPem { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("garbage.pem") && text.contains("CA certificate"),
        "{text}"
    );
}

/// Serves GoldenGate requests that complete at their third poll.
async fn goldengate_in_progress() -> MockServer {
    let server = MockServer::start().await;
    for id in 1..=3 {
        Mock::given(method("GET"))
            .and(path_regex(format!("^{PREFIX}/requests/{id}$")))
            .respond_with(ResponseTemplate::new(200).set_body_json(ogg_status(false)))
            .up_to_n_times(2)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path_regex(format!("^{PREFIX}/requests/[0-9]+$")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ogg_status(true)))
        .mount(&server)
        .await;
    server
}

fn quick_polls() -> WaitPolicy {
    WaitPolicy::default()
        .initial_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(20))
        .max_wait(Duration::from_secs(60))
}

#[tokio::test]
async fn a_waiter_follows_a_request_over_tls() {
    let ca = Ca::new("Example Corp Root CA");
    let backend = goldengate_in_progress().await;
    let front = TlsFront::start(server_config(&ca.localhost(), None), *backend.address()).await;
    let client = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .build()
        .expect("client");
    let outcome = client.wait_for_request(1).with_policy(quick_polls()).wait().await;
    assert!(matches!(outcome, Outcome::Succeeded(_)), "{outcome:?}");
    let polls = backend.received_requests().await.map_or(0, |r| r.len());
    assert_eq!(polls, 3);
}

#[tokio::test]
async fn a_wait_set_follows_requests_over_tls() {
    let ca = Ca::new("Example Corp Root CA");
    let backend = goldengate_in_progress().await;
    let front = TlsFront::start(server_config(&ca.localhost(), None), *backend.address()).await;
    let client = client(front.base("localhost"))
        .add_root_certificate_pem(ca.pem())
        .build()
        .expect("client");
    let set = client.wait_set(quick_polls());
    let waits: Vec<_> = (1..=3).map(|id| set.add(id)).collect();
    for wait in waits {
        let outcome = wait.await;
        assert!(matches!(outcome, Outcome::Succeeded(_)), "{outcome:?}");
    }
    let polls = backend.received_requests().await.map_or(0, |r| r.len());
    assert_eq!(polls, 9);
}
