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
//! 4. `additionalProperties: false` is removed (it would make every new Oracle field a parse failure);
//! 5. replies are read leniently, requests are sent strictly ([`lenient_replies`]): in every schema a reply
//!    reaches, no member is required, arrays and maps accept `null`, and validation keywords are dropped; a
//!    schema reached from both a request and a reply is split, the reply side getting a lenient copy named
//!    `<Name>Reply`, so request bodies keep what the pages require.
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
    // Before the error replies are dropped: the runtime parses error documents with the generated types too.
    lenient_replies(spec)?;
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

/// Keywords that constrain a value without changing its Rust type; a reply that breaks one is still read.
const VALIDATION_KEYWORDS: &[&str] = &[
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// The suffix of the lenient copy of a schema that both requests and replies use.
pub const REPLY_SUFFIX: &str = "Reply";

/// Rule 5: what real servers send is read; what the pages require is sent.
///
/// Real Oracle servers leave out members the pages mark required (`paramType` of an ESS request parameter) and
/// send explicit `null` for absent ones (`requestParameters: null`). So in every schema a reply reaches (success
/// and error replies, through `$ref`s, `allOf`, items and nested objects):
///
/// - `required` is removed: every member becomes an `Option` (progenitor reads `null` as `None`);
/// - arrays and maps get `nullable: true`: progenitor types an optional array as a `Vec` defaulting to empty,
///   which would refuse `null`; nullable, it becomes an `Option<Vec<_>>`;
/// - validation keywords (`pattern`, `minLength`, ...) are dropped: they would turn a value the pages did not
///   foresee into a failed reply.
///
/// Schemas that only requests reach keep every constraint. A component reached from both sides is copied: the
/// copy, `<Name>Reply`, is loosened and replies refer to it; requests keep the original.
pub fn lenient_replies(spec: &mut Value) -> Result<()> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let (reply_roots, request_roots) = roots(spec);
    let replies = closure(&schemas, reply_roots);
    let requests = closure(&schemas, request_roots);
    let shared: BTreeSet<String> = replies
        .intersection(&requests)
        .filter(|name| schemas.get(*name).is_some_and(|s| s.get("enum").is_none()))
        .cloned()
        .collect();
    let renamed = |name: &str| format!("{name}{REPLY_SUFFIX}");
    let mut loosen_names: Vec<String> = replies.difference(&shared).cloned().collect();
    if let Some(components) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for name in &shared {
            let copy_name = renamed(name);
            if components.contains_key(&copy_name) {
                bail!("schema {name} is used by requests and replies, and its reply copy {copy_name} already exists");
            }
            let mut copy = components[name].clone();
            if let Some(map) = copy.as_object_mut() {
                let note = format!("The reply form of `{name}`, read leniently (no member required).");
                let description = match map.get("description").and_then(Value::as_str) {
                    Some(text) => format!("{text}\n\n{note}"),
                    None => note,
                };
                map.insert("description".to_owned(), Value::String(description));
            }
            components.insert(copy_name.clone(), copy);
            loosen_names.push(copy_name);
        }
        for name in &loosen_names {
            if let Some(schema) = components.get_mut(name) {
                retarget_refs(schema, &shared, &renamed);
                loosen(schema);
            }
        }
    }
    for responses in reply_sections(spec) {
        retarget_refs(responses, &shared, &renamed);
        loosen_inline(responses);
    }
    Ok(())
}

/// Names of the component schemas that replies and requests refer to directly.
fn roots(spec: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut replies = BTreeSet::new();
    let mut requests = BTreeSet::new();
    if let Some(shared) = spec.pointer("/components/responses") {
        schema_refs(shared, &mut replies);
    }
    for item in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        if let Some(parameters) = item.get("parameters") {
            schema_refs(parameters, &mut requests);
        }
        for method in METHODS {
            let Some(op) = item.get(*method) else { continue };
            if let Some(responses) = op.get("responses") {
                schema_refs(responses, &mut replies);
            }
            for key in ["requestBody", "parameters"] {
                if let Some(part) = op.get(key) {
                    schema_refs(part, &mut requests);
                }
            }
        }
    }
    for key in ["requestBodies", "parameters"] {
        if let Some(part) = spec.pointer(&format!("/components/{key}")) {
            schema_refs(part, &mut requests);
        }
    }
    (replies, requests)
}

