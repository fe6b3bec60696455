//! Arbitrary requests to the simulator, handed in memory to the handlers its server uses
//! (`sdk_simulator::fuzzing::Session`): the ESS query language `q`, `orderBy`, `fields`/`excludeFields`,
//! multi-select `id` lists, GoldenGate and Analytics paths and bodies, and the admin endpoints' JSON bodies.
//!
//! Input: requests separated by a line `---`; each is a request line `METHOD target`, header lines `name: value`,
//! an empty line and the body. Each input starts from a fresh simulator, so a request may act on what an earlier
//! one of the same input created.
#![no_main]

use bytes::Bytes;
use http::Method;
use libfuzzer_sys::fuzz_target;

fn one(session: &sdk_simulator::fuzzing::Session, request: &str) {
    let (head, body) = request.split_once("\n\n").unwrap_or((request, ""));
    let mut lines = head.lines();
    let Some((method, target)) = lines.next().and_then(|line| line.split_once(' ')) else {
        return;
    };
    let Ok(method) = Method::from_bytes(method.as_bytes()) else {
        return;
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let _ = session.request(
        &method,
        target.trim(),
        &headers,
        Bytes::copy_from_slice(body.as_bytes()),
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let session = sdk_simulator::fuzzing::Session::new().expect("a current-thread runtime");
    for request in text.split("\n---\n").take(8) {
        one(&session, request);
    }
});
