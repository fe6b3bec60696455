//! The replayed result of a background request: the original call's status line, headers and body, and the body
//! decoded into the type the caller names.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::ServiceError;
use crate::types::{RequestResult, RequestResultBody, RequestResultResponse};

/// Why the body of a request result could not be decoded into the type asked for.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The reply's envelope has no `response` document (no `ogg:requestResult`).
    #[error("the request result reply has no `response` document")]
    NoResult,
    /// The result has no `body`: the original call answered without one.
    #[error("the request result has no body to decode as {target}")]
    NoBody {
        /// The type that was asked for.
        target: String,
    },
    /// The body is a string (a non-JSON reply of the original call), not a JSON document.
    #[error(
        "the request result's body is a string of {len} characters, not a JSON document to decode as {target} (it starts with {excerpt:?})"
    )]
    Text {
        /// The type that was asked for.
        target: String,
        /// The length of the string, in characters.
        len: usize,
        /// Its first 80 characters.
        excerpt: String,
    },
    /// The body is a JSON document of another shape than the type asked for.
    #[error("the request result's body does not decode as {target}: {source}")]
    Shape {
        /// The type that was asked for.
        target: String,
        /// What the JSON decoder reported.
        #[source]
        source: serde_json::Error,
    },
}

impl RequestResult {
    /// Decodes the body of the original reply as `T`, usually the original operation's reply type (a whole
    /// standard response envelope such as [`StandardResponse`](crate::types::StandardResponse)).
    ///
    /// Fails with [`BodyError::NoBody`] when there is no body, [`BodyError::Text`] when the body is a string, and
    /// [`BodyError::Shape`] when the JSON does not match `T`.
    ///
    /// ```
    /// use sdk_ogg::types::{RequestResult, StandardResponse};
    ///
    /// let result: RequestResult = serde_json::from_str(r#"{
    ///     "status": {"code": 200, "reason": "OK"},
    ///     "headers": [{"name": "Content-Type", "value": "application/json"}],
    ///     "body": {"$schema": "api:standardResponse", "links": [], "messages": []}
    /// }"#)?;
    /// let original: StandardResponse = result.decode_body()?;
    /// assert_eq!(original.schema.as_deref(), Some("api:standardResponse"));
    ///
    /// let text: RequestResult = serde_json::from_str(r#"{"status": {"code": 500}, "body": "Internal error"}"#)?;
    /// let error = text.decode_body::<StandardResponse>().unwrap_err();
    /// assert!(error.to_string().contains("is a string of 14 characters"), "{error}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_body<T: DeserializeOwned>(&self) -> Result<T, BodyError> {
        // `sdk_ogg::types::X` as users write it, not the private module it is declared in.
        let target = std::any::type_name::<T>().replace("::generated::", "::");
        match &self.body {
            None => Err(BodyError::NoBody { target }),
            Some(RequestResultBody::String(text)) => Err(BodyError::Text {
                target,
                len: text.chars().count(),
                excerpt: text.chars().take(80).collect(),
            }),
            Some(RequestResultBody::Object(object)) => serde_json::from_value(Value::Object(object.clone()))
                .map_err(|source| BodyError::Shape { target, source }),
        }
    }

    /// The body when it is a JSON document.
    pub fn body_json(&self) -> Option<&Map<String, Value>> {
        match &self.body {
            Some(RequestResultBody::Object(object)) => Some(object),
            _ => None,
        }
    }

    /// The body when it is a string (a non-JSON reply of the original call).
    pub fn body_text(&self) -> Option<&str> {
        match &self.body {
            Some(RequestResultBody::String(text)) => Some(text),
            _ => None,
        }
    }

    /// The HTTP status code the original call ended with (`status.code`), when it is a valid status code.
    pub fn status_code(&self) -> Option<u16> {
        let code = self.status.as_ref()?.code?;
        u16::try_from(code).ok().filter(|code| (100..=599).contains(code))
    }

    /// The value of the original reply's first header called `name` (compared without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .flatten()
            .find(|header| header.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .and_then(|header| header.value.as_deref())
    }

    /// GoldenGate's errors in the original reply, when its body is a standard response envelope with messages of
    /// severity `ERROR` (see [`service_error`](crate::service_error)).
    pub fn service_error(&self) -> Option<ServiceError> {
        let body = Value::Object(self.body_json()?.clone());
        crate::errors::service_error(&crate::errors::messages_in(&body))
    }
}

