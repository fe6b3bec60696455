//! A minimal HTTP/1.1 server on loopback: hyper's connection driver, keep-alive, one synchronous handler that
//! turns a request head into a canned reply. It runs on its own thread and tokio runtime ([`Server::start`]), or
//! inside a caller's runtime ([`serve`], used by the fan-out's server process).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http::request::Parts;
use http::{Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;

use crate::{ESS_PREFIX, OAC_PREFIX, bodies};

/// Connections this process's servers have accepted.
pub static CONNECTIONS_ACCEPTED: AtomicU64 = AtomicU64::new(0);
/// Connections open now.
pub static CONNECTIONS_OPEN: AtomicU64 = AtomicU64::new(0);
/// The most connections open at once.
pub static CONNECTIONS_MAX_OPEN: AtomicU64 = AtomicU64::new(0);

/// A reply of the server.
pub type Reply = Response<Full<Bytes>>;

/// What the server does with a request: look at its head, return a reply.
pub trait Handler: Fn(&Parts) -> Reply + Send + Sync + 'static {}

impl<F> Handler for F where F: Fn(&Parts) -> Reply + Send + Sync + 'static {}

/// A listening socket on `127.0.0.1`, on a port the system picks, with room for `backlog` pending connections.
/// Must be called inside a tokio runtime.
pub fn listen(backlog: u32) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    socket.listen(backlog)
}

/// Serves `listener` with `handler` until `shutdown` completes: one task per connection, HTTP/1.1 keep-alive.
pub async fn serve<H: Handler>(listener: TcpListener, handler: Arc<H>, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of file descriptors or a connection reset before it was accepted: breathe, then go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            }
        };
        // Nagle off, as reqwest and the raw hyper client do on their side.
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        CONNECTIONS_ACCEPTED.fetch_add(1, Ordering::Relaxed);
        let open = CONNECTIONS_OPEN.fetch_add(1, Ordering::Relaxed) + 1;
        CONNECTIONS_MAX_OPEN.fetch_max(open, Ordering::Relaxed);
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let (parts, _body) = request.into_parts();
                let reply = handler(&parts);
                async move { Ok::<_, Infallible>(reply) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
            CONNECTIONS_OPEN.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

/// A server on its own thread (and current-thread tokio runtime), stopped when dropped.
pub struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server answering every request with `handler`.
    pub fn start(handler: impl Handler) -> io::Result<Self> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<SocketAddr>>();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name("bench-server".into()).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                let listener = match listen(1024).and_then(|l| l.local_addr().map(|a| (l, a))) {
                    Ok((listener, addr)) => {
                        let _ = ready_tx.send(Ok(addr));
                        listener
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                serve(listener, Arc::new(handler), async {
                    let _ = stop_rx.await;
                })
                .await;
            });
        })?;
        let addr = ready_rx
            .recv()
            .map_err(|_| io::Error::other("the server thread ended before listening"))??;
        Ok(Self {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// Starts a server answering every request with `handler` as a task of `runtime` (for a current-thread runtime:
    /// on the same thread as the clients, so that a call costs CPU time only, without a wake-up of another thread).
    pub fn start_on(runtime: &tokio::runtime::Runtime, handler: impl Handler) -> io::Result<Self> {
        let (listener, addr) = runtime.block_on(async {
            let listener = listen(1024)?;
            let addr = listener.local_addr()?;
            Ok::<_, io::Error>((listener, addr))
        })?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        runtime.spawn(serve(listener, Arc::new(handler), async {
            let _ = stop_rx.await;
        }));
        Ok(Self {
            addr,
            stop: Some(stop_tx),
            thread: None,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A `200` JSON reply with the headers an Oracle server sends along (a request id).
pub fn json_reply(body: Bytes) -> Reply {
    let mut reply = Response::new(Full::new(body));
    let headers = reply.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    headers.insert(
        "x-oracle-dms-ecid",
        header::HeaderValue::from_static("005zWmBPGQS3z01_VUn6iZ0003Ah0000Ua"),
    );
    reply
}

/// A reply without body.
pub fn status_reply(status: StatusCode) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::new()));
    *reply.status_mut() = status;
    reply
}

/// The canned bodies the benchmark server answers with.
#[derive(Clone, Debug)]
pub struct Canned {
    /// `GET /ess/rest/scheduler/v1/requests/{id}`: the spec's `RequestDetails` example.
    pub ess_status: Bytes,
    /// `GET /ess/rest/scheduler/v1/requests?...`: a query response.
    pub ess_query: Bytes,
    /// `GET /services/v2/requests/{id}`: GoldenGate's request status example.
    pub ogg_status: Bytes,
    /// `GET /api/20210901/workRequests/{id}`: Analytics' work request example.
    pub oac_work_request: Bytes,
}

impl Canned {
    /// The Oracle examples, with a query response of `query_items` requests.
    pub fn oracle(query_items: usize) -> Self {
        Self {
            ess_status: bodies::ess_status_body().into(),
            ess_query: bodies::ess_query_body(query_items).into(),
            ogg_status: Bytes::from_static(bodies::OGG_REQUEST_STATUS),
            oac_work_request: Bytes::from_static(bodies::OAC_WORK_REQUEST),
        }
    }

    /// The handler serving these bodies; a request without `Authorization` gets `401`, an unknown path `404`.
    pub fn handler(self) -> impl Handler {
        move |parts: &Parts| self.reply(parts)
    }

    fn reply(&self, parts: &Parts) -> Reply {
        if !parts.headers.contains_key(header::AUTHORIZATION) {
            return status_reply(StatusCode::UNAUTHORIZED);
        }
        let path = parts.uri.path();
        let body = if let Some(rest) = path.strip_prefix(ESS_PREFIX).and_then(|p| p.strip_prefix("/requests")) {
            if rest.is_empty() {
                &self.ess_query
            } else {
                &self.ess_status
            }
        } else if path.starts_with("/services/v2/requests/") {
            &self.ogg_status
        } else if path
            .strip_prefix(OAC_PREFIX)
            .is_some_and(|p| p.starts_with("/workRequests/"))
        {
            &self.oac_work_request
        } else {
            return status_reply(StatusCode::NOT_FOUND);
        };
        json_reply(body.clone())
    }
}
