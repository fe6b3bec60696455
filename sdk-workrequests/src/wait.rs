//! Following a work request to its end with the runtime's polling engine.
//!
//! SUCCEEDED ends well, FAILED ends in failure with the errors the work request reports, CANCELED ends as
//! cancelled; ACCEPTED, IN_PROGRESS, CANCELING, a status this SDK does not know and a reply without a status are
//! still running. Each snapshot carries `percentComplete`.

pub use sdk_runtime::wait::{
    BatchTarget, EachAlone, Failure, Fetched, Lifecycle, Outcome, Phase, PollTarget, Polled, SetEvent, SetOptions,
    Snapshot, Wait, WaitError, WaitEvent, WaitPolicy, WaitSet, Waiter,
};

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

    fn phase(&self, work_request: &WorkRequest) -> Phase {
        phase(work_request)
    }

    fn describe(&self, work_request: &WorkRequest) -> (String, Option<f64>) {
        (status_name(work_request), work_request.percent_complete.map(f64::from))
    }

    fn label(&self) -> String {
        format!("Analytics work request {}", self.id)
    }
}

impl Lifecycle for WorkRequestStatus {
    /// SUCCEEDED, FAILED and CANCELED. ACCEPTED, IN_PROGRESS and CANCELING are not terminal, nor is a status this
    /// SDK does not know.
    fn is_terminal(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Canceled)
    }

    /// SUCCEEDED.
    fn is_success(&self) -> bool {
        matches!(self, Self::Succeeded)
    }
}

impl Lifecycle for WorkRequest {
    /// Whether its status is terminal; a work request without a status is not.
    fn is_terminal(&self) -> bool {
        self.status.as_ref().is_some_and(Lifecycle::is_terminal)
    }

    /// Whether its status is SUCCEEDED.
    fn is_success(&self) -> bool {
        self.status.as_ref().is_some_and(Lifecycle::is_success)
    }
}

fn status_name(work_request: &WorkRequest) -> String {
    work_request
        .status
        .as_ref()
        .map_or_else(|| "(no status)".to_owned(), ToString::to_string)
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

/// What a work request's status means for someone waiting on it.
pub fn phase(work_request: &WorkRequest) -> Phase {
    let Some(status) = &work_request.status else {
        return Phase::Running;
    };
    match status {
        WorkRequestStatus::Succeeded => Phase::Succeeded,
        WorkRequestStatus::Canceled => Phase::Cancelled,
        WorkRequestStatus::Failed => {
            let errors = work_request.reported_errors();
            Phase::Failed(Failure {
                state: status.to_string(),
                code: errors.iter().find_map(|e| e.code.clone()),
                messages: errors.iter().map(error_text).collect(),
            })
        }
        _ => Phase::Running,
    }
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
        let client = self.clone();
        let batch = EachAlone::new(
            move |id| Target::new(client.clone(), id),
            phase,
            |work_request| (status_name(work_request), work_request.percent_complete.map(f64::from)),
        );
        WaitSet::new(batch, policy)
    }
}

/// Many work requests polled by one [`WaitSet`] (see [`Client::wait_set`]).
pub type Batch = EachAlone<WorkRequestId, Target>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn work_request(value: serde_json::Value) -> WorkRequest {
        serde_json::from_value(value).expect("lenient")
    }

    #[test]
    fn lifecycle_agrees_with_the_phase() {
        for status in WorkRequestStatus::KNOWN_VALUES {
            let wr = work_request(json!({"status": status}));
            let phase = phase(&wr);
            let parsed = WorkRequestStatus::from(*status);
            assert_eq!(parsed.is_success(), phase == Phase::Succeeded, "{status}");
            assert_eq!(
                parsed.is_terminal(),
                matches!(phase, Phase::Succeeded | Phase::Failed(_) | Phase::Cancelled),
                "{status}"
            );
            assert_eq!(wr.is_terminal(), parsed.is_terminal(), "{status}");
            assert_eq!(wr.is_success(), parsed.is_success(), "{status}");
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
