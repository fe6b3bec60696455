//! The state shared by the server, the admin endpoints and the [`crate::simulator::Simulator`] handle.

use std::sync::{Mutex, MutexGuard};

use crate::analytics::OacState;
use crate::auth::AuthConfig;
use crate::clock::VirtualClock;
use crate::ess::EssState;
use crate::faults::FaultTable;
use crate::ogg::OggState;
use crate::recorder::Recorder;

/// Everything that changes, behind one lock (never held across an `.await`).
#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub ess: EssState,
    pub ogg: OggState,
    pub oac: OacState,
    pub faults: FaultTable,
    pub auth: AuthConfig,
    pub recorder: Recorder,
}

/// Clock and state.
#[derive(Debug)]
pub(crate) struct Shared {
    pub clock: VirtualClock,
    /// `http` or `https`, for the links of replies.
    pub scheme: &'static str,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(clock: VirtualClock, scheme: &'static str, inner: Inner) -> Self {
        Self {
            clock,
            scheme,
            inner: Mutex::new(inner),
        }
    }

    /// Locks the state (a poisoned lock is taken over: the state stays usable after a panic elsewhere).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets requests of every service, faults, recorded requests and scenarios; keeps auth, clock and
    /// configuration.
    pub(crate) fn reset(&self) {
        let mut g = self.lock();
        g.ess.clear_requests();
        g.ess.scenarios.clear();
        g.ess.default_scenario = Default::default();
        g.ogg.clear_requests();
        g.oac.clear_requests();
        g.oac.scenarios.clear();
        g.oac.operation_scenarios.clear();
        g.oac.default_scenario = Default::default();
        g.faults.clear();
        g.recorder.clear();
    }
}
