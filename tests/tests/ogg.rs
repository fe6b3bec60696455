//! Contract tests of `sdk-ogg` against a mock GoldenGate service: every (operation, documented status) pair of
//! `specs/ogg.yaml` (through the shared harness), plus the replies GoldenGate and the proxies in front of it send
//! that the spec does not list, every addressing form (a service's own port, Oracle's NGINX reverse proxy by
//! deployment and service, the Service Manager, OCI GoldenGate, with a path prefix in front), and the replies real
//! GoldenGate servers sent (`tests/fixtures/ogg/real/`, verbatim).
//!
//! Each case checks the request the client sends (method, path under the base URL, `Authorization`, no body, no
//! `api-version`; `Accept` and `X-ID-TENANT-NAME` in an extra trial) and what the caller gets back: the typed
//! success body, or an error carrying the status, GoldenGate's `ERROR` messages with their `OGG-nnnnn` codes, and
//! the raw body. Success bodies are the files of `tests/fixtures/ogg/` (see its README for which are Oracle's).

use std::time::Duration;

use contract_tests::harness::{self, Operation, Success, contract_client};
use contract_tests::{block_on, ensure, json_reply, received, serve};
use libtest_mimic::{Failed, Trial};
use sdk_ogg::types::{self, LinkRelation, MessageSeverity, RequestProgress};
use sdk_ogg::wait::{Lifecycle, Outcome, WaitError, WaitPolicy};
use sdk_ogg::{
    Address, BodyError, Client, ClientBuilder, ConfigError, Envelope, Error, Microservice, OggErrorDocument,
    RetryPolicy,
};
use serde_json::{Map, Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The base URL's path on the mock: a gateway's own prefix, then Oracle's NGINX form for the Administration
/// Service of deployment EAST. The client must keep it whole.
const PREFIX: &str = "/ogg-gw/services/EAST/adminsrvr/v2";
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

/// Real replies, verbatim (see `tests/fixtures/ogg/real/README.md`).
const REAL_LOG: &str = include_str!("../fixtures/ogg/real/ogg-23.8-create-replication.log");
const REAL_COLLECTION: &str = include_str!("../fixtures/ogg/real/ogg-23.8-envelope-collection.json");
const REAL_INFO: &str = include_str!("../fixtures/ogg/real/ogg-23.8-envelope-info-messages.json");
const REAL_EMPTY: &str = include_str!("../fixtures/ogg/real/ogg-23.8-envelope-empty-messages.json");
const REAL_PROXY_EXTRACTS: &str = include_str!("../fixtures/ogg/real/ogg-26-proxy-extracts-collection.json");
const REAL_OGG_12031: &str = include_str!("../fixtures/ogg/real/ogg-26-error-OGG-12031.json");

/// Every status of Oracle's general GoldenGate Status Codes page, which the spec lists on every operation.
const STATUSES: &[u16] = &[200, 201, 202, 400, 401, 403, 404, 405, 406, 409, 415, 500, 503];

/// The GoldenGate client under the contract-test harness.
struct Ogg;

impl harness::Service for Ogg {
    type Client = Client;

    const NAME: &'static str = "ogg";
    const SPEC: &'static str = "ogg.yaml";
    const PREFIX: &'static str = PREFIX;
    const AUTHORIZATION: &'static str = BASIC;

    fn builder(base_url: &str) -> ClientBuilder<Client> {
        Client::builder(base_url).basic_auth("oggadmin", "s3cret-Pa55")
    }

    fn error_reply(status: u16) -> ResponseTemplate {
        json_reply(status, "application/json", &error_body(status))
    }

    fn check_error(op: &Operation<Self>, status: u16, error: &Error) -> Result<(), Failed> {
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
        let document = error.ogg_error_document().ok_or("no standard response envelope")?;
        let messages = document.messages();
        ensure(messages.len() == 3, || format!("{messages:?}"))?;
        ensure(messages[0].severity == Some(MessageSeverity::Info), || {
            format!("{messages:?}")
        })?;
        let shown = error.to_string();
        let expected_start = format!("OGG {status} {code}: GoldenGate says {status} (");
        ensure(shown.starts_with(&expected_start), || format!("Display {shown:?}"))?;
        ensure(shown.contains(&format!("{} {PREFIX}{}", op.method, op.path)), || {
            format!("Display {shown:?}")
        })
    }

    fn secrets() -> &'static [&'static str] {
        &["s3cret"]
    }

    fn simulated(simulator: &sdk_simulator::Simulator) -> String {
        simulator.ogg_url(&sdk_simulator::OggAddressing::Direct)
    }
}

