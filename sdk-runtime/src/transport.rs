//! What went wrong when a call got no usable reply, in words a person understands.
//!
//! reqwest reports a failed exchange as one error whose message is a chain of its layers' messages
//! (`client error (Connect): invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))`). The cause a person
//! can act on is somewhere in that chain, as a typed error: an [`std::io::Error`] kind, a [`rustls::Error`], a
//! [`hyper::Error`]. [`TransportError`] walks the chain once, when the error is made, downcasting each link, and
//! keeps both: the cause as a [`TransportErrorKind`] (which also decides whether a retry may help) and the whole
//! chain for [`source`](std::error::Error::source).

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::sync::Arc;

use http::{Method, StatusCode};
use rustls::{AlertDescription, CertificateError};

use crate::error::Error;

/// The cause of a transport failure, as far as it can be told from the error's chain.
///
/// Certificate, name, client-certificate and proxy-credential failures are never retried: sending the same request
/// again cannot change them. Refused, reset and timed-out connections, and failed name lookups, may be retried (an
/// idempotent call, or one whose connection never opened; see [`RetryPolicy`](crate::RetryPolicy)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The server's certificate is not issued by an authority this client trusts (self-signed, or from a company
    /// CA that was not added to the client builder).
    CertificateNotTrusted,
    /// The server's certificate is valid, but for other host names than the one called.
    CertificateNameMismatch,
    /// The server's certificate has expired.
    CertificateExpired,
    /// The server's certificate is not valid yet (or this machine's clock is behind).
    CertificateNotYetValid,
    /// The server's certificate has been revoked by its issuer.
    CertificateRevoked,
    /// The server's certificate was rejected for another reason (bad encoding, wrong purpose, bad signature).
    CertificateInvalid,
    /// The server requires a client certificate (mutual TLS) and none was sent.
    ClientCertificateRequired,
    /// The server rejected the client certificate that was sent.
    ClientCertificateRejected,
    /// The TLS handshake failed for another reason (no common protocol version or cipher suite, say).
    TlsHandshake,
    /// The host refused the connection: nothing listens on that port, or a firewall rejects it.
    ConnectionRefused,
    /// The host name could not be resolved.
    DnsFailure,
    /// The proxy could not be reached.
    ProxyUnreachable,
    /// The proxy asked for credentials (`407`), or refused the ones sent.
    ProxyAuthenticationRequired,
    /// The proxy refused to open a tunnel to the host.
    ProxyRefused,
    /// The connection could not be opened in the time allowed.
    ConnectTimeout,
    /// The reply did not arrive in the time allowed.
    Timeout,
    /// The connection was reset or aborted.
    ConnectionReset,
    /// The server closed the connection before its reply was complete.
    ConnectionClosed,
    /// Another failure; the error's chain says more.
    Other,
}

impl TransportErrorKind {
    /// Whether the cause is a failure to verify the server's certificate.
    pub fn is_certificate(self) -> bool {
        matches!(
            self,
            Self::CertificateNotTrusted
                | Self::CertificateNameMismatch
                | Self::CertificateExpired
                | Self::CertificateNotYetValid
                | Self::CertificateRevoked
                | Self::CertificateInvalid
        )
    }

    /// Whether the same request may get through on a second try. `None` for [`Other`](Self::Other), which is
    /// judged by reqwest's own classification.
    fn retryable(self) -> Option<bool> {
        match self {
            Self::ConnectionRefused
            | Self::DnsFailure
            | Self::ProxyUnreachable
            | Self::ConnectTimeout
            | Self::Timeout
            | Self::ConnectionReset
            | Self::ConnectionClosed => Some(true),
            Self::CertificateNotTrusted
            | Self::CertificateNameMismatch
            | Self::CertificateExpired
            | Self::CertificateNotYetValid
            | Self::CertificateRevoked
            | Self::CertificateInvalid
            | Self::ClientCertificateRequired
            | Self::ClientCertificateRejected
            | Self::TlsHandshake
            | Self::ProxyAuthenticationRequired
            | Self::ProxyRefused => Some(false),
            Self::Other => None,
        }
    }
}

/// The call a transport failure happened in.
#[derive(Clone, Debug)]
struct Call {
    service: &'static str,
    operation: &'static str,
    method: Method,
}

