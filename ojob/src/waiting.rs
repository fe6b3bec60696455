//! The one place a command waits: the SDK's waiter (one id) or wait set (many ids) seen as a stream of events,
//! shown as progress, printed as results, stopped by Ctrl-C. Polling, policies and outcomes are the SDK's.

use std::collections::HashSet;
use std::fmt::Display;
use std::hash::Hash;
use std::time::Duration;

use futures::StreamExt as _;
use futures::stream::BoxStream;
use sdk_runtime::wait::{
    BatchTarget, Classified, Outcome, PollTarget, SetEvent, Snapshot, WaitEvent, WaitPolicy, WaitSet, Waiter,
};
use serde::Serialize;
use serde_json::json;

use crate::exit::Exit;
use crate::interrupt::Resume;
use crate::output::{self, Format, IdResult};
use crate::progress::{Mode, Progress};

/// The flags of every waiting command.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct WaitArgs {
    /// The longest to wait (`90s`, `30m`, `2h`; default 2h). Past it the command exits 4 and the job keeps running.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub max_wait: Option<Duration>,
    /// Poll every DURATION (`10s`) instead of backing off from 2 s to 1 min; a server's Retry-After still wins.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub interval: Option<Duration>,
}

impl WaitArgs {
    /// The SDK policy these flags ask for.
    pub fn policy(&self, warning_is_failure: bool) -> WaitPolicy {
        let mut policy = WaitPolicy::default().warning_is_failure(warning_is_failure);
        if let Some(max) = self.max_wait {
            policy = policy.max_wait(max);
        }
        if let Some(every) = self.interval {
            policy = policy.initial_delay(every).max_delay(every).growth(1.0).jitter(false);
        }
        policy
    }

    /// The flags again, for the resume command.
    pub fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        if let Some(max) = self.max_wait {
            words.extend(["--max-wait".to_owned(), humantime::format_duration(max).to_string()]);
        }
        if let Some(every) = self.interval {
            words.extend(["--interval".to_owned(), humantime::format_duration(every).to_string()]);
        }
        words
    }
}

/// What a wait reports, whatever the service.
pub enum Event<T> {
    /// A status was polled.
    Progress(String, Snapshot<T>),
    /// The wait for an id ended.
    Finished(String, Outcome<T>),
}

/// One id, followed by the SDK's waiter.
pub fn one<P: PollTarget + 'static>(id: String, waiter: Waiter<P>) -> BoxStream<'static, Event<P::Status>> {
    waiter
        .into_stream()
        .map(move |event| match event {
            WaitEvent::Progress(snapshot) => Event::Progress(id.clone(), snapshot),
            WaitEvent::Finished(outcome) => Event::Finished(id.clone(), outcome),
        })
        .boxed()
}

/// Many ids, followed by one SDK wait set (ESS polls them in batches).
pub fn many<B: BatchTarget>(set: WaitSet<B>, ids: Vec<B::Id>) -> BoxStream<'static, Event<B::Status>>
where
    B::Id: Display,
{
    let events = set.events();
    for id in &ids {
        set.track(id.clone());
    }
    events
        .map(move |event| {
            // The set lives as long as its stream.
            let _keep = &set;
            match event {
                SetEvent::Progress { id, snapshot } => Event::Progress(id.to_string(), snapshot),
                SetEvent::Finished { id, outcome } => Event::Finished(id.to_string(), outcome),
            }
        })
        .boxed()
}

/// Ids without repeats, in the order given.
pub fn unique<I: Clone + Eq + Hash>(ids: Vec<I>) -> Vec<I> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|id| seen.insert(id.clone())).collect()
}

/// What counts as reaching the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The job succeeds.
    Success,
    /// The job ends cancelled (`cancel --wait`, `force-cancel`).
    Cancelled,
}

/// How a command shows a wait.
pub struct Show {
    /// `--output`.
    pub format: Format,
    /// The progress display.
    pub mode: Mode,
    /// `ess`, `ogg`, `oac`.
    pub service: &'static str,
    /// `wait`, `submit`, `cancel`, ...
    pub command: &'static str,
    /// `ESS request`, for progress lines.
    pub what: &'static str,
}

/// How a wait ended.
pub enum Ended {
    /// Every id's wait ended.
    Done(Vec<IdResult>),
    /// Ctrl-C: the results so far and the ids still open.
    Interrupted(Vec<IdResult>, Vec<String>),
}

/// Follows `events` for `ids` until every wait ends or Ctrl-C.
pub async fn follow<T: Classified + Serialize>(
    show: &Show,
    ids: &[String],
    target: Target,
    mut events: BoxStream<'static, Event<T>>,
) -> Ended {
    let mut interrupt = crate::interrupt::listen();
    let mut progress = Progress::start(show.mode, show.what, ids);
    let mut results: Vec<IdResult> = Vec::new();
    let mut open: Vec<String> = ids.to_vec();
    while !open.is_empty() {
        tokio::select! {
            () = &mut interrupt => {
                progress.clear();
                return Ended::Interrupted(order(results, ids), open);
            }
            event = events.next() => match event {
                Some(Event::Progress(id, snapshot)) => {
                    progress.polled(&id, &snapshot.state, snapshot.percent_complete, snapshot.elapsed);
                    output::event(show.format, json!({
                        "event": "progress", "id": id, "state": snapshot.state,
                        "percent_complete": snapshot.percent_complete, "poll": snapshot.poll,
                        "elapsed_secs": snapshot.elapsed.as_secs_f64(),
                    }));
                }
                Some(Event::Finished(id, outcome)) => {
                    let result = judge(id.clone(), outcome, target);
                    progress.finished(&id, result.outcome);
                    if show.format == Format::Ndjson {
                        let mut value = serde_json::to_value(&result).unwrap_or_default();
                        if let Some(object) = value.as_object_mut() {
                            object.insert("event".into(), json!("finished"));
                        }
                        outln!("{value}");
                    }
                    open.retain(|o| *o != id);
                    results.push(result);
                }
                None => break,
            }
        }
    }
    progress.clear();
    Ended::Done(order(results, ids))
}

