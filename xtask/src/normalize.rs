//! Turns a faithful spec into one progenitor accepts.
//!
//! The specs in `specs/` say what Oracle documents; progenitor 0.15 cannot take all of it (see the project's
//! progenitor notes). Each rule below rewrites one such shape, in code with tests, never by a hand-edited copy:
//!
//! 1. a request body offered in several media types (`application/json` and
//!    `application/vnd.oracle.resource+json`) keeps only `application/json` (progenitor panics on two);
//! 2. response media types collapse to `application/json` (progenitor types only that key; the vendor types carry
//!    the same JSON);
//! 3. non-2xx responses and `default` are dropped: every error reply then reaches the shared runtime, which keeps
//!    the status, the raw body and the service's own error document, whatever the status and the content type
//!    (progenitor would lose the status of a documented 500 sent as HTML). The faithful spec still lists them, and
//!    the contract tests read them from there;
//! 4. `additionalProperties: false` is removed (it would make every new Oracle field a parse failure).
//!
//! It also refuses, with a message naming the place, shapes that would make progenitor panic or lose the
//! forward-compatible enums: missing or duplicate `operationId`s, inline enums, and 2xx replies of one operation
//! with different bodies.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_json::{Map, Value};

/// The HTTP methods of an OpenAPI path item.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One operation of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Its `operationId`.
    pub id: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
}

/// Every operation of `spec`, in document order.
pub fn operations(spec: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(*method) {
                out.push(Operation {
                    id: op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    method: (*method).to_owned(),
                    path: path.clone(),
                });
            }
        }
    }
    out
}

/// Applies every rule of this module to `spec`.
pub fn normalize(spec: &mut Value) -> Result<()> {
    check_operation_ids(spec)?;
    check_inline_enums(spec)?;
    remove_closed_objects(spec);
    let responses = spec
        .pointer("/components/responses")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        bail!("the spec has no paths");
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) else {
                continue;
            };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let place = format!("operation {id} ({} {path})", method.to_uppercase());
            if let Some(body) = op.get_mut("requestBody") {
                json_only_request(body, &place)?;
            }
            if let Some(responses_of_op) = op.get_mut("responses").and_then(Value::as_object_mut) {
                success_only_responses(responses_of_op, &responses, &place)?;
            }
        }
    }
    Ok(())
}

fn check_operation_ids(spec: &Value) -> Result<()> {
    let mut seen = BTreeSet::new();
    for op in operations(spec) {
        if op.id.is_empty() {
            bail!("{} {} has no operationId", op.method.to_uppercase(), op.path);
        }
        if !seen.insert(op.id.clone()) {
            bail!(
                "operationId {} is used twice (again at {} {})",
                op.id,
                op.method.to_uppercase(),
                op.path
            );
        }
    }
    Ok(())
}