/// A call that got no usable reply: connection refused or reset, TLS failure, proxy refusal, timeout.
///
/// Its `Display` is one line: the service and the call when known, the cause in words, and the path. The whole
/// chain of the underlying [`reqwest::Error`] stays reachable through [`source`](std::error::Error::source) and
/// [`reqwest_error`](Self::reqwest_error).
#[derive(Clone)]
pub struct TransportError {
    call: Option<Call>,
    kind: TransportErrorKind,
    /// What the chain said beyond the kind: the names a certificate is valid for, the end of its validity, the
    /// TLS alert or error. Already in words.
    detail: Option<String>,
    /// `host` or `host:port` of the URL called.
    host: Option<String>,
    /// The path of the URL called (no query: it may carry values a log should not keep).
    path: Option<String>,
    source: Arc<reqwest::Error>,
}

impl TransportError {
    /// Classifies `error`, a failure of a call that is not known (a body read outside a call, say).
    pub fn new(error: reqwest::Error) -> Self {
        let (kind, detail) = classify(&error);
        let url = error.url();
        let host = url.and_then(|url| {
            let host = url.host_str()?;
            Some(match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        });
        let path = url.map(|url| url.path().to_owned());
        Self {
            call: None,
            kind,
            detail,
            host,
            path,
            source: Arc::new(error),
        }
    }

    /// The failure of the call `operation` (`method`) of `service`.
    pub fn of_call(service: &'static str, operation: &'static str, method: &Method, error: reqwest::Error) -> Self {
        Self {
            call: Some(Call {
                service,
                operation,
                method: method.clone(),
            }),
            ..Self::new(error)
        }
    }

    /// The cause.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The short name of the service, when the failure happened in a call.
    pub fn service(&self) -> Option<&'static str> {
        self.call.as_ref().map(|call| call.service)
    }

