//! `cargo xtask check-readme`: builds every Rust example of README.md as a user would paste it.
//!
//! Each ```` ```rust ```` block is compiled in a crate of its own whose `[dependencies]` are exactly those of the
//! nearest ```` ```toml ```` block above it, the git dependencies on this repository replaced by path
//! dependencies on the checkout. So an example that needs a crate its snippet does not list (say `sdk_runtime`,
//! or `futures`) fails, as it would for the user. Rustdoc's hidden lines (`# ...`) are part of the code; an
//! example without `fn main` gets an empty one, as rustdoc does. An example with `#[tokio::test]` is a test file
//! (`tests/example.rs`, built with `cargo test --no-run`, so its `[dev-dependencies]` count).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// One Rust example and the dependencies listed above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The line of the README where the code block starts (1-based).
    pub line: usize,
    /// The TOML snippet (`[dependencies]` ...).
    pub manifest: String,
    /// The Rust code, hidden lines included.
    pub code: String,
}

/// The Rust examples of a README, each with the TOML snippet above it.
pub fn examples(readme: &str) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    let mut manifest: Option<String> = None;
    let mut lines = readme.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let language = info.split(',').next().unwrap_or_default().trim();
        let mut body = String::new();
        let mut closed = false;
        for (_, inner) in lines.by_ref() {
            if inner.trim_start().starts_with("```") {
                closed = true;
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        if !closed {
            bail!("README.md line {}: a code block is never closed", number + 1);
        }
        match language {
            "toml" => manifest = Some(body),
            "rust" if !info.contains("ignore") => {
                let Some(manifest) = &manifest else {
                    bail!(
                        "README.md line {}: a Rust example with no TOML snippet above it",
                        number + 1
                    );
                };
                out.push(Example {
                    line: number + 1,
                    manifest: manifest.clone(),
                    code: unhide(&body),
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Rustdoc's hidden lines (`# code`, a lone `#`) as the compiler sees them; adds `fn main` when there is none.
fn unhide(code: &str) -> String {
    let mut out = String::new();
    for line in code.lines() {
        let trimmed = line.trim_start();
        let shown = if trimmed == "#" {
            ""
        } else if let Some(rest) = trimmed.strip_prefix("# ") {
            rest
        } else {
            line
        };
        out.push_str(shown);
        out.push('\n');
    }
    if !has_entry_point(&out) {
        out.push_str("\nfn main() {}\n");
    }
    out
}

/// Whether an example is a test file rather than a program.
/// Whether an example has a `main` or is a test, read from its syntax. An example that does not parse gets a
/// `main` too, and then fails to build with its own error.
fn has_entry_point(code: &str) -> bool {
    functions(code).iter().any(|f| f.sig.ident == "main") || is_test(code)
}

/// Whether an example is a test: a function marked `#[test]` or `#[tokio::test]`.
fn is_test(code: &str) -> bool {
    functions(code).iter().any(|f| {
        f.attrs
            .iter()
            .any(|attr| attr.path().segments.last().is_some_and(|s| s.ident == "test"))
    })
}

/// The top-level functions of an example (none when it does not parse).
fn functions(code: &str) -> Vec<syn::ItemFn> {
    let Ok(file) = syn::parse_file(code) else {
        return Vec::new();
    };
    file.items
        .into_iter()
        .filter_map(|item| match item {
            syn::Item::Fn(function) => Some(function),
            _ => None,
        })
        .collect()
}

/// The manifest of the example crate: the snippet, with this repository's crates as path dependencies.
fn manifest(example: &Example, name: &str, root: &Path) -> String {
    let mut out = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n# Not part of the checkout's workspace.\n[workspace]\n\n"
    );
    for line in example.manifest.lines() {
        let replaced = match line.split_once(" = { git = \"<this repository>\"") {
            Some((krate, rest)) => format!(
                "{krate} = {{ path = {:?}{rest}",
                root.join(krate.trim()).display().to_string()
            ),
            None => line.to_owned(),
        };
        out.push_str(&replaced);
        out.push('\n');
    }
    out
}

/// Builds every example; fails naming each one that does not build.
pub fn check(root: &Path) -> Result<()> {
    let readme = std::fs::read_to_string(root.join("README.md")).context("reading README.md")?;
    let examples = examples(&readme)?;
    if examples.is_empty() {
        bail!("README.md has no Rust examples");
    }
    let base: PathBuf = root.join("target").join("readme-check");
    let lock = std::fs::read(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut failed = Vec::new();
    for example in &examples {
        let name = format!("readme-example-line-{}", example.line);
        let dir = base.join(&name);
        std::fs::create_dir_all(dir.join("src")).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::write(dir.join("Cargo.toml"), manifest(example, &name, root))?;
        let test = is_test(&example.code);
        if test {
            std::fs::create_dir_all(dir.join("tests"))?;
            std::fs::write(dir.join("tests/example.rs"), &example.code)?;
            std::fs::write(dir.join("src/main.rs"), "fn main() {}\n")?;
        } else {
            std::fs::write(dir.join("src/main.rs"), &example.code)?;
        }
        // The checkout's lock file pins the versions the workspace is tested with.
        std::fs::write(dir.join("Cargo.lock"), &lock)?;
        println!("building the README example at line {}", example.line);
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args(if test {
                &["test", "--no-run", "--quiet", "--offline"][..]
            } else {
                &["build", "--quiet", "--offline"][..]
            })
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", base.join("target"))
            .status()
            .context("running cargo")?;
        if !status.success() {
            failed.push(example.line);
        }
    }
    if failed.is_empty() {
        println!(
            "{} README examples build with the dependencies listed beside them",
            examples.len()
        );
        Ok(())
    } else {
        bail!("README examples at lines {failed:?} do not build with the dependencies listed above them")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "# T\n\n```toml\n[dependencies]\nsdk-ess = { git = \"<this repository>\" }\n```\n\n```rust,no_run\nuse sdk_ess::Client;\n# async fn demo() {}\n#\n```\n\n```sh\ncargo test\n```\n\n```toml\n[dependencies]\nsdk-ogg = { git = \"<this repository>\", features = [] }\ntokio = \"1\"\n```\n\n```rust\n#[tokio::main]\nasync fn main() {}\n```\n\n```rust,ignore\nnot compiled\n```\n";

    #[test]
    fn each_example_takes_the_snippet_above_it() {
        let found = examples(README).expect("parses");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, 8);
        assert!(found[0].manifest.contains("sdk-ess"));
        assert_eq!(
            found[0].code,
            "use sdk_ess::Client;\nasync fn demo() {}\n\n\nfn main() {}\n"
        );
        assert!(found[1].manifest.contains("sdk-ogg") && !found[1].manifest.contains("sdk-ess"));
        assert_eq!(found[1].code, "#[tokio::main]\nasync fn main() {}\n");
        assert!(!is_test(&found[1].code) && is_test("#[tokio::test]\nasync fn t() {}"));
    }

    #[test]
    fn git_dependencies_become_path_dependencies() {
        let found = examples(README).expect("parses");
        let text = manifest(&found[1], "x", Path::new("/checkout"));
        assert!(
            text.contains("sdk-ogg = { path = \"/checkout/sdk-ogg\", features = [] }"),
            "{text}"
        );
        assert!(text.contains("tokio = \"1\"") && text.contains("[workspace]"), "{text}");
    }

    #[test]
    fn an_example_without_a_snippet_or_an_open_block_is_refused() {
        assert!(examples("```rust\nfn main() {}\n```\n").is_err());
        assert!(examples("```toml\n[dependencies]\n").is_err());
    }
}
