//! A reply built by a simulated service, before it is written to the connection.

use std::collections::HashMap;

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use http::StatusCode;

use crate::operation::percent_decode;

/// A reply: status, headers and body.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Reply {
    /// A JSON reply with the given content type.
    pub(crate) fn json_as(status: u16, content_type: &str, value: &serde_json::Value) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: vec![("content-type".into(), content_type.into())],
            body: Bytes::from(value.to_string()),
        }
    }

    /// A JSON reply (`application/json`).
    pub(crate) fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::json_as(status, "application/json", value)
    }

    /// An empty reply.
    pub(crate) fn empty(status: u16) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// A reply with raw bytes.
    pub(crate) fn bytes(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// What a service handler sees of a request.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    /// `http://host:port` as the client addressed the server (from `Host`).
    pub origin: String,
    /// Decoded query parameters (the last value wins).
    pub query: HashMap<String, String>,
    /// Lower-cased header names and their values.
    pub headers: HashMap<String, String>,
    /// Request body.
    pub body: Bytes,
    /// Virtual time of the request.
    pub now: DateTime<Utc>,
}

impl Ctx {
    /// The body parsed as JSON (`Ok(None)` when empty).
    pub(crate) fn json_body(&self) -> Result<Option<serde_json::Value>, String> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&self.body)
            .map(Some)
            .map_err(|e| format!("The body is not valid JSON: {e}"))
    }

    /// Whether the `Accept` header asks for `media`.
    pub(crate) fn accepts(&self, media: &str) -> bool {
        self.headers.get("accept").is_some_and(|a| a.contains(media))
    }
}

/// RFC 3339 with milliseconds and `Z`, as ESS examples show.
pub(crate) fn rfc3339_millis(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// RFC 3339 without fraction, as GoldenGate's `issued` shows.
pub(crate) fn rfc3339_secs(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An HTTP date in the IMF-fixdate form of RFC 7231 section 7.1.1.1 (`Sun, 06 Nov 1994 08:49:37 GMT`), as the
/// `Date` header carries it.
pub(crate) fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Parses a query string into decoded pairs (`+` is a space).
pub(crate) fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for pair in q.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let dec = |s: &str| percent_decode(&s.replace('+', " "));
        out.insert(dec(k), dec(v));
    }
    out
}

/// The HTML page a reverse proxy answers with when the service behind it is down.
pub(crate) const BAD_GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_is_imf_fixdate() {
        let t = DateTime::from_timestamp(784_111_777, 0).unwrap_or_default();
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        let t = DateTime::from_timestamp(978_312_605, 500_000_000).unwrap_or_default();
        assert_eq!(http_date(t), "Mon, 01 Jan 2001 01:30:05 GMT");
    }
}
