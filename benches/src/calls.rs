//! The clients every per-call measurement uses, built the same way for `benches/client_call.rs` (criterion) and
//! `src/bin/paired.rs` (interleaved ratios), and the check that each gets the answer it should.

use std::io;

use crate::handwritten::{EssQuery, EssStatus, HandClient, OacWorkRequest, OggStatus, RawHyper};
use crate::server::{Canned, Server};
use crate::{ESS_PREFIX, OAC_PREFIX, PASSWORD, TOKEN, USER};

/// The ESS request id asked for (the server answers every id with the same example).
pub const ESS_ID: i64 = 300_000_012_345_680;
/// The GoldenGate request id asked for.
pub const OGG_ID: i64 = 425_988_415;
/// The Analytics work request id asked for.
pub const OAC_ID: &str = "bidr-1E309E468A4518E149438E31294EB54";
/// Requests in the query response served to `GET /requests`.
pub const QUERY_ITEMS: usize = 1_000;

/// Where the loopback server runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// A task of the clients' current-thread runtime: a call costs the CPU time of both ends, without waking
    /// another thread. The most repeatable figures.
    SameThread,
    /// Its own thread and runtime: each call also waits for the other thread to wake up, as it would for a network.
    OwnThread,
}

impl Placement {
    /// The suffix of the criterion group names measured with this placement.
    pub fn suffix(self) -> &'static str {
        match self {
            Self::SameThread => "",
            Self::OwnThread => "_server_thread",
        }
    }

    /// How the placement is named in reports.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SameThread => "server on the same thread",
            Self::OwnThread => "server on its own thread",
        }
    }
}

/// The clients of one measurement, on one current-thread runtime, and the server they talk to.
pub struct Clients {
    /// The runtime every call runs on (`block_on` from the measuring thread).
    pub runtime: tokio::runtime::Runtime,
    /// The SDK's ESS client.
    pub ess: sdk_ess::Client,
    /// The SDK's GoldenGate client.
    pub ogg: sdk_ogg::Client,
    /// The SDK's Analytics client.
    pub oac: sdk_workrequests::Client,
    /// The hand-written reqwest client.
    pub hand: HandClient,
    /// The raw hyper connection.
    pub raw: RawHyper,
    /// The server (dropped last).
    pub server: Server,
}

impl Clients {
    /// Starts a server with the Oracle examples at `placement` and builds every client for it: the SDK clients
    /// with `Client::builder(base URL with the service's path prefix)` and their credentials, nothing else.
    pub fn start(placement: Placement) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let handler = Canned::oracle(QUERY_ITEMS).handler();
        let server = match placement {
            Placement::SameThread => Server::start_on(&runtime, handler)?,
            Placement::OwnThread => Server::start(handler)?,
        };
        let origin = server.origin();
        let ess = sdk_ess::Client::builder(format!("{origin}{ESS_PREFIX}"))
            .basic_auth(USER, PASSWORD)
            .build()
            .map_err(io::Error::other)?;
        let ogg = sdk_ogg::Client::builder(format!("{origin}/services/v2"))
            .basic_auth(USER, PASSWORD)
            .build()
            .map_err(io::Error::other)?;
        let oac = sdk_workrequests::Client::builder(format!("{origin}{OAC_PREFIX}"))
            .bearer_token(TOKEN)
            .build()
            .map_err(io::Error::other)?;
        let hand = HandClient::new(&origin).map_err(io::Error::other)?;
        let raw = runtime
            .block_on(RawHyper::connect(server.addr()))
            .map_err(io::Error::other)?;
        let mut clients = Self {
            runtime,
            ess,
            ogg,
            oac,
            hand,
            raw,
            server,
        };
        clients.check();
        Ok(clients)
    }

    /// Every client gets the answer it should before anything is timed.
    ///
    /// # Panics
    ///
    /// When one does not: the measurement would be of something else.
    pub fn check(&mut self) {
        let Self {
            runtime,
            ess,
            ogg,
            oac,
            hand,
            raw,
            ..
        } = self;
        runtime.block_on(async {
            let sdk = ess
                .get_request()
                .request_id(ESS_ID)
                .send()
                .await
                .expect("ESS")
                .into_inner();
            let by_hand: EssStatus = hand.ess_get_request(ESS_ID).await.expect("ESS by hand");
            assert_eq!(sdk.request_id, by_hand.request_id);
            assert_eq!(sdk.state.map(|s| s.to_string()), by_hand.state);

            let sdk = ogg
                .get_request()
                .request(OGG_ID)
                .send()
                .await
                .expect("OGG")
                .into_inner();
            let by_hand: OggStatus = hand.ogg_get_request(OGG_ID).await.expect("OGG by hand");
            assert_eq!(
                sdk.response.and_then(|r| r.progress).map(|p| p.to_string()),
                by_hand.response.map(|r| r.progress)
            );

            let sdk = oac
                .get_work_request()
                .id(OAC_ID)
                .send()
                .await
                .expect("OAC")
                .into_inner();
            let by_hand: OacWorkRequest = hand.oac_get_work_request(OAC_ID).await.expect("OAC by hand");
            assert_eq!(sdk.id.as_deref(), Some(by_hand.id.as_str()));
            assert_eq!(
                sdk.status.map(|s| s.to_string()).as_deref(),
                Some(by_hand.status.as_str())
            );

            let sdk = ess.query_requests().send().await.expect("ESS query").into_inner();
            let by_hand: EssQuery = hand.ess_query_requests().await.expect("ESS query by hand");
            assert_eq!(sdk.items.map(|items| items.len()), Some(QUERY_ITEMS));
            assert_eq!(by_hand.items.len(), QUERY_ITEMS);

            for bytes in [
                raw.ess_get_request(ESS_ID).await.expect("raw ESS"),
                raw.ogg_get_request(OGG_ID).await.expect("raw OGG"),
                raw.oac_get_work_request(OAC_ID).await.expect("raw OAC"),
            ] {
                assert!(bytes.starts_with(b"{"), "{bytes:?}");
            }
        });
    }
}
