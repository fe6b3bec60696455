//! Contract tests of `sdk-ess` against a mock ESS server: every (operation, documented status) pair of
//! `specs/ess.yaml`, plus the replies Oracle's servers and proxies send that the spec does not list.
//!
//! Each case checks the request the client sends (method, path under the base URL, query string,
//! `Authorization`, content type, JSON body, no `api-version`) and what the caller gets back: the typed success
//! body, or an error carrying the status, the parsed `SimpleExceptionDetail` and the raw body.

use std::collections::BTreeSet;

use contract_tests::{Received, block_on, coverage_trial, ensure, json_reply, received, run, serve};
use futures::future::BoxFuture;
use libtest_mimic::{Failed, Trial};
use sdk_ess::{Client, Error, ExceptionDetailExt, RetryPolicy, types};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

const PREFIX: &str = "/ess/rest/scheduler/v1";
/// `Basic base64("scheduler.user:s3cret-Pa55")`.
const BASIC: &str = "Basic c2NoZWR1bGVyLnVzZXI6czNjcmV0LVBhNTU=";

type Call = fn(Client) -> BoxFuture<'static, Result<Value, Error>>;

/// One operation of the spec and how the client is expected to call it.
struct Operation {
    id: &'static str,
    method: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    request: Option<Value>,
    statuses: &'static [u16],
    /// The success body served, and expected back from the typed result.
    reply: Option<Value>,
    /// Oracle's media type for the success reply.
    reply_type: &'static str,
    call: Call,
}

/// The typed success body, serialised back, so a test can compare it with what the server sent.
fn typed<T: serde::Serialize>(
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<()>>,
) -> Result<Value, Error> {
    let value = result?.into_inner();
    Ok(serde_json::to_value(value).unwrap_or(Value::Null))
}

fn action_reply(action: &str) -> Value {
    json!({"links": [
        {"rel": "self", "href": "https://fa.example.com/ess/rest/scheduler/v1/requests/42"},
        {"rel": action, "href": format!("https://fa.example.com/ess/rest/scheduler/v1/requests/42/{action}")}
    ]})
}

fn request_details() -> Value {
    json!({
        "requestId": 42,
        "absParentRequestId": 42,
        "application": "EarHcmEss",
        "product": "PER",
        "jobDefinitionId": "JobDefinition://oracle/apps/ess/hcm/users/AseInactiveUsersDataLoadJob",
        "state": "RUNNING",
        "previousState": "READY",
        "cause": "NON_TERMINAL",
        "requestType": "SINGLETON",
        "submitter": "scheduler.user",
        "submissionTime": "2024-10-15T08:00:00.000Z",
        "processStartTime": "2024-10-15T08:00:05.123Z",
        "elapsedTime": 120000,
        "priority": 4,
        "isCancellable": true,
        "isHoldable": false,
        "requestParameters": [
            {"name": "submit.argument6", "paramType": "STRING", "value": "ALL"}
        ],
        "links": [{"rel": "cancel", "href": "https://fa.example.com/ess/rest/scheduler/v1/requests/42/cancel"}]
    })
}

fn query_reply() -> Value {
    let mut second = request_details();
    second["requestId"] = json!(43);
    second["state"] = json!("SUCCEEDED");
    second["cause"] = json!("PROCESS_SUCCESS");
    second["processEndTime"] = json!("2024-10-15T08:10:00Z");
    json!({"count": 2, "items": [request_details(), second]})
}

fn callback() -> Value {
    json!({
        "callbackUrlPrefix": "https://app.example.com",
        "callbackResourcePath": "/hooks/ess",
        "securityScheme": "DIRECT_OAUTH",
        "accessTokenUri": "https://idcs.example.com/oauth2/v1/token",
        "clientId": "ess-callback",
        "clientSecret": "callback-client-secret"
    })
}

