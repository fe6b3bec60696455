//! What went wrong in a work request. Whether it has ended, and well, is its [`Lifecycle`](crate::wait::Lifecycle).

use std::borrow::Cow;

use crate::types::{WorkRequest, WorkRequestError};

impl WorkRequest {
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
