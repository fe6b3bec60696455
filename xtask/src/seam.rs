//! The seam between generated code and the runtime: a post-pass over progenitor's output.
//!
//! progenitor's `send` methods run the client hooks, then parse the reply themselves and return
//! `progenitor_client::Error<()>`, which cannot carry what the runtime knows (status, Oracle error document, raw
//! body). This pass hands each call to the runtime whole instead, so that:
//!
//! - every `send` returns `Result<ResponseValue<T>, ::sdk_runtime::Error>`: `?` works in a function returning the
//!   crate's error, with no conversion;
//! - the reply is read and decoded once, by the runtime (`send_json(..).await?.decode()`, `send_stream`,
//!   `send_empty`), which keeps the real status, the operation and the raw body when a success body is not its
//!   documented type;
//! - the request is handed over as a closure that builds it from the checked arguments, called once per attempt:
//!   no copy of a request is made ahead of a retry that most calls never need;
//! - path parameters are written straight into the URL: integers as they are, others through
//!   `sdk_runtime::PathSegment` (encoded as written, `;` `[` `]` `|` `^` encoded as well), with no string of their
//!   own; an optional query parameter is appended only when it has a value; a header map is not allocated ahead
//!   of headers that may not come;
//! - the `api-version` header progenitor always adds (Oracle defines none) is never built;
//! - the generated constructors that bypass the crate's builder are not public (`new` is removed: it panics when
//!   the TLS backend cannot start; `new_with_client` is crate-private, used by `sdk_runtime::wire_client!`);
//! - progenitor's `Error` is no longer re-exported, so the crate has one type named `Error`.
//!
//! Every rewrite checks that it found what it expects and fails naming the operation otherwise, so a progenitor
//! upgrade that changes its output breaks `cargo xtask generate` loudly rather than producing a half-wired client.

use anyhow::{Result, anyhow, bail};
use quote::ToTokens;
use syn::visit_mut::VisitMut;

/// How a call's success reply is read, from progenitor's own choice for the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    /// A JSON document of the operation's success type.
    Json,
    /// A byte stream (downloads).
    Stream,
    /// No body.
    Empty,
}

impl Reply {
    fn runtime_method(self) -> syn::Ident {
        let name = match self {
            Self::Json => "send_json",
            Self::Stream => "send_stream",
            Self::Empty => "send_empty",
        };
        syn::Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// Applies the pass to a generated file.
pub fn route_through_runtime(file: &mut syn::File) -> Result<()> {
    unexport_progenitor_error(file)?;
    privatise_constructors(file)?;
    drop_hooks_assertion(file);
    let builder = crate::generate::module_items(file, "builder")?;
    for item in builder.iter_mut() {
        if let syn::Item::Use(use_item) = item {
            drop_name_from_group(&mut use_item.tree, "super", "Error");
        }
    }
    let arguments = builder_arguments(builder);
    let mut rewritten = 0;
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else { continue };
        let name = match &*block.self_ty {
            syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let none = Arguments::default();
        let arguments = name.and_then(|n| arguments.get(&n)).unwrap_or(&none);
        for member in &mut block.items {
            let syn::ImplItem::Fn(function) = member else { continue };
            if function.sig.ident == "send" {
                rewrite_send(function, arguments)?;
                rewritten += 1;
            }
        }
    }
    if rewritten == 0 {
        bail!("progenitor output has no `send` methods to route through the runtime");
    }
    Ok(())
}

/// What the pass needs to know of a builder's arguments, from the types of its struct's fields.
#[derive(Debug, Default)]
struct Arguments {
    /// Fields of type `Result<Option<_>, String>`.
    optional: Vec<String>,
    /// Fields of a primitive integer type (`Result<i64, String>`): written into a path as they are.
    integer: Vec<String>,
}

/// The [`Arguments`] of each builder struct, by struct name.
fn builder_arguments(items: &[syn::Item]) -> std::collections::HashMap<String, Arguments> {
    const INTEGERS: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128", "usize", "isize",
    ];
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s),
            _ => None,
        })
        .map(|s| {
            let mut arguments = Arguments::default();
            for field in &s.fields {
                let Some(name) = field.ident.as_ref().map(ToString::to_string) else {
                    continue;
                };
                let ty: String = field.ty.to_token_stream().to_string().split_whitespace().collect();
                if ty.starts_with("Result<Option<") || ty.starts_with("Result<::std::option::Option<") {
                    arguments.optional.push(name);
                } else if INTEGERS.iter().any(|int| ty == format!("Result<{int},String>")) {
                    arguments.integer.push(name);
                }
            }
            (s.ident.to_string(), arguments)
        })
        .collect()
}

