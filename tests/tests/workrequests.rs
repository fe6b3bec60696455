//! Contract tests of `sdk-workrequests` against a mock Oracle Analytics server: every (operation, documented
//! status) pair of `specs/workrequests.yaml`, plus the replies the spec cannot promise (a 202 without its
//! `oa-work-request-id`, work requests of shapes never seen, proxies, expired tokens).
//!
//! Each case checks the request the client sends (method, path under the base URL with Base64URL object ids,
//! bearer token, JSON body, no `api-version`) and what the caller gets back: the work request id read from the
//! 202's header, the typed work request (Oracle's own example, `fixtures/workrequests/get_work_request_200.json`,
//! served verbatim but for the trailing comma of the documentation page), the exported file, or an error carrying
//! the status, Oracle's `Error {code, message}` and the raw body.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use contract_tests::{Received, block_on, coverage_trial, ensure, json_reply, received, run, serve, workspace_root};
use futures::StreamExt as _;
use futures::future::BoxFuture;
use libtest_mimic::{Failed, Trial};
use sdk_workrequests::{
    Client, Error, OA_WORK_REQUEST_ID, OacErrorExt, ObjectId, RetryPolicy, Secret, StartError, TokenError,
    WorkRequestId, WorkRequestIdError, WorkRequestIdExt, types,
};
use serde_json::{Value, json};
use wiremock::matchers::header;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/api/20210901";
const TOKEN: &str = "oac-Acc3ss-T0ken-7Qx";
/// The work request id of Oracle's example.
const WORK_REQUEST_ID: &str = "bidr-1E309E468A4518E149438E31294EB54";
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

type Call = fn(Client) -> BoxFuture<'static, Result<Value, StartError>>;

/// What a success looks like for an operation.
#[derive(Clone, Copy)]
enum Success {
    /// `202 Accepted`, the work request id in `oa-work-request-id`, no body; the call returns that id.
    Started { id: &'static str },
    /// `202 Accepted` with the header and a JSON body naming the same id (snapshot creation).
    StartedWithBody { id: &'static str },
    /// `200` with Oracle's example work request, verbatim.
    WorkRequest,
    /// `200` with the exported file.
    File {
        content_type: &'static str,
        bytes: &'static [u8],
    },
}

/// One operation of the spec and how the client is expected to call it.
struct Operation {
    id: &'static str,
    method: &'static str,
    path: String,
    request: Option<Value>,
    statuses: &'static [u16],
    success: Success,
    call: Call,
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
        "operationType": wr.operation_type.as_str(),
        "operationTypeKnown": wr.operation_type.is_known(),
        "percentComplete": wr.percent_complete,
        "resourceType": wr.resource_type.as_ref().map(|r| r.as_str()),
        "status": wr.status.as_str(),
        "final": wr.is_final(),
        "timeAccepted": time(Some(&wr.time_accepted)),
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
        "final": true,
        "timeAccepted": ["2022-07-06T20:25:11.0+0000", "2022-07-06T20:25:11+00:00"],
        "timeStarted": ["2022-07-06T20:25:32.0+0000", "2022-07-06T20:25:32+00:00"],
        "timeFinished": ["2022-07-06T20:25:42.0+0000", "2022-07-06T20:25:42+00:00"],
        "errors": 0,
        "resources": null,
        "extra": {},
    })
}

