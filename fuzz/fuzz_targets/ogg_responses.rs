//! Arbitrary bytes as the body of every ogg reply: each success type the client decodes (the one parse the
//! runtime makes of a success body) and the service's error-document parser. The first byte picks the type, so
//! one target covers every response type of the client.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Each success type of the client, decoded as the runtime decodes it.
const DECODERS: &[fn(&[u8])] = &[
    |body| drop(serde_json::from_slice::<sdk_ogg::types::RequestListResponse>(body)),
    |body| drop(serde_json::from_slice::<sdk_ogg::types::RequestResultResponse>(body)),
    |body| drop(serde_json::from_slice::<sdk_ogg::types::RequestStatusResponse>(body)),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    DECODERS[usize::from(pick) % DECODERS.len()](body);
    let _ = (<sdk_ogg::Client as sdk_runtime::ServiceClient>::SERVICE.parse_error)(body);
});
