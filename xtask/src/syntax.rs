//! Helpers the passes share to find their way in progenitor's syntax tree.

use anyhow::{Result, anyhow};

/// The items of one of progenitor's top-level modules (`types`, `builder`).
pub fn module_items<'f>(file: &'f mut syn::File, name: &str) -> Result<&'f mut Vec<syn::Item>> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| anyhow!("progenitor output has no `{name}` module"))
}

/// The type arguments of `ty` when it is written `outer<..>` (a path ending in `outer`): how the passes reach the
/// `T` and `E` of a `Result<T, E>` or the `T` of a `ResponseValue<T>`.
pub fn type_arguments_mut<'t>(ty: &'t mut syn::Type, outer: &str) -> Option<Vec<&'t mut syn::Type>> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last_mut()?;
    if last.ident != outer {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &mut last.arguments else {
        return None;
    };
    Some(
        arguments
            .args
            .iter_mut()
            .filter_map(|argument| match argument {
                syn::GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
    )
}
