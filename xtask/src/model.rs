//! The generator's own model of an operation, read from the normalised spec: what a `send` method needs to know
//! (method, path template and its parameters, query and header parameters, body, reply kind, documented success
//! statuses), independent of how progenitor prints its code, and what an operation command of the command line
//! needs besides (the spec's words for its help, each parameter's scalar type, the body's type and top-level
//! scalar members, the reply headers the spec documents).

use anyhow::{Context, Result, anyhow, bail};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::normalize;

/// One operation of a normalised spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The name of the call in errors and traces: the `operationId` in snake case (`get_request`).
    pub name: String,
    /// The spec's `operationId`.
    pub id: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// The path template (`/requests/{requestId}`).
    pub path: String,
    /// Path, query and header parameters, path-level ones first, each in spec order.
    pub parameters: Vec<Parameter>,
    /// Whether the operation takes a JSON request body.
    pub body: bool,
    /// How its success reply is read.
    pub reply: Reply,
    /// Its documented success statuses, ascending.
    pub statuses: Vec<u16>,
    /// The spec's `summary` and `description`: the first line and the rest of the command's help.
    pub summary: Option<String>,
    /// See [`Operation::summary`].
    pub description: Option<String>,
    /// What the command line needs to know of the body, when `body` is true.
    pub request_body: Option<Body>,
    /// The response headers the spec documents on the success replies (`oa-work-request-id`), in spec order:
    /// what the reply carries that its body does not.
    pub reply_headers: Vec<String>,
}

/// A request body, as the command line builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// Whether the operation needs one.
    pub required: bool,
    /// The spec's description of the body.
    pub description: Option<String>,
    /// The Rust name of its type in the client's `types` module: progenitor's name for the component it refers
    /// to, or `{OperationId}Body` for a body declared inline.
    pub type_name: String,
    /// Its top-level members of a scalar type (through `allOf`), in spec order: each becomes a flag. Members that
    /// are objects or lists, and passwords (which a command line would show to every process), are given in the
    /// body file only.
    pub members: Vec<Member>,
}

/// A top-level scalar member of a request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The name in the JSON document (`jobDefinitionId`).
    pub name: String,
    /// Its type.
    pub scalar: Scalar,
    /// The spec's description.
    pub description: Option<String>,
    /// Whether the body schema requires it.
    pub required: bool,
}

/// The type of a parameter or body member, as far as a command line cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar {
    /// A string; `format` is the spec's (`date-time`, ...), when it has one.
    String {
        /// The schema's `format`.
        format: Option<String>,
    },
    /// An integer; `format` is `int32` or `int64` (or none).
    Integer {
        /// The schema's `format`.
        format: Option<String>,
    },
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A string enum (a named component): its documented values. Others are accepted too (the clients' enums
    /// are open).
    Enum(Vec<String>),
    /// Anything else (an object, a list); the word is the schema's `type`, or `object`.
    Other(String),
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// The name on the wire (`requestId`, `X-ID-TENANT-NAME`).
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Whether the call needs it (path parameters always do).
    pub required: bool,
    /// Whether its schema is an integer: written into a path as it is, with nothing to encode.
    pub integer: bool,
    /// Its type.
    pub scalar: Scalar,
    /// The spec's description.
    pub description: Option<String>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A segment of the path template.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
}

/// How a success reply is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// A JSON document of the operation's success type, judged by its body whatever its 2xx status.
    Json,
    /// A byte stream (a download), judged by its status.
    Stream,
    /// No body, judged by its status.
    Empty,
}

/// Every operation of the normalised `spec`, in document order.
pub fn operations(spec: &Value) -> Result<Vec<Operation>> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        bail!("the spec has no paths");
    };
    for (path, item) in paths {
        for method in normalize::METHODS {
            let Some(op) = item.get(*method) else { continue };
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
            let place = format!("operation {id} ({} {path})", method.to_uppercase());
            out.push(operation(spec, path, method, item, op).with_context(|| place)?);
        }
    }
    Ok(out)
}

fn operation(spec: &Value, path: &str, method: &str, item: &Value, op: &Value) -> Result<Operation> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("no operationId"))?
        .to_owned();
    let mut parameters: Vec<Parameter> = Vec::new();
    let declared = [item.get("parameters"), op.get("parameters")];
    for list in declared.into_iter().flatten() {
        let list = list.as_array().ok_or_else(|| anyhow!("`parameters` is not a list"))?;
        for parameter in list {
            let parameter = parameter_of(spec, resolve(spec, parameter)?)?;
            // An operation's parameter overrides the path item's of the same name and place.
            parameters.retain(|p| !(p.name == parameter.name && p.location == parameter.location));
            parameters.push(parameter);
        }
    }
    for name in template_names(path)? {
        if !parameters
            .iter()
            .any(|p| p.location == Location::Path && p.name == name)
        {
            bail!("the path names {{{name}}}, which no path parameter declares");
        }
    }
    let request_body = match op.get("requestBody") {
        Some(body) => Some(body_of(spec, resolve(spec, body)?, &id)?),
        None => None,
    };
    let (reply, statuses) = reply_of(op)?;
    Ok(Operation {
        name: id.to_snake_case(),
        method: method.to_owned(),
        path: path.to_owned(),
        parameters,
        body: request_body.is_some(),
        reply,
        statuses,
        summary: text(op, "summary"),
        description: text(op, "description"),
        request_body,
        reply_headers: reply_headers(spec, op)?,
        id,
    })
}

fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The scalar type of `schema` (resolved through `$ref`; a reference to a string enum component is an enum).
fn scalar_of(spec: &Value, schema: &Value) -> Result<Scalar> {
    let resolved = resolve(spec, schema)?;
    if let Some(values) = resolved.get("enum").and_then(Value::as_array) {
        let values = values.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        return Ok(Scalar::Enum(values));
    }
    let format = resolved.get("format").and_then(Value::as_str).map(str::to_owned);
    Ok(match resolved.get("type").and_then(Value::as_str) {
        Some("string") => Scalar::String { format },
        Some("integer") => Scalar::Integer { format },
        Some("number") => Scalar::Number,
        Some("boolean") => Scalar::Boolean,
        Some(other) => Scalar::Other(other.to_owned()),
        None => Scalar::Other("object".to_owned()),
    })
}

fn body_of(spec: &Value, body: &Value, id: &str) -> Result<Body> {
    let schema = body
        .pointer("/content/application~1json/schema")
        .unwrap_or(&Value::Null);
    let type_name = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference.rsplit('/').next().unwrap_or(reference).to_upper_camel_case(),
        None => format!("{}Body", id.to_upper_camel_case()),
    };
    let mut members = Vec::new();
    collect_members(spec, resolve(spec, schema)?, &mut members)?;
    Ok(Body {
        required: body.get("required").and_then(Value::as_bool) == Some(true),
        description: text(body, "description"),
        type_name,
        members,
    })
}

/// The scalar top-level members of an object schema, through `allOf`, first declaration of a name kept.
fn collect_members(spec: &Value, schema: &Value, out: &mut Vec<Member>) -> Result<()> {
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            collect_members(spec, resolve(spec, part)?, out)?;
        }
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Ok(());
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in properties {
        let resolved = resolve(spec, property)?;
        if resolved.get("readOnly").and_then(Value::as_bool) == Some(true) || out.iter().any(|m| &m.name == name) {
            continue;
        }
        let scalar = scalar_of(spec, property)?;
        let flag = match &scalar {
            Scalar::String { format } => format.as_deref() != Some("password") && format.as_deref() != Some("binary"),
            Scalar::Other(_) => false,
            _ => true,
        };
        if flag {
            out.push(Member {
                name: name.clone(),
                scalar,
                description: text(property, "description").or_else(|| text(resolved, "description")),
                required: required.contains(&name.as_str()),
            });
        }
    }
    Ok(())
}

/// The headers documented on the success replies, each once, in spec order.
fn reply_headers(spec: &Value, op: &Value) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for response in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|r| r.values())
    {
        let response = resolve(spec, response)?;
        for name in response
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|h| h.keys())
        {
            let name = name.to_ascii_lowercase();
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    Ok(out)
}

/// The names between braces of a path template, in order.
pub fn template_names(path: &str) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| anyhow!("unclosed `{{` in the path {path}"))?;
        names.push(after[..close].to_owned());
        rest = &after[close + 1..];
    }
    Ok(names)
}

/// `value`, or what its `$ref` (within this document) points at.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> Result<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| anyhow!("{reference} is not a reference within the spec"))?;
            spec.pointer(pointer)
                .ok_or_else(|| anyhow!("{reference} points at nothing"))
        }
        None => Ok(value),
    }
}

fn parameter_of(spec: &Value, parameter: &Value) -> Result<Parameter> {
    let name = parameter
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("a parameter has no name"))?
        .to_owned();
    let location = match parameter.get("in").and_then(Value::as_str) {
        Some("path") => Location::Path,
        Some("query") => Location::Query,
        Some("header") => Location::Header,
        other => bail!("parameter {name} is in {other:?}, which the generator does not send"),
    };
    let required = location == Location::Path || parameter.get("required").and_then(Value::as_bool) == Some(true);
    let schema = match parameter.get("schema") {
        Some(schema) => resolve(spec, schema)?,
        None => &Value::Null,
    };
    let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
    let scalar = match parameter.get("schema") {
        Some(schema) => scalar_of(spec, schema)?,
        None => Scalar::String { format: None },
    };
    Ok(Parameter {
        description: text(parameter, "description"),
        name,
        location,
        required,
        integer,
        scalar,
    })
}

