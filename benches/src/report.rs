//! Ratios read back from criterion's estimates (`target/criterion/<group>/<function>/new/estimates.json`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One function's estimates, in nanoseconds per iteration.
#[derive(Clone, Copy, Debug)]
pub struct Estimate {
    /// Mean.
    pub mean: f64,
    /// Lower bound of the mean's 95 % confidence interval.
    pub mean_low: f64,
    /// Upper bound of the mean's 95 % confidence interval.
    pub mean_high: f64,
    /// Median.
    pub median: f64,
}

#[derive(Deserialize)]
struct Estimates {
    mean: Statistic,
    median: Statistic,
}

#[derive(Deserialize)]
struct Statistic {
    confidence_interval: Interval,
    point_estimate: f64,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// Where criterion writes: `$CARGO_TARGET_DIR/criterion`, else the workspace's `target/criterion`.
pub fn criterion_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("criterion")
}

/// The last estimates of `group/function`, if that benchmark has run.
pub fn read(dir: &Path, group: &str, function: &str) -> Option<Estimate> {
    let path = dir.join(group).join(function).join("new").join("estimates.json");
    let estimates: Estimates = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    Some(Estimate {
        mean: estimates.mean.point_estimate,
        mean_low: estimates.mean.confidence_interval.lower_bound,
        mean_high: estimates.mean.confidence_interval.upper_bound,
        median: estimates.median.point_estimate,
    })
}

/// A time in nanoseconds, in the unit that suits it.
pub fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// A ratio `bench-report` prints: `group/ours` over `group/baseline`, and what it means.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The criterion group.
    pub group: String,
    /// The numerator.
    pub ours: &'static str,
    /// The denominator.
    pub baseline: &'static str,
    /// What the ratio says.
    pub meaning: String,
}

fn comparison(group: &str, ours: &'static str, baseline: &'static str, meaning: &str) -> Comparison {
    Comparison {
        group: group.to_owned(),
        ours,
        baseline,
        meaning: meaning.to_owned(),
    }
}

/// The ratios `bench-report` prints.
pub fn comparisons() -> Vec<Comparison> {
    let mut all = Vec::new();
    for (suffix, placement) in [
        ("", "server on the same thread"),
        ("_server_thread", "server on its own thread"),
    ] {
        for call in ["ess_get_request", "ogg_get_request", "oac_get_work_request"] {
            let group = format!("{call}{suffix}");
            all.extend([
                comparison(
                    &group,
                    "sdk",
                    "reqwest_hand_struct",
                    &format!("SDK vs. the best hand-written reqwest call ({placement})"),
                ),
                comparison(
                    &group,
                    "sdk",
                    "reqwest_generated_type",
                    &format!("SDK vs. hand-written reqwest parsing into the SDK's type ({placement})"),
                ),
                comparison(
                    &group,
                    "reqwest_generated_type",
                    "reqwest_hand_struct",
                    &format!("the SDK's type vs. a hand struct, both by hand ({placement})"),
                ),
                comparison(
                    &group,
                    "sdk",
                    "hyper_raw",
                    &format!("SDK vs. the raw hyper floor ({placement})"),
                ),
                comparison(
                    &group,
                    "reqwest_hand_struct",
                    "hyper_raw",
                    &format!("hand-written reqwest vs. the raw hyper floor ({placement})"),
                ),
            ]);
        }
    }
    all.extend([
        comparison(
            "ess_get_request_traced",
            "sdk",
            "reqwest_hand_struct",
            "SDK with an INFO fmt subscriber vs. hand-written reqwest (server on the same thread)",
        ),
        comparison(
            "ess_query_1000",
            "sdk",
            "reqwest_hand_struct",
            "SDK query of 1,000 requests vs. hand-written reqwest with a hand struct",
        ),
        comparison(
            "ess_query_1000",
            "sdk",
            "reqwest_generated_type",
            "SDK query of 1,000 requests vs. hand-written reqwest with the SDK's type",
        ),
        comparison(
            "ess_query_1000",
            "sdk",
            "hyper_raw",
            "SDK query of 1,000 requests vs. raw hyper (no parse)",
        ),
        comparison(
            "ess_query_10000",
            "generated_type",
            "serde_json_value",
            "10,000 ESS requests: the SDK's types vs. serde_json::Value",
        ),
        comparison(
            "ess_query_10000",
            "hand_struct",
            "serde_json_value",
            "10,000 ESS requests: a hand struct vs. serde_json::Value",
        ),
        comparison(
            "parse_ess_status",
            "generated_type",
            "hand_struct",
            "one ESS status body: the SDK's type vs. a hand struct",
        ),
        comparison(
            "parse_ogg_status",
            "generated_type",
            "hand_struct",
            "one OGG status body: the SDK's type vs. a hand struct",
        ),
        comparison(
            "parse_oac_work_request",
            "generated_type",
            "hand_struct",
            "one OAC work request body: the SDK's type vs. a hand struct",
        ),
        comparison(
            "timestamps_10000",
            "sdk_timestamp",
            "string",
            "10,000 timestamps: sdk_runtime::Timestamp vs. String",
        ),
        comparison(
            "timestamps_10000",
            "visitor_timestamp",
            "string",
            "10,000 timestamps: a Timestamp read by a plain visitor vs. String",
        ),
    ]);
    all
}

/// The shares `bench-report` prints: (part group, part function, whole group, whole function, what it means).
pub const SHARES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "parse_ess_status",
        "generated_type",
        "ess_get_request",
        "sdk",
        "the one typed parse of an ESS status body, per SDK call",
    ),
    (
        "parse_ogg_status",
        "generated_type",
        "ogg_get_request",
        "sdk",
        "the same for a GoldenGate status body",
    ),
    (
        "parse_oac_work_request",
        "generated_type",
        "oac_get_work_request",
        "sdk",
        "the same for an Analytics work request body",
    ),
];