fn operations() -> Vec<Operation> {
    const ACTION_STATUSES: &[u16] = &[200, 400, 403, 404, 409, 500];
    vec![
        Operation {
            id: "getRoot",
            method: "GET",
            path: "",
            query: &[],
            request: None,
            statuses: &[200, 500],
            reply: Some(json!({"links": [
                {"rel": "self", "href": "https://fa.example.com/ess/rest/scheduler/v1", "mediaType": "application/json", "method": "GET", "templated": false},
                {"rel": "requests", "href": "https://fa.example.com/ess/rest/scheduler/v1/requests"}
            ]})),
            reply_type: "application/vnd.oracle.resource+json",
            call: |c| Box::pin(async move { typed(c.get_root().send().await) }),
        },
        Operation {
            id: "queryRequests",
            method: "GET",
            path: "/requests",
            query: &[
                ("fields", "requestId,state"),
                ("orderBy", "submissionTime:desc"),
                ("q", "state eq \"RUNNING\""),
            ],
            request: None,
            statuses: &[200, 400, 403, 500],
            reply: Some(query_reply()),
            reply_type: "application/vnd.oracle.resource+json;type=collection",
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.query_requests()
                            .q("state eq \"RUNNING\"")
                            .order_by("submissionTime:desc")
                            .fields("requestId,state")
                            .send()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "submitRequest",
            method: "POST",
            path: "/requests",
            query: &[],
            request: Some(json!({
                "jobDefinitionId": "JobDefinition://oracle/apps/ess/hcm/users/AseInactiveUsersDataLoadJob",
                "application": "EarHcmEss",
                "product": "PER",
                "description": "nightly load",
                "priority": 6,
                "startTime": "2024-10-16T02:00:00Z",
                "requestParameters": [{"name": "submit.argument6", "paramType": "STRING", "value": "ALL"}]
            })),
            statuses: &[201, 400, 403, 404, 409, 500],
            reply: Some(
                json!({"id": 300000012345680i64, "links": [{"rel": "self", "href": "https://fa.example.com/ess/rest/scheduler/v1/requests/300000012345680"}]}),
            ),
            reply_type: "application/vnd.oracle.resource+json",
            call: |c| {
                Box::pin(async move {
                    let start: sdk_ess::Timestamp = "2024-10-16T02:00:00Z".parse().unwrap_or_else(|e| match e {});
                    typed(
                        c.submit_request()
                            .body(
                                types::SubmitRequest::builder()
                                    .job_definition_id(
                                        "JobDefinition://oracle/apps/ess/hcm/users/AseInactiveUsersDataLoadJob",
                                    )
                                    .application(Some("EarHcmEss".to_owned()))
                                    .product(Some("PER".to_owned()))
                                    .description(Some("nightly load".to_owned()))
                                    .priority(Some(6))
                                    .start_time(Some(start))
                                    .request_parameters(vec![types::RequestParameter {
                                        name: "submit.argument6".into(),
                                        param_type: types::ParameterType::String,
                                        value: Some("ALL".into()),
                                        scope: None,
                                    }]),
                            )
                            .send()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "getRequest",
            method: "GET",
            path: "/requests/42",
            query: &[("fields", "@full"), ("links", "cancel")],
            request: None,
            statuses: &[200, 400, 403, 404, 500],
            reply: Some(request_details()),
            reply_type: "application/vnd.oracle.resource+json;type=singular",
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.get_request()
                            .request_id(42)
                            .fields("@full")
                            .links("cancel")
                            .send()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "updateRequest",
            method: "PATCH",
            path: "/requests/42",
            query: &[],
            request: Some(
                json!({"requestParameters": [{"name": "submit.argument1", "paramType": "INTEGER", "value": "7"}]}),
            ),
            statuses: &[200, 400, 403, 404, 409, 500],
            reply: Some(action_reply("cancel")),
            reply_type: "application/vnd.oracle.resource+json",
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.update_request()
                            .request_id(42)
                            .body(types::UpdateRequestBody::builder().request_parameters(vec![
                                types::RequestParameter {
                                    name: "submit.argument1".into(),
                                    param_type: types::ParameterType::Integer,
                                    value: Some("7".into()),
                                    scope: None,
                                },
                            ]))
                            .send()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "deleteRequest",
            method: "DELETE",
            path: "/requests/42",
            query: &[],
            request: None,
            statuses: &[204, 400, 403, 404, 409, 500],
            reply: None,
            reply_type: "",
            call: |c| Box::pin(async move { typed(c.delete_request().request_id(42).send().await) }),
        },
        Operation {
            id: "cancelRequest",
            method: "POST",
            path: "/requests/42/cancel",
            query: &[],
            request: None,
            statuses: ACTION_STATUSES,
            reply: Some(action_reply("forceCancel")),
            reply_type: "application/vnd.oracle.resource+json",
            call: |c| Box::pin(async move { typed(c.cancel_request().request_id(42).send().await) }),
        },
        Operation {
            id: "forceCancelRequest",
            method: "POST",
            path: "/requests/42/forceCancel",
            query: &[],
            request: None,
            statuses: ACTION_STATUSES,
            reply: Some(action_reply("permissions")),
            reply_type: "application/json",
            call: |c| Box::pin(async move { typed(c.force_cancel_request().request_id(42).send().await) }),
        },
        Operation {
            id: "holdRequest",
            method: "POST",
            path: "/requests/42/hold",
            query: &[],
            request: None,
            statuses: ACTION_STATUSES,
            reply: Some(action_reply("release")),
            reply_type: "application/vnd.oracle.resource+json",
            call: |c| Box::pin(async move { typed(c.hold_request().request_id(42).send().await) }),
        },
        Operation {
            id: "releaseRequest",
            method: "POST",
            path: "/requests/42/release",
            query: &[],
            request: None,
            statuses: ACTION_STATUSES,
            reply: Some(action_reply("hold")),
            reply_type: "application/vnd.oracle.resource+json",
            call: |c| Box::pin(async move { typed(c.release_request().request_id(42).send().await) }),
        },
        Operation {
            id: "getRequestPermissions",
            method: "GET",
            path: "/requests/42/permissions",
            query: &[],
            request: None,
            statuses: &[200, 400, 403, 404, 500],
            reply: Some(json!({"canCancel": true, "canHold": false, "user": "scheduler.user"})),
            reply_type: "application/json;charset=utf-8",
            call: |c| Box::pin(async move { typed(c.get_request_permissions().request_id(42).send().await) }),
        },
        Operation {
            id: "subscribeRequest",
            method: "POST",
            path: "/requests/42/subscribe",
            query: &[],
            request: Some(callback()),
            statuses: &[200, 400, 403, 404, 409, 500],
            reply: Some(action_reply("subscribe")),
            reply_type: "application/vnd.oracle.resource+json",
            call: |c| {
                Box::pin(async move {
                    let body: types::CallbackSubscription =
                        serde_json::from_value(callback()).map_err(|e| Error::InvalidRequest(e.to_string()))?;
                    typed(c.subscribe_request().request_id(42).body(body).send().await)
                })
            },
        },
        Operation {
            id: "unsubscribeRequest",
            method: "DELETE",
            path: "/requests/42/subscribe",
            query: &[],
            request: None,
            statuses: &[204, 400, 403, 404, 409, 500],
            reply: None,
            reply_type: "",
            call: |c| Box::pin(async move { typed(c.unsubscribe_request().request_id(42).send().await) }),
        },
        Operation {
            id: "updateExecutionStatus",
            method: "POST",
            path: "/requests/42/executionStatus",
            query: &[],
            request: Some(
                json!({"requestHandle": "handle-7f3a", "status": "ERROR", "statusMessage": "remote job failed: disk full"}),
            ),
            statuses: &[200, 400, 403, 404, 500],
            reply: Some(action_reply("executionStatus")),
            reply_type: "application/vnd.oracle.resource+json",
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.update_execution_status()
                            .request_id(42)
                            .body(
                                types::ExecutionStatusUpdate::builder()
                                    .request_handle(Some("handle-7f3a".to_owned()))
                                    .status(Some(types::ExecutionStatus::Error))
                                    .status_message(Some("remote job failed: disk full".to_owned())),
                            )
                            .send()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "checkInCancelling",
            method: "POST",
            path: "/requests/42/checkInCancelling",
            query: &[],
            request: Some(json!({"requestExecutionContext": "42:handle-7f3a"})),
            statuses: &[200, 400, 403, 404, 500],
            reply: Some(json!(true)),
            reply_type: "application/json;charset=utf-8",
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.check_in_cancelling()
                            .request_id(42)
                            .body(
                                types::CheckInCancellingBody::builder()
                                    .request_execution_context(Some("42:handle-7f3a".to_owned())),
                            )
                            .send()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "searchRequests",
            method: "GET",
            path: "/requests/search/3",
            query: &[
                ("excludeFields", "requestParameters"),
                ("q", "application eq \"EarHcmEss\""),
            ],
            request: None,
            statuses: &[200, 400, 403, 500],
            reply: Some(query_reply()),
            reply_type: "application/vnd.oracle.resource+json;type=collection",
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.search_requests()
                            .page_index(3)
                            .q("application eq \"EarHcmEss\"")
                            .exclude_fields("requestParameters")
                            .send()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "queryApplicationRequests",
            method: "GET",
            path: "/query/EarHcmEss/requests",
            query: &[("orderBy", "processStartTime:asc"), ("pageIndex", "2")],
            request: None,
            statuses: &[200, 400, 403, 500],
            reply: Some(query_reply()),
            reply_type: "application/json;charset=utf-8",
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.query_application_requests()
                            .application("EarHcmEss")
                            .page_index(2)
                            .order_by("processStartTime:asc")
                            .send()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "setStepArgs",
            method: "POST",
            path: "/requests/submitArgs",
            query: &[],
            request: Some(json!({
                "application": "EarHcmEss",
                "arguments": ["ALL", "2024-10-15"],
                "requestParameters": [{"name": "step1.submit.argument1", "paramType": "STRING", "value": "ALL", "scope": "step1"}]
            })),
            statuses: &[201, 400, 403, 500],
            reply: Some(json!({
                "application": "EarHcmEss",
                "arguments": ["ALL", "2024-10-15"],
                "requestParameters": [{"name": "step1.submit.argument1", "paramType": "STRING", "value": "ALL", "scope": "step1"}]
            })),
            reply_type: "application/vnd.oracle.resource+json",
            call: |c| {
                Box::pin(async move {
                    let body: types::StepArgs = serde_json::from_value(json!({
                        "application": "EarHcmEss",
                        "arguments": ["ALL", "2024-10-15"],
                        "requestParameters": [{"name": "step1.submit.argument1", "paramType": "STRING", "value": "ALL", "scope": "step1"}]
                    }))
                    .map_err(|e| Error::InvalidRequest(e.to_string()))?;
                    typed(c.set_step_args().body(body).send().await)
                })
            },
        },
        Operation {
            id: "getQuiesceState",
            method: "GET",
            path: "/server/quiesceState",
            query: &[("clusterName", "ess_cluster"), ("serverName", "ess_server1")],
            request: None,
            statuses: &[200, 400, 403, 404, 500],
            reply: Some(json!({"ess_server1": "NOT_QUIESCED"})),
            reply_type: "application/json;charset=utf-8",
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.get_quiesce_state()
                            .cluster_name("ess_cluster")
                            .server_name("ess_server1")
                            .send()
                            .await,
                    )
                })
            },
        },
    ]
}