/// The typed success body, serialised back and made canonical, so a test can compare it with what the server
/// sent.
fn typed<T: serde::Serialize>(result: Result<sdk_ogg::ResponseValue<T>, Error>) -> Result<Value, Error> {
    let value = result?.into_inner();
    Ok(canonical(&serde_json::to_value(value).unwrap_or(Value::Null)))
}

/// A fixture served verbatim under `application/json`; the call must give back its canonical form.
fn verbatim(body: &'static str) -> Success {
    let expected = serde_json::from_str::<Value>(body).map_or(Value::Null, |v| canonical(&v));
    Success::custom(
        move |status| ResponseTemplate::new(status).set_body_raw(body, "application/json"),
        expected,
    )
}

fn operations() -> Vec<Operation<Ogg>> {
    vec![
        Operation {
            id: "listRequests",
            method: "GET",
            path: "/requests".into(),
            query: vec![],
            request: None,
            statuses: STATUSES,
            success: verbatim(LIST),
            call: |c| Box::pin(async move { typed(c.list_requests().send().await) }),
        },
        Operation {
            id: "getRequest",
            method: "GET",
            path: "/requests/425988415".into(),
            query: vec![],
            request: None,
            statuses: STATUSES,
            success: verbatim(SEED_STATUS),
            call: |c| {
                Box::pin(async move { typed(c.get_request().request(425988415).x_id_tenant_name(TENANT).send().await) })
            },
        },
        Operation {
            id: "getRequestResult",
            method: "GET",
            path: "/requests/425988401/result".into(),
            query: vec![],
            request: None,
            statuses: STATUSES,
            success: verbatim(RESULT_LIST),
            call: |c| Box::pin(async move { typed(c.get_request_result().request(425988401).send().await) }),
        },
    ]
}

