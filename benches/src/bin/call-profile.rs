//! One kind of call, repeated: for an instruction profile of where a call's time goes.
//!
//! ```text
//! cargo build --release -p sdk-benches --bin call-profile
//! valgrind --tool=callgrind --callgrind-out-file=sdk.out target/release/call-profile sdk 2000
//! valgrind --tool=callgrind --callgrind-out-file=gen.out target/release/call-profile reqwest_generated_type 2000
//! callgrind_annotate --inclusive=yes sdk.out | head -60
//! ```
//!
//! Each run makes `calls` ESS `get_request` calls to the benchmark server on the same thread, after 100 calls
//! of warm-up; the difference between two runs' totals, divided by the calls, is what one kind adds per call.

use sdk_benches::calls::{Clients, ESS_ID, Placement};
use sdk_benches::handwritten::EssStatus;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kind = args.first().map(String::as_str).unwrap_or("sdk").to_owned();
    let calls: usize = args.get(1).map(|n| n.parse()).transpose()?.unwrap_or(2000);
    let clients = Clients::start(Placement::SameThread)?;
    let Clients { runtime, ess, hand, .. } = &clients;
    runtime.block_on(async {
        for round in 0..calls + 100 {
            let ok = match kind.as_str() {
                "sdk" => ess.get_request().request_id(ESS_ID).send().await.is_ok(),
                "reqwest_generated_type" => hand
                    .ess_get_request::<sdk_ess::types::RequestDetails>(ESS_ID)
                    .await
                    .is_ok(),
                "reqwest_hand_struct" => hand.ess_get_request::<EssStatus>(ESS_ID).await.is_ok(),
                other => return Err(format!("unknown kind {other}").into()),
            };
            if !ok {
                return Err(format!("call {round} failed").into());
            }
        }
        Ok::<(), BoxError>(())
    })?;
    println!("{calls} {kind} calls");
    Ok(())
}