fn client(server_uri: &str, trailing_slash: bool) -> Result<Client, Failed> {
    let slash = if trailing_slash { "/" } else { "" };
    Client::builder(format!("{server_uri}{PREFIX}{slash}"))
        .basic_auth("scheduler.user", "s3cret-Pa55")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .map_err(|e| Failed::from(e.to_string()))
}

fn error_body(status: u16) -> Value {
    json!({
        "type": format!("https://httpstatuses.example/{status}"),
        "title": format!("Oracle says {status}"),
        "status": status,
        "detail": "see the scheduler log",
        "errorCode": format!("ESS-{:05}", status)
    })
}

fn check_request(op: &Operation, sent: &Received) -> Result<(), Failed> {
    let expected_path = format!("{PREFIX}{}", op.path);
    ensure(sent.method == op.method, || {
        format!("method {} != {}", sent.method, op.method)
    })?;
    ensure(sent.path == expected_path, || {
        format!("path {} != {expected_path}", sent.path)
    })?;
    let query: Vec<(String, String)> = op
        .query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    ensure(sent.query == query, || format!("query {:?} != {query:?}", sent.query))?;
    sent.check_auth_and_body(BASIC, op.request.as_ref())
}

async fn run_case(op: &Operation, status: u16, trailing_slash: bool) -> Result<(), Failed> {
    let success = (200..300).contains(&status);
    let reply = match (&op.reply, success) {
        (Some(body), true) => json_reply(status, op.reply_type, body),
        (None, true) => ResponseTemplate::new(status),
        (_, false) => json_reply(status, "application/json", &error_body(status)),
    };
    let server = serve(reply).await;
    let outcome = (op.call)(client(&server.uri(), trailing_slash)?).await;
    let sent = received(&server).await;
    ensure(sent.len() == 1, || format!("{} requests sent", sent.len()))?;
    check_request(op, &sent[0])?;
    match outcome {
        Ok(value) if success => {
            let expected = op.reply.clone().unwrap_or(Value::Null);
            ensure(value == expected, || format!("typed body {value} != served {expected}"))
        }
        Ok(value) => Err(format!("status {status} gave Ok({value})").into()),
        Err(error) if !success => {
            ensure(error.status().map(|s| s.as_u16()) == Some(status), || {
                format!("status of {error:?}")
            })?;
            let detail = error.exception_detail().ok_or("no SimpleExceptionDetail")?;
            let code = format!("ESS-{status:05}");
            ensure(detail.error_code.as_deref() == Some(code.as_str()), || {
                format!("{detail:?}")
            })?;
            ensure(
                detail.title.as_deref() == Some(format!("Oracle says {status}").as_str()),
                || format!("{detail:?}"),
            )?;
            let shown = error.to_string();
            let expected_start = format!("ESS {status} {code}: Oracle says {status} (");
            ensure(shown.starts_with(&expected_start), || format!("Display {shown:?}"))?;
            ensure(shown.contains(&format!("{} {PREFIX}{}", op.method, op.path)), || {
                format!("Display {shown:?}")
            })?;
            ensure(!shown.contains("s3cret"), || "the password leaked into Display".into())?;
            ensure(!format!("{error:?}").contains("s3cret"), || {
                "the password leaked into Debug".into()
            })
        }
        Err(error) => Err(format!("status {status} gave {error}").into()),
    }
}

