//! `ojob ogg ...`: the generated operation commands, and `wait`.

use serde_json::Value;

use crate::commands::Context;
use crate::exit::Exit;
use crate::waiting::{self, Ended, Show, Target, WaitArgs};

/// GoldenGate background requests (of one service of one deployment: see the address settings).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Waits for one or more background requests to end (succeeded, failed or aborted).
    #[command(after_help = WAIT_EXAMPLES)]
    Wait(Wait),
    #[command(flatten)]
    Operation(crate::generated::ogg::Operation),
}

const WAIT_EXAMPLES: &str = "Examples:
  ojob ogg wait 7
  ojob ogg wait 7 --result --output json | jq '.results[0].result'
  OJOB_OGG_PROXIED=https://ogg.example.com OJOB_OGG_DEPLOYMENT=EAST OJOB_OGG_SERVICE=adminsrvr ojob ogg wait 7 8 9";

/// `ojob ogg wait`.
#[derive(Debug, clap::Args)]
pub struct Wait {
    /// The background request ids.
    #[arg(required = true, value_name = "ID")]
    ids: Vec<i64>,
    /// Once a request has succeeded, fetch its result (the original call's reply) and print it.
    #[arg(long)]
    result: bool,
    #[command(flatten)]
    wait: WaitArgs,
}

impl Command {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Exit {
        let client = match ctx.settings.ogg_client() {
            Ok(client) => client,
            Err(e) => return ctx.config_error(e),
        };
        match self {
            Command::Operation(op) => crate::commands::operation(ctx, op.call(&client).await),
            Command::Wait(wait) => wait.run(ctx, &client).await,
        }
    }
}

impl Wait {
    async fn run(self, ctx: &Context, client: &sdk_ogg::Client) -> Exit {
        let ids = waiting::unique(self.ids);
        let policy = self.wait.policy(false);
        let names: Vec<String> = ids.iter().map(i64::to_string).collect();
        let events = if let [id] = ids[..] {
            waiting::one(names[0].clone(), client.wait_for_request(id).with_policy(policy))
        } else {
            waiting::many(client.wait_set(policy), ids)
        };
        let show = Show {
            format: ctx.format,
            mode: ctx.mode,
            service: "ogg",
            command: "wait",
            what: "GoldenGate request",
        };
        let mut ended = waiting::follow(&show, &names, Target::Success, events).await;
        if let (Ended::Done(results), true) = (&mut ended, self.result) {
            for result in results.iter_mut().filter(|r| r.exit() == Exit::Success) {
                let Ok(id) = result.id.parse::<i64>() else { continue };
                match client.get_request_result().request(id).send().await {
                    Ok(reply) => {
                        let reply = reply.into_inner();
                        result.result = match reply.result() {
                            Ok(r) => r
                                .body_json()
                                .map(|o| Value::Object(o.clone()))
                                .or_else(|| r.body_text().map(|t| Value::String(t.to_owned()))),
                            Err(_) => None,
                        };
                    }
                    Err(e) => {
                        let exit = Exit::of_error(&e);
                        *result = crate::output::IdResult::new(
                            result.id.clone(),
                            exit,
                            result.state.clone(),
                            Some(format!("succeeded, but its result could not be read: {e}")),
                            result.status.take(),
                        );
                    }
                }
            }
        }
        waiting::finish(&show, ended, &ctx.resume("ogg", self.wait.words()), None)
    }
}
