//! The commands of each service, and what they share: the settings, the output format, how errors end a command.

pub mod ess;
pub mod oac;
pub mod ogg;

use std::io::Read as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::config::{ConfigError, Settings};
use crate::exit::Exit;
use crate::interrupt::Resume;
use crate::operation::{OperationError, Reply, ReplyBody};
use crate::output::{self, Format};
use crate::progress::Mode;

/// What every command is run with.
pub struct Context {
    /// The settings in force.
    pub settings: Settings,
    /// `--output`.
    pub format: Format,
    /// The progress display.
    pub mode: Mode,
    /// The global flags a resumed wait repeats (profile, config, URL, user; never a secret).
    pub resume_globals: Vec<String>,
}

impl Context {
    /// The resume command for a wait of `service` with the wait's own flags.
    pub fn resume(&self, service: &'static str, flags: Vec<String>) -> Resume {
        Resume {
            globals: self.resume_globals.clone(),
            service,
            flags,
        }
    }

    /// A setting is missing or wrong: says so, exit 2.
    pub fn config_error(&self, error: ConfigError) -> Exit {
        output::error(error);
        Exit::Usage
    }

    /// A bad argument found after parsing: says so, exit 2.
    pub fn usage(&self, message: impl std::fmt::Display) -> Exit {
        output::error(message);
        Exit::Usage
    }

    /// A call failed: the SDK's error (service, status, Oracle's code and message, the call), and its exit.
    pub fn call_error(&self, error: &sdk_runtime::Error) -> Exit {
        let exit = Exit::of_error(error);
        output::error(error);
        if self.format != Format::Text {
            output::value(
                self.format,
                &json!({"outcome": exit.name(), "exit_code": exit.code(), "message": error.to_string()}),
            );
        }
        exit
    }
}

/// Prints a generated operation's reply and exits 0 on a success status. A JSON reply is printed as it is
/// (pretty by default, compact with `--output json`); a reply without a body as its status and the documented
/// headers that carry what a user needs (Analytics' `oa-work-request-id` after a starter), as `name: value` lines
/// or, with `--output json`, one document `{"status": .., "headers": {..}}`; a download as its bytes on standard
/// output, or, written to `--output-file`, as where and how much.
pub fn operation(ctx: &Context, reply: Result<Reply, OperationError>) -> Exit {
    let reply = match reply {
        Ok(reply) => reply,
        Err(OperationError::Call(error)) => return ctx.call_error(&error),
        Err(error) if error.is_bad_usage() => return ctx.usage(error),
        Err(error @ OperationError::OutputFile { .. }) => return ctx.usage(error),
        Err(error @ OperationError::Download(_)) => {
            output::error(error);
            return Exit::Unreachable;
        }
        Err(error) => {
            output::error(error);
            return Exit::Refused;
        }
    };
    let Reply { status, headers, body } = reply;
    match body {
        ReplyBody::Json(json) => {
            if ctx.format == Format::Text {
                for (name, value) in &headers {
                    eprintln!("{name}: {value}");
                }
            }
            output::value(ctx.format, &json)
        }
        ReplyBody::Empty => match ctx.format {
            Format::Text => {
                outln!("{status}");
                for (name, value) in &headers {
                    outln!("{name}: {value}");
                }
            }
            Format::Json | Format::Ndjson => {
                let headers: serde_json::Map<String, Value> = headers
                    .into_iter()
                    .map(|(name, value)| (name, Value::String(value)))
                    .collect();
                output::value(ctx.format, &json!({"status": status, "headers": headers}))
            }
        },
        ReplyBody::Bytes(bytes) => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is the reader's choice, not a failure of the call.
            let _ = stdout.write_all(&bytes).and_then(|()| stdout.flush());
        }
        ReplyBody::Saved { path, bytes } => match ctx.format {
            Format::Text => eprintln!("wrote {bytes} bytes to {}", path.display()),
            Format::Json | Format::Ndjson => output::value(
                ctx.format,
                &json!({"status": status, "path": path.display().to_string(), "bytes": bytes}),
            ),
        },
    }
    if (200..300).contains(&status) {
        Exit::Success
    } else {
        Exit::Refused
    }
}

/// Reads a JSON body from a file, or standard input for `-`.
pub fn read_body(path: &Path) -> Result<Value, String> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read the body from standard input: {e}"))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the body file {}: {e}", path.display()))?
    };
    serde_json::from_str(&text).map_err(|e| format!("the body in {} is not JSON: {e}", path.display()))
}
