//! Machinery shared by the contract tests: the (operation, status) pairs a spec documents, a recording mock
//! server, and a runner that turns a table of cases into one named test per case.
//!
//! Each service has one test file (`tests/<service>.rs`, `harness = false`) whose table lists every operation
//! with the statuses it is tested for; [`coverage_trial`] compares that table with the spec both ways, so an
//! operation or status added to the spec without a test fails the run.

pub mod adversarial;
pub mod harness;
pub mod prism;

use std::collections::BTreeSet;
use std::future::Future;
use std::path::PathBuf;

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Reads a spec of `specs/` as JSON.
pub fn load_spec(name: &str) -> Value {
    let path = workspace_root().join("specs").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// Every (operationId, status) pair the spec documents.
pub fn documented_pairs(spec: &Value) -> BTreeSet<(String, u16)> {
    let mut pairs = BTreeSet::new();
    let paths = spec["paths"].as_object().cloned().unwrap_or_default();
    for item in paths.values() {
        for method in ["get", "put", "post", "delete", "patch", "head", "options", "trace"] {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            for status in op["responses"].as_object().into_iter().flat_map(|r| r.keys()) {
                match status.parse::<u16>() {
                    Ok(code) => pairs.insert((id.clone(), code)),
                    Err(_) => panic!("{id}: response key {status:?} is not an explicit status"),
                };
            }
        }
    }
    pairs
}

/// A trial that fails when the tested pairs and the spec's documented pairs differ, naming the difference.
pub fn coverage_trial(spec_name: &'static str, tested: BTreeSet<(String, u16)>) -> Trial {
    Trial::test(format!("coverage::{spec_name}"), move || {
        let documented = documented_pairs(&load_spec(spec_name));
        let untested: Vec<_> = documented.difference(&tested).collect();
        let undocumented: Vec<_> = tested.difference(&documented).collect();
        if untested.is_empty() && undocumented.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{spec_name}: documented but untested {untested:?}; tested but not in the spec {undocumented:?}"
            )
            .into())
        }
    })
}

/// Runs the trials with the command-line arguments of the test binary and exits.
pub fn run(trials: Vec<Trial>) -> ! {
    libtest_mimic::run(&Arguments::from_args(), trials).exit()
}

/// Runs one async test body on a fresh runtime.
pub fn block_on<F: Future<Output = Result<(), Failed>>>(future: F) -> Result<(), Failed> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed::from(format!("tokio runtime: {e}")))?
        .block_on(future)
}

/// What a mock server received: one request.
#[derive(Debug, Clone)]
pub struct Received {
    /// Upper-case method.
    pub method: String,
    /// URL path.
    pub path: String,
    /// Decoded query pairs, sorted.
    pub query: Vec<(String, String)>,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, when there was a body.
    pub json: Option<Value>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl Received {
    /// The value of a header, if it was sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Received {
    /// The checks every contract case makes of what the client sent: the `Authorization` header, no
    /// `api-version` header, and either a JSON body equal to `body` (sent as `application/json`) or no body.
    pub fn check_auth_and_body(&self, authorization: &str, body: Option<&Value>) -> Result<(), Failed> {
        ensure(self.header("authorization") == Some(authorization), || {
            format!("authorization {:?}", self.header("authorization"))
        })?;
        ensure(self.header("api-version").is_none(), || {
            "the api-version header reached the server".into()
        })?;
        match body {
            Some(body) => {
                ensure(self.header("content-type") == Some("application/json"), || {
                    format!("content-type {:?}", self.header("content-type"))
                })?;
                ensure(self.json.as_ref() == Some(body), || {
                    format!("body {:?} != {body}", self.json)
                })
            }
            None => ensure(self.body.is_empty(), || {
                format!("unexpected body {:?}", String::from_utf8_lossy(&self.body))
            }),
        }
    }
}

/// Starts a mock server on loopback that answers every request with `reply`.
pub async fn serve(reply: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(reply).mount(&server).await;
    server
}

/// The requests `server` received, in order.
pub async fn received(server: &MockServer) -> Vec<Received> {
    let requests = server.received_requests().await.unwrap_or_default();
    requests
        .into_iter()
        .map(|r| {
            let mut query: Vec<(String, String)> = r
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            query.sort();
            Received {
                method: r.method.to_string(),
                path: r.url.path().to_owned(),
                query,
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                json: if r.body.is_empty() {
                    None
                } else {
                    serde_json::from_slice(&r.body).ok()
                },
                body: r.body,
            }
        })
        .collect()
}

/// A reply with a JSON body sent under `content_type` (Oracle's vendor types included).
pub fn json_reply(status: u16, content_type: &str, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string().into_bytes(), content_type)
}

/// Fails with `message` unless `condition` holds.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition { Ok(()) } else { Err(message().into()) }
}

/// The README's Rust examples, compiled as doc tests so that the quickstart stays true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
