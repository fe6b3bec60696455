//! Parsing cost, without the network:
//!
//! - an ESS query response of 10,000 requests into the SDK's types, into `serde_json::Value`, and into a hand
//!   struct, from the same bytes;
//! - one status body of each service into the SDK's type (the one parse the runtime makes of a success body), a
//!   hand struct and `Value`, so its share of a call can be read against `client_call`;
//! - 10,000 timestamps as `sdk_runtime::Timestamp` and as `String` (what keeping the text costs over a plain
//!   string);
//! - pieces of the runtime's per-call work, each alone (`runtime_parts`).
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

/// Pieces of the runtime's per-call work, each timed alone (copies of what `sdk-runtime/src/runtime.rs` and
/// `auth.rs` do), to account for the SDK's overhead beyond the second parse.
fn runtime_parts(c: &mut Criterion) {
    let body = bytes::Bytes::from(bodies::ess_status_body());
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        "application/json".parse().expect("a header"),
    );
    headers.insert(http::header::CONTENT_LENGTH, body.len().into());
    headers.insert(
        http::header::DATE,
        "Tue, 15 Oct 2024 08:00:07 GMT".parse().expect("a header"),
    );
    headers.insert(
        "x-oracle-dms-ecid",
        "005zWmBPGQS3z01_VUn6iZ0003Ah0000Ua".parse().expect("a header"),
    );
    let mut group = c.benchmark_group("runtime_parts");
    group.bench_function("copy_body_into_bytes_mut", |b| {
        b.iter(|| {
            let mut copy = bytes::BytesMut::new();
            copy.extend_from_slice(black_box(&body));
            copy.freeze()
        })
    });
    group.bench_function("basic_authorization_header", |b| {
        use base64::Engine as _;
        b.iter(|| {
            let raw = format!("{}:{}", black_box(sdk_benches::USER), black_box(sdk_benches::PASSWORD));
            let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
            let mut header = http::HeaderValue::try_from(format!("Basic {encoded}")).expect("a header");
            header.set_sensitive(true);
            header
        })
    });
    let client = reqwest::Client::new();
    let request = client
        .get("http://127.0.0.1:8080/ess/rest/scheduler/v1/requests/300000012345680")
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::AUTHORIZATION, sdk_benches::handwritten::basic_header())
        .build()
        .expect("a request");
    group.bench_function("request_try_clone", |b| b.iter(|| black_box(&request).try_clone()));
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
    targets = status_bodies, query_groups, timestamps, runtime_parts
}
criterion_main!(benches);
