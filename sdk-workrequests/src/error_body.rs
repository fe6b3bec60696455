//! Oracle Analytics' error document, on every error of this crate.
//!
//! Oracle documents `Error {code, message}`. Real servers also send other members and other shapes: the REST
//! servlet's own failure `{"servlet": "PublicAPIJerseyServlet", "message": "Server Error"}` (a 500), and
//! `{"error": "Failed to create the connection. ..."}` (a 400). The error's `Display` shows the server's own text
//! whichever member holds it; the typed document is `error.oac_error_document()` ([`OacErrorDocument`]).
//!
//! [`OacErrorDocument`]: crate::OacErrorDocument

use sdk_runtime::ServiceError;
use serde_json::{Map, Value};

/// The members that hold the server's text, most specific first. `message` and `error` are what Oracle Analytics
/// servers were seen to send; the others are the names other Oracle and HTTP APIs use, read so that a new shape
/// still shows its text.
const TEXT_MEMBERS: &[&str] = &[
    "message",
    "error",
    "errorMessage",
    "error_description",
    "detail",
    "title",
    "description",
];

/// Reads an Oracle Analytics error body into the code, the message and further details.
///
/// - `code`: the `code` member.
/// - message: the first of `message`, `error`, `errorMessage`, `error_description`, `detail`, `title`,
///   `description` holding non-blank text; the others that hold text follow it as details. In an OAuth 2 error
///   (`{"error": "invalid_token", "error_description": "..."}`, as an identity domain may answer a `401`),
///   `error` is the code and `error_description` the message.
/// - `servlet`, when present, is a detail (`servlet PublicAPIJerseyServlet`).
///
/// Other members are allowed and left out. A body that is not a JSON object, or holds neither a code nor text
/// (an HTML page from a proxy, an empty body, `{}`), is not an Oracle Analytics error document.
pub(crate) fn parse_error(body: &[u8]) -> Option<ServiceError> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let mut code = text(object, "code");
    let oauth = code.is_none() && text(object, "error_description").is_some();
    let mut texts: Vec<String> = Vec::new();
    for member in TEXT_MEMBERS {
        let Some(found) = text(object, member) else { continue };
        if oauth && *member == "error" {
            code = Some(found);
        } else if !texts.contains(&found) {
            texts.push(found);
        }
    }
    if code.is_none() && texts.is_empty() {
        return None;
    }
    let mut texts = texts.into_iter();
    let message = texts.next();
    let mut details: Vec<String> = texts.collect();
    if let Some(servlet) = text(object, "servlet") {
        details.push(format!("servlet {servlet}"));
    }
    Some(ServiceError { code, message, details })
}

/// The non-blank string value of `member`.
fn text(object: &Map<String, Value>, member: &str) -> Option<String> {
    let text = object.get(member)?.as_str()?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(body: &str) -> ServiceError {
        parse_error(body.as_bytes()).unwrap_or_else(|| panic!("not read: {body}"))
    }

    #[test]
    fn the_documented_document_is_read() {
        let error = parsed(r#"{"code":"WorkRequestNotFound","message":"No work request bidr-1"}"#);
        assert_eq!(error.code.as_deref(), Some("WorkRequestNotFound"));
        assert_eq!(error.message.as_deref(), Some("No work request bidr-1"));
        assert!(error.details.is_empty());
        let code_only = parsed(r#"{"code":"SearchIndexNotReady"}"#);
        assert_eq!(code_only.code.as_deref(), Some("SearchIndexNotReady"));
        assert_eq!(code_only.message, None);
    }

    #[test]
    fn the_servlet_shape_of_a_real_500_is_read() {
        let error = parsed(r#"{"servlet":"PublicAPIJerseyServlet","message":"Server Error"}"#);
        assert_eq!(error.code, None);
        assert_eq!(error.message.as_deref(), Some("Server Error"));
        assert_eq!(error.details, ["servlet PublicAPIJerseyServlet"]);
    }

    #[test]
    fn the_error_member_of_a_real_400_is_the_message() {
        let error = parsed(r#"{"error":"Failed to create the connection. Validation failed"}"#);
        assert_eq!(error.code, None);
        assert_eq!(
            error.message.as_deref(),
            Some("Failed to create the connection. Validation failed")
        );
    }

    #[test]
    fn every_member_holding_text_is_kept() {
        let error = parsed(r#"{"code":"E1","message":"short","error":"longer text","extra":{"n":1},"detail":"short"}"#);
        assert_eq!(error.code.as_deref(), Some("E1"));
        assert_eq!(error.message.as_deref(), Some("short"));
        assert_eq!(error.details, ["longer text"]);
        let blank_message = parsed(r#"{"message":"  ","errorMessage":"the real text"}"#);
        assert_eq!(blank_message.message.as_deref(), Some("the real text"));
    }

    #[test]
    fn an_oauth_error_has_its_code_and_description() {
        let error = parsed(r#"{"error":"invalid_token","error_description":"The access token expired"}"#);
        assert_eq!(error.code.as_deref(), Some("invalid_token"));
        assert_eq!(error.message.as_deref(), Some("The access token expired"));
    }

    #[test]
    fn other_bodies_are_not_analytics_errors() {
        for body in [
            &b"<html>Bad Gateway</html>"[..],
            b"",
            b"{}",
            b"[1,2]",
            b"\"Server Error\"",
            b"{\"code\": 5}",
            b"{\"error\": {\"nested\": true}}",
            b"{\"servlet\": \"PublicAPIJerseyServlet\"}",
            b"{\"message\": \"   \"}",
        ] {
            assert_eq!(parse_error(body), None, "{}", String::from_utf8_lossy(body));
        }
    }
}
