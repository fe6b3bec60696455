//! Contract tests of `sdk-workrequests` against a mock Oracle Analytics server: every (operation, documented
//! status) pair of `specs/workrequests.yaml`, plus the replies the spec cannot promise (a 202 that names no work
//! request, work requests of shapes never seen, the error shapes real servers send, proxies, expired tokens) and
//! work request ids with `:` and other reserved characters.
//!
//! Each case checks the request the client sends (method, path under the base URL with Base64URL object ids,
//! bearer token, JSON body, no `api-version`) and what the caller gets back: the work request id read from the
//! 202, the typed work request (Oracle's own example, `fixtures/workrequests/get_work_request_200.json`, served
//! verbatim but for the trailing comma of the documentation page), the exported file, or an error carrying the
//! status, the server's error document and the raw body.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use contract_tests::harness::{self, Operation, Success, contract_client};
use contract_tests::{block_on, ensure, json_reply, received, serve, workspace_root};
use futures::StreamExt as _;
use futures::future::BoxFuture;
use libtest_mimic::{Failed, Trial};
use sdk_workrequests::wait::{Lifecycle, Outcome, WaitError, WaitPolicy};
use sdk_workrequests::{
    Client, ClientBuilder, Error, OA_WORK_REQUEST_ID, OacErrorDocument, ObjectId, RetryPolicy, Secret, TokenError,
    WorkRequestId, WorkRequestIdExt, types,
};
use serde_json::{Value, json};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/api/20210901";
const TOKEN: &str = "oac-Acc3ss-T0ken-7Qx";
const BEARER: &str = "Bearer oac-Acc3ss-T0ken-7Qx";
/// The work request id of Oracle's example.
const WORK_REQUEST_ID: &str = "bidr-1E309E468A4518E149438E31294EB54";
/// A work request id a real server sent: colons, not only `bidr-...` / `biwj-...`.
const REAL_ID: &str = "lfc-cc:13347-c9:3962654";
/// The export id of Oracle's example: `biwj-` and Base64URL of `'cp:658'.'ce:3881'`.
const EXPORT_ID: &str = "biwj-J2NwOjY1OCcuJ2NlOjM4ODEn";
/// `'admin'.'Sales>>Q?'`, whose standard Base64 has `+`, `/` and padding.
const DATASET: &str = "'admin'.'Sales>>Q?'";
const DATASET_PATH: &str = "J2FkbWluJy4nU2FsZXM-PlE_Jw";
const DATAFLOW: &str = "/shared/Sales/Revenue Flow";
const DATAFLOW_PATH: &str = "L3NoYXJlZC9TYWxlcy9SZXZlbnVlIEZsb3c";
const SEQUENCE: &str = "/shared/Sales/Nightly Sequence";
const SEQUENCE_PATH: &str = "L3NoYXJlZC9TYWxlcy9OaWdodGx5IFNlcXVlbmNl";
/// Oracle's example workbook and its documented encoding.
const WORKBOOK: &str = "/shared/Sales/MySalesWorkbook";
const WORKBOOK_PATH: &str = "L3NoYXJlZC9TYWxlcy9NeVNhbGVzV29ya2Jvb2s";
const SNAPSHOT_PASSWORD: &str = "Bar-Pa55word-9";
const PRIVATE_KEY: &str = "LS0tLS1CRUdJTi-private-key";
/// The 400 body a real server sent (one string member `error`), the elided parts of the note filled in.
const REAL_400_TEXT: &str =
    "Failed to create the connection. Connection details are not valid: Validation failed for the host name";
/// The real 500 body of the REST servlet, verbatim.
const SERVLET_500: &str = include_str!("../fixtures/workrequests/real/oac-error-500-servlet.json");

/// The Oracle Analytics client under the contract-test harness.
struct Oac;

impl harness::Service for Oac {
    type Client = Client;

    const NAME: &'static str = "workrequests";
    const SPEC: &'static str = "workrequests.yaml";
    const PREFIX: &'static str = PREFIX;
    const AUTHORIZATION: &'static str = BEARER;
    const STREAMS: &'static [&'static str] = &["downloadWorkbookExport"];

    fn builder(base_url: &str) -> ClientBuilder<Client> {
        Client::builder(base_url).bearer_token(TOKEN)
    }

    fn error_reply(status: u16) -> ResponseTemplate {
        json_reply(status, "application/json", &error_body(status))
    }

    fn check_error(op: &Operation<Self>, status: u16, error: &Error) -> Result<(), Failed> {
        let document = error.oac_error_document().ok_or("no Error {code, message}")?;
        let code = format!("OAC-{status}");
        ensure(document.code.as_deref() == Some(code.as_str()), || {
            format!("{document:?}")
        })?;
        ensure(
            document.message.as_deref() == Some(format!("Oracle Analytics says {status}").as_str()),
            || format!("{document:?}"),
        )?;
        let shown = error.to_string();
        let expected_start = format!("OAC {status} {code}: Oracle Analytics says {status} (");
        ensure(shown.starts_with(&expected_start), || format!("Display {shown:?}"))?;
        ensure(shown.contains(&format!("{} {PREFIX}{}", op.method, op.path)), || {
            format!("Display {shown:?}")
        })
    }

    fn secrets() -> &'static [&'static str] {
        &[TOKEN, SNAPSHOT_PASSWORD, PRIVATE_KEY]
    }

    fn simulated(simulator: &sdk_simulator::Simulator) -> String {
        simulator.analytics_url()
    }
}

fn error_body(status: u16) -> Value {
    json!({"code": format!("OAC-{status}"), "message": format!("Oracle Analytics says {status}")})
}

fn client(server_uri: &str) -> Result<Client, Failed> {
    contract_client::<Oac>(server_uri)
}

