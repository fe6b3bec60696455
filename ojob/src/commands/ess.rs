//! `ojob ess ...`: the generated operation commands, and the hand-written ones that wait.

use std::path::PathBuf;

use sdk_ess::types::SubmitRequest;
use sdk_ess::wait::{ForceCancelError, RemoteJobStopped};
use serde_json::{Value, json};

use crate::commands::{Context, read_body};
use crate::exit::Exit;
use crate::output::{self, Format, IdResult};
use crate::waiting::{self, Ended, Show, Target, WaitArgs};

/// Enterprise Scheduler (ESS) job requests.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Submits a job request; with --wait, waits for it to end.
    #[command(after_help = SUBMIT_EXAMPLES)]
    Submit(Submit),
    /// Waits for one or more job requests to end (many ids are polled together, in batches).
    #[command(after_help = WAIT_EXAMPLES)]
    Wait(Wait),
    /// Cancels a job request; with --wait, waits until it is cancelled.
    #[command(after_help = CANCEL_EXAMPLES)]
    Cancel(Cancel),
    /// Force-cancels a request stuck in CANCELLING whose remote job is known to be stopped, once Oracle's
    /// 30-minute rule allows it (judged on the scheduler's clock), then waits for it to end.
    #[command(after_help = FORCE_CANCEL_EXAMPLES)]
    ForceCancel(ForceCancel),
    #[command(flatten)]
    Operation(crate::generated::ess::Operation),
}

const SUBMIT_EXAMPLES: &str = "Examples:
  ojob ess submit --job-definition JobDefinition://oracle/apps/ess/custom/NightlyLoad --application EarCustomEss --wait
  ojob ess submit --job-definition JobDefinition://oracle/apps/ess/custom/Report -p REGION=EMEA --wait --max-wait 3h
  ojob ess submit --body-json request.json --output json | jq .id";

const WAIT_EXAMPLES: &str = "Examples:
  ojob ess wait 300000012345680
  ojob ess wait 300000012345680 300000012345681 --max-wait 4h --interval 30s
  ojob ess wait 300000012345680 --warning-is-failure --output json | jq -r '.results[].state'";

const CANCEL_EXAMPLES: &str = "Examples:
  ojob ess cancel 300000012345680
  ojob ess cancel 300000012345680 --wait --max-wait 10m";

const FORCE_CANCEL_EXAMPLES: &str = "Examples:
  ojob ess force-cancel 300000012345680 --remote-job-stopped
  ojob ess force-cancel 300000012345680 --remote-job-stopped --max-wait 45m";

/// What a wait for ESS requests counts as success, and what Ctrl-C does.
#[derive(Clone, Debug, clap::Args)]
pub struct EssWaitFlags {
    #[command(flatten)]
    wait: WaitArgs,
    /// Count WARNING (a request that ended with warnings) as a failure (exit 1). By default WARNING is a success,
    /// as Oracle lists it among the states that end a request and leaves what a warning means to the job.
    #[arg(long)]
    warning_is_failure: bool,
    /// On Ctrl-C, cancel the requests still open instead of leaving them running.
    #[arg(long)]
    cancel_on_interrupt: bool,
}

/// `ojob ess submit`.
#[derive(Debug, clap::Args)]
pub struct Submit {
    /// The job definition (`JobDefinition://oracle/apps/ess/custom/NightlyLoad`).
    #[arg(long, value_name = "ID", required_unless_present = "body_json")]
    job_definition: Option<String>,
    /// The ESS application that holds the job definition.
    #[arg(long)]
    application: Option<String>,
    /// A description of the request.
    #[arg(long)]
    description: Option<String>,
    /// A job parameter, NAME=VALUE (sent as a STRING parameter); repeatable.
    #[arg(short = 'p', long = "parameter", value_name = "NAME=VALUE")]
    parameters: Vec<String>,
    /// The whole request body as JSON, from a file or `-` for standard input; the flags above then fill in what
    /// it leaves out.
    #[arg(long, value_name = "FILE|-")]
    body_json: Option<PathBuf>,
    /// Wait for the request to end.
    #[arg(long)]
    wait: bool,
    #[command(flatten)]
    flags: EssWaitFlags,
}