/// Replies no spec lists: a proxy's HTML page, an empty 404, an unknown state, a bearer token.
fn extra_trials() -> Vec<Trial> {
    vec![
        Trial::test("ess::proxy_502_html_keeps_status_and_body", || {
            block_on(async {
                let page = "<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>";
                let server = serve(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;
                let error = Error::from(
                    client(&server.uri(), false)?
                        .get_request()
                        .request_id(7)
                        .send()
                        .await
                        .err()
                        .ok_or("502 gave Ok")?,
                );
                ensure(error.status().map(|s| s.as_u16()) == Some(502), || format!("{error:?}"))?;
                ensure(error.exception_detail().is_none(), || {
                    "HTML parsed as an ESS error".into()
                })?;
                ensure(error.body().map(|b| b.as_ref()) == Some(page.as_bytes()), || {
                    "raw body lost".into()
                })?;
                let shown = error.to_string();
                ensure(shown.starts_with("ESS 502 Bad Gateway: <html>"), || shown.clone())?;
                ensure(
                    shown.contains("get_request GET /ess/rest/scheduler/v1/requests/7"),
                    || shown.clone(),
                )
            })
        }),
        Trial::test("ess::empty_404_keeps_status", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(404)).await;
                let error = Error::from(
                    client(&server.uri(), true)?
                        .delete_request()
                        .request_id(9)
                        .send()
                        .await
                        .err()
                        .ok_or("404 gave Ok")?,
                );
                ensure(error.status().map(|s| s.as_u16()) == Some(404), || format!("{error:?}"))?;
                ensure(error.body().is_some_and(|b| b.is_empty()), || {
                    "body should be empty".into()
                })?;
                ensure(error.to_string().starts_with("ESS 404 Not Found (empty body)"), || {
                    error.to_string()
                })
            })
        }),
        Trial::test("ess::undocumented_status_with_ess_body_is_parsed", || {
            block_on(async {
                let server = serve(json_reply(
                    418,
                    "application/vnd.oracle.resource+json",
                    &error_body(418),
                ))
                .await;
                let error = Error::from(
                    client(&server.uri(), false)?
                        .hold_request()
                        .request_id(1)
                        .send()
                        .await
                        .err()
                        .ok_or("418 gave Ok")?,
                );
                let detail = error.exception_detail().ok_or("no detail")?;
                ensure(detail.error_code.as_deref() == Some("ESS-00418"), || {
                    format!("{detail:?}")
                })
            })
        }),
        Trial::test("ess::unknown_state_and_cause_parse_and_round_trip", || {
            block_on(async {
                let mut body = request_details();
                body["state"] = json!("QUEUED_FOR_QUANTUM");
                body["cause"] = json!("PROCESS_TELEPORTED");
                body["links"][0]["rel"] = json!("parentRequest");
                body["fieldFromTheFuture"] = json!({"nested": [1, 2]});
                let server = serve(json_reply(
                    200,
                    "application/vnd.oracle.resource+json;type=singular",
                    &body,
                ))
                .await;
                let job = client(&server.uri(), false)?
                    .get_request()
                    .request_id(42)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_inner();
                ensure(
                    job.state == Some(types::RequestState::Unknown("QUEUED_FOR_QUANTUM".into())),
                    || format!("{:?}", job.state),
                )?;
                ensure(
                    job.cause == Some(types::RequestCause::Unknown("PROCESS_TELEPORTED".into())),
                    || format!("{:?}", job.cause),
                )?;
                let back = serde_json::to_value(&job).map_err(|e| e.to_string())?;
                ensure(
                    back["state"] == json!("QUEUED_FOR_QUANTUM") && back["cause"] == json!("PROCESS_TELEPORTED"),
                    || back.to_string(),
                )
            })
        }),
        Trial::test("ess::odd_timestamps_parse", || {
            block_on(async {
                let mut body = request_details();
                body["submissionTime"] = json!("2024-10-15 08:00:00+0000");
                body["processStartTime"] = json!("2024-10-15T08:00:05.123456");
                body["processEndTime"] = json!("not a time");
                let server = serve(json_reply(200, "application/json", &body)).await;
                let job = client(&server.uri(), false)?
                    .get_request()
                    .request_id(42)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_inner();
                let submitted = job
                    .submission_time
                    .as_ref()
                    .and_then(|t| t.to_datetime())
                    .ok_or("submissionTime")?;
                ensure(submitted.to_rfc3339() == "2024-10-15T08:00:00+00:00", || {
                    submitted.to_rfc3339()
                })?;
                ensure(
                    job.process_end_time.as_ref().map(|t| t.as_str()) == Some("not a time"),
                    || "raw text lost".into(),
                )
            })
        }),
        Trial::test("ess::bearer_token_is_sent", || {
            block_on(async {
                let server = serve(json_reply(200, "application/json", &json!({"links": []}))).await;
                let client = Client::builder(format!("{}{PREFIX}", server.uri()))
                    .bearer_token("eyJ.token.sig")
                    .build()
                    .map_err(|e| e.to_string())?;
                client.get_root().send().await.map_err(|e| e.to_string())?;
                let sent = received(&server).await;
                ensure(sent[0].header("authorization") == Some("Bearer eyJ.token.sig"), || {
                    format!("{:?}", sent[0].headers)
                })
            })
        }),
        Trial::test("ess::callback_secret_never_printed", || {
            let body: types::CallbackSubscription = serde_json::from_value(callback()).map_err(|e| e.to_string())?;
            let shown = format!("{body:?}");
            ensure(!shown.contains("callback-client-secret"), || shown.clone())?;
            let wire = serde_json::to_value(&body).map_err(|e| e.to_string())?;
            ensure(wire["clientSecret"] == json!("callback-client-secret"), || {
                wire.to_string()
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
            trials.push(Trial::test(format!("ess::{}::{status}", op.id), move || {
                block_on(run_case(op, status, i % 2 == 1))
            }));
        }
    }
    trials.push(coverage_trial("ess.yaml", tested));
    trials.extend(extra_trials());
    let conformance = operations().into_iter().map(|op| (op.id.to_owned(), op)).collect();
    trials.extend(contract_tests::prism::conformance_trials(
        "ess",
        "ess.yaml",
        conformance,
        |uri, op: std::sync::Arc<Operation>| async move {
            let client = Client::builder(uri)
                .basic_auth("scheduler.user", "s3cret-Pa55")
                .build()
                .map_err(Error::from)?;
            (op.call)(client).await
        },
    ));
    let hostile = operations().into_iter().map(|op| (op.id.to_owned(), op)).collect();
    trials.extend(contract_tests::adversarial::adversarial_trials(
        "ess",
        hostile,
        &[],
        |uri, op: std::sync::Arc<Operation>| async move {
            let client = Client::builder(uri)
                .basic_auth("scheduler.user", "s3cret-Pa55")
                .retry_policy(RetryPolicy::disabled())
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