fn client(server_uri: &str) -> Result<Client, Failed> {
    contract_client::<Ogg>(server_uri)
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
/// generated types skip absent members on output and `requestStatus` is a number).
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

async fn get_status(server: &MockServer, id: i64) -> Result<types::RequestStatusResponse, Failed> {
    Ok(client(&server.uri())?
        .get_request()
        .request(id)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .into_inner())
}

async fn get_result(server: &MockServer, id: i64) -> Result<types::RequestResultResponse, Failed> {
    Ok(client(&server.uri())?
        .get_request_result()
        .request(id)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .into_inner())
}

async fn get_status_error(reply: ResponseTemplate) -> Result<Error, Failed> {
    let server = serve(reply).await;
    let outcome = client(&server.uri())?.get_request().request(7).send().await;
    Ok(outcome.err().ok_or("an error status gave Ok")?)
}

fn instant(timestamp: Option<&sdk_ogg::Timestamp>) -> Option<String> {
    timestamp
        .and_then(sdk_ogg::Timestamp::to_datetime)
        .map(|d| d.to_rfc3339())
}

fn progress(request: Option<&types::Request>) -> Option<RequestProgress> {
    request.and_then(|r| r.progress.clone())
}

/// A server whose request 425988401 answers with each of `running` once, then with `last` for good; its result
/// is the result fixture whose body is a whole standard response.
async fn progress_server(running: &[&str], last: &str) -> Result<MockServer, Failed> {
    let server = MockServer::start().await;
    let status_path = format!("{PREFIX}/requests/425988401");
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
        Trial::test("ogg::accept_and_tenant_headers_are_sent", || {
            block_on(async {
                for op in operations() {
                    let server = serve(op.success.reply(200)).await;
                    (op.call)(client(&server.uri())?)
                        .await
                        .map_err(|e| format!("{}: {e}", op.id))?;
                    let sent = received(&server).await;
                    let sent = sent.first().ok_or("nothing sent")?;
                    ensure(sent.header("accept") == Some("application/json"), || {
                        format!("{}: accept {:?}", op.id, sent.header("accept"))
                    })?;
                    let tenant = (op.id == "getRequest").then_some(TENANT);
                    ensure(sent.header("x-id-tenant-name") == tenant, || {
                        format!(
                            "{}: X-ID-TENANT-NAME {:?} != {tenant:?}",
                            op.id,
                            sent.header("x-id-tenant-name")
                        )
                    })?;
                }
                Ok(())
            })
        }),
        Trial::test("ogg::seed_example_verbatim_gives_id_progress_and_times", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(SEED_STATUS, "application/json")).await;
                let status = get_status(&server, 425988415).await?;
                ensure(status.request_id() == Some(425988415), || {
                    format!("id from the links: {:?}", status.request_id())
                })?;
                let result_link = status.link(&LinkRelation::Related).ok_or("no related link")?;
                ensure(
                    result_link.href.as_deref() == Some("http://localhost:11001/services/v2/requests/425988415/result"),
                    || format!("{:?}", result_link.href),
                )?;
                ensure(status.messages().is_empty() && status.service_error().is_none(), || {
                    format!("{:?}", status.messages)
                })?;
                let request = status.response.as_ref().ok_or("no ogg:request")?;
                ensure(request.progress == Some(RequestProgress::Succeeded), || {
                    format!("{:?}", request.progress)
                })?;
                ensure(
                    request.is_terminal() && request.is_success() && request.completed == Some(true),
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
                let list = client(&server.uri())?
                    .list_requests()
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
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
                    envelope.link(&LinkRelation::SelfValue).and_then(|l| l.href.as_deref())
                        == Some("http://localhost:11001/services/v2/requests"),
                    || format!("{:?}", envelope.links),
                )?;
                // Asking for another shape is a clear error naming the type, not a panic.
                match reply.decode_body::<Vec<types::Request>>() {
                    Err(error @ BodyError::Shape { .. }) => {
                        let shown = error.to_string();
                        ensure(
                            shown.contains("Vec<sdk_ogg::types::Request>") && shown.contains("sequence"),
                            || shown.clone(),
                        )
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
                ensure(error.ogg_error_document().is_none(), || {
                    "HTML read as an envelope".into()
                })?;
                ensure(error.body().map(|b| b.as_ref()) == Some(PROXY_401.as_bytes()), || {
                    "raw body lost".into()
                })?;
                let shown = error.to_string();
                ensure(shown.starts_with("OGG 401 Unauthorized: <!DOCTYPE HTML"), || {
                    shown.clone()
                })?;
                ensure(shown.contains(&format!("get_request GET {PREFIX}/requests/7")), || {
                    shown.clone()
                })?;
                harness::ensure_no_secrets::<Ogg>(&format!("{shown}\n{error:?}"))
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
                ensure(error.ogg_error_document().is_none(), || {
                    "an envelope without an ERROR message is no error document".into()
                })?;
                let kept = error.body().map(|b| String::from_utf8_lossy(b).into_owned());
                ensure(kept.is_some_and(|b| b.contains("Only a warning.")), || {
                    "raw body lost".into()
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
                let links = status.links();
                ensure(
                    links[0].rel == Some(LinkRelation::Unknown("ogg://future-relation".into()))
                        && links[1].rel == Some(LinkRelation::OggService),
                    || format!("{links:?}"),
                )?;
                let request = status.response.as_ref().ok_or("no ogg:request")?;
                ensure(
                    request.progress == Some(RequestProgress::Unknown("suspended".into())),
                    || format!("{:?}", request.progress),
                )?;
                ensure(!request.is_terminal(), || "an unknown progress is not terminal".into())?;
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
        Trial::test("ogg::values_in_another_letter_case_and_nulls_read_leniently", || {
            block_on(async {
                let body = json!({
                    "$schema": null,
                    "links": [{"rel": "SELF", "href": "https://ogg.example.com/services/EAST/adminsrvr/v2/requests/9"}, {"rel": null, "href": null}],
                    "messages": [{"code": "OGG-12029", "severity": "Error", "title": "case", "issued": null}],
                    "response": {"progress": "SUCCEEDED", "completed": null, "requestStatus": null, "startTime": null}
                });
                let server = serve(json_reply(200, "application/json", &body)).await;
                let status = get_status(&server, 9).await?;
                ensure(status.request_id() == Some(9), || format!("{:?}", status.links))?;
                ensure(status.links()[0].rel == Some(LinkRelation::SelfValue), || {
                    format!("{:?}", status.links)
                })?;
                ensure(status.messages()[0].is_error(), || format!("{:?}", status.messages))?;
                ensure(
                    progress(status.response.as_ref()) == Some(RequestProgress::Succeeded),
                    || format!("{:?}", status.response),
                )?;
                let empty = serve(json_reply(
                    200,
                    "application/json",
                    &json!({"links": null, "messages": null, "response": null}),
                ))
                .await;
                let status = get_status(&empty, 9).await?;
                ensure(
                    status.links().is_empty() && status.messages().is_empty() && status.response.is_none(),
                    || format!("{status:?}"),
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
                        status.messages()[0].issued.as_ref(),
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
                    if let Some(request) = status.response.filter(|r| r.is_terminal()) {
                        break request;
                    }
                    ensure(polls < 10, || "never finished".into())?;
                };
                ensure(polls == 3 && finished.is_success(), || {
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
                let outcome = client(&server.uri())?
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
                    progress(status.response.as_ref()) == Some(RequestProgress::Succeeded),
                    || format!("{status:?}"),
                )?;
                // The one-line wait gives the final status.
                let server = progress_server(&["pending"], SEED_STATUS).await?;
                let status = client(&server.uri())?
                    .wait_for_request(425988401)
                    .with_policy(fast_polling())
                    .until_success()
                    .await
                    .map_err(|e| e.to_string())?;
                ensure(status.request_id() == Some(425988415), || format!("{status:?}"))
            })
        }),
        Trial::test("ogg::waiter_reports_a_failed_request", || {
            block_on(async {
                let mut failed = parse::<Value>(SEED_STATUS)?;
                failed["response"]["progress"] = json!("failed");
                failed["response"]["requestStatus"] = json!(500);
                let server = progress_server(&["processing"], &failed.to_string()).await?;
                let outcome = client(&server.uri())?
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
                )?;
                let error = client(&server.uri())?
                    .wait_for_request(425988401)
                    .with_policy(fast_polling())
                    .until_success()
                    .await
                    .err()
                    .ok_or("a failed request gave Ok")?;
                let shown = error.to_string();
                ensure(
                    matches!(&error, Error::Wait(wait) if matches!(**wait, WaitError::Failed { .. }))
                        && shown.starts_with("GoldenGate request 425988401 failed in state failed")
                        && shown.contains("HTTP status 500"),
                    || shown.clone(),
                )
            })
        }),
        Trial::test(
            "ogg::waiter_fails_on_an_error_message_without_a_request_document",
            || {
                block_on(async {
                    // The polls of a running request read only its document and messages: an error message in a reply
                    // without a request document still ends the wait, with the message.
                    let broken = json!({"$schema": "api:standardResponse", "links": [], "messages": [
                    {"$schema": "ogg:message", "code": "OGG-08048", "severity": "ERROR", "title": "Request lost",
                     "type": "https://docs.oracle.com/goldengate/c1930/gg-msg/"}]});
                    let server = progress_server(&["pending"], &broken.to_string()).await?;
                    let outcome = client(&server.uri())?
                        .wait_for_request(425988401)
                        .with_policy(fast_polling())
                        .wait()
                        .await;
                    let Outcome::Failed { failure, status } = outcome else {
                        return Err(format!("{outcome:?}").into());
                    };
                    ensure(
                        failure.code.as_deref() == Some("OGG-08048")
                            && failure.messages.iter().any(|m| m.contains("Request lost"))
                            && status.messages.as_ref().is_some_and(|m| m.len() == 1),
                        || format!("{failure:?} {status:?}"),
                    )
                })
            },
        ),
        Trial::test("ogg::waiter_reports_an_aborted_request_as_cancelled", || {
            block_on(async {
                let mut aborted = parse::<Value>(SEED_STATUS)?;
                aborted["response"]["progress"] = json!("aborted");
                let server = progress_server(&["pending"], &aborted.to_string()).await?;
                let error = client(&server.uri())?
                    .wait_for_request(425988401)
                    .with_policy(fast_polling())
                    .until_success()
                    .await
                    .err()
                    .ok_or("an aborted request gave Ok")?;
                let shown = error.to_string();
                ensure(
                    shown == "GoldenGate request 425988401 was cancelled (state aborted)",
                    || shown.clone(),
                )
            })
        }),
        Trial::test("ogg::waiter_stops_on_a_goldengate_404", || {
            block_on(async {
                let server = serve(json_reply(404, "application/json", &error_body(404))).await;
                let outcome = client(&server.uri())?
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
                })?;
                let error = client(&server.uri())?
                    .wait_for_request(425988401)
                    .with_policy(fast_polling())
                    .until_success()
                    .await
                    .err()
                    .ok_or("a 404 gave Ok")?;
                ensure(
                    error.status().map(|s| s.as_u16()) == Some(404)
                        && error.service_error().and_then(|e| e.code.as_deref()) == Some("OGG-00404"),
                    || format!("{error:?}"),
                )
            })
        }),
        Trial::test("ogg::bearer_token_is_sent", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(LIST, "application/json")).await;
                let client = Client::builder(format!("{}{PREFIX}", server.uri()))
                    .bearer_token("eyJ.token.sig")
                    .build()
                    .map_err(|e| e.to_string())?;
                client.list_requests().send().await.map_err(|e| e.to_string())?;
                let sent = received(&server).await;
                let authorization = sent.first().and_then(|r| r.header("authorization"));
                ensure(authorization == Some("Bearer eyJ.token.sig"), || {
                    format!("{authorization:?}")
                })
            })
        }),
    ]
}

