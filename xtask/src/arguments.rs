//! The operation builders keep the error of an argument as `Cow<'static, str>` instead of `String`.
//!
//! progenitor's builders start each required argument as `Err("x was not initialized".to_string())` and each
//! setter's failure as `"conversion to ... failed".to_string()`: a `String` allocated, copied and freed on every
//! call, for a message that is only read when the call is refused. Borrowed, the fixed messages cost nothing; the
//! few that carry the conversion's own error (`format!`, `e.to_string()`) stay owned. The generated `send` turns
//! either into `sdk_runtime::Error::InvalidRequest` through `Error::invalid_argument`.

use anyhow::{Result, bail};
use syn::visit_mut::VisitMut;

/// Rewrites the argument errors of every operation builder in the `builder` module.
pub fn borrow_argument_errors(file: &mut syn::File) -> Result<()> {
    let builders = crate::syntax::module_items(file, "builder")?;
    let mut pass = BorrowedErrors::default();
    for item in builders.iter_mut() {
        pass.visit_item_mut(item);
    }
    if pass.fields > 0 && pass.borrowed == 0 {
        bail!("the builders' argument errors changed shape: no fixed message found to borrow");
    }
    Ok(())
}

#[derive(Default)]
struct BorrowedErrors {
    /// Builder fields whose error type was rewritten.
    fields: usize,
    /// Fixed messages now borrowed.
    borrowed: usize,
}

impl VisitMut for BorrowedErrors {
    /// `send` is written from the operation ([`crate::send`]) and takes either form of error.
    fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
        if function.sig.ident != "send" {
            syn::visit_mut::visit_impl_item_fn_mut(self, function);
        }
    }

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        if let Some(error) = result_error_type(&mut field.ty)
            && is_string(error)
        {
            *error = syn::parse_quote!(::std::borrow::Cow<'static, str>);
            self.fields += 1;
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        match expr {
            // `"message".to_string()`: a fixed message, borrowed.
            syn::Expr::MethodCall(call) if call.method == "to_string" && call.args.is_empty() => {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) = &*call.receiver
                {
                    *expr = syn::parse_quote!(::std::borrow::Cow::Borrowed(#text));
                    self.borrowed += 1;
                }
            }
            // `.map_err(|e| format!(..))` or `.map_err(|e| e.to_string())`: a message made from the error, owned.
            syn::Expr::MethodCall(call) if call.method == "map_err" && call.args.len() == 1 => {
                if let Some(syn::Expr::Closure(closure)) = call.args.first_mut()
                    && makes_string(&closure.body)
                {
                    let body = &closure.body;
                    *closure.body = syn::parse_quote!(::std::borrow::Cow::Owned(#body));
                }
            }
            _ => {}
        }
    }
}

/// The `E` of a type written `Result<T, E>`.
fn result_error_type(ty: &mut syn::Type) -> Option<&mut syn::Type> {
    let [_, error] = crate::syntax::type_arguments_mut(ty, "Result")?.try_into().ok()?;
    Some(error)
}

fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.qself.is_none() && path.path.is_ident("String"))
}

/// Whether an expression makes a `String` from something else: `format!(..)`, or `x.to_string()` on anything but
/// a literal (a literal's has already been borrowed).
fn makes_string(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Macro(mac) => mac.mac.path.is_ident("format"),
        syn::Expr::MethodCall(call) => {
            call.method == "to_string" && call.args.is_empty() && !matches!(&*call.receiver, syn::Expr::Lit(_))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::borrow_argument_errors;

    fn rewritten(code: syn::File) -> String {
        let mut file = code;
        borrow_argument_errors(&mut file).expect("a builder module");
        prettyplease::unparse(&file)
    }

    #[test]
    fn fixed_messages_are_borrowed_and_made_ones_owned() {
        let code = rewritten(syn::parse_quote! {
            pub mod builder {
                pub struct SubmitRequest<'a> {
                    client: &'a super::Client,
                    request_id: Result<i64, String>,
                    body: Result<types::builder::SubmitRequest, String>,
                }
                impl<'a> SubmitRequest<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self {
                            client,
                            request_id: Err("request_id was not initialized".to_string()),
                            body: Ok(::std::default::Default::default()),
                        }
                    }
                    pub fn request_id<V: std::convert::TryInto<i64>>(mut self, value: V) -> Self {
                        self.request_id = value.try_into().map_err(|_| "conversion to `i64` for request_id failed".to_string());
                        self
                    }
                    pub fn body<V>(mut self, value: V) -> Self {
                        self.body = value.try_into().map(From::from).map_err(|s| format!("conversion to `SubmitRequest` for body failed: {}", s));
                        self
                    }
                    pub async fn send(self) -> Result<(), ::sdk_runtime::Error> {
                        let body = self.body
                            .and_then(|v| types::SubmitRequest::try_from(v).map_err(|e| e.to_string()))
                            .map_err(::sdk_runtime::Error::invalid_argument)?;
                        let header = value.to_string();
                        Ok(())
                    }
                }
            }
        });
        // Compared without whitespace: prettyplease wraps long calls.
        let compact: String = code.split_whitespace().collect();
        for expected in [
            "request_id:Result<i64,::std::borrow::Cow<'static,str>>",
            "body:Result<types::builder::SubmitRequest,::std::borrow::Cow<'static,str>>",
            r#"Err(::std::borrow::Cow::Borrowed("request_idwasnotinitialized"),)"#,
            r#"map_err(|_|::std::borrow::Cow::Borrowed("conversionto`i64`forrequest_idfailed",))"#,
            "map_err(|s|::std::borrow::Cow::Owned(format!(",
            // `send` is written from the operation and left alone.
            "map_err(|e|e.to_string())",
            // A string made for anything but an argument's error is left alone.
            "letheader=value.to_string();",
        ] {
            assert!(compact.contains(expected), "{expected} not in:\n{code}");
        }
        assert!(!code.contains(", String>"), "{code}");
    }

    #[test]
    fn builders_without_fixed_messages_are_refused_when_their_errors_are_strings() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct GetRequest<'a> {
                    request_id: Result<i64, String>,
                }
            }
        };
        let error = borrow_argument_errors(&mut file).expect_err("a changed builder shape");
        assert!(error.to_string().contains("changed shape"), "{error}");
    }
}
