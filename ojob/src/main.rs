//! `ojob`: submit, wait for and cancel Oracle jobs from a shell or a pipeline.

mod generated;
mod operation;

use std::io::Write as _;

use clap::{Parser, Subcommand};

/// Oracle ESS job requests, GoldenGate background requests and Analytics work requests from the command line.
#[derive(Debug, Parser)]
#[command(name = "ojob", version)]
struct Cli {
    /// The base URL of the service.
    #[arg(long, global = true)]
    url: Option<String>,
    #[command(subcommand)]
    service: Service,
}

#[derive(Debug, Subcommand)]
enum Service {
    /// Enterprise Scheduler (ESS) job requests.
    #[command(subcommand)]
    Ess(generated::ess::Operation),
    /// GoldenGate background requests.
    #[command(subcommand)]
    Ogg(generated::ogg::Operation),
    /// Oracle Analytics work requests and the calls that start them.
    #[command(subcommand)]
    Oac(generated::oac::Operation),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let Some(url) = cli.url else {
        eprintln!("ojob: no --url");
        return std::process::ExitCode::from(2);
    };
    let reply = match cli.service {
        Service::Ess(op) => match sdk_ess::Client::builder(url).build() {
            Ok(client) => op.call(&client).await,
            Err(e) => return usage(e),
        },
        Service::Ogg(op) => match sdk_ogg::Client::builder(url).build() {
            Ok(client) => op.call(&client).await,
            Err(e) => return usage(e),
        },
        Service::Oac(op) => match sdk_workrequests::Client::builder(url).build() {
            Ok(client) => op.call(&client).await,
            Err(e) => return usage(e),
        },
    };
    match reply {
        Ok(reply) => {
            let printed = match reply.body {
                operation::ReplyBody::Json(json) => writeln!(std::io::stdout(), "{json}"),
                operation::ReplyBody::Bytes(bytes) => std::io::stdout().write_all(&bytes),
                body @ (operation::ReplyBody::Empty | operation::ReplyBody::Saved { .. }) => {
                    let headers: serde_json::Map<String, serde_json::Value> = reply
                        .headers
                        .into_iter()
                        .map(|(name, value)| (name, value.into()))
                        .collect();
                    let mut summary = serde_json::json!({"status": reply.status, "headers": headers});
                    if let operation::ReplyBody::Saved { path, bytes } = body {
                        summary["path"] = path.display().to_string().into();
                        summary["bytes"] = bytes.into();
                    }
                    writeln!(std::io::stdout(), "{summary}")
                }
            };
            match printed {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ojob: {e}");
                    std::process::ExitCode::from(1)
                }
            }
        }
        Err(e) if e.is_bad_usage() => usage(e),
        Err(e) => {
            eprintln!("ojob: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

fn usage(error: impl std::fmt::Display) -> std::process::ExitCode {
    eprintln!("ojob: {error}");
    std::process::ExitCode::from(2)
}
