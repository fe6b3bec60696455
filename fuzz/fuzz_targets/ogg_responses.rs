//! Arbitrary bytes as the body of every ogg reply: each success type the client decodes (the one parse the
//! runtime makes of a success body), then what the crate reads by hand from the decoded envelope: its links (the
//! request id they point at), its messages (errors summarised as a `ServiceError`), the ids of a list, the status
//! code of a finished request, and a result's body decoded as the caller's type (`BodyError` when it is not).
//! The service's error-document parser reads the same bytes. The first byte picks the type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdk_ogg::Envelope;
use sdk_ogg::types::{RequestListResponse, RequestResultResponse, RequestStatusResponse, StandardResponse};

/// What every envelope offers.
fn read_envelope(envelope: &impl Envelope) {
    let _ = envelope.request_id();
    let _ = envelope.service_error();
    let _ = envelope.error_messages().count();
    let _ = sdk_ogg::request_id_from_links(envelope.links());
}

/// Each success type of the client, decoded as the runtime decodes it, then read.
const DECODERS: &[fn(&[u8])] = &[
    |body| {
        if let Ok(list) = serde_json::from_slice::<RequestListResponse>(body) {
            read_envelope(&list);
            let _ = list.request_ids();
        }
    },
    |body| {
        if let Ok(reply) = serde_json::from_slice::<RequestResultResponse>(body) {
            read_envelope(&reply);
            let _ = reply.decode_body::<serde_json::Value>().map_err(|e| e.to_string());
            let _ = reply.decode_body::<RequestStatusResponse>().map_err(|e| e.to_string());
            if let Ok(result) = reply.result() {
                let _ = (
                    result.body_json(),
                    result.body_text(),
                    result.status_code(),
                    result.service_error(),
                );
                let _ = (result.header("Content-Type"), result.header("location"));
            }
        }
    },
    |body| {
        if let Ok(status) = serde_json::from_slice::<RequestStatusResponse>(body) {
            read_envelope(&status);
            if let Some(request) = &status.response {
                let _ = request.request_status_code();
            }
        }
    },
    |body| {
        if let Ok(standard) = serde_json::from_slice::<StandardResponse>(body) {
            read_envelope(&standard);
        }
    },
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    DECODERS[usize::from(pick) % DECODERS.len()](body);
    let _ = (<sdk_ogg::Client as sdk_runtime::ServiceClient>::SERVICE.parse_error)(body);
});