/// `pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};` without `Error`.
fn unexport_progenitor_error(file: &mut syn::File) -> Result<()> {
    for item in &mut file.items {
        let syn::Item::Use(use_item) = item else { continue };
        if matches!(use_item.vis, syn::Visibility::Public(_))
            && drop_name_from_group(&mut use_item.tree, "progenitor_client", "Error")
        {
            return Ok(());
        }
    }
    bail!("progenitor output no longer re-exports `progenitor_client::Error` as expected")
}

/// Removes `name` from `use <root>::{...}`; whether it was there.
fn drop_name_from_group(tree: &mut syn::UseTree, root: &str, name: &str) -> bool {
    let syn::UseTree::Path(path) = tree else { return false };
    if path.ident != root {
        return false;
    }
    let syn::UseTree::Group(group) = &mut *path.tree else {
        return false;
    };
    let before = group.items.len();
    group.items = std::mem::take(&mut group.items)
        .into_iter()
        .filter(|tree| !matches!(tree, syn::UseTree::Name(n) if n.ident == name))
        .collect();
    group.items.len() < before
}

/// Removes `Client::new` and makes `Client::new_with_client` crate-private.
fn privatise_constructors(file: &mut syn::File) -> Result<()> {
    let mut found = false;
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() || block.self_ty.to_token_stream().to_string() != "Client" {
            continue;
        }
        let before = block.items.len();
        block
            .items
            .retain(|member| !matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
        for member in &mut block.items {
            if let syn::ImplItem::Fn(function) = member
                && function.sig.ident == "new_with_client"
            {
                function.vis = syn::parse_quote!(pub(crate));
                found = true;
            }
        }
        found |= block.items.len() < before;
    }
    if found {
        Ok(())
    } else {
        bail!("progenitor output has no `Client::new_with_client` to make crate-private")
    }
}

/// The `const _` block asserting `Client: ClientHooks<...>`: calls no longer go through progenitor's hooks.
fn drop_hooks_assertion(file: &mut syn::File) {
    file.items.retain(|item| {
        !matches!(item, syn::Item::Const(c) if c.ident == "_" && c.to_token_stream().to_string().contains("assert_client_hooks"))
    });
}

