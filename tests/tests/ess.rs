//! Contract tests of `sdk-ess` against a mock ESS server: every (operation, documented status) pair of
//! `specs/ess.yaml`, plus the replies Oracle's servers and proxies send that the spec does not list.
//!
//! Each case checks the request the client sends (method, path under the base URL, query string,
//! `Authorization`, content type, JSON body, no `api-version`) and what the caller gets back: the typed success
//! body, or an error carrying the status, the parsed `SimpleExceptionDetail` and the raw body.

use contract_tests::harness::{self, Operation, Success, contract_client};
use contract_tests::{block_on, ensure, json_reply, received, serve};
use libtest_mimic::{Failed, Trial};
use sdk_ess::{Client, ClientBuilder, Error, EssErrorDocument, types};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

const PREFIX: &str = "/ess/rest/scheduler/v1";
/// `Basic base64("scheduler.user:s3cret-Pa55")`.
const BASIC: &str = "Basic c2NoZWR1bGVyLnVzZXI6czNjcmV0LVBhNTU=";

/// The ESS client under the contract-test harness.
struct Ess;

impl harness::Service for Ess {
    type Client = Client;

    const NAME: &'static str = "ess";
    const SPEC: &'static str = "ess.yaml";
    const PREFIX: &'static str = PREFIX;
    const AUTHORIZATION: &'static str = BASIC;

    fn builder(base_url: &str) -> ClientBuilder<Client> {
        Client::builder(base_url).basic_auth("scheduler.user", "s3cret-Pa55")
    }

    fn error_reply(status: u16) -> ResponseTemplate {
        json_reply(status, "application/json", &error_body(status))
    }

    fn check_error(op: &Operation<Self>, status: u16, error: &Error) -> Result<(), Failed> {
        let detail = error.ess_error_document().ok_or("no SimpleExceptionDetail")?;
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
        })
    }

    fn secrets() -> &'static [&'static str] {
        &["s3cret"]
    }

    fn simulated(simulator: &sdk_simulator::Simulator) -> String {
        simulator.ess_url()
    }
}