/// `ojob ess wait`.
#[derive(Debug, clap::Args)]
pub struct Wait {
    /// The request ids.
    #[arg(required = true, value_name = "ID")]
    ids: Vec<i64>,
    #[command(flatten)]
    flags: EssWaitFlags,
}

/// `ojob ess cancel`.
#[derive(Debug, clap::Args)]
pub struct Cancel {
    /// The request id.
    id: i64,
    /// Wait until the request ends (exit 0 when it ends CANCELLED).
    #[arg(long)]
    wait: bool,
    #[command(flatten)]
    wait_args: WaitArgs,
}

/// `ojob ess force-cancel`.
#[derive(Debug, clap::Args)]
pub struct ForceCancel {
    /// The request id.
    id: i64,
    /// Confirms that the request's remote job no longer runs, which Oracle requires before a force-cancel.
    #[arg(long, required = true)]
    remote_job_stopped: bool,
    #[command(flatten)]
    wait_args: WaitArgs,
}

fn show(ctx: &Context, command: &'static str) -> Show {
    Show {
        format: ctx.format,
        mode: ctx.mode,
        service: "ess",
        command,
        what: "ESS request",
    }
}

impl Command {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Exit {
        let client = match ctx.settings.ess_client() {
            Ok(client) => client,
            Err(e) => return ctx.config_error(e),
        };
        match self {
            Command::Operation(op) => crate::commands::operation(ctx, op.call(&client).await),
            Command::Submit(submit) => submit.run(ctx, &client).await,
            Command::Wait(wait) => wait_for(ctx, &client, "wait", waiting::unique(wait.ids), &wait.flags).await,
            Command::Cancel(cancel) => cancel.run(ctx, &client).await,
            Command::ForceCancel(force) => force.run(ctx, &client).await,
        }
    }
}

impl Submit {
    fn body(&self) -> Result<SubmitRequest, String> {
        let mut body = match &self.body_json {
            Some(path) => read_body(path)?,
            None => json!({}),
        };
        let Some(object) = body.as_object_mut() else {
            return Err("the request body must be a JSON object".to_owned());
        };
        for (key, value) in [
            ("jobDefinitionId", &self.job_definition),
            ("application", &self.application),
            ("description", &self.description),
        ] {
            if let Some(value) = value {
                object.insert(key.to_owned(), Value::String(value.clone()));
            }
        }
        if !self.parameters.is_empty() {
            let mut list = Vec::new();
            for parameter in &self.parameters {
                let Some((name, value)) = parameter.split_once('=') else {
                    return Err(format!("--parameter {parameter:?} is not NAME=VALUE"));
                };
                list.push(json!({"name": name, "paramType": "STRING", "value": value}));
            }
            object.insert("requestParameters".to_owned(), Value::Array(list));
        }
        serde_json::from_value(body).map_err(|e| format!("the request body is not a submitRequest body: {e}"))
    }

    async fn run(self, ctx: &Context, client: &sdk_ess::Client) -> Exit {
        let body = match self.body() {
            Ok(body) => body,
            Err(message) => return ctx.usage(message),
        };
        let submitted = match client.submit_request().body(body).send().await {
            Ok(reply) => reply.into_inner(),
            Err(e) => return ctx.call_error(&e),
        };
        let Some(id) = submitted.request_id() else {
            output::error("the scheduler accepted the request but named no request id");
            return Exit::Refused;
        };
        if !self.wait {
            match ctx.format {
                Format::Text => outln!("{id}"),
                _ => output::value(ctx.format, &json!({"id": id.to_string()})),
            }
            return Exit::Success;
        }
        if ctx.mode != crate::progress::Mode::Off {
            eprintln!("ojob: submitted ESS request {id}");
        }
        wait_for(ctx, client, "submit", vec![id], &self.flags).await
    }
}

