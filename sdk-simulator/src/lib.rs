//! A stateful, in-memory simulator of three Oracle asynchronous job APIs, for tests: the Enterprise
//! Scheduler Service (ESS), GoldenGate background requests (OGG) and Oracle Analytics work requests (OAC).
//!
//! It is a real HTTP server on a loopback port that answers the 30 operations of `specs/ess.yaml`,
//! `specs/ogg.yaml` and `specs/workrequests.yaml` as Oracle's documentation describes them, with:
//!
//! - requests that move through their states on a **virtual clock** ([`VirtualClock`]): a two-hour job ends
//!   as soon as the test advances the clock by two hours; every reply's `Date` header is that virtual time
//!   (RFC 7231 IMF-fixdate), so a client judges time rules such as the ESS 30-minute force cancel by the
//!   server's clock;
//! - **scenarios** ([`EssScenario`], [`OggScenario`], [`OacScenario`]) per job definition, per Analytics
//!   object or starting operation, and per GoldenGate request: the path of states, how long each lasts, and
//!   the ending (failure cause and message included);
//! - **faults** per operation ([`Fault`]): 429 and 503 with `Retry-After`, 500, a proxy's 502 HTML page, a
//!   slow reply, a dropped connection, a truncated body — as the next N calls or at a seeded rate;
//! - **credentials** ([`AuthConfig`]): Basic and bearer tokens that expire on the virtual clock, refused with
//!   each service's own 401 reply; none are checked by default;
//! - a **recording** of the last requests ([`RecordedRequest`], secrets redacted; 10,000 by default, see
//!   [`SimulatorBuilder::record_limit`]) and a count per `operationId`,
//!   so a test can assert that a starting POST was sent once;
//! - the same controls over HTTP under `/_simulator/...` (see the [`admin`] module), and a standalone binary:
//!   `cargo run -p sdk-simulator -- --port 8080`;
//! - **HTTPS** on demand ([`SimulatorBuilder::tls`], `--tls`), with a CA certificate made at start that a
//!   client trusts (see [HTTPS](#https)); plain HTTP by default.
//!
//! # Example: a two-hour ESS job, in milliseconds
//!
//! ```
//! use std::time::Duration;
//! use sdk_simulator::{EssScenario, Simulator};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = Simulator::start().await?;
//! let job = "JobDefinition://oracle/apps/ess/custom/NightlyLoad";
//! sim.set_ess_scenario(job, EssScenario::succeeds_after(Duration::from_secs(2 * 3600)));
//!
//! let http = reqwest::Client::new();
//! let submitted: serde_json::Value = http
//!     .post(format!("{}/requests", sim.ess_url()))
//!     .json(&serde_json::json!({"jobDefinitionId": job, "application": "EarCustomEss"}))
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! let id = submitted["id"].as_i64().unwrap_or_default();
//! assert_eq!(sim.ess_state(id).as_deref(), Some("WAIT"));
//!
//! sim.advance(Duration::from_secs(5));
//! assert_eq!(sim.ess_state(id).as_deref(), Some("RUNNING"));
//! sim.advance(Duration::from_secs(2 * 3600));
//! assert_eq!(sim.ess_state(id).as_deref(), Some("SUCCEEDED"));
//! assert_eq!(sim.count("submitRequest"), 1);
//! # Ok(()) }
//! ```
//!
//! # Testing your code
//!
//! A complete test of code that submits an ESS job with `sdk-ess` and waits for it. The simulator's clock
//! runs at 36 000 virtual seconds per real second here, so the two-hour job takes a fraction of a second; a
//! test can instead keep the clock still and call [`Simulator::advance`].
//!
//! ```
//! use std::time::Duration;
//!
//! use sdk_ess::types::{RequestDetails, RequestState, SubmitRequest};
//! use sdk_ess::wait::WaitPolicy;
//! use sdk_simulator::{AuthConfig, EssScenario, Simulator};
//!
//! const JOB: &str = "JobDefinition://oracle/apps/ess/custom/NightlyLoad";
//!
//! /// The code under test: submits the nightly load and waits until it succeeds.
//! async fn run_nightly(client: &sdk_ess::Client, policy: WaitPolicy) -> Result<RequestDetails, Box<dyn std::error::Error>> {
//!     let body = SubmitRequest::builder().job_definition_id(JOB).application(Some("EarCustomEss".to_owned()));
//!     let submitted = client.submit_request().body(body).send().await?.into_inner();
//!     let id = submitted.request_id().ok_or("the scheduler gave no request id")?;
//!     Ok(client.wait_for_request(id).with_policy(policy).until_success().await?)
//! }
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // 36,000 virtual seconds per real second: a two-hour job takes a fifth of a second.
//!     let sim = Simulator::builder()
//!         .auth(AuthConfig::basic("scheduler.user", "pw"))
//!         .clock_speed(36_000.0)
//!         .start()
//!         .await?;
//!     let client = sdk_ess::Client::builder(sim.ess_url()).basic_auth("scheduler.user", "pw").build()?;
//!     let fast = WaitPolicy::default().initial_delay(Duration::from_millis(20)).max_delay(Duration::from_millis(20));
//!
//!     // Success.
//!     sim.set_ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(2 * 3600)));
//!     let job = run_nightly(&client, fast.clone()).await?;
//!     assert_eq!(job.state, Some(RequestState::Succeeded));
//!     assert_eq!(sim.count("submitRequest"), 1); // the submit was sent once
//!
//!     // Failure, with the cause and message the scheduler reports.
//!     sim.set_ess_scenario(JOB, EssScenario::fails_after(Duration::from_secs(600), "ORA-01403: no data found"));
//!     let error = run_nightly(&client, fast.clone()).await.expect_err("the job fails");
//!     assert!(error.to_string().contains("ORA-01403"), "{error}");
//!
//!     // Timeout: a job that outlasts the wait.
//!     sim.set_ess_scenario(JOB, EssScenario::succeeds_after(Duration::from_secs(1000 * 3600)));
//!     let error = run_nightly(&client, fast.max_wait(Duration::from_millis(300))).await.expect_err("times out");
//!     assert!(error.to_string().starts_with("gave up waiting for ESS request"), "{error}");
//!     Ok(())
//! }
//! ```
//!
//! # HTTPS
//!
//! Real deployments are reached over HTTPS, often with a certificate of their own CA: a GoldenGate deployment
//! created with self-signed certificates has a CA and a server certificate signed by it. The simulator does the
//! same with [`TlsIdentity::SelfSigned`]: at start it makes a CA and a certificate for `localhost`,
//! `127.0.0.1` and `::1` signed by that CA, and [`Simulator::ca_certificate`] gives the CA (its PEM text, and
//! the file it is written to: [`SimulatorBuilder::tls_ca_path`], or a temporary file removed with the
//! simulator). A client that trusts that CA reaches the simulator; any other is refused at the handshake.
//! [`TlsIdentity::PemFiles`] serves a given certificate chain and key instead (its last certificate is reported
//! as the CA). The standalone binary takes `--tls` (or `--tls-cert FILE --tls-key FILE`, and
//! `--tls-ca-file FILE`) and prints the CA file's path with the URLs.
//!
//! ```
//! use sdk_simulator::{Simulator, TlsIdentity};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = Simulator::builder().tls(TlsIdentity::SelfSigned).start().await?;
//! let ca = sim.ca_certificate().ok_or("serving HTTPS, so there is a CA")?;
//! assert!(sim.ess_url().starts_with("https://127.0.0.1:"));
//!
//! // A client that trusts the simulator's CA (as it would trust a deployment's) reaches it ...
//! let trusted = reqwest::Client::builder()
//!     .add_root_certificate(reqwest::Certificate::from_pem(ca.pem().as_bytes())?)
//!     .build()?;
//! assert_eq!(trusted.get(sim.ess_url()).send().await?.status(), 200);
//!
//! // ... and one that does not is refused: the certificate's issuer is unknown to it.
//! assert!(reqwest::Client::new().get(sim.ess_url()).send().await.is_err());
//! println!("clients in other languages trust {}", ca.path().display());
//! # Ok(()) }
//! ```
//!
//! # Where the simulator goes beyond Oracle's documentation
//!
//! Oracle documents states, transitions and bodies; how long a state lasts, which ids are handed out and a
//! few reply shapes are not documented. The simulator's choices are listed in each service module
//! ([`ess`], [`ogg`], [`analytics`]) and in [`scenario`]; the main ones: ESS ids count from
//! 300000012345680, `errorCode` is `ESS-00<status>`, search pages are 1-based with 25 requests, the
//! multi-selection `batch` item is `{"requestId", "status", "request" | "error"}` (inferred: Oracle lists
//! `RequestBatchItem` without its members); GoldenGate requests are created through the simulator (no
//! documented call starts one) and a result asked for before completion is a 404; Analytics ids look like
//! `lfc-cc:13347-c9:3962654` and data-flow/sequence runs report `RELOAD_DATASET` (configurable).

pub mod admin;
pub mod analytics;
pub mod auth;
pub mod clock;
mod error;
pub mod ess;
pub mod faults;
#[doc(hidden)]
pub mod fuzzing;
pub mod ogg;
pub mod operation;
pub mod rate_limit;
pub mod recorder;
mod reply;
pub mod scenario;
mod server;
mod simulator;
mod state;
pub mod tls;

pub use analytics::WorkRequestIds;
pub use auth::{AuthConfig, Credential};
pub use clock::VirtualClock;
pub use error::Error;
pub use faults::{Fault, FaultRate};
pub use ogg::{DEFAULT_DEPLOYMENT, OggTarget};
pub use rate_limit::RateLimit;
pub use recorder::RecordedRequest;
pub use scenario::{EssScenario, OacScenario, OggResult, OggScenario, Step};
pub use simulator::{OggAddressing, Simulator, SimulatorBuilder};
pub use tls::{CaCertificate, TlsIdentity};
