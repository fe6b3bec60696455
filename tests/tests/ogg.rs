//! Contract tests of `sdk-ogg` against a mock GoldenGate service: every (operation, documented status) pair of
//! `specs/ogg.yaml`, plus the replies GoldenGate and the proxies in front of it send that the spec does not list.
//!
//! Each case checks the request the client sends (method, path under a reverse-proxy prefix, `Authorization`,
//! `Accept`, `X-ID-TENANT-NAME`, no body, no `api-version`) and what the caller gets back: the typed success body,
//! or an error carrying the status, GoldenGate's `ERROR` messages with their `OGG-nnnnn` codes, and the raw body.
//! Success bodies are the files of `tests/fixtures/ogg/` (see its README for which are Oracle's, verbatim).

use std::collections::BTreeSet;
use std::time::Duration;

use contract_tests::{Received, block_on, coverage_trial, ensure, json_reply, received, run, serve};
use futures::future::BoxFuture;
use libtest_mimic::{Failed, Trial};
use sdk_ogg::types::{self, ApiVersion, LinkRelation, MessageSeverity, RequestProgress};
use sdk_ogg::wait::{Outcome, WaitPolicy};
use sdk_ogg::{BodyError, Client, Envelope, Error, OggErrorExt, RetryPolicy};
use serde_json::{Map, Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A reverse proxy's path prefix: the client must keep it (the base URL is taken whole).
const PREFIX: &str = "/east/adminsrvr";
/// `Basic base64("oggadmin:s3cret-Pa55")`.
const BASIC: &str = "Basic b2dnYWRtaW46czNjcmV0LVBhNTU=";
const TENANT: &str = "ExampleIdentityDomain";

/// Oracle's example of "Retrieve Request Status" (19c, Japanese edition; the seed), verbatim.
const SEED_STATUS: &str = include_str!("../fixtures/ogg/oracle-19c-ja-request-status.json");
const LIST: &str = include_str!("../fixtures/ogg/constructed-list-requests.json");
/// A result whose body is a whole standard response (of `GET /services/v2/requests`).
const RESULT_LIST: &str = include_str!("../fixtures/ogg/constructed-request-result-list.json");
const RESULT_TEXT: &str = include_str!("../fixtures/ogg/constructed-request-result-text.json");
const RESULT_FAILED: &str = include_str!("../fixtures/ogg/constructed-request-result-failed.json");
const PROXY_401: &str = include_str!("../fixtures/ogg/constructed-proxy-401.html");

/// Every status of Oracle's general GoldenGate Status Codes page, which the spec lists on every operation.
const STATUSES: &[u16] = &[200, 201, 202, 400, 401, 403, 404, 405, 406, 409, 415, 500, 503];

type Call = fn(Client) -> BoxFuture<'static, Result<Value, Error>>;

/// One operation of the spec and how the client is expected to call it.
struct Operation {
    id: &'static str,
    /// The path under the base URL.
    path: &'static str,
    statuses: &'static [u16],
    /// The success body served, verbatim, and expected back from the typed result.
    reply: &'static str,
    /// Whether the call sets `X-ID-TENANT-NAME` (to [`TENANT`]).
    tenant: bool,
    call: Call,
}

/// The typed success body, serialised back, so a test can compare it with what the server sent.
fn typed<T: serde::Serialize>(
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<()>>,
) -> Result<Value, Error> {
    let value = result?.into_inner();
    Ok(serde_json::to_value(value).unwrap_or(Value::Null))
}

fn operations() -> Vec<Operation> {
    vec![
        Operation {
            id: "listRequests",
            path: "/services/v2/requests",
            statuses: STATUSES,
            reply: LIST,
            tenant: false,
            call: |c| Box::pin(async move { typed(c.list_requests().version(ApiVersion::V2).send().await) }),
        },
        Operation {
            id: "getRequest",
            path: "/services/v2/requests/425988415",
            statuses: STATUSES,
            reply: SEED_STATUS,
            tenant: true,
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.get_request()
                            .version("v2")
                            .request(425988415)
                            .x_id_tenant_name(TENANT)
                            .send()
                            .await,
                    )
                })
            },
        },
        Operation {
            id: "getRequestResult",
            path: "/services/v2/requests/425988401/result",
            statuses: STATUSES,
            reply: RESULT_LIST,
            tenant: false,
            call: |c| {
                Box::pin(async move {
                    typed(
                        c.get_request_result()
                            .version(ApiVersion::V2)
                            .request(425988401)
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
        .basic_auth("oggadmin", "s3cret-Pa55")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .map_err(|e| Failed::from(e.to_string()))
}

/// A GoldenGate error reply: the standard envelope with an INFO message and two ERROR messages.
fn error_body(status: u16) -> Value {
    let message = |code: String, severity: &str, title: String| {
        json!({
            "$schema": "ogg:message",
            "code": code,
            "issued": "2019-03-15T14:40:42.626+00:00",
            "severity": severity,
            "title": title,
            "type": format!("http://docs.oracle.com/goldengate/c1810/gg-winux/GMESG/oggus.htm#{code}")
        })
    };
    json!({
        "$schema": "api:standardResponse",
        "links": [{"href": "http://localhost:11001/services/v2/requests", "mediaType": "application/json", "rel": "canonical"}],
        "messages": [
            message("OGG-08100".into(), "INFO", "Request received.".into()),
            message(format!("OGG-{status:05}"), "ERROR", format!("GoldenGate says {status}")),
            message("OGG-12029".into(), "ERROR", "The item with name '425988415' does not exist.".into()),
        ]
    })
}

/// JSON as the typed values see it: members that are null or empty collections dropped, numbers as floats (the
/// generated types skip empty lists on output and `requestStatus` is a number).
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !is_empty(v))
                .map(|(k, v)| (k.clone(), canonical(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Number(n) => n.as_f64().map_or_else(|| value.clone(), |f| json!(f)),
        other => other.clone(),
    }
}

fn is_empty(value: &Value) -> bool {
    value.is_null() || value.as_array().is_some_and(Vec::is_empty) || value.as_object().is_some_and(Map::is_empty)
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Failed> {
    serde_json::from_str(text).map_err(|e| Failed::from(format!("{}: {e}", std::any::type_name::<T>())))
}

fn check_request(op: &Operation, sent: &Received) -> Result<(), Failed> {
    let expected_path = format!("{PREFIX}{}", op.path);
    ensure(sent.method == "GET", || format!("method {}", sent.method))?;
    ensure(sent.path == expected_path, || {
        format!("path {} != {expected_path}", sent.path)
    })?;
    ensure(sent.query.is_empty(), || format!("query {:?}", sent.query))?;
    ensure(sent.header("accept") == Some("application/json"), || {
        format!("accept {:?}", sent.header("accept"))
    })?;
    let tenant = op.tenant.then_some(TENANT);
    ensure(sent.header("x-id-tenant-name") == tenant, || {
        format!("X-ID-TENANT-NAME {:?} != {tenant:?}", sent.header("x-id-tenant-name"))
    })?;
    sent.check_auth_and_body(BASIC, None)
}

async fn run_case(op: &Operation, status: u16, trailing_slash: bool) -> Result<(), Failed> {
    let success = (200..300).contains(&status);
    let reply = if success {
        ResponseTemplate::new(status).set_body_raw(op.reply, "application/json")
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
            let served = canonical(&parse::<Value>(op.reply)?);
            let got = canonical(&value);
            ensure(got == served, || format!("typed body {got} != served {served}"))
        }
        Ok(value) => Err(format!("status {status} gave Ok({value})").into()),
        Err(error) if !success => check_error(op, status, &error),
        Err(error) => Err(format!("status {status} gave {error}").into()),
    }
}

fn check_error(op: &Operation, status: u16, error: &Error) -> Result<(), Failed> {
    ensure(error.status().map(|s| s.as_u16()) == Some(status), || {
        format!("status of {error:?}")
    })?;
    let code = format!("OGG-{status:05}");
    let service_error = error.service_error().ok_or("no GoldenGate error in the error value")?;
    ensure(service_error.code.as_deref() == Some(code.as_str()), || {
        format!("{service_error:?}")
    })?;
    ensure(
        service_error.message.as_deref() == Some(format!("GoldenGate says {status}").as_str()),
        || format!("{service_error:?}"),
    )?;
    ensure(
        service_error.details == ["OGG-12029: The item with name '425988415' does not exist."],
        || format!("the INFO message or the second error is misplaced: {service_error:?}"),
    )?;
    let messages = error.ogg_messages();
    ensure(messages.len() == 3, || format!("{messages:?}"))?;
    ensure(messages[0].severity == Some(MessageSeverity::Info), || {
        format!("{messages:?}")
    })?;
    ensure(error.standard_response().is_some(), || "no standard response".into())?;
    let shown = error.to_string();
    let expected_start = format!("OGG {status} {code}: GoldenGate says {status} (");
    ensure(shown.starts_with(&expected_start), || format!("Display {shown:?}"))?;
    ensure(shown.contains(&format!("GET {PREFIX}{}", op.path)), || {
        format!("Display {shown:?}")
    })?;
    ensure(!shown.contains("s3cret"), || "the password leaked into Display".into())?;
    ensure(!format!("{error:?}").contains("s3cret"), || {
        "the password leaked into Debug".into()
    })
}

async fn get_status(server: &MockServer, id: i64) -> Result<types::RequestStatusResponse, Failed> {
    Ok(client(&server.uri(), false)?
        .get_request()
        .version(ApiVersion::V2)
        .request(id)
        .send()
        .await
        .map_err(|e| Error::from(e).to_string())?
        .into_inner())
}

async fn get_result(server: &MockServer, id: i64) -> Result<types::RequestResultResponse, Failed> {
    Ok(client(&server.uri(), false)?
        .get_request_result()
        .version(ApiVersion::V2)
        .request(id)
        .send()
        .await
        .map_err(|e| Error::from(e).to_string())?
        .into_inner())
}

async fn get_status_error(reply: ResponseTemplate) -> Result<Error, Failed> {
    let server = serve(reply).await;
    let outcome = client(&server.uri(), false)?
        .get_request()
        .version(ApiVersion::V2)
        .request(7)
        .send()
        .await;
    Ok(Error::from(outcome.err().ok_or("an error status gave Ok")?))
}

fn instant(timestamp: Option<&sdk_ogg::Timestamp>) -> Option<String> {
    timestamp
        .and_then(sdk_ogg::Timestamp::to_datetime)
        .map(|d| d.to_rfc3339())
}

/// A server whose request 425988401 answers with each of `running` once, then with `last` for good; its result
/// is the result fixture whose body is a whole standard response.
async fn progress_server(running: &[&str], last: &str) -> Result<MockServer, Failed> {
    let server = MockServer::start().await;
    let status_path = format!("{PREFIX}/services/v2/requests/425988401");
    for progress in running {
        let mut body = parse::<Value>(SEED_STATUS)?;
        body["response"] = json!({"$schema": "ogg:request", "completed": false, "progress": progress,
            "startTime": "2019-03-15T14:40:42.625+00:00"});
        Mock::given(method("GET"))
            .and(path(status_path.as_str()))
            .respond_with(json_reply(200, "application/json", &body))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(status_path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(last.to_owned(), "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{status_path}/result")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(RESULT_LIST, "application/json"))
        .mount(&server)
        .await;
    Ok(server)
}

/// Polls every few milliseconds, for at most ten seconds: the waiter tests run on the real clock.
fn fast_polling() -> WaitPolicy {
    WaitPolicy::default()
        .initial_delay(Duration::from_millis(5))
        .growth(1.0)
        .jitter(false)
        .max_wait(Duration::from_secs(10))
}

/// The seed, Oracle's other shapes, and the replies no spec lists.
fn extra_trials() -> Vec<Trial> {
    vec![
        Trial::test("ogg::seed_example_verbatim_gives_id_progress_and_times", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(SEED_STATUS, "application/json")).await;
                let status = get_status(&server, 425988415).await?;
                ensure(status.request_id() == Some(425988415), || {
                    format!("id from the links: {:?}", status.request_id())
                })?;
                let result_link = status.link(&LinkRelation::Related).ok_or("no related link")?;
                ensure(
                    result_link.href == "http://localhost:11001/services/v2/requests/425988415/result",
                    || result_link.href.clone(),
                )?;
                ensure(status.messages.is_empty() && status.service_error().is_none(), || {
                    format!("{:?}", status.messages)
                })?;
                let request = status.response.as_ref().ok_or("no ogg:request")?;
                ensure(request.progress == RequestProgress::Succeeded, || {
                    format!("{:?}", request.progress)
                })?;
                ensure(
                    request.progress.is_terminal() && request.is_finished() && request.completed == Some(true),
                    || format!("{request:?}"),
                )?;
                ensure(request.request_status_code() == Some(200), || {
                    format!("{:?}", request.request_status)
                })?;
                ensure(
                    request.start_time.as_ref().map(|t| t.as_str()) == Some("2019-03-15T14:40:42.625+00:00"),
                    || format!("{:?}", request.start_time),
                )?;
                ensure(
                    instant(request.end_time.as_ref()).as_deref() == Some("2019-03-15T14:40:42.626+00:00"),
                    || format!("{:?}", request.end_time),
                )
            })
        }),
        Trial::test("ogg::oracle_examples_parse_with_the_types", || {
            // The seed as a file, and as the `example` the spec carries.
            parse::<types::RequestStatusResponse>(SEED_STATUS)?;
            let spec = contract_tests::load_spec("ogg.yaml");
            let example = spec
                .pointer("/components/schemas/RequestStatusResponse/example")
                .ok_or("the spec lost the seed example")?;
            ensure(example == &parse::<Value>(SEED_STATUS)?, || {
                "the spec's example differs from the seed".into()
            })?;
            let typed: types::RequestStatusResponse =
                serde_json::from_value(example.clone()).map_err(|e| e.to_string())?;
            ensure(typed.request_id() == Some(425988415), || format!("{typed:?}"))?;
            // The generic envelope reads every reply, whatever its `response`.
            for body in [SEED_STATUS, LIST, RESULT_LIST, RESULT_TEXT, RESULT_FAILED] {
                parse::<types::StandardResponse>(body)?;
            }
            Ok(())
        }),
        Trial::test("ogg::list_gives_the_request_ids", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(LIST, "application/json")).await;
                let list = client(&server.uri(), false)?
                    .list_requests()
                    .version(ApiVersion::V2)
                    .send()
                    .await
                    .map_err(|e| Error::from(e).to_string())?
                    .into_inner();
                ensure(list.request_ids() == [425988401, 425988415], || {
                    format!("{:?}", list.request_ids())
                })?;
                // The list is about no single request.
                ensure(list.request_id().is_none(), || format!("{:?}", list.request_id()))
            })
        }),
        Trial::test("ogg::result_body_is_a_whole_standard_response", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(RESULT_LIST, "application/json")).await;
                let reply = get_result(&server, 425988401).await?;
                ensure(reply.request_id() == Some(425988401), || {
                    format!("{:?}", reply.request_id())
                })?;
                let result = reply.result().map_err(|e| e.to_string())?;
                ensure(result.status_code() == Some(200), || format!("{:?}", result.status))?;
                ensure(result.header("content-type") == Some("application/json"), || {
                    format!("{:?}", result.headers)
                })?;
                let original: types::RequestListResponse = reply.decode_body().map_err(|e| e.to_string())?;
                ensure(original.request_ids() == [425988400], || {
                    format!("{:?}", original.request_ids())
                })?;
                let envelope: types::StandardResponse = reply.decode_body().map_err(|e| e.to_string())?;
                ensure(
                    envelope.link(&LinkRelation::SelfValue).map(|l| l.href.as_str())
                        == Some("http://localhost:11001/services/v2/requests"),
                    || format!("{:?}", envelope.links),
                )?;
                // Asking for another shape is a clear error naming the type, not a panic.
                match reply.decode_body::<types::Request>() {
                    Err(error @ BodyError::Shape { .. }) => {
                        let shown = error.to_string();
                        ensure(shown.contains("types::Request") && shown.contains("progress"), || {
                            shown.clone()
                        })
                    }
                    other => Err(format!("{other:?}").into()),
                }
            })
        }),
        Trial::test("ogg::result_string_body_is_a_clear_error", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(RESULT_TEXT, "application/json")).await;
                let reply = get_result(&server, 425988381).await?;
                let result = reply.result().map_err(|e| e.to_string())?;
                ensure(result.body_text().is_some_and(|t| t.contains("OGG-00987")), || {
                    format!("{:?}", result.body)
                })?;
                match reply.decode_body::<types::StandardResponse>() {
                    Err(error @ BodyError::Text { .. }) => {
                        let shown = error.to_string();
                        ensure(
                            shown.contains("is a string of 115 characters")
                                && shown.contains("sdk_ogg::types::StandardResponse"),
                            || shown.clone(),
                        )
                    }
                    other => Err(format!("{other:?}").into()),
                }
            })
        }),
        Trial::test("ogg::result_of_a_failed_call_keeps_its_status_and_errors", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(RESULT_FAILED, "application/json")).await;
                let reply = get_result(&server, 425988390).await?;
                let result = reply.result().map_err(|e| e.to_string())?;
                ensure(result.status_code() == Some(404), || format!("{:?}", result.status))?;
                let error = result.service_error().ok_or("no error in the original reply")?;
                ensure(error.code.as_deref() == Some("OGG-12029"), || format!("{error:?}"))?;
                let original: types::StandardResponse = reply.decode_body().map_err(|e| e.to_string())?;
                ensure(original.error_messages().count() == 1, || format!("{original:?}"))
            })
        }),
        Trial::test("ogg::proxy_401_html_keeps_status_and_body", || {
            block_on(async {
                let error = get_status_error(ResponseTemplate::new(401).set_body_raw(PROXY_401, "text/html")).await?;
                ensure(error.status().map(|s| s.as_u16()) == Some(401), || format!("{error:?}"))?;
                ensure(error.service_error().is_none(), || {
                    "HTML read as a GoldenGate error".into()
                })?;
                ensure(
                    error.standard_response().is_none() && error.ogg_messages().is_empty(),
                    || "HTML read as an envelope".into(),
                )?;
                ensure(error.body().map(|b| b.as_ref()) == Some(PROXY_401.as_bytes()), || {
                    "raw body lost".into()
                })?;
                let shown = error.to_string();
                ensure(shown.starts_with("OGG 401 Unauthorized: <!DOCTYPE HTML"), || {
                    shown.clone()
                })?;
                ensure(
                    shown.contains(&format!("get_request GET {PREFIX}/services/v2/requests/7")),
                    || shown.clone(),
                )?;
                ensure(
                    !shown.contains("s3cret") && !format!("{error:?}").contains("s3cret"),
                    || "the password leaked".into(),
                )
            })
        }),
        Trial::test("ogg::empty_403_keeps_status", || {
            block_on(async {
                let error = get_status_error(ResponseTemplate::new(403)).await?;
                ensure(error.status().map(|s| s.as_u16()) == Some(403), || format!("{error:?}"))?;
                ensure(error.service_error().is_none(), || format!("{error:?}"))?;
                ensure(error.to_string().starts_with("OGG 403 Forbidden (empty body)"), || {
                    error.to_string()
                })
            })
        }),
        Trial::test("ogg::warnings_alone_are_not_an_error", || {
            block_on(async {
                let body = json!({"links": [], "messages": [
                    {"code": "OGG-08100", "severity": "WARNING", "title": "Only a warning."}
                ]});
                let error = get_status_error(json_reply(500, "application/json", &body)).await?;
                ensure(error.service_error().is_none(), || format!("{error:?}"))?;
                ensure(error.ogg_messages().len() == 1, || {
                    format!("{:?}", error.ogg_messages())
                })
            })
        }),
        Trial::test("ogg::unknown_rel_progress_and_severity_parse_and_round_trip", || {
            block_on(async {
                let mut body = parse::<Value>(SEED_STATUS)?;
                body["links"][0]["rel"] = json!("ogg://future-relation");
                body["links"][1]["rel"] = json!("ogg://service");
                body["response"]["progress"] = json!("suspended");
                body["response"]["completed"] = json!(false);
                body["response"]["fieldFromTheFuture"] = json!({"nested": [1, 2]});
                body["messages"] = json!([{"code": "OGG-99999", "severity": "FATAL", "title": "new severity"}]);
                let server = serve(json_reply(200, "application/json", &body)).await;
                let status = get_status(&server, 425988415).await?;
                ensure(
                    status.links[0].rel == LinkRelation::Unknown("ogg://future-relation".into())
                        && status.links[1].rel == LinkRelation::OggService,
                    || format!("{:?}", status.links),
                )?;
                let request = status.response.as_ref().ok_or("no ogg:request")?;
                ensure(request.progress == RequestProgress::Unknown("suspended".into()), || {
                    format!("{:?}", request.progress)
                })?;
                ensure(!request.progress.is_terminal() && !request.is_finished(), || {
                    "an unknown progress is not terminal".into()
                })?;
                ensure(status.request_id() == Some(425988415), || {
                    format!("{:?}", status.request_id())
                })?;
                let back = serde_json::to_value(&status).map_err(|e| e.to_string())?;
                ensure(
                    back["links"][0]["rel"] == json!("ogg://future-relation")
                        && back["response"]["progress"] == json!("suspended")
                        && back["messages"][0]["severity"] == json!("FATAL"),
                    || back.to_string(),
                )
            })
        }),
        Trial::test("ogg::timestamps_in_every_form_oracle_allows_parse", || {
            block_on(async {
                // Oracle's pattern: `T`, `t` or a space; `Z`, `z` or `±hh:mm`; up to six fractional digits; second 60.
                let cases = [
                    ("2019-03-15 14:40:42.626+00:00", Some("2019-03-15T14:40:42.626+00:00")),
                    ("2019-03-15t14:40:42z", Some("2019-03-15T14:40:42+00:00")),
                    ("2019-03-15T14:40:42.123456Z", Some("2019-03-15T14:40:42.123456+00:00")),
                    ("2016-12-31T23:59:60Z", Some("2016-12-31T23:59:60+00:00")),
                    ("2019-03-15 16:10:60.5+01:30", Some("2019-03-15T14:40:60.500+00:00")),
                    ("not a time at all", None),
                ];
                for (raw, expected) in cases {
                    let mut body = parse::<Value>(SEED_STATUS)?;
                    body["response"]["startTime"] = json!(raw);
                    body["response"]["endTime"] = json!(raw);
                    body["messages"] = json!([{"code": "OGG-08100", "severity": "INFO", "issued": raw, "title": "t"}]);
                    let server = serve(json_reply(200, "application/json", &body)).await;
                    let status = get_status(&server, 425988415).await?;
                    let request = status.response.as_ref().ok_or("no ogg:request")?;
                    for timestamp in [
                        request.start_time.as_ref(),
                        request.end_time.as_ref(),
                        status.messages[0].issued.as_ref(),
                    ] {
                        ensure(timestamp.map(|t| t.as_str()) == Some(raw), || {
                            format!("raw text of {raw:?} lost: {timestamp:?}")
                        })?;
                        ensure(instant(timestamp).as_deref() == expected, || {
                            format!("{raw:?} read as {:?}", instant(timestamp))
                        })?;
                    }
                }
                Ok(())
            })
        }),
        Trial::test("ogg::request_status_as_a_float_is_read", || {
            let mut body = parse::<Value>(SEED_STATUS)?;
            body["response"]["requestStatus"] = json!(409.0);
            let status: types::RequestStatusResponse = serde_json::from_value(body).map_err(|e| e.to_string())?;
            let code = status.response.and_then(|r| r.request_status_code());
            ensure(code == Some(409), || format!("{code:?}"))
        }),
        Trial::test("ogg::poll_by_hand_until_terminal_then_read_the_result", || {
            block_on(async {
                let server = progress_server(&["pending", "processing"], SEED_STATUS).await?;
                let mut polls = 0;
                let finished = loop {
                    polls += 1;
                    let status = get_status(&server, 425988401).await?;
                    if let Some(request) = status.response.filter(types::Request::is_finished) {
                        break request;
                    }
                    ensure(polls < 10, || "never finished".into())?;
                };
                ensure(polls == 3 && finished.progress.is_succeeded(), || {
                    format!("{polls} polls, {:?}", finished.progress)
                })?;
                let original: types::RequestListResponse = get_result(&server, 425988401)
                    .await?
                    .decode_body()
                    .map_err(|e| e.to_string())?;
                ensure(original.request_ids() == [425988400], || {
                    format!("{:?}", original.request_ids())
                })
            })
        }),
        Trial::test("ogg::waiter_polls_until_succeeded", || {
            block_on(async {
                let server = progress_server(&["pending", "paused", "processing"], SEED_STATUS).await?;
                let outcome = client(&server.uri(), false)?
                    .wait_for_request(425988401)
                    .with_policy(fast_polling())
                    .wait()
                    .await;
                let Outcome::Succeeded(status) = outcome else {
                    return Err(format!("{outcome:?}").into());
                };
                let polls = received(&server).await.len();
                ensure(polls == 4, || format!("{polls} polls"))?;
                ensure(
                    status.response.as_ref().is_some_and(|r| r.progress.is_succeeded()),
                    || format!("{status:?}"),
                )
            })
        }),
        Trial::test("ogg::waiter_reports_a_failed_request", || {
            block_on(async {
                let mut failed = parse::<Value>(SEED_STATUS)?;
                failed["response"]["progress"] = json!("failed");
                failed["response"]["requestStatus"] = json!(500);
                let server = progress_server(&["processing"], &failed.to_string()).await?;
                let outcome = client(&server.uri(), false)?
                    .wait_for_request(425988401)
                    .with_policy(fast_polling())
                    .wait()
                    .await;
                let Outcome::Failed { failure, .. } = outcome else {
                    return Err(format!("{outcome:?}").into());
                };
                ensure(
                    failure.state == "failed" && failure.messages.iter().any(|m| m.contains("HTTP status 500")),
                    || format!("{failure:?}"),
                )
            })
        }),
        Trial::test("ogg::waiter_stops_on_a_goldengate_404", || {
            block_on(async {
                let server = serve(json_reply(404, "application/json", &error_body(404))).await;
                let outcome = client(&server.uri(), false)?
                    .wait_for_request(425988401)
                    .with_policy(fast_polling())
                    .wait()
                    .await;
                let Outcome::PollFailed { error, polls, .. } = outcome else {
                    return Err(format!("{outcome:?}").into());
                };
                let code = error.service_error().and_then(|e| e.code.clone());
                ensure(polls == 1 && code.as_deref() == Some("OGG-00404"), || {
                    format!("{polls} polls, {error}")
                })
            })
        }),
        Trial::test("ogg::bearer_token_is_sent", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(LIST, "application/json")).await;
                let client = Client::builder(format!("{}{PREFIX}", server.uri()))
                    .bearer_token("eyJ.token.sig")
                    .build()
                    .map_err(|e| e.to_string())?;
                client
                    .list_requests()
                    .version(ApiVersion::V2)
                    .send()
                    .await
                    .map_err(|e| Error::from(e).to_string())?;
                let sent = received(&server).await;
                let authorization = sent.first().and_then(|r| r.header("authorization"));
                ensure(authorization == Some("Bearer eyJ.token.sig"), || {
                    format!("{authorization:?}")
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
            trials.push(Trial::test(format!("ogg::{}::{status}", op.id), move || {
                block_on(run_case(op, status, i % 2 == 1))
            }));
        }
    }
    trials.push(coverage_trial("ogg.yaml", tested));
    trials.extend(extra_trials());
    let conformance = operations().into_iter().map(|op| (op.id.to_owned(), op)).collect();
    trials.extend(contract_tests::prism::conformance_trials(
        "ogg",
        "ogg.yaml",
        conformance,
        |uri, op: std::sync::Arc<Operation>| async move {
            let client = Client::builder(uri)
                .basic_auth("oggadmin", "0gg-Pa55")
                .build()
                .map_err(Error::from)?;
            (op.call)(client).await
        },
    ));
    let hostile = operations().into_iter().map(|op| (op.id.to_owned(), op)).collect();
    trials.extend(contract_tests::adversarial::adversarial_trials(
        "ogg",
        hostile,
        &[],
        |uri, op: std::sync::Arc<Operation>| async move {
            let client = Client::builder(uri)
                .basic_auth("oggadmin", "0gg-Pa55")
                .retry_policy(sdk_ogg::RetryPolicy::disabled())
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
