//! Project automation. `cargo xtask generate` regenerates every SDK crate from its spec in `specs/`;
//! `cargo xtask generate --check` fails with a diff when a committed generated file is stale.

mod enums;
mod generate;
mod normalize;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

/// A spec and the crate generated from it.
pub struct Target {
    /// The spec, relative to the workspace root.
    pub spec: &'static str,
    /// The generated file, relative to the workspace root.
    pub output: &'static str,
    /// The crate's module path of the generated file (where the enums are placed).
    pub module: &'static str,
}

/// Every generated crate of the workspace.
pub const TARGETS: &[Target] = &[
    Target {
        spec: "specs/ess.yaml",
        output: "sdk-ess/src/generated.rs",
        module: "crate::generated",
    },
    Target {
        spec: "specs/ogg.yaml",
        output: "sdk-ogg/src/generated.rs",
        module: "crate::generated",
    },
    Target {
        spec: "specs/workrequests.yaml",
        output: "sdk-workrequests/src/generated.rs",
        module: "crate::generated",
    },
];

const USAGE: &str = "usage: cargo xtask generate [--check]

  generate           regenerate every SDK crate from its spec in specs/
  generate --check   regenerate in memory and fail with a diff if a committed file differs";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let check = match args.as_slice() {
        ["generate"] => false,
        ["generate", "--check"] => true,
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        _ => bail!("unknown arguments {args:?}\n\n{USAGE}"),
    };
    let root = workspace_root();
    let mut stale = Vec::new();
    for target in TARGETS {
        let spec_path = root.join(target.spec);
        let text = std::fs::read_to_string(&spec_path).with_context(|| format!("reading {}", target.spec))?;
        let code = generate::generate(target, &text).with_context(|| format!("generating from {}", target.spec))?;
        let out_path = root.join(target.output);
        if check {
            let committed = std::fs::read_to_string(&out_path).unwrap_or_default();
            if committed != code {
                print_diff(target.output, &committed, &code);
                stale.push(target.output);
            }
        } else {
            std::fs::write(&out_path, &code).with_context(|| format!("writing {}", target.output))?;
            println!("generated {} from {}", target.output, target.spec);
        }
    }
    if stale.is_empty() {
        if check {
            println!("generated code is current ({} crates)", TARGETS.len());
        }
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "\nstale generated code: {}\nrun `cargo xtask generate` and commit the result; generated files are never edited by hand",
            stale.join(", ")
        );
        Ok(ExitCode::FAILURE)
    }
}

fn print_diff(name: &str, committed: &str, fresh: &str) {
    let diff = similar::TextDiff::from_lines(committed, fresh);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (committed)"), &format!("{name} (from spec)"))
        .to_string();
    const MAX_LINES: usize = 200;
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(MAX_LINES) {
        eprintln!("{line}");
    }
    if lines.len() > MAX_LINES {
        eprintln!("... {} more diff lines", lines.len() - MAX_LINES);
    }
}

/// The workspace root: the parent of this crate.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