/// The component schema names `value` refers to (examples are not looked into).
fn schema_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(target)) => {
                        if let Some(name) = target.strip_prefix("#/components/schemas/") {
                            out.insert(name.to_owned());
                        }
                    }
                    ("example" | "examples", _) => {}
                    _ => schema_refs(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| schema_refs(item, out)),
        _ => {}
    }
}

/// `roots` and every schema reachable from them.
fn closure(schemas: &Map<String, Value>, roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let mut next = BTreeSet::new();
        if let Some(schema) = schemas.get(&name) {
            schema_refs(schema, &mut next);
        }
        todo.extend(next.into_iter().filter(|n| !seen.contains(n)));
    }
    seen
}

/// The `responses` maps of every operation, and the shared `components/responses`.
fn reply_sections(spec: &mut Value) -> Vec<&mut Value> {
    let mut out = Vec::new();
    let (paths, components) = match spec.as_object_mut() {
        Some(map) => {
            let mut paths = None;
            let mut components = None;
            for (key, value) in map.iter_mut() {
                match key.as_str() {
                    "paths" => paths = Some(value),
                    "components" => components = Some(value),
                    _ => {}
                }
            }
            (paths, components)
        }
        None => (None, None),
    };
    if let Some(responses) = components.and_then(|c| c.get_mut("responses")) {
        out.push(responses);
    }
    for item in paths
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        let Some(item) = item.as_object_mut() else { continue };
        for (key, op) in item.iter_mut() {
            if METHODS.contains(&key.as_str())
                && let Some(responses) = op.get_mut("responses")
            {
                out.push(responses);
            }
        }
    }
    out
}

/// Points `$ref`s to a shared schema at its reply copy.
fn retarget_refs(value: &mut Value, shared: &BTreeSet<String>, renamed: &impl Fn(&str) -> String) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("$ref", Value::String(target)) => {
                        if let Some(name) = target.strip_prefix("#/components/schemas/")
                            && shared.contains(name)
                        {
                            *target = format!("#/components/schemas/{}", renamed(name));
                        }
                    }
                    ("example" | "examples", _) => {}
                    (_, child) => retarget_refs(child, shared, renamed),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| retarget_refs(item, shared, renamed)),
        _ => {}
    }
}

/// Loosens the inline schemas of a `responses` map (those under `schema` keys).
fn loosen_inline(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    "schema" => loosen(child),
                    "example" | "examples" => {}
                    _ => loosen_inline(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(loosen_inline),
        _ => {}
    }
}

/// Loosens one schema and the schemas inside it (not those it refers to by `$ref`).
fn loosen(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else { return };
    if map.contains_key("$ref") {
        return;
    }
    map.remove("required");
    for keyword in VALIDATION_KEYWORDS {
        map.remove(*keyword);
    }
    if let Some(properties) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for property in properties.values_mut() {
            if is_collection(property)
                && let Some(p) = property.as_object_mut()
            {
                p.insert("nullable".to_owned(), Value::Bool(true));
            }
            loosen(property);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            loosen(child);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(members) = map.get_mut(key).and_then(Value::as_array_mut) {
            members.iter_mut().for_each(loosen);
        }
    }
}

