//! Each operation's `send`, generated from the generator's own model of the operation ([`crate::model`]) and written
//! in place of progenitor's.
//!
//! progenitor's `send` runs its client hooks, parses the reply itself and returns `progenitor_client::Error<()>`,
//! which cannot carry what the runtime knows (status, Oracle error document, raw body). The `send` written here
//! hands the call to the runtime through its one contract, `sdk_runtime::call`:
//!
//! - it returns `Result<ResponseValue<T>, ::sdk_runtime::Error>`, with `T` the reply type progenitor chose;
//! - each argument is checked once (`call::invalid_argument` on a builder's error), then borrowed by a closure
//!   that builds the request and that the runtime calls once per attempt: no copy of a request is made ahead of a
//!   retry that most calls never need;
//! - path parameters are written straight into the URL (`call::url`): integers as they are, others through
//!   `call::PathSegment`; an optional query or header parameter is added only when it has a value; no
//!   `api-version` header (Oracle defines none);
//! - the reply is read by `call::send_json`, `call::send_stream` or `call::send_empty` with the documented
//!   statuses. An operation with a JSON reply gets two methods: `send_unread`, which returns the reply read but
//!   not decoded (`call::JsonReply::unread`, or `unread_in_place` for the large structs that [`crate::members`]
//!   makes readable in place), and `send`, the same call decoded in place of the reply (`decode` or
//!   `decode_in_place`).
//!
//! From progenitor's output only syntax is read: the builder struct of the operation (its name and its fields'
//! names and types) and the reply type of its `send`. Nothing depends on how progenitor writes a method's body.
//! An operation whose builder cannot be matched to the spec fails generation, naming the operation.

use std::collections::HashSet;

use anyhow::{Result, anyhow, bail};
use proc_macro2::{Literal, Span};
use quote::{format_ident, quote};
use syn::ext::IdentExt as _;

use crate::model::{Location, Operation, Parameter, Reply};
use crate::syntax::{module_items, type_arguments_mut};

/// Writes the `send` of every operation into the builder of that operation.
///
/// `large` names the reply structs that `sdk_runtime::optional_members!` decodes (see [`crate::members`]): their
/// operations decode in place.
pub fn write_sends(file: &mut syn::File, operations: &[Operation], large: &HashSet<String>) -> Result<()> {
    let builder = module_items(file, "builder")?;
    for op in operations {
        write_send(builder, op, large)
            .map_err(|e| anyhow!("operation {} ({} {}): {e}", op.id, op.method.to_uppercase(), op.path))?;
    }
    Ok(())
}

/// Names compared as progenitor may spell them: letters and digits only, lower case (`requestId`, `request_id`
/// and `RequestId` are one name).
fn folded(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What one field of an operation's builder carries.
enum Role<'a> {
    Parameter(&'a Parameter),
    Body,
}

struct Field<'a> {
    ident: syn::Ident,
    role: Role<'a>,
    /// For the body: the type to convert the builder's value into (`types::X` for `types::builder::X`).
    convert_to: Option<syn::Type>,
}

