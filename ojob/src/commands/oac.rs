//! `ojob oac ...`: the generated operation commands, `wait`, and `start <starter>` to start a work request and
//! (with `--wait`) follow it to its end.

use std::path::PathBuf;

use sdk_workrequests::{ObjectId, WorkRequestId};
use serde_json::json;

use crate::commands::{Context, read_body};
use crate::exit::Exit;
use crate::output::{self, Format};
use crate::waiting::{self, Show, Target, WaitArgs};

/// Oracle Analytics work requests, and the calls that start them.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Waits for one or more work requests to end (SUCCEEDED, FAILED or CANCELED).
    #[command(after_help = WAIT_EXAMPLES)]
    Wait(Wait),
    /// Starts a work request (a dataset reload, a data flow, ...) and prints its id; with --wait, follows it.
    #[command(subcommand)]
    Start(Start),
    #[command(flatten)]
    Operation(crate::generated::oac::Operation),
}

const WAIT_EXAMPLES: &str = "Examples:
  ojob oac wait lfc-cc:13347-c9:3962654
  ojob oac wait lfc-cc:13347-c9:3962654 --max-wait 30m --output ndjson";

const START_EXAMPLES: &str = "Examples:
  ojob oac start reload-dataset --owner admin --name 'Quarterly Sales' --wait
  ojob oac start run-data-flow --id \"'admin'.'Nightly Flow'\" --wait --max-wait 1h
  ojob oac start restore-snapshot --body-json restore.json --wait";

/// The object a starter acts on: its raw id, or its owner and name.
#[derive(Debug, clap::Args)]
pub struct Object {
    /// The object's id as Oracle Analytics names it (`'admin'.'Quarterly Sales'`); it is Base64URL-encoded for you.
    #[arg(long, value_name = "ID", required_unless_present = "owner", conflicts_with_all = ["owner", "name"])]
    id: Option<String>,
    /// The object's owner, with --name.
    #[arg(long, requires = "name")]
    owner: Option<String>,
    /// The object's name, with --owner.
    #[arg(long, requires = "owner")]
    name: Option<String>,
}

impl Object {
    fn object_id(&self) -> ObjectId {
        match (&self.id, &self.owner, &self.name) {
            (Some(id), _, _) => ObjectId::new(id.clone()),
            (None, Some(owner), Some(name)) => ObjectId::owner_name(owner, name),
            _ => ObjectId::new(String::new()),
        }
    }
}

/// Whether to follow the started work request.
#[derive(Debug, clap::Args)]
pub struct Follow {
    /// Wait for the work request to end.
    #[arg(long)]
    wait: bool,
    #[command(flatten)]
    args: WaitArgs,
}

/// The calls that start a work request.
#[derive(Debug, clap::Subcommand)]
pub enum Start {
    /// Reloads a dataset's data.
    #[command(after_help = START_EXAMPLES)]
    ReloadDataset {
        #[command(flatten)]
        object: Object,
        #[command(flatten)]
        follow: Follow,
    },
    /// Runs a data flow.
    #[command(after_help = START_EXAMPLES)]
    RunDataFlow {
        #[command(flatten)]
        object: Object,
        /// The run's options as JSON (a file, or `-` for standard input); `{}` when not given.
        #[arg(long, value_name = "FILE|-")]
        body_json: Option<PathBuf>,
        #[command(flatten)]
        follow: Follow,
    },
    /// Runs a sequence.
    #[command(after_help = START_EXAMPLES)]
    RunSequence {
        #[command(flatten)]
        object: Object,
        #[command(flatten)]
        follow: Follow,
    },
    /// Restores a snapshot.
    #[command(after_help = START_EXAMPLES)]
    RestoreSnapshot {
        /// The restore request as JSON (a file, or `-`).
        #[arg(long, value_name = "FILE|-")]
        body_json: PathBuf,
        #[command(flatten)]
        follow: Follow,
    },
    /// Creates (or registers) a snapshot.
    #[command(after_help = START_EXAMPLES)]
    CreateSnapshot {
        /// The snapshot request as JSON (a file, or `-`).
        #[arg(long, value_name = "FILE|-")]
        body_json: PathBuf,
        #[command(flatten)]
        follow: Follow,
    },
    /// Exports workbook canvases to PDF or PNG.
    #[command(after_help = START_EXAMPLES)]
    CreateWorkbookExport {
        #[command(flatten)]
        object: Object,
        /// The export request as JSON (a file, or `-`).
        #[arg(long, value_name = "FILE|-")]
        body_json: PathBuf,
        #[command(flatten)]
        follow: Follow,
    },
}

