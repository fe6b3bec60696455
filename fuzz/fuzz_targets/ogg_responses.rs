//! Arbitrary bytes as the body of every ogg reply: each operation's success type (the check the runtime runs
//! before the generated code parses a reply) and the service's error-document parser. The first byte picks the
//! operation, so one target covers every response type of the client.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let operations = sdk_ogg::OPERATIONS_WITH_JSON_REPLIES;
    let operation = operations[usize::from(pick) % operations.len()];
    let _ = (sdk_ogg::SERVICE.check_success_body)(operation, body);
    let _ = (sdk_ogg::SERVICE.parse_error)(body);
});
