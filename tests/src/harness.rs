//! The contract-test harness, written once for the three services.
//!
//! A service's test file describes its client ([`Service`]: how to build one, what its error looks like, what a
//! documented error reply holds) and lists its operations ([`Operation`]: method, path, query, body, documented
//! statuses, success reply and the call that makes it). [`suite`] turns that into named trials:
//!
//! - one trial per (operation, documented status), alternating the base URL with and without a trailing slash:
//!   the request the client sent (method, path, query, `Authorization`, body, no `api-version`) and what the caller
//!   got (the typed success value, or an error with the status and the service's own error document);
//! - a coverage trial comparing the tested pairs with the spec both ways;
//! - Prism conformance (every operation against a validating mock of the spec);
//! - the adversarial suite (hostile replies: no panic, status kept);
//! - the service's own extra trials.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use libtest_mimic::{Failed, Trial};
use serde_json::Value;
use wiremock::ResponseTemplate;

use crate::{Received, block_on, coverage_trial, ensure, received, serve};

/// How a test client is set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setup {
    /// For contract cases: retries disabled, so that each case sees exactly one request.
    Contract,
    /// For Prism conformance: the client as a user builds it.
    Conformance,
    /// For hostile replies: retries disabled and a short per-attempt timeout.
    Adversarial(Duration),
}

/// The error every call of the three clients returns.
pub type Error = sdk_runtime::Error;

/// A service under test: its client, and what its documented error replies hold.
pub trait Service: Sized + Send + Sync + 'static {
    /// The generated client.
    type Client: sdk_runtime::ServiceClient + Send + 'static;

    /// Short name used in trial names (`ess`).
    const NAME: &'static str;
    /// The spec file under `specs/`.
    const SPEC: &'static str;
    /// The path of the service's base URL on the mock (`/ess/rest/scheduler/v1`).
    const PREFIX: &'static str;
    /// The `Authorization` header every request must carry.
    const AUTHORIZATION: &'static str;
    /// Operations whose success reply is a byte stream handed to the caller unread.
    const STREAMS: &'static [&'static str] = &[];

    /// A builder of a client of the service at `base_url`, with the test credentials; the harness sets retries
    /// and timeouts for each [`Setup`].
    fn builder(base_url: &str) -> sdk_runtime::ClientBuilder<Self::Client>;

    /// The reply served for a documented error status: the service's own error document.
    fn error_reply(status: u16) -> ResponseTemplate;

    /// Checks what the caller got for the documented error `status` of `op`: the service's error document read
    /// back, and a `Display` that shows it and the call.
    fn check_error(op: &Operation<Self>, status: u16, error: &Error) -> Result<(), Failed>;

    /// Text that must never be printed (credentials, secrets of request bodies).
    fn secrets() -> &'static [&'static str] {
        &[]
    }

    /// The service's base URL on the simulator.
    fn simulated(simulator: &sdk_simulator::Simulator) -> String;
}

/// A call of one operation, returning its typed success value as JSON (so that a test compares it with what the
/// server sent).
pub type Call<S> = fn(<S as Service>::Client) -> BoxFuture<'static, Result<Value, Error>>;

/// What a success of an operation looks like: the reply the mock sends, and the value the call must return.
#[derive(Clone)]
pub struct Success {
    reply: Arc<dyn Fn(u16) -> ResponseTemplate + Send + Sync>,
    expected: Value,
}

impl Success {
    /// A JSON document served under `content_type` (Oracle's vendor media types included), returned as it was
    /// sent.
    pub fn json(content_type: &'static str, body: Value) -> Self {
        let served = body.to_string();
        Self {
            reply: Arc::new(move |status| {
                ResponseTemplate::new(status).set_body_raw(served.clone().into_bytes(), content_type)
            }),
            expected: body,
        }
    }

    /// No body; the call returns `null`.
    pub fn empty() -> Self {
        Self {
            reply: Arc::new(ResponseTemplate::new),
            expected: Value::Null,
        }
    }

    /// Any reply (built for the status), and the value the call must return.
    pub fn custom(reply: impl Fn(u16) -> ResponseTemplate + Send + Sync + 'static, expected: Value) -> Self {
        Self {
            reply: Arc::new(reply),
            expected,
        }
    }

    /// The reply for `status`.
    pub fn reply(&self, status: u16) -> ResponseTemplate {
        (self.reply)(status)
    }