impl RequestResultResponse {
    /// The result document (`ogg:requestResult`) of this reply.
    pub fn result(&self) -> Result<&RequestResult, BodyError> {
        self.response.as_ref().ok_or(BodyError::NoResult)
    }

    /// Decodes the body of the original reply as `T`; see [`RequestResult::decode_body`].
    pub fn decode_body<T: DeserializeOwned>(&self) -> Result<T, BodyError> {
        self.result()?.decode_body()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Request, StandardResponse};
    use serde_json::json;

    fn result(value: Value) -> RequestResult {
        serde_json::from_value(value).expect("a request result")
    }

    #[test]
    fn object_body_decodes_into_the_named_type() {
        let r = result(json!({
            "$schema": "ogg:requestResult",
            "status": {"code": 200, "reason": "OK"},
            "headers": [{"name": "content-type", "value": "application/json"}],
            "body": {"$schema": "api:standardResponse", "links": [], "messages": [], "response": {"progress": "succeeded"}}
        }));
        let envelope: StandardResponse = r.decode_body().expect("decodes");
        let response = envelope.response.as_ref().expect("a response document");
        assert_eq!(response.get("progress"), Some(&json!("succeeded")));
        assert_eq!(r.status_code(), Some(200));
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        assert_eq!(r.header("Location"), None);
        assert!(r.body_text().is_none() && r.body_json().is_some());
    }

    #[test]
    fn string_body_is_a_clear_error() {
        let r = result(json!({"status": {"code": 502}, "body": "<html>Bad Gateway</html>"}));
        match r.decode_body::<StandardResponse>() {
            Err(BodyError::Text { target, len, excerpt }) => {
                assert_eq!(target, "sdk_ogg::types::StandardResponse");
                assert_eq!(len, 24);
                assert_eq!(excerpt, "<html>Bad Gateway</html>");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(r.body_text(), Some("<html>Bad Gateway</html>"));
        assert_eq!(r.status_code(), Some(502));
    }

    #[test]
    fn other_shape_is_a_clear_error() {
        let r = result(json!({"body": {"progress": ["not", "a", "string"]}}));
        let error = r.decode_body::<Request>().expect_err("progress is not a string");
        assert!(matches!(error, BodyError::Shape { .. }), "{error:?}");
        let shown = error.to_string();
        assert!(
            shown.contains("types::Request") && shown.contains("RequestProgress"),
            "{shown}"
        );
    }

    #[test]
    fn missing_body_status_and_result() {
        let r = result(json!({}));
        assert!(matches!(r.decode_body::<Value>(), Err(BodyError::NoBody { .. })));
        assert_eq!(r.status_code(), None);
        assert!(matches!(
            RequestResultResponse::default().decode_body::<Value>(),
            Err(BodyError::NoResult)
        ));
        let odd = result(json!({"status": {"code": 99}}));
        assert_eq!(odd.status_code(), None);
    }

    #[test]
    fn errors_of_the_original_reply() {
        let r = result(json!({
            "status": {"code": 404, "reason": "Not Found"},
            "body": {"messages": [{"code": "OGG-12029", "severity": "ERROR", "title": "No such extract."}]}
        }));
        let error = r.service_error().expect("an error");
        assert_eq!(error.code.as_deref(), Some("OGG-12029"));
        assert_eq!(result(json!({"body": "text"})).service_error(), None);
    }
}
