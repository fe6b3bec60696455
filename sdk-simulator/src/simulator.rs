//! The [`Simulator`] handle and its builder.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::analytics::WorkRequestIds;
use crate::auth::AuthConfig;
use crate::clock::VirtualClock;
use crate::error::Error;
use crate::faults::{Fault, FaultRate};
use crate::ogg::{DEFAULT_DEPLOYMENT, OggTarget};
use crate::operation::{ANALYTICS_PREFIX, ESS_PREFIX};
use crate::rate_limit::RateLimit;
use crate::recorder::RecordedRequest;
use crate::scenario::{EssScenario, OacScenario, OggScenario};
use crate::server;
use crate::state::{Inner, Shared};
use crate::tls::{self, CaCertificate, TempDir, TlsIdentity};

/// How a GoldenGate service is addressed (the URL forms of `reference/real-replies/README.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OggAddressing {
    /// Direct to a service's port: `/services/v2` (the default deployment's Administration Service).
    Direct,
    /// OCI GoldenGate: `/services/{service}/v2` (a service of the default deployment).
    Oci {
        /// `adminsrvr`, `distsrvr`, `recvsrvr` or `pmsrvr`.
        service: String,
    },
    /// Oracle's NGINX reverse proxy: `/services/{deployment}/{service}/v2`.
    Proxy {
        /// Deployment name.
        deployment: String,
        /// `adminsrvr`, `distsrvr`, `recvsrvr` or `pmsrvr`.
        service: String,
    },
    /// The Service Manager: `/services/ServiceManager/v2`.
    ServiceManager,
}

impl OggAddressing {
    /// The target this address reaches.
    pub fn target(&self) -> OggTarget {
        match self {
            OggAddressing::Direct => OggTarget::admin(),
            OggAddressing::Oci { service } => OggTarget::new(DEFAULT_DEPLOYMENT, service.clone()),
            OggAddressing::Proxy { deployment, service } => OggTarget::new(deployment.clone(), service.clone()),
            OggAddressing::ServiceManager => OggTarget::service_manager(),
        }
    }

    fn path(&self) -> String {
        match self {
            OggAddressing::Direct => "/services/v2".into(),
            OggAddressing::Oci { service } => format!("/services/{service}/v2"),
            OggAddressing::Proxy { deployment, service } => format!("/services/{deployment}/{service}/v2"),
            OggAddressing::ServiceManager => "/services/ServiceManager/v2".into(),
        }
    }
}

/// Configures a [`Simulator`] before it starts.
///
/// Every setting is kept as given and applied only by [`SimulatorBuilder::start`], so the order of the calls
/// never matters (a clock speed set before the start time is kept); a setting given twice keeps the last value.
#[derive(Debug)]
pub struct SimulatorBuilder {
    addr: SocketAddr,
    start_time: Option<DateTime<Utc>>,
    clock_speed: f64,
    tls: Option<TlsIdentity>,
    ca_path: Option<PathBuf>,
    inner: Inner,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            start_time: None,
            clock_speed: 0.0,
            tls: None,
            ca_path: None,
            inner: Inner::default(),
        }
    }
}

impl SimulatorBuilder {
    /// Listens on `addr` (default `127.0.0.1:0`, a free loopback port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Listens on `127.0.0.1:<port>`.
    pub fn port(self, port: u16) -> Self {
        self.bind(SocketAddr::from(([127, 0, 0, 1], port)))
    }

    /// Accepted credentials (default: none checked).
    pub fn auth(mut self, auth: AuthConfig) -> Self {
        self.inner.auth = auth;
        self
    }

    /// Starts the virtual clock at `start` (default: the wall-clock time, whole seconds).
    pub fn start_time(mut self, start: DateTime<Utc>) -> Self {
        self.start_time = Some(start);
        self
    }

    /// Lets the virtual clock run by itself at `speed` virtual seconds per second of tokio time, from the
    /// moment the simulator starts (default 0: the clock moves only when told).
    pub fn clock_speed(mut self, speed: f64) -> Self {
        self.clock_speed = speed;
        self
    }

    /// Serves HTTPS instead of HTTP, with a certificate made at start ([`TlsIdentity::SelfSigned`]) or read
    /// from PEM files ([`TlsIdentity::PemFiles`]). The URLs then start with `https://`, and
    /// [`Simulator::ca_certificate`] gives the CA certificate a client trusts.
    pub fn tls(mut self, identity: TlsIdentity) -> Self {
        self.tls = Some(identity);
        self
    }