    /// The value the call must return.
    pub fn expected(&self) -> &Value {
        &self.expected
    }
}

/// One operation of the spec and how the client is expected to call it.
pub struct Operation<S: Service> {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// Upper-case method.
    pub method: &'static str,
    /// The path under the base URL, as it must reach the server (percent-encoded where it must be).
    pub path: String,
    /// The query pairs, decoded, sorted by name.
    pub query: Vec<(&'static str, &'static str)>,
    /// The JSON body the request must carry.
    pub request: Option<Value>,
    /// The documented statuses to test.
    pub statuses: &'static [u16],
    /// The success reply and the value expected back.
    pub success: Success,
    /// The call.
    pub call: Call<S>,
}

impl<S: Service> Operation<S> {
    /// The checks every case makes of the request: method, path under the base URL, query, `Authorization`, no
    /// `api-version`, and the JSON body (or none).
    pub fn check_request(&self, sent: &Received) -> Result<(), Failed> {
        let expected_path = format!("{}{}", S::PREFIX, self.path);
        ensure(sent.method == self.method, || {
            format!("method {} != {}", sent.method, self.method)
        })?;
        ensure(sent.path == expected_path, || {
            format!("path {} != {expected_path}", sent.path)
        })?;
        let mut query: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        query.sort();
        ensure(sent.query == query, || format!("query {:?} != {query:?}", sent.query))?;
        sent.check_auth_and_body(S::AUTHORIZATION, self.request.as_ref())
    }
}

/// The base URL of the service on a mock at `server_uri`.
pub fn base_url<S: Service>(server_uri: &str, trailing_slash: bool) -> String {
    let slash = if trailing_slash { "/" } else { "" };
    format!("{server_uri}{}{slash}", S::PREFIX)
}

/// A client of `S` at `base_url`, set up for `setup`: retries off for contract cases (one request per case) and
/// hostile replies (with a short per-attempt timeout); as a user builds it for conformance.
pub fn client<S: Service>(base_url: &str, setup: Setup) -> Result<S::Client, String> {
    let builder = S::builder(base_url);
    let builder = match setup {
        Setup::Contract => builder.retry_policy(sdk_runtime::RetryPolicy::disabled()),
        Setup::Conformance => builder,
        Setup::Adversarial(timeout) => builder
            .retry_policy(sdk_runtime::RetryPolicy::disabled())
            .timeout(timeout),
    };
    builder.build().map_err(|e| e.to_string())
}

/// The HTTP status an error kept, if any.
pub fn status(error: &Error) -> Option<u16> {
    error.status().map(|s| s.as_u16())
}

/// A contract client of `S` for a mock at `server_uri` (retries disabled).
pub fn contract_client<S: Service>(server_uri: &str) -> Result<S::Client, Failed> {
    client::<S>(&base_url::<S>(server_uri, false), Setup::Contract).map_err(Failed::from)
}

/// Fails if `shown` contains one of the service's secrets.
pub fn ensure_no_secrets<S: Service>(shown: &str) -> Result<(), Failed> {
    for secret in S::secrets() {
        ensure(!shown.contains(secret), || format!("a secret was printed: {shown}"))?;
    }
    Ok(())
}

/// One (operation, status) case: serve the documented reply, call, check the request and the result.
pub async fn run_case<S: Service>(op: &Operation<S>, status: u16, trailing_slash: bool) -> Result<(), Failed> {
    let success = (200..300).contains(&status);
    let reply = if success {
        op.success.reply(status)
    } else {
        S::error_reply(status)
    };
    let server = serve(reply).await;
    let client = client::<S>(&base_url::<S>(&server.uri(), trailing_slash), Setup::Contract).map_err(Failed::from)?;
    let outcome = (op.call)(client).await;
    let sent = received(&server).await;
    ensure(sent.len() == 1, || format!("{} requests sent", sent.len()))?;
    op.check_request(&sent[0])?;
    match outcome {
        Ok(value) if success => {
            let expected = op.success.expected();
            ensure(&value == expected, || {
                format!("typed result {value} != expected {expected}")
            })
        }
        Ok(value) => Err(format!("status {status} gave Ok({value})").into()),
        Err(error) if !success => {
            ensure(self::status(&error) == Some(status), || format!("status of {error:?}"))?;
            S::check_error(op, status, &error)?;
            ensure_no_secrets::<S>(&format!("{error}\n{error:?}"))
        }
        Err(error) => Err(format!("status {status} gave {error}").into()),
    }
}

