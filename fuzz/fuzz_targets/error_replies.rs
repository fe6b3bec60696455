//! Arbitrary error replies, read as a call reads them: status, headers and body through the runtime's reply
//! reading (`sdk_runtime::fuzzing::error_reply`), with the error parser of the service the first byte picks;
//! then everything a caller reads of the error: the typed error documents of the three services, the request id,
//! `Retry-After`, retryability and the `Display` and `Debug` forms.
//!
//! Input: one byte for the service, two bytes for the status (taken modulo 500, plus 100), then header lines
//! `name: value` up to an empty line, then the body.
#![no_main]

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use libfuzzer_sys::fuzz_target;
use sdk_ess::EssErrorDocument;
use sdk_ogg::OggErrorDocument;
use sdk_runtime::{Service, ServiceClient};
use sdk_workrequests::OacErrorDocument;

const SERVICES: [Service; 3] = [
    <sdk_ess::Client as ServiceClient>::SERVICE,
    <sdk_ogg::Client as ServiceClient>::SERVICE,
    <sdk_workrequests::Client as ServiceClient>::SERVICE,
];

/// Header lines up to the first empty line, and the rest as the body.
fn split(rest: &[u8]) -> (HeaderMap, &[u8]) {
    let mut headers = HeaderMap::new();
    let mut at = 0;
    while at < rest.len() {
        let end = rest[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| at + i);
        let line = &rest[at..end];
        at = (end + 1).min(rest.len());
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(line[colon + 1..].trim_ascii()),
        ) else {
            continue;
        };
        headers.append(name, value);
    }
    (headers, &rest[at..])
}

fuzz_target!(|data: &[u8]| {
    let [pick, high, low, rest @ ..] = data else {
        return;
    };
    let service = SERVICES[usize::from(*pick) % SERVICES.len()];
    let status = StatusCode::from_u16(u16::from_be_bytes([*high, *low]) % 500 + 100).expect("100..=599");
    let (headers, body) = split(rest);
    let Some(error) = sdk_runtime::fuzzing::error_reply(service, status, headers, Bytes::copy_from_slice(body)) else {
        panic!("an in-memory error reply was not read at once");
    };
    let _ = error.ess_error_document();
    let _ = error.ogg_error_document();
    let _ = error.oac_error_document();
    let _ = error.to_string();
    let _ = format!("{error:?}");
    let api = error.api().expect("an error reply is an API error");
    assert_eq!(api.status(), status);
    let _ = (
        api.request_id(),
        api.retry_after(),
        api.is_retryable(),
        api.service_error(),
    );
});
