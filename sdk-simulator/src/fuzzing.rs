//! Entry points for the fuzz targets under `fuzz/`. Not part of the simulator's API: hidden from the
//! documentation, exempt from semver, and free to change with the targets that use them.
//!
//! A [`Session`] hands requests to the same handlers the server does, in memory: the service handlers (which read
//! ESS's `q` filters, `orderBy`, `fields`, `excludeFields`, multi-select ids, GoldenGate and Analytics paths and
//! bodies) after the server's own routing and query decoding, and the admin router (`/_simulator/...`, JSON
//! bodies) through `tower::ServiceExt::oneshot`. Starting a listener per input would be far too slow for a fuzzer.
//! Authentication, faults and recording are left out: they read no client input a fuzzer could usefully vary.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use tower::ServiceExt;

use crate::clock::VirtualClock;
use crate::operation::{Operation, identify};
use crate::reply::{Ctx, parse_query};
use crate::state::{Inner, Shared};

/// A fresh simulator state, with no listener, that requests can be handed to one after another.
#[derive(Debug)]
pub struct Session {
    shared: Arc<Shared>,
    admin: axum::Router,
    runtime: tokio::runtime::Runtime,
}

impl Session {
    /// A simulator in its default configuration, its clock stopped so that a run does not depend on the time.
    ///
    /// # Errors
    ///
    /// When the in-memory runtime for the admin endpoints cannot be built.
    pub fn new() -> std::io::Result<Self> {
        let clock = VirtualClock::default();
        clock.set_speed(0.0);
        let shared = Arc::new(Shared::new(clock, "http", Inner::default()));
        let admin = crate::admin::router(shared.clone());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
        Ok(Self { shared, admin, runtime })
    }

    /// Handles one request and returns the status of the reply (`None` when axum could not build the request,
    /// e.g. a path that is not a valid URI).
    ///
    /// `target` is the path with its query string; `headers` are lower-case name and value pairs.
    pub fn request(&self, method: &Method, target: &str, headers: &[(String, String)], body: Bytes) -> Option<u16> {
        let uri: http::Uri = target.parse().ok()?;
        let path = uri.path().to_owned();
        if path == "/_simulator" || path.starts_with("/_simulator/") {
            let mut request = http::Request::builder().method(method.clone()).uri(uri);
            for (name, value) in headers {
                request = request.header(name.as_str(), value.as_str());
            }
            let request = request.body(axum::body::Body::from(body)).ok()?;
            let response = self.runtime.block_on(self.admin.clone().oneshot(request));
            return match response {
                Ok(response) => Some(response.status().as_u16()),
                Err(never) => match never {},
            };
        }
        let headers: HashMap<String, String> = headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
            .collect();
        let ctx = Ctx {
            origin: format!("http://{}", headers.get("host").map_or("127.0.0.1", String::as_str)),
            query: parse_query(uri.query()),
            headers,
            body,
            now: self.shared.clock.now(),
        };
        let op = identify(method, &path)?;
        let mut state = self.shared.lock();
        let reply = match &op {
            Operation::Ess(o) => state.ess.handle(o, &ctx),
            Operation::Ogg(o, address) => state.ogg.handle(o, address, &ctx),
            Operation::Analytics(o) => state.oac.handle(o, &ctx),
        };
        Some(reply.status.as_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_answers_service_and_admin_requests() {
        let session = Session::new().expect("a runtime");
        let submit = br#"{"jobDefinitionId": "JobDefinition://oracle/apps/ess/Demo", "application": "EarHcmEss"}"#;
        let status = session.request(
            &Method::POST,
            "/ess/rest/scheduler/v1/requests",
            &[("content-type".to_owned(), "application/json".to_owned())],
            Bytes::from_static(submit),
        );
        assert_eq!(status, Some(201));
        let status = session.request(
            &Method::GET,
            "/ess/rest/scheduler/v1/requests?q=state%20eq%20%22WAIT%22&orderBy=requestId:desc&fields=state",
            &[],
            Bytes::new(),
        );
        assert_eq!(status, Some(200));
        let status = session.request(
            &Method::POST,
            "/_simulator/clock/advance",
            &[("content-type".to_owned(), "application/json".to_owned())],
            Bytes::from_static(br#"{"seconds": 5}"#),
        );
        assert_eq!(status, Some(200));
        let status = session.request(&Method::GET, "/ess/rest/scheduler/v1/requests?q=(((", &[], Bytes::new());
        assert_eq!(status, Some(400));
    }
}
