//! What a caller asks of a work request while following it: is it over, did it succeed, what went wrong.

use std::borrow::Cow;

use crate::types::{WorkRequest, WorkRequestError, WorkRequestStatus};

impl WorkRequestStatus {
    /// Whether the work request has ended: `SUCCEEDED`, `FAILED` or `CANCELED`.
    ///
    /// `ACCEPTED`, `IN_PROGRESS` and `CANCELING` are not final, and neither is a status this SDK does not know:
    /// a loop that follows a work request should therefore also bound its own duration.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Canceled)
    }
}

impl WorkRequest {
    /// Whether the work request has ended (see [`WorkRequestStatus::is_final`]).
    pub fn is_final(&self) -> bool {
        self.status.is_final()
    }

    /// Whether the work request ended successfully.
    pub fn succeeded(&self) -> bool {
        self.status == WorkRequestStatus::Succeeded
    }

    /// The errors the work request reports, whether the server spells the key `Errors` (as Oracle documents it)
    /// or `errors`.
    ///
    /// Under `errors`, entries that are not error objects are skipped rather than failing the whole work request.
    pub fn reported_errors(&self) -> Cow<'_, [WorkRequestError]> {
        if let Some(errors) = self.errors.as_deref().filter(|e| !e.is_empty()) {
            return Cow::Borrowed(errors);
        }
        let lower_case = self.extra.get("errors").and_then(serde_json::Value::as_array);
        Cow::Owned(
            lower_case
                .into_iter()
                .flatten()
                .filter_map(|entry| serde_json::from_value(entry.clone()).ok())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn work_request(extra: serde_json::Value) -> WorkRequest {
        let mut body = json!({
            "id": "bidr-1",
            "operationType": "RELOAD_DATASET",
            "percentComplete": 40,
            "status": "FAILED",
            "timeAccepted": "2022-07-06T20:25:11.0+0000"
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        serde_json::from_value(body).expect("a work request")
    }

    #[test]
    fn final_statuses() {
        for (status, done) in [
            ("ACCEPTED", false),
            ("IN_PROGRESS", false),
            ("CANCELING", false),
            ("SUCCEEDED", true),
            ("FAILED", true),
            ("CANCELED", true),
            ("PAUSED_BY_ORACLE", false),
        ] {
            assert_eq!(WorkRequestStatus::from(status).is_final(), done, "{status}");
        }
        assert!(work_request(json!({})).is_final());
        assert!(!work_request(json!({})).succeeded());
    }

    #[test]
    fn errors_are_read_under_either_key() {
        let documented = work_request(json!({"Errors": [{"code": "E1", "message": "capital"}]}));
        assert_eq!(documented.reported_errors()[0].code.as_deref(), Some("E1"));
        let lower = work_request(
            json!({"errors": [{"code": "E2", "message": "lower", "timestamp": "2022-07-06T20:25:40.0+0000"}, "not an object"]}),
        );
        let errors = lower.reported_errors();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message.as_deref(), Some("lower"));
        assert!(errors[0].timestamp.as_ref().and_then(|t| t.to_datetime()).is_some());
        assert!(work_request(json!({"Errors": null})).reported_errors().is_empty());
        assert!(work_request(json!({"errors": "oops"})).reported_errors().is_empty());
        assert!(work_request(json!({})).reported_errors().is_empty());
    }
}
