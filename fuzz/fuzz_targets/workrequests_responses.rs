//! Arbitrary bytes as the body of every workrequests reply: each success type the client decodes (the one parse
//! the runtime makes of a success body), the work request id of a snapshot creation's reply, the errors a work
//! request reports, and the service's error-document parser. The first byte picks the type, so
//! one target covers every response type of the client.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Each success type of the client, decoded as the runtime decodes it.
const DECODERS: &[fn(&[u8])] = &[
    |body| {
        if let Ok(reply) = serde_json::from_slice::<sdk_workrequests::types::CreateSnapshotResponse>(body) {
            let _ = sdk_workrequests::WorkRequestId::from_body(&reply);
        }
    },
    |body| {
        if let Ok(work_request) = serde_json::from_slice::<sdk_workrequests::types::WorkRequest>(body) {
            let _ = work_request.reported_errors().len();
        }
    },
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    DECODERS[usize::from(pick) % DECODERS.len()](body);
    let _ = (<sdk_workrequests::Client as sdk_runtime::ServiceClient>::SERVICE.parse_error)(body);
});
