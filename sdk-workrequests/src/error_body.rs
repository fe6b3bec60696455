//! Oracle Analytics' error document, `Error {code, message}`, on every error of this crate.

use sdk_runtime::{ApiError, Error, ServiceError};

use crate::{StartError, types};

/// Reads Oracle Analytics' `Error {code, message}` body. Some OAC endpoints have been seen answering
/// `{"error": "..."}` instead; that text is taken as the message. Anything else (an HTML page from a proxy, an
/// empty body, JSON without those members) is not an Oracle Analytics error document.
pub(crate) fn parse_error(body: &[u8]) -> Option<ServiceError> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    let (code, message) = match (text("code"), text("message")) {
        (None, None) => (None, Some(text("error")?)),
        found => found,
    };
    Some(ServiceError {
        code,
        message,
        details: Vec::new(),
    })
}

/// Access to Oracle Analytics' typed error document on any error of this crate.
///
/// ```no_run
/// use sdk_workrequests::OacErrorExt;
///
/// # async fn demo(client: sdk_workrequests::Client) {
/// if let Err(e) = client.get_work_request().id("bidr-unknown").send().await {
///     let e = sdk_workrequests::Error::from(e);
///     if let Some(body) = e.oac_error() {
///         eprintln!("Oracle Analytics says {:?}: {:?}", body.code, body.message);
///     }
/// }
/// # }
/// ```
pub trait OacErrorExt {
    /// The `Error {code, message}` document the server sent, when the error body is one.
    fn oac_error(&self) -> Option<types::Error>;
}

impl OacErrorExt for ApiError {
    fn oac_error(&self) -> Option<types::Error> {
        let service_error = parse_error(self.body())?;
        Some(types::Error {
            code: service_error.code,
            message: service_error.message,
        })
    }
}

impl OacErrorExt for Error {
    fn oac_error(&self) -> Option<types::Error> {
        self.api()?.oac_error()
    }
}

impl OacErrorExt for StartError {
    fn oac_error(&self) -> Option<types::Error> {
        self.api()?.oac_error()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oac_error_document_is_read() {
        let error = parse_error(br#"{"code":"WorkRequestNotFound","message":"No work request bidr-1"}"#)
            .expect("an Analytics error document");
        assert_eq!(error.code.as_deref(), Some("WorkRequestNotFound"));
        assert_eq!(error.message.as_deref(), Some("No work request bidr-1"));
        let code_only = parse_error(br#"{"code":"SearchIndexNotReady"}"#).expect("code only");
        assert_eq!(code_only.code.as_deref(), Some("SearchIndexNotReady"));
        assert_eq!(code_only.message, None);
    }

    #[test]
    fn the_error_string_shape_is_a_message() {
        let error = parse_error(br#"{"error":"invalid dataset id"}"#).expect("error shape");
        assert_eq!(error.code, None);
        assert_eq!(error.message.as_deref(), Some("invalid dataset id"));
    }

    #[test]
    fn other_bodies_are_not_analytics_errors() {
        for body in [
            &b"<html>Bad Gateway</html>"[..],
            b"",
            b"{}",
            b"[1,2]",
            b"{\"code\": 5}",
            b"{\"error\": {\"nested\": true}}",
        ] {
            assert_eq!(parse_error(body), None, "{}", String::from_utf8_lossy(body));
        }
    }
}