fn seed_example() -> Vec<u8> {
    let path = workspace_root().join("tests/fixtures/workrequests/get_work_request_200.json");
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// What the caller sees of a work request, in a form a test can compare.
fn summary(wr: &types::WorkRequest) -> Value {
    let time = |t: Option<&sdk_workrequests::Timestamp>| {
        t.map(|t| json!([t.as_str(), t.to_datetime().map(|d| d.to_rfc3339())]))
    };
    json!({
        "id": wr.id,
        "operationType": wr.operation_type.as_ref().map(|o| o.as_str()),
        "operationTypeKnown": wr.operation_type.as_ref().map(|o| o.is_known()),
        "percentComplete": wr.percent_complete,
        "resourceType": wr.resource_type.as_ref().map(|r| r.as_str()),
        "status": wr.status.as_ref().map(|s| s.as_str()),
        "terminal": wr.is_terminal(),
        "success": wr.is_success(),
        "timeAccepted": time(wr.time_accepted.as_ref()),
        "timeStarted": time(wr.time_started.as_ref()),
        "timeFinished": time(wr.time_finished.as_ref()),
        "errors": wr.reported_errors().len(),
        "resources": wr.resources.as_ref().map(Vec::len),
        "extra": wr.extra,
    })
}

fn seed_summary() -> Value {
    json!({
        "id": WORK_REQUEST_ID,
        "operationType": "RELOAD_DATASET",
        "operationTypeKnown": true,
        "percentComplete": 100.0,
        "resourceType": "DATASET",
        "status": "SUCCEEDED",
        "terminal": true,
        "success": true,
        "timeAccepted": ["2022-07-06T20:25:11.0+0000", "2022-07-06T20:25:11+00:00"],
        "timeStarted": ["2022-07-06T20:25:32.0+0000", "2022-07-06T20:25:32+00:00"],
        "timeFinished": ["2022-07-06T20:25:42.0+0000", "2022-07-06T20:25:42+00:00"],
        "errors": 0,
        "resources": null,
        "extra": {},
    })
}

fn id_value(result: Result<WorkRequestId, Error>) -> Result<Value, Error> {
    Ok(json!(result?.as_str()))
}

/// `202 Accepted` with the work request id in `oa-work-request-id` and no body; the call returns that id.
fn started(id: &'static str) -> Success {
    Success::custom(
        move |status| ResponseTemplate::new(status).insert_header(OA_WORK_REQUEST_ID, id),
        json!(id),
    )
}

fn snapshot_request() -> Value {
    json!({
        "type": "CREATE",
        "name": "Snapshot_20241012",
        "storage": {
            "type": "OCI_NATIVE",
            "bucket": "oac-snapshots",
            "auth": {
                "type": "OSS_AUTH_OCI_USER_ID",
                "ociRegion": "us-ashburn-1",
                "ociTenancyId": "ocid1.tenancy.oc1..example",
                "ociUserId": "ocid1.user.oc1..example",
                "ociKeyFingerprint": "12:34:56:78:90:ab:cd:ef",
                "ociPrivateKeyWrapped": PRIVATE_KEY
            }
        },
        "bar": {"uri": "file:///Snapshot_20241012.bar", "password": SNAPSHOT_PASSWORD}
    })
}

fn snapshot_body() -> types::builder::CreateSnapshotRequest {
    types::CreateSnapshotRequest::builder()
        .type_(types::SnapshotCreateType::Create)
        .name("Snapshot_20241012")
        .storage(
            types::SnapshotStorage::builder()
                .type_(types::StorageType::OciNative)
                .bucket(Some("oac-snapshots".to_owned()))
                .auth(
                    types::SnapshotStorageAuth::builder()
                        .type_(types::AuthType::OssAuthOciUserId)
                        .oci_region(Some("us-ashburn-1".to_owned()))
                        .oci_tenancy_id(Some("ocid1.tenancy.oc1..example".to_owned()))
                        .oci_user_id(Some("ocid1.user.oc1..example".to_owned()))
                        .oci_key_fingerprint(Some("12:34:56:78:90:ab:cd:ef".to_owned()))
                        .oci_private_key_wrapped(Some(Secret::new(PRIVATE_KEY))),
                ),
        )
        .bar(Some(types::PasswordBar {
            uri: Some("file:///Snapshot_20241012.bar".to_owned()),
            password: Some(Secret::new(SNAPSHOT_PASSWORD)),
        }))
}

fn export_request() -> Value {
    json!({
        "name": "Sales overview",
        "type": "file",
        "format": "pdf",
        "canvasIds": ["snapshot!canvas!1", "snapshot!canvas!2"],
        "screenwidth": 1440,
        "screenheight": 900
    })
}

fn export_body() -> types::builder::CreateWorkbookExportRequest {
    types::CreateWorkbookExportRequest::builder()
        .name("Sales overview")
        .type_(types::WorkbookExportType::File)
        .format(types::WorkbookExportFormat::Pdf)
        .canvas_ids(vec!["snapshot!canvas!1".to_owned(), "snapshot!canvas!2".to_owned()])
        .screenwidth(1440)
        .screenheight(900)
}

fn restore_body() -> types::builder::RestoreSnapshotRequest {
    types::RestoreSnapshotRequest::builder().snapshot(types::SnapshotRestore {
        id: "6f1c1e3a-43d6-4bd1-a7d2-9a0c6f1f2b11".into(),
        password: Secret::new(SNAPSHOT_PASSWORD),
    })
}

fn data_flow_overrides() -> serde_json::Map<String, Value> {
    let mut overrides = serde_json::Map::new();
    overrides.insert("parameters".into(), json!([{"name": "region", "value": "EMEA"}]));
    overrides
}

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";

/// Downloads the export `export` of Oracle's example workbook, read whole.
async fn download(c: &Client, export: &WorkRequestId) -> Result<Vec<u8>, Error> {
    let reply = c
        .download_workbook_export()
        .url_base64_workbook_id(ObjectId::new(WORKBOOK))
        .export_id(export)
        .send()
        .await?;
    let mut stream = reply.into_inner().into_inner();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.map_err(Error::transport)?);
    }
    Ok(bytes)
}

