//! Canned Oracle bodies: the ESS `RequestDetails` example of `specs/ess.yaml`, the GoldenGate request status of
//! `tests/fixtures/ogg/oracle-19c-ja-request-status.json` and the Analytics work request of
//! `tests/fixtures/workrequests/get_work_request_200.json`, byte for byte where they are JSON files.

use serde_json::{Value, json};

const ESS_SPEC: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/ess.yaml"));

/// GoldenGate's "Retrieve Request Status" example (19c, Japanese edition), as the test fixture keeps it.
pub const OGG_REQUEST_STATUS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/ogg/oracle-19c-ja-request-status.json"
));

/// Oracle Analytics' work request example, as the test fixture keeps it.
pub const OAC_WORK_REQUEST: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/workrequests/get_work_request_200.json"
));

/// The `RequestDetails` example of `specs/ess.yaml` as a JSON value.
///
/// # Panics
///
/// If the spec no longer has the example (the benchmark would then measure something else).
pub fn ess_request_details_example() -> Value {
    let spec: serde_yaml::Value = serde_yaml::from_str(ESS_SPEC).expect("specs/ess.yaml is YAML");
    let example = &spec["components"]["schemas"]["RequestDetails"]["example"];
    assert!(example.is_mapping(), "specs/ess.yaml has no RequestDetails example");
    serde_json::to_value(example).expect("the example is JSON-compatible")
}

/// The spec's example for request `id` in `state` (links and ids follow the id).
pub fn ess_request_details(example: &Value, id: i64, state: &str) -> Value {
    let mut value = example.clone();
    value["requestId"] = json!(id);
    value["absParentRequestId"] = json!(id);
    value["state"] = json!(state);
    value["stateDescription"] = json!(describe(state));
    if let Some(links) = value["links"].as_array_mut() {
        for link in links {
            if let Some(href) = link["href"].as_str() {
                let href = href.replace("300000012345680", &id.to_string());
                link["href"] = json!(href);
            }
        }
    }
    value
}

fn describe(state: &str) -> String {
    let mut words = state.to_ascii_lowercase().replace('_', " ");
    if let Some(first) = words.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    words
}

/// The ESS status body served to `GET /requests/{id}`: the spec's example, compact JSON.
pub fn ess_status_body() -> Vec<u8> {
    serde_json::to_vec(&ess_request_details_example()).expect("a value serialises")
}

/// An ESS query response (`GET /requests?...`) of `n` requests: the spec's example with ids counting up and
/// states cycling through running, finished and failed ones (failed ones carry a cause and messages).
pub fn ess_query_body(n: usize) -> Vec<u8> {
    const STATES: [&str; 6] = ["RUNNING", "SUCCEEDED", "WAIT", "ERROR", "COMPLETED", "WARNING"];
    let example = ess_request_details_example();
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let id = 300_000_012_345_680 + i64::try_from(i).unwrap_or(0);
            let state = STATES[i % STATES.len()];
            let mut item = ess_request_details(&example, id, state);
            if state == "ERROR" {
                item["cause"] = json!("PROCESS_BIZ_ERROR");
                item["causeDescription"] = json!("The job ended with a business error");
                item["errorWarningMessage"] = json!("ORA-20001: invalid ledger");
                item["completedTime"] = json!("2024-10-15T08:03:11.456Z");
            }
            item
        })
        .collect();
    serde_json::to_vec(&json!({ "items": items, "count": n })).expect("a value serialises")
}