/// One way of reaching a service, as a user writes it, and the base path it must reach on the mock.
struct Form {
    name: &'static str,
    /// The builder, from the mock's origin.
    builder: fn(&str) -> Result<sdk_ogg::ClientBuilder<Client>, ConfigError>,
    /// The path of the base URL on the mock.
    base_path: &'static str,
}

fn forms() -> Vec<Form> {
    vec![
        Form {
            name: "direct",
            builder: |origin| Ok(Client::at(Address::direct(origin)?)),
            base_path: "/services/v2",
        },
        Form {
            name: "proxied_adminsrvr",
            builder: |origin| {
                Ok(Client::at(Address::proxied(
                    origin,
                    "EAST",
                    Microservice::ADMINISTRATION,
                )?))
            },
            base_path: "/services/EAST/adminsrvr/v2",
        },
        Form {
            name: "proxied_distsrvr_behind_a_prefix",
            builder: |origin| {
                let origin = format!("{origin}/gw/ogg/");
                Ok(Client::at(Address::proxied(
                    &origin,
                    "ogg_test_01",
                    Microservice::DISTRIBUTION,
                )?))
            },
            base_path: "/gw/ogg/services/ogg_test_01/distsrvr/v2",
        },
        Form {
            name: "service_manager",
            builder: |origin| Ok(Client::at(Address::service_manager(origin)?)),
            base_path: "/services/ServiceManager/v2",
        },
        Form {
            name: "oci_distsrvr",
            builder: |origin| Ok(Client::at(Address::oci(origin, Microservice::DISTRIBUTION)?)),
            base_path: "/services/distsrvr/v2",
        },
        Form {
            name: "oci_named_service_behind_a_prefix",
            builder: |origin| {
                let origin = format!("{origin}/prefix");
                Ok(Client::at(Address::oci(&origin, Microservice::named("pmsrvr")?)?))
            },
            base_path: "/prefix/services/pmsrvr/v2",
        },
        Form {
            name: "whole_base_url",
            builder: |origin| Ok(Client::builder(format!("{origin}/services/WEST/recvsrvr/v2/"))),
            base_path: "/services/WEST/recvsrvr/v2",
        },
    ]
}