/// Every trial of a service: the (operation, status) cases, coverage, Prism conformance, the adversarial suite,
/// and `extra`.
pub fn suite<S: Service>(operations: impl Fn() -> Vec<Operation<S>>, extra: Vec<Trial>) -> Vec<Trial> {
    let table: &'static [Operation<S>] = Box::leak(operations().into_boxed_slice());
    let mut trials = Vec::new();
    let mut tested = BTreeSet::new();
    for op in table {
        for (i, &status) in op.statuses.iter().enumerate() {
            tested.insert((op.id.to_owned(), status));
            trials.push(Trial::test(format!("{}::{}::{status}", S::NAME, op.id), move || {
                block_on(run_case(op, status, i % 2 == 1))
            }));
        }
    }
    trials.push(coverage_trial(S::SPEC, tested));
    trials.extend(extra);
    let conformance = operations().into_iter().map(|op| (op.id.to_owned(), op)).collect();
    trials.extend(crate::prism::conformance_trials(
        S::NAME,
        S::SPEC,
        conformance,
        |uri, op: Arc<Operation<S>>| async move {
            let client = client::<S>(&uri, Setup::Conformance)?;
            (op.call)(client).await.map_err(|e| e.to_string())
        },
    ));
    trials.extend(simulator_trials::<S>(operations()));
    let hostile = operations().into_iter().map(|op| (op.id.to_owned(), op)).collect();
    trials.extend(crate::adversarial::adversarial_trials(
        S::NAME,
        hostile,
        S::STREAMS,
        |uri, op: Arc<Operation<S>>| async move {
            let client =
                client::<S>(&uri, Setup::Adversarial(crate::adversarial::ATTEMPT_TIMEOUT)).map_err(|_| None)?;
            (op.call)(client).await.map(drop).map_err(|e| status(&e))
        },
    ));
    trials
}

/// The simulator of the three services, on a runtime of its own that lives as long as the test binary.
fn simulator() -> Result<&'static sdk_simulator::Simulator, String> {
    static SIMULATOR: std::sync::OnceLock<Result<(tokio::runtime::Runtime, sdk_simulator::Simulator), String>> =
        std::sync::OnceLock::new();
    SIMULATOR
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .map_err(|e| format!("a runtime for the simulator: {e}"))?;
            let simulator = runtime
                .block_on(sdk_simulator::Simulator::start())
                .map_err(|e| format!("starting the simulator: {e}"))?;
            Ok((runtime, simulator))
        })
        .as_ref()
        .map(|(_, simulator)| simulator)
        .map_err(Clone::clone)
}

/// Every operation of the client, sent through Prism's validating proxy to the simulator: whatever the
/// simulator answers (a success, or a documented error such as a `404` for an id it does not have), neither the
/// request nor the reply may break the spec.
fn simulator_trials<S: Service>(operations: Vec<Operation<S>>) -> Vec<Trial> {
    let required = std::env::var_os("REQUIRE_PRISM").is_some();
    let proxy: Arc<std::sync::OnceLock<Result<crate::prism::Prism, String>>> = Arc::new(std::sync::OnceLock::new());
    operations
        .into_iter()
        .map(|op| {
            let proxy = proxy.clone();
            let name = format!("simulator::{}::{}", S::NAME, op.id);
            let trial = Trial::test(name, move || {
                let prism = proxy
                    .get_or_init(|| crate::prism::Prism::proxy(S::SPEC, &S::simulated(simulator()?)))
                    .as_ref()
                    .map_err(|e| Failed::from(e.clone()))?;
                let uri = prism.uri();
                let simulator = simulator().map_err(Failed::from)?;
                let before = simulator.requests().len();
                block_on(async move {
                    let client = client::<S>(&uri, Setup::Conformance).map_err(Failed::from)?;
                    let outcome = (op.call)(client).await;
                    if let Err(error) = &outcome {
                        let shown = format!("{error:?}");
                        ensure(!crate::prism::is_violation(&shown), || {
                            format!("{}: Prism found a violation: {shown}", op.id)
                        })?;
                    }
                    ensure(simulator.requests().len() > before, || {
                        format!(
                            "{}: the call did not reach the simulator through the proxy: {outcome:?}",
                            op.id
                        )
                    })
                })
            });
            if crate::prism::Prism::executable().is_none() && !required {
                trial.with_ignored_flag(true)
            } else {
                trial
            }
        })
        .collect()
}