/// An inline array or map (an object without declared members): types progenitor does not make optional.
fn is_collection(schema: &Value) -> bool {
    if schema.get("$ref").is_some() {
        return false;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => true,
        Some("object") => schema
            .get("properties")
            .is_none_or(|p| p.as_object().is_none_or(Map::is_empty)),
        _ => false,
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

    fn lenient_spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/requests/{id}": {"get": {
                    "operationId": "getRequest",
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Details"}}}},
                        "404": {"$ref": "#/components/responses/Failure"}
                    }
                }},
                "/requests": {"post": {
                    "operationId": "submit",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submit"}}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}}
                    }}}}}
                }}
            },
            "components": {
                "responses": {"Failure": {"description": "e", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
                "schemas": {
                    "Details": {"type": "object", "required": ["id", "parameters"], "properties": {
                        "id": {"type": "integer", "minimum": 1},
                        "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 3},
                        "parameters": {"type": "array", "items": {"$ref": "#/components/schemas/Parameter"}},
                        "extra": {"type": "object", "additionalProperties": true},
                        "state": {"$ref": "#/components/schemas/State"},
                        "nested": {"type": "object", "required": ["a"], "properties": {"a": {"type": "array", "items": {"type": "string"}}}}
                    }},
                    "Problem": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}]},
                    "Base": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
                    "Parameter": {"type": "object", "required": ["name", "paramType"], "properties": {"name": {"type": "string"}, "paramType": {"$ref": "#/components/schemas/State"}}},
                    "Submit": {"type": "object", "required": ["jobDefinitionId"], "properties": {
                        "jobDefinitionId": {"type": "string", "minLength": 1},
                        "parameters": {"type": "array", "items": {"$ref": "#/components/schemas/Parameter"}}
                    }},
                    "State": {"type": "string", "enum": ["WAIT"]}
                }
            }
        })
    }

    #[test]
    fn reply_schemas_require_nothing_and_accept_null_collections() {
        let mut s = lenient_spec();
        lenient_replies(&mut s).expect("loosens");
        let details = &s["components"]["schemas"]["Details"];
        assert!(details.get("required").is_none());
        assert_eq!(details["properties"]["parameters"]["nullable"], json!(true));
        assert_eq!(details["properties"]["extra"]["nullable"], json!(true));
        assert!(
            details["properties"]["state"].get("nullable").is_none(),
            "a $ref stays as it is"
        );
        assert!(details["properties"]["id"].get("minimum").is_none());
        assert!(details["properties"]["name"].get("pattern").is_none());
        assert!(details["properties"]["name"].get("maxLength").is_none());
        let nested = &details["properties"]["nested"];
        assert!(nested.get("required").is_none());
        assert_eq!(nested["properties"]["a"]["nullable"], json!(true));
        // Inline reply schemas too.
        let inline = &s["paths"]["/requests"]["post"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(inline.get("required").is_none());
        assert_eq!(inline["properties"]["tags"]["nullable"], json!(true));
    }

    #[test]
    fn error_replies_through_shared_responses_and_all_of_are_loosened() {
        let mut s = lenient_spec();
        lenient_replies(&mut s).expect("loosens");
        let schemas = &s["components"]["schemas"];
        assert!(schemas["Base"].get("required").is_none());
        assert!(schemas["Problem"]["allOf"][1].get("required").is_none());
    }

    #[test]
    fn request_schemas_keep_what_the_pages_require() {
        let mut s = lenient_spec();
        lenient_replies(&mut s).expect("loosens");
        let schemas = &s["components"]["schemas"];
        assert_eq!(schemas["Submit"]["required"], json!(["jobDefinitionId"]));
        assert_eq!(
            schemas["Submit"]["properties"]["jobDefinitionId"]["minLength"],
            json!(1)
        );
        // Shared by both sides: the request keeps the original, the reply gets a lenient copy.
        assert_eq!(schemas["Parameter"]["required"], json!(["name", "paramType"]));
        assert_eq!(
            schemas["Submit"]["properties"]["parameters"]["items"]["$ref"],
            json!("#/components/schemas/Parameter")
        );
        let copy = &schemas["ParameterReply"];
        assert!(copy.get("required").is_none());
        assert!(
            copy["description"]
                .as_str()
                .is_some_and(|d| d.contains("reply form of `Parameter`"))
        );
        assert_eq!(
            schemas["Details"]["properties"]["parameters"]["items"]["$ref"],
            json!("#/components/schemas/ParameterReply")
        );
        // Enums are the same on both sides and are not copied.
        assert!(schemas.get("StateReply").is_none());
    }

    #[test]
    fn a_reply_copy_that_would_overwrite_a_schema_is_refused() {
        let mut s = lenient_spec();
        s["components"]["schemas"]["ParameterReply"] = json!({"type": "object"});
        let err = lenient_replies(&mut s).expect_err("name taken").to_string();
        assert!(err.contains("ParameterReply"), "{err}");
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