/// Waits for `ids` (one waiter, or a batched wait set for many).
async fn wait_for(
    ctx: &Context,
    client: &sdk_ess::Client,
    command: &'static str,
    ids: Vec<i64>,
    flags: &EssWaitFlags,
) -> Exit {
    let policy = flags.wait.policy(flags.warning_is_failure);
    let names: Vec<String> = ids.iter().map(i64::to_string).collect();
    let events = if let [id] = ids[..] {
        waiting::one(names[0].clone(), client.wait_for_request(id).with_policy(policy))
    } else {
        waiting::many(client.wait_set(policy), ids)
    };
    let show = show(ctx, command);
    let ended = waiting::follow(&show, &names, Target::Success, events).await;
    let mut words = flags.wait.words();
    if flags.warning_is_failure {
        words.push("--warning-is-failure".to_owned());
    }
    let resume = ctx.resume("ess", words);
    let cancelled = match (&ended, flags.cancel_on_interrupt) {
        (Ended::Interrupted(_, open), true) => Some(cancel_all(client, open).await),
        _ => None,
    };
    waiting::finish(&show, ended, &resume, cancelled.as_deref())
}

/// Sends a cancel for each of `ids` (`--cancel-on-interrupt`).
async fn cancel_all(client: &sdk_ess::Client, ids: &[String]) -> Vec<IdResult> {
    let mut results = Vec::new();
    for id in ids {
        let message = match id.parse::<i64>() {
            Ok(number) => match client.cancel_request().request_id(number).send().await {
                Ok(_) => "wait interrupted; cancel requested".to_owned(),
                Err(e) => format!("wait interrupted; the cancel failed: {e}"),
            },
            Err(_) => "wait interrupted".to_owned(),
        };
        results.push(IdResult::new(id.clone(), Exit::Interrupted, None, Some(message), None));
    }
    results
}

impl Cancel {
    async fn run(self, ctx: &Context, client: &sdk_ess::Client) -> Exit {
        if let Err(e) = client.cancel_request().request_id(self.id).send().await {
            return ctx.call_error(&e);
        }
        if !self.wait {
            match ctx.format {
                Format::Text if ctx.mode != crate::progress::Mode::Off => {
                    eprintln!("ojob: cancel requested for ESS request {}", self.id);
                }
                Format::Text => {}
                _ => output::value(ctx.format, &json!({"id": self.id.to_string(), "cancel": "requested"})),
            }
            return Exit::Success;
        }
        // `cancel_and_wait` is this: the cancel sent once, then the SDK's waiter, here seen as a stream.
        let name = self.id.to_string();
        let events = waiting::one(
            name.clone(),
            client
                .wait_for_request(self.id)
                .with_policy(self.wait_args.policy(false)),
        );
        let show = show(ctx, "cancel");
        let ended = waiting::follow(&show, std::slice::from_ref(&name), Target::Cancelled, events).await;
        waiting::finish(&show, ended, &ctx.resume("ess", self.wait_args.words()), None)
    }
}

impl ForceCancel {
    async fn run(self, ctx: &Context, client: &sdk_ess::Client) -> Exit {
        debug_assert!(self.remote_job_stopped);
        let policy = self.wait_args.policy(false);
        let show = show(ctx, "force-cancel");
        let mut interrupt = crate::interrupt::listen();
        let outcome = tokio::select! {
            () = &mut interrupt => {
                eprintln!("ojob: interrupted; ESS request {} left as it is", self.id);
                return Exit::Interrupted;
            }
            outcome = client.force_cancel_when_allowed(self.id, RemoteJobStopped::confirm(), policy) => outcome,
        };
        let result = match outcome {
            Ok(outcome) => waiting::judge(self.id.to_string(), outcome, Target::Cancelled),
            Err(error) => {
                let exit = match &error {
                    ForceCancelError::Api(e) => Exit::of_error(e),
                    ForceCancelError::TooEarly { .. } => Exit::TimedOut,
                    _ => Exit::Refused,
                };
                IdResult::new(self.id.to_string(), exit, None, Some(error.to_string()), None)
            }
        };
        output::results(show.format, show.service, show.command, &[result])
    }
}
