//! Forward-compatible enums: every string enum of `components/schemas` is emitted as an
//! `sdk_runtime::open_enum!` invocation, and progenitor is told to use it in place of its own closed enum.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use heck::ToUpperCamelCase;
use serde_json::Value;

/// One string enum of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEnum {
    /// The Rust type name (progenitor's name for the component).
    pub name: String,
    /// The component's description.
    pub description: Option<String>,
    /// `(variant, wire value)` pairs in spec order.
    pub variants: Vec<(String, String)>,
}

/// The string enums among the component schemas of `spec`.
pub fn collect(spec: &Value) -> Result<Vec<OpenEnum>> {
    let mut out = Vec::new();
    let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) else {
        return Ok(out);
    };
    for (component, schema) in schemas {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        if schema.get("type").and_then(Value::as_str) != Some("string") {
            bail!("enum component {component} must have type: string");
        }
        let mut variants = Vec::new();
        let mut taken = BTreeSet::new();
        for value in values {
            let Some(value) = value.as_str() else {
                bail!("enum component {component} has a value that is not a string: {value}");
            };
            variants.push((variant_name(value, &mut taken), value.to_owned()));
        }
        out.push(OpenEnum {
            name: component.to_upper_camel_case(),
            description: schema.get("description").and_then(Value::as_str).map(str::to_owned),
            variants,
        });
    }
    Ok(out)
}

/// A Rust variant name for a wire value, unique within its enum and never `Unknown` (the catch-all's name).
fn variant_name(value: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = value.to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    // `Unknown` is the catch-all variant; `Self` is a keyword.
    if name == "Unknown" || name == "Self" {
        name.push_str("Value");
    }
    let base = name.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// The `enums` module of a generated file: one `open_enum!` invocation per enum, written out by hand because
/// rustfmt leaves macro bodies as they are.
pub fn render(enums: &[OpenEnum]) -> String {
    let mut out = String::from(
        "/// The spec's enums. Each accepts values this SDK does not know yet (see `sdk_runtime::open_enum!`).\npub mod enums {\n",
    );
    for (i, e) in enums.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ::sdk_runtime::open_enum! {\n");
        let doc = e
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` values.", e.name));
        for line in doc.trim().lines() {
            out.push_str(
                &format!("        /// {}\n", line.trim_end())
                    .replace("///  ", "/// ")
                    .replace("/// \n", "///\n"),
            );
        }
        out.push_str(&format!("        pub enum {} {{\n", e.name));
        for (variant, value) in &e.variants {
            let doc = if variant == "UnknownValue" {
                format!("The documented value `{value}` (unlike [`Self::Unknown`], which holds undocumented values).")
            } else {
                format!("`{value}`")
            };
            out.push_str(&format!("            /// {doc}\n            {variant} = {value:?},\n"));
        }
        out.push_str("        }\n    }\n");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_string_enums_with_safe_variant_names() {
        let spec = json!({"components": {"schemas": {
            "RequestState": {"type": "string", "enum": ["WAIT", "ERROR_AUTO_RETRY", "UNKNOWN"], "description": "State."},
            "LinkRelation": {"type": "string", "enum": ["ogg://service", "self", "2fa", ""]},
            "Thing": {"type": "object"}
        }}});
        let enums = collect(&spec).expect("collects");
        assert_eq!(enums.len(), 2);
        let link = &enums[0];
        assert_eq!(link.name, "LinkRelation");
        let names: Vec<&str> = link.variants.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(names, ["OggService", "SelfValue", "V2fa", "Empty"]);
        let state = &enums[1];
        let names: Vec<&str> = state.variants.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(names, ["Wait", "ErrorAutoRetry", "UnknownValue"]);
        assert_eq!(state.description.as_deref(), Some("State."));
    }

    #[test]
    fn colliding_values_get_distinct_variants() {
        let mut taken = BTreeSet::new();
        assert_eq!(variant_name("in-progress", &mut taken), "InProgress");
        assert_eq!(variant_name("IN_PROGRESS", &mut taken), "InProgress2");
    }

    #[test]
    fn non_string_enums_are_refused() {
        let spec = json!({"components": {"schemas": {"Level": {"type": "integer", "enum": [1, 2]}}}});
        assert!(collect(&spec).is_err());
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;

    #[test]
    fn renders_one_variant_per_line() {
        let e = OpenEnum {
            name: "ApiVersion".into(),
            description: Some("Service API version.".into()),
            variants: vec![("V2".into(), "v2".into())],
        };
        let text = render(&[e]);
        assert!(
            text.contains("        /// Service API version.\n        pub enum ApiVersion {\n"),
            "{text}"
        );
        assert!(
            text.contains("            /// `v2`\n            V2 = \"v2\",\n"),
            "{text}"
        );
        syn::parse_file(&text).expect("valid Rust");
    }
}