/// A GoldenGate service reached at `base_path` whose background request `id` is pending, then processing, then
/// succeeded; every link it sends is in the same form, on the host the server thinks it has.
async fn addressed_server(base_path: &str, id: i64) -> MockServer {
    let server = MockServer::start().await;
    let href = |rest: &str| format!("https://ogg.example.com{base_path}{rest}");
    let link = |rel: &str, rest: &str| json!({"rel": rel, "href": href(rest), "mediaType": "application/json"});
    let requests = format!("{base_path}/requests");
    let status = format!("{requests}/{id}");
    let list = json!({
        "$schema": "api:standardResponse",
        "links": [link("canonical", "/requests"), link("self", "/requests")],
        "messages": [],
        "response": {"$schema": "ogg:collection", "items": [{
            "$schema": "ogg:collectionItem",
            "links": [link("parent", "/requests"), link("canonical", &format!("/requests/{id}"))],
            "name": format!("request {id}")
        }]}
    });
    let status_body = |progress: &str, completed: bool| {
        json!({
            "$schema": "api:standardResponse",
            "links": [
                link("related", &format!("/requests/{id}/result")),
                link("canonical", &format!("/requests/{id}")),
                link("self", &format!("/requests/{id}")),
            ],
            "messages": [],
            "response": {"$schema": "ogg:request", "progress": progress, "completed": completed, "requestStatus": 201,
                         "startTime": "2025-09-07T18:06:19Z"}
        })
    };
    let result = json!({
        "$schema": "api:standardResponse",
        "links": [link("self", &format!("/requests/{id}/result"))],
        "messages": [],
        "response": {"$schema": "ogg:requestResult", "status": {"code": 201, "reason": "Created"},
                     "headers": [{"name": "Content-Type", "value": "application/json"}],
                     "body": {"$schema": "api:standardResponse", "links": [link("self", "/extracts/EWEST")], "messages": [
                         {"$schema": "ogg:message", "code": "OGG-08100", "severity": "INFO", "title": "Integrated Extract added.",
                          "issued": "2025-09-07T18:06:22Z"}]}}
    });
    let mounts = [
        (requests.clone(), list, None),
        (status.clone(), status_body("pending", false), Some(1)),
        (status.clone(), status_body("processing", false), Some(1)),
        (status.clone(), status_body("succeeded", true), None),
        (format!("{status}/result"), result, None),
    ];
    for (at, body, times) in mounts {
        let mock = Mock::given(method("GET"))
            .and(path(at.as_str()))
            .respond_with(json_reply(200, "application/json", &body));
        let mock = match times {
            Some(n) => mock.up_to_n_times(n),
            None => mock,
        };
        mock.mount(&server).await;
    }
    server
}