    /// The operation (the snake_case name of the generated method), when the failure happened in a call.
    pub fn operation(&self) -> Option<&'static str> {
        self.call.as_ref().map(|call| call.operation)
    }

    /// The HTTP method of the call, when known.
    pub fn method(&self) -> Option<&Method> {
        self.call.as_ref().map(|call| &call.method)
    }

    /// The host called (`host` or `host:port`), when known.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The path of the URL called, when known.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The underlying error, with its whole chain.
    pub fn reqwest_error(&self) -> &reqwest::Error {
        &self.source
    }

    /// Whether the failure happened while opening the connection (TLS handshake and proxy tunnel included): the
    /// server cannot have acted on the request.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }

    /// Whether the failure is a timeout (connecting, or waiting for the reply).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::ConnectTimeout | TransportErrorKind::Timeout
        ) || self.source.is_timeout()
    }

    /// The HTTP status, when the failure came after one (a body cut off, say).
    pub fn status(&self) -> Option<StatusCode> {
        self.source.status()
    }

    /// Whether sending the same request again may succeed: never after a certificate, name, client-certificate or
    /// proxy-credential failure; after a refused, reset or timed-out connection or a failed name lookup, yes.
    pub fn is_retryable(&self) -> bool {
        is_retryable(self.kind, &self.source)
    }

    fn cause(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = self.host.as_deref().unwrap_or("the server");
        match self.kind {
            TransportErrorKind::CertificateNotTrusted => {
                let why = self
                    .detail
                    .as_deref()
                    .unwrap_or("its issuer is not among the trusted CAs");
                return write!(
                    f,
                    "certificate of {host} not trusted: {why} (add the CA certificate with add_root_certificate_pem or add_root_certificate_file)"
                );
            }
            TransportErrorKind::CertificateNameMismatch => {
                write!(f, "certificate of {host} does not match the host name")
            }
            TransportErrorKind::CertificateExpired => write!(f, "certificate of {host} has expired"),
            TransportErrorKind::CertificateNotYetValid => {
                write!(
                    f,
                    "certificate of {host} is not valid yet (or this machine's clock is behind)"
                )
            }
            TransportErrorKind::CertificateRevoked => write!(f, "certificate of {host} has been revoked"),
            TransportErrorKind::CertificateInvalid => write!(f, "certificate of {host} rejected"),
            TransportErrorKind::ClientCertificateRequired => {
                write!(f, "{host} requires a client certificate (mutual TLS) and none was sent")
            }
            TransportErrorKind::ClientCertificateRejected => {
                write!(f, "{host} rejected the client certificate")
            }
            TransportErrorKind::TlsHandshake => write!(f, "TLS handshake with {host} failed"),
            TransportErrorKind::ConnectionRefused => write!(
                f,
                "connection refused by {host} (nothing listens on that port, or a firewall rejects it)"
            ),
            TransportErrorKind::DnsFailure => write!(f, "host name of {host} could not be resolved (DNS)"),
            TransportErrorKind::ProxyUnreachable => write!(f, "proxy could not be reached"),
            TransportErrorKind::ProxyAuthenticationRequired => write!(
                f,
                "proxy refused the tunnel to {host}: proxy authentication required (check the proxy credentials)"
            ),
            TransportErrorKind::ProxyRefused => write!(f, "proxy refused the tunnel to {host}"),
            TransportErrorKind::ConnectTimeout => write!(f, "timed out connecting to {host}"),
            TransportErrorKind::Timeout => write!(f, "timed out waiting for the reply of {host}"),
            TransportErrorKind::ConnectionReset => write!(f, "connection to {host} reset"),
            TransportErrorKind::ConnectionClosed => {
                write!(f, "{host} closed the connection before its reply was complete")
            }
            TransportErrorKind::Other => write!(f, "no usable reply from {host}"),
        }?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.call {
            Some(call) => write!(f, "{} transport failure: ", call.service)?,
            None => f.write_str("transport failure: ")?,
        }
        self.cause(f)?;
        match (&self.call, &self.path) {
            (Some(call), Some(path)) => write!(f, " ({} {} {path})", call.operation, call.method),
            (Some(call), None) => write!(f, " ({} {})", call.operation, call.method),
            (None, Some(path)) => write!(f, " ({path})"),
            (None, None) => Ok(()),
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("service", &self.service())
            .field("operation", &self.operation())
            .field("method", &self.method())
            .field("kind", &self.kind)
            .field("detail", &self.detail)
            .field("host", &self.host)
            .field("path", &self.path)
            .field("source", &self.source)
            .finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

impl Error {
    /// The error of the call `operation` (`method`) of `service` that got no usable reply. Called by the runtime;
    /// not meant to be called directly.
    #[doc(hidden)]
    pub fn transport_of_call(
        service: &'static str,
        operation: &'static str,
        method: &Method,
        error: reqwest::Error,
    ) -> Self {
        Self::Transport(Box::new(TransportError::of_call(service, operation, method, error)))
    }
}

/// The one rule of [`TransportError::is_retryable`] and [`retry::is_retryable_transport`](crate::retry::is_retryable_transport).
pub(crate) fn is_retryable(kind: TransportErrorKind, error: &reqwest::Error) -> bool {
    kind.retryable()
        .unwrap_or_else(|| error.is_connect() || error.is_timeout() || error.is_request())
}

/// The cause of `error`, from its chain, and what the chain says beyond it.
pub(crate) fn classify(error: &reqwest::Error) -> (TransportErrorKind, Option<String>) {
    classify_chain(error, error.is_connect(), error.is_timeout())
}

/// Walks the chain from `error` outwards-in; the first link that names a cause decides. `connect` and `timeout`
/// are reqwest's own flags, used when no link is more precise.
fn classify_chain(
    error: &(dyn StdError + 'static),
    connect: bool,
    timeout: bool,
) -> (TransportErrorKind, Option<String>) {
    let mut link = Some(error);
    while let Some(current) = link {
        if let Some(found) = classify_link(current, connect) {
            return found;
        }
        // `io::Error::source` skips the error it wraps (it returns that error's source), so the wrapped error,
        // which may be the `rustls::Error` that says it all, is visited through `get_ref`.
        link = match current.downcast_ref::<io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => current.source(),
        };
    }
    let kind = match (timeout, connect) {
        (true, true) => TransportErrorKind::ConnectTimeout,
        (true, false) => TransportErrorKind::Timeout,
        _ => TransportErrorKind::Other,
    };
    let detail =
        (kind == TransportErrorKind::Other).then(|| crate::error::one_line(&crate::error::with_causes(error), 300));
    (kind, detail)
}

/// What one link of the chain says, if it names a cause.
fn classify_link(link: &(dyn StdError + 'static), connect: bool) -> Option<(TransportErrorKind, Option<String>)> {
    if let Some(tls) = link.downcast_ref::<rustls::Error>() {
        return Some(classify_tls(tls));
    }
    if let Some(io) = link.downcast_ref::<io::Error>() {
        let kind = match io.kind() {
            io::ErrorKind::ConnectionRefused => TransportErrorKind::ConnectionRefused,
            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => {
                TransportErrorKind::ConnectionReset
            }
            io::ErrorKind::TimedOut if connect => TransportErrorKind::ConnectTimeout,
            io::ErrorKind::TimedOut => TransportErrorKind::Timeout,
            io::ErrorKind::UnexpectedEof => TransportErrorKind::ConnectionClosed,
            _ => return None,
        };
        return Some((kind, None));
    }
    if let Some(hyper) = link.downcast_ref::<hyper::Error>() {
        if hyper.is_incomplete_message() || hyper.is_canceled() {
            return Some((TransportErrorKind::ConnectionClosed, None));
        }
        if hyper.is_timeout() {
            let kind = if connect {
                TransportErrorKind::ConnectTimeout
            } else {
                TransportErrorKind::Timeout
            };
            return Some((kind, None));
        }
        return None;
    }
    classify_untyped(link)
}

/// Links whose types hyper-util does not export (its connector's `ConnectError` and its proxy tunnel's
/// `TunnelError`): recognised by their fixed messages, the only thing they expose. Used only when no typed link
/// named the cause first.
fn classify_untyped(link: &(dyn StdError + 'static)) -> Option<(TransportErrorKind, Option<String>)> {
    let debug = format!("{link:?}");
    let kind = if debug == "ProxyAuthRequired" {
        TransportErrorKind::ProxyAuthenticationRequired
    } else if debug == "TunnelUnsuccessful" || debug == "TunnelUnexpectedEof" {
        TransportErrorKind::ProxyRefused
    } else if debug.starts_with("ConnectFailed(") {
        // The tunnel's connection to the proxy itself failed: the host in the URL is not the one that failed.
        let cause = link.source().map(crate::error::with_causes).unwrap_or_default();
        return Some((
            TransportErrorKind::ProxyUnreachable,
            (!cause.is_empty()).then(|| crate::error::one_line(&cause, 200)),
        ));
    } else if debug.starts_with("ConnectError(\"dns error\"") {
        TransportErrorKind::DnsFailure
    } else {
        return None;
    };
    Some((kind, None))
}

/// The cause of a TLS failure, and its detail in words.
fn classify_tls(error: &rustls::Error) -> (TransportErrorKind, Option<String>) {
    match error {
        rustls::Error::InvalidCertificate(certificate) => classify_certificate(certificate),
        rustls::Error::AlertReceived(alert) => match alert {
            AlertDescription::CertificateRequired => (TransportErrorKind::ClientCertificateRequired, None),
            AlertDescription::BadCertificate
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnknownCA
            | AlertDescription::AccessDenied => (
                TransportErrorKind::ClientCertificateRejected,
                Some(format!("the server sent the TLS alert {alert:?}")),
            ),
            other => (
                TransportErrorKind::TlsHandshake,
                Some(format!("the server sent the TLS alert {other:?}")),
            ),
        },
        other => (TransportErrorKind::TlsHandshake, Some(other.to_string())),
    }
}

/// The cause of a certificate the client could not verify.
fn classify_certificate(error: &CertificateError) -> (TransportErrorKind, Option<String>) {
    match error {
        CertificateError::UnknownIssuer => (TransportErrorKind::CertificateNotTrusted, None),
        CertificateError::NotValidForName => (TransportErrorKind::CertificateNameMismatch, None),
        CertificateError::NotValidForNameContext { presented, .. } => (
            TransportErrorKind::CertificateNameMismatch,
            (!presented.is_empty()).then(|| {
                let names: Vec<&str> = presented.iter().map(|name| presented_name(name)).collect();
                format!("it is valid for {}", names.join(", "))
            }),
        ),
        CertificateError::Expired => (TransportErrorKind::CertificateExpired, None),
        CertificateError::ExpiredContext { not_after, .. } => (
            TransportErrorKind::CertificateExpired,
            Some(format!("it was valid until {}", utc(not_after.as_secs()))),
        ),
        CertificateError::NotValidYet => (TransportErrorKind::CertificateNotYetValid, None),
        CertificateError::NotValidYetContext { not_before, .. } => (
            TransportErrorKind::CertificateNotYetValid,
            Some(format!("it is valid from {}", utc(not_before.as_secs()))),
        ),
        CertificateError::Revoked => (TransportErrorKind::CertificateRevoked, None),
        CertificateError::Other(other) => match other.0.downcast_ref::<webpki::Error>() {
            Some(webpki::Error::CaUsedAsEndEntity) => (
                TransportErrorKind::CertificateNotTrusted,
                Some("it presents a CA certificate as its own (a self-signed CA)".to_owned()),
            ),
            Some(webpki::Error::UnknownIssuer) => (TransportErrorKind::CertificateNotTrusted, None),
            Some(webpki::Error::CertExpired { .. }) => (TransportErrorKind::CertificateExpired, None),
            Some(webpki::Error::CertNotValidYet { .. }) => (TransportErrorKind::CertificateNotYetValid, None),
            Some(webpki::Error::CertNotValidForName(_)) => (TransportErrorKind::CertificateNameMismatch, None),
            _ => (TransportErrorKind::CertificateInvalid, Some(other.0.to_string())),
        },
        other => (TransportErrorKind::CertificateInvalid, Some(format!("{other:?}"))),
    }
}

/// A name of a certificate as rustls presents it (`DnsName("ogg.example.com")`), without the wrapping.
fn presented_name(name: &str) -> &str {
    name.strip_prefix("DnsName(\"")
        .and_then(|rest| rest.strip_suffix("\")"))
        .unwrap_or(name)
}

/// Seconds since the epoch as an RFC 3339 UTC time.
fn utc(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map_or_else(
            || format!("{seconds} s after 1970"),
            |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link of a chain with a fixed message and an optional cause, standing for reqwest's and hyper-util's
    /// wrappers.
    #[derive(Debug)]
    struct Wrap(&'static str, Option<Box<dyn StdError + Send + Sync>>);

    impl fmt::Display for Wrap {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Wrap {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_deref().map(|e| e as &(dyn StdError + 'static))
        }
    }

    /// The chain reqwest builds for a failure inside its connector: request error, client error, then `cause`.
    fn chain(cause: impl StdError + Send + Sync + 'static) -> Wrap {
        Wrap(
            "error sending request",
            Some(Box::new(Wrap("client error (Connect)", Some(Box::new(cause))))),
        )
    }

    fn tls_in_io(error: rustls::Error) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, error)
    }

    fn kind_of(error: &(dyn StdError + 'static), connect: bool, timeout: bool) -> TransportErrorKind {
        classify_chain(error, connect, timeout).0
    }

    #[test]
    fn certificate_failures_are_found_inside_io_errors() {
        for (certificate, expected) in [
            (
                CertificateError::UnknownIssuer,
                TransportErrorKind::CertificateNotTrusted,
            ),
            (
                CertificateError::NotValidForName,
                TransportErrorKind::CertificateNameMismatch,
            ),
            (CertificateError::Expired, TransportErrorKind::CertificateExpired),
            (
                CertificateError::NotValidYet,
                TransportErrorKind::CertificateNotYetValid,
            ),
            (CertificateError::Revoked, TransportErrorKind::CertificateRevoked),
            (CertificateError::BadSignature, TransportErrorKind::CertificateInvalid),
        ] {
            let error = chain(tls_in_io(rustls::Error::InvalidCertificate(certificate.clone())));
            assert_eq!(kind_of(&error, true, false), expected, "{certificate:?}");
            assert!(expected.is_certificate());
            assert_eq!(expected.retryable(), Some(false));
        }
    }

    #[test]
    fn a_self_signed_ca_used_as_a_server_certificate_is_not_trusted() {
        let error = chain(tls_in_io(rustls::Error::InvalidCertificate(CertificateError::Other(
            rustls::OtherError(Arc::new(webpki::Error::CaUsedAsEndEntity)),
        ))));
        let (kind, detail) = classify_chain(&error, true, false);
        assert_eq!(kind, TransportErrorKind::CertificateNotTrusted);
        assert!(detail.is_some_and(|d| d.contains("CA certificate")));
    }

    #[test]
    fn expiry_and_names_are_told() {
        let error = chain(tls_in_io(rustls::Error::InvalidCertificate(
            CertificateError::ExpiredContext {
                time: rustls::pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_800_000_000)),
                not_after: rustls::pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_700_000_000)),
            },
        )));
        let (kind, detail) = classify_chain(&error, true, false);
        assert_eq!(kind, TransportErrorKind::CertificateExpired);
        assert_eq!(detail.as_deref(), Some("it was valid until 2023-11-14T22:13:20Z"));

        let error = chain(tls_in_io(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForNameContext {
                expected: rustls::pki_types::ServerName::try_from("localhost").expect("valid name"),
                presented: vec!["DnsName(\"other.example\")".to_owned()],
            },
        )));
        let (kind, detail) = classify_chain(&error, true, false);
        assert_eq!(kind, TransportErrorKind::CertificateNameMismatch);
        assert_eq!(detail.as_deref(), Some("it is valid for other.example"));
    }

    #[test]
    fn alerts_of_the_server_about_the_client_certificate() {
        let required = chain(tls_in_io(rustls::Error::AlertReceived(
            AlertDescription::CertificateRequired,
        )));
        assert_eq!(
            kind_of(&required, false, false),
            TransportErrorKind::ClientCertificateRequired
        );
        let rejected = chain(tls_in_io(rustls::Error::AlertReceived(AlertDescription::UnknownCA)));
        assert_eq!(
            kind_of(&rejected, false, false),
            TransportErrorKind::ClientCertificateRejected
        );
        let other = chain(tls_in_io(rustls::Error::AlertReceived(
            AlertDescription::ProtocolVersion,
        )));
        assert_eq!(kind_of(&other, true, false), TransportErrorKind::TlsHandshake);
        for kind in [
            TransportErrorKind::ClientCertificateRequired,
            TransportErrorKind::ClientCertificateRejected,
            TransportErrorKind::TlsHandshake,
        ] {
            assert_eq!(kind.retryable(), Some(false));
        }
    }

    #[test]
    fn socket_failures_by_io_kind() {
        for (io_kind, connect, expected) in [
            (
                io::ErrorKind::ConnectionRefused,
                true,
                TransportErrorKind::ConnectionRefused,
            ),
            (
                io::ErrorKind::ConnectionReset,
                false,
                TransportErrorKind::ConnectionReset,
            ),
            (io::ErrorKind::BrokenPipe, false, TransportErrorKind::ConnectionReset),
            (io::ErrorKind::TimedOut, true, TransportErrorKind::ConnectTimeout),
            (io::ErrorKind::TimedOut, false, TransportErrorKind::Timeout),
            (
                io::ErrorKind::UnexpectedEof,
                false,
                TransportErrorKind::ConnectionClosed,
            ),
        ] {
            let error = chain(io::Error::from(io_kind));
            assert_eq!(kind_of(&error, connect, false), expected, "{io_kind:?}");
            assert_eq!(expected.retryable(), Some(true));
        }
    }

    #[test]
    fn reqwest_flags_decide_when_no_link_is_precise() {
        let error = chain(Wrap("operation timed out", None));
        assert_eq!(kind_of(&error, true, true), TransportErrorKind::ConnectTimeout);
        assert_eq!(kind_of(&error, false, true), TransportErrorKind::Timeout);
        let (kind, detail) = classify_chain(&error, false, false);
        assert_eq!(kind, TransportErrorKind::Other);
        assert_eq!(
            detail.as_deref(),
            Some("error sending request: client error (Connect): operation timed out")
        );
    }

    /// Stand-ins with the `Debug` output of hyper-util's unexported error types.
    #[derive(Debug)]
    enum TunnelError {
        ProxyAuthRequired,
        TunnelUnsuccessful,
    }

    impl fmt::Display for TunnelError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(self, f)
        }
    }

    impl StdError for TunnelError {}

    #[test]
    fn proxy_refusals_are_not_retried() {
        let auth = chain(TunnelError::ProxyAuthRequired);
        assert_eq!(
            kind_of(&auth, true, false),
            TransportErrorKind::ProxyAuthenticationRequired
        );
        let refused = chain(TunnelError::TunnelUnsuccessful);
        assert_eq!(kind_of(&refused, true, false), TransportErrorKind::ProxyRefused);
        assert_eq!(TransportErrorKind::ProxyAuthenticationRequired.retryable(), Some(false));
        assert_eq!(TransportErrorKind::ProxyRefused.retryable(), Some(false));
    }

    async fn refused_error() -> reqwest::Error {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        drop(listener);
        reqwest::Client::new()
            .get(format!(
                "http://127.0.0.1:{port}/ess/rest/scheduler/v1/requests/42?secret=1"
            ))
            .send()
            .await
            .expect_err("nothing listens")
    }

    #[tokio::test]
    async fn a_refused_connection_names_the_call_the_host_and_the_cause() {
        let error = refused_error().await;
        let port = error.url().and_then(reqwest::Url::port).expect("port");
        let error = Error::transport_of_call("ESS", "get_request", &Method::GET, error);
        assert_eq!(
            error.to_string(),
            format!(
                "ESS transport failure: connection refused by 127.0.0.1:{port} (nothing listens on that port, or a firewall rejects it) (get_request GET /ess/rest/scheduler/v1/requests/42)"
            )
        );
        assert!(error.is_retryable());
        let Error::Transport(transport) = &error else {
            panic!("not a transport error: {error:?}")
        };
        assert_eq!(transport.kind(), TransportErrorKind::ConnectionRefused);
        assert!(transport.is_connect());
        // The whole chain is kept: the error reqwest returned, and below it the socket's.
        let reqwest = StdError::source(&**transport).expect("reqwest error");
        assert!(reqwest.downcast_ref::<reqwest::Error>().is_some());
        assert!(reqwest.source().is_some());
    }

    #[tokio::test]
    async fn outside_a_call_the_path_is_named() {
        let error = Error::transport(refused_error().await);
        let text = error.to_string();
        assert!(
            text.starts_with("transport failure: connection refused by 127.0.0.1:"),
            "{text}"
        );
        assert!(text.ends_with("(/ess/rest/scheduler/v1/requests/42)"), "{text}");
        assert!(!text.contains("secret"), "{text}");
    }

    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_millis(300))
            .build()
            .expect("client")
    }

    #[tokio::test]
    async fn a_name_that_does_not_resolve_is_a_dns_failure() {
        // `.invalid` never resolves (RFC 6761).
        let error = client()
            .get("https://ogg.invalid/services/v2/requests")
            .send()
            .await
            .expect_err("no such name");
        let error = TransportError::new(error);
        assert_eq!(error.kind(), TransportErrorKind::DnsFailure, "{error:?}");
        assert!(
            error.to_string().contains("ogg.invalid could not be resolved"),
            "{error}"
        );
        assert!(error.is_retryable());
    }

    #[tokio::test]
    async fn a_server_that_never_replies_times_out_and_one_that_hangs_up_closes() {
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = silent.local_addr().expect("address");
        let held = tokio::spawn(async move {
            // Accepts, then holds the connection without a reply.
            let (stream, _) = silent.accept().await.expect("accept");
            std::future::pending::<()>().await;
            drop(stream);
        });
        let error = client()
            .get(format!("http://{address}/"))
            .send()
            .await
            .expect_err("no reply");
        let error = TransportError::new(error);
        assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error:?}");
        assert!(error.is_timeout() && error.is_retryable());
        held.abort();

        let rude = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = rude.local_addr().expect("address");
        tokio::spawn(async move {
            while let Ok((stream, _)) = rude.accept().await {
                drop(stream);
            }
        });
        let error = client()
            .get(format!("http://{address}/"))
            .send()
            .await
            .expect_err("hung up");
        let error = TransportError::new(error);
        assert!(
            matches!(
                error.kind(),
                TransportErrorKind::ConnectionClosed | TransportErrorKind::ConnectionReset
            ),
            "{error:?}"
        );
        assert!(error.is_retryable());
    }
}
