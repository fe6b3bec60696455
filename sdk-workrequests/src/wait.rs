//! Following a work request to its end with the runtime's polling engine.
//!
//! What each status means is said once, by [`Lifecycle::class`] on [`WorkRequestStatus`] and on the
//! [`WorkRequest`] document, and read by single waiters and wait sets alike: SUCCEEDED ends well, FAILED ends in
//! failure with the errors the work request reports, CANCELED ends as cancelled; ACCEPTED, IN_PROGRESS,
//! CANCELING, a status this SDK does not know and a reply without a status are still running. Each snapshot
//! carries `percentComplete`.

pub use sdk_runtime::wait::{
    Class, Failure, Lifecycle, Outcome, Phase, SetEvent, SetOptions, Snapshot, Wait, WaitError, WaitEvent, WaitPolicy,
    WaitSet, Waiter,
};

use sdk_runtime::wait::{BatchTarget, Classified, EachAlone, Fetched, PollTarget, Polled};

use crate::types::{WorkRequest, WorkRequestError, WorkRequestStatus};
use crate::{Client, Error, WorkRequestId};

/// The work request a waiter polls: `GET /workRequests/{id}`.
///
/// It holds only the client and the id, so a wait can resume in another process from the id alone.
#[derive(Clone, Debug)]
pub struct Target {
    client: Client,
    id: WorkRequestId,
}

impl Target {
    /// The work request `id` on the Analytics instance `client` talks to.
    pub fn new(client: Client, id: WorkRequestId) -> Self {
        Self { client, id }
    }

    /// The work request id.
    pub fn id(&self) -> &WorkRequestId {
        &self.id
    }
}

impl PollTarget for Target {
    type Status = WorkRequest;

    async fn fetch(&mut self) -> Result<Polled<WorkRequest>, Error> {
        Ok(Polled::from(self.client.get_work_request().id(&self.id).send().await?))
    }

    /// Reads only the status while the work request runs.
    async fn fetch_brief(&mut self) -> Result<Polled<Option<WorkRequest>>, Error> {
        Polled::unless_running::<StatusOnly>(self.client.get_work_request().id(&self.id).send_unread().await?)
    }

    fn label(&self) -> String {
        format!("Analytics work request {}", self.id)
    }
}

impl Lifecycle for WorkRequestStatus {
    /// SUCCEEDED ends well, FAILED in failure, CANCELED as cancelled. ACCEPTED, IN_PROGRESS and CANCELING are
    /// running, and so is a status this SDK does not know.
    fn class(&self) -> Class {
        match self {
            Self::Succeeded => Class::Succeeded,
            Self::Failed => Class::Failed,
            Self::Canceled => Class::Cancelled,
            _ => Class::Running,
        }
    }
}

impl Lifecycle for WorkRequest {
    /// Its status's class; a work request without a status is still running.
    fn class(&self) -> Class {
        self.status.class()
    }
}

/// The one member of a work request a poll of a running one needs.
#[derive(serde::Deserialize)]
struct StatusOnly {
    status: Option<WorkRequestStatus>,
}

impl Lifecycle for StatusOnly {
    /// As [`WorkRequest`]'s: its status's class.
    fn class(&self) -> Class {
        self.status.class()
    }
}

impl Classified for WorkRequest {
    /// The status as Oracle Analytics spells it.
    fn state(&self) -> String {
        self.status
            .as_ref()
            .map_or_else(|| "(no status)".to_owned(), ToString::to_string)
    }

    /// `percentComplete`.
    fn percent_complete(&self) -> Option<f64> {
        self.percent_complete.map(f64::from)
    }

    /// The errors the work request reports: the first error code, and each error in words.
    fn failure(&self) -> Failure {
        let errors = self.reported_errors();
        Failure {
            state: self.state(),
            code: errors.iter().find_map(|e| e.code.clone()),
            messages: errors.iter().map(error_text).collect(),
        }
    }
}

/// One error of a work request in words: `code: text`, where the text is its `message` or `error` member.
fn error_text(error: &WorkRequestError) -> String {
    let text = error.message.as_ref().or(error.error.as_ref());
    match (&error.code, text) {
        (Some(code), Some(text)) => format!("{code}: {text}"),
        (None, Some(text)) => text.clone(),
        (Some(code), None) => code.clone(),
        (None, None) => "(no message)".to_owned(),
    }
}

/// What a work request's status means for someone waiting on it under the default [`WaitPolicy`] (the work
/// request's own classification, with a failure's errors).
pub fn phase(work_request: &WorkRequest) -> Phase {
    work_request.phase(&WaitPolicy::default())
}

