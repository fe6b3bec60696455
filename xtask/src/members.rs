//! Large reply structs are decoded by `sdk_runtime::optional_members!` instead of serde's derive.
//!
//! serde's derive keeps a local per member, builds the struct from them at the end and returns it by value through
//! serde_json's layers; for a struct of many members (ESS's 80-member `RequestDetails`, 1.6 KB) that costs more
//! than reading the members a reply carries. The macro writes each member present into a default value it
//! borrows, and the operations that reply with such a struct decode it straight into the reply they return
//! (`decode_in_place`, chosen by [`crate::send`]). The macro needs every member to be optional, which is what the normaliser makes of every
//! schema a reply reaches, so this pass picks the structs whose members all are, and leaves every other struct as
//! progenitor wrote it.

use std::collections::HashSet;

use anyhow::Result;

/// Structs with fewer members keep serde's derive, the usual form: the end of its decoding and its copies are then
/// a few hundred bytes.
const LARGE: usize = 16;

/// Rewrites every large struct of the `types` module whose members are all optional; returns their names, so that
/// the operations replying with one decode it in place (`decode_in_place` instead of `decode`: no copy from parser
/// to reply; see [`crate::send`]).
pub fn decode_large_replies(file: &mut syn::File) -> Result<HashSet<String>> {
    let types = crate::syntax::module_items(file, "types")?;
    let mut rewritten = Vec::with_capacity(types.len());
    let mut large = HashSet::new();
    for mut item in std::mem::take(types) {
        let decoder = match &mut item {
            syn::Item::Struct(s) => rewrite(s),
            _ => None,
        };
        if decoder.is_some()
            && let syn::Item::Struct(s) = &item
        {
            large.insert(s.ident.to_string());
        }
        rewritten.push(item);
        rewritten.extend(decoder);
    }
    *types = rewritten;
    Ok(large)
}