/// For one addressing form: list (ids from the links), look (id from the links), wait to the end, read the
/// result, all on the service's base path.
async fn follow_a_request_through(form: &Form) -> Result<(), Failed> {
    const ID: i64 = 425988777;
    let server = addressed_server(form.base_path, ID).await;
    let client = (form.builder)(&server.uri())
        .map_err(|e| e.to_string())?
        .basic_auth("oggadmin", "s3cret-Pa55")
        .build()
        .map_err(|e| e.to_string())?;
    let list = client
        .list_requests()
        .send()
        .await
        .map_err(|e| e.to_string())?
        .into_inner();
    ensure(list.request_ids() == [ID], || {
        format!("ids from the list: {:?}", list.request_ids())
    })?;
    let first = client
        .get_request()
        .request(ID)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .into_inner();
    ensure(first.request_id() == Some(ID), || {
        format!("id from the links: {:?}", first.links)
    })?;
    ensure(
        progress(first.response.as_ref()) == Some(RequestProgress::Pending),
        || format!("{:?}", first.response),
    )?;
    let done = client
        .wait_for_request(ID)
        .with_policy(fast_polling())
        .until_success()
        .await
        .map_err(|e| e.to_string())?;
    let request = done.response.as_ref().ok_or("no ogg:request")?;
    ensure(
        request.is_success() && request.request_status_code() == Some(201),
        || format!("{request:?}"),
    )?;
    let result = client
        .get_request_result()
        .request(ID)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .into_inner();
    ensure(result.request_id() == Some(ID), || format!("{:?}", result.links))?;
    let original: types::StandardResponse = result.decode_body().map_err(|e| e.to_string())?;
    ensure(
        original.messages().len() == 1 && original.service_error().is_none(),
        || format!("{original:?}"),
    )?;
    let sent = received(&server).await;
    let paths: Vec<&str> = sent.iter().map(|r| r.path.as_str()).collect();
    let status_path = format!("{}/requests/{ID}", form.base_path);
    let expected: Vec<String> = [format!("{}/requests", form.base_path), status_path.clone()]
        .into_iter()
        .chain(std::iter::repeat_n(status_path.clone(), 2))
        .chain([format!("{status_path}/result")])
        .collect();
    ensure(paths == expected, || format!("{paths:?} != {expected:?}"))?;
    ensure(sent.iter().all(|r| r.header("authorization") == Some(BASIC)), || {
        "a request without the credentials".into()
    })
}

/// Every addressing form, followed to the end; and the errors for an address that cannot be.
fn addressing_trials() -> Vec<Trial> {
    let mut trials: Vec<Trial> = forms()
        .into_iter()
        .map(|form| {
            Trial::test(
                format!("ogg::address::{}::list_poll_wait_result", form.name),
                move || block_on(follow_a_request_through(&form)),
            )
        })
        .collect();
    trials.push(Trial::test("ogg::address::bad_input_is_a_clear_error", || {
        for (what, error, expected) in [
            (
                "deployment with a slash",
                Address::proxied("https://ogg.example.com", "EAST/WEST", Microservice::ADMINISTRATION).err(),
                r#"the deployment name "EAST/WEST" contains '/'"#,
            ),
            (
                "empty deployment",
                Address::proxied("https://ogg.example.com", "", Microservice::DISTRIBUTION).err(),
                "the deployment name is empty",
            ),
            (
                "empty service",
                Microservice::named("").err(),
                "the service name is empty",
            ),
            (
                "service with a slash",
                Microservice::named("adminsrvr/v2").err(),
                r#"the service name "adminsrvr/v2" contains '/'"#,
            ),
            (
                "Service Manager of a deployment",
                Address::proxied("https://ogg.example.com", "EAST", Microservice::SERVICE_MANAGER).err(),
                "the Service Manager belongs to no deployment",
            ),
            (
                "origin that is already a base URL",
                Address::direct("https://ogg.example.com/services/v2").err(),
                "already ends in a service path",
            ),
            (
                "origin without a scheme",
                Address::direct("ogg.example.com").err(),
                "not an absolute URL",
            ),
        ] {
            let error = error.ok_or_else(|| format!("{what}: accepted"))?;
            ensure(matches!(error, ConfigError::InvalidBaseUrl { .. }), || {
                format!("{what}: {error:?}")
            })?;
            let shown = error.to_string();
            ensure(shown.contains(expected), || format!("{what}: {shown}"))?;
        }
        Ok(())
    }));
    trials
}