fn id_value(result: Result<WorkRequestId, StartError>) -> Result<Value, StartError> {
    Ok(json!(result?.as_str()))
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

fn operations() -> Vec<Operation> {
    const STARTER_STATUSES: &[u16] = &[202, 400, 403, 404, 409, 500];
    vec![
        Operation {
            id: "getWorkRequest",
            method: "GET",
            path: format!("/workRequests/{WORK_REQUEST_ID}"),
            request: None,
            statuses: &[200, 400, 401, 403, 404, 409, 412, 500],
            success: Success::WorkRequest,
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
            request: None,
            statuses: STARTER_STATUSES,
            success: Success::Started { id: WORK_REQUEST_ID },
            call: |c| {
                Box::pin(async move { id_value(c.reload_dataset().dataset_id(ObjectId::new(DATASET)).start().await) })
            },
        },
        Operation {
            id: "runDataFlow",
            method: "POST",
            path: format!("/catalog/dataflows/{DATAFLOW_PATH}/actions/run"),
            request: Some(json!({"parameters": [{"name": "region", "value": "EMEA"}]})),
            statuses: STARTER_STATUSES,
            success: Success::Started { id: "bidf-3C41A7F09B" },
            call: |c| {
                Box::pin(async move {
                    let mut overrides = serde_json::Map::new();
                    overrides.insert("parameters".into(), json!([{"name": "region", "value": "EMEA"}]));
                    id_value(
                        c.run_data_flow()
                            .dataflow_id(ObjectId::new(DATAFLOW))
                            .body(overrides)
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
            request: None,
            statuses: STARTER_STATUSES,
            success: Success::Started { id: "bisq-77D0" },
            call: |c| {
                Box::pin(async move { id_value(c.run_sequence().sequence_id(ObjectId::new(SEQUENCE)).start().await) })
            },
        },
        Operation {
            id: "restoreSnapshot",
            method: "POST",
            path: "/system/actions/restoreSnapshot".into(),
            request: Some(
                json!({"snapshot": {"id": "6f1c1e3a-43d6-4bd1-a7d2-9a0c6f1f2b11", "password": SNAPSHOT_PASSWORD}}),
            ),
            statuses: &[202, 400, 404],
            success: Success::Started { id: "bisr-0A9F" },
            call: |c| {
                Box::pin(async move {
                    id_value(
                        c.restore_snapshot()
                            .body(
                                types::RestoreSnapshotRequest::builder().snapshot(types::SnapshotRestore {
                                    id: "6f1c1e3a-43d6-4bd1-a7d2-9a0c6f1f2b11".into(),
                                    password: Secret::new(SNAPSHOT_PASSWORD),
                                }),
                            )
                            .start()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "createSnapshot",
            method: "POST",
            path: "/snapshots".into(),
            request: Some(snapshot_request()),
            statuses: &[202],
            success: Success::StartedWithBody { id: "bisc-5512" },
            call: |c| Box::pin(async move { id_value(c.create_snapshot().body(snapshot_body()).start().await) }),
        },
        Operation {
            id: "createWorkbookExport",
            method: "POST",
            path: format!("/catalog/workbooks/{WORKBOOK_PATH}/exports"),
            request: Some(export_request()),
            statuses: &[202, 400, 401, 403, 404, 412, 422, 500],
            success: Success::Started { id: EXPORT_ID },
            call: |c| {
                Box::pin(async move {
                    id_value(
                        c.create_workbook_export()
                            .url_base64_workbook_id(ObjectId::new(WORKBOOK))
                            .body(
                                types::CreateWorkbookExportRequest::builder()
                                    .name("Sales overview")
                                    .type_(types::WorkbookExportType::File)
                                    .format(types::WorkbookExportFormat::Pdf)
                                    .canvas_ids(vec!["snapshot!canvas!1".to_owned(), "snapshot!canvas!2".to_owned()])
                                    .screenwidth(1440)
                                    .screenheight(900),
                            )
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
            request: None,
            statuses: &[200, 401, 403, 404, 500],
            success: Success::File {
                content_type: "application/pdf",
                bytes: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
            },
            call: |c| {
                Box::pin(async move {
                    let export = WorkRequestId::new(EXPORT_ID);
                    let reply = c
                        .download_workbook_export()
                        .url_base64_workbook_id(ObjectId::new(WORKBOOK))
                        .export_id(&export)
                        .send()
                        .await?;
                    let mut stream = reply.into_inner().into_inner();
                    let mut bytes = Vec::new();
                    while let Some(chunk) = stream.next().await {
                        bytes.extend_from_slice(&chunk.map_err(Error::Transport)?);
                    }
                    Ok(json!(bytes))
                })
            },
        },
    ]
}

fn success_reply(success: Success, status: u16) -> ResponseTemplate {
    match success {
        Success::Started { id } => ResponseTemplate::new(status).insert_header(OA_WORK_REQUEST_ID, id),
        Success::StartedWithBody { id } => {
            json_reply(status, "application/json", &json!({"workRequestId": id})).insert_header(OA_WORK_REQUEST_ID, id)
        }
        Success::WorkRequest => ResponseTemplate::new(status).set_body_raw(seed_example(), "application/json"),
        Success::File { content_type, bytes } => ResponseTemplate::new(status).set_body_raw(bytes, content_type),
    }
}

fn expected(success: Success) -> Value {
    match success {
        Success::Started { id } | Success::StartedWithBody { id } => json!(id),
        Success::WorkRequest => seed_summary(),
        Success::File { bytes, .. } => json!(bytes),
    }
}

fn client(server_uri: &str, trailing_slash: bool) -> Result<Client, Failed> {
    let slash = if trailing_slash { "/" } else { "" };
    Client::builder(format!("{server_uri}{PREFIX}{slash}"))
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .map_err(|e| Failed::from(e.to_string()))
}

fn error_body(status: u16) -> Value {
    json!({"code": format!("OAC-{status}"), "message": format!("Oracle Analytics says {status}")})
}

fn check_request(op: &Operation, sent: &Received) -> Result<(), Failed> {
    let expected_path = format!("{PREFIX}{}", op.path);
    ensure(sent.method == op.method, || {
        format!("method {} != {}", sent.method, op.method)
    })?;
    ensure(sent.path == expected_path, || {
        format!("path {} != {expected_path}", sent.path)
    })?;
    ensure(sent.query.is_empty(), || format!("query {:?}", sent.query))?;
    sent.check_auth_and_body(&format!("Bearer {TOKEN}"), op.request.as_ref())
}

/// What must never be printed: the token and the secrets of request bodies.
fn ensure_no_secrets(shown: &str) -> Result<(), Failed> {
    for secret in [TOKEN, SNAPSHOT_PASSWORD, PRIVATE_KEY] {
        ensure(!shown.contains(secret), || format!("{secret} printed in {shown}"))?;
    }
    Ok(())
}

async fn run_case(op: &Operation, status: u16, trailing_slash: bool) -> Result<(), Failed> {
    let success = (200..300).contains(&status);
    let reply = if success {
        success_reply(op.success, status)
    } else {
        json_reply(status, "application/json", &error_body(status))
    };
    let server = serve(reply).await;
    let outcome = (op.call)(client(&server.uri(), trailing_slash)?).await;
    let sent = received(&server).await;
    ensure(sent.len() == 1, || format!("{} requests sent", sent.len()))?;
    check_request(op, &sent[0])?;
    match outcome {
        Ok(value) if success => {
            let expected = expected(op.success);
            ensure(value == expected, || {
                format!("typed result {value} != expected {expected}")
            })
        }
        Ok(value) => Err(format!("status {status} gave Ok({value})").into()),
        Err(error) if !success => {
            ensure(error.status().map(|s| s.as_u16()) == Some(status), || {
                format!("status of {error:?}")
            })?;
            let body = error.oac_error().ok_or("no Error {code, message}")?;
            let code = format!("OAC-{status}");
            ensure(body.code.as_deref() == Some(code.as_str()), || format!("{body:?}"))?;
            let shown = error.to_string();
            let expected_start = format!("OAC {status} {code}: Oracle Analytics says {status} (");
            ensure(shown.starts_with(&expected_start), || format!("Display {shown:?}"))?;
            ensure(shown.contains(&format!("{} {PREFIX}{}", op.method, op.path)), || {
                format!("Display {shown:?}")
            })?;
            ensure_no_secrets(&format!("{shown}\n{error:?}"))
        }
        Err(error) => Err(format!("status {status} gave {error}").into()),
    }
}

/// Every operation that starts a work request, answered `202` without `oa-work-request-id` (and without a body):
/// `start()` says so, and so does `work_request_id()` on the reply of `send()`.
async fn run_202_without_header(op: &Operation) -> Result<(), Failed> {
    let server = serve(ResponseTemplate::new(202)).await;
    let error = (op.call)(client(&server.uri(), false)?)
        .await
        .err()
        .ok_or("a 202 without oa-work-request-id gave an id")?;
    let operation = match &error {
        StartError::NoWorkRequestId(WorkRequestIdError::Missing { operation, status }) => {
            ensure(status.as_u16() == 202, || format!("{error:?}"))?;
            operation.ok_or("no operation named")?
        }
        other => return Err(format!("expected a missing-header error, got {other:?}").into()),
    };
    let shown = error.to_string();
    ensure(
        shown
            == format!(
                "{operation} answered 202 Accepted without an oa-work-request-id header, so the work request it started cannot be followed"
            ),
        || shown.clone(),
    )?;
    ensure(error.status().map(|s| s.as_u16()) == Some(202), || format!("{error:?}"))?;
    // The same reply through `send()`: a success whose id cannot be read.
    let c = client(&server.uri(), false)?;
    let missing = match op.id {
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
            .body(
                types::RestoreSnapshotRequest::builder().snapshot(types::SnapshotRestore {
                    id: "x".into(),
                    password: Secret::new("p"),
                }),
            )
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
            .body(
                types::CreateWorkbookExportRequest::builder()
                    .name("n")
                    .type_(types::WorkbookExportType::File)
                    .format(types::WorkbookExportFormat::Png)
                    .canvas_ids(Vec::<String>::new())
                    .screenwidth(1)
                    .screenheight(1),
            )
            .send()
            .await?
            .work_request_id(),
        other => return Err(format!("{other} starts no work request").into()),
    };
    ensure(
        matches!(missing, Err(WorkRequestIdError::Missing { operation: None, .. })),
        || format!("{missing:?}"),
    )
}

/// The typed work request the client returns when the server sends `body`.
async fn served_work_request(body: Value) -> Result<types::WorkRequest, Failed> {
    let server = serve(json_reply(200, "application/json", &body)).await;
    Ok(client(&server.uri(), false)?
        .get_work_request()
        .id(WORK_REQUEST_ID)
        .send()
        .await
        .map_err(|e| Error::from(e).to_string())?
        .into_inner())
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

/// Replies no spec lists, and the token source.
fn extra_trials() -> Vec<Trial> {
    vec![
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
                    wr.operation_type == types::WorkRequestOperationType::Unknown("RUN_DATAFLOW".into()),
                    || format!("{:?}", wr.operation_type),
                )?;
                ensure(
                    wr.resource_type == Some(types::WorkRequestResourceType::Unknown("DATAFLOW".into())),
                    || format!("{:?}", wr.resource_type),
                )?;
                ensure(!wr.status.is_known() && !wr.is_final(), || format!("{:?}", wr.status))?;
                ensure((wr.percent_complete - 37.5).abs() < f32::EPSILON, || {
                    format!("{}", wr.percent_complete)
                })?;
                let accepted = wr.time_accepted.to_datetime().ok_or("timeAccepted")?;
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
                    "id": "bisr-0A9F", "operationType": "RESTORE_SNAPSHOT", "percentComplete": 0,
                    "resourceType": null, "status": "ACCEPTED", "timeAccepted": "2024-10-12T20:00:00Z",
                    "timeStarted": null, "timeFinished": null, "Errors": null, "resources": null
                });
                let wr = served_work_request(nulls).await?;
                ensure(wr.reported_errors().is_empty() && wr.resources.is_none(), || {
                    format!("{wr:?}")
                })?;
                ensure(
                    wr.status == types::WorkRequestStatus::Accepted && !wr.is_final(),
                    || format!("{:?}", wr.status),
                )?;
                let accepted = wr.time_accepted.to_datetime().ok_or("an RFC 3339 timeAccepted")?;
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
                ensure(wr.is_final() && !wr.succeeded(), || format!("{:?}", wr.status))
            })
        }),
        Trial::test("workrequests::createSnapshot::id_in_body_only", || {
            block_on(async {
                let server = serve(json_reply(
                    202,
                    "application/json",
                    &json!({"workRequestId": "bisc-77", "x": 1}),
                ))
                .await;
                let id = client(&server.uri(), false)?
                    .create_snapshot()
                    .body(snapshot_body())
                    .start()
                    .await
                    .map_err(|e| e.to_string())?;
                ensure(id.as_str() == "bisc-77", || format!("{id:?}"))
            })
        }),
        Trial::test("workrequests::createSnapshot::header_with_empty_or_text_body", || {
            block_on(async {
                for reply in [
                    ResponseTemplate::new(202),
                    ResponseTemplate::new(202).set_body_raw("Accepted", "text/plain"),
                    json_reply(202, "application/json", &json!({"workRequestId": "ignored-body-id"})),
                ] {
                    let server = serve(reply.insert_header(OA_WORK_REQUEST_ID, "bisc-5512")).await;
                    let id = client(&server.uri(), false)?
                        .create_snapshot()
                        .body(snapshot_body())
                        .start()
                        .await
                        .map_err(|e| e.to_string())?;
                    ensure(id.as_str() == "bisc-5512", || format!("{id:?}"))?;
                }
                Ok(())
            })
        }),
        Trial::test("workrequests::snapshot_secrets_are_sent_but_never_printed", || {
            let body = types::CreateSnapshotRequest::try_from(snapshot_body()).map_err(|e| e.to_string())?;
            let wire = serde_json::to_value(&body).map_err(|e| e.to_string())?;
            ensure(wire == snapshot_request(), || wire.to_string())?;
            ensure_no_secrets(&format!("{body:?}"))
        }),
        Trial::test("workrequests::proxy_502_html_keeps_status_and_body", || {
            block_on(async {
                let page = "<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>";
                let server = serve(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;
                let error = Error::from(
                    client(&server.uri(), false)?
                        .get_work_request()
                        .id(WORK_REQUEST_ID)
                        .send()
                        .await
                        .err()
                        .ok_or("502 gave Ok")?,
                );
                ensure(error.status().map(|s| s.as_u16()) == Some(502), || format!("{error:?}"))?;
                ensure(error.oac_error().is_none(), || {
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
        Trial::test("workrequests::error_string_shape_is_read", || {
            block_on(async {
                let server = serve(json_reply(
                    400,
                    "application/json",
                    &json!({"error": "invalid dataset id"}),
                ))
                .await;
                let error = client(&server.uri(), false)?
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
                            "OAC 400: invalid dataset id (reload_dataset POST {PREFIX}/catalog/datasets/{DATASET_PATH}/actions/reload)"
                        ),
                    || shown.clone(),
                )?;
                let body = error.oac_error().ok_or("no body")?;
                ensure(
                    body.code.is_none() && body.message.as_deref() == Some("invalid dataset id"),
                    || format!("{body:?}"),
                )
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
                    .map_err(|e| Error::from(e).to_string())?
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
                    .map_err(|e| Error::from(e).to_string())?;
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
                    let error = Error::from(error);
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
                ensure_no_secrets(&printed)?;
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
                ensure(matches!(error, StartError::Call(Error::Auth(_))), || {
                    format!("{error:?}")
                })?;
                ensure(error.to_string().contains("identity domain unreachable"), || {
                    error.to_string()
                })?;
                ensure(received(&server).await.is_empty(), || {
                    "a request was sent without a token".into()
                })
            })
        }),
    ]
}

fn main() {
    let table: &'static [Operation] = Box::leak(operations().into_boxed_slice());
    let mut trials = Vec::new();
    let mut tested = BTreeSet::new();
    for op in table {
        for (i, &status) in op.statuses.iter().enumerate() {
            tested.insert((op.id.to_owned(), status));
            trials.push(Trial::test(format!("workrequests::{}::{status}", op.id), move || {
                block_on(run_case(op, status, i % 2 == 1))
            }));
        }
        if matches!(op.success, Success::Started { .. } | Success::StartedWithBody { .. }) {
            trials.push(Trial::test(
                format!("workrequests::{}::202_without_header", op.id),
                move || block_on(run_202_without_header(op)),
            ));
        }
    }
    trials.push(coverage_trial("workrequests.yaml", tested));
    trials.extend(extra_trials());
    let conformance = operations().into_iter().map(|op| (op.id.to_owned(), op)).collect();
    trials.extend(contract_tests::prism::conformance_trials(
        "workrequests",
        "workrequests.yaml",
        conformance,
        |uri, op: std::sync::Arc<Operation>| async move {
            let client = Client::builder(uri)
                .bearer_token("oac-token")
                .build()
                .map_err(|e| e.to_string())?;
            (op.call)(client).await.map_err(|e| e.to_string())
        },
    ));
    let hostile = operations().into_iter().map(|op| (op.id.to_owned(), op)).collect();
    trials.extend(contract_tests::adversarial::adversarial_trials(
        "workrequests",
        hostile,
        &["downloadWorkbookExport"],
        |uri, op: std::sync::Arc<Operation>| async move {
            let client = Client::builder(uri)
                .bearer_token("oac-token")
                .retry_policy(sdk_workrequests::RetryPolicy::disabled())
                .timeout(contract_tests::adversarial::ATTEMPT_TIMEOUT)
                .build()
                .map_err(|_| None)?;
            (op.call)(client)
                .await
                .map(drop)
                .map_err(|e| e.status().map(|s| s.as_u16()))
        },
    ));
    run(trials)
}