/// The typed success body, serialised back, so a test can compare it with what the server sent.
fn typed<T: serde::Serialize>(result: Result<sdk_ess::ResponseValue<T>, Error>) -> Result<Value, Error> {
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

fn operations() -> Vec<Operation<Ess>> {
    const ACTION_STATUSES: &[u16] = &[200, 400, 403, 404, 409, 500];
    vec![
        Operation {
            id: "getRoot",
            method: "GET",
            path: "".into(),
            query: vec![],
            request: None,
            statuses: &[200, 500],
            success: Success::json(
                "application/vnd.oracle.resource+json",
                json!({"links": [
                    {"rel": "self", "href": "https://fa.example.com/ess/rest/scheduler/v1", "mediaType": "application/json", "method": "GET", "templated": false},
                    {"rel": "requests", "href": "https://fa.example.com/ess/rest/scheduler/v1/requests"}
                ]}),
            ),
            call: |c| Box::pin(async move { typed(c.get_root().send().await) }),
        },
        Operation {
            id: "queryRequests",
            method: "GET",
            path: "/requests".into(),
            query: vec![
                ("fields", "requestId,state"),
                ("orderBy", "submissionTime:desc"),
                ("q", "state eq \"RUNNING\""),
            ],
            request: None,
            statuses: &[200, 400, 403, 500],
            success: Success::json("application/vnd.oracle.resource+json;type=collection", query_reply()),
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
            path: "/requests".into(),
            query: vec![],
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
            success: Success::json(
                "application/vnd.oracle.resource+json",
                json!({"id": 300000012345680i64, "links": [{"rel": "self", "href": "https://fa.example.com/ess/rest/scheduler/v1/requests/300000012345680"}]}),
            ),
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
            path: "/requests/42".into(),
            query: vec![("fields", "@full"), ("links", "cancel")],
            request: None,
            statuses: &[200, 400, 403, 404, 500],
            success: Success::json("application/vnd.oracle.resource+json;type=singular", request_details()),
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
            path: "/requests/42".into(),
            query: vec![],
            request: Some(
                json!({"requestParameters": [{"name": "submit.argument1", "paramType": "INTEGER", "value": "7"}]}),
            ),
            statuses: &[200, 400, 403, 404, 409, 500],
            success: Success::json("application/vnd.oracle.resource+json", action_reply("cancel")),
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
            path: "/requests/42".into(),
            query: vec![],
            request: None,
            statuses: &[204, 400, 403, 404, 409, 500],
            success: Success::empty(),
            call: |c| Box::pin(async move { typed(c.delete_request().request_id(42).send().await) }),
        },
        Operation {
            id: "cancelRequest",
            method: "POST",
            path: "/requests/42/cancel".into(),
            query: vec![],
            request: None,
            statuses: ACTION_STATUSES,
            success: Success::json("application/vnd.oracle.resource+json", action_reply("forceCancel")),
            call: |c| Box::pin(async move { typed(c.cancel_request().request_id(42).send().await) }),
        },
        Operation {
            id: "forceCancelRequest",
            method: "POST",
            path: "/requests/42/forceCancel".into(),
            query: vec![],
            request: None,
            statuses: ACTION_STATUSES,
            success: Success::json("application/json", action_reply("permissions")),
            call: |c| Box::pin(async move { typed(c.force_cancel_request().request_id(42).send().await) }),
        },
        Operation {
            id: "holdRequest",
            method: "POST",
            path: "/requests/42/hold".into(),
            query: vec![],
            request: None,
            statuses: ACTION_STATUSES,
            success: Success::json("application/vnd.oracle.resource+json", action_reply("release")),
            call: |c| Box::pin(async move { typed(c.hold_request().request_id(42).send().await) }),
        },
        Operation {
            id: "releaseRequest",
            method: "POST",
            path: "/requests/42/release".into(),
            query: vec![],
            request: None,
            statuses: ACTION_STATUSES,
            success: Success::json("application/vnd.oracle.resource+json", action_reply("hold")),
            call: |c| Box::pin(async move { typed(c.release_request().request_id(42).send().await) }),
        },
        Operation {
            id: "getRequestPermissions",
            method: "GET",
            path: "/requests/42/permissions".into(),
            query: vec![],
            request: None,
            statuses: &[200, 400, 403, 404, 500],
            success: Success::json(
                "application/json;charset=utf-8",
                json!({"canCancel": true, "canHold": false, "user": "scheduler.user"}),
            ),
            call: |c| Box::pin(async move { typed(c.get_request_permissions().request_id(42).send().await) }),
        },
        Operation {
            id: "subscribeRequest",
            method: "POST",
            path: "/requests/42/subscribe".into(),
            query: vec![],
            request: Some(callback()),
            statuses: &[200, 400, 403, 404, 409, 500],
            success: Success::json("application/vnd.oracle.resource+json", action_reply("subscribe")),
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
            path: "/requests/42/subscribe".into(),
            query: vec![],
            request: None,
            statuses: &[204, 400, 403, 404, 409, 500],
            success: Success::empty(),
            call: |c| Box::pin(async move { typed(c.unsubscribe_request().request_id(42).send().await) }),
        },
        Operation {
            id: "updateExecutionStatus",
            method: "POST",
            path: "/requests/42/executionStatus".into(),
            query: vec![],
            request: Some(
                json!({"requestHandle": "handle-7f3a", "status": "ERROR", "statusMessage": "remote job failed: disk full"}),
            ),
            statuses: &[200, 400, 403, 404, 500],
            success: Success::json("application/vnd.oracle.resource+json", action_reply("executionStatus")),
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
            path: "/requests/42/checkInCancelling".into(),
            query: vec![],
            request: Some(json!({"requestExecutionContext": "42:handle-7f3a"})),
            statuses: &[200, 400, 403, 404, 500],
            success: Success::json("application/json;charset=utf-8", json!(true)),
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
            path: "/requests/search/3".into(),
            query: vec![
                ("excludeFields", "requestParameters"),
                ("q", "application eq \"EarHcmEss\""),
            ],
            request: None,
            statuses: &[200, 400, 403, 500],
            success: Success::json("application/vnd.oracle.resource+json;type=collection", query_reply()),
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
            path: "/query/EarHcmEss/requests".into(),
            query: vec![("orderBy", "processStartTime:asc"), ("pageIndex", "2")],
            request: None,
            statuses: &[200, 400, 403, 500],
            success: Success::json("application/json;charset=utf-8", query_reply()),
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
            path: "/requests/submitArgs".into(),
            query: vec![],
            request: Some(json!({
                "application": "EarHcmEss",
                "arguments": ["ALL", "2024-10-15"],
                "requestParameters": [{"name": "step1.submit.argument1", "paramType": "STRING", "value": "ALL", "scope": "step1"}]
            })),
            statuses: &[201, 400, 403, 500],
            success: Success::json(
                "application/vnd.oracle.resource+json",
                json!({
                    "application": "EarHcmEss",
                    "arguments": ["ALL", "2024-10-15"],
                    "requestParameters": [{"name": "step1.submit.argument1", "paramType": "STRING", "value": "ALL", "scope": "step1"}]
                }),
            ),
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
            path: "/server/quiesceState".into(),
            query: vec![("clusterName", "ess_cluster"), ("serverName", "ess_server1")],
            request: None,
            statuses: &[200, 400, 403, 404, 500],
            success: Success::json("application/json;charset=utf-8", json!({"ess_server1": "NOT_QUIESCED"})),
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

fn client(server_uri: &str) -> Result<Client, Failed> {
    contract_client::<Ess>(server_uri)
}

/// `GET /requests/42` through the client, decoded.
async fn request_42(server_uri: &str) -> Result<types::RequestDetails, Failed> {
    let reply = client(server_uri)?.get_request().request_id(42).send().await;
    Ok(reply.map_err(|e| e.to_string())?.into_inner())
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

/// Replies no spec lists: a proxy's HTML page, an empty 404, an unknown state, a bearer token.
fn extra_trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "ess::unreadable_200s_keep_status_operation_headers_and_raw_body",
            || {
                block_on(async {
                    // get_request decodes its large reply in place, query_requests through serde's derive: the same
                    // error either way.
                    for (body, problem, operations) in [
                        (
                            r#"{"requestId": 42, "state": "RUNN"#,
                            "the body is not JSON: ",
                            &["get_request", "query_requests"][..],
                        ),
                        (
                            r#"{"requestId": "forty-two"}"#,
                            "the body does not match the documented schema: ",
                            &["get_request"][..],
                        ),
                        (
                            r#"{"items": 7}"#,
                            "the body does not match the documented schema: ",
                            &["query_requests"][..],
                        ),
                    ] {
                        let reply = ResponseTemplate::new(200)
                            .insert_header("x-oracle-dms-ecid", "ecid-200-unreadable")
                            .set_body_raw(body, "application/json");
                        let server = serve(reply).await;
                        let client = client(&server.uri())?;
                        let errors = [
                            (
                                "get_request",
                                client.get_request().request_id(42).send().await.map(drop),
                            ),
                            ("query_requests", client.query_requests().send().await.map(drop)),
                        ]
                        .into_iter()
                        .filter(|(operation, _)| operations.contains(operation));
                        for (operation, result) in errors {
                            let error = result
                                .err()
                                .ok_or_else(|| format!("{operation} read {body} as a reply"))?;
                            let Error::InvalidBody(api) = &error else {
                                return Err(format!("{operation}: expected InvalidBody, got {error:?}").into());
                            };
                            ensure(
                                api.status().as_u16() == 200
                                    && api.operation() == operation
                                    && api.body().as_ref() == body.as_bytes()
                                    && api.request_id() == Some("ecid-200-unreadable")
                                    && api.body_error().is_some_and(|p| p.starts_with(problem)),
                                || format!("{operation}, {body}: {api:?}"),
                            )?;
                        }
                    }
                    Ok(())
                })
            },
        ),
        Trial::test("ess::missing_or_unconvertible_arguments_are_refused_unsent", || {
            block_on(async {
                let server = serve(json_reply(200, "application/json", &request_details())).await;
                let client = client(&server.uri())?;
                let refused = |result: Result<_, Error>, expected: &str| match result {
                    Err(Error::InvalidRequest(message)) => ensure(message.starts_with(expected), || message),
                    other => Err(format!("expected `invalid request: {expected}`, got {other:?}").into()),
                };
                refused(
                    client.get_request().send().await.map(|_| ()),
                    "request_id was not initialized",
                )?;
                refused(
                    client.get_request().request_id(u64::MAX).send().await.map(|_| ()),
                    "conversion to `i64` for request_id failed",
                )?;
                // A body missing its required jobDefinitionId, given whole or built in place: the message carries
                // the conversion's own error.
                refused(
                    client
                        .submit_request()
                        .body(types::builder::SubmitRequest::default())
                        .send()
                        .await
                        .map(|_| ()),
                    "conversion to `SubmitRequest` for body failed: no value supplied for job_definition_id",
                )?;
                refused(
                    client
                        .submit_request()
                        .body_map(|body| body.application(Some("EarHcmEss".to_owned())))
                        .send()
                        .await
                        .map(|_| ()),
                    "no value supplied for job_definition_id",
                )?;
                let sent = received(&server).await;
                ensure(sent.is_empty(), || format!("refused calls were sent: {sent:?}"))
            })
        }),
        Trial::test("ess::proxy_502_html_keeps_status_and_body", || {
            block_on(async {
                let page = "<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>";
                let server = serve(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;
                let error = client(&server.uri())?
                    .get_request()
                    .request_id(7)
                    .send()
                    .await
                    .err()
                    .ok_or("502 gave Ok")?;
                ensure(error.status().map(|s| s.as_u16()) == Some(502), || format!("{error:?}"))?;
                ensure(error.ess_error_document().is_none(), || {
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
                let error = client(&server.uri())?
                    .delete_request()
                    .request_id(9)
                    .send()
                    .await
                    .err()
                    .ok_or("404 gave Ok")?;
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
                let error = client(&server.uri())?
                    .hold_request()
                    .request_id(1)
                    .send()
                    .await
                    .err()
                    .ok_or("418 gave Ok")?;
                let detail = error.ess_error_document().ok_or("no detail")?;
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
                let job = request_42(&server.uri()).await?;
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
                let job = request_42(&server.uri()).await?;
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
        Trial::test("ess::latin1_bytes_read_as_replacement_characters", || {
            block_on(async {
                // A server writing Latin-1 into a description: the reply is read, the byte as U+FFFD.
                let text = serde_json::to_string(&request_details()).map_err(|e| e.to_string())?;
                let mut body = text.replacen('{', "{\"jobDescription\":\"Caf\u{1}\",", 1).into_bytes();
                let at = body.iter().position(|b| *b == 1).ok_or("marker")?;
                body[at] = 0xe9;
                let server = serve(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
                let job = request_42(&server.uri()).await?;
                ensure(job.job_description.as_deref() == Some("Caf\u{fffd}"), || {
                    format!("{:?}", job.job_description)
                })?;
                ensure(job.request_id.is_some() && job.state.is_some(), || {
                    "the rest of the reply was lost".into()
                })
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

/// The real Fusion search page, verbatim.
const FUSION_SEARCH_PAGE: &str = include_str!("../fixtures/ess/real/ess-search-page-fusion.json");

/// Checks what a caller reads of the real Fusion page.
fn check_fusion_page(page: &types::RequestQueryResponse) -> Result<(), Failed> {
    use types::LinkRelation;
    ensure(page.page_index == Some(1), || {
        format!("pageIndex {:?}", page.page_index)
    })?;
    ensure(page.count == Some(200), || format!("count {:?}", page.count))?;
    let page_links = page.links.as_deref().unwrap_or_default();
    ensure(
        page_links.len() == 1 && page_links[0].rel == Some(LinkRelation::SelfValue),
        || format!("page links {page_links:?}"),
    )?;
    let items = page.items.as_deref().unwrap_or_default();
    ensure(items.len() == 2, || format!("{} items", items.len()))?;
    for item in items {
        let rels: Vec<LinkRelation> = item.links.iter().flatten().filter_map(|l| l.rel.clone()).collect();
        for rel in [
            LinkRelation::SelfValue,
            LinkRelation::Cancel,
            LinkRelation::ForceCancel,
            LinkRelation::ExecutionStatus,
            LinkRelation::AbsParentRequest,
            LinkRelation::ParentRequest,
            LinkRelation::InstanceParent,
        ] {
            ensure(rels.contains(&rel), || format!("{rel:?} not among {rels:?}"))?;
        }
        ensure(item.state.is_some() && item.request_id.is_some(), || {
            format!("{item:?}")
        })?;
    }
    let without_type = items
        .iter()
        .flat_map(|item| item.request_parameters.iter().flatten())
        .filter(|parameter| parameter.param_type.is_none())
        .count();
    ensure(without_type > 0, || {
        "no parameter without paramType in the real page".into()
    })
}

/// The replies real Oracle servers sent, through the calls that receive them.
fn real_reply_trials() -> Vec<Trial> {
    vec![
        Trial::test("ess::real::fusion_search_page_through_search_requests", || {
            block_on(async {
                let reply = json_reply_text(FUSION_SEARCH_PAGE);
                let server = serve(reply).await;
                let page = client(&server.uri())?
                    .search_requests()
                    .page_index(1)
                    .q("state eq \"WAIT\"")
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_inner();
                let sent = received(&server).await;
                ensure(sent[0].path == format!("{PREFIX}/requests/search/1"), || {
                    format!("{:?}", sent[0].path)
                })?;
                check_fusion_page(&page)
            })
        }),
        Trial::test("ess::real::fusion_search_page_through_query_requests", || {
            block_on(async {
                let server = serve(json_reply_text(FUSION_SEARCH_PAGE)).await;
                let page = client(&server.uri())?
                    .query_requests()
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_inner();
                check_fusion_page(&page)
            })
        }),
        Trial::test("ess::real::explicit_nulls_read_as_absent", || {
            block_on(async {
                let body = json!({
                    "count": null, "pageIndex": null, "links": null,
                    "items": [{"requestId": 5, "state": null, "requestParameters": null, "links": null,
                               "cause": null, "isCancellable": null, "submissionTime": null}]
                });
                let server = serve(json_reply(200, "application/json", &body)).await;
                let page = client(&server.uri())?
                    .query_requests()
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_inner();
                let items = page.items.unwrap_or_default();
                ensure(items.len() == 1 && items[0].request_id == Some(5), || {
                    format!("{items:?}")
                })?;
                ensure(
                    items[0].request_parameters.is_none() && items[0].state.is_none(),
                    || format!("{items:?}"),
                )?;
                let job = client(&server.uri())?.get_request().request_id(5).send().await;
                ensure(job.is_ok(), || format!("{job:?}"))
            })
        }),
    ]
}

/// A `200` carrying `text` verbatim as Oracle's collection media type.
fn json_reply_text(text: &'static str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(text, "application/vnd.oracle.resource+json;type=collection")
}

fn main() {
    let mut extra = extra_trials();
    extra.extend(real_reply_trials());
    contract_tests::run(harness::suite(operations, extra))
}
