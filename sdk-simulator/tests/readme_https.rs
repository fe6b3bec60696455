//! The README's "Over HTTPS" example, run as it is written there.

use sdk_simulator::{Simulator, TlsIdentity};

#[tokio::test]
async fn trusts_only_the_given_ca() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::builder().tls(TlsIdentity::SelfSigned).start().await?;
    let ca = sim.ca_certificate().ok_or("serving HTTPS, so there is a CA")?;

    // Trusting the simulator's CA: the call goes through.
    let trusted = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca.pem().as_bytes())?)
        .build()?;
    assert_eq!(trusted.get(sim.ess_url()).send().await?.status(), 200);

    // Not trusting it: refused at the handshake, before any request is sent.
    let untrusted = reqwest::Client::new().get(sim.ess_url()).send().await;
    assert!(untrusted.is_err());
    assert_eq!(sim.count("getRoot"), 1);
    Ok(())
}
