//! Entry points for the fuzz targets under `fuzz/`. Not part of the API: hidden from the documentation, exempt
//! from semver, and free to change with the targets that use them.
//!
//! The items of a multi-select reply are read by hand (their shape is undocumented), inside a running wait set;
//! this module hands that reader a reply from bytes, so a fuzzer can feed it any document without a server.

use crate::types::{RequestDetails, RequestQueryResponse};

/// What a wait set's batch makes of one multi-select reply.
#[derive(Debug)]
pub struct BatchRead {
    /// The requests the reply answers readably (id and state), each once.
    pub answered: Vec<(i64, RequestDetails)>,
    /// The ids asked for that are left to fetch alone.
    pub missing: Vec<i64>,
}

/// Reads `body` as the reply to a multi-select query for `asked`, as a wait set's batch does. `None` when the body
/// is not a query reply.
pub fn batch_reply(asked: &[i64], body: &[u8]) -> Option<BatchRead> {
    let reply: RequestQueryResponse = serde_json::from_slice(body).ok()?;
    let (answered, missing) = crate::batch::read_batch(asked, reply);
    Some(BatchRead { answered, missing })
}
