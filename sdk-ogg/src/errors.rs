//! GoldenGate's errors: the standard envelope's messages of severity `ERROR`, with their `OGG-nnnnn` codes.
//!
//! No GoldenGate page defines an error body; GoldenGate answers with the standard response envelope, whose
//! `messages` say what went wrong. The authentication layer, or a proxy in front of the service, may answer with an
//! empty body or an HTML page instead: that is not a GoldenGate error document, and the error keeps only the status
//! and the raw body.

use serde_json::Value;

use crate::ServiceError;
use crate::types::{Message, MessageSeverity};

impl Message {
    /// Whether this message reports an error (severity `ERROR`, in any letter case).
    pub fn is_error(&self) -> bool {
        self.severity == Some(MessageSeverity::Error)
    }
}

/// Summarises GoldenGate's error messages as the runtime's [`ServiceError`]: the first message of severity `ERROR`
/// gives the code (`OGG-nnnnn`) and the message (its title); each further error becomes a detail
/// `"OGG-nnnnn: title"`. Messages of other severities are left out. `None` when no error message has a code or a
/// title.
///
/// ```
/// use sdk_ogg::types::Message;
///
/// let messages: Vec<Message> = serde_json::from_str(r#"[
///     {"code": "OGG-08100", "severity": "INFO", "title": "started"},
///     {"code": "OGG-12029", "severity": "ERROR", "title": "The request does not exist."},
///     {"code": "OGG-00001", "severity": "ERROR", "title": "Second problem."}
/// ]"#)?;
/// let error = sdk_ogg::service_error(&messages).expect("two errors");
/// assert_eq!(error.code.as_deref(), Some("OGG-12029"));
/// assert_eq!(error.message.as_deref(), Some("The request does not exist."));
/// assert_eq!(error.details, ["OGG-00001: Second problem."]);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn service_error<'a>(messages: impl IntoIterator<Item = &'a Message>) -> Option<ServiceError> {
    let mut errors = messages
        .into_iter()
        .filter(|message| message.is_error())
        .filter_map(|message| Some((message, detail(message)?)));
    let (first, _) = errors.next()?;
    Some(ServiceError {
        code: first.code.clone(),
        message: first.title.clone(),
        details: errors.map(|(_, detail)| detail).collect(),
    })
}

/// A message as one line, `"OGG-nnnnn: title"`; `None` when it has neither code nor title.
fn detail(message: &Message) -> Option<String> {
    match (&message.code, &message.title) {
        (Some(code), Some(title)) => Some(format!("{code}: {title}")),
        (Some(text), None) | (None, Some(text)) => Some(text.clone()),
        (None, None) => None,
    }
}

/// The `messages` of a standard response envelope, read leniently: an item that is not a message is skipped, and
/// anything that is not a JSON object with a `messages` array has none.
pub(crate) fn messages_in(document: &Value) -> Vec<Message> {
    document
        .get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| serde_json::from_value(item.clone()).ok())
        .collect()
}

/// The error-body parser of the crate's service description: GoldenGate's `ERROR` messages, when the body is a standard
/// response envelope that has some. It also decides what [`OggErrorDocument::ogg_error_document`] returns: the whole
/// envelope, only for a body that holds such a message.
///
/// [`OggErrorDocument::ogg_error_document`]: crate::OggErrorDocument::ogg_error_document
pub(crate) fn parse_error(body: &[u8]) -> Option<ServiceError> {
    let document: Value = serde_json::from_slice(body).ok()?;
    service_error(&messages_in(&document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_become_the_service_error() {
        let body = br#"{
            "$schema": "api:standardResponse",
            "links": [{"rel": "canonical", "href": "http://localhost:9012/services/v2/requests/9", "mediaType": "application/json"}],
            "messages": [
                {"$schema": "ogg:message", "code": "OGG-08100", "severity": "INFO", "issued": "2019-02-09T20:51:15Z",
                 "title": "Request received.", "type": "http://docs.oracle.com/goldengate/c1810/gg-winux/GMESG/oggus.htm#OGG-08100"},
                {"$schema": "ogg:message", "code": "OGG-12029", "severity": "ERROR", "issued": "2019-02-09 20:51:15.123456z",
                 "title": "The item with name '9' does not exist.", "type": "http://docs.oracle.com/goldengate/c1810/gg-winux/GMESG/oggus.htm#OGG-12029"},
                {"code": "OGG-00001", "severity": "ERROR", "title": "Second."},
                {"severity": "ERROR"},
                {"title": "no severity"}
            ]
        }"#;
        let error = parse_error(body).expect("a GoldenGate error");
        assert_eq!(error.code.as_deref(), Some("OGG-12029"));
        assert_eq!(error.message.as_deref(), Some("The item with name '9' does not exist."));
        assert_eq!(error.details, ["OGG-00001: Second."]);
    }

    #[test]
    fn odd_items_are_skipped_not_fatal() {
        let body = br#"{"messages": [42, {"severity": 5}, "text", {"code": "OGG-01234", "severity": "error", "title": "lower-case severity"}]}"#;
        let error = parse_error(body).expect("the readable message counts");
        assert_eq!(error.code.as_deref(), Some("OGG-01234"));
        assert!(error.details.is_empty());
    }

    #[test]
    fn other_bodies_are_not_goldengate_errors() {
        for body in [
            &b"<html><body>401 Authorization Required</body></html>"[..],
            b"",
            b"{}",
            b"[1,2]",
            b"null",
            b"{\"messages\": []}",
            b"{\"messages\": {\"severity\": \"ERROR\"}}",
            b"{\"messages\": [{\"code\": \"OGG-08100\", \"severity\": \"WARNING\", \"title\": \"just a warning\"}]}",
            b"{\"links\": [], \"messages\": [{\"code\": \"OGG-08100\", \"severity\": \"INFO\", \"title\": \"fine\"}]}",
        ] {
            assert_eq!(parse_error(body), None, "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn code_only_and_title_only_errors() {
        let messages: Vec<Message> = serde_json::from_str(
            r#"[{"severity": "ERROR", "title": "no code"}, {"code": "OGG-00002", "severity": "ERROR"}]"#,
        )
        .expect("messages");
        let error = service_error(&messages).expect("errors");
        assert_eq!(error.code, None);
        assert_eq!(error.message.as_deref(), Some("no code"));
        assert_eq!(error.details, ["OGG-00002"]);
    }
}
