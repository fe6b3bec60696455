//! HTTPS: the simulator's TLS identity and the CA certificate a client trusts to reach it.
//!
//! Like a GoldenGate deployment created with self-signed certificates, the simulator can make its own at
//! start ([`TlsIdentity::SelfSigned`]): a CA certificate, and a server certificate for `localhost`,
//! `127.0.0.1` and `::1` (and the address it listens on) signed by that CA. A client trusts the CA, as it
//! would trust a deployment's CA, and reaches the simulator by name or address. Or it serves a given
//! certificate chain and private key ([`TlsIdentity::PemFiles`]); the last certificate of the chain stands
//! for the CA.
//!
//! Either way the CA certificate is written, as PEM, to a file ([`CaCertificate::path`]): a path the builder
//! names, or `ca.pem` in a fresh temporary directory that is removed when the simulator stops. The in-process
//! API returns it ([`crate::simulator::Simulator::ca_certificate`]); the standalone binary prints its path.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use crate::error::Error;

/// Where the simulator's certificate comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsIdentity {
    /// Made at start: a CA, and a server certificate for `localhost`, `127.0.0.1`, `::1` and the listening
    /// address, signed by it. Nothing to prepare; the CA is new for every start.
    SelfSigned,
    /// Read from PEM files: a certificate chain (the server's certificate first) and its private key
    /// (PKCS #8, PKCS #1 or SEC1). The last certificate of the chain is reported as the CA.
    PemFiles {
        /// The certificate chain.
        cert_chain: PathBuf,
        /// The private key.
        key: PathBuf,
    },
}

/// The CA certificate a client trusts to reach the simulator over HTTPS (e.g. with reqwest's
/// `add_root_certificate(reqwest::Certificate::from_pem(ca.pem().as_bytes())?)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaCertificate {
    pem: String,
    path: PathBuf,
}

impl CaCertificate {
    /// The certificate, PEM-encoded.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// The file that holds it (PEM), for clients configured by path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A temporary directory removed when dropped (with the simulator that made it).
#[derive(Debug)]
pub(crate) struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover file in the temporary directory harms no one.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the server needs for HTTPS, and what it tells clients.
pub(crate) struct Prepared {
    pub(crate) acceptor: TlsAcceptor,
    pub(crate) ca: CaCertificate,
    pub(crate) temp_dir: Option<TempDir>,
}

/// Builds the TLS configuration for a server listening on `ip` and writes the CA certificate to `ca_path`
/// (or to a fresh temporary directory).
pub(crate) fn prepare(identity: &TlsIdentity, ip: IpAddr, ca_path: Option<&Path>) -> Result<Prepared, Error> {
    let (chain, key, ca_pem) = match identity {
        TlsIdentity::SelfSigned => self_signed(ip)?,
        TlsIdentity::PemFiles { cert_chain, key } => from_files(cert_chain, key)?,
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| Error::Tls {
            message: format!("the certificate and key cannot serve TLS: {e}"),
        })?;
    // The server speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let (path, temp_dir) = match ca_path {
        Some(p) => (p.to_owned(), None),
        None => {
            let dir = fresh_temp_dir()?;
            (dir.0.join("ca.pem"), Some(dir))
        }
    };
    std::fs::write(&path, &ca_pem).map_err(|source| Error::CaFile {
        path: path.clone(),
        source,
    })?;
    Ok(Prepared {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        ca: CaCertificate { pem: ca_pem, path },
        temp_dir,
    })
}

type Identity = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>, String);

fn rcgen_error(what: &str) -> impl FnOnce(rcgen::Error) -> Error + '_ {
    move |e| Error::Tls {
        message: format!("cannot make the {what}: {e}"),
    }
}

/// A CA and a server certificate signed by it, as a GoldenGate deployment makes with self-signed
/// certificates.
fn self_signed(ip: IpAddr) -> Result<Identity, Error> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_error("CA certificate"))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "sdk-simulator test CA");
    ca_params
        .distinguished_name
        .push(DnType::OrganizationName, "sdk-simulator");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().map_err(rcgen_error("CA key"))?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(rcgen_error("CA certificate"))?;
    let issuer = Issuer::new(ca_params, ca_key);

    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    if !ip.is_unspecified() && !names.contains(&ip.to_string()) {
        names.push(ip.to_string());
    }
    let mut params = CertificateParams::new(names).map_err(rcgen_error("server certificate"))?;
    params.distinguished_name.push(DnType::CommonName, "localhost");
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate().map_err(rcgen_error("server key"))?;
    let cert = params
        .signed_by(&key, &issuer)
        .map_err(rcgen_error("server certificate"))?;
    let der_key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((vec![cert.der().clone(), ca_cert.der().clone()], der_key, ca_cert.pem()))
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::Tls {
        message: format!("cannot read the {what} {}: {e}", path.display()),
    })
}

/// A chain and key from PEM files; the chain's last certificate, as written in the file, is the CA.
fn from_files(chain_path: &Path, key_path: &Path) -> Result<Identity, Error> {
    let chain_pem = read(chain_path, "certificate chain")?;
    let chain = CertificateDer::pem_slice_iter(&chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Tls {
            message: format!("{} is not a PEM certificate chain: {e}", chain_path.display()),
        })?;
    if chain.is_empty() {
        return Err(Error::Tls {
            message: format!("{} holds no certificate", chain_path.display()),
        });
    }
    let key = PrivateKeyDer::from_pem_slice(&read(key_path, "private key")?).map_err(|e| Error::Tls {
        message: format!("{} is not a PEM private key: {e}", key_path.display()),
    })?;
    let text = String::from_utf8_lossy(&chain_pem);
    let ca_pem = last_certificate_block(&text).ok_or_else(|| Error::Tls {
        message: format!("{} holds no PEM certificate block", chain_path.display()),
    })?;
    Ok((chain, key, ca_pem))
}

/// The last `CERTIFICATE` block of a PEM text, with its armour lines.
fn last_certificate_block(text: &str) -> Option<String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let start = text.rfind(BEGIN)?;
    let end = text.get(start..)?.find(END)? + start + END.len();
    Some(format!("{}\n", text.get(start..end)?))
}

/// A new directory under the system's temporary directory, unique to this process and call.
fn fresh_temp_dir() -> Result<TempDir, Error> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("sdk-simulator-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|source| Error::CaFile {
        path: dir.clone(),
        source,
    })?;
    Ok(TempDir(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_certificate_of_a_chain_is_the_ca() {
        let chain = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n\
                     -----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n";
        assert_eq!(
            last_certificate_block(chain).as_deref(),
            Some("-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n")
        );
        assert_eq!(last_certificate_block("no PEM here"), None);
    }
}