/// Enums must be named component schemas: only those become forward-compatible Rust enums.
fn check_inline_enums(spec: &Value) -> Result<()> {
    fn walk(value: &Value, pointer: &mut Vec<String>, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                let top_level_component = pointer.len() == 3 && pointer[0] == "components" && pointer[1] == "schemas";
                let server_variable = pointer.first().is_some_and(|p| p == "servers");
                if map.contains_key("enum") && !top_level_component && !server_variable {
                    found.push(format!("/{}", pointer.join("/")));
                }
                for (key, child) in map {
                    if key == "example" || key == "examples" {
                        continue;
                    }
                    pointer.push(key.replace('~', "~0").replace('/', "~1"));
                    walk(child, pointer, found);
                    pointer.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    pointer.push(i.to_string());
                    walk(child, pointer, found);
                    pointer.pop();
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(spec, &mut Vec::new(), &mut found);
    if found.is_empty() {
        Ok(())
    } else {
        bail!(
            "inline enum at {}: declare it under components/schemas and use $ref, so that it becomes a forward-compatible enum",
            found.join(", ")
        )
    }
}

fn remove_closed_objects(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            map.values_mut().for_each(remove_closed_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_closed_objects),
        _ => {}
    }
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Picks the JSON entry of a `content` map: `application/json` first, else a `+json` vendor type.
fn json_entry(content: &Map<String, Value>) -> Option<Value> {
    let plain = content.iter().find(|(k, _)| {
        k.split(';')
            .next()
            .is_some_and(|e| e.trim().eq_ignore_ascii_case("application/json"))
    });
    plain
        .or_else(|| content.iter().find(|(k, _)| is_json(k)))
        .map(|(_, v)| v.clone())
}

fn json_only_request(body: &mut Value, place: &str) -> Result<()> {
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    if let Some(entry) = json_entry(content) {
        content.clear();
        content.insert("application/json".to_owned(), entry);
    } else if content.len() > 1 {
        let types: Vec<&String> = content.keys().collect();
        bail!("{place}: request body offers several non-JSON media types {types:?}; progenitor takes one");
    }
    Ok(())
}

fn success_only_responses(responses: &mut Map<String, Value>, shared: &Map<String, Value>, place: &str) -> Result<()> {
    responses.retain(|status, _| status.starts_with('2'));
    if responses.is_empty() {
        bail!("{place}: no 2xx response is documented");
    }
    let mut bodies = BTreeSet::new();
    for (status, response) in responses.iter_mut() {
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/components/responses/");
            match shared.get(name) {
                Some(resolved) => *response = resolved.clone(),
                None => bail!("{place}: response {status} refers to {reference}, which does not exist"),
            }
        }
        if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            if let Some(entry) = json_entry(content) {
                content.clear();
                content.insert("application/json".to_owned(), entry);
            } else if content.len() > 1 {
                // Binary downloads offered as several types (image/png, application/pdf) are one byte stream.
                let first = content.values().next().cloned().unwrap_or(Value::Null);
                content.clear();
                content.insert("application/octet-stream".to_owned(), first);
            }
        }
        // Only the media types and schemas decide the generated type; examples may differ per status.
        let body = response
            .get("content")
            .and_then(Value::as_object)
            .map(|c| {
                c.iter()
                    .map(|(media, entry)| format!("{media}={}", entry.get("schema").unwrap_or(&Value::Null)))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default();
        bodies.insert(body);
    }
    if bodies.len() > 1 {
        let statuses: Vec<&String> = responses.keys().collect();
        bail!("{place}: the 2xx responses {statuses:?} have different bodies; progenitor needs one success type");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(operation: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/requests/{id}/executionStatus": {"post": operation}},
            "components": {"schemas": {"State": {"type": "string", "enum": ["A"]}}}
        })
    }

    fn op(spec: &Value) -> &Value {
        &spec["paths"]["/requests/{id}/executionStatus"]["post"]
    }

    #[test]
    fn request_body_keeps_only_json() {
        let mut s = spec(json!({
            "operationId": "updateExecutionStatus",
            "requestBody": {"content": {
                "application/vnd.oracle.resource+json": {"schema": {"$ref": "#/components/schemas/X"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/X"}}
            }},
            "responses": {"200": {"description": "ok"}}
        }));
        normalize(&mut s).expect("normalises");
        let content = op(&s)["requestBody"]["content"].as_object().expect("content");
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
    }

    #[test]
    fn vendor_only_request_body_becomes_json() {
        let mut s = spec(json!({
            "operationId": "x",
            "requestBody": {"content": {"application/vnd.oracle.resource+json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "ok"}}
        }));
        normalize(&mut s).expect("normalises");
        assert!(op(&s)["requestBody"]["content"]["application/json"].is_object());
    }

    #[test]
    fn errors_and_default_are_dropped_and_media_types_collapse() {
        let mut s = spec(json!({
            "operationId": "x",
            "responses": {
                "200": {"description": "ok", "content": {
                    "application/vnd.oracle.resource+json;type=singular": {"schema": {"type": "object"}},
                    "application/json;charset=utf-8": {"schema": {"type": "object"}}
                }},
                "404": {"description": "nf", "content": {"application/json": {"schema": {"type": "object"}}}},
                "default": {"description": "other"}
            }
        }));
        normalize(&mut s).expect("normalises");
        let responses = op(&s)["responses"].as_object().expect("responses");
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["200"]);
        let content = responses["200"]["content"].as_object().expect("content");
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
    }

    #[test]
    fn different_success_bodies_are_refused_by_name() {
        let mut s = spec(json!({
            "operationId": "deleteThing",
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
                "204": {"description": "gone"}
            }
        }));
        let err = normalize(&mut s).expect_err("two success types").to_string();
        assert!(
            err.contains("deleteThing") && err.contains("POST /requests/{id}/executionStatus"),
            "{err}"
        );
    }

    #[test]
    fn success_bodies_differing_only_in_examples_are_one_type() {
        let mut s = spec(json!({
            "operationId": "x",
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}, "example": {"a": 1}}}},
                "201": {"description": "made", "content": {"application/json": {"schema": {"type": "object"}}}}
            }
        }));
        normalize(&mut s).expect("same schema, different examples");
    }

    #[test]
    fn inline_enums_are_refused_with_their_place() {
        let mut s = spec(json!({
            "operationId": "x",
            "parameters": [{"name": "v", "in": "query", "schema": {"type": "string", "enum": ["a"]}}],
            "responses": {"200": {"description": "ok"}}
        }));
        let err = normalize(&mut s).expect_err("inline enum").to_string();
        assert!(
            err.contains("/paths/~1requests~1{id}~1executionStatus/post/parameters/0/schema"),
            "{err}"
        );
    }

    #[test]
    fn closed_objects_are_opened() {
        let mut s = spec(json!({"operationId": "x", "responses": {"200": {"description": "ok"}}}));
        s["components"]["schemas"]["Obj"] = json!({"type": "object", "additionalProperties": false});
        normalize(&mut s).expect("normalises");
        assert!(s["components"]["schemas"]["Obj"].get("additionalProperties").is_none());
    }

    #[test]
    fn missing_and_duplicate_operation_ids_are_refused() {
        let mut s = spec(json!({"responses": {"200": {"description": "ok"}}}));
        assert!(
            normalize(&mut s)
                .expect_err("missing")
                .to_string()
                .contains("has no operationId")
        );
        let mut s = spec(json!({"operationId": "same", "responses": {"200": {"description": "ok"}}}));
        s["paths"]["/other"] = json!({"get": {"operationId": "same", "responses": {"200": {"description": "ok"}}}});
        assert!(
            normalize(&mut s)
                .expect_err("duplicate")
                .to_string()
                .contains("used twice")
        );
    }
}