    /// Writes the CA certificate (PEM) to `path` when serving HTTPS (default: `ca.pem` in a fresh temporary
    /// directory, removed when the simulator stops). A file there is replaced.
    pub fn tls_ca_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_path = Some(path.into());
        self
    }

    /// Scenario of an ESS job definition.
    pub fn ess_scenario(mut self, job_definition_id: impl Into<String>, scenario: EssScenario) -> Self {
        self.inner.ess.scenarios.insert(job_definition_id.into(), scenario);
        self
    }

    /// Scenario of job definitions without their own.
    pub fn ess_default_scenario(mut self, scenario: EssScenario) -> Self {
        self.inner.ess.default_scenario = scenario;
        self
    }

    /// Requests per ESS search page (default 25).
    pub fn ess_page_size(mut self, size: usize) -> Self {
        self.inner.ess.page_size = size.max(1);
        self
    }

    /// Scenario of an Analytics object: dataset, data flow, sequence or workbook id as sent in the path
    /// (Base64URL) or as the text it encodes (`'admin'.'Sales'`); snapshot id for a restore; snapshot name for a
    /// creation.
    pub fn analytics_scenario(mut self, object_id: impl Into<String>, scenario: OacScenario) -> Self {
        self.inner.oac.scenarios.insert(object_id.into(), scenario);
        self
    }

    /// Scenario of Analytics work requests started by an operation (`reloadDataset`, `runDataFlow` ...).
    pub fn analytics_operation_scenario(mut self, operation_id: impl Into<String>, scenario: OacScenario) -> Self {
        self.inner.oac.operation_scenarios.insert(operation_id.into(), scenario);
        self
    }

    /// Scenario of Analytics work requests without their own.
    pub fn analytics_default_scenario(mut self, scenario: OacScenario) -> Self {
        self.inner.oac.default_scenario = scenario;
        self
    }

    /// Form of Analytics work request ids (default [`WorkRequestIds::Colon`]).
    pub fn work_request_ids(mut self, ids: WorkRequestIds) -> Self {
        self.inner.oac.ids = ids;
        self
    }

    /// Behaves as a multi-deployment reverse proxy: `/services/v2/...` and `/services/{service}/v2/...`
    /// answer 404 with the OGG-12031 envelope.
    pub fn ogg_multi_deployment(mut self, enabled: bool) -> Self {
        self.inner.ogg.multi_deployment = enabled;
        self
    }

    /// Adds a GoldenGate deployment (reachable as `/services/{deployment}/{service}/v2`).
    pub fn ogg_deployment(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        if !self.inner.ogg.deployments.contains(&name) {
            self.inner.ogg.deployments.push(name);
        }
        self
    }

    /// Recorded requests kept (default [`DEFAULT_RECORD_LIMIT`](crate::recorder::DEFAULT_RECORD_LIMIT), the last 10,000): when the log is full the
    /// oldest record is dropped, and [`Simulator::dropped_requests`] counts the dropped ones. The counts per
    /// operation ([`Simulator::count`]) are never dropped. 0 keeps no record.
    pub fn record_limit(mut self, limit: usize) -> Self {
        self.inner.recorder.set_limit(limit);
        self
    }

    /// Finished jobs kept per service (ESS requests, GoldenGate background requests, Analytics work requests;
    /// default 10,000): the ones that finished first are dropped first, and a dropped
    /// job answers 404 as a request purged by a real server. Jobs not finished are never dropped. The check runs
    /// before service calls answer, once a service holds more than this number plus a tenth and has grown by a
    /// tenth of it since its last check, so that a scan of the store is rare under a steady load.
    pub fn keep_finished(mut self, count: usize) -> Self {
        self.inner.retention.keep_finished = count;
        self
    }

    /// Drops finished jobs once they have been finished for `age` of virtual time (default: no age limit).
    /// Ages are checked before service calls answer, at most every tenth of `age`, so a job is gone by the first call
    /// after `age` plus a tenth.
    pub fn keep_finished_for(mut self, age: Duration) -> Self {
        self.inner.retention.keep_finished_for = Some(age);
        self
    }

    /// Limits the requests each service answers per second (ESS, GoldenGate and Analytics each alone, as Oracle
    /// throttles per service), refusing the others with `429` and `Retry-After` (default: no limit). See
    /// [`rate_limit`](crate::rate_limit); [`Simulator::set_rate_limit`] changes it while running.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.inner.rate_limits.set(Some(limit));
        self
    }

    /// Starts the server.
    pub async fn start(self) -> Result<Simulator, Error> {
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(|source| Error::Bind {
                addr: self.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: self.addr,
            source,
        })?;
        let tls = match &self.tls {
            Some(identity) => Some(tls::prepare(identity, addr.ip(), self.ca_path.as_deref())?),
            None => None,
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let (acceptor, ca, temp_dir) = match tls {
            Some(t) => (Some(t.acceptor), Some(t.ca), t.temp_dir),
            None => (None, None, None),
        };
        let clock = match self.start_time {
            Some(start) => VirtualClock::starting_at(start),
            None => VirtualClock::default(),
        };
        clock.set_speed(self.clock_speed);
        let shared = Arc::new(Shared::new(clock, scheme, self.inner));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, shared.clone(), acceptor, stopped));
        Ok(Simulator {
            addr,
            shared,
            ca,
            stop,
            task: Some(task),
            _temp_dir: temp_dir,
        })
    }
}

