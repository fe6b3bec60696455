//! The standalone simulator: `cargo run -p sdk-simulator -- --port 8080`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use sdk_simulator::{AuthConfig, OggAddressing, RateLimit, Simulator, TlsIdentity};

const USAGE: &str = "\
sdk-simulator: a simulator of Oracle ESS, GoldenGate background requests and Analytics work requests

USAGE: sdk-simulator [--port N] [--host ADDR] [--basic USER:PASSWORD] [--bearer TOKEN] [--clock-speed X]
                     [--ogg-multi-deployment] [--ogg-deployment NAME]...
                     [--tls | --tls-cert FILE --tls-key FILE] [--tls-ca-file FILE]
                     [--record-limit N] [--keep-finished N] [--keep-finished-for SECONDS]
                     [--rate-limit N [--rate-limit-burst N]]

  --port N                 port to listen on (default 8080; 0 picks a free one)
  --host ADDR              address to listen on (default 127.0.0.1)
  --basic USER:PASSWORD    accept HTTP Basic with these credentials (repeatable)
  --bearer TOKEN           accept this bearer token (repeatable)
  --clock-speed X          virtual seconds per real second (default 0: the clock moves only when told)
  --ogg-multi-deployment   answer /services/v2/... with OGG-12031 (a multi-deployment proxy)
  --ogg-deployment NAME    another GoldenGate deployment for /services/NAME/{service}/v2
  --tls                    serve HTTPS with a CA and a server certificate for localhost/127.0.0.1 made at start
  --tls-cert FILE          serve HTTPS with this PEM certificate chain (with --tls-key); its last certificate
                           is reported as the CA
  --tls-key FILE           the PEM private key of --tls-cert
  --tls-ca-file FILE       write the CA certificate there (default: a temporary file, removed at exit)
  --record-limit N         recorded requests kept, the oldest dropped first (default 10000; GET
                           /_simulator/requests tells the dropped ones in `simulator-dropped-requests`)
  --keep-finished N        finished jobs kept per service, the first finished dropped first (default 10000);
                           a dropped job answers 404
  --keep-finished-for SECONDS
                           also drop jobs finished for longer than this, in virtual seconds (default: no limit)
  --rate-limit N           answer at most N requests per second per service (ESS, GoldenGate, Analytics each),
                           the others 429 with Retry-After (default: no limit; GET /_simulator/rate-limit counts
                           the refusals)
  --rate-limit-burst N     requests a service answers at once after a quiet moment (default: N of --rate-limit)
Without --basic or --bearer no credentials are checked. With HTTPS the CA certificate's path is printed at
start; clients trust it. Controls: GET /_simulator.";

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run())
}