/// The 20 envelopes of the real 23.8 log, cut out of the terminal output: each top-level JSON object.
fn envelopes_in(log: &str) -> Result<Vec<&str>, Failed> {
    let mut envelopes = Vec::new();
    let (mut depth, mut start, mut in_string, mut escaped) = (0usize, None, false, false);
    for (i, c) in log.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if depth > 0 => in_string = true,
            '{' => {
                if depth == 0 {
                    start = Some(i);
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let from = start.take().ok_or("unbalanced braces")?;
                    envelopes.push(&log[from..=i]);
                }
            }
            _ => {}
        }
    }
    ensure(depth == 0, || "the log ends inside an envelope".into())?;
    Ok(envelopes)
}

/// The replies real GoldenGate servers sent, verbatim, as the replies they are.
fn real_reply_trials() -> Vec<Trial> {
    vec![
        Trial::test("ogg::real::create_replication_log_envelopes_parse", || {
            let envelopes = envelopes_in(REAL_LOG)?;
            ensure(envelopes.len() == 20, || format!("{} envelopes", envelopes.len()))?;
            let (mut proxied, mut messages) = (0, 0);
            for (n, text) in envelopes.iter().enumerate() {
                let envelope: types::StandardResponse =
                    serde_json::from_str(text).map_err(|e| format!("envelope {}: {e}", n + 1))?;
                ensure(envelope.schema.as_deref() == Some("api:standardResponse"), || {
                    format!("envelope {}: {:?}", n + 1, envelope.schema)
                })?;
                ensure(envelope.link(&LinkRelation::SelfValue).is_some(), || {
                    format!("envelope {}: no self link", n + 1)
                })?;
                ensure(envelope.service_error().is_none(), || {
                    format!("envelope {}: an error in a successful run", n + 1)
                })?;
                for message in envelope.messages() {
                    ensure(
                        message.severity == Some(MessageSeverity::Info)
                            && message.code.as_deref().is_some_and(|c| c.starts_with("OGG-"))
                            && instant(message.issued.as_ref()).is_some(),
                        || format!("envelope {}: {message:?}", n + 1),
                    )?;
                    messages += 1;
                }
                let hrefs = envelope.links().iter().filter_map(|l| l.href.as_deref());
                proxied += hrefs.filter(|h| h.contains("/adminsrvr/v2/")).count();
            }
            ensure(proxied == 8 && messages > 20, || {
                format!("{proxied} proxied links, {messages} messages")
            })
        }),
        Trial::test("ogg::real::envelope_with_a_collection_through_list_requests", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(200).set_body_raw(REAL_COLLECTION, "application/json")).await;
                let list = client(&server.uri())?
                    .list_requests()
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_inner();
                let items = list
                    .response
                    .as_ref()
                    .and_then(|c| c.items.as_deref())
                    .unwrap_or_default();
                ensure(items.len() == 1 && items[0].name.as_deref() == Some("1"), || {
                    format!("{items:?}")
                })?;
                let message = list.messages().first().ok_or("no message")?;
                ensure(
                    message.code.as_deref() == Some("OGG-06142")
                        && instant(message.issued.as_ref()).as_deref() == Some("2025-09-07T18:06:19+00:00"),
                    || format!("{message:?}"),
                )?;
                let generic = parse::<types::StandardResponse>(REAL_COLLECTION)?;
                let collection: types::Collection =
                    serde_json::from_value(Value::Object(generic.response.unwrap_or_default()))
                        .map_err(|e| e.to_string())?;
                ensure(collection.schema.as_deref() == Some("ogg:collection"), || {
                    format!("{collection:?}")
                })
            })
        }),
        Trial::test("ogg::real::envelope_with_info_messages", || {
            let envelope = parse::<types::StandardResponse>(REAL_INFO)?;
            let codes: Vec<&str> = envelope.messages().iter().filter_map(|m| m.code.as_deref()).collect();
            ensure(
                codes == ["OGG-08100", "OGG-02003", "OGG-10183", "OGG-00975", "OGG-15426"],
                || format!("{codes:?}"),
            )?;
            ensure(
                envelope.service_error().is_none() && envelope.response.is_none(),
                || format!("{envelope:?}"),
            )?;
            // The same envelope as a status reply: no request document, so the request is still running.
            let status = parse::<types::RequestStatusResponse>(REAL_INFO)?;
            ensure(sdk_ogg::wait::phase(&status) == sdk_ogg::wait::Phase::Running, || {
                format!("{status:?}")
            })
        }),
        Trial::test("ogg::real::envelope_with_empty_messages", || {
            let envelope = parse::<types::StandardResponse>(REAL_EMPTY)?;
            ensure(
                envelope.messages.as_ref().is_some_and(Vec::is_empty) && envelope.response.is_none(),
                || format!("{envelope:?}"),
            )?;
            ensure(
                envelope.link(&LinkRelation::Canonical).and_then(|l| l.href.as_deref())
                    == Some("http://localhost:9091/services/v2/authorizations/Operator/oggnet"),
                || format!("{:?}", envelope.links),
            )
        }),
        Trial::test("ogg::real::proxy_extracts_collection_through_list_requests", || {
            block_on(async {
                let server =
                    serve(ResponseTemplate::new(200).set_body_raw(REAL_PROXY_EXTRACTS, "application/json")).await;
                let list = client(&server.uri())?
                    .list_requests()
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_inner();
                let items = list
                    .response
                    .as_ref()
                    .and_then(|c| c.items.as_deref())
                    .unwrap_or_default();
                ensure(items.len() == 1 && items[0].name.as_deref() == Some("EXT1"), || {
                    format!("{items:?}")
                })?;
                // Extracts are not background requests: no id is read from them.
                ensure(list.request_ids().is_empty(), || format!("{:?}", list.request_ids()))?;
                let described = list.link(&LinkRelation::Describedby).ok_or("no describedby link")?;
                ensure(
                    described.href.as_deref()
                        == Some(
                            "https://vmogg_single_deployment/services/ogg_test_01/adminsrvr/v2/metadata-catalog/extracts",
                        )
                        && described.media_type.as_deref() == Some("application/schema+json"),
                    || format!("{described:?}"),
                )?;
                ensure(
                    list.link(&LinkRelation::SelfValue)
                        .and_then(|l| l.media_type.as_deref())
                        == Some("text/html"),
                    || format!("{:?}", list.links),
                )?;
                parse::<types::StandardResponse>(REAL_PROXY_EXTRACTS).map(drop)
            })
        }),
        Trial::test("ogg::real::ogg_12031_error_behind_a_multi_deployment_proxy", || {
            block_on(async {
                let server = serve(ResponseTemplate::new(404).set_body_raw(REAL_OGG_12031, "application/json")).await;
                let client = Client::at(Address::direct(&server.uri()).map_err(|e| e.to_string())?)
                    .basic_auth("oggadmin", "s3cret-Pa55")
                    .retry_policy(RetryPolicy::disabled())
                    .build()
                    .map_err(|e| e.to_string())?;
                let error = client
                    .get_request()
                    .request(42)
                    .send()
                    .await
                    .err()
                    .ok_or("a 404 gave Ok")?;
                let shown = error.to_string();
                ensure(
                    shown.starts_with(
                        "OGG 404 OGG-12031: The requested resource does not exist. (get_request GET /services/v2/requests/42)",
                    ),
                    || shown.clone(),
                )?;
                let document = error.ogg_error_document().ok_or("no error document")?;
                ensure(
                    document.schema.is_none()
                        && document.links.as_ref().is_some_and(Vec::is_empty)
                        && document.error_messages().count() == 1,
                    || format!("{document:?}"),
                )?;
                ensure(
                    error.body().map(|b| b.as_ref()) == Some(REAL_OGG_12031.as_bytes()),
                    || "raw body lost".into(),
                )?;
                harness::ensure_no_secrets::<Ogg>(&format!("{shown}\n{error:?}"))?;
                // Read as the generic envelope, too.
                let envelope = parse::<types::StandardResponse>(REAL_OGG_12031)?;
                let summary = envelope.service_error().ok_or("no error")?;
                ensure(summary.code.as_deref() == Some("OGG-12031"), || format!("{summary:?}"))
            })
        }),
    ]
}

fn main() {
    let mut extra = extra_trials();
    extra.extend(addressing_trials());
    extra.extend(real_reply_trials());
    contract_tests::run(harness::suite(operations, extra))
}