impl Client {
    /// A waiter for work request `id` under the default [`WaitPolicy`] (at most two hours).
    ///
    /// ```no_run
    /// # async fn run(client: sdk_workrequests::Client, id: sdk_workrequests::WorkRequestId) -> Result<(), sdk_workrequests::Error> {
    /// use futures::StreamExt as _;
    /// use sdk_workrequests::wait::{Outcome, WaitEvent};
    ///
    /// // The common case: the finished work request, or an error saying why not (failed with its errors,
    /// // cancelled, timed out with the last status, polling failed).
    /// let done = client.wait_for_work_request(&id).until_success().await?;
    /// println!("{id} ended: {:?}", done.status);
    ///
    /// // Or each status on the way.
    /// let mut events = Box::pin(client.wait_for_work_request(&id).into_stream());
    /// while let Some(event) = events.next().await {
    ///     match event {
    ///         WaitEvent::Progress(s) => println!("{} {:?}%", s.state, s.percent_complete),
    ///         WaitEvent::Finished(Outcome::Failed { failure, .. }) => eprintln!("failed: {:?}", failure.messages),
    ///         WaitEvent::Finished(outcome) => println!("{outcome:?}"),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_for_work_request(&self, id: &WorkRequestId) -> Waiter<Target> {
        Waiter::new(Target::new(self.clone(), id.clone()), WaitPolicy::default())
    }

    /// A set of waits for many work requests of this instance, held by one scheduler (see [`WaitSet`]). Oracle
    /// Analytics has no batch query, so each work request is polled with its own `GET`, up to 32 at once; each
    /// wait follows `policy`, as a single [`wait_for_work_request`](Client::wait_for_work_request) would.
    pub fn wait_set(&self, policy: WaitPolicy) -> WaitSet<Batch> {
        WaitSet::new(Batch::new(self.clone()), policy)
    }
}

/// Many work requests of one instance polled by one [`WaitSet`] (see [`Client::wait_set`]), each with its own
/// `GET`.
#[derive(Clone, Debug)]
pub struct Batch(EachAlone<WorkRequestId, Target>);

impl Batch {
    /// The work requests of the instance `client` talks to, up to 32 polled at once.
    pub fn new(client: Client) -> Self {
        Self(EachAlone::new("Analytics work requests", move |id| {
            Target::new(client.clone(), id)
        }))
    }

    /// How many work requests may be polled at once (at least 1).
    pub fn concurrency(self, requests: usize) -> Self {
        Self(self.0.concurrency(requests))
    }
}

impl BatchTarget for Batch {
    type Id = WorkRequestId;
    type Status = WorkRequest;

    fn label(&self) -> &'static str {
        self.0.label()
    }

    fn max_batch(&self) -> usize {
        self.0.max_batch()
    }

    async fn fetch(&self, ids: Vec<WorkRequestId>) -> Fetched<WorkRequestId, WorkRequest> {
        self.0.fetch(ids).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn work_request(value: serde_json::Value) -> WorkRequest {
        serde_json::from_value(value).expect("lenient")
    }

    #[test]
    fn every_documented_status_has_one_class() {
        for status in WorkRequestStatus::KNOWN_VALUES {
            let expected = match *status {
                "SUCCEEDED" => Class::Succeeded,
                "FAILED" => Class::Failed,
                "CANCELED" => Class::Cancelled,
                _ => Class::Running,
            };
            assert_eq!(WorkRequestStatus::from(*status).class(), expected, "{status}");
            assert_eq!(work_request(json!({"status": status})).class(), expected, "{status}");
        }
        for unknown in [
            json!({"status": "PAUSED_BY_ORACLE"}),
            json!({}),
            json!({"status": null}),
        ] {
            let wr = work_request(unknown.clone());
            assert_eq!(phase(&wr), Phase::Running, "{unknown}");
            assert!(!wr.is_terminal() && !wr.is_success(), "{unknown}");
        }
        assert!(WorkRequestStatus::from("succeeded").is_success());
    }

    #[test]
    fn a_failure_carries_the_work_request_errors() {
        let wr = work_request(json!({
            "status": "FAILED",
            "Errors": [
                {"code": "SnapshotPasswordInvalid", "message": "The BAR password is wrong"},
                {"error": "Failed to create the connection"},
                {}
            ]
        }));
        let Phase::Failed(failure) = phase(&wr) else {
            panic!("not failed: {:?}", phase(&wr));
        };
        assert_eq!(failure.state, "FAILED");
        assert_eq!(failure.code.as_deref(), Some("SnapshotPasswordInvalid"));
        assert_eq!(
            failure.messages,
            [
                "SnapshotPasswordInvalid: The BAR password is wrong",
                "Failed to create the connection",
                "(no message)"
            ]
        );
    }
}