fn write_send(builder: &mut [syn::Item], op: &Operation, large: &HashSet<String>) -> Result<()> {
    let wanted = folded(&op.id);
    let structure = builder
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if folded(&s.ident.to_string()) == wanted => Some(s),
            _ => None,
        })
        .ok_or_else(|| anyhow!("progenitor wrote no builder struct for it"))?;
    let name = structure.ident.clone();
    let fields = fields(structure, op)?;
    let block = builder
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Impl(block) if block.trait_.is_none() && is_type(&block.self_ty, &name) => Some(block),
            _ => None,
        })
        .find(|block| block.items.iter().any(is_send))
        .ok_or_else(|| anyhow!("the builder {name} has no `send` method"))?;
    let at = block
        .items
        .iter()
        .position(is_send)
        .ok_or_else(|| anyhow!("the builder {name} has no `send` method"))?;
    let syn::ImplItem::Fn(function) = &block.items[at] else {
        bail!("the builder {name} has no `send` method");
    };
    let reply_type = match op.reply {
        Reply::Json => success_type(&function.sig.output)
            .ok_or_else(|| anyhow!("progenitor's `send` does not return `Result<ResponseValue<T>, _>`"))?,
        Reply::Stream => syn::parse_quote!(ByteStream),
        Reply::Empty => syn::parse_quote!(()),
    };
    let docs: Vec<syn::Attribute> = function
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .cloned()
        .collect();
    let in_place = large_reply(&reply_type).is_some_and(|n| large.contains(&n));
    let (decode, unread) = if in_place {
        (quote!(decode_in_place), quote!(unread_in_place))
    } else {
        (quote!(decode), quote!(unread))
    };
    let body = send_body(op, &fields, quote!(.await?.#decode()))?;
    block.items[at] = syn::parse_quote! {
        #(#docs)*
        pub async fn send(self) -> Result<ResponseValue<#reply_type>, ::sdk_runtime::Error> #body
    };
    if op.reply == Reply::Json {
        // The same call without the decoding, for a caller that reads part of a reply. Written out rather than
        // called by `send`: `send` decodes where the value is returned, through no function pointer and no
        // further future, so the common call keeps its shape.
        let body = send_body(op, &fields, quote!(.await.map(::sdk_runtime::call::JsonReply::#unread)))?;
        block.items.insert(
            at + 1,
            syn::parse_quote! {
                /// Sends the request as [`send`](Self::send) does and returns its success reply read but not
                /// decoded: [`UnreadReply::peek`](sdk_runtime::UnreadReply::peek) reads the members a caller
                /// needs, [`UnreadReply::decode`](sdk_runtime::UnreadReply::decode) the whole document.
                pub async fn send_unread(self) -> Result<::sdk_runtime::UnreadReply<#reply_type>, ::sdk_runtime::Error> #body
            },
        );
    }
    Ok(())
}

fn is_send(member: &syn::ImplItem) -> bool {
    matches!(member, syn::ImplItem::Fn(function) if function.sig.ident == "send")
}

fn is_type(ty: &syn::Type, name: &syn::Ident) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == *name))
}

/// The fields of an operation's builder, in the builder's order, each matched to what the spec says of it.
fn fields<'a>(structure: &syn::ItemStruct, op: &'a Operation) -> Result<Vec<Field<'a>>> {
    let mut out = Vec::new();
    for field in &structure.fields {
        let Some(ident) = field.ident.clone() else {
            bail!("the builder has an unnamed field");
        };
        let plain = ident.unraw().to_string();
        if plain == "client" {
            continue;
        }
        let mut ty = field.ty.clone();
        let [value, _] = type_arguments_mut(&mut ty, "Result")
            .and_then(|a| <[&mut syn::Type; 2]>::try_from(a).ok())
            .ok_or_else(|| anyhow!("the builder's field {plain} is not a `Result<T, E>`"))?;
        if op.body && plain == "body" {
            out.push(Field {
                ident,
                role: Role::Body,
                convert_to: built_type(value),
            });
            continue;
        }
        let matching: Vec<&Parameter> = op
            .parameters
            .iter()
            .filter(|p| folded(&p.name) == folded(&plain))
            .collect();
        let [parameter] = matching.as_slice() else {
            bail!(
                "the builder's field {plain} matches {} parameters of the spec",
                matching.len()
            );
        };
        let optional = type_arguments_mut(value, "Option").is_some();
        if optional == parameter.required {
            bail!(
                "the builder's field {plain} is {}, but the spec says the parameter is {}",
                if optional { "optional" } else { "required" },
                if parameter.required { "required" } else { "optional" }
            );
        }
        out.push(Field {
            ident,
            role: Role::Parameter(parameter),
            convert_to: None,
        });
    }
    for parameter in &op.parameters {
        let present = out
            .iter()
            .any(|f| matches!(f.role, Role::Parameter(p) if p == parameter));
        if !present {
            bail!("the builder has no field for the parameter {}", parameter.name);
        }
    }
    if op.body && !out.iter().any(|f| matches!(f.role, Role::Body)) {
        bail!("the builder has no `body` field");
    }
    Ok(out)
}