/// `ojob oac wait`.
#[derive(Debug, clap::Args)]
pub struct Wait {
    /// The work request ids.
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    #[command(flatten)]
    wait: WaitArgs,
}

impl Command {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Exit {
        let client = match ctx.settings.oac_client() {
            Ok(client) => client,
            Err(e) => return ctx.config_error(e),
        };
        match self {
            Command::Operation(op) => crate::commands::operation(ctx, op.call(&client).await),
            Command::Wait(wait) => {
                let ids = waiting::unique(wait.ids).into_iter().map(WorkRequestId::new).collect();
                wait_for(ctx, &client, "wait", ids, &wait.wait).await
            }
            Command::Start(start) => start.run(ctx, &client).await,
        }
    }
}

fn body<T: serde::de::DeserializeOwned>(path: Option<&PathBuf>) -> Result<T, String> {
    let value = match path {
        Some(path) => read_body(path)?,
        None => json!({}),
    };
    serde_json::from_value(value).map_err(|e| format!("the request body does not fit the operation: {e}"))
}

impl Start {
    async fn run(self, ctx: &Context, client: &sdk_workrequests::Client) -> Exit {
        let started = match self.send(client).await {
            Ok(Ok(id)) => id,
            Ok(Err(e)) => return ctx.call_error(&e),
            Err(message) => return ctx.usage(message),
        };
        let follow = self.follow();
        if !follow.wait {
            match ctx.format {
                Format::Text => outln!("{started}"),
                _ => output::value(ctx.format, &json!({"id": started.as_str()})),
            }
            return Exit::Success;
        }
        if ctx.mode != crate::progress::Mode::Off {
            eprintln!("ojob: started work request {started}");
        }
        wait_for(ctx, client, "start", vec![started], &follow.args).await
    }

    fn follow(&self) -> &Follow {
        match self {
            Start::ReloadDataset { follow, .. }
            | Start::RunDataFlow { follow, .. }
            | Start::RunSequence { follow, .. }
            | Start::RestoreSnapshot { follow, .. }
            | Start::CreateSnapshot { follow, .. }
            | Start::CreateWorkbookExport { follow, .. } => follow,
        }
    }

    /// Sends the starting call: the work request's id, or the call's error; a bad body is an `Err(message)`.
    async fn send(
        &self,
        client: &sdk_workrequests::Client,
    ) -> Result<Result<WorkRequestId, sdk_workrequests::Error>, String> {
        let started = match self {
            Start::ReloadDataset { object, .. } => client.reload_dataset().dataset_id(object.object_id()).start().await,
            Start::RunDataFlow { object, body_json, .. } => {
                let body: sdk_workrequests::types::RunDataFlowRequest = body(body_json.as_ref())?;
                client
                    .run_data_flow()
                    .dataflow_id(object.object_id())
                    .body(body)
                    .start()
                    .await
            }
            Start::RunSequence { object, .. } => client.run_sequence().sequence_id(object.object_id()).start().await,
            Start::RestoreSnapshot { body_json, .. } => {
                let body: sdk_workrequests::types::RestoreSnapshotRequest = body(Some(body_json))?;
                client.restore_snapshot().body(body).start().await
            }
            Start::CreateSnapshot { body_json, .. } => {
                let body: sdk_workrequests::types::CreateSnapshotRequest = body(Some(body_json))?;
                client.create_snapshot().body(body).start().await
            }
            Start::CreateWorkbookExport { object, body_json, .. } => {
                let body: sdk_workrequests::types::CreateWorkbookExportRequest = body(Some(body_json))?;
                client
                    .create_workbook_export()
                    .url_base64_workbook_id(object.object_id())
                    .body(body)
                    .start()
                    .await
            }
        };
        Ok(started)
    }
}

async fn wait_for(
    ctx: &Context,
    client: &sdk_workrequests::Client,
    command: &'static str,
    ids: Vec<WorkRequestId>,
    args: &WaitArgs,
) -> Exit {
    let policy = args.policy(false);
    let names: Vec<String> = ids.iter().map(|id| id.as_str().to_owned()).collect();
    let events = if let [id] = &ids[..] {
        waiting::one(names[0].clone(), client.wait_for_work_request(id).with_policy(policy))
    } else {
        waiting::many(client.wait_set(policy), ids)
    };
    let show = Show {
        format: ctx.format,
        mode: ctx.mode,
        service: "oac",
        command,
        what: "work request",
    };
    let ended = waiting::follow(&show, &names, Target::Success, events).await;
    waiting::finish(&show, ended, &ctx.resume("oac", args.words()), None)
}
