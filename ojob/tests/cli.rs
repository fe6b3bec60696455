//! The `ojob` binary run as a user runs it, against the simulator on loopback: waits on the virtual clock, every
//! row of the exit-code table, many ids through the wait set, Ctrl-C, faults, settings, output and progress.
//!
//! Golden outputs are in `tests/golden/`; after a deliberate change of output, rewrite them with
//! `OJOB_BLESS=1 cargo test -p ojob --test cli` and review the diff.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use sdk_simulator::{
    AuthConfig, EssScenario, Fault, OacScenario, OggAddressing, OggResult, OggScenario, OggTarget, Simulator,
};
use serde_json::Value;

const NIGHTLY: &str = "JobDefinition://oracle/apps/ess/custom/NightlyLoad";
const FIRST_ID: i64 = 300000012345680;

/// A simulator and a scratch directory (for config files) for one test.
struct Harness {
    sim: Simulator,
    dir: tempfile::TempDir,
}

impl Harness {
    /// 36,000 virtual seconds per real second: a two-hour job takes a fifth of a second.
    async fn start() -> Harness {
        Self::with(Simulator::builder().clock_speed(36_000.0)).await
    }

    async fn with(builder: sdk_simulator::SimulatorBuilder) -> Harness {
        Harness {
            sim: builder.start().await.expect("the simulator starts"),
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// The binary, with no setting from the environment it runs in, and a config file that does not exist yet.
    fn cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ojob"));
        for (key, _) in std::env::vars() {
            if key.starts_with("OJOB_") || key.ends_with("_PROXY") || key.ends_with("_proxy") {
                cmd.env_remove(key);
            }
        }
        cmd.env("OJOB_CONFIG", self.config_path());
        cmd.stdin(Stdio::null());
        cmd
    }

    /// `ojob --url <ESS> ess <args>`, waits polling every 20 ms.
    fn ess(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = self.cmd();
        cmd.args(["--url", &self.sim.ess_url(), "ess"]).args(args);
        cmd
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn write_config(&self, text: &str) {
        std::fs::write(self.config_path(), text).expect("config written");
    }

    /// Replaces what changes from run to run (the simulator's port, the scratch directory) for golden files.
    fn normalise(&self, text: &str) -> String {
        text.replace(&self.sim.base_url(), "http://SIMULATOR")
            .replace(&self.dir.path().display().to_string(), "TMPDIR")
    }

    /// Submits a job of `definition` through the SDK; its id.
    async fn submit(&self, definition: &str) -> i64 {
        let client = sdk_ess::Client::builder(self.sim.ess_url()).build().expect("client");
        let body = sdk_ess::types::SubmitRequest::builder().job_definition_id(definition);
        let reply = client.submit_request().body(body).send().await.expect("submitted");
        reply.into_inner().request_id().expect("an id")
    }
}

/// Runs a command to its end off the async runtime (the simulator keeps serving meanwhile).
async fn run(mut cmd: std::process::Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("ojob runs"))
        .await
        .expect("the command thread ends")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// Compares `actual` with `tests/golden/<name>`; `OJOB_BLESS=1` rewrites the file instead.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("OJOB_BLESS").is_some() {
        std::fs::write(&path, actual).expect("golden written");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no golden file {}: run with OJOB_BLESS=1 to write it", path.display()));
    assert_eq!(
        actual,
        expected,
        "output differs from {} (OJOB_BLESS=1 rewrites it)",
        path.display()
    );
}

/// A JSON document without what varies from run to run (status documents carry the virtual clock's times).
fn stable_json(text: &str) -> String {
    let mut value: Value = serde_json::from_str(text).expect("stdout is one JSON document");
    if let Some(results) = value.get_mut("results").and_then(Value::as_array_mut) {
        for result in results {
            if let Some(object) = result.as_object_mut() {
                object.remove("status");
            }
        }
    }
    serde_json::to_string_pretty(&value).expect("serialises") + "\n"
}

const FAST: [&str; 2] = ["--interval", "20ms"];

#[tokio::test(flavor = "multi_thread")]
async fn a_two_hour_job_is_submitted_and_waited_for_on_the_virtual_clock() {
    let h = Harness::start().await;
    h.sim
        .set_ess_scenario(NIGHTLY, EssScenario::succeeds_after(Duration::from_secs(2 * 3600)));
    let out = run(h.ess(&["submit", "--job-definition", NIGHTLY, "--wait", "--interval", "20ms"])).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    golden("submit_wait_success.txt", &stdout(&out));
    // Without a terminal: one line per state change, the last one SUCCEEDED; no terminal codes.
    let err = stderr(&out);
    assert!(err.contains(&format!("ESS request {FIRST_ID}: RUNNING")), "{err}");
    assert!(err.contains(&format!("ESS request {FIRST_ID}: SUCCEEDED")), "{err}");
    assert!(!err.contains('\u{1b}'), "no terminal escape codes in a pipe: {err:?}");
    assert_eq!(h.sim.count("submitRequest"), 1);
    assert_eq!(h.sim.ess_state(FIRST_ID).as_deref(), Some("SUCCEEDED"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_job_exits_1_with_its_cause_and_json_is_one_document() {
    let h = Harness::start().await;
    h.sim.set_ess_scenario(
        NIGHTLY,
        EssScenario::fails_after(Duration::from_secs(600), "ORA-01403: no data found"),
    );
    let id = h.submit(NIGHTLY).await.to_string();
    let out = run(h.ess(&["wait", &id, "--interval", "20ms"])).await;
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("ORA-01403: no data found"), "{}", stdout(&out));
    let out = run(h.ess(&["wait", &id, "--output", "json"])).await;
    assert_eq!(code(&out), 1);
    golden("wait_failed.json", &stable_json(&stdout(&out)));
}

#[tokio::test(flavor = "multi_thread")]
async fn warning_is_a_success_unless_asked_otherwise() {
    let h = Harness::start().await;
    h.sim.set_ess_scenario(
        NIGHTLY,
        EssScenario::warns_after(Duration::from_secs(60), "3 rows skipped"),
    );
    let id = h.submit(NIGHTLY).await.to_string();
    let out = run(h.ess(&["wait", &id, "--interval", "20ms"])).await;
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = run(h.ess(&["wait", &id, "--warning-is-failure"])).await;
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(stdout(&out).contains("3 rows skipped"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_other_row_of_the_exit_code_table() {
    let h = Harness::start().await;
    let long = "JobDefinition://oracle/apps/ess/custom/Long";
    h.sim
        .set_ess_scenario(long, EssScenario::succeeds_after(Duration::from_secs(1000 * 3600)));

    // 3: cancelled.
    let id = h.submit(long).await;
    h.sim.force_ess_state(id, "CANCELLED", None, None).expect("known id");
    let out = run(h.ess(&["wait", &id.to_string()])).await;
    assert_eq!(code(&out), 3, "{}", stdout(&out));

    // 4: timed out, the job left running.
    let id = h.submit(long).await;
    let out = run(h.ess(&["wait", &id.to_string(), "--max-wait", "300ms", "--interval", "50ms"])).await;
    assert_eq!(code(&out), 4, "{}", stdout(&out));
    assert!(stdout(&out).contains("timed_out"), "{}", stdout(&out));
    assert_eq!(h.sim.ess_state(id).as_deref(), Some("RUNNING"));

    // 5: needs a person.
    let id = h.submit(long).await;
    h.sim.force_ess_state(id, "HOLD", None, None).expect("known id");
    let out = run(h.ess(&["wait", &id.to_string()])).await;
    assert_eq!(code(&out), 5, "{}", stdout(&out));
    assert!(stdout(&out).contains("needs_action"), "{}", stdout(&out));

    // 6: not found.
    let out = run(h.ess(&["wait", "999"])).await;
    assert_eq!(code(&out), 6, "{}", stdout(&out));
    assert!(stdout(&out).contains("ESS 404"), "{}", stdout(&out));

    // 9: refused: a cancel of a request that has ended.
    let id = h.submit(NIGHTLY).await;
    h.sim.force_ess_state(id, "SUCCEEDED", None, None).expect("known id");
    let out = run(h.ess(&["cancel", &id.to_string()])).await;
    assert_eq!(code(&out), 9, "{}", stderr(&out));
    assert!(stderr(&out).contains("ESS 400"), "{}", stderr(&out));

    // 0 for cancel --wait: cancelled is the target.
    let id = h.submit(long).await;
    let out = run(h.ess(&["cancel", &id.to_string(), "--wait", "--interval", "50ms"])).await;
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(h.sim.ess_state(id).as_deref(), Some("CANCELLED"));
}

#[tokio::test(flavor = "multi_thread")]
async fn authentication_refused_exits_7_and_credentials_come_from_the_profile() {
    let h = Harness::with(
        Simulator::builder()
            .clock_speed(36_000.0)
            .auth(AuthConfig::basic("scheduler.user", "s3cret-pw")),
    )
    .await;
    // No credentials: 401.
    let out = run(h.ess(&["wait", "1"])).await;
    assert_eq!(code(&out), 7, "{}", stdout(&out));

    // Wrong password, from the environment.
    let mut cmd = h.ess(&["get-root"]);
    cmd.args(["--user", "scheduler.user"]).env("OJOB_ESS_PASSWORD", "wrong");
    let out = run(cmd).await;
    assert_eq!(code(&out), 7, "{}", stderr(&out));

    // The right one, from a profile's password command; never printed, even with --debug.
    h.write_config(&format!(
        "default_profile = \"sim\"\n[profiles.sim.ess]\nurl = \"{}\"\nuser = \"scheduler.user\"\npassword_command = \"printf s3cret-pw\"\n",
        h.sim.ess_url()
    ));
    let mut cmd = h.cmd();
    cmd.args([
        "--debug",
        "ess",
        "submit",
        "--job-definition",
        NIGHTLY,
        "--wait",
        "--interval",
        "20ms",
    ]);
    let out = run(cmd).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("s3cret-pw") && !stdout(&out).contains("s3cret-pw"));
    assert!(stderr(&out).contains("DEBUG"), "--debug traces: {}", stderr(&out));

    // And from standard input.
    let mut cmd = h.cmd();
    cmd.args(["--password-stdin", "ess", "wait", &FIRST_ID.to_string()])
        .stdin(Stdio::piped());
    let out = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().expect("spawns");
        if let Some(mut stdin) = child.stdin.take() {
            std::io::Write::write_all(&mut stdin, b"s3cret-pw\n").expect("written");
        }
        child.wait_with_output().expect("ends")
    })
    .await
    .expect("thread ends");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_server_exits_8() {
    let h = Harness::start().await;
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("binds")
        .local_addr()
        .expect("addr")
        .port();
    let mut cmd = h.cmd();
    cmd.args([
        "--url",
        &format!("http://127.0.0.1:{port}/ess/rest/scheduler/v1"),
        "ess",
        "wait",
        "1",
    ]);
    let out = run(cmd).await;
    assert_eq!(code(&out), 8, "{}", stdout(&out));

    // A deadline reached while the server does not answer is a timeout, and says the job's state is not known
    // rather than that it is still going.
    let mut cmd = h.cmd();
    cmd.args([
        "--url",
        &format!("http://127.0.0.1:{port}/ess/rest/scheduler/v1"),
        "ess",
        "wait",
        "1",
        "--max-wait",
        "1s",
    ]);
    let out = run(cmd).await;
    assert_eq!(code(&out), 4, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("the job's state is not known"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_settings_and_bad_arguments_exit_2_with_a_clear_message() {
    let h = Harness::start().await;

    let out = run({
        let mut cmd = h.cmd();
        cmd.args(["ess", "wait", "1"]);
        cmd
    })
    .await;
    assert_eq!(code(&out), 2);
    golden("missing_url.txt", &h.normalise(&stderr(&out)));

    h.write_config("[profiles.p.ess]\nurll = \"http://x\"\n");
    let out = run({
        let mut cmd = h.cmd();
        cmd.args(["ess", "wait", "1"]);
        cmd
    })
    .await;
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("urll") && stderr(&out).contains("config.toml"),
        "{}",
        stderr(&out)
    );

    h.write_config("[profiles.p.ess]\nurl = \"http://x\"\nuser = \"u\"\n");
    let out = run({
        let mut cmd = h.cmd();
        cmd.args(["--profile", "q", "ess", "wait", "1"]);
        cmd
    })
    .await;
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("profile \"q\" is not in") && stderr(&out).contains("profiles there: p"),
        "{}",
        stderr(&out)
    );

    let out = run({
        let mut cmd = h.cmd();
        cmd.args(["--profile", "p", "ess", "wait", "1"]);
        cmd
    })
    .await;
    assert_eq!(code(&out), 2);
    golden("missing_password.txt", &h.normalise(&stderr(&out)));

    // Bad arguments: clap's usage code.
    let out = run(h.ess(&["wait", "not-a-number"])).await;
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not-a-number"), "{}", stderr(&out));
    let out = run(h.ess(&["wait", "1", "--max-wait", "soon"])).await;
    assert_eq!(code(&out), 2);
    let out = run(h.ess(&["force-cancel", "1"])).await;
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--remote-job-stopped"), "{}", stderr(&out));

    // GoldenGate: a proxied address without its deployment.
    let mut cmd = h.cmd();
    cmd.args(["ogg", "wait", "1"]).env("OJOB_OGG_PROXIED", h.sim.base_url());
    let out = run(cmd).await;
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("OJOB_OGG_DEPLOYMENT"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn many_ids_go_through_the_wait_set_and_the_worst_decides() {
    let h = Harness::start().await;
    let failing = "JobDefinition://oracle/apps/ess/custom/Failing";
    h.sim
        .set_ess_scenario(NIGHTLY, EssScenario::succeeds_after(Duration::from_secs(3600)));
    h.sim.set_ess_scenario(
        failing,
        EssScenario::fails_after(Duration::from_secs(1800), "ORA-00001"),
    );
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(h.submit(NIGHTLY).await.to_string());
    }
    ids.push(h.submit(failing).await.to_string());
    let mut args: Vec<&str> = vec!["wait"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(FAST);
    let out = run(h.ess(&args)).await;
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    golden("wait_many.txt", &stdout(&out));
    assert!(h.sim.count("queryRequests") >= 1, "{:?}", h.sim.counts());

    // Each id's outcome in the one document, in the order given.
    args.extend(["--output", "json"]);
    let out = run(h.ess(&args)).await;
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let outcomes: Vec<&str> = doc["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        outcomes,
        [
            "succeeded",
            "succeeded",
            "succeeded",
            "succeeded",
            "succeeded",
            "failed"
        ]
    );
    assert_eq!(doc["exit_code"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_are_ridden_out() {
    let h = Harness::start().await;
    h.sim
        .set_ess_scenario(NIGHTLY, EssScenario::succeeds_after(Duration::from_secs(3600)));
    let id = h.submit(NIGHTLY).await;
    h.sim.inject(
        "ess.getRequest",
        [
            Fault::TooManyRequests { retry_after: 1 },
            Fault::BadGateway,
            Fault::Unavailable { retry_after: 1 },
        ],
    );
    let out = run(h.ess(&["wait", &id.to_string(), "--interval", "20ms", "--output", "ndjson"])).await;
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.last().map(|l| l["event"].clone()), Some(Value::from("summary")));
    assert!(
        lines
            .iter()
            .any(|l| l["event"] == "finished" && l["outcome"] == "succeeded")
    );
    let faulted = h.sim.requests().iter().filter(|r| r.fault.is_some()).count();
    assert_eq!(faulted, 3, "every injected fault was met");
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_leaves_the_job_running_and_prints_the_resume_command() {
    let h = Harness::start().await;
    let long = "JobDefinition://oracle/apps/ess/custom/Long";
    h.sim
        .set_ess_scenario(long, EssScenario::succeeds_after(Duration::from_secs(1000 * 3600)));
    let id = h.submit(long).await;
    let mut cmd = h.ess(&["wait", &id.to_string(), "--interval", "50ms", "--max-wait", "1h"]);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let out = tokio::task::spawn_blocking(move || interrupt_when_running(cmd))
        .await
        .expect("thread ends");
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    let err = stderr(&out);
    let resume = format!("ess wait {id} --max-wait 1h --interval 50ms");
    assert!(err.contains("Resume the wait with:") && err.contains(&resume), "{err}");
    assert_eq!(h.sim.ess_state(id).as_deref(), Some("RUNNING"));
    assert_eq!(h.sim.count("cancelRequest"), 0);

    // --cancel-on-interrupt cancels instead.
    let mut cmd = h.ess(&["wait", &id.to_string(), "--interval", "50ms", "--cancel-on-interrupt"]);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let out = tokio::task::spawn_blocking(move || interrupt_when_running(cmd))
        .await
        .expect("thread ends");
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    assert_eq!(h.sim.count("cancelRequest"), 1);
}

/// Starts `cmd`, sends SIGINT (with the `kill` command) once it reports RUNNING, and returns its output.
fn interrupt_when_running(mut cmd: std::process::Command) -> Output {
    let mut child = cmd.spawn().expect("spawns");
    let stderr = child.stderr.take().expect("piped");
    let mut reader = BufReader::new(stderr);
    let mut seen = String::new();
    let mut line = String::new();
    while reader.read_line(&mut line).expect("reads") > 0 {
        seen.push_str(&line);
        if line.contains("RUNNING") {
            break;
        }
        line.clear();
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).expect("reads");
    let mut out = child.wait_with_output().expect("ends");
    out.stderr = (seen + &rest).into_bytes();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn goldengate_waits_and_prints_the_result() {
    let h = Harness::start().await;
    let result = OggResult::json(
        200,
        "OK",
        serde_json::json!({"$schema": "api:standardResponse", "messages": []}),
    );
    let id = h.sim.create_ogg_request(
        &OggTarget::admin(),
        OggScenario::succeeds_after(Duration::from_secs(600), result),
    );
    let url = h.sim.ogg_url(&OggAddressing::Direct);
    let mut cmd = h.cmd();
    cmd.args(["--url", &url, "ogg", "wait", &id.to_string(), "--result"])
        .args(FAST);
    let out = run(cmd).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("api:standardResponse"), "{}", stdout(&out));

    // The proxied form from the environment.
    let mut cmd = h.cmd();
    cmd.args(["ogg", "wait", &id.to_string()])
        .env("OJOB_OGG_PROXIED", h.sim.base_url())
        .env("OJOB_OGG_DEPLOYMENT", "Local")
        .env("OJOB_OGG_SERVICE", "adminsrvr");
    let out = run(cmd).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn analytics_starts_and_waits() {
    let h = Harness::start().await;
    let url = h.sim.analytics_url();
    let mut cmd = h.cmd();
    cmd.args([
        "--url",
        &url,
        "oac",
        "start",
        "reload-dataset",
        "--owner",
        "admin",
        "--name",
        "Sales",
        "--wait",
    ])
    .args(FAST);
    let out = run(cmd).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("100%"),
        "percent complete shown: {}",
        stderr(&out)
    );

    h.sim.set_analytics_operation_scenario(
        "runDataFlow",
        OacScenario::fails_after(Duration::from_secs(60), 40.0, "DataFlowError", "Column SALES missing"),
    );
    let mut cmd = h.cmd();
    cmd.args(["--url", &url, "oac", "start", "run-data-flow", "--id", "'admin'.'Flow'"]);
    let out = run(cmd).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = stdout(&out).trim().to_owned();
    let mut cmd = h.cmd();
    cmd.args(["--url", &url, "oac", "wait", &id]).args(FAST);
    let out = run(cmd).await;
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(stdout(&out).contains("Column SALES missing"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operation_command_prints_the_reply_as_json() {
    let h = Harness::start().await;
    let out = run(h.ess(&["get-root"])).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    serde_json::from_str::<Value>(&stdout(&out)).expect("JSON");
    assert!(stdout(&out).trim_end().lines().count() > 1, "pretty by default");
    let out = run(h.ess(&["get-root", "--output", "json"])).await;
    assert_eq!(stdout(&out).trim_end().lines().count(), 1, "compact with --output json");
}

#[tokio::test(flavor = "multi_thread")]
async fn quiet_and_no_progress_leave_standard_error_empty() {
    let h = Harness::start().await;
    for flag in ["--quiet", "--no-progress"] {
        let out = run(h.ess(&[
            "submit",
            "--job-definition",
            NIGHTLY,
            "--wait",
            flag,
            "--interval",
            "20ms",
        ]))
        .await;
        assert_eq!(code(&out), 0);
        assert_eq!(stderr(&out), "", "{flag}");
        assert!(
            stdout(&out).contains("succeeded"),
            "{flag}: the result is still printed"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ca_certificate_flag_reaches_the_client() {
    let h = Harness::with(
        Simulator::builder()
            .clock_speed(36_000.0)
            .tls(sdk_simulator::TlsIdentity::SelfSigned),
    )
    .await;
    let ca = h
        .sim
        .ca_certificate()
        .expect("serving HTTPS")
        .path()
        .display()
        .to_string();
    // Not trusted: refused at the handshake, the cause named.
    let out = run(h.ess(&["get-root"])).await;
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(stderr(&out).contains("not trusted"), "{}", stderr(&out));
    // Trusted with --ca-cert, or from the profile.
    let out = run(h.ess(&["get-root", "--ca-cert", &ca])).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    h.write_config(&format!("[profiles.default.network]\nca_certs = [{ca:?}]\n"));
    let out = run(h.ess(&["get-root"])).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn help_documents_the_exit_codes_and_every_hand_written_command_has_examples() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ojob"))
        .arg("--help")
        .output()
        .expect("runs");
    assert_eq!(code(&out), 0);
    let help = stdout(&out);
    for code in [
        "  0  succeeded",
        "  1  failed",
        "  2  usage",
        "  3  cancelled",
        "  4  timed_out",
        "  5  needs_action",
        "  6  not_found",
        "  7  auth_refused",
        "  8  unreachable",
        "  9  refused",
        "130  interrupted",
    ] {
        assert!(help.contains(code), "{code:?} missing from --help:\n{help}");
    }
    // The README's table has the same rows, in the same order.
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).expect("README");
    let table_start = help.find("Exit codes").expect("the table in --help");
    let mut last = 0;
    for line in help[table_start..].lines().skip(1).take_while(|l| !l.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let (code, name) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        if code.parse::<u8>().is_err() {
            continue; // a wrapped line
        }
        let row = format!("| {code} | `{name}` |");
        let at = readme.find(&row).unwrap_or_else(|| panic!("README has no row {row}"));
        assert!(at > last, "README row {row} out of order");
        last = at;
    }
    for command in [
        &["ess", "submit"][..],
        &["ess", "wait"],
        &["ess", "cancel"],
        &["ess", "force-cancel"],
        &["ogg", "wait"],
        &["oac", "wait"],
        &["oac", "start", "reload-dataset"],
        &["completions"],
        &["man"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ojob"))
            .args(command)
            .arg("--help")
            .output()
            .expect("runs");
        assert!(stdout(&out).contains("Examples:"), "{command:?} --help has no examples");
    }
}

#[test]
fn completions_and_the_man_page_come_from_the_clap_definition() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ojob"))
        .args(["completions", "bash"])
        .output()
        .expect("runs");
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("force-cancel"), "completions name the commands");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ojob"))
        .arg("man")
        .output()
        .expect("runs");
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).starts_with(".ie") || stdout(&out).contains(".TH ojob"),
        "roff: {}",
        &stdout(&out)[..200.min(out.stdout.len())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_is_drawn_on_a_terminal() {
    // 7,200 virtual seconds per real second: the two-hour job runs for a second, long enough to be drawn.
    let h = Harness::with(Simulator::builder().clock_speed(7_200.0)).await;
    h.sim
        .set_ess_scenario(NIGHTLY, EssScenario::succeeds_after(Duration::from_secs(2 * 3600)));
    let id = h.submit(NIGHTLY).await;
    let mut cmd = h.ess(&["wait", &id.to_string(), "--interval", "100ms"]);
    cmd.stdin(Stdio::inherit());
    let screen = tokio::task::spawn_blocking(move || {
        let mut session = expectrl::Session::spawn(cmd).expect("spawns on a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(60)));
        let seen = expectrl::Expect::expect(&mut session, expectrl::Eof).expect("runs to its end");
        String::from_utf8_lossy(seen.as_bytes()).into_owned()
    })
    .await
    .expect("thread ends");
    assert!(screen.contains("RUNNING"), "{screen:?}");
    assert!(
        screen.contains('\u{1b}'),
        "a live display redraws with terminal codes: {screen:?}"
    );
    assert!(
        !screen.contains("ESS request 300000012345680: RUNNING (after"),
        "no plain lines on a terminal: {screen:?}"
    );
    assert!(screen.contains("succeeded"), "{screen:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn force_cancel_follows_the_thirty_minute_rule_on_the_schedulers_clock() {
    let h = Harness::start().await;
    let remote = "JobDefinition://oracle/apps/ess/custom/Remote";
    h.sim.set_ess_scenario(remote, EssScenario::asynchronous());
    let id = h.submit(remote).await;
    let sdk = sdk_ess::Client::builder(h.sim.ess_url()).build().expect("client");
    tokio::time::sleep(Duration::from_millis(300)).await; // RUNNING, on the virtual clock
    sdk.cancel_request().request_id(id).send().await.expect("cancel sent");
    assert_eq!(h.sim.ess_state(id).as_deref(), Some("CANCELLING"));

    // Not confirmed: bad usage, nothing sent.
    let out = run(h.ess(&["force-cancel", &id.to_string()])).await;
    assert_eq!(code(&out), 2);
    assert_eq!(h.sim.count("forceCancelRequest"), 0);

    // An hour of scheduler time later (0.1 s here), the rule allows it: sent, and the request ends CANCELLED.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let out = run(h.ess(&[
        "force-cancel",
        &id.to_string(),
        "--remote-job-stopped",
        "--interval",
        "20ms",
    ]))
    .await;
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(h.sim.count("forceCancelRequest"), 1);
    assert_eq!(h.sim.ess_state(id).as_deref(), Some("CANCELLED"));

    // A request not in CANCELLING: refused before anything is sent.
    let out = run(h.ess(&["force-cancel", &id.to_string(), "--remote-job-stopped"])).await;
    assert_eq!(code(&out), 9, "{}", stdout(&out));
    assert!(stdout(&out).contains("not CANCELLING"), "{}", stdout(&out));
    assert_eq!(h.sim.count("forceCancelRequest"), 1);
}
