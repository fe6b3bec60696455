//! Waiting for a GoldenGate background request to end, with the runtime's polling engine.
//!
//! Oracle names the terminal `progress` values: `succeeded`, `failed` and `aborted`; `pending`, `processing` and
//! `paused` mean the request is still running. A waiter reports `succeeded` as success, `failed` as a failure (with
//! the original call's HTTP status), and `aborted` as cancelled. A value this SDK does not know counts as running
//! until GoldenGate marks the request `completed`; it then ends as success when the original call's status is
//! 2xx and as a failure otherwise. `succeeded` says the background execution ended, not that the original call
//! did what was asked: its `requestStatus` and the result (`get_request_result`) tell that.

pub use sdk_runtime::wait::{Failure, Outcome, Phase, PollTarget, Polled, Snapshot, WaitEvent, WaitPolicy, Waiter};

use crate::types::{ApiVersion, Request, RequestProgress, RequestStatusResponse};
use crate::{Client, Envelope};

/// The background request a waiter polls: `GET /services/v2/requests/{request}`.
///
/// It holds only the client and the id, so a wait can resume in another process from the id alone.
#[derive(Clone, Debug)]
pub struct BackgroundRequest {
    client: Client,
    request_id: i64,
    tenant_name: Option<String>,
}

impl BackgroundRequest {
    /// The background request `request_id` of the service `client` talks to.
    pub fn new(client: Client, request_id: i64) -> Self {
        Self {
            client,
            request_id,
            tenant_name: None,
        }
    }

    /// Sends `X-ID-TENANT-NAME: name` with every poll (identity-domain set-ups).
    pub fn tenant_name(mut self, name: impl Into<String>) -> Self {
        self.tenant_name = Some(name.into());
        self
    }

    /// The request id.
    pub fn request_id(&self) -> i64 {
        self.request_id
    }
}

impl PollTarget for BackgroundRequest {
    type Status = RequestStatusResponse;

    async fn fetch(&mut self) -> Result<Polled<RequestStatusResponse>, sdk_runtime::Error> {
        let mut call = self
            .client
            .get_request()
            .version(ApiVersion::V2)
            .request(self.request_id);
        if let Some(name) = &self.tenant_name {
            call = call.x_id_tenant_name(name.clone());
        }
        Ok(Polled::from(call.send().await?))
    }

    fn phase(&self, status: &RequestStatusResponse) -> Phase {
        phase(status)
    }

    fn describe(&self, status: &RequestStatusResponse) -> (String, Option<f64>) {
        let state = status.response.as_ref().map_or_else(
            || "(no request document)".to_owned(),
            |request| request.progress.to_string(),
        );
        (state, None)
    }
}

/// What a status reply means for someone waiting on the request (see the module documentation).
///
/// A reply without a request document is still running, unless its messages hold a GoldenGate error, which ends
/// the wait as a failure with that error's code.
pub fn phase(status: &RequestStatusResponse) -> Phase {
    let Some(request) = &status.response else {
        return match status.service_error() {
            Some(error) => Phase::Failed(Failure {
                state: "(no request document)".to_owned(),
                code: error.code,
                messages: error.message.into_iter().chain(error.details).collect(),
            }),
            None => Phase::Running,
        };
    };
    match &request.progress {
        RequestProgress::Succeeded => Phase::Succeeded,
        RequestProgress::Aborted => Phase::Cancelled,
        RequestProgress::Failed => failed(request, status),
        RequestProgress::Unknown(_) if request.completed == Some(true) => {
            if request
                .request_status_code()
                .is_some_and(|code| (200..300).contains(&code))
            {
                Phase::Succeeded
            } else {
                failed(request, status)
            }
        }
        _ => Phase::Running,
    }
}

fn failed(request: &Request, status: &RequestStatusResponse) -> Phase {
    let error = status.service_error();
    let mut messages: Vec<String> = request
        .request_status_code()
        .map(|code| format!("the original call ended with HTTP status {code}; its result holds the reply"))
        .into_iter()
        .collect();
    messages.extend(error.iter().flat_map(|e| e.message.iter().chain(&e.details).cloned()));
    Phase::Failed(Failure {
        state: request.progress.to_string(),
        code: error.and_then(|e| e.code),
        messages,
    })
}

impl Client {
    /// A waiter for background request `request_id` under the default [`WaitPolicy`] (at most two hours).
    ///
    /// ```no_run
    /// # async fn run(client: sdk_ogg::Client) {
    /// use sdk_ogg::wait::Outcome;
    ///
    /// match client.wait_for_request(425988415).wait().await {
    ///     Outcome::Succeeded(status) => println!("done: {:?}", status.response.map(|r| r.request_status_code())),
    ///     Outcome::Failed { failure, .. } => eprintln!("failed: {:?}", failure.messages),
    ///     other => eprintln!("{other:?}"),
    /// }
    /// # }
    /// ```
    pub fn wait_for_request(&self, request_id: i64) -> Waiter<BackgroundRequest> {
        Waiter::new(BackgroundRequest::new(self.clone(), request_id), WaitPolicy::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn status(response: serde_json::Value) -> RequestStatusResponse {
        serde_json::from_value(json!({"links": [], "messages": [], "response": response})).expect("a status")
    }

    #[test]
    fn documented_progress_values() {
        for (progress, expected) in [
            ("pending", Phase::Running),
            ("processing", Phase::Running),
            ("paused", Phase::Running),
            ("succeeded", Phase::Succeeded),
            ("aborted", Phase::Cancelled),
        ] {
            assert_eq!(phase(&status(json!({"progress": progress}))), expected, "{progress}");
        }
        let Phase::Failed(failure) = phase(&status(json!({"progress": "failed", "requestStatus": 500}))) else {
            panic!("failed is a failure");
        };
        assert_eq!(failure.state, "failed");
        assert!(failure.messages[0].contains("HTTP status 500"), "{failure:?}");
    }

    #[test]
    fn unknown_progress_runs_until_completed() {
        assert_eq!(phase(&status(json!({"progress": "suspended"}))), Phase::Running);
        assert_eq!(
            phase(&status(
                json!({"progress": "archived", "completed": true, "requestStatus": 201})
            )),
            Phase::Succeeded
        );
        assert!(matches!(
            phase(&status(
                json!({"progress": "archived", "completed": true, "requestStatus": 409})
            )),
            Phase::Failed(_)
        ));
        assert!(matches!(
            phase(&status(json!({"progress": "archived", "completed": true}))),
            Phase::Failed(_)
        ));
    }

    #[test]
    fn error_messages_without_a_request_document_fail() {
        let reply: RequestStatusResponse = serde_json::from_value(json!({"messages": [
            {"code": "OGG-12029", "severity": "ERROR", "title": "gone"}
        ]}))
        .expect("a status");
        let Phase::Failed(failure) = phase(&reply) else {
            panic!("an error message ends the wait");
        };
        assert_eq!(failure.code.as_deref(), Some("OGG-12029"));
        assert_eq!(failure.messages, ["gone"]);
        assert_eq!(phase(&RequestStatusResponse::default()), Phase::Running);
    }
}