/// The reply kind and documented statuses of an operation whose responses the normaliser reduced to its 2xx ones
/// with one body.
fn reply_of(op: &Value) -> Result<(Reply, Vec<u16>)> {
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("no responses"))?;
    let mut kinds = Vec::new();
    let mut statuses = Vec::new();
    for (status, response) in responses {
        let status: u16 = status
            .parse()
            .map_err(|_| anyhow!("response {status} is not a status (the normaliser keeps 2xx ones only)"))?;
        statuses.push(status);
        let kind = match response.get("content").and_then(Value::as_object) {
            None => Reply::Empty,
            Some(content) if content.is_empty() => Reply::Empty,
            Some(content) if content.contains_key("application/json") => Reply::Json,
            Some(_) => Reply::Stream,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    statuses.sort_unstable();
    match kinds.as_slice() {
        [kind] => Ok((*kind, statuses)),
        [] => bail!("no success reply"),
        _ => bail!("success replies of different kinds {kinds:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "paths": {
                "/requests/{requestId}": {
                    "parameters": [{"$ref": "#/components/parameters/RequestId"}],
                    "get": {
                        "operationId": "getRequest",
                        "parameters": [
                            {"name": "fields", "in": "query", "schema": {"type": "string"}},
                            {"name": "X-ID-TENANT-NAME", "in": "header", "required": true, "schema": {"type": "string"}}
                        ],
                        "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}
                    },
                    "delete": {"operationId": "deleteRequest", "responses": {"204": {"description": "gone"}, "202": {"description": "later"}}}
                },
                "/exports/{id}": {
                    "get": {
                        "operationId": "download",
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Id"}}],
                        "requestBody": {"content": {"application/json": {}}},
                        "responses": {"200": {"content": {"application/octet-stream": {}}}}
                    }
                }
            },
            "components": {
                "parameters": {"RequestId": {"name": "requestId", "in": "path", "required": true, "schema": {"type": "integer"}}},
                "schemas": {"Id": {"type": "string"}}
            }
        })
    }

    #[test]
    fn operations_are_read_from_the_spec() {
        let ops = operations(&spec()).expect("a valid spec");
        let named = |name: &str| ops.iter().find(|op| op.name == name).expect("the operation");
        let get = named("get_request");
        assert_eq!((get.name.as_str(), get.method.as_str()), ("get_request", "get"));
        assert_eq!(get.reply, Reply::Json);
        assert_eq!(get.statuses, [200]);
        let summary: Vec<(&str, Location, bool, bool)> = get
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.location, p.required, p.integer))
            .collect();
        assert_eq!(
            summary,
            [
                ("requestId", Location::Path, true, true),
                ("fields", Location::Query, false, false),
                ("X-ID-TENANT-NAME", Location::Header, true, false),
            ]
        );
        let delete = named("delete_request");
        assert_eq!((delete.reply, delete.statuses.clone()), (Reply::Empty, vec![202, 204]));
        let download = named("download");
        assert_eq!((download.reply, download.body), (Reply::Stream, true));
        assert!(!download.parameters[0].integer);
    }

    #[test]
    fn what_a_command_needs_is_read_too() {
        let spec = json!({
            "paths": {
                "/things": {
                    "post": {
                        "operationId": "startThing",
                        "summary": "Start a thing",
                        "description": " Starts it. ",
                        "requestBody": {
                            "required": true,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/new_thing"}}}
                        },
                        "responses": {"202": {"headers": {"OA-Work-Request-Id": {"schema": {"type": "string"}}}}}
                    }
                }
            },
            "components": {"schemas": {
                "new_thing": {"allOf": [
                    {"$ref": "#/components/schemas/Common"},
                    {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string", "description": "The name."},
                        "secret": {"type": "string", "format": "password"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "size": {"type": "integer", "format": "int32"}
                    }}
                ]},
                "Common": {"type": "object", "properties": {"urgent": {"type": "boolean"}, "id": {"type": "string", "readOnly": true}}},
                "Kind": {"type": "string", "enum": ["A", "B"]}
            }}
        });
        let ops = operations(&spec).expect("a valid spec");
        let op = &ops[0];
        assert_eq!(op.summary.as_deref(), Some("Start a thing"));
        assert_eq!(op.description.as_deref(), Some("Starts it."));
        assert_eq!(op.reply_headers, ["oa-work-request-id"]);
        let body = op.request_body.as_ref().expect("a body");
        assert!(body.required);
        assert_eq!(body.type_name, "NewThing");
        let members: Vec<(&str, &Scalar)> = body.members.iter().map(|m| (m.name.as_str(), &m.scalar)).collect();
        assert_eq!(
            members,
            [
                ("urgent", &Scalar::Boolean),
                ("kind", &Scalar::Enum(vec!["A".to_owned(), "B".to_owned()])),
                ("name", &Scalar::String { format: None }),
                (
                    "size",
                    &Scalar::Integer {
                        format: Some("int32".to_owned())
                    }
                ),
            ],
            "scalars only, through allOf; no password, no list, nothing read-only"
        );
        assert_eq!(body.members[2].description.as_deref(), Some("The name."));
        let required: Vec<bool> = body.members.iter().map(|m| m.required).collect();
        assert_eq!(required, [false, false, true, false]);
    }

    #[test]
    fn a_template_name_without_its_parameter_is_refused() {
        let mut spec = spec();
        spec["paths"]["/exports/{id}"]["get"]["parameters"] = json!([]);
        let error = format!("{:#}", operations(&spec).expect_err("{id} undeclared"));
        assert!(error.contains("download") && error.contains("{id}"), "{error}");
    }
}
