//! Arbitrary bytes as the reply to an ESS multi-select query, read as a wait set reads it: the first byte chooses
//! how many ids were asked for; the rest is the body. Whatever the items look like (flat, nested, ids that were
//! not asked for, duplicates, items without a state), every id asked for ends either answered once or left to be
//! fetched alone, and nothing else is answered.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&count, body)) = data.split_first() else { return };
    // Ids the seeds use (small numbers and real 15-digit ones), so that fuzzed replies can name them.
    let asked: Vec<i64> = (0..i64::from(count % 8))
        .flat_map(|i| [i + 1, 4711971 + i, 300000012345680 + i])
        .collect();
    let Some(sdk_ess::fuzzing::BatchRead { answered, missing }) = sdk_ess::fuzzing::batch_reply(&asked, body) else {
        return;
    };
    for (id, details) in &answered {
        assert!(asked.contains(id), "answered an id not asked for: {id}");
        assert_eq!(details.request_id, Some(*id), "an answer filed under another id");
        assert!(details.state.is_some(), "an answer without a state");
        assert_eq!(answered.iter().filter(|(seen, _)| seen == id).count(), 1, "{id} answered twice");
        assert!(!missing.contains(id), "{id} both answered and missing");
    }
    for id in &asked {
        assert!(answered.iter().any(|(seen, _)| seen == id) || missing.contains(id), "{id} lost");
    }
});