fn order(mut results: Vec<IdResult>, ids: &[String]) -> Vec<IdResult> {
    results.sort_by_key(|r| ids.iter().position(|id| *id == r.id).unwrap_or(usize::MAX));
    results
}

/// What an SDK outcome means for this command.
pub fn judge<T: Classified + Serialize>(id: String, outcome: Outcome<T>, target: Target) -> IdResult {
    let status = |s: &T| serde_json::to_value(s).ok();
    match outcome {
        Outcome::Succeeded(s) => {
            let (exit, message) = match target {
                Target::Success => (Exit::Success, None),
                Target::Cancelled => (Exit::Failed, Some("ended before the cancel took effect".to_owned())),
            };
            IdResult::new(id, exit, Some(s.state()), message, status(&s))
        }
        Outcome::Failed { status: s, failure } => {
            let mut message = failure.code.clone().unwrap_or_default();
            if !failure.messages.is_empty() {
                if !message.is_empty() {
                    message.push_str(": ");
                }
                message.push_str(&failure.messages.join("; "));
            }
            let message = (!message.is_empty()).then_some(message);
            IdResult::new(id, Exit::Failed, Some(failure.state), message, status(&s))
        }
        Outcome::Cancelled(s) => {
            let exit = match target {
                Target::Success => Exit::Cancelled,
                Target::Cancelled => Exit::Success,
            };
            IdResult::new(id, exit, Some(s.state()), None, status(&s))
        }
        Outcome::NeedsAction { status: s, reason } => {
            IdResult::new(id, Exit::NeedsAction, Some(s.state()), Some(reason), status(&s))
        }
        Outcome::TimedOut { last, elapsed, polls } => {
            let elapsed = humantime::format_duration(Duration::from_secs(elapsed.as_secs()));
            IdResult::new(
                id,
                Exit::TimedOut,
                last.as_ref().map(Classified::state),
                Some(match last {
                    Some(_) => format!("still going after {elapsed} ({polls} polls); it keeps running"),
                    // The status of the last poll is kept; none means that poll failed (a transient error the
                    // wait rode out until its deadline), so what the job is doing is not known.
                    None => format!(
                        "gave up after {elapsed} ({polls} polls); the last poll got no answer, so the job's state \
                         is not known"
                    ),
                }),
                last.as_ref().and_then(status),
            )
        }
        Outcome::PollFailed { error, last, .. } => IdResult::new(
            id,
            Exit::of_error(&error),
            last.as_ref().map(Classified::state),
            Some(error.to_string()),
            last.as_ref().and_then(status),
        ),
        other => IdResult::new(
            id,
            Exit::Unreachable,
            other.status().map(Classified::state),
            Some("the wait ended in a way this version of ojob does not know".to_owned()),
            None,
        ),
    }
}

/// Ends a waiting command: prints the results, or on Ctrl-C what was left and how to resume. The caller has
/// already cancelled the open ids when `--cancel-on-interrupt` asked for it (`cancelled`).
pub fn finish(show: &Show, ended: Ended, resume: &Resume, cancelled: Option<&[IdResult]>) -> Exit {
    match ended {
        Ended::Done(results) => output::results(show.format, show.service, show.command, &results),
        Ended::Interrupted(results, open) => {
            let command = resume.command(&open);
            match cancelled {
                Some(_) => eprintln!(
                    "ojob: interrupted; cancel requested for {} {}",
                    show.what,
                    open.join(" ")
                ),
                None => eprintln!(
                    "ojob: interrupted; {} {} left as it is. Resume the wait with:\n  {command}",
                    show.what,
                    open.join(" ")
                ),
            }
            let mut all = results;
            for id in &open {
                let message = match cancelled.and_then(|c| c.iter().find(|r| r.id == *id)) {
                    Some(r) => r.message.clone(),
                    None => Some(format!("wait interrupted; resume with: {command}")),
                };
                all.push(IdResult::new(id.clone(), Exit::Interrupted, None, message, None));
            }
            match show.format {
                Format::Text => {}
                Format::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "service": show.service, "command": show.command, "outcome": Exit::Interrupted.name(),
                        "exit_code": Exit::Interrupted.code(), "resume": command, "results": all,
                    }))
                    .unwrap_or_default()
                ),
                Format::Ndjson => outln!(
                    "{}",
                    json!({"event": "interrupted", "open": open, "resume": command, "exit_code": Exit::Interrupted.code()})
                ),
            }
            Exit::Interrupted
        }
    }
}