/// A running simulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Simulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// The CA certificate clients trust, when serving HTTPS.
    ca: Option<CaCertificate>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// Where the CA certificate was written when no path was given; removed with the simulator.
    _temp_dir: Option<TempDir>,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

impl Simulator {
    /// Starts a simulator with the defaults on a free loopback port.
    pub async fn start() -> Result<Simulator, Error> {
        SimulatorBuilder::default().start().await
    }

    /// A builder.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// Stops the server and waits for it to finish accepting.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` (`https://` when serving HTTPS): the server's root.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.shared.scheme, self.addr)
    }

    /// The CA certificate a client trusts to reach the simulator over HTTPS (its PEM text and the file that
    /// holds it); `None` when serving plain HTTP.
    pub fn ca_certificate(&self) -> Option<&CaCertificate> {
        self.ca.as_ref()
    }

    /// The ESS service URL, `http://127.0.0.1:<port>/ess/rest/scheduler/v1`.
    pub fn ess_url(&self) -> String {
        format!("{}{ESS_PREFIX}", self.base_url())
    }

    /// A GoldenGate service URL ending in `/v2`, in the given form (requests are under `<url>/requests`).
    pub fn ogg_url(&self, addressing: &OggAddressing) -> String {
        format!("{}{}", self.base_url(), addressing.path())
    }

    /// The Analytics URL, `http://127.0.0.1:<port>/api/20210901`.
    pub fn analytics_url(&self) -> String {
        format!("{}{ANALYTICS_PREFIX}", self.base_url())
    }

    /// The admin endpoints' root, `http://127.0.0.1:<port>/_simulator`.
    pub fn admin_url(&self) -> String {
        format!("{}/_simulator", self.base_url())
    }

    /// The virtual clock.
    pub fn clock(&self) -> &VirtualClock {
        &self.shared.clock
    }

    /// The current virtual time.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.clock.now()
    }

    /// Moves the virtual time forward.
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Sets the virtual time.
    pub fn set_time(&self, to: DateTime<Utc>) {
        self.shared.clock.set(to);
    }

    /// Sets the scenario of an ESS job definition (for requests submitted from now on).
    pub fn set_ess_scenario(&self, job_definition_id: impl Into<String>, scenario: EssScenario) {
        self.shared
            .lock()
            .ess
            .scenarios
            .insert(job_definition_id.into(), scenario);
    }

    /// Sets the scenario of job definitions without their own.
    pub fn set_ess_default_scenario(&self, scenario: EssScenario) {
        self.shared.lock().ess.default_scenario = scenario;
    }

    /// Sets the scenario of an Analytics object (see [`SimulatorBuilder::analytics_scenario`]).
    pub fn set_analytics_scenario(&self, object_id: impl Into<String>, scenario: OacScenario) {
        self.shared.lock().oac.scenarios.insert(object_id.into(), scenario);
    }

    /// Sets the scenario of work requests started by an operation.
    pub fn set_analytics_operation_scenario(&self, operation_id: impl Into<String>, scenario: OacScenario) {
        self.shared
            .lock()
            .oac
            .operation_scenarios
            .insert(operation_id.into(), scenario);
    }

    /// Creates a GoldenGate background request of `target`, starting now; returns its id.
    pub fn create_ogg_request(&self, target: &OggTarget, scenario: OggScenario) -> i64 {
        let now = self.now();
        let mut g = self.shared.lock();
        let id = g.ogg.create(target.clone(), None, scenario, now);
        g.prune(now);
        id
    }

    /// Creates a GoldenGate background request with a chosen id (replacing one with the same id).
    pub fn create_ogg_request_with_id(&self, target: &OggTarget, id: i64, scenario: OggScenario) -> i64 {
        let now = self.now();
        let mut g = self.shared.lock();
        let id = g.ogg.create(target.clone(), Some(id), scenario, now);
        g.prune(now);
        id
    }

    /// Sets the quiesce state `getQuiesceState` reports for the ESS cluster and its servers (default `ACTIVE`).
    pub fn set_ess_quiesce_state(&self, state: impl Into<String>) {
        self.shared.lock().ess.quiesce.state = state.into();
    }

    /// Switches the multi-deployment behaviour (see [`SimulatorBuilder::ogg_multi_deployment`]).
    pub fn set_ogg_multi_deployment(&self, enabled: bool) {
        self.shared.lock().ogg.multi_deployment = enabled;
    }

    /// The state of an ESS request now.
    pub fn ess_state(&self, id: i64) -> Option<String> {
        let now = self.now();
        self.shared.lock().ess.state_of(id, now)
    }

    /// The progress of a GoldenGate request now.
    pub fn ogg_progress(&self, target: &OggTarget, id: i64) -> Option<String> {
        let now = self.now();
        self.shared.lock().ogg.progress_of(target, id, now)
    }

    /// The status of an Analytics work request now.
    pub fn work_request_status(&self, id: &str) -> Option<String> {
        let now = self.now();
        self.shared.lock().oac.status_of(id, now)
    }

    /// Puts an ESS request in `state` from now on (a terminal state gets `cause` and `message`).
    pub fn force_ess_state(
        &self,
        id: i64,
        state: &str,
        cause: Option<&str>,
        message: Option<&str>,
    ) -> Result<(), Error> {
        let now = self.now();
        if self.shared.lock().ess.force(id, state, cause, message, now) {
            Ok(())
        } else {
            Err(Error::UnknownRequest {
                service: "ess",
                id: id.to_string(),
            })
        }
    }

    /// Sets the progress of a GoldenGate request from now on.
    pub fn force_ogg_progress(&self, target: &OggTarget, id: i64, progress: &str) -> Result<(), Error> {
        let now = self.now();
        if self.shared.lock().ogg.force(target, id, progress, now) {
            Ok(())
        } else {
            Err(Error::UnknownRequest {
                service: "ogg",
                id: id.to_string(),
            })
        }
    }

    /// Sets the status of an Analytics work request from now on.
    pub fn force_work_request_status(&self, id: &str, status: &str) -> Result<(), Error> {
        let now = self.now();
        if self.shared.lock().oac.force(id, status, now) {
            Ok(())
        } else {
            Err(Error::UnknownRequest {
                service: "analytics",
                id: id.to_owned(),
            })
        }
    }

    /// Queues faults for the next calls of `operation_id` (`ess.getRequest` / `ogg.getRequest` for one service's
    /// `getRequest`; `*`: any operation).
    pub fn inject(&self, operation_id: &str, faults: impl IntoIterator<Item = Fault>) {
        self.shared.lock().faults.queue(operation_id, faults);
    }

    /// Adds faults drawn at a rate for `operation_id` (`*`: any operation), from a generator seeded with
    /// `seed`.
    pub fn inject_rate(&self, operation_id: &str, rates: Vec<FaultRate>, seed: u64) {
        self.shared.lock().faults.rates(operation_id, rates, Some(seed));
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Replaces the accepted credentials.
    pub fn set_auth(&self, auth: AuthConfig) {
        self.shared.lock().auth = auth;
    }

    /// Every request received so far (secrets redacted).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().recorder.requests()
    }

    /// How many requests of `operation_id` arrived (faulted and refused ones included); `ess.getRequest` or
    /// `ogg.getRequest` counts one service's `getRequest`.
    pub fn count(&self, operation_id: &str) -> u64 {
        self.shared.lock().recorder.count(operation_id)
    }

    /// Requests per `operationId`.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.shared.lock().recorder.counts()
    }

    /// Requests the full log dropped (oldest first) since the start or the last clear: when it is not 0,
    /// [`Simulator::requests`] no longer holds every request (see [`SimulatorBuilder::record_limit`]).
    pub fn dropped_requests(&self) -> u64 {
        self.shared.lock().recorder.dropped()
    }

    /// Forgets the recorded requests and counts (refusals of the rate limit included).
    pub fn clear_recorded(&self) {
        let mut g = self.shared.lock();
        g.recorder.clear();
        g.rate_limits.clear_counts();
    }

    /// Sets (`Some`) or lifts (`None`) the rate limit of [`SimulatorBuilder::rate_limit`]; the services' buckets
    /// start full. A limit whose rate is not above zero is no limit.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.shared.lock().rate_limits.set(limit);
    }

    /// The rate limit in force.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.shared.lock().rate_limits.limit()
    }

    /// Requests the rate limit refused with `429`, per service (`ess`, `ogg`, `analytics`), since the start or the
    /// last [`clear_recorded`](Self::clear_recorded) or [`reset`](Self::reset).
    pub fn throttled(&self) -> BTreeMap<String, u64> {
        self.shared
            .lock()
            .rate_limits
            .throttled()
            .into_iter()
            .map(|(service, n)| (service.name().to_owned(), n))
            .collect()
    }

    /// Forgets requests, scenarios, faults and recordings; keeps credentials, clock and configuration.
    pub fn reset(&self) {
        self.shared.reset();
    }
}
