//! HTTPS: a client that trusts the CA the simulator reports reaches it; one that does not is refused.

use std::error::Error as _;
use std::path::PathBuf;

use sdk_simulator::{Error, Simulator, TlsIdentity};

/// A client that trusts `ca_pem` (and the system's roots).
fn trusting(ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("a PEM certificate");
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .expect("client")
}

/// The error and its causes, in one line.
fn chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// A directory of its own under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdk-simulator-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

#[tokio::test]
async fn a_client_trusting_the_reported_ca_reaches_it_and_others_are_refused() {
    let sim = Simulator::builder()
        .tls(TlsIdentity::SelfSigned)
        .start()
        .await
        .expect("start");
    assert!(sim.ess_url().starts_with("https://127.0.0.1:"), "{}", sim.ess_url());
    let ca = sim.ca_certificate().expect("a CA when serving HTTPS");
    assert!(ca.pem().starts_with("-----BEGIN CERTIFICATE-----"), "{}", ca.pem());
    let written = std::fs::read_to_string(ca.path()).expect("the CA file is written");
    assert_eq!(written, ca.pem());

    // Not trusted: the system's roots do not include the simulator's CA.
    let refused = reqwest::Client::new()
        .get(sim.ess_url())
        .send()
        .await
        .expect_err("an untrusted certificate is refused");
    let why = chain(&refused);
    assert!(refused.is_connect(), "{why}");
    assert!(why.to_ascii_lowercase().contains("certificate"), "{why}");
    assert_eq!(sim.count("getRoot"), 0, "a refused client sends no request");

    // Trusted, by address and by name; links in replies use https.
    let client = trusting(&written);
    let root: serde_json::Value = client
        .get(sim.ess_url())
        .send()
        .await
        .expect("trusted by address")
        .json()
        .await
        .expect("json");
    let self_link = root["links"][0]["href"].as_str().unwrap_or_default();
    assert!(self_link.starts_with("https://"), "{root}");
    let by_name = format!("https://localhost:{}/ess/rest/scheduler/v1", sim.addr().port());
    let reply = client.get(by_name).send().await.expect("trusted by name");
    assert_eq!(reply.status(), 200);
    assert_eq!(sim.count("getRoot"), 2);
}

#[tokio::test]
async fn the_ca_is_written_where_asked_and_a_temporary_one_is_removed_with_the_simulator() {
    let dir = scratch("ca-path");
    let asked = dir.join("simulator-ca.pem");
    let sim = Simulator::builder()
        .tls(TlsIdentity::SelfSigned)
        .tls_ca_path(&asked)
        .start()
        .await
        .expect("start");
    assert_eq!(sim.ca_certificate().map(|c| c.path().to_owned()), Some(asked.clone()));
    let client = trusting(&std::fs::read_to_string(&asked).expect("written where asked"));
    let reply = client
        .get(format!("{}/workRequests/none", sim.analytics_url()))
        .send()
        .await
        .expect("reaches the simulator");
    assert_eq!(reply.status(), 404);
    sim.shutdown().await;
    assert!(asked.exists(), "a file the caller named is kept");
    let _ = std::fs::remove_dir_all(&dir);

    let sim = Simulator::builder()
        .tls(TlsIdentity::SelfSigned)
        .start()
        .await
        .expect("start");
    let temporary = sim.ca_certificate().map(|c| c.path().to_owned()).expect("a CA");
    assert!(temporary.exists());
    drop(sim);
    assert!(!temporary.exists(), "the temporary CA file goes with the simulator");
}

#[tokio::test]
async fn a_given_certificate_and_key_are_served() {
    let dir = scratch("pem-files");
    let key = rcgen::KeyPair::generate().expect("key");
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).expect("params");
    let cert = params.self_signed(&key).expect("certificate");
    let (cert_path, key_path) = (dir.join("server.pem"), dir.join("server.key"));
    std::fs::write(&cert_path, cert.pem()).expect("write certificate");
    std::fs::write(&key_path, key.serialize_pem()).expect("write key");

    let sim = Simulator::builder()
        .tls(TlsIdentity::PemFiles {
            cert_chain: cert_path.clone(),
            key: key_path.clone(),
        })
        .start()
        .await
        .expect("start");
    let ca = sim.ca_certificate().expect("a CA");
    assert_eq!(
        ca.pem().trim(),
        cert.pem().trim(),
        "a one-certificate chain is its own CA"
    );
    let reply = trusting(ca.pem())
        .get(format!("{}/services/v2/requests", sim.base_url()))
        .send()
        .await
        .expect("trusted");
    assert_eq!(reply.status(), 200);
    drop(sim);

    let missing = dir.join("absent.pem");
    let error = Simulator::builder()
        .tls(TlsIdentity::PemFiles {
            cert_chain: missing.clone(),
            key: key_path,
        })
        .start()
        .await
        .expect_err("a missing certificate file");
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert!(error.to_string().contains(&missing.display().to_string()), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn plain_http_stays_the_default() {
    let sim = Simulator::start().await.expect("start");
    assert!(sim.base_url().starts_with("http://"), "{}", sim.base_url());
    assert!(sim.ca_certificate().is_none());
    let reply = reqwest::get(sim.ess_url()).await.expect("plain HTTP");
    assert_eq!(reply.status(), 200);
}
