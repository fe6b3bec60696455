//! Waiting for a GoldenGate background request to end, with the runtime's polling engine.
//!
//! What each progress value means is said once, by [`Lifecycle::class`] on
//! [`RequestProgress`](crate::types::RequestProgress) and on the [`Request`] document, and read by single waiters
//! and wait sets alike. Oracle names the terminal `progress` values: `succeeded`, `failed` and `aborted`;
//! `pending`, `processing` and `paused` mean the request is still running. A waiter reports `succeeded` as
//! success, `failed` as a failure (with the original call's HTTP status), and `aborted` as cancelled. A value this SDK does not know (or no progress at all) counts as running
//! until GoldenGate marks the request `completed`; it then ends as success when the original call's status is 2xx
//! and as a failure otherwise. `succeeded` says the background execution ended, not that the original call did
//! what was asked: its `requestStatus` and the result (`get_request_result`) tell that.
//!
//! Each service keeps its own background requests: wait with a client of the service that started the request
//! (see [`Address`](crate::Address)).

pub use sdk_runtime::wait::{
    Class, Failure, Lifecycle, Outcome, Phase, SetEvent, SetOptions, Snapshot, Wait, WaitError, WaitEvent, WaitPolicy,
    WaitSet, Waiter,
};

use sdk_runtime::wait::{BatchTarget, Classified, EachAlone, Fetched, PollTarget, Polled};

use crate::types::{Message, Request, RequestStatusResponse};
use crate::{Client, Envelope};

/// The background request a waiter polls: `GET {base URL}/requests/{request}`.
///
/// It holds only the client and the id, so a wait can resume in another process from the id alone.
#[derive(Clone, Debug)]
pub struct Target {
    client: Client,
    request_id: i64,
    tenant_name: Option<String>,
}

impl Target {
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

    /// The status call of a poll, with the tenant header when one is set.
    fn status_call(&self) -> crate::builder::GetRequest<'_> {
        let call = self.client.get_request().request(self.request_id);
        match &self.tenant_name {
            Some(name) => call.x_id_tenant_name(name.clone()),
            None => call,
        }
    }
}

impl PollTarget for Target {
    type Status = RequestStatusResponse;

    async fn fetch(&mut self) -> Result<Polled<RequestStatusResponse>, sdk_runtime::Error> {
        Ok(Polled::from(self.status_call().send().await?))
    }

    /// Reads only the request document and the messages while it runs (not the links, which are most of a reply).
    async fn fetch_brief(&mut self) -> Result<Polled<Option<RequestStatusResponse>>, sdk_runtime::Error> {
        Polled::unless_running::<ProgressOnly>(self.status_call().send_unread().await?)
    }

    fn label(&self) -> String {
        format!("GoldenGate request {}", self.request_id)
    }
}

impl Lifecycle for RequestStatusResponse {
    /// The request document's class; a reply without one is still running, unless its messages hold a
    /// GoldenGate error, which ends the wait as a failure.
    fn class(&self) -> Class {
        reply_class(self.response.as_ref(), self.messages())
    }
}

/// The class of a status reply, from its request document and its messages (see [`RequestStatusResponse`]'s).
fn reply_class(response: Option<&Request>, messages: &[Message]) -> Class {
    match response {
        Some(request) => request.class(),
        None if crate::errors::service_error(messages).is_some() => Class::Failed,
        None => Class::Running,
    }
}

/// The members of a status reply that say whether the request still runs.
#[derive(serde::Deserialize)]
struct ProgressOnly {
    response: Option<Request>,
    messages: Option<Vec<Message>>,
}

impl Lifecycle for ProgressOnly {
    /// As [`RequestStatusResponse`]'s.
    fn class(&self) -> Class {
        reply_class(self.response.as_ref(), self.messages.as_deref().unwrap_or_default())
    }
}

impl Classified for RequestStatusResponse {
    /// The request's progress as GoldenGate spells it.
    fn state(&self) -> String {
        match &self.response {
            None => "(no request document)".to_owned(),
            Some(Request { progress: None, .. }) => "(no progress)".to_owned(),
            Some(Request {
                progress: Some(progress),
                ..
            }) => progress.to_string(),
        }
    }

