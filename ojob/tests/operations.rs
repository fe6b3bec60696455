//! The generated operation commands, run as a user runs them: the real binary, as a process, against a wiremock
//! server standing in for the service. Each test checks the exact request the command sent and what it printed.
//!
//! The tests rely only on the command shape `ojob --url URL <service> <operation> ...` and on a JSON reply being
//! printed to standard output as one JSON document.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The services of the command line and the spec each one's commands come from.
const SERVICES: &[(&str, &str)] = &[
    ("ess", "specs/ess.yaml"),
    ("ogg", "specs/ogg.yaml"),
    ("oac", "specs/workrequests.yaml"),
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is in the workspace")
        .to_path_buf()
}

/// The `operationId`s of a spec, in document order.
fn operation_ids(spec: &str) -> Vec<String> {
    let text = std::fs::read_to_string(workspace().join(spec)).expect("the spec");
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("operationId:"))
        .map(|id| id.trim().trim_matches(['"', '\'']).to_owned())
        .collect()
}

/// `getRequestPermissions` -> `get-request-permissions`.
fn kebab(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

async fn ojob(args: &[&str]) -> Output {
    ojob_with_stdin(args, None).await
}

async fn ojob_with_stdin(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_ojob"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ojob runs");
    let mut input = child.stdin.take().expect("a stdin pipe");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).await.expect("write stdin");
    }
    drop(input);
    child.wait_with_output().await.expect("ojob ends")
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "ojob failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// A file of this test run in the temporary directory; removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, contents: &str) -> Self {
        let path = std::env::temp_dir().join(format!("ojob-operations-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write");
        Self(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 path")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn every_operation_of_the_three_specs_has_a_command() {
    let mut seen = 0;
    for (service, spec) in SERVICES {
        let ids = operation_ids(spec);
        assert!(!ids.is_empty(), "no operationId read from {spec}");
        for id in ids {
            let command = kebab(&id);
            let output = ojob(&[service, &command, "--help"]).await;
            // Wrapped lines joined: the test reads words, not the layout.
            let help = String::from_utf8_lossy(&output.stdout)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                output.status.success() && help.contains(&format!("Usage: ojob {service} {command}")),
                "no command `ojob {service} {command}` for {id} of {spec}:\n{help}{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(
                help.contains(&format!("(operation `{id}`)")),
                "the help of {command} does not come from the spec:\n{help}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 30, "the three specs hold 30 operations");
}

#[tokio::test]
async fn the_help_is_the_spec_s_summary_and_description() {
    let output = ojob(&["ess", "--help"]).await;
    let list = String::from_utf8_lossy(&output.stdout);
    assert!(
        list.contains("submit-request") && list.contains("Submit a new job request"),
        "{list}"
    );
    let output = ojob(&["ess", "submit-request", "--help"]).await;
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "--body-json <FILE|->",
        "--job-definition-id",
        "--application",
        "Only one of `schedule`",
    ] {
        assert!(help.contains(needle), "{needle} missing from\n{help}");
    }
}

#[tokio::test]
async fn get_request_sends_its_path_and_query_and_prints_the_typed_reply() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/requests/42"))
        .and(query_param("fields", "requestId,state"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"requestId": 42, "state": "RUNNING"})))
        .expect(1)
        .mount(&server)
        .await;
    let output = ojob(&[
        "--url",
        &server.uri(),
        "ess",
        "get-request",
        "42",
        "--fields",
        "requestId,state",
    ])
    .await;
    let printed = stdout_json(&output);
    assert_eq!(printed["requestId"], 42, "{printed}");
    assert_eq!(printed["state"], "RUNNING", "{printed}");
}

