//! `ojob`: submit, wait for and cancel Oracle jobs from a shell or a pipeline.

mod generated;
mod operation;

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
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let Service::Ess(op) = cli.service;
    let Some(url) = cli.url else {
        eprintln!("ojob: no --url");
        return std::process::ExitCode::from(2);
    };
    let client = match sdk_ess::Client::builder(url).build() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("ojob: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match op.call(&client).await {
        Ok(reply) => {
            match reply.body {
                operation::ReplyBody::Json(json) => println!("{json}"),
                operation::ReplyBody::Empty => println!("{}", reply.status),
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ojob: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
