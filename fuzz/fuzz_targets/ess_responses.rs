//! Arbitrary bytes as the body of every ess reply: each success type the client decodes (the one parse the
//! runtime makes of a success body), the id of a submitted request read from its reply (`id`, `requestId` or the
//! `self` link), and the service's error-document parser. The first byte picks the type, so
//! one target covers every response type of the client.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Each success type of the client, decoded as the runtime decodes it.
const DECODERS: &[fn(&[u8])] = &[
    |body| drop(serde_json::from_slice::<sdk_ess::types::ActionResponse>(body)),
    |body| drop(serde_json::from_slice::<sdk_ess::types::PermissionDetails>(body)),
    |body| drop(serde_json::from_slice::<sdk_ess::types::RequestDetails>(body)),
    |body| drop(serde_json::from_slice::<sdk_ess::types::RequestQueryResponse>(body)),
    |body| drop(serde_json::from_slice::<sdk_ess::types::RootResource>(body)),
    |body| {
        if let Ok(reply) = serde_json::from_slice::<sdk_ess::types::SubmitResponse>(body) {
            let _ = reply.request_id();
        }
    },
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    DECODERS[usize::from(pick) % DECODERS.len()](body);
    let _ = (<sdk_ess::Client as sdk_runtime::ServiceClient>::SERVICE.parse_error)(body);
});
