//! Replies no one here expected, sent to every operation of a client: truncated JSON, JSON of the wrong shape,
//! an HTML page, an empty body, a 10 MB body, a body that never finishes, and broken error replies. Whatever
//! comes back, the client must not panic and must end with an error value that keeps the HTTP status.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use libtest_mimic::{Failed, Trial};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::ResponseTemplate;

use crate::{block_on, serve};

/// The per-attempt timeout the clients under test must use, so that a body that never finishes ends the call. Long
/// enough that a debug-built mock server serving a 10 MB page on a loaded two-core machine still answers within it
/// (at 500 ms, one such reply timed out before its status arrived).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(1500);

/// One kind of hostile reply.
#[derive(Clone, Copy, Debug)]
pub enum Hostile {
    /// `200` with JSON cut in the middle.
    TruncatedJson,
    /// `200` with valid JSON of another shape (an array of numbers).
    WrongShape,
    /// `200` with an HTML page, as a proxy's login or maintenance page.
    HtmlPage,
    /// `200` with no body.
    EmptyBody,
    /// `200` with 10 MB of text that is not JSON.
    TenMegabytes,
    /// `200` whose headers arrive but whose body never finishes.
    NeverFinishes,
    /// `500` with a truncated JSON error document.
    BrokenErrorDocument,
    /// `502` with 10 MB of HTML.
    HugeErrorPage,
}

impl Hostile {
    /// Every kind.
    pub const ALL: [Hostile; 8] = [
        Hostile::TruncatedJson,
        Hostile::WrongShape,
        Hostile::HtmlPage,
        Hostile::EmptyBody,
        Hostile::TenMegabytes,
        Hostile::NeverFinishes,
        Hostile::BrokenErrorDocument,
        Hostile::HugeErrorPage,
    ];

    /// The status the reply carries, which the error must keep.
    pub fn status(self) -> u16 {
        match self {
            Hostile::BrokenErrorDocument => 500,
            Hostile::HugeErrorPage => 502,
            _ => 200,
        }
    }

    fn reply(self) -> ResponseTemplate {
        let json = "application/json";
        match self {
            Hostile::TruncatedJson => {
                ResponseTemplate::new(200).set_body_raw(r#"{"requestId": 42, "state": "RUNN"#, json)
            }
            Hostile::WrongShape => ResponseTemplate::new(200).set_body_raw("[1, 2, 3]", json),
            Hostile::HtmlPage => ResponseTemplate::new(200).set_body_raw(
                "<html><body><form action=/login>Sign in</form></body></html>",
                "text/html",
            ),
            Hostile::EmptyBody => ResponseTemplate::new(200),
            Hostile::TenMegabytes => ResponseTemplate::new(200).set_body_raw("A".repeat(10 * 1024 * 1024), json),
            Hostile::NeverFinishes => ResponseTemplate::new(200),
            Hostile::BrokenErrorDocument => {
                ResponseTemplate::new(500).set_body_raw(r#"{"title": "Internal", "errorCode": "ESS-005"#, json)
            }
            Hostile::HugeErrorPage => ResponseTemplate::new(502)
                .set_body_raw(format!("<html>{}</html>", "x".repeat(10 * 1024 * 1024)), "text/html"),
        }
    }
}

/// Starts a server on loopback that sends a `200` with a long `Content-Length`, the first bytes of a JSON body,
/// and then nothing, for ever.
async fn never_finishing_server() -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 8192];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{\"requestId\": ";
                let _ = socket.write_all(head.as_bytes()).await;
                // Hold the connection open without sending the rest.
                tokio::time::sleep(Duration::from_secs(3600)).await;
                drop(socket);
            });
        }
    });
    Ok(format!("http://{addr}"))
}

/// One trial per (operation, hostile reply). `call` sends the operation to the base URL it is given (with
/// retries disabled and a per-attempt timeout of [`ATTEMPT_TIMEOUT`]) and returns `Ok(())` on success or the
/// HTTP status the error kept. `streams` names the operations whose success reply is a byte stream handed to the
/// caller unread (a download): only those may succeed on a `200` with a hostile body.
pub fn adversarial_trials<Op, F, Fut>(
    service: &'static str,
    operations: Vec<(String, Op)>,
    streams: &'static [&'static str],
    call: F,
) -> Vec<Trial>
where
    Op: Send + Sync + 'static,
    F: Fn(String, Arc<Op>) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = Result<(), Option<u16>>>,
{
    let mut trials = Vec::new();
    for (id, op) in operations {
        let op = Arc::new(op);
        for hostile in Hostile::ALL {
            let call = call.clone();
            let op = op.clone();
            let id = id.clone();
            trials.push(Trial::test(
                format!("adversarial::{service}::{id}::{hostile:?}"),
                move || {
                    let streamed = streams.contains(&id.as_str());
                    block_on(async move {
                        let mut mock = None;
                        let uri = match hostile {
                            Hostile::NeverFinishes => never_finishing_server().await.map_err(|e| e.to_string())?,
                            other => mock.insert(serve(other.reply()).await).uri(),
                        };
                        let outcome = call(uri, op).await;
                        drop(mock);
                        match outcome {
                            Err(Some(status)) if status == hostile.status() => Ok(()),
                            // A download's body is read by the caller: the timeout fires in the read, after the status.
                            Err(None) if streamed && matches!(hostile, Hostile::NeverFinishes) => Ok(()),
                            Err(other) => Err(Failed::from(format!(
                                "{hostile:?}: the error kept status {other:?}, expected {}",
                                hostile.status()
                            ))),
                            // A download hands its body to the caller unread; its reading fails there, not here.
                            Ok(()) if streamed && hostile.status() == 200 => Ok(()),
                            Ok(()) => Err(Failed::from(format!("{hostile:?}: the call succeeded"))),
                        }
                    })
                },
            ));
        }
    }
    trials
}