async fn run() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut port: u16 = 8080;
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut auth = AuthConfig::none();
    let mut builder = Simulator::builder();
    let mut self_signed = false;
    let mut cert: Option<PathBuf> = None;
    let mut key: Option<PathBuf> = None;
    let mut rate_limit: Option<f64> = None;
    let mut rate_limit_burst: Option<f64> = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let step = match arg.as_str() {
            "--port" => value("--port")
                .and_then(|v| v.parse().map_err(|e| format!("--port: {e}")))
                .map(|p| port = p),
            "--host" => value("--host")
                .and_then(|v| v.parse().map_err(|e| format!("--host: {e}")))
                .map(|h| host = h),
            "--basic" => value("--basic").and_then(|v| {
                let (u, p) = v.split_once(':').ok_or("--basic is USER:PASSWORD")?;
                auth = std::mem::take(&mut auth).or(AuthConfig::basic(u, p));
                Ok(())
            }),
            "--bearer" => value("--bearer").map(|t| auth = std::mem::take(&mut auth).or(AuthConfig::bearer(t, None))),
            "--clock-speed" => value("--clock-speed")
                .and_then(|v| v.parse::<f64>().map_err(|e| format!("--clock-speed: {e}")))
                .map(|s| builder = std::mem::take(&mut builder).clock_speed(s)),
            "--ogg-multi-deployment" => {
                builder = std::mem::take(&mut builder).ogg_multi_deployment(true);
                Ok(())
            }
            "--ogg-deployment" => {
                value("--ogg-deployment").map(|d| builder = std::mem::take(&mut builder).ogg_deployment(d))
            }
            "--tls" => {
                self_signed = true;
                Ok(())
            }
            "--tls-cert" => value("--tls-cert").map(|f| cert = Some(f.into())),
            "--tls-key" => value("--tls-key").map(|f| key = Some(f.into())),
            "--tls-ca-file" => value("--tls-ca-file").map(|f| builder = std::mem::take(&mut builder).tls_ca_path(f)),
            "--record-limit" => value("--record-limit")
                .and_then(|v| v.parse::<usize>().map_err(|e| format!("--record-limit: {e}")))
                .map(|n| builder = std::mem::take(&mut builder).record_limit(n)),
            "--keep-finished" => value("--keep-finished")
                .and_then(|v| v.parse::<usize>().map_err(|e| format!("--keep-finished: {e}")))
                .map(|n| builder = std::mem::take(&mut builder).keep_finished(n)),
            "--keep-finished-for" => value("--keep-finished-for")
                .and_then(|v| v.parse::<u64>().map_err(|e| format!("--keep-finished-for: {e}")))
                .map(|s| builder = std::mem::take(&mut builder).keep_finished_for(std::time::Duration::from_secs(s))),
            "--rate-limit" => value("--rate-limit")
                .and_then(|v| v.parse::<f64>().map_err(|e| format!("--rate-limit: {e}")))
                .map(|n| rate_limit = Some(n)),
            "--rate-limit-burst" => value("--rate-limit-burst")
                .and_then(|v| v.parse::<f64>().map_err(|e| format!("--rate-limit-burst: {e}")))
                .map(|n| rate_limit_burst = Some(n)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other}")),
        };
        if let Err(e) = step {
            return usage_error(&e);
        }
    }
    match (rate_limit, rate_limit_burst) {
        (Some(per_second), burst) => {
            let limit = RateLimit { per_second, burst };
            if !limit.is_usable() {
                return usage_error("--rate-limit is a number of requests per second above 0");
            }
            builder = builder.rate_limit(limit);
        }
        (None, Some(_)) => return usage_error("--rate-limit-burst goes with --rate-limit"),
        (None, None) => {}
    }
    let identity = match (self_signed, cert, key) {
        (false, None, None) => None,
        (true, None, None) => Some(TlsIdentity::SelfSigned),
        (false, Some(cert_chain), Some(key)) => Some(TlsIdentity::PemFiles { cert_chain, key }),
        (true, _, _) => return usage_error("--tls makes its own certificate: leave out --tls-cert and --tls-key"),
        _ => return usage_error("--tls-cert and --tls-key go together"),
    };
    if let Some(identity) = identity {
        builder = builder.tls(identity);
    }
    let sim = match builder.bind(SocketAddr::new(host, port)).auth(auth).start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("ESS        {}", sim.ess_url());
    println!("GoldenGate {}", sim.ogg_url(&OggAddressing::Direct));
    println!(
        "GoldenGate {} (reverse-proxy form; also /services/{{service}}/v2)",
        sim.ogg_url(&OggAddressing::Proxy {
            deployment: sdk_simulator::DEFAULT_DEPLOYMENT.into(),
            service: "adminsrvr".into()
        })
    );
    println!("Analytics  {}", sim.analytics_url());
    println!("Admin      {}", sim.admin_url());
    if let Some(ca) = sim.ca_certificate() {
        println!("CA cert    {}", ca.path().display());
    }
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    ExitCode::SUCCESS
}

/// A wrong command line: the reason and the usage, exit code 2.
fn usage_error(reason: &str) -> ExitCode {
    eprintln!("{reason}\n\n{USAGE}");
    ExitCode::from(2)
}
