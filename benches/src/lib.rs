//! Shared parts of the SDK benchmarks (see `BENCHMARKS.md` at the repository root):
//!
//! - [`bodies`]: canned Oracle bodies, taken from the specs' examples and the test fixtures;
//! - [`server`]: a minimal HTTP/1.1 server on loopback (hyper, keep-alive) that answers with them;
//! - [`calls`]: the SDK clients and the baselines of the per-call measurements, checked before they are timed;
//! - [`handwritten`]: the baselines, a hand-written `reqwest` + `serde_json` client and a raw `hyper` client;
//! - [`fanout`]: the finish times and the poll minimum of the waiter fan-out;
//! - [`procstat`]: CPU time and resident memory of this process, from `/proc`;
//! - [`report`]: ratios read back from criterion's estimates.
//!
//! Nothing here runs under `cargo test`: the benchmarks run under `cargo bench -p sdk-benches`, the fan-out with
//! `cargo run --release -p sdk-benches --bin fanout`.

pub mod bodies;
pub mod calls;
pub mod fanout;
pub mod handwritten;
pub mod procstat;
pub mod report;
pub mod server;

/// The user name every benchmark client sends (HTTP basic).
pub const USER: &str = "bench.user";
/// The password every benchmark client sends (HTTP basic).
pub const PASSWORD: &str = "bench-password";
/// The bearer token the Analytics clients send.
pub const TOKEN: &str = "bench-access-token";

/// The ESS base path, as on a Fusion pod.
pub const ESS_PREFIX: &str = "/ess/rest/scheduler/v1";
/// The Analytics base path.
pub const OAC_PREFIX: &str = "/api/20210901";