fn operations() -> Vec<Operation<Oac>> {
    const STARTER_STATUSES: &[u16] = &[202, 400, 403, 404, 409, 500];
    vec![
        Operation {
            id: "getWorkRequest",
            method: "GET",
            path: format!("/workRequests/{WORK_REQUEST_ID}"),
            query: vec![],
            request: None,
            statuses: &[200, 400, 401, 403, 404, 409, 412, 500],
            success: Success::custom(
                |status| ResponseTemplate::new(status).set_body_raw(seed_example(), "application/json"),
                seed_summary(),
            ),
            call: |c| {
                Box::pin(async move {
                    let wr = c.get_work_request().id(WORK_REQUEST_ID).send().await?.into_inner();
                    Ok(summary(&wr))
                })
            },
        },
        Operation {
            id: "reloadDataset",
            method: "POST",
            path: format!("/catalog/datasets/{DATASET_PATH}/actions/reload"),
            query: vec![],
            request: None,
            statuses: STARTER_STATUSES,
            success: started(WORK_REQUEST_ID),
            call: |c| {
                Box::pin(async move { id_value(c.reload_dataset().dataset_id(ObjectId::new(DATASET)).start().await) })
            },
        },
        Operation {
            id: "runDataFlow",
            method: "POST",
            path: format!("/catalog/dataflows/{DATAFLOW_PATH}/actions/run"),
            query: vec![],
            request: Some(json!({"parameters": [{"name": "region", "value": "EMEA"}]})),
            statuses: STARTER_STATUSES,
            success: started("bidf-3C41A7F09B"),
            call: |c| {
                Box::pin(async move {
                    id_value(
                        c.run_data_flow()
                            .dataflow_id(ObjectId::new(DATAFLOW))
                            .body(data_flow_overrides())
                            .start()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "runSequence",
            method: "POST",
            path: format!("/catalog/sequences/{SEQUENCE_PATH}/actions/run"),
            query: vec![],
            request: None,
            statuses: STARTER_STATUSES,
            success: started("bisq-77D0"),
            call: |c| {
                Box::pin(async move { id_value(c.run_sequence().sequence_id(ObjectId::new(SEQUENCE)).start().await) })
            },
        },
        Operation {
            id: "restoreSnapshot",
            method: "POST",
            path: "/system/actions/restoreSnapshot".into(),
            query: vec![],
            request: Some(
                json!({"snapshot": {"id": "6f1c1e3a-43d6-4bd1-a7d2-9a0c6f1f2b11", "password": SNAPSHOT_PASSWORD}}),
            ),
            statuses: &[202, 400, 404],
            success: started("bisr-0A9F"),
            call: |c| Box::pin(async move { id_value(c.restore_snapshot().body(restore_body()).start().await) }),
        },
        Operation {
            id: "createSnapshot",
            method: "POST",
            path: "/snapshots".into(),
            query: vec![],
            request: Some(snapshot_request()),
            statuses: &[202],
            // As a real server answered: the id in the JSON body, no header.
            success: Success::custom(
                |status| json_reply(status, "application/json", &json!({"workRequestId": REAL_ID})),
                json!(REAL_ID),
            ),
            call: |c| Box::pin(async move { id_value(c.create_snapshot().body(snapshot_body()).start().await) }),
        },
        Operation {
            id: "createWorkbookExport",
            method: "POST",
            path: format!("/catalog/workbooks/{WORKBOOK_PATH}/exports"),
            query: vec![],
            request: Some(export_request()),
            statuses: &[202, 400, 401, 403, 404, 412, 422, 500],
            success: started(EXPORT_ID),
            call: |c| {
                Box::pin(async move {
                    id_value(
                        c.create_workbook_export()
                            .url_base64_workbook_id(ObjectId::new(WORKBOOK))
                            .body(export_body())
                            .start()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "downloadWorkbookExport",
            method: "GET",
            path: format!("/catalog/workbooks/{WORKBOOK_PATH}/exports/{EXPORT_ID}"),
            query: vec![],
            request: None,
            statuses: &[200, 401, 403, 404, 500],
            success: Success::custom(
                |status| ResponseTemplate::new(status).set_body_raw(PDF, "application/pdf"),
                json!(PDF),
            ),
            call: |c| Box::pin(async move { Ok(json!(download(&c, &WorkRequestId::new(EXPORT_ID)).await?)) }),
        },
    ]
}

/// The operations that start a work request, by operation id.
const STARTERS: &[&str] = &[
    "reloadDataset",
    "runDataFlow",
    "runSequence",
    "restoreSnapshot",
    "createSnapshot",
    "createWorkbookExport",
];

/// Sends `op` through the generated `send()` and reads the id from the reply with [`WorkRequestIdExt`].
async fn id_through_send(c: &Client, op: &str) -> Result<Option<WorkRequestId>, Error> {
    Ok(match op {
        "reloadDataset" => c.reload_dataset().dataset_id("x").send().await?.work_request_id(),
        "runDataFlow" => c
            .run_data_flow()
            .dataflow_id("x")
            .body(serde_json::Map::new())
            .send()
            .await?
            .work_request_id(),
        "runSequence" => c.run_sequence().sequence_id("x").send().await?.work_request_id(),
        "restoreSnapshot" => c
            .restore_snapshot()
            .body(restore_body())
            .send()
            .await?
            .work_request_id(),
        "createSnapshot" => c
            .create_snapshot()
            .body(snapshot_body())
            .send()
            .await?
            .work_request_id(),
        "createWorkbookExport" => c
            .create_workbook_export()
            .url_base64_workbook_id("x")
            .body(export_body())
            .send()
            .await?
            .work_request_id(),
        other => return Err(Error::InvalidRequest(format!("{other} starts no work request"))),
    })
}

/// Every operation that starts a work request, answered `202` with neither an `oa-work-request-id` header nor a
/// body that names one: `start()` fails with an `InvalidBody` error that says so and keeps the status and the
/// operation, and `work_request_id()` on the reply of `send()` is `None`.
async fn run_202_without_id(op: &'static Operation<Oac>) -> Result<(), Failed> {
    let operation = match op.id {
        "reloadDataset" => "reload_dataset",
        "runDataFlow" => "run_data_flow",
        "runSequence" => "run_sequence",
        "restoreSnapshot" => "restore_snapshot",
        "createSnapshot" => "create_snapshot",
        _ => "create_workbook_export",
    };
    // An empty body, and (for a snapshot creation, whose body is JSON) a JSON body without the member.
    let mut replies = vec![ResponseTemplate::new(202)];
    if op.id == "createSnapshot" {
        replies.push(json_reply(
            202,
            "application/json",
            &json!({"status": "ACCEPTED", "workRequestId": null}),
        ));
    }
    for (i, reply) in replies.into_iter().enumerate() {
        let server = serve(reply).await;
        let error = (op.call)(client(&server.uri())?)
            .await
            .err()
            .ok_or("a 202 without a work request id gave an id")?;
        let Error::InvalidBody(api) = &error else {
            return Err(format!("expected InvalidBody, got {error:?}").into());
        };
        ensure(api.status().as_u16() == 202 && api.operation() == operation, || {
            format!("{api:?}")
        })?;
        let problem = api.body_error().unwrap_or_default();
        ensure(
            problem.contains("no work request id") && problem.contains(OA_WORK_REQUEST_ID),
            || problem.to_owned(),
        )?;
        let shown = error.to_string();
        ensure(
            shown.starts_with("OAC 202 reply with an unreadable body: no work request id in ")
                && shown.contains(&format!("({operation} POST ")),
            || shown.clone(),
        )?;
        ensure(error.oac_error_document().is_none(), || format!("{error:?}"))?;
        // The same reply through `send()`: a success whose id cannot be read (the empty body of a snapshot
        // creation is not its documented JSON, so `send()` itself fails there).
        let through_send = id_through_send(&client(&server.uri())?, op.id).await;
        match through_send {
            Ok(None) => {}
            Err(Error::InvalidBody(_)) if op.id == "createSnapshot" && i == 0 => {}
            other => return Err(format!("send(): {other:?}").into()),
        }
    }
    Ok(())
}

/// The typed work request the client returns when the server sends `body`.
async fn served_work_request(body: Value) -> Result<types::WorkRequest, Failed> {
    let server = serve(json_reply(200, "application/json", &body)).await;
    Ok(client(&server.uri())?
        .get_work_request()
        .id(WORK_REQUEST_ID)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .into_inner())
}

/// The id a snapshot creation returns when the server answers `reply`.
async fn snapshot_id(reply: ResponseTemplate) -> Result<Result<WorkRequestId, Error>, Failed> {
    let server = serve(reply).await;
    Ok(client(&server.uri())?
        .create_snapshot()
        .body(snapshot_body())
        .start()
        .await)
}

/// A token source that hands out `token-1`, `token-2`, ... and counts how often it was asked.
fn counting_source(
    calls: Arc<AtomicUsize>,
) -> impl Fn() -> BoxFuture<'static, Result<Secret, TokenError>> + Send + Sync + 'static {
    move || {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(Secret::new(format!("sourced-token-{n}"))) })
    }
}

fn sourced_client(server: &MockServer, calls: Arc<AtomicUsize>) -> Result<Client, Failed> {
    Client::builder(format!("{}{PREFIX}", server.uri()))
        .token_source(counting_source(calls))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .map_err(|e| Failed::from(e.to_string()))
}

/// A path segment with its percent-escapes decoded, as a server reads it.
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| segment.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks that the path the server received is `before` followed by one segment that decodes to `id` (and
/// `after`, if any).
fn check_id_segment(path: &str, before: &str, id: &str, after: &str) -> Result<(), Failed> {
    let rest = path
        .strip_prefix(before)
        .and_then(|rest| rest.strip_suffix(after))
        .ok_or_else(|| format!("path {path:?} is not {before}<id>{after}"))?;
    ensure(!rest.contains('/'), || {
        format!("{id:?} reached the server as several segments: {path}")
    })?;
    let decoded = percent_decoded(rest);
    ensure(decoded == id, || {
        format!("{id:?} reached the server as {rest:?}, read as {decoded:?}")
    })
}

fn a_work_request(id: &str, status: &str, percent: u32) -> Value {
    json!({
        "id": id, "operationType": "CREATE_SNAPSHOT", "percentComplete": percent, "resourceType": "SNAPSHOT",
        "status": status, "timeAccepted": "2026-03-02T10:00:00.0+0000"
    })
}

/// A waiter that polls quickly.
fn quick() -> WaitPolicy {
    WaitPolicy::default()
        .initial_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20))
        .max_wait(Duration::from_secs(10))
}

/// Replies no spec lists, the error shapes real servers send, ids with reserved characters, and the token
/// source.
fn extra_trials() -> Vec<Trial> {
    let mut trials = vec![
        Trial::test("workrequests::unseen_work_request_shapes_parse", || {
            block_on(async {
                // A data-flow run: its operation and resource types are undocumented, and everything else here
                // is a shape the documentation does not promise.
                let body = json!({
                    "id": "bidf-3C41A7F09B",
                    "operationType": "RUN_DATAFLOW",
                    "percentComplete": 37.5,
                    "resourceType": "DATAFLOW",
                    "status": "WAITING_FOR_RESOURCES",
                    "timeAccepted": "2024-10-12 20:00:00+0000",
                    "timeStarted": "2024-10-12T20:00:05.123456Z",
                    "timeFinished": "not yet",
                    "resources": [{
                        "actionResult": "IN_PROGRESS",
                        "id": DATAFLOW_PATH,
                        "metadata": {"rows": 1200, "nested": {"columns": ["a", "b"]}},
                        "resourceUri": "/api/20210901/catalog/dataflows/L3NoYXJlZC9TYWxlcy9SZXZlbnVlIEZsb3c"
                    }],
                    "errors": [{
                        "code": "DF-17",
                        "message": "column dropped",
                        "timestamp": "2024-10-12T20:00:04.5+0000",
                        "severity": "WARNING"
                    }],
                    "fieldFromTheFuture": {"nested": [1, 2]}
                });
                let wr = served_work_request(body).await?;
                ensure(
                    wr.operation_type == Some(types::WorkRequestOperationType::Unknown("RUN_DATAFLOW".into())),
                    || format!("{:?}", wr.operation_type),
                )?;
                ensure(
                    wr.resource_type == Some(types::WorkRequestResourceType::Unknown("DATAFLOW".into())),
                    || format!("{:?}", wr.resource_type),
                )?;
                ensure(
                    wr.status.as_ref().is_some_and(|s| !s.is_known()) && !wr.is_terminal(),
                    || format!("{:?}", wr.status),
                )?;
                ensure(wr.percent_complete == Some(37.5), || {
                    format!("{:?}", wr.percent_complete)
                })?;
                let accepted = wr
                    .time_accepted
                    .as_ref()
                    .and_then(|t| t.to_datetime())
                    .ok_or("timeAccepted")?;
                ensure(accepted.to_rfc3339() == "2024-10-12T20:00:00+00:00", || {
                    accepted.to_rfc3339()
                })?;
                let started = wr
                    .time_started
                    .as_ref()
                    .and_then(|t| t.to_datetime())
                    .ok_or("timeStarted")?;
                ensure(started.to_rfc3339() == "2024-10-12T20:00:05.123456+00:00", || {
                    started.to_rfc3339()
                })?;
                let finished = wr.time_finished.as_ref().ok_or("timeFinished lost")?;
                ensure(
                    finished.as_str() == "not yet" && finished.to_datetime().is_none(),
                    || format!("{finished:?}"),
                )?;
                let errors = wr.reported_errors();
                ensure(errors.len() == 1 && errors[0].code.as_deref() == Some("DF-17"), || {
                    format!("{errors:?}")
                })?;
                ensure(errors[0].extra.get("severity") == Some(&json!("WARNING")), || {
                    format!("{errors:?}")
                })?;
                ensure(
                    errors[0].timestamp.as_ref().and_then(|t| t.to_datetime()).is_some(),
                    || format!("{errors:?}"),
                )?;
                let resources = wr.resources.as_deref().unwrap_or_default();
                ensure(resources.len() == 1, || format!("{resources:?}"))?;
                ensure(resources[0].extra.contains_key("resourceUri"), || {
                    format!("{resources:?}")
                })?;
                ensure(
                    resources[0].metadata.as_ref().and_then(|m| m.get("nested"))
                        == Some(&json!({"columns": ["a", "b"]})),
                    || format!("{resources:?}"),
                )?;
                ensure(wr.extra.contains_key("fieldFromTheFuture"), || {
                    format!("{:?}", wr.extra)
                })?;
                let back = serde_json::to_value(&wr).map_err(|e| e.to_string())?;
                ensure(
                    back["operationType"] == json!("RUN_DATAFLOW")
                        && back["status"] == json!("WAITING_FOR_RESOURCES")
                        && back["timeAccepted"] == json!("2024-10-12 20:00:00+0000")
                        && back["fieldFromTheFuture"] == json!({"nested": [1, 2]}),
                    || back.to_string(),
                )
            })
        }),
        Trial::test("workrequests::nulls_and_the_capital_errors_key_parse", || {
            block_on(async {
                let nulls = json!({
                    "id": "bisr-0A9F", "operationType": "RESTORE_SNAPSHOT", "percentComplete": null,
                    "resourceType": null, "status": "accepted", "timeAccepted": "2024-10-12T20:00:00Z",
                    "timeStarted": null, "timeFinished": null, "Errors": null, "resources": null
                });
                let wr = served_work_request(nulls).await?;
                ensure(
                    wr.reported_errors().is_empty() && wr.resources.is_none() && wr.percent_complete.is_none(),
                    || format!("{wr:?}"),
                )?;
                ensure(
                    wr.status == Some(types::WorkRequestStatus::Accepted) && !wr.is_terminal(),
                    || format!("{:?}", wr.status),
                )?;
                let accepted = wr
                    .time_accepted
                    .as_ref()
                    .and_then(|t| t.to_datetime())
                    .ok_or("an RFC 3339 timeAccepted")?;
                ensure(accepted.to_rfc3339() == "2024-10-12T20:00:00+00:00", || {
                    accepted.to_rfc3339()
                })?;
                let failed = json!({
                    "id": "bisr-0A9F", "operationType": "RESTORE_SNAPSHOT", "percentComplete": 12.5,
                    "status": "FAILED", "timeAccepted": "2024-10-12T20:00:00.000+00:00",
                    "Errors": [{"code": "SnapshotPasswordInvalid", "message": "The BAR password is wrong"}],
                    "resources": [{"actionResult": "FAILED", "metadata": null}]
                });
                let wr = served_work_request(failed).await?;
                let errors = wr.reported_errors();
                ensure(
                    errors.len() == 1 && errors[0].code.as_deref() == Some("SnapshotPasswordInvalid"),
                    || format!("{errors:?}"),
                )?;
                ensure(wr.is_terminal() && !wr.is_success(), || format!("{:?}", wr.status))?;
                // Even an empty object is a work request (nothing is required); it is not over.
                let empty = served_work_request(json!({})).await?;
                ensure(empty.status.is_none() && !empty.is_terminal(), || format!("{empty:?}"))
            })
        }),
        Trial::test("workrequests::createSnapshot::json_body_only", || {
            block_on(async {
                let id = snapshot_id(json_reply(
                    202,
                    "application/json",
                    &json!({"workRequestId": REAL_ID, "x": 1}),
                ))
                .await?
                .map_err(|e| e.to_string())?;
                ensure(id.as_str() == REAL_ID, || format!("{id:?}"))
            })
        }),
        Trial::test("workrequests::createSnapshot::header_only", || {
            block_on(async {
                for reply in [
                    ResponseTemplate::new(202),
                    ResponseTemplate::new(202).set_body_raw("Accepted", "text/plain"),
                    json_reply(202, "application/json", &json!({})),
                    json_reply(202, "application/json", &json!({"workRequestId": null})),
                    json_reply(202, "application/json", &json!({"workRequestId": 7})),
                ] {
                    let id = snapshot_id(reply.insert_header(OA_WORK_REQUEST_ID, REAL_ID))
                        .await?
                        .map_err(|e| e.to_string())?;
                    ensure(id.as_str() == REAL_ID, || format!("{id:?}"))?;
                }
                Ok(())
            })
        }),
        Trial::test("workrequests::createSnapshot::body_and_header_differ_body_wins", || {
            block_on(async {
                let reply = json_reply(202, "application/json", &json!({"workRequestId": "from-the-body"}))
                    .insert_header(OA_WORK_REQUEST_ID, "from-the-header");
                let id = snapshot_id(reply).await?.map_err(|e| e.to_string())?;
                ensure(id.as_str() == "from-the-body", || format!("{id:?}"))
            })
        }),
        Trial::test("workrequests::createSnapshot::unreadable_body_without_header", || {
            block_on(async {
                let error = snapshot_id(ResponseTemplate::new(202).set_body_raw("Accepted", "text/plain"))
                    .await?
                    .err()
                    .ok_or("no id gave Ok")?;
                let api = error.api().ok_or("no reply kept")?;
                ensure(matches!(error, Error::InvalidBody(_)), || format!("{error:?}"))?;
                ensure(api.body().as_ref() == b"Accepted", || format!("{api:?}"))?;
                let problem = api.body_error().unwrap_or_default();
                ensure(
                    problem.contains("no work request id") && problem.contains("not JSON"),
                    || problem.to_owned(),
                )?;
                ensure(
                    error
                        .to_string()
                        .contains(&format!("(create_snapshot POST {PREFIX}/snapshots)")),
                    || error.to_string(),
                )
            })
        }),
        Trial::test("workrequests::snapshot_secrets_are_sent_but_never_printed", || {
            let body = types::CreateSnapshotRequest::try_from(snapshot_body()).map_err(|e| e.to_string())?;
            let wire = serde_json::to_value(&body).map_err(|e| e.to_string())?;
            ensure(wire == snapshot_request(), || wire.to_string())?;
            harness::ensure_no_secrets::<Oac>(&format!("{body:?}"))
        }),
        Trial::test("workrequests::proxy_502_html_keeps_status_and_body", || {
            block_on(async {
                let page = "<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>";
                let server = serve(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;
                let error = client(&server.uri())?
                    .get_work_request()
                    .id(WORK_REQUEST_ID)
                    .send()
                    .await
                    .err()
                    .ok_or("502 gave Ok")?;
                ensure(error.status().map(|s| s.as_u16()) == Some(502), || format!("{error:?}"))?;
                ensure(error.oac_error_document().is_none(), || {
                    "HTML parsed as an Analytics error".into()
                })?;
                ensure(error.body().map(|b| b.as_ref()) == Some(page.as_bytes()), || {
                    "raw body lost".into()
                })?;
                let shown = error.to_string();
                ensure(shown.starts_with("OAC 502 Bad Gateway: <html>"), || shown.clone())?;
                ensure(
                    shown.contains(&format!("get_work_request GET {PREFIX}/workRequests/{WORK_REQUEST_ID}")),
                    || shown.clone(),
                )
            })
        }),
        Trial::test("workrequests::error_member_of_a_real_400_is_shown", || {
            block_on(async {
                let server = serve(json_reply(400, "application/json", &json!({"error": REAL_400_TEXT}))).await;
                let error = client(&server.uri())?
                    .reload_dataset()
                    .dataset_id(ObjectId::new(DATASET))
                    .start()
                    .await
                    .err()
                    .ok_or("400 gave Ok")?;
                let shown = error.to_string();
                ensure(
                    shown
                        == format!(
                            "OAC 400: {REAL_400_TEXT} (reload_dataset POST {PREFIX}/catalog/datasets/{DATASET_PATH}/actions/reload)"
                        ),
                    || shown.clone(),
                )?;
                let document = error.oac_error_document().ok_or("no error document")?;
                ensure(
                    document.code.is_none()
                        && document.message.is_none()
                        && document.error.as_deref() == Some(REAL_400_TEXT),
                    || format!("{document:?}"),
                )?;
                let service_error = error.service_error().ok_or("no service error")?;
                ensure(service_error.message.as_deref() == Some(REAL_400_TEXT), || {
                    format!("{service_error:?}")
                })
            })
        }),
        Trial::test("workrequests::other_members_and_shapes_show_their_text", || {
            block_on(async {
                for (body, shown_text) in [
                    (
                        json!({"code": "OAC-1", "message": "the message", "servlet": "S", "traceId": "t-1"}),
                        "OAC 409 OAC-1: the message (",
                    ),
                    (
                        json!({"errorMessage": "the text", "status": 409}),
                        "OAC 409: the text (",
                    ),
                    (
                        json!({"error": "invalid_token", "error_description": "The access token expired"}),
                        "OAC 409 invalid_token: The access token expired (",
                    ),
                ] {
                    let server = serve(json_reply(409, "application/json", &body)).await;
                    let error = client(&server.uri())?
                        .get_work_request()
                        .id(WORK_REQUEST_ID)
                        .send()
                        .await
                        .err()
                        .ok_or("409 gave Ok")?;
                    ensure(error.to_string().starts_with(shown_text), || format!("{body}: {error}"))?;
                }
                Ok(())
            })
        }),
        Trial::test("workrequests::token_source_is_asked_again_after_401", || {
            block_on(async {
                let server = MockServer::start().await;
                Mock::given(header("authorization", "Bearer sourced-token-1"))
                    .respond_with(json_reply(
                        401,
                        "application/json",
                        &json!({"code": "Unauthorized", "message": "token expired"}),
                    ))
                    .mount(&server)
                    .await;
                Mock::given(header("authorization", "Bearer sourced-token-2"))
                    .respond_with(ResponseTemplate::new(200).set_body_raw(seed_example(), "application/json"))
                    .mount(&server)
                    .await;
                let calls = Arc::new(AtomicUsize::new(0));
                let client = sourced_client(&server, calls.clone())?;
                let wr = client
                    .get_work_request()
                    .id(WORK_REQUEST_ID)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_inner();
                ensure(summary(&wr) == seed_summary(), || format!("{wr:?}"))?;
                ensure(calls.load(Ordering::SeqCst) == 2, || {
                    format!("{calls:?} token requests")
                })?;
                let sent = received(&server).await;
                let tokens: Vec<_> = sent
                    .iter()
                    .map(|r| r.header("authorization").unwrap_or_default())
                    .collect();
                ensure(tokens == ["Bearer sourced-token-1", "Bearer sourced-token-2"], || {
                    format!("{tokens:?}")
                })?;
                // The refreshed token is kept for the next call: no third token request.
                client
                    .get_work_request()
                    .id(WORK_REQUEST_ID)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                ensure(calls.load(Ordering::SeqCst) == 2, || {
                    format!("{calls:?} token requests")
                })
            })
        }),
        Trial::test("workrequests::token_refresh_resends_a_start_once", || {
            block_on(async {
                let server = MockServer::start().await;
                Mock::given(header("authorization", "Bearer sourced-token-1"))
                    .respond_with(ResponseTemplate::new(401))
                    .mount(&server)
                    .await;
                Mock::given(header("authorization", "Bearer sourced-token-2"))
                    .respond_with(ResponseTemplate::new(202).insert_header(OA_WORK_REQUEST_ID, WORK_REQUEST_ID))
                    .mount(&server)
                    .await;
                let calls = Arc::new(AtomicUsize::new(0));
                let id = sourced_client(&server, calls.clone())?
                    .reload_dataset()
                    .dataset_id(ObjectId::new(DATASET))
                    .start()
                    .await
                    .map_err(|e| e.to_string())?;
                ensure(id.as_str() == WORK_REQUEST_ID, || format!("{id:?}"))?;
                let sent = received(&server).await;
                ensure(sent.len() == 2 && sent.iter().all(|r| r.method == "POST"), || {
                    format!("{sent:?}")
                })?;
                ensure(calls.load(Ordering::SeqCst) == 2, || {
                    format!("{calls:?} token requests")
                })
            })
        }),
        Trial::test("workrequests::tokens_never_printed", || {
            block_on(async {
                let server = serve(json_reply(
                    401,
                    "application/json",
                    &json!({"code": "Unauthorized", "message": "token rejected"}),
                ))
                .await;
                let mut printed = String::new();
                let builder = Client::builder(format!("{}{PREFIX}", server.uri())).bearer_token(TOKEN);
                printed.push_str(&format!("{builder:?}\n"));
                let fixed = builder.build().map_err(|e| e.to_string())?;
                let calls = Arc::new(AtomicUsize::new(0));
                let sourced = sourced_client(&server, calls.clone())?;
                for client in [&fixed, &sourced] {
                    printed.push_str(&format!("{client:?}\n{:?}\n", client.runtime()));
                    let error = client
                        .get_work_request()
                        .id(WORK_REQUEST_ID)
                        .send()
                        .await
                        .err()
                        .ok_or("401 gave Ok")?;
                    ensure(error.status().map(|s| s.as_u16()) == Some(401), || format!("{error:?}"))?;
                    printed.push_str(&format!("{error}\n{error:?}\n{:?}\n", error.api()));
                    let start = client
                        .reload_dataset()
                        .dataset_id(ObjectId::new(DATASET))
                        .start()
                        .await
                        .err()
                        .ok_or("401 gave Ok")?;
                    printed.push_str(&format!("{start}\n{start:?}\n"));
                }
                // A source is asked once, then once again per 401, never in a loop.
                ensure(calls.load(Ordering::SeqCst) == 3, || {
                    format!("{calls:?} token requests")
                })?;
                harness::ensure_no_secrets::<Oac>(&printed)?;
                for token in ["sourced-token-1", "sourced-token-2", "sourced-token-3"] {
                    ensure(!printed.contains(token), || format!("{token} printed in {printed}"))?;
                }
                Ok(())
            })
        }),
        Trial::test("workrequests::failing_token_source_is_an_auth_error", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200)).await;
                let client = Client::builder(format!("{}{PREFIX}", server.uri()))
                    .token_source(|| async { Err::<Secret, TokenError>("identity domain unreachable".into()) })
                    .build()
                    .map_err(|e| e.to_string())?;
                let error = client
                    .run_sequence()
                    .sequence_id(ObjectId::new(SEQUENCE))
                    .start()
                    .await
                    .err()
                    .ok_or("no token gave Ok")?;
                ensure(matches!(error, Error::Auth(_)), || format!("{error:?}"))?;
                ensure(error.to_string().contains("identity domain unreachable"), || {
                    error.to_string()
                })?;
                ensure(received(&server).await.is_empty(), || {
                    "a request was sent without a token".into()
                })
            })
        }),
    ];
    trials.extend(id_trials());
    trials.extend(real_reply_trials());
    trials
}

/// Work request ids with `:` (as a real server sent) and other reserved characters, in every path that carries
/// one: each reaches the server as one segment that decodes to the id.
fn id_trials() -> Vec<Trial> {
    vec![
        Trial::test("workrequests::ids::colon_id_through_get_work_request", || {
            block_on(async {
                let server = serve(json_reply(
                    200,
                    "application/json",
                    &a_work_request(REAL_ID, "IN_PROGRESS", 40),
                ))
                .await;
                let id = WorkRequestId::new(REAL_ID);
                let wr = client(&server.uri())?
                    .get_work_request()
                    .id(&id)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_inner();
                ensure(wr.id.as_deref() == Some(REAL_ID), || format!("{wr:?}"))?;
                let sent = received(&server).await;
                ensure(sent.len() == 1, || format!("{sent:?}"))?;
                // `:` is allowed as it is in a path segment (RFC 3986 pchar); sent so, and read back the same.
                ensure(sent[0].path == format!("{PREFIX}/workRequests/{REAL_ID}"), || {
                    sent[0].path.clone()
                })?;
                check_id_segment(&sent[0].path, &format!("{PREFIX}/workRequests/"), REAL_ID, "")
            })
        }),
        Trial::test("workrequests::ids::colon_id_through_the_waiter", || {
            block_on(async {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .respond_with(json_reply(
                        200,
                        "application/json",
                        &a_work_request(REAL_ID, "ACCEPTED", 0),
                    ))
                    .up_to_n_times(1)
                    .mount(&server)
                    .await;
                Mock::given(method("GET"))
                    .respond_with(json_reply(
                        200,
                        "application/json",
                        &a_work_request(REAL_ID, "IN_PROGRESS", 60),
                    ))
                    .up_to_n_times(1)
                    .mount(&server)
                    .await;
                Mock::given(method("GET"))
                    .respond_with(json_reply(
                        200,
                        "application/json",
                        &a_work_request(REAL_ID, "SUCCEEDED", 100),
                    ))
                    .mount(&server)
                    .await;
                let id = WorkRequestId::new(REAL_ID);
                let c = client(&server.uri())?;
                let events: Vec<_> = c
                    .wait_for_work_request(&id)
                    .with_policy(quick())
                    .into_stream()
                    .collect()
                    .await;
                let progress: Vec<_> = events
                    .iter()
                    .filter_map(|e| match e {
                        sdk_workrequests::wait::WaitEvent::Progress(s) => Some((s.state.clone(), s.percent_complete)),
                        sdk_workrequests::wait::WaitEvent::Finished(_) => None,
                    })
                    .collect();
                ensure(
                    progress
                        == [
                            ("ACCEPTED".to_owned(), Some(0.0)),
                            ("IN_PROGRESS".to_owned(), Some(60.0)),
                            ("SUCCEEDED".to_owned(), Some(100.0)),
                        ],
                    || format!("{progress:?}"),
                )?;
                ensure(
                    matches!(
                        events.last(),
                        Some(sdk_workrequests::wait::WaitEvent::Finished(Outcome::Succeeded(_)))
                    ),
                    || format!("{:?}", events.last()),
                )?;
                let done = c
                    .wait_for_work_request(&id)
                    .with_policy(quick())
                    .until_success()
                    .await
                    .map_err(|e| e.to_string())?;
                ensure(done.is_success() && done.id.as_deref() == Some(REAL_ID), || {
                    format!("{done:?}")
                })?;
                let sent = received(&server).await;
                ensure(sent.len() == 4, || format!("{} polls", sent.len()))?;
                for request in &sent {
                    check_id_segment(&request.path, &format!("{PREFIX}/workRequests/"), REAL_ID, "")?;
                    ensure(request.header("authorization") == Some(BEARER), || {
                        format!("{request:?}")
                    })?;
                }
                Ok(())
            })
        }),
        Trial::test("workrequests::ids::colon_id_failure_names_the_work_request", || {
            block_on(async {
                let mut failed = a_work_request(REAL_ID, "FAILED", 30);
                failed["Errors"] = json!([{"code": "SnapshotPasswordInvalid", "message": "The BAR password is wrong"}]);
                let server = serve(json_reply(200, "application/json", &failed)).await;
                let error = client(&server.uri())?
                    .wait_for_work_request(&WorkRequestId::new(REAL_ID))
                    .with_policy(quick())
                    .until_success()
                    .await
                    .err()
                    .ok_or("FAILED gave Ok")?;
                let Error::Wait(wait) = &error else {
                    return Err(format!("expected a wait error, got {error:?}").into());
                };
                ensure(matches!(**wait, WaitError::Failed { .. }), || format!("{wait:?}"))?;
                let shown = error.to_string();
                ensure(
                    shown
                        == format!(
                            "Analytics work request {REAL_ID} failed in state FAILED (SnapshotPasswordInvalid): SnapshotPasswordInvalid: The BAR password is wrong"
                        ),
                    || shown.clone(),
                )
            })
        }),
        Trial::test("workrequests::ids::colon_id_through_download_workbook_export", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(PDF, "application/pdf")).await;
                let bytes = download(&client(&server.uri())?, &WorkRequestId::new(REAL_ID))
                    .await
                    .map_err(|e| e.to_string())?;
                ensure(bytes == PDF, || format!("{bytes:?}"))?;
                let sent = received(&server).await;
                check_id_segment(
                    &sent[0].path,
                    &format!("{PREFIX}/catalog/workbooks/{WORKBOOK_PATH}/exports/"),
                    REAL_ID,
                    "",
                )
            })
        }),
        Trial::test("workrequests::ids::colon_id_from_every_start", || {
            block_on(async {
                let table = operations();
                for op in table.iter().filter(|op| STARTERS.contains(&op.id)) {
                    let server = serve(ResponseTemplate::new(202).insert_header(OA_WORK_REQUEST_ID, REAL_ID)).await;
                    let value = (op.call)(client(&server.uri())?).await.map_err(|e| e.to_string())?;
                    ensure(value == json!(REAL_ID), || format!("{}: {value}", op.id))?;
                }
                Ok(())
            })
        }),
        Trial::test("workrequests::ids::reserved_characters_reach_the_server_whole", || {
            block_on(async {
                let server = serve(json_reply(200, "application/json", &json!({}))).await;
                let c = client(&server.uri())?;
                let ids = [
                    REAL_ID, "a/b", "a?b=c", "a#b", "a%b", "a%3Ab", "a b", "a+b", "a&b=c", "a@b", "a;b", "a'b", "a\"b",
                    "a<b>", "a{b}", "a`b", "a\tb", "ü:é", "...", "%2e%2e",
                ];
                for id in ids {
                    c.get_work_request()
                        .id(WorkRequestId::new(id))
                        .send()
                        .await
                        .map_err(|e| format!("{id:?}: {e}"))?;
                }
                let sent = received(&server).await;
                ensure(sent.len() == ids.len(), || format!("{} requests", sent.len()))?;
                for (request, id) in sent.iter().zip(ids) {
                    check_id_segment(&request.path, &format!("{PREFIX}/workRequests/"), id, "")?;
                    ensure(request.query.is_empty(), || {
                        format!("{id:?} made a query {:?}", request.query)
                    })?;
                }
                Ok(())
            })
        }),
        Trial::test(
            "workrequests::ids::ids_that_would_reach_another_resource_are_refused",
            || {
                block_on(async {
                    let server = serve(json_reply(200, "application/json", &json!({}))).await;
                    let c = client(&server.uri())?;
                    for id in ["", ".", "..", "..\\..\\catalog", "a\\b"] {
                        let error = c
                            .get_work_request()
                            .id(WorkRequestId::new(id))
                            .send()
                            .await
                            .err()
                            .ok_or_else(|| format!("{id:?} was sent"))?;
                        ensure(matches!(error, Error::InvalidRequest(_)), || {
                            format!("{id:?}: {error:?}")
                        })?;
                        let download = download(&c, &WorkRequestId::new(id)).await.err();
                        ensure(matches!(download, Some(Error::InvalidRequest(_))), || {
                            format!("{id:?}: {download:?}")
                        })?;
                        let waited = c
                            .wait_for_work_request(&WorkRequestId::new(id))
                            .with_policy(quick())
                            .until_success()
                            .await
                            .err();
                        ensure(
                            matches!(&waited, Some(Error::Wait(w)) if matches!(**w, WaitError::PollFailed { .. })),
                            || format!("{id:?}: {waited:?}"),
                        )?;
                    }
                    ensure(received(&server).await.is_empty(), || "a refused id was sent".into())
                })
            },
        ),
    ]
}

