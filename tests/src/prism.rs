//! Stoplight Prism as an outside judge: a mock server started from one of our specs, which rejects any request
//! our client sends that the spec does not allow (`--errors`), and answers valid ones with bodies generated at
//! random from the spec's schemas (`--dynamic`), which our types must parse.
//!
//! Prism comes from `.ci/package-lock.json` (`npm ci --prefix .ci`). Where it is not installed the conformance
//! trials are reported as ignored, with the reason, unless `REQUIRE_PRISM` is set (as `.ci/run` does), in which
//! case they fail.

use std::future::Future;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};

use crate::{block_on, workspace_root};

/// How many generated replies each operation must parse.
pub const REPLIES_PER_OPERATION: usize = 50;

/// A running Prism mock server; stopped when dropped.
pub struct Prism {
    child: Child,
    addr: SocketAddr,
}

impl Prism {
    /// The Prism executable of `.ci/node_modules`, if installed.
    pub fn executable() -> Option<PathBuf> {
        let path = workspace_root().join(".ci/node_modules/.bin/prism");
        path.exists().then_some(path)
    }

    /// Starts Prism on loopback for `specs/<spec>` and waits until it accepts connections.
    pub fn start(spec: &str) -> Result<Self, String> {
        Self::run(&["mock", "--dynamic", "--errors"], spec, None)
    }

    /// Starts Prism as a validating proxy in front of `upstream` (`prism proxy <spec> <upstream> --errors`): every
    /// request and reply that breaks `specs/<spec>` is answered `500` with Prism's list of violations.
    pub fn proxy(spec: &str, upstream: &str) -> Result<Self, String> {
        Self::run(&["proxy", "--errors"], spec, Some(upstream))
    }

    fn run(mode: &[&str], spec: &str, upstream: Option<&str>) -> Result<Self, String> {
        let executable = Self::executable().ok_or("prism is not installed: run `npm ci --prefix .ci`")?;
        let addr = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?;
        let child = Command::new(executable)
            .args(mode)
            .args(["-h", "127.0.0.1", "-p"])
            .arg(addr.port().to_string())
            .arg(workspace_root().join("specs").join(spec))
            .args(upstream)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting prism: {e}"))?;
        let prism = Self { child, addr };
        let started = Instant::now();
        while TcpStream::connect(addr).is_err() {
            if started.elapsed() > Duration::from_secs(90) {
                return Err(format!("prism did not listen on {addr} within 90 s"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(prism)
    }

    /// The base URL of the mock.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a reply (its debug form) is Prism's report of a spec violation.
pub fn is_violation(shown: &str) -> bool {
    shown.contains("prism/errors#VIOLATIONS") || shown.contains("sl-violations")
}

/// One conformance trial per operation: `call` is made [`REPLIES_PER_OPERATION`] times against Prism started
/// from `spec`; every call must succeed (Prism accepted the request, our types parsed the reply).
pub fn conformance_trials<Op, F, Fut, T, E>(
    service: &'static str,
    spec: &'static str,
    operations: Vec<(String, Op)>,
    call: F,
) -> Vec<Trial>
where
    Op: Send + Sync + 'static,
    F: Fn(String, Arc<Op>) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = Result<T, E>>,
    E: std::fmt::Display,
{
    let required = std::env::var_os("REQUIRE_PRISM").is_some();
    if Prism::executable().is_none() && !required {
        eprintln!("conformance::{service}: skipped, Prism is not installed (run `npm ci --prefix .ci`)");
        return operations
            .into_iter()
            .map(|(id, _)| Trial::test(format!("conformance::{service}::{id}"), || Ok(())).with_ignored_flag(true))
            .collect();
    }
    let server: Arc<std::sync::OnceLock<Result<Prism, String>>> = Arc::new(std::sync::OnceLock::new());
    operations
        .into_iter()
        .map(|(id, op)| {
            let server = server.clone();
            let call = call.clone();
            let op = Arc::new(op);
            Trial::test(format!("conformance::{service}::{id}"), move || {
                let prism = server
                    .get_or_init(|| Prism::start(spec))
                    .as_ref()
                    .map_err(|e| Failed::from(e.clone()))?;
                let uri = prism.uri();
                block_on(async move {
                    for reply in 1..=REPLIES_PER_OPERATION {
                        if let Err(error) = call(uri.clone(), op.clone()).await {
                            return Err(format!("{id}: reply {reply} of {REPLIES_PER_OPERATION}: {error}").into());
                        }
                    }
                    Ok(())
                })
            })
        })
        .collect()
}