/// For a struct the macro can decode: drops `Deserialize` from its derive and returns the macro's invocation.
fn rewrite(item: &mut syn::ItemStruct) -> Option<syn::Item> {
    let syn::Fields::Named(fields) = &item.fields else {
        return None;
    };
    if fields.named.len() < LARGE || item.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return None;
    }
    let members = fields
        .named
        .iter()
        .map(member)
        .collect::<Option<Vec<(syn::Ident, String)>>>()?;
    let derive = item.attrs.iter_mut().find(|a| a.path().is_ident("derive"))?;
    let derived = derive
        .parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        .ok()?;
    let is = |path: &syn::Path, name: &str| path.segments.last().is_some_and(|s| s.ident == name);
    if !derived.iter().any(|p| is(p, "Default")) || !derived.iter().any(|p| is(p, "Deserialize")) {
        return None;
    }
    let kept = derived.iter().filter(|p| !is(p, "Deserialize"));
    *derive = syn::parse_quote! { #[derive(#(#kept),*)] };
    let name = &item.ident;
    let entries = members.iter().map(|(field, member)| quote::quote! { #field: #member });
    // A struct literal between parentheses, so that rustfmt lays it out one member per line.
    Some(syn::parse_quote! {
        ::sdk_runtime::optional_members!(#name { #(#entries),* });
    })
}

/// A field's identifier and JSON member name, when the macro can read it: optional (`Option` or `default`), and
/// with no serde attribute but `rename`, `default` and `skip_serializing_if` (which only writing uses).
fn member(field: &syn::Field) -> Option<(syn::Ident, String)> {
    let ident = field.ident.clone()?;
    let mut name = ident.to_string().trim_start_matches("r#").to_owned();
    let mut default = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                name = meta.value()?.parse::<syn::LitStr>()?.value();
            } else if meta.path.is_ident("default") {
                default = true;
            } else if meta.path.is_ident("skip_serializing_if") {
                meta.value()?.parse::<syn::LitStr>()?;
            } else {
                return Err(meta.error("not read by optional_members!"));
            }
            Ok(())
        })
        .ok()?;
    }
    let optional = match &field.ty {
        syn::Type::Path(p) => p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"),
        _ => false,
    };
    (optional || default).then_some((ident, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An item as printed, without whitespace.
    fn text(item: &syn::Item) -> String {
        let file = syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![item.clone()],
        };
        prettyplease::unparse(&file).split_whitespace().collect()
    }

    fn types(structs: Vec<syn::ItemStruct>) -> syn::File {
        syn::parse_quote! {
            pub mod types {
                #(#structs)*
            }
        }
    }

    fn large(extra: Option<syn::Field>) -> syn::ItemStruct {
        let mut fields: Vec<syn::Field> = (0..LARGE - 2)
            .map(|i| {
                let ident = quote::format_ident!("member_{}", i);
                let renamed = format!("member{i}");
                syn::parse_quote! {
                    #[serde(rename = #renamed, skip_serializing_if = "::std::option::Option::is_none")]
                    pub #ident: ::std::option::Option<::std::string::String>
                }
            })
            .collect();
        fields.push(syn::parse_quote! { pub r#type: ::std::option::Option<i64> });
        fields.push(syn::parse_quote! { #[serde(default)] pub links: ::std::vec::Vec<Link> });
        fields.extend(extra);
        syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
            pub struct Details { #(#fields),* }
        }
    }

    fn items(file: &syn::File) -> Vec<String> {
        let Some(syn::Item::Mod(m)) = file.items.first() else {
            panic!("a types module")
        };
        m.content
            .as_ref()
            .map(|c| c.1.iter().map(text).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_large_struct_of_optional_members_is_decoded_by_the_macro() {
        let mut file = types(vec![large(None)]);
        let large = decode_large_replies(&mut file).expect("rewritten");
        assert_eq!(large, HashSet::from(["Details".to_owned()]));
        let items = items(&file);
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(
            items[0].starts_with("#[derive(::serde::Serialize,Clone,Debug,Default,PartialEq)]"),
            "{}",
            items[0]
        );
        assert!(
            items[0].contains("#[serde(rename=\"member0\""),
            "writing keeps its names"
        );
        let invocation = &items[1];
        assert!(
            invocation.starts_with("::sdk_runtime::optional_members!(Details{"),
            "{invocation}"
        );
        assert!(invocation.contains("member_0:\"member0\""), "{invocation}");
        assert!(invocation.contains("r#type:\"type\""), "{invocation}");
        assert!(invocation.contains("links:\"links\""), "{invocation}");
    }

    #[test]
    fn structs_the_macro_cannot_read_keep_the_derive() {
        let required: syn::Field = syn::parse_quote! { pub id: i64 };
        let flattened: syn::Field = syn::parse_quote! {
            #[serde(flatten)] pub extra: ::std::option::Option<::std::collections::HashMap<String, String>>
        };
        let small: syn::ItemStruct = syn::parse_quote! {
            #[derive(::serde::Deserialize, Default)]
            pub struct Link { pub href: ::std::option::Option<String> }
        };
        let mut without_default = large(None);
        without_default.attrs = vec![syn::parse_quote! { #[derive(::serde::Deserialize, Clone)] }];
        let mut container_attribute = large(None);
        container_attribute
            .attrs
            .push(syn::parse_quote! { #[serde(deny_unknown_fields)] });
        let originals = vec![
            large(Some(required)),
            large(Some(flattened)),
            small,
            without_default,
            container_attribute,
        ];
        let mut file = types(originals.clone());
        let large = decode_large_replies(&mut file).expect("nothing to rewrite");
        assert!(large.is_empty(), "{large:?}");
        let originals: Vec<String> = originals.into_iter().map(|s| text(&syn::Item::Struct(s))).collect();
        assert_eq!(items(&file), originals);
    }

    #[test]
    fn a_file_without_types_is_an_error() {
        let mut file: syn::File = syn::parse_quote! { pub mod builder {} };
        assert!(decode_large_replies(&mut file).is_err());
    }
}
