//! The README's "Over HTTPS" example, run as it is written there: the SDK's own builder trusting the CA the
//! simulator reports.

use sdk_ess::{Client, Error, TransportErrorKind};
use sdk_simulator::{Simulator, TlsIdentity};

#[tokio::test]
async fn trusts_only_the_given_ca() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::builder().tls(TlsIdentity::SelfSigned).start().await?;
    let ca = sim.ca_certificate().ok_or("serving HTTPS, so there is a CA")?;

    // Trusting the simulator's CA: the call goes through.
    let trusted = Client::builder(sim.ess_url())
        .add_root_certificate_file(ca.path())
        .build()?;
    trusted.get_root().send().await?;

    // Not trusting it: refused at the handshake, named as such, and not retried.
    let untrusted = Client::builder(sim.ess_url()).build()?;
    match untrusted.get_root().send().await {
        Err(Error::Transport(failure)) => {
            assert_eq!(failure.kind(), TransportErrorKind::CertificateNotTrusted);
            assert!(!failure.is_retryable());
        }
        other => panic!("expected an untrusted certificate, got {other:?}"),
    }
    assert_eq!(sim.count("getRoot"), 1);
    Ok(())
}