    /// The original call's HTTP status (its result holds the reply) and GoldenGate's error messages, with the
    /// error's code.
    fn failure(&self) -> Failure {
        let error = self.service_error();
        let mut messages: Vec<String> = self
            .response
            .as_ref()
            .and_then(Request::request_status_code)
            .map(|code| format!("the original call ended with HTTP status {code}; its result holds the reply"))
            .into_iter()
            .collect();
        messages.extend(error.iter().flat_map(|e| e.message.iter().chain(&e.details).cloned()));
        Failure {
            state: self.state(),
            code: error.and_then(|e| e.code),
            messages,
        }
    }
}

/// What a status reply means for someone waiting on the request under the default [`WaitPolicy`] (the reply's
/// own classification, with a failure's messages; see the module documentation).
pub fn phase(status: &RequestStatusResponse) -> Phase {
    status.phase(&WaitPolicy::default())
}

impl Client {
    /// A waiter for background request `request_id` of this client's service, under the default [`WaitPolicy`]
    /// (at most two hours).
    ///
    /// ```no_run
    /// # async fn run(client: sdk_ogg::Client) -> Result<(), sdk_ogg::Error> {
    /// use sdk_ogg::wait::Outcome;
    ///
    /// // The common case: the final status, or an error saying why not (failed with the original call's status
    /// // and GoldenGate's messages, aborted, timed out with the last progress, polling failed).
    /// let status = client.wait_for_request(425988415).until_success().await?;
    /// println!("done: {:?}", status.response.and_then(|r| r.request_status_code()));
    ///
    /// // Or every outcome, to act on each.
    /// match client.wait_for_request(425988416).wait().await {
    ///     Outcome::Succeeded(status) => println!("done: {:?}", status.response),
    ///     Outcome::Failed { failure, .. } => eprintln!("failed: {:?}", failure.messages),
    ///     other => eprintln!("{other:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_for_request(&self, request_id: i64) -> Waiter<Target> {
        Waiter::new(Target::new(self.clone(), request_id), WaitPolicy::default())
    }

    /// A set of waits for many background requests of this service, held by one scheduler (see [`WaitSet`]).
    /// GoldenGate has no batch query, so each request is polled with its own `GET`, up to 32 at once; each wait
    /// follows `policy`, as a single [`wait_for_request`](Client::wait_for_request) would.
    pub fn wait_set(&self, policy: WaitPolicy) -> WaitSet<Batch> {
        WaitSet::new(Batch::new(self.clone()), policy)
    }
}

/// Many background requests of one service polled by one [`WaitSet`] (see [`Client::wait_set`]), each with its
/// own `GET`.
#[derive(Clone, Debug)]
pub struct Batch(EachAlone<i64, Target>);

impl Batch {
    /// The background requests of the service `client` talks to, up to 32 polled at once.
    pub fn new(client: Client) -> Self {
        Self(EachAlone::new("GoldenGate requests", move |id| {
            Target::new(client.clone(), id)
        }))
    }

    /// How many requests may be polled at once (at least 1).
    pub fn concurrency(self, requests: usize) -> Self {
        Self(self.0.concurrency(requests))
    }
}

impl BatchTarget for Batch {
    type Id = i64;
    type Status = RequestStatusResponse;

    fn label(&self) -> &'static str {
        self.0.label()
    }

    fn max_batch(&self) -> usize {
        self.0.max_batch()
    }

    async fn fetch(&self, ids: Vec<i64>) -> Fetched<i64, RequestStatusResponse> {
        self.0.fetch(ids).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::RequestProgress;
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

    #[test]
    fn the_reply_reads_its_request_documents_class() {
        for value in RequestProgress::KNOWN_VALUES
            .iter()
            .copied()
            .chain(["SUCCEEDED", "suspended"])
        {
            for completed in [None, Some(false), Some(true)] {
                let reply = status(json!({"progress": value, "completed": completed, "requestStatus": 200}));
                let request = reply.response.clone().expect("a request");
                assert_eq!(reply.class(), request.class(), "{value} {completed:?}");
            }
        }
    }

    #[test]
    fn absent_progress_and_nulls() {
        assert_eq!(phase(&status(json!({"progress": null}))), Phase::Running);
        assert_eq!(
            phase(&status(json!({"completed": true, "requestStatus": 204}))),
            Phase::Succeeded
        );
        let reply: RequestStatusResponse =
            serde_json::from_value(json!({"links": null, "messages": null, "response": null})).expect("a status");
        assert_eq!(phase(&reply), Phase::Running);
        assert_eq!(reply.state(), "(no request document)");
    }
}