fn rewrite_send(function: &mut syn::ImplItemFn, types: &Arguments) -> Result<()> {
    let block_text = function.block.to_token_stream().to_string();
    let operation = block_text
        .split("operation_id : \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| anyhow!("a generated send method has no operation id"))?
        .to_owned();
    let place = || format!("operation {operation}");
    set_error_type(&mut function.sig.output).ok_or_else(|| anyhow!("{}: unexpected return type", place()))?;
    let (reply, statuses) = reply_kind(&function.block).map_err(|e| anyhow!("{}: {e}", place()))?;

    let stmts = std::mem::take(&mut function.block.stmts);
    let info_at = stmts
        .iter()
        .position(|s| s.to_token_stream().to_string().starts_with("let info = OperationInfo"))
        .ok_or_else(|| anyhow!("{}: no `let info = OperationInfo` statement", place()))?;
    let mut kept: Vec<syn::Stmt> = stmts
        .into_iter()
        .take(info_at)
        .filter(|s| !s.to_token_stream().to_string().contains("\"api-version\""))
        .collect();
    lighten_header_map(&mut kept);
    let mut errors = RuntimeErrors { built: 0 };
    for stmt in &mut kept {
        errors.visit_stmt_mut(stmt);
    }
    if errors.built != 1 {
        bail!(
            "{}: expected one `.build()?` of the request, found {}",
            place(),
            errors.built
        );
    }
    // progenitor names the built request `request`, or `_request` when a parameter is called `request`.
    let request = kept
        .iter()
        .rev()
        .find_map(|stmt| match stmt {
            syn::Stmt::Local(local) if local.to_token_stream().to_string().contains(". build ()") => match &local.pat {
                syn::Pat::Ident(binding) => Some(binding.ident.clone()),
                _ => None,
            },
            _ => None,
        })
        .ok_or_else(|| anyhow!("{}: no `let` binding of the built request", place()))?;

    // The arguments are taken out of the builder once; what builds the request from them goes into a closure
    // that the runtime calls once per attempt (no copy of the request is kept for a retry that may not come).
    let arguments =
        destructured_arguments(&kept).ok_or_else(|| anyhow!("{}: no `let Self {{ .. }} = self`", place()))?;
    let build_at = kept
        .iter()
        .position(|stmt| !is_argument_statement(stmt))
        .ok_or_else(|| anyhow!("{}: nothing builds the request", place()))?;
    let mut building = kept.split_off(build_at);
    let mut paths = PathSegments {
        integer: &types.integer,
    };
    for stmt in &mut building {
        paths.visit_stmt_mut(stmt);
    }
    url_from_parsed_base(&mut building).map_err(|e| anyhow!("{}: {e}", place()))?;
    append_only_present_queries(&mut building, &request, &types.optional).map_err(|e| anyhow!("{}: {e}", place()))?;
    for argument in &arguments {
        kept.push(syn::parse_quote! { let #argument = &#argument; });
    }
    kept.push(syn::parse_quote! {
        let build = move || -> ::std::result::Result<::reqwest::Request, ::sdk_runtime::Error> {
            #(#building)*
            Ok(#request)
        };
    });

    let method = reply.runtime_method();
    // A JSON reply is judged by its body, whatever its 2xx status; a reply without a body, or a download, only by
    // its status, so those carry their documented statuses.
    let call: syn::Expr = match reply {
        Reply::Json => syn::parse_quote! { client.inner.#method(&client.client, &build, #operation).await?.decode() },
        Reply::Stream | Reply::Empty => syn::parse_quote! {
            client.inner.#method(&client.client, &build, #operation, &[#(#statuses),*]).await
        },
    };
    kept.push(syn::Stmt::Expr(call, None));
    function.block.stmts = kept;
    Ok(())
}

/// The names bound by `let Self { client, a, b } = self;`, without `client`.
fn destructured_arguments(stmts: &[syn::Stmt]) -> Option<Vec<syn::Ident>> {
    stmts.iter().find_map(|stmt| {
        let syn::Stmt::Local(local) = stmt else { return None };
        let syn::Pat::Struct(pattern) = &local.pat else {
            return None;
        };
        Some(
            pattern
                .fields
                .iter()
                .filter_map(|field| match &*field.pat {
                    syn::Pat::Ident(binding) if binding.ident != "client" => Some(binding.ident.clone()),
                    _ => None,
                })
                .collect(),
        )
    })
}

/// `let Self { .. } = self;` or an argument checked out of the builder (`let a = a.map_err(..)?;`).
fn is_argument_statement(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Local(local) = stmt else { return false };
    if matches!(local.pat, syn::Pat::Struct(_)) {
        return true;
    }
    local.init.as_ref().is_some_and(|init| {
        init.expr
            .to_token_stream()
            .to_string()
            .contains("sdk_runtime :: Error :: invalid_argument")
    })
}

/// `encode_path(&a.to_string())` in the URL's `format!` becomes `::sdk_runtime::PathSegment(a)`: the segment is
/// encoded as it is written into the URL, with no string of its own; an integer argument, which has nothing to
/// encode, is written as it is.
struct PathSegments<'a> {
    integer: &'a [String],
}

impl VisitMut for PathSegments<'_> {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !mac.path.is_ident("format") {
            return;
        }
        let Ok(mut args) =
            mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        else {
            return;
        };
        let mut changed = false;
        for arg in &mut args {
            let syn::Expr::Call(call) = arg else { continue };
            if call.func.to_token_stream().to_string() != "encode_path" || call.args.len() != 1 {
                continue;
            }
            let Some(syn::Expr::Reference(reference)) = call.args.first() else {
                continue;
            };
            let syn::Expr::MethodCall(to_string) = &*reference.expr else {
                continue;
            };
            if to_string.method != "to_string" || !to_string.args.is_empty() {
                continue;
            }
            let value = &to_string.receiver;
            let name = value.to_token_stream().to_string();
            *arg = if self.integer.contains(&name) {
                (**value).clone()
            } else {
                syn::parse_quote!(::sdk_runtime::PathSegment(#value))
            };
            changed = true;
        }
        if changed {
            mac.tokens = args.to_token_stream();
        }
    }
}

/// `let url = format!("{}/path/{}", client.baseurl, a);` becomes `let url = client.inner.url(format_args!("/path/{}",
/// a))?;`: the runtime makes the URL from the base URL it parsed once, parsing only the path.
fn url_from_parsed_base(stmts: &mut [syn::Stmt]) -> Result<()> {
    for stmt in stmts {
        let syn::Stmt::Local(local) = stmt else { continue };
        if !matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "url") {
            continue;
        }
        let init = local.init.as_mut().ok_or_else(|| anyhow!("`let url` has no value"))?;
        let syn::Expr::Macro(format) = &*init.expr else {
            bail!("the URL is not made by `format!`")
        };
        let args = format
            .mac
            .parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            .map_err(|e| anyhow!("the URL's `format!` cannot be read: {e}"))?;
        let mut args = args.into_iter();
        let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(template),
            ..
        })) = args.next()
        else {
            bail!("the URL's `format!` has no template");
        };
        let template_text = template.value();
        let Some(path) = template_text.strip_prefix("{}") else {
            bail!("the URL's template does not start with the base URL");
        };
        match args.next() {
            Some(base) if base.to_token_stream().to_string() == "client . baseurl" => {}
            _ => bail!("the URL's first argument is not `client.baseurl`"),
        }
        let path = syn::LitStr::new(path, template.span());
        let rest: Vec<syn::Expr> = args.collect();
        *init.expr = syn::parse_quote!(client.inner.url(format_args!(#path #(, #rest)*))?);
    }
    Ok(())
}

/// Takes the `.query(&QueryParam::new("name", &value))` calls out of the request's builder chain and appends each
/// after it, an optional one only when it has a value: an absent parameter then costs no URL work at all.
fn append_only_present_queries(stmts: &mut Vec<syn::Stmt>, request: &syn::Ident, optional: &[String]) -> Result<()> {
    let Some(at) = stmts.iter().position(
        |stmt| matches!(stmt, syn::Stmt::Local(local) if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == *request)),
    ) else {
        bail!("no `let` binding of the built request");
    };
    let syn::Stmt::Local(local) = &mut stmts[at] else {
        bail!("the request binding is not a `let`")
    };
    let init = local
        .init
        .as_mut()
        .ok_or_else(|| anyhow!("the request binding has no value"))?;
    // `<chain>.build().map_err(..)?`
    let syn::Expr::Try(tried) = &mut *init.expr else {
        bail!("the request is not built with `?`")
    };
    let syn::Expr::MethodCall(map_err) = &mut *tried.expr else {
        bail!("the request's build error is not mapped")
    };
    let syn::Expr::MethodCall(build) = &mut *map_err.receiver else {
        bail!("no `.build()` before the error mapping")
    };
    let mut queries = Vec::new();
    take_queries(&mut build.receiver, &mut queries);
    if queries.is_empty() {
        return Ok(());
    }
    queries.reverse();
    let chain = std::mem::replace(&mut *build.receiver, syn::parse_quote!(request_builder));
    let mut prefix: Vec<syn::Stmt> = vec![syn::parse_quote! {
        #[allow(unused_mut)]
        let mut request_builder = #chain;
    }];
    for query in queries {
        let value =
            query_value(&query).ok_or_else(|| anyhow!("a query parameter is not `QueryParam::new(name, &value)`"))?;
        if optional.iter().any(|name| value == name) {
            prefix.push(syn::parse_quote! {
                if #value.is_some() {
                    request_builder = request_builder.query(#query);
                }
            });
        } else {
            prefix.push(syn::parse_quote! { request_builder = request_builder.query(#query); });
        }
    }
    stmts.splice(at..at, prefix);
    Ok(())
}

/// Removes every `.query(x)` from a method-call chain, collecting `x` from the outermost call inwards.
fn take_queries(expr: &mut syn::Expr, found: &mut Vec<syn::Expr>) {
    if let syn::Expr::MethodCall(call) = expr {
        if call.method == "query" && call.args.len() == 1 {
            if let Some(arg) = call.args.pop() {
                found.push(arg.into_value());
            }
            let receiver = std::mem::replace(&mut *call.receiver, syn::parse_quote!(()));
            *expr = receiver;
            take_queries(expr, found);
        } else {
            take_queries(&mut call.receiver, found);
        }
    }
}

/// The value of `&progenitor_client::QueryParam::new("name", &value)`.
fn query_value(query: &syn::Expr) -> Option<syn::Ident> {
    let syn::Expr::Reference(reference) = query else {
        return None;
    };
    let syn::Expr::Call(call) = &*reference.expr else {
        return None;
    };
    if !call.func.to_token_stream().to_string().ends_with("QueryParam :: new") {
        return None;
    }
    let syn::Expr::Reference(value) = call.args.iter().nth(1)? else {
        return None;
    };
    let syn::Expr::Path(path) = &*value.expr else {
        return None;
    };
    path.path.get_ident().cloned()
}

/// Without `api-version`, most calls send no header of their own: the map progenitor allocates for them, and the
/// `.headers(header_map)` that copies it into the request, are dropped when nothing else is put in the map. A map
/// that may receive headers (optional ones) starts empty rather than sized ahead, so that it allocates only when a
/// header goes in.
fn lighten_header_map(stmts: &mut Vec<syn::Stmt>) {
    let is_declaration = |stmt: &syn::Stmt| {
        matches!(stmt, syn::Stmt::Local(local)
            if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "header_map"))
    };
    let filled = stmts
        .iter()
        .filter(|stmt| !is_declaration(stmt))
        .any(|stmt| stmt.to_token_stream().to_string().contains("header_map ."));
    if filled {
        for stmt in stmts.iter_mut().filter(|stmt| is_declaration(stmt)) {
            if let syn::Stmt::Local(local) = stmt
                && let Some(init) = &mut local.init
            {
                *init.expr = syn::parse_quote!(::reqwest::header::HeaderMap::new());
            }
        }
        return;
    }
    stmts.retain(|stmt| !is_declaration(stmt));
    struct DropHeaders;
    impl VisitMut for DropHeaders {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.len() == 1
                && call.args.to_token_stream().to_string() == "header_map"
            {
                *expr = (*call.receiver).clone();
                self.visit_expr_mut(expr);
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    for stmt in stmts {
        DropHeaders.visit_stmt_mut(stmt);
    }
}

/// `Result<ResponseValue<T>, Error<()>>` becomes `Result<ResponseValue<T>, ::sdk_runtime::Error>`.
fn set_error_type(output: &mut syn::ReturnType) -> Option<()> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let [_, error] = crate::generate::type_arguments_mut(ty, "Result")?.try_into().ok()?;
    *error = syn::parse_quote!(::sdk_runtime::Error);
    Some(())
}

/// What the final `match response.status()` of a generated `send` does with a success reply, and the documented
/// success statuses.
fn reply_kind(block: &syn::Block) -> Result<(Reply, Vec<u16>)> {
    let Some(syn::Stmt::Expr(syn::Expr::Match(tail), None)) = block.stmts.last() else {
        bail!("the method does not end with a match on the status");
    };
    let mut kinds = Vec::new();
    let mut statuses = Vec::new();
    for arm in &tail.arms {
        let body = arm.body.to_token_stream().to_string();
        let kind = if body.contains("ResponseValue :: from_response") {
            Reply::Json
        } else if body.contains("ResponseValue :: stream") {
            Reply::Stream
        } else if body.contains("ResponseValue :: empty") {
            Reply::Empty
        } else {
            continue;
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        let pattern = arm.pat.to_token_stream().to_string();
        for literal in pattern.split('|') {
            let literal = literal.trim().trim_end_matches("u16");
            match literal.parse::<u16>() {
                Ok(status) => statuses.push(status),
                Err(_) => bail!("a success arm matches {pattern}, not status literals"),
            }
        }
    }
    match kinds.as_slice() {
        [kind] => Ok((*kind, statuses)),
        [] => bail!("no success arm in the status match"),
        _ => bail!("success replies of different kinds {kinds:?}"),
    }
}

/// Points the builder's own errors at the runtime's error type: `Error::InvalidRequest` (a missing or invalid
/// argument, made by `Error::invalid_argument` from the builder's message) and the `?` on `RequestBuilder::build` (a body that cannot be serialised, an invalid URL).
struct RuntimeErrors {
    built: usize,
}

impl VisitMut for RuntimeErrors {
    fn visit_expr_path_mut(&mut self, path: &mut syn::ExprPath) {
        if path.to_token_stream().to_string() == "Error :: InvalidRequest" {
            *path = syn::parse_quote!(::sdk_runtime::Error::invalid_argument);
        }
    }

    fn visit_expr_try_mut(&mut self, node: &mut syn::ExprTry) {
        syn::visit_mut::visit_expr_try_mut(self, node);
        if let syn::Expr::MethodCall(call) = &*node.expr
            && call.method == "build"
            && call.args.is_empty()
        {
            let built = &node.expr;
            *node.expr = syn::parse_quote!(#built.map_err(::sdk_runtime::Error::request_not_built));
            self.built += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn generated(send_body: proc_macro2::TokenStream, output: proc_macro2::TokenStream) -> syn::File {
        syn::parse_quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            pub struct Client { pub(crate) baseurl: String, pub(crate) client: reqwest::Client, pub(crate) inner: ::sdk_runtime::Runtime }
            impl Client {
                pub fn new(baseurl: &str, inner: ::sdk_runtime::Runtime) -> Self { Self::new_with_client(baseurl, reqwest::Client::new(), inner) }
                pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: ::sdk_runtime::Runtime) -> Self { Self { baseurl: baseurl.to_string(), client, inner } }
            }
            const _: () = {
                #[allow(dead_code)]
                fn assert_client_hooks() where Client: ClientHooks<::sdk_runtime::Runtime> {}
            };
            pub mod builder {
                use super::{ByteStream, Error, ResponseValue};
                impl<'a> GetRequest<'a> {
                    pub async fn send(self) -> #output #send_body
                }
            }
        }
    }

    fn json_send() -> syn::File {
        generated(
            quote! {{
                let Self { client, request_id } = self;
                let request_id = request_id.map_err(Error::InvalidRequest)?;
                let url = format!("{}/requests/{}", client.baseurl, encode_path(&request_id.to_string()));
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                let mut request = client.client.get(url).headers(header_map).build()?;
                let info = OperationInfo { operation_id: "get_request" };
                client.pre(&mut request, &info).await?;
                let result = client.exec(request, &info).await;
                client.post(&result, &info).await?;
                let response = result?;
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }},
            quote!(Result<ResponseValue<types::RequestDetails>, Error<()>>),
        )
    }

    fn text(file: &syn::File) -> String {
        prettyplease::unparse(file)
    }

    #[test]
    fn a_json_call_is_sent_and_decoded_by_the_runtime() {
        let mut file = json_send();
        route_through_runtime(&mut file).expect("rewrites");
        let code = text(&file);
        assert!(
            code.contains("Result<ResponseValue<types::RequestDetails>, ::sdk_runtime::Error>"),
            "{code}"
        );
        assert!(
            code.contains("client.inner.send_json(&client.client, &build, \"get_request\").await?.decode()"),
            "{code}"
        );
        assert!(
            code.contains("map_err(::sdk_runtime::Error::invalid_argument)"),
            "{code}"
        );
        // The request is built by a closure over the checked arguments, once per attempt.
        let compact: String = code.split_whitespace().collect();
        assert!(compact.contains("letrequest_id=&request_id;letbuild=move||"), "{code}");
        assert!(compact.contains("Ok(request)};"), "{code}");
        assert!(
            compact.contains(
                "leturl=client.inner.url(format_args!(\"/requests/{}\",::sdk_runtime::PathSegment(request_id)),)?;"
            ),
            "{code}"
        );
        assert!(!code.contains("encode_path"), "{code}");
        let compact: String = code.split_whitespace().collect();
        assert!(
            compact.contains(".build().map_err(::sdk_runtime::Error::request_not_built)?"),
            "{code}"
        );
        for gone in [
            "api-version",
            "header_map",
            "client.pre(",
            "client.exec(",
            "from_response",
            "OperationInfo {",
        ] {
            assert!(!code.contains(gone), "{gone} is still there:\n{code}");
        }
    }

    #[test]
    fn constructors_that_bypass_the_builder_are_not_public() {
        let mut file = json_send();
        route_through_runtime(&mut file).expect("rewrites");
        let code = text(&file);
        assert!(!code.contains("pub fn new(baseurl"), "{code}");
        assert!(code.contains("pub(crate) fn new_with_client("), "{code}");
        assert!(!code.contains("assert_client_hooks"), "{code}");
        assert!(
            code.contains("pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};"),
            "{code}"
        );
        assert!(code.contains("use super::{ByteStream, ResponseValue};"), "{code}");
    }

    #[test]
    fn a_header_map_with_headers_of_the_call_is_kept() {
        let mut file = generated(
            quote! {{
                let Self { client, tenant } = self;
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                if let Some(value) = tenant {
                    header_map.append("X-ID-TENANT-NAME", value.to_string().try_into()?);
                }
                let mut request = client.client.get("x").headers(header_map).build()?;
                let info = OperationInfo { operation_id: "get_request" };
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }},
            quote!(Result<ResponseValue<types::RequestStatusResponse>, Error<()>>),
        );
        route_through_runtime(&mut file).expect("rewrites");
        let code = text(&file);
        assert!(
            code.contains("X-ID-TENANT-NAME") && code.contains(".headers(header_map)"),
            "{code}"
        );
        assert!(!code.contains("api-version"), "{code}");
        assert!(
            code.contains("HeaderMap::new()") && !code.contains("with_capacity"),
            "{code}"
        );
        assert!(code.contains("let tenant = &tenant;"), "{code}");
    }

    #[test]
    fn a_parameter_named_request_does_not_hide_the_built_request() {
        let mut file = generated(
            quote! {{
                let Self { client, request } = self;
                let request = request.map_err(Error::InvalidRequest)?;
                let url = format!("{}/requests/{}", client.baseurl, encode_path(&request.to_string()));
                #[allow(unused_mut)]
                let mut _request = client.client.get(url).build()?;
                let info = OperationInfo { operation_id: "get_request" };
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }},
            quote!(Result<ResponseValue<types::RequestStatusResponse>, Error<()>>),
        );
        route_through_runtime(&mut file).expect("rewrites");
        let code = text(&file);
        assert!(
            code.contains("send_json(&client.client, &build, \"get_request\")") && code.contains("Ok(_request)"),
            "{code}"
        );
    }

    #[test]
    fn streams_and_empty_replies_use_their_runtime_calls() {
        for (arm, method) in [
            (quote!(Ok(ResponseValue::stream(response))), "send_stream"),
            (quote!(Ok(ResponseValue::empty(response))), "send_empty"),
        ] {
            let mut file = generated(
                quote! {{
                    let Self { client } = self;
                    let mut request = client.client.get("x").build()?;
                    let info = OperationInfo { operation_id: "download" };
                    let response = client.exec(request, &info).await?;
                    match response.status().as_u16() {
                        200u16 => #arm,
                        202u16 => #arm,
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }},
                quote!(Result<ResponseValue<ByteStream>, Error<()>>),
            );
            route_through_runtime(&mut file).expect("rewrites");
            let code = text(&file);
            let compact: String = code.split_whitespace().collect();
            assert!(
                compact.contains(&format!(
                    ".{method}(&client.client,&build,\"download\",&[200u16,202u16])"
                )),
                "{code}"
            );
        }
    }

    #[test]
    fn arguments_are_written_by_their_types() {
        let mut file: syn::File = syn::parse_quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            pub struct Client { pub(crate) baseurl: String, pub(crate) client: reqwest::Client, pub(crate) inner: ::sdk_runtime::Runtime }
            impl Client {
                pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: ::sdk_runtime::Runtime) -> Self { Self { baseurl: baseurl.to_string(), client, inner } }
            }
            pub mod builder {
                use super::{ByteStream, Error, ResponseValue};
                pub struct QueryRequests<'a> {
                    client: &'a super::Client,
                    fields: Result<Option<::std::string::String>, String>,
                    page_size: Result<i64, String>,
                    request_id: Result<i64, String>,
                    name: Result<::std::string::String, String>,
                }
                impl<'a> QueryRequests<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Page>, Error<()>> {
                        let Self { client, fields, page_size, request_id, name } = self;
                        let fields = fields.map_err(Error::InvalidRequest)?;
                        let page_size = page_size.map_err(Error::InvalidRequest)?;
                        let request_id = request_id.map_err(Error::InvalidRequest)?;
                        let name = name.map_err(Error::InvalidRequest)?;
                        let url = format!(
                            "{}/requests/{}/{}",
                            client.baseurl,
                            encode_path(&request_id.to_string()),
                            encode_path(&name.to_string()),
                        );
                        let mut request = client.client.get(url)
                            .query(&progenitor_client::QueryParam::new("fields", &fields))
                            .query(&progenitor_client::QueryParam::new("pageSize", &page_size))
                            .build()?;
                        let info = OperationInfo { operation_id: "query_requests" };
                        match response.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        };
        route_through_runtime(&mut file).expect("rewrites");
        let code = text(&file);
        let compact: String = code.split_whitespace().collect();
        assert!(
            compact.contains("iffields.is_some(){request_builder=request_builder.query(&progenitor_client::QueryParam::new(\"fields\",&fields));}"),
            "{code}"
        );
        // A required parameter is always appended, after the optional one before it.
        assert!(
            compact.contains(
                "}request_builder=request_builder.query(&progenitor_client::QueryParam::new(\"pageSize\",&page_size));"
            ),
            "{code}"
        );
        assert!(compact.contains("letmutrequest=request_builder.build()"), "{code}");
        // An integer path argument is written as it is; any other through the segment encoder.
        assert!(
            compact.contains("format_args!(\"/requests/{}/{}\",request_id,::sdk_runtime::PathSegment(name))"),
            "{code}"
        );
        assert_eq!(code.matches(".query(").count(), 2, "{code}");
    }

    #[test]
    fn an_unexpected_shape_is_refused_with_the_operation() {
        let mut file = generated(
            quote! {{
                let info = OperationInfo { operation_id: "odd_one" };
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    204u16 => Ok(ResponseValue::empty(response)),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }},
            quote!(Result<ResponseValue<()>, Error<()>>),
        );
        let err = route_through_runtime(&mut file)
            .expect_err("two reply kinds")
            .to_string();
        assert!(err.contains("odd_one") && err.contains("different kinds"), "{err}");
    }
}
