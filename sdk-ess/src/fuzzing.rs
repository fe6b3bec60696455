//! Entry points for the fuzz targets under `fuzz/`. Not part of the API: hidden from the documentation, exempt
//! from semver, and free to change with the targets that use them.
//!
//! The items of a multi-select reply are read by hand (their shape is undocumented), inside a running wait set;
//! this module hands that reader a reply from bytes, so a fuzzer can feed it any document without a server.

use crate::types::{RequestDetails, RequestQueryResponse};

/// Reads `body` as the reply to a multi-select query for `asked`, as a wait set's batch does: the requests it
/// answers readably (id and state), and the ids left to fetch alone. `None` when the body is not a query reply.
pub fn batch_reply(asked: &[i64], body: &[u8]) -> Option<(Vec<(i64, RequestDetails)>, Vec<i64>)> {
    let reply: RequestQueryResponse = serde_json::from_slice(body).ok()?;
    Some(crate::batch::read_batch(asked, reply))
}
