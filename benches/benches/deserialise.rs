//! Parsing cost, without the network:
//!
//! - an ESS query response of 10,000 requests into the SDK's types, into `serde_json::Value`, and into a hand
//!   struct, from the same bytes;
//! - one status body of each service into the SDK's type (the one parse the runtime makes of a success body), a
//!   hand struct and `Value`, so its share of a call can be read against `client_call`;
//! - 10,000 timestamps as `sdk_runtime::Timestamp` and as `String` (what keeping the text costs over a plain
//!   string).
//!
//! `cargo bench -p sdk-benches --bench deserialise`, then `cargo run --release -p sdk-benches --bin bench-report`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sdk_benches::bodies;
use sdk_benches::handwritten::{EssQuery, EssStatus, OacWorkRequest, OggStatus};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn parse<T: DeserializeOwned>(body: &[u8]) -> T {
    serde_json::from_slice(body).expect("the body parses")
}

fn status_group<Sdk: DeserializeOwned, Hand: DeserializeOwned>(c: &mut Criterion, name: &str, body: &[u8]) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("generated_type", |b| b.iter(|| parse::<Sdk>(black_box(body))));
    group.bench_function("hand_struct", |b| b.iter(|| parse::<Hand>(black_box(body))));
    group.bench_function("serde_json_value", |b| b.iter(|| parse::<Value>(black_box(body))));
    group.finish();
}

fn status_bodies(c: &mut Criterion) {
    let ess = bodies::ess_status_body();
    status_group::<sdk_ess::types::RequestDetails, EssStatus>(c, "parse_ess_status", &ess);
    status_group::<sdk_ogg::types::RequestStatusResponse, OggStatus>(c, "parse_ogg_status", bodies::OGG_REQUEST_STATUS);
    status_group::<sdk_workrequests::types::WorkRequest, OacWorkRequest>(
        c,
        "parse_oac_work_request",
        bodies::OAC_WORK_REQUEST,
    );
}

fn query_groups(c: &mut Criterion) {
    let body = bodies::ess_query_body(10_000);
    let typed: sdk_ess::types::RequestQueryResponse = parse(&body);
    assert_eq!(typed.items.map(|items| items.len()), Some(10_000));
    let mut group = c.benchmark_group("ess_query_10000");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("generated_type", |b| {
        b.iter(|| parse::<sdk_ess::types::RequestQueryResponse>(black_box(&body)))
    });
    group.bench_function("serde_json_value", |b| b.iter(|| parse::<Value>(black_box(&body))));
    group.bench_function("hand_struct", |b| b.iter(|| parse::<EssQuery>(black_box(&body))));
    group.finish();
}

fn timestamps(c: &mut Criterion) {
    let values: Vec<String> = (0..10_000)
        .map(|i| format!("2024-10-15T08:{:02}:{:02}.123Z", (i / 60) % 60, i % 60))
        .collect();
    let body = serde_json::to_vec(&values).expect("strings serialise");
    let mut group = c.benchmark_group("timestamps_10000");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("sdk_timestamp", |b| {
        b.iter(|| parse::<Vec<sdk_runtime::Timestamp>>(black_box(&body)))
    });
    group.bench_function("string", |b| b.iter(|| parse::<Vec<String>>(black_box(&body))));
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = status_bodies, query_groups, timestamps
}
criterion_main!(benches);
