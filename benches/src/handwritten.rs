//! The baselines the SDK clients are measured against.
//!
//! - [`HandClient`]: the best status call that could be written by hand with the workspace's `reqwest` (same
//!   version and features) and `serde_json`: one reused `reqwest::Client` configured like the SDK's (10 s connect
//!   timeout, 60 s request timeout), the same `GET` with the same headers, the `Authorization` value computed once,
//!   `serde_json::from_slice` into a small struct with the fields a status check needs ([`EssStatus`],
//!   [`OggStatus`], [`OacWorkRequest`]) or, to split transport from parsing, into the SDK's generated type.
//! - [`RawHyper`]: the floor: hyper's HTTP/1.1 client on one kept-alive connection, the same request head, the body
//!   collected and not parsed.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, HOST, HeaderValue};
use http::{Method, Request};
use http_body_util::{BodyExt as _, Empty};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::net::TcpStream;

use crate::{ESS_PREFIX, OAC_PREFIX, PASSWORD, TOKEN, USER};

/// Any failure of a baseline call.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What an ESS status check needs from `RequestDetails` (what `sdk_ess::wait::phase` reads).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EssStatus {
    /// The request id.
    pub request_id: Option<i64>,
    /// `RUNNING`, `SUCCEEDED`, ...
    pub state: Option<String>,
    /// Why it ended.
    pub cause: Option<String>,
    /// Readable text of `cause`.
    pub cause_description: Option<String>,
    /// Last error or warning.
    pub error_warning_message: Option<String>,
    /// Its details.
    pub error_warning_detail: Option<String>,
}

/// An ESS query response, read by hand.
#[derive(Debug, Deserialize)]
pub struct EssQuery {
    /// The requests.
    #[serde(default)]
    pub items: Vec<EssStatus>,
    /// How many.
    pub count: Option<i32>,
}

/// What a GoldenGate status check needs from the request status envelope.
#[derive(Debug, Deserialize)]
pub struct OggStatus {
    /// The request document.
    pub response: Option<OggRequest>,
    /// GoldenGate's messages (errors among them).
    #[serde(default)]
    pub messages: Vec<OggMessage>,
}

/// The background request's status.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OggRequest {
    /// `pending`, `processing`, `succeeded`, ...
    pub progress: String,
    /// Whether it has finished.
    pub completed: Option<bool>,
    /// The original call's HTTP status.
    pub request_status: Option<f64>,
}

/// One GoldenGate message.
#[derive(Debug, Deserialize)]
pub struct OggMessage {
    /// `ERROR`, `WARNING`, `INFO`.
    pub severity: Option<String>,
    /// `OGG-nnnnn`.
    pub code: Option<String>,
    /// The text.
    pub title: Option<String>,
}

/// What an Analytics status check needs from a work request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OacWorkRequest {
    /// The work request id.
    pub id: String,
    /// `ACCEPTED`, `IN_PROGRESS`, `SUCCEEDED`, ...
    pub status: String,
    /// 0 to 100.
    pub percent_complete: f32,
    /// The errors of a failed work request.
    #[serde(rename = "Errors", alias = "errors")]
    pub errors: Option<Vec<OacError>>,
}

/// One Analytics error.
#[derive(Debug, Deserialize)]
pub struct OacError {
    /// The code.
    pub code: Option<String>,
    /// The message.
    pub message: Option<String>,
}

/// `Basic base64(user:password)` for the benchmark credentials.
pub fn basic_header() -> HeaderValue {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    sensitive(format!("Basic {encoded}"))
}

/// `Bearer <token>` for the benchmark token.
pub fn bearer_header() -> HeaderValue {
    sensitive(format!("Bearer {TOKEN}"))
}

fn sensitive(value: String) -> HeaderValue {
    let mut header = HeaderValue::try_from(value).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    header.set_sensitive(true);
    header
}

/// The hand-written `reqwest` + `serde_json` client.
#[derive(Clone, Debug)]
pub struct HandClient {
    http: reqwest::Client,
    origin: String,
    basic: HeaderValue,
    bearer: HeaderValue,
}

