//! Forward-compatible enums: every string enum of `components/schemas` is emitted as an
//! `sdk_runtime::open_enum!` invocation, and progenitor is told to use it in place of its own closed enum.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use heck::ToUpperCamelCase;
use quote::quote;
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

/// The `enums` module of a generated file: one `open_enum!` invocation per enum. The module is private; the
/// generated `types` module re-exports its enums, so that each has one path (`types::X`), where progenitor puts
/// the other types.
pub fn module(enums: &[OpenEnum]) -> syn::ItemMod {
    let invocations = enums.iter().map(|e| {
        let doc = e
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` values.", e.name));
        let docs = doc_lines(&doc);
        let name = syn::Ident::new(&e.name, proc_macro2::Span::call_site());
        let variants = e.variants.iter().map(|(variant, value)| {
            let doc = if variant == "UnknownValue" {
                format!(" The documented value `{value}` (unlike [`Self::Unknown`], which holds undocumented values).")
            } else {
                format!(" `{value}`")
            };
            let variant = syn::Ident::new(variant, proc_macro2::Span::call_site());
            quote! {
                #[doc = #doc]
                #variant = #value,
            }
        });
        quote! {
            ::sdk_runtime::open_enum! {
                #(#[doc = #docs])*
                pub enum #name {
                    #(#variants)*
                }
            }
        }
    });
    syn::parse_quote! {
        /// The spec's enums, re-exported by `types`. Each accepts values this SDK does not know yet (see
        /// `sdk_runtime::open_enum!`).
        mod enums {
            #(#invocations)*
        }
    }
}

/// Prints the `enums` module made by [`module`]. prettyplease (and rustfmt) leave a macro's body as one run of
/// tokens; each `open_enum!` body is an enum item, so it is printed as one, one variant per line.
pub fn print(module: &syn::ItemMod) -> Result<String> {
    let mut out = String::new();
    for attr in &module.attrs {
        let file = syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![syn::parse_quote!(#attr struct S;)],
        };
        let printed = prettyplease::unparse(&file);
        out.push_str(printed.trim_end().trim_end_matches("struct S;").trim_end());
        out.push('\n');
    }
    out.push_str(&format!("mod {} {{\n", module.ident));
    let items = module
        .content
        .as_ref()
        .map(|(_, items)| items.as_slice())
        .unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        let syn::Item::Macro(invocation) = item else {
            bail!("the enums module holds something other than `open_enum!` invocations");
        };
        let body: syn::ItemEnum = invocation.mac.parse_body()?;
        let file = syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![syn::Item::Enum(body)],
        };
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ::sdk_runtime::open_enum! {\n");
        for line in prettyplease::unparse(&file).lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&format!("        {line}\n"));
            }
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    Ok(out)
}

/// A description as doc-comment lines (each with the one space a `///` line has), other spaces around it removed.
fn doc_lines(text: &str) -> Vec<String> {
    text.trim()
        .lines()
        .map(|line| {
            let line = line.trim_end();
            if line.is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_start())
            }
        })
        .collect()
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
mod module_tests {
    use super::*;

    #[test]
    fn each_enum_is_one_invocation_with_its_docs() {
        let e = OpenEnum {
            name: "ApiVersion".into(),
            description: Some("Service API version.\n\n  Indented.".into()),
            variants: vec![("V2".into(), "v2".into()), ("UnknownValue".into(), "UNKNOWN".into())],
        };
        let code = print(&module(&[e])).expect("printed");
        let compact: String = code.split_whitespace().collect();
        assert!(compact.starts_with("///"), "{code}");
        assert!(compact.contains("modenums{::sdk_runtime::open_enum!{"), "{code}");
        assert!(compact.contains("pubenumApiVersion{"), "{code}");
        assert!(
            code.contains(
                "        /// Service API version.\n        ///\n        /// Indented.\n        pub enum ApiVersion {\n"
            ),
            "{code}"
        );
        assert!(
            code.contains("            /// `v2`\n            V2 = \"v2\",\n"),
            "{code}"
        );
        assert!(compact.contains("UnknownValue=\"UNKNOWN\","), "{code}");
        assert!(
            code.contains("Service API version.") && code.contains("Indented."),
            "{code}"
        );
        syn::parse_file(&code).expect("valid Rust");
    }
}
