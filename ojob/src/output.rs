//! What goes to standard output: text for people by default, one stable JSON document (`--output json`), or
//! one JSON event per line while waiting (`--output ndjson`). Progress and messages go to standard error.

use serde::Serialize;
use serde_json::{Value, json};

use crate::exit::Exit;

/// `--output`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON document at the end.
    Json,
    /// One JSON object per line: each status polled, each id's outcome, then a summary.
    Ndjson,
}

/// How the wait for one id ended, as printed.
#[derive(Clone, Debug, Serialize)]
pub struct IdResult {
    /// The id as the service names it.
    pub id: String,
    /// The outcome's name (`succeeded`, `failed`, `timed_out`, ...: the names of the exit-code table).
    pub outcome: &'static str,
    /// The exit code this outcome alone would give.
    pub exit_code: u8,
    /// The last state seen (`SUCCEEDED`, `IN_PROGRESS`, `succeeded`), when one was.
    pub state: Option<String>,
    /// What happened, in words (a failure's cause and messages, the error of a call).
    pub message: Option<String>,
    /// The last status document, as the service sent it (read by the SDK and written back).
    pub status: Option<Value>,
    /// Extra data a command adds (a GoldenGate request's result).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(skip)]
    pub(crate) exit: Exit,
}

impl IdResult {
    /// A result for `id` ending in `exit`.
    pub fn new(id: String, exit: Exit, state: Option<String>, message: Option<String>, status: Option<Value>) -> Self {
        Self {
            id,
            outcome: exit.name(),
            exit_code: exit.code(),
            state,
            message,
            status,
            result: None,
            exit,
        }
    }

    /// The exit this result gives.
    pub fn exit(&self) -> Exit {
        self.exit
    }
}

/// Prints one line of ndjson.
pub fn event(format: Format, value: Value) {
    if format == Format::Ndjson {
        outln!("{value}");
    }
}

/// Prints the results of a wait command and returns its exit (the worst of them).
pub fn results(format: Format, service: &str, command: &str, results: &[IdResult]) -> Exit {
    let exit = Exit::worst(results.iter().map(IdResult::exit));
    match format {
        Format::Text => {
            let width = results.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in results {
                let state = r.state.as_deref().unwrap_or("-");
                let message = r.message.as_deref().map(|m| format!("  {m}")).unwrap_or_default();
                outln!("{:<width$}  {:<12}  {state}{message}", r.id, r.outcome);
                if let Some(result) = &r.result {
                    outln!("{}", pretty(result));
                }
            }
        }
        Format::Json => outln!(
            "{}",
            pretty(&json!({
                "service": service,
                "command": command,
                "outcome": exit.name(),
                "exit_code": exit.code(),
                "results": results,
            }))
        ),
        Format::Ndjson => {
            outln!(
                "{}",
                json!({"event": "summary", "service": service, "command": command, "outcome": exit.name(), "exit_code": exit.code()})
            );
        }
    }
    exit
}

/// Prints one value for people (pretty JSON) or programs (compact with `--output json`/`ndjson`).
pub fn value(format: Format, value: &Value) {
    match format {
        Format::Text => outln!("{}", pretty(value)),
        Format::Json | Format::Ndjson => outln!("{value}"),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// Prints an error on standard error, prefixed with the program's name.
pub fn error(message: impl std::fmt::Display) {
    eprintln!("ojob: {message}");
}
