//! Property test: Oracle's example bodies, mutated at random (values replaced by other JSON types, numbers where
//! strings are expected, keys removed, unknown keys added, nesting changed), go through each client's decoding of
//! success bodies and its error parser. Whatever the mutation, nothing panics, and a body that parses serialises back.

use proptest::prelude::*;
use sdk_runtime::ServiceClient;
use serde_json::{Map, Value, json};

/// An example body and the operation (snake_case) of the client whose reply it is.
struct Example {
    service: &'static str,
    operation: &'static str,
    body: Value,
}

fn fixture(path: &str) -> Value {
    let full = contract_tests::workspace_root().join("tests/fixtures").join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn spec_example(spec: &str, schema: &str) -> Value {
    contract_tests::load_spec(spec)["components"]["schemas"][schema]["example"].clone()
}

fn examples() -> Vec<Example> {
    vec![
        Example {
            service: "ESS",
            operation: "get_request",
            body: spec_example("ess.yaml", "RequestDetails"),
        },
        Example {
            service: "ESS",
            operation: "submit_request",
            body: spec_example("ess.yaml", "SubmitResponse"),
        },
        Example {
            service: "ESS",
            operation: "error",
            body: spec_example("ess.yaml", "SimpleExceptionDetail"),
        },
        Example {
            service: "OGG",
            operation: "get_request",
            body: fixture("ogg/oracle-19c-ja-request-status.json"),
        },
        Example {
            service: "OGG",
            operation: "list_requests",
            body: fixture("ogg/constructed-list-requests.json"),
        },
        Example {
            service: "OGG",
            operation: "get_request_result",
            body: fixture("ogg/constructed-request-result-failed.json"),
        },
        Example {
            service: "OAC",
            operation: "get_work_request",
            body: fixture("workrequests/get_work_request_200.json"),
        },
    ]
}

/// One change to a JSON document: which node (by its index in a depth-first walk) and what to do to it.
#[derive(Clone, Debug)]
enum Change {
    Replace(usize, Value),
    Remove(usize),
    AddUnknownKey(usize, Value),
    StringToNumber(usize, i64),
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[ -~]{0,12}".prop_map(Value::String),
        Just(json!("2022-07-06 20:25:11.123456+0000")),
        Just(json!("SOMETHING_NEW")),
        Just(json!({})),
        Just(json!([])),
        Just(json!([{"nested": true}])),
    ]
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (any::<usize>(), leaf()).prop_map(|(i, v)| Change::Replace(i, v)),
        any::<usize>().prop_map(Change::Remove),
        (any::<usize>(), leaf()).prop_map(|(i, v)| Change::AddUnknownKey(i, v)),
        (any::<usize>(), any::<i64>()).prop_map(|(i, n)| Change::StringToNumber(i, n)),
    ]
}

fn count(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count).sum(),
        Value::Array(items) => items.iter().map(count).sum(),
        _ => 0,
    }
}

/// Applies `f` to the node at depth-first index `target` (0 is the root), with the node's parent map and key when
/// it has one.
fn visit(value: &mut Value, target: &mut usize, f: &mut dyn FnMut(&mut Value)) -> bool {
    if *target == 0 {
        f(value);
        return true;
    }
    *target -= 1;
    match value {
        Value::Object(map) => map.values_mut().any(|child| visit(child, target, f)),
        Value::Array(items) => items.iter_mut().any(|child| visit(child, target, f)),
        _ => false,
    }
}

fn apply(body: &mut Value, change: &Change) {
    let nodes = count(body);
    match change {
        Change::Replace(i, new) => {
            visit(body, &mut (i % nodes), &mut |node| *node = new.clone());
        }
        Change::StringToNumber(i, n) => {
            visit(body, &mut (i % nodes), &mut |node| {
                if node.is_string() {
                    *node = json!(n);
                }
            });
        }
        Change::AddUnknownKey(i, new) => {
            visit(body, &mut (i % nodes), &mut |node| {
                if let Value::Object(map) = node {
                    map.insert("fieldFromTheFuture".into(), new.clone());
                }
            });
        }
        Change::Remove(i) => {
            visit(body, &mut (i % nodes), &mut |node| match node {
                Value::Object(map) => {
                    let first = map.keys().next().cloned();
                    if let Some(key) = first {
                        map.remove(&key);
                    }
                }
                Value::Array(items) => {
                    items.pop();
                }
                other => *other = Value::Object(Map::new()),
            });
        }
    }
}

/// Decodes `body` as the documented success type of the operation, as the runtime does (`serde_json::from_slice`
/// into the generated type); `None` for the error documents.
fn decode(service: &str, operation: &str, body: &[u8]) -> Option<Result<(), serde_json::Error>> {
    fn into<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<Result<(), serde_json::Error>> {
        Some(serde_json::from_slice::<T>(body).map(drop))
    }
    match (service, operation) {
        ("ESS", "get_request") => into::<sdk_ess::types::RequestDetails>(body),
        ("ESS", "submit_request") => into::<sdk_ess::types::SubmitResponse>(body),
        ("OGG", "get_request") => into::<sdk_ogg::types::RequestStatusResponse>(body),
        ("OGG", "list_requests") => into::<sdk_ogg::types::RequestListResponse>(body),
        ("OGG", "get_request_result") => into::<sdk_ogg::types::RequestResultResponse>(body),
        ("OAC", "get_work_request") => into::<sdk_workrequests::types::WorkRequest>(body),
        _ => None,
    }
}

/// Runs the client-side handling of `body` for `example`: the decoding the runtime applies to a success body, and
/// the service's error parser.
fn exercise(example: &Example, body: &[u8]) {
    let service = match example.service {
        "ESS" => <sdk_ess::Client as ServiceClient>::SERVICE,
        "OGG" => <sdk_ogg::Client as ServiceClient>::SERVICE,
        _ => <sdk_workrequests::Client as ServiceClient>::SERVICE,
    };
    // The outcome may be anything; reaching the next line without a panic is the property.
    let _checked = decode(example.service, example.operation, body);
    let _parsed = (service.parse_error)(body);
}

#[test]
fn the_examples_themselves_parse() {
    for example in examples() {
        let body = serde_json::to_vec(&example.body).expect("serialises");
        if example.operation != "error" {
            let check = decode(example.service, example.operation, &body);
            assert!(
                matches!(check, Some(Ok(()))),
                "{} {}: {check:?}",
                example.service,
                example.operation
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn mutated_examples_never_panic(which in any::<usize>(), changes in proptest::collection::vec(change(), 1..6)) {
        let all = examples();
        let example = &all[which % all.len()];
        let mut body = example.body.clone();
        for change in &changes {
            apply(&mut body, change);
        }
        let bytes = serde_json::to_vec(&body).expect("serialises");
        exercise(example, &bytes);
        // Truncated and padded bytes too.
        exercise(example, &bytes[..bytes.len() / 2]);
        let mut padded = bytes.clone();
        padded.extend_from_slice(b" trailing garbage");
        exercise(example, &padded);
    }

    #[test]
    fn typed_bodies_that_parse_serialise_back(changes in proptest::collection::vec(change(), 1..4)) {
        let mut body = spec_example("ess.yaml", "RequestDetails");
        for change in &changes {
            apply(&mut body, change);
        }
        if let Ok(details) = serde_json::from_value::<sdk_ess::types::RequestDetails>(body) {
            let back = serde_json::to_value(&details).expect("a parsed value serialises");
            let again: sdk_ess::types::RequestDetails = serde_json::from_value(back).expect("and parses again");
            prop_assert_eq!(again, details);
        }
    }
}
