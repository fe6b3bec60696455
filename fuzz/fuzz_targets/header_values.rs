//! Arbitrary text as each small value a server sends that the clients read by hand: a timestamp
//! (`sdk_runtime::Timestamp`, from a JSON string too), a `Retry-After` header, an Analytics `oa-work-request-id`
//! header, a GoldenGate link's `href` (the request id at its end) and an Analytics object id as it appears in a
//! path.
#![no_main]

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use sdk_runtime::Timestamp;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    let timestamp: Timestamp = text.parse().unwrap_or_else(|never| match never {});
    assert_eq!(timestamp.as_str(), text);
    if let Some(at) = timestamp.to_datetime() {
        // An instant that was read is one the clients can show and send back.
        let again = Timestamp::from(at);
        assert_eq!(again.to_datetime(), Some(at));
    }
    if let Ok(json) = serde_json::to_string(&text) {
        let from_json: Timestamp = serde_json::from_str(&json).expect("a JSON string is a timestamp");
        assert_eq!(from_json, timestamp);
    }

    if let Ok(value) = HeaderValue::from_bytes(data) {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, value.clone());
        headers.insert(sdk_workrequests::OA_WORK_REQUEST_ID, value);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        let _ = sdk_runtime::retry::retry_after(&headers, now);
        if let Some(id) = sdk_workrequests::WorkRequestId::from_headers(&headers) {
            assert!(!id.as_str().is_empty());
        }
    }

    let _ = sdk_ogg::request_id_from_href(&text);
    let _ = sdk_workrequests::ObjectId::from_encoded(&text).map(|id| id.encoded());
});
