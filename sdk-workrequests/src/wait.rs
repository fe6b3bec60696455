//! Following a work request to its end with the runtime's polling engine.
//!
//! SUCCEEDED ends well, FAILED ends in failure with the errors the work request reports, CANCELED ends as
//! cancelled; ACCEPTED, IN_PROGRESS, CANCELING and any status this SDK does not know are still running. Each
//! snapshot carries `percentComplete`.

use sdk_runtime::wait::{Failure, Phase, PollTarget, Polled, WaitPolicy, Waiter};

use crate::types::{WorkRequest, WorkRequestStatus};
use crate::{Client, WorkRequestId};

/// The work request a waiter polls: `GET /workRequests/{id}`.
///
/// It holds only the client and the id, so a wait can resume in another process from the id alone.
#[derive(Clone, Debug)]
pub struct WorkRequestTarget {
    client: Client,
    id: WorkRequestId,
}

impl WorkRequestTarget {
    /// The work request `id` on the Analytics instance `client` talks to.
    pub fn new(client: Client, id: WorkRequestId) -> Self {
        Self { client, id }
    }

    /// The work request id.
    pub fn id(&self) -> &WorkRequestId {
        &self.id
    }
}

impl PollTarget for WorkRequestTarget {
    type Status = WorkRequest;

    async fn fetch(&mut self) -> Result<Polled<WorkRequest>, sdk_runtime::Error> {
        Ok(Polled::from(self.client.get_work_request().id(&self.id).send().await?))
    }

    fn phase(&self, work_request: &WorkRequest) -> Phase {
        phase(work_request)
    }

    fn describe(&self, work_request: &WorkRequest) -> (String, Option<f64>) {
        (
            work_request.status.to_string(),
            Some(f64::from(work_request.percent_complete)),
        )
    }
}

/// What a work request's status means for someone waiting on it.
pub fn phase(work_request: &WorkRequest) -> Phase {
    match work_request.status {
        WorkRequestStatus::Succeeded => Phase::Succeeded,
        WorkRequestStatus::Canceled => Phase::Cancelled,
        WorkRequestStatus::Failed => {
            let errors = work_request.reported_errors();
            Phase::Failed(Failure {
                state: work_request.status.to_string(),
                code: errors.iter().find_map(|e| e.code.clone()),
                messages: errors
                    .iter()
                    .map(|e| match (&e.code, &e.message) {
                        (Some(code), Some(message)) => format!("{code}: {message}"),
                        (None, Some(message)) => message.clone(),
                        (Some(code), None) => code.clone(),
                        (None, None) => "(no message)".to_owned(),
                    })
                    .collect(),
            })
        }
        _ => Phase::Running,
    }
}

impl Client {
    /// A waiter for work request `id` under the default [`WaitPolicy`] (at most two hours).
    ///
    /// ```no_run
    /// # async fn run(client: sdk_workrequests::Client, id: sdk_workrequests::WorkRequestId) {
    /// use futures::StreamExt as _;
    /// use sdk_runtime::wait::WaitEvent;
    ///
    /// let mut events = Box::pin(client.wait_for_work_request(&id).into_stream());
    /// while let Some(event) = events.next().await {
    ///     match event {
    ///         WaitEvent::Progress(s) => println!("{} {:?}%", s.state, s.percent_complete),
    ///         WaitEvent::Finished(outcome) => println!("{outcome:?}"),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn wait_for_work_request(&self, id: &WorkRequestId) -> Waiter<WorkRequestTarget> {
        Waiter::new(WorkRequestTarget::new(self.clone(), id.clone()), WaitPolicy::default())
    }
}