/// `types::X` for a builder's `types::builder::X`: the type a body built with a typify builder is converted into.
fn built_type(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let segments: Vec<&syn::PathSegment> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [types, builder, name] if types.ident == "types" && builder.ident == "builder" => {
            let name = &name.ident;
            Some(syn::parse_quote!(types::#name))
        }
        _ => None,
    }
}

/// The `T` of `Result<ResponseValue<T>, _>`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let mut ty = (**ty).clone();
    let [value, _] = <[&mut syn::Type; 2]>::try_from(type_arguments_mut(&mut ty, "Result")?).ok()?;
    let [reply] = <[&mut syn::Type; 1]>::try_from(type_arguments_mut(value, "ResponseValue")?).ok()?;
    Some(reply.clone())
}

/// The `X` of a reply type `types::X`.
fn large_reply(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else { return None };
    let segments: Vec<&syn::PathSegment> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [types, name] if types.ident == "types" => Some(name.ident.to_string()),
        _ => None,
    }
}

/// A local name of the generated method that no field of the builder shadows.
fn local(name: &str, fields: &[Field<'_>]) -> syn::Ident {
    let mut name = name.to_owned();
    while fields.iter().any(|f| f.ident.unraw() == name) {
        name.push('_');
    }
    syn::Ident::new(&name, Span::call_site())
}

/// The body of a `send`; `json_tail` follows `call::send_json(..)` for an operation with a JSON reply.
fn send_body(op: &Operation, fields: &[Field<'_>], json_tail: proc_macro2::TokenStream) -> Result<syn::Block> {
    let url = local("url", fields);
    let request = local("request", fields);
    let value = local("value", fields);
    let build = local("build", fields);
    let idents: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let checks = fields.iter().map(|field| {
        let f = &field.ident;
        match &field.convert_to {
            Some(target) => quote! {
                let #f = #f
                    .and_then(|v| #target::try_from(v).map_err(|e| e.to_string().into()))
                    .map_err(::sdk_runtime::call::invalid_argument)?;
            },
            None => quote! { let #f = #f.map_err(::sdk_runtime::call::invalid_argument)?; },
        }
    });
    let of = |location: Location| {
        fields.iter().filter_map(move |field| match field.role {
            Role::Parameter(p) if p.location == location => Some((&field.ident, p)),
            _ => None,
        })
    };

    // The path: each `{name}` of the template becomes `{}`, written from its argument.
    let mut template = String::new();
    let mut arguments = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        template.push_str(&rest[..open].replace('}', "}}"));
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| anyhow!("unclosed `{{` in the path"))?;
        let name = &after[..close];
        let (ident, parameter) = of(Location::Path)
            .find(|(_, p)| p.name == name)
            .ok_or_else(|| anyhow!("no path parameter {name}"))?;
        template.push_str("{}");
        arguments.push(if parameter.integer {
            quote!(#ident)
        } else {
            quote!(::sdk_runtime::call::PathSegment(#ident))
        });
        rest = &after[close + 1..];
    }
    template.push_str(&rest.replace('}', "}}"));

    let method = format_ident!("{}", op.method);
    let reqwest_method = match op.method.as_str() {
        "get" | "post" | "put" | "patch" | "delete" | "head" => quote!(#method(#url)),
        other => {
            let constant = format_ident!("{}", other.to_uppercase());
            quote!(request(::reqwest::Method::#constant, #url))
        }
    };
    let accept = (op.reply == Reply::Json).then(|| {
        quote! {
            .header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json"))
        }
    });
    let mut additions = Vec::new();
    for (ident, parameter) in of(Location::Query) {
        let name = &parameter.name;
        additions.push(if parameter.required {
            quote! { #request = ::sdk_runtime::call::query(#request, #name, #ident); }
        } else {
            quote! {
                if let Some(#value) = #ident {
                    #request = ::sdk_runtime::call::query(#request, #name, #value);
                }
            }
        });
    }
    for (ident, parameter) in of(Location::Header) {
        let name = &parameter.name;
        additions.push(if parameter.required {
            quote! { #request = ::sdk_runtime::call::header(#request, #name, #ident)?; }
        } else {
            quote! {
                if let Some(#value) = #ident {
                    #request = ::sdk_runtime::call::header(#request, #name, #value)?;
                }
            }
        });
    }
    if let Some(body) = fields.iter().find(|f| matches!(f.role, Role::Body)) {
        let body = &body.ident;
        additions.push(quote! { #request = #request.json(#body); });
    }
    let mutable = (!additions.is_empty()).then(|| quote!(mut));
    let operation = &op.name;
    let call = match op.reply {
        Reply::Json => {
            quote! {
                ::sdk_runtime::call::send_json(&client.inner, &client.client, &#build, #operation) #json_tail
            }
        }
        Reply::Stream | Reply::Empty => {
            let function = if op.reply == Reply::Stream {
                quote!(send_stream)
            } else {
                quote!(send_empty)
            };
            let statuses = op.statuses.iter().map(|s| Literal::u16_suffixed(*s));
            quote! {
                ::sdk_runtime::call::#function(&client.inner, &client.client, &#build, #operation, &[#(#statuses),*]).await
            }
        }
    };
    Ok(syn::parse_quote! {{
        let Self { client, #(#idents),* } = self;
        #(#checks)*
        #(let #idents = &#idents;)*
        let #build = move || -> ::std::result::Result<::reqwest::Request, ::sdk_runtime::Error> {
            let #url = ::sdk_runtime::call::url(&client.inner, format_args!(#template #(, #arguments)*))?;
            let #mutable #request = client.client.#reqwest_method #accept;
            #(#additions)*
            ::sdk_runtime::call::build(#request)
        };
        #call
    }})
}

/// progenitor's client surface, reduced to what the crate offers: no public constructor that bypasses the crate's
/// builder (`new` panics when the TLS backend cannot start; `new_with_client` stays, crate-private, for
/// `sdk_runtime::wire_client!`), no `ClientInfo` or `prelude` (their hooks are not used), no progenitor `Error`
/// (the crate has one type named `Error`), and no hook machinery.
pub fn reduce_client_surface(file: &mut syn::File) -> Result<()> {
    const UNUSED: &[&str] = &[
        "Error",
        "ClientInfo",
        "ClientHooks",
        "OperationInfo",
        "RequestBuilderExt",
        "encode_path",
    ];
    let mut constructor = false;
    file.items.retain_mut(|item| match item {
        syn::Item::Impl(block) => {
            // `impl ClientInfo<..> for Client` and `impl ClientHooks<..> for &Client`: calls do not use them.
            let trait_name = block.trait_.as_ref().and_then(|(_, path, _)| path.segments.last());
            if trait_name.is_some_and(|s| s.ident == "ClientInfo" || s.ident == "ClientHooks") {
                return false;
            }
            if block.trait_.is_none() && is_type(&block.self_ty, &format_ident!("Client")) {
                block
                    .items
                    .retain(|member| !matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
                for member in &mut block.items {
                    if let syn::ImplItem::Fn(function) = member
                        && function.sig.ident == "new_with_client"
                    {
                        function.vis = syn::parse_quote!(pub(crate));
                        constructor = true;
                    }
                }
            }
            true
        }
        syn::Item::Mod(m) => m.ident != "prelude",
        // The `const _` block asserting `Client: ClientHooks<..>`.
        syn::Item::Const(c) => !(c.ident == "_" && declares_fn(&c.expr, "assert_client_hooks")),
        syn::Item::Use(u) => keep_use(u, UNUSED),
        _ => true,
    });
    if !constructor {
        bail!("progenitor output has no `Client::new_with_client` to make crate-private");
    }
    for item in module_items(file, "builder")?.iter_mut() {
        if let syn::Item::Use(u) = item {
            keep_use(u, UNUSED);
        }
    }
    Ok(())
}

fn declares_fn(expr: &syn::Expr, name: &str) -> bool {
    let syn::Expr::Block(block) = expr else { return false };
    block
        .block
        .stmts
        .iter()
        .any(|stmt| matches!(stmt, syn::Stmt::Item(syn::Item::Fn(f)) if f.sig.ident == name))
}

/// Drops the names `unused` from a `use a::{..}` group; whether anything is left to import.
fn keep_use(item: &mut syn::ItemUse, unused: &[&str]) -> bool {
    let syn::UseTree::Path(path) = &mut item.tree else {
        return true;
    };
    let syn::UseTree::Group(group) = &mut *path.tree else {
        return !matches!(&*path.tree, syn::UseTree::Name(n) if unused.iter().any(|u| n.ident == u));
    };
    group.items = std::mem::take(&mut group.items)
        .into_iter()
        .filter(|tree| !matches!(tree, syn::UseTree::Name(n) if unused.iter().any(|u| n.ident == u)))
        .collect();
    !group.items.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Parameter, Scalar};

    fn parameter(name: &str, location: Location, required: bool, integer: bool) -> Parameter {
        Parameter {
            name: name.to_owned(),
            location,
            required,
            integer,
            scalar: if integer {
                Scalar::Integer { format: None }
            } else {
                Scalar::String { format: None }
            },
            description: None,
        }
    }

    fn op(parameters: Vec<Parameter>, body: bool, reply: Reply) -> Operation {
        Operation {
            name: "query_requests".to_owned(),
            id: "queryRequests".to_owned(),
            method: "post".to_owned(),
            path: "/requests/{requestId}/{name}".to_owned(),
            parameters,
            body,
            reply,
            statuses: vec![200, 202],
            summary: None,
            description: None,
            request_body: None,
            reply_headers: Vec::new(),
        }
    }

    fn progenitor_output() -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                use super::{ByteStream, ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue, encode_path};
                pub struct QueryRequests<'a> {
                    client: &'a super::Client,
                    request_id: Result<i64, String>,
                    name: Result<::std::string::String, String>,
                    fields: Result<Option<::std::string::String>, String>,
                    tenant: Result<Option<::std::string::String>, String>,
                    body: Result<types::builder::Query, String>,
                }
                impl<'a> QueryRequests<'a> {
                    /// Sends a `POST` request.
                    pub async fn send(self) -> Result<ResponseValue<types::Page>, Error<()>> {
                        unimplemented!("whatever progenitor writes here is replaced")
                    }
                }
            }
        }
    }

    fn full() -> Operation {
        op(
            vec![
                parameter("requestId", Location::Path, true, true),
                parameter("name", Location::Path, true, false),
                parameter("fields", Location::Query, false, false),
                parameter("tenant", Location::Header, false, false),
            ],
            true,
            Reply::Json,
        )
    }

    fn written(file: &syn::File) -> String {
        prettyplease::unparse(file).split_whitespace().collect()
    }

    #[test]
    fn send_is_written_from_the_operation() {
        let mut file = progenitor_output();
        write_sends(&mut file, &[full()], &HashSet::new()).expect("written");
        // What both methods do before the exchange: each argument checked once, the request built per attempt.
        let prepare = quote! {
            let Self { client, request_id, name, fields, tenant, body } = self;
            let request_id = request_id.map_err(::sdk_runtime::call::invalid_argument)?;
            let name = name.map_err(::sdk_runtime::call::invalid_argument)?;
            let fields = fields.map_err(::sdk_runtime::call::invalid_argument)?;
            let tenant = tenant.map_err(::sdk_runtime::call::invalid_argument)?;
            let body = body
                .and_then(|v| types::Query::try_from(v).map_err(|e| e.to_string().into()))
                .map_err(::sdk_runtime::call::invalid_argument)?;
            let request_id = &request_id;
            let name = &name;
            let fields = &fields;
            let tenant = &tenant;
            let body = &body;
            let build = move || -> ::std::result::Result<::reqwest::Request, ::sdk_runtime::Error> {
                let url = ::sdk_runtime::call::url(
                    &client.inner,
                    format_args!("/requests/{}/{}", request_id, ::sdk_runtime::call::PathSegment(name))
                )?;
                let mut request = client.client.post(url)
                    .header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json"));
                if let Some(value) = fields {
                    request = ::sdk_runtime::call::query(request, "fields", value);
                }
                if let Some(value) = tenant {
                    request = ::sdk_runtime::call::header(request, "tenant", value)?;
                }
                request = request.json(body);
                ::sdk_runtime::call::build(request)
            };
        };
        let expected_send: syn::ImplItemFn = syn::parse_quote! {
            /// Sends a `POST` request.
            pub async fn send(self) -> Result<ResponseValue<types::Page>, ::sdk_runtime::Error> {
                #prepare
                ::sdk_runtime::call::send_json(&client.inner, &client.client, &build, "query_requests").await?.decode()
            }
        };
        let expected: syn::ImplItemFn = syn::parse_quote! {
            /// Sends the request as [`send`](Self::send) does and returns its success reply read but not
            /// decoded: [`UnreadReply::peek`](sdk_runtime::UnreadReply::peek) reads the members a caller
            /// needs, [`UnreadReply::decode`](sdk_runtime::UnreadReply::decode) the whole document.
            pub async fn send_unread(self) -> Result<::sdk_runtime::UnreadReply<types::Page>, ::sdk_runtime::Error> {
                #prepare
                ::sdk_runtime::call::send_json(&client.inner, &client.client, &build, "query_requests")
                    .await
                    .map(::sdk_runtime::call::JsonReply::unread)
            }
        };
        let Some(syn::Item::Mod(builder)) = file.items.first() else {
            panic!("the builder module")
        };
        let written: Vec<syn::ImplItemFn> = builder
            .content
            .iter()
            .flat_map(|(_, items)| items)
            .filter_map(|item| match item {
                syn::Item::Impl(block) => Some(block),
                _ => None,
            })
            .flat_map(|block| &block.items)
            .filter_map(|member| match member {
                syn::ImplItem::Fn(function) => Some(function.clone()),
                _ => None,
            })
            .collect();
        let print = |function: syn::ImplItemFn| {
            let item: syn::Item = syn::parse_quote! { impl S { #function } };
            prettyplease::unparse(&syn::File {
                shebang: None,
                attrs: Vec::new(),
                items: vec![item],
            })
        };
        let Ok([send, send_unread]) = <[syn::ImplItemFn; 2]>::try_from(written) else {
            panic!("expected send and send_unread")
        };
        assert_eq!(print(send), print(expected_send));
        assert_eq!(print(send_unread), print(expected));
    }

    #[test]
    fn large_replies_decode_in_place_and_bodiless_replies_carry_their_statuses() {
        let mut file = progenitor_output();
        let large = HashSet::from(["Page".to_owned()]);
        write_sends(&mut file, &[full()], &large).expect("written");
        let code = written(&file);
        assert!(code.contains(".await?.decode_in_place()"), "{code}");
        assert!(
            code.contains(".await.map(::sdk_runtime::call::JsonReply::unread_in_place)"),
            "{code}"
        );
        for (reply, function, ty) in [
            (Reply::Empty, "send_empty", "()"),
            (Reply::Stream, "send_stream", "ByteStream"),
        ] {
            let mut file = progenitor_output();
            let mut op = full();
            op.reply = reply;
            write_sends(&mut file, &[op], &HashSet::new()).expect("written");
            let code = written(&file);
            assert!(
                code.contains(&format!("Result<ResponseValue<{ty}>,::sdk_runtime::Error>")),
                "{code}"
            );
            assert!(code.contains(&format!("::sdk_runtime::call::{function}(&client.inner,&client.client,&build,\"query_requests\",&[200u16,202u16],).await")), "{code}");
            assert!(!code.contains("ACCEPT"), "{code}");
        }
    }

    #[test]
    fn a_field_named_like_a_local_keeps_its_value() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct GetRequest<'a> { client: &'a super::Client, request: Result<i64, String>, url: Result<Option<String>, String> }
                impl<'a> GetRequest<'a> { pub async fn send(self) -> Result<ResponseValue<types::Status>, Error<()>> { todo!() } }
            }
        };
        let mut op = op(
            vec![
                parameter("request", Location::Path, true, true),
                parameter("url", Location::Query, false, false),
            ],
            false,
            Reply::Json,
        );
        op.id = "getRequest".to_owned();
        op.path = "/requests/{request}".to_owned();
        write_sends(&mut file, &[op], &HashSet::new()).expect("written");
        let code = written(&file);
        assert!(
            code.contains("leturl_=::sdk_runtime::call::url(&client.inner,format_args!(\"/requests/{}\",request),)?;"),
            "{code}"
        );
        assert!(code.contains("letmutrequest_=client.client.post(url_)"), "{code}");
        assert!(
            code.contains("ifletSome(value)=url{request_=::sdk_runtime::call::query(request_,\"url\",value);}"),
            "{code}"
        );
    }

    #[test]
    fn a_builder_that_does_not_match_the_spec_is_refused_with_the_operation() {
        let mut missing = full();
        missing
            .parameters
            .push(parameter("pageSize", Location::Query, true, true));
        let mut optional = full();
        optional.parameters[2].required = true;
        for (op, problem) in [
            (missing, "no field for the parameter pageSize"),
            (optional, "field fields is optional"),
        ] {
            let mut file = progenitor_output();
            let error = write_sends(&mut file, &[op], &HashSet::new())
                .expect_err("a mismatch")
                .to_string();
            assert!(error.contains("queryRequests") && error.contains(problem), "{error}");
        }
    }

    #[test]
    fn the_client_offers_only_what_the_crate_means() {
        let mut file: syn::File = syn::parse_quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            use progenitor_client::{ClientHooks, OperationInfo, RequestBuilderExt, encode_path};
            pub struct Client { pub(crate) baseurl: String }
            impl Client {
                pub fn new(baseurl: &str) -> Self { Self::new_with_client(baseurl) }
                pub fn new_with_client(baseurl: &str) -> Self { Self { baseurl: baseurl.to_string() } }
            }
            impl ClientInfo<()> for Client { fn api_version() -> &'static str { "v1" } }
            impl ClientHooks<()> for &Client {}
            const _: () = { fn assert_client_hooks() where Client: ClientHooks<()> {} };
            pub mod builder { use super::{ByteStream, ClientHooks, ClientInfo, Error, ResponseValue}; }
            pub mod prelude { pub use self::super::Client; }
        };
        reduce_client_surface(&mut file).expect("reduced");
        let expected: syn::File = syn::parse_quote! {
            pub use progenitor_client::{ByteStream, ResponseValue};
            pub struct Client { pub(crate) baseurl: String }
            impl Client {
                pub(crate) fn new_with_client(baseurl: &str) -> Self { Self { baseurl: baseurl.to_string() } }
            }
            pub mod builder { use super::{ByteStream, ResponseValue}; }
        };
        assert_eq!(prettyplease::unparse(&file), prettyplease::unparse(&expected));
    }
}
