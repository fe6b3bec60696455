//! Per-call cost of each client's main status call against a loopback server with canned Oracle bodies, next to
//! a hand-written `reqwest` + `serde_json` call of the same request and a raw `hyper` call (the floor).
//!
//! Every function of a group sends the same request (method, path, `Accept`, `Authorization`) to the same server and
//! gets the same bytes back. The clients run on a current-thread runtime on the bench thread. The groups without
//! suffix have the server as a task of that runtime (a call costs the CPU time of both ends, without waking another
//! thread: the most repeatable figures); the `_server_thread` groups have it on its own thread and runtime, so that
//! each call also waits for another thread to wake up, as for a network (slower, and noisier on a small VM).
//!
//! `cargo bench -p sdk-benches --bench client_call`, then `cargo run --release -p sdk-benches --bin bench-report`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use sdk_benches::calls::{Clients, ESS_ID, OAC_ID, OGG_ID, Placement};
use sdk_benches::handwritten::{EssQuery, EssStatus, OacWorkRequest, OggStatus};

/// Runs `$call` (an expression that may `.await`) `iters` times on `$rt` and returns the time taken.
macro_rules! bench_async {
    ($group:expr, $name:expr, $rt:expr, $call:expr) => {
        $group.bench_function($name, |b| {
            b.iter_custom(|iters| {
                $rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box($call);
                    }
                    start.elapsed()
                })
            })
        });
    };
}

/// The three status calls, each by the SDK, by hand with the SDK's type, by hand with a hand struct, and raw.
fn status_calls(c: &mut Criterion, clients: &mut Clients, suffix: &str) {
    let Clients {
        runtime: rt,
        ess,
        ogg,
        oac,
        hand,
        raw,
        ..
    } = clients;

    let mut group = c.benchmark_group(format!("ess_get_request{suffix}"));
    bench_async!(
        group,
        "sdk",
        rt,
        ess.get_request()
            .request_id(ESS_ID)
            .send()
            .await
            .expect("ok")
            .into_inner()
    );
    bench_async!(
        group,
        "reqwest_generated_type",
        rt,
        hand.ess_get_request::<sdk_ess::types::RequestDetails>(ESS_ID)
            .await
            .expect("ok")
    );
    bench_async!(
        group,
        "reqwest_hand_struct",
        rt,
        hand.ess_get_request::<EssStatus>(ESS_ID).await.expect("ok")
    );
    bench_async!(group, "hyper_raw", rt, raw.ess_get_request(ESS_ID).await.expect("ok"));
    group.finish();

    let mut group = c.benchmark_group(format!("ogg_get_request{suffix}"));
    bench_async!(
        group,
        "sdk",
        rt,
        ogg.get_request().request(OGG_ID).send().await.expect("ok").into_inner()
    );
    bench_async!(
        group,
        "reqwest_generated_type",
        rt,
        hand.ogg_get_request::<sdk_ogg::types::RequestStatusResponse>(OGG_ID)
            .await
            .expect("ok")
    );
    bench_async!(
        group,
        "reqwest_hand_struct",
        rt,
        hand.ogg_get_request::<OggStatus>(OGG_ID).await.expect("ok")
    );
    bench_async!(group, "hyper_raw", rt, raw.ogg_get_request(OGG_ID).await.expect("ok"));
    group.finish();

    let mut group = c.benchmark_group(format!("oac_get_work_request{suffix}"));
    bench_async!(
        group,
        "sdk",
        rt,
        oac.get_work_request().id(OAC_ID).send().await.expect("ok").into_inner()
    );
    bench_async!(
        group,
        "reqwest_generated_type",
        rt,
        hand.oac_get_work_request::<sdk_workrequests::types::WorkRequest>(OAC_ID)
            .await
            .expect("ok")
    );
    bench_async!(
        group,
        "reqwest_hand_struct",
        rt,
        hand.oac_get_work_request::<OacWorkRequest>(OAC_ID).await.expect("ok")
    );
    bench_async!(
        group,
        "hyper_raw",
        rt,
        raw.oac_get_work_request(OAC_ID).await.expect("ok")
    );
    group.finish();
}

/// A query answered by 1,000 requests (about 0.5 MB): where a per-byte cost of the SDK shows.
fn query_call(c: &mut Criterion, clients: &mut Clients) {
    let Clients {
        runtime: rt,
        ess,
        hand,
        raw,
        ..
    } = clients;
    let mut group = c.benchmark_group("ess_query_1000");
    group.sample_size(20);
    bench_async!(
        group,
        "sdk",
        rt,
        ess.query_requests().send().await.expect("ok").into_inner()
    );
    bench_async!(
        group,
        "reqwest_generated_type",
        rt,
        hand.ess_query_requests::<sdk_ess::types::RequestQueryResponse>()
            .await
            .expect("ok")
    );
    bench_async!(
        group,
        "reqwest_hand_struct",
        rt,
        hand.ess_query_requests::<EssQuery>().await.expect("ok")
    );
    bench_async!(group, "hyper_raw", rt, raw.ess_query_requests().await.expect("ok"));
    group.finish();
}

/// The SDK's span as an application that logs at INFO would see it (an fmt subscriber writing into a sink), next
/// to the same hand-written call.
fn traced_call(c: &mut Criterion, clients: &mut Clients) {
    let Clients {
        runtime: rt, ess, hand, ..
    } = clients;
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::sink)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let mut group = c.benchmark_group("ess_get_request_traced");
        bench_async!(
            group,
            "sdk",
            rt,
            ess.get_request()
                .request_id(ESS_ID)
                .send()
                .await
                .expect("ok")
                .into_inner()
        );
        bench_async!(
            group,
            "reqwest_hand_struct",
            rt,
            hand.ess_get_request::<EssStatus>(ESS_ID).await.expect("ok")
        );
        group.finish();
    });
}

fn client_calls(c: &mut Criterion) {
    let mut same_thread = Clients::start(Placement::SameThread).expect("clients and a server");
    let mut own_thread = Clients::start(Placement::OwnThread).expect("clients and a server");
    status_calls(c, &mut same_thread, Placement::SameThread.suffix());
    query_call(c, &mut same_thread);
    status_calls(c, &mut own_thread, Placement::OwnThread.suffix());
    // Last, because a subscriber, once seen, changes how every later callsite is checked.
    traced_call(c, &mut same_thread);
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
    targets = client_calls
}
criterion_main!(benches);