/// The replies real Oracle Analytics servers sent, through the calls that receive them.
fn real_reply_trials() -> Vec<Trial> {
    vec![Trial::test("workrequests::real::servlet_500_shows_its_message", || {
        block_on(async {
            // `fixtures/workrequests/real/oac-error-500-servlet.json`, served verbatim as a 500.
            let reply = || ResponseTemplate::new(500).set_body_raw(SERVLET_500, "application/json");
            let server = serve(reply()).await;
            let error = client(&server.uri())?
                .get_work_request()
                .id(WorkRequestId::new(REAL_ID))
                .send()
                .await
                .err()
                .ok_or("500 gave Ok")?;
            ensure(error.status().map(|s| s.as_u16()) == Some(500), || format!("{error:?}"))?;
            let shown = error.to_string();
            ensure(
                shown == format!("OAC 500: Server Error (get_work_request GET {PREFIX}/workRequests/{REAL_ID})"),
                || shown.clone(),
            )?;
            let document = error.oac_error_document().ok_or("no error document")?;
            ensure(
                document.code.is_none()
                    && document.message.as_deref() == Some("Server Error")
                    && document.servlet.as_deref() == Some("PublicAPIJerseyServlet"),
                || format!("{document:?}"),
            )?;
            let service_error = error.service_error().ok_or("no service error")?;
            ensure(service_error.details == ["servlet PublicAPIJerseyServlet"], || {
                format!("{service_error:?}")
            })?;
            ensure(error.body().map(|b| b.as_ref()) == Some(SERVLET_500.as_bytes()), || {
                "raw body lost".into()
            })?;
            // The same reply to an operation that starts a work request.
            let server = serve(reply()).await;
            let again = client(&server.uri())?
                .restore_snapshot()
                .body(restore_body())
                .start()
                .await
                .err()
                .ok_or("500 gave Ok")?;
            ensure(
                again
                    .to_string()
                    .starts_with("OAC 500: Server Error (restore_snapshot POST "),
                || again.to_string(),
            )
        })
    })]
}

fn main() {
    let mut extra = extra_trials();
    for op in STARTERS {
        extra.push(Trial::test(format!("workrequests::{op}::202_without_id"), move || {
            let table: &'static [Operation<Oac>] = Box::leak(operations().into_boxed_slice());
            let op = table.iter().find(|o| o.id == *op).ok_or("no such operation")?;
            block_on(run_202_without_id(op))
        }));
    }
    contract_tests::run(harness::suite(operations, extra))
}