impl HandClient {
    /// A client for the server at `origin` (`http://127.0.0.1:port`), configured like the SDK's clients.
    pub fn new(origin: &str) -> reqwest::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(Self {
            http,
            origin: origin.trim_end_matches('/').to_owned(),
            basic: basic_header(),
            bearer: bearer_header(),
        })
    }

    /// `GET url`, `Accept: application/json`, the given `Authorization`; the body parsed as `T`.
    pub async fn get<T: DeserializeOwned>(&self, url: &str, authorization: &HeaderValue) -> Result<T, BoxError> {
        let response = self
            .http
            .get(url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(AUTHORIZATION, authorization.clone())
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()).into());
        }
        let body = response.bytes().await?;
        Ok(serde_json::from_slice(&body)?)
    }

    /// ESS `GET /requests/{id}` (basic auth).
    pub async fn ess_get_request<T: DeserializeOwned>(&self, id: i64) -> Result<T, BoxError> {
        let url = format!("{}{ESS_PREFIX}/requests/{id}", self.origin);
        self.get(&url, &self.basic).await
    }

    /// ESS `GET /requests` (basic auth): a query.
    pub async fn ess_query_requests<T: DeserializeOwned>(&self) -> Result<T, BoxError> {
        let url = format!("{}{ESS_PREFIX}/requests", self.origin);
        self.get(&url, &self.basic).await
    }

    /// GoldenGate `GET /services/v2/requests/{id}` (basic auth).
    pub async fn ogg_get_request<T: DeserializeOwned>(&self, id: i64) -> Result<T, BoxError> {
        let url = format!("{}/services/v2/requests/{id}", self.origin);
        self.get(&url, &self.basic).await
    }

    /// Analytics `GET /api/20210901/workRequests/{id}` (bearer token).
    pub async fn oac_get_work_request<T: DeserializeOwned>(&self, id: &str) -> Result<T, BoxError> {
        let url = format!("{}{OAC_PREFIX}/workRequests/{id}", self.origin);
        self.get(&url, &self.bearer).await
    }
}

/// The floor: hyper's HTTP/1.1 client on one kept-alive connection, no pool, no parse.
#[derive(Debug)]
pub struct RawHyper {
    sender: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    host: HeaderValue,
    basic: HeaderValue,
    bearer: HeaderValue,
}

impl RawHyper {
    /// Connects to `addr`; the connection is driven by a task on the current runtime.
    pub async fn connect(addr: SocketAddr) -> Result<Self, BoxError> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Self {
            sender,
            host: HeaderValue::try_from(addr.to_string())?,
            basic: basic_header(),
            bearer: bearer_header(),
        })
    }

    /// `GET path` with the same head as the other clients; the whole body.
    pub async fn get(&mut self, path: &str, bearer: bool) -> Result<Bytes, BoxError> {
        let authorization = if bearer { &self.bearer } else { &self.basic };
        let request = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header(HOST, self.host.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(AUTHORIZATION, authorization.clone())
            .body(Empty::new())?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()).into());
        }
        Ok(response.into_body().collect().await?.to_bytes())
    }

    /// ESS `GET /requests/{id}`.
    pub async fn ess_get_request(&mut self, id: i64) -> Result<Bytes, BoxError> {
        self.get(&format!("{ESS_PREFIX}/requests/{id}"), false).await
    }

    /// ESS `GET /requests`.
    pub async fn ess_query_requests(&mut self) -> Result<Bytes, BoxError> {
        self.get(&format!("{ESS_PREFIX}/requests"), false).await
    }

    /// GoldenGate `GET /services/v2/requests/{id}`.
    pub async fn ogg_get_request(&mut self, id: i64) -> Result<Bytes, BoxError> {
        self.get(&format!("/services/v2/requests/{id}"), false).await
    }

    /// Analytics `GET /api/20210901/workRequests/{id}`.
    pub async fn oac_get_work_request(&mut self, id: &str) -> Result<Bytes, BoxError> {
        self.get(&format!("{OAC_PREFIX}/workRequests/{id}"), true).await
    }
}