#[tokio::test]
async fn a_body_file_is_completed_and_overridden_by_the_body_flags() {
    let server = MockServer::start().await;
    let sent = json!({
        "jobDefinitionId": "JobDefinition://oracle/apps/ess/Nightly",
        "application": "EarHcmEss",
        "priority": 7,
        "requestParameters": [{"name": "submit.argument1", "paramType": "STRING", "value": "Y"}]
    });
    Mock::given(method("POST"))
        .and(path("/requests"))
        .and(body_json(&sent))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"requestId": 1001})))
        .expect(1)
        .mount(&server)
        .await;
    let file = Scratch::new(
        "submit.json",
        r#"{"jobDefinitionId": "JobDefinition://oracle/apps/ess/Nightly", "application": "FromTheFile",
            "requestParameters": [{"name": "submit.argument1", "paramType": "STRING", "value": "Y"}]}"#,
    );
    let output = ojob(&[
        "--url",
        &server.uri(),
        "ess",
        "submit-request",
        "--body-json",
        file.arg(),
        "--application",
        "EarHcmEss",
        "--priority",
        "7",
    ])
    .await;
    assert_eq!(stdout_json(&output)["requestId"], 1001);
}

#[tokio::test]
async fn a_body_from_standard_input_or_from_flags_alone() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/requests"))
        .and(body_json(
            json!({"jobDefinitionId": "JobDefinition://a/B", "description": "from stdin"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"requestId": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/requests"))
        .and(body_json(
            json!({"jobDefinitionId": "JobDefinition://a/C", "executePast": false}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"requestId": 2})))
        .expect(1)
        .mount(&server)
        .await;
    let url = server.uri();
    let from_stdin = ojob_with_stdin(
        &["--url", &url, "ess", "submit-request", "--body-json", "-"],
        Some(r#"{"jobDefinitionId": "JobDefinition://a/B", "description": "from stdin"}"#),
    )
    .await;
    assert_eq!(stdout_json(&from_stdin)["requestId"], 1);
    let from_flags = ojob(&[
        "--url",
        &url,
        "ess",
        "submit-request",
        "--job-definition-id",
        "JobDefinition://a/C",
        "--execute-past",
        "false",
    ])
    .await;
    assert_eq!(stdout_json(&from_flags)["requestId"], 2);
}

#[tokio::test]
async fn a_bad_body_is_refused_before_any_request_naming_the_file_and_the_member() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let url = server.uri();
    let wrong_file = Scratch::new(
        "wrong.json",
        r#"{"jobDefinitionId": "JobDefinition://a/B", "requestParameters": [{"name": 3}]}"#,
    );
    let wrong = wrong_file.arg();
    let output = ojob(&["--url", &url, "ess", "submit-request", "--body-json", wrong]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains(wrong) && stderr.contains("requestParameters[0].name"),
        "the error names the file and where in it: {stderr}"
    );

    let broken_file = Scratch::new("broken.json", r#"{"jobDefinitionId": "#);
    let broken = broken_file.arg();
    let output = ojob(&["--url", &url, "ess", "submit-request", "--body-json", broken]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains(broken) && stderr.contains("not JSON"),
        "{stderr}"
    );

    let missing = ojob(&[
        "--url",
        &url,
        "ess",
        "submit-request",
        "--body-json",
        "/nonexistent/submit.json",
    ])
    .await;
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        !missing.status.success() && stderr.contains("/nonexistent/submit.json"),
        "{stderr}"
    );

    let none = ojob(&["--url", &url, "ess", "submit-request"]).await;
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert!(
        !none.status.success() && stderr.contains("--body-json") && stderr.contains("--job-definition-id"),
        "a required body given no way names both ways: {stderr}"
    );
}

#[tokio::test]
async fn a_header_parameter_is_a_flag() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/requests/17"))
        .and(header("X-ID-TENANT-NAME", "tenant-a"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "$schema": "api:standardResponse",
            "links": [],
            "messages": [],
            "response": {"$schema": "ogg:request", "completed": false, "progress": "Running"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let output = ojob(&[
        "--url",
        &server.uri(),
        "ogg",
        "get-request",
        "17",
        "--x-id-tenant-name",
        "tenant-a",
    ])
    .await;
    let printed = stdout_json(&output);
    assert_eq!(printed["response"]["completed"], false, "{printed}");
    assert_eq!(printed["response"]["progress"], "Running", "{printed}");
}

#[tokio::test]
async fn an_analytics_starter_sends_its_call_and_a_download_goes_to_its_file() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/catalog/datasets/J293bmVyJy4nc2FsZXMn/actions/reload"))
        .respond_with(ResponseTemplate::new(202).insert_header("oa-work-request-id", "wr-1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/catalog/workbooks/d29yaw/exports/lfc-cc:13347"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"%PDF-1.7 report".to_vec(), "application/pdf"))
        .expect(1)
        .mount(&server)
        .await;
    let url = server.uri();
    let reload = ojob(&["--url", &url, "oac", "reload-dataset", "J293bmVyJy4nc2FsZXMn"]).await;
    assert!(reload.status.success(), "{}", String::from_utf8_lossy(&reload.stderr));
    // The work request's id is only in a header: it is printed, for the next command of a pipeline.
    assert_eq!(
        String::from_utf8_lossy(&reload.stdout),
        "202\noa-work-request-id: wr-1\n"
    );
    let file = Scratch::new("export.pdf", "");
    let download = ojob(&[
        "--url",
        &url,
        "oac",
        "download-workbook-export",
        "d29yaw",
        "lfc-cc:13347",
        "--output-file",
        file.arg(),
    ])
    .await;
    assert!(
        download.status.success(),
        "{}",
        String::from_utf8_lossy(&download.stderr)
    );
    assert_eq!(std::fs::read(&file.0).expect("the downloaded file"), b"%PDF-1.7 report");
}

#[tokio::test]
async fn a_reply_without_a_body_is_one_json_document_and_a_download_goes_to_standard_output() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/catalog/datasets/J293bmVyJy4nc2FsZXMn/actions/reload"))
        .respond_with(ResponseTemplate::new(202).insert_header("oa-work-request-id", "wr-9"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/catalog/workbooks/d29yaw/exports/e-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"%PDF-1.7 bytes".to_vec(), "application/pdf"))
        .mount(&server)
        .await;
    let url = server.uri();
    let reload = ojob(&[
        "--url",
        &url,
        "--output",
        "json",
        "oac",
        "reload-dataset",
        "J293bmVyJy4nc2FsZXMn",
    ])
    .await;
    assert!(reload.status.success(), "{}", String::from_utf8_lossy(&reload.stderr));
    assert_eq!(
        stdout_json(&reload),
        serde_json::json!({"status": 202, "headers": {"oa-work-request-id": "wr-9"}})
    );
    let download = ojob(&["--url", &url, "oac", "download-workbook-export", "d29yaw", "e-1"]).await;
    assert!(
        download.status.success(),
        "{}",
        String::from_utf8_lossy(&download.stderr)
    );
    assert_eq!(download.stdout, b"%PDF-1.7 bytes");
}

#[tokio::test]
async fn an_enum_member_takes_known_and_unknown_values_as_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/catalog/workbooks/d29yaw/exports"))
        .and(body_json(json!({
            "name": "sales",
            "type": "file",
            "format": "svg",
            "canvasIds": ["c1"],
            "screenwidth": 1200,
            "screenheight": 800
        })))
        .respond_with(ResponseTemplate::new(202).insert_header("oa-work-request-id", "wr-2"))
        .expect(1)
        .mount(&server)
        .await;
    let file = Scratch::new(
        "export.json",
        r#"{"canvasIds": ["c1"], "screenwidth": 1200, "format": "pdf"}"#,
    );
    let output = ojob(&[
        "--url",
        &server.uri(),
        "oac",
        "create-workbook-export",
        "d29yaw",
        "--body-json",
        file.arg(),
        "--name",
        "sales",
        "--type",
        "file",
        "--format",
        "svg",
        "--screenheight",
        "800",
    ])
    .await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
