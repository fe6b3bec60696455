//! Project automation. `cargo xtask generate` regenerates every SDK crate, and the command line's operation
//! commands, from the specs in `specs/`;
//! `cargo xtask generate --check` fails with a diff when a committed generated file is stale;
//! `cargo xtask check-readme` builds each README example with exactly the dependencies listed beside it.

mod arguments;
mod cli;
mod enums;
#[cfg(test)]
mod fixture_test;
mod generate;
mod members;
mod model;
mod normalize;
mod readme;
mod send;
mod syntax;

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
    /// The command line's operation commands for the service, when it has them.
    pub cli: Option<Cli>,
}

/// Where the command line's operation commands of one service are written.
pub struct Cli {
    /// The generated file, relative to the workspace root.
    pub output: &'static str,
    /// The path of the client crate the commands call (`sdk_ess`).
    pub client: &'static str,
}

/// The module that declares the command files of [`TARGETS`].
const CLI_MODULE: &str = "ojob/src/generated/mod.rs";

/// Every generated crate of the workspace.
pub const TARGETS: &[Target] = &[
    Target {
        spec: "specs/ess.yaml",
        output: "sdk-ess/src/generated.rs",
        module: "crate::generated",
        cli: Some(Cli {
            output: "ojob/src/generated/ess.rs",
            client: "sdk_ess",
        }),
    },
    Target {
        spec: "specs/ogg.yaml",
        output: "sdk-ogg/src/generated.rs",
        module: "crate::generated",
        cli: Some(Cli {
            output: "ojob/src/generated/ogg.rs",
            client: "sdk_ogg",
        }),
    },
    Target {
        spec: "specs/workrequests.yaml",
        output: "sdk-workrequests/src/generated.rs",
        module: "crate::generated",
        cli: Some(Cli {
            output: "ojob/src/generated/oac.rs",
            client: "sdk_workrequests",
        }),
    },
];

const USAGE: &str = "usage: cargo xtask generate [--check] | check-readme

  generate           regenerate every SDK crate and the command line's operation commands from specs/
  generate --check   regenerate in memory and fail with a diff if a committed file differs
  check-readme       build each Rust example of README.md in a crate of its own, with exactly the
                     dependencies of the TOML snippet above it";

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
        ["check-readme"] => {
            readme::check(&workspace_root()?)?;
            return Ok(ExitCode::SUCCESS);
        }
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        _ => bail!("unknown arguments {args:?}\n\n{USAGE}"),
    };
    let root = workspace_root()?;
    let mut outputs = Vec::new();
    for target in TARGETS {
        let spec_path = root.join(target.spec);
        let text = std::fs::read_to_string(&spec_path).with_context(|| format!("reading {}", target.spec))?;
        outputs.extend(generate::outputs(target, &text).with_context(|| format!("generating from {}", target.spec))?);
    }
    let services: Vec<&str> = TARGETS
        .iter()
        .filter_map(|t| t.cli.as_ref())
        .filter_map(|cli| Path::new(cli.output).file_stem().and_then(|s| s.to_str()))
        .collect();
    outputs.push(generate::Output {
        path: CLI_MODULE,
        code: cli::module(&services).context("generating the command line's module")?,
    });
    let stale = if check {
        stale_outputs(&root, &outputs)
    } else {
        for output in &outputs {
            let out_path = root.join(output.path);
            std::fs::write(&out_path, &output.code).with_context(|| format!("writing {}", output.path))?;
            println!("generated {}", output.path);
        }
        Vec::new()
    };
    if stale.is_empty() {
        if check {
            println!(
                "generated code is current ({} crates, {} files)",
                TARGETS.len(),
                outputs.len()
            );
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

/// The outputs whose committed file under `root` differs from what the specs give (a hand edit, a stale file, a
/// missing one), each diff printed.
fn stale_outputs(root: &Path, outputs: &[generate::Output]) -> Vec<&'static str> {
    let mut stale = Vec::new();
    for output in outputs {
        let committed = std::fs::read_to_string(root.join(output.path)).unwrap_or_default();
        if committed != output.code {
            print_diff(output.path, &committed, &output.code);
            stale.push(output.path);
        }
    }
    stale
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

/// The workspace this command acts on: the nearest directory, from the current one upwards, whose
/// `Cargo.toml` declares a `[workspace]` that has an `xtask` member.
///
/// Found at run time, not from `CARGO_MANIFEST_DIR` at build time: with a `CARGO_TARGET_DIR` shared by two
/// checkouts, one compiled binary serves both, and it must act on the checkout it is run in. Cargo runs the
/// alias `cargo xtask` in the directory the user typed it in.
pub fn workspace_root() -> Result<PathBuf> {
    let start = std::env::current_dir().context("reading the current directory")?;
    find_workspace_root(&start).with_context(|| {
        format!(
            "no workspace with an xtask member in {} or above it; run `cargo xtask` inside the checkout",
            start.display()
        )
    })
}

fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        let is_ours =
            manifest.lines().any(|l| l.trim() == "[workspace]") && dir.join("xtask").join("Cargo.toml").is_file();
        is_ours.then(|| dir.to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkout(root: &Path) {
        std::fs::create_dir_all(root.join("xtask/src")).expect("mkdir");
        std::fs::create_dir_all(root.join("sdk-ess/src")).expect("mkdir");
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"xtask\"]\n").expect("write");
        std::fs::write(root.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n").expect("write");
        std::fs::write(root.join("sdk-ess/Cargo.toml"), "[package]\nname = \"sdk-ess\"\n").expect("write");
    }

    #[test]
    fn the_root_is_the_checkout_the_command_runs_in() {
        let base = std::env::temp_dir().join(format!("xtask-root-{}", std::process::id()));
        let (one, two) = (base.join("one"), base.join("two"));
        checkout(&one);
        checkout(&two);
        assert_eq!(find_workspace_root(&one), Some(one.clone()));
        assert_eq!(find_workspace_root(&two.join("sdk-ess/src")), Some(two.clone()));
        assert_eq!(find_workspace_root(&two.join("xtask")), Some(two.clone()));
        assert_eq!(find_workspace_root(&base), None);
        std::fs::remove_dir_all(&base).expect("clean up");
    }

    #[test]
    fn the_check_catches_a_hand_edit_of_a_command_file() {
        let root = workspace_root().expect("the workspace");
        let target = &TARGETS[0];
        let spec = std::fs::read_to_string(root.join(target.spec)).expect("the spec");
        let outputs = generate::outputs(target, &spec).expect("generated");
        let cli = target.cli.as_ref().expect("ESS has commands");
        assert!(
            outputs.iter().any(|o| o.path == cli.output),
            "the command file is one of the outputs"
        );
        let copy = std::env::temp_dir().join(format!("xtask-check-{}", std::process::id()));
        for output in &outputs {
            let path = copy.join(output.path);
            std::fs::create_dir_all(path.parent().expect("a directory")).expect("mkdir");
            std::fs::write(&path, &output.code).expect("write");
        }
        assert!(stale_outputs(&copy, &outputs).is_empty(), "fresh files are current");
        let edited = copy.join(cli.output);
        let code = std::fs::read_to_string(&edited).expect("read");
        std::fs::write(&edited, code.replace("\"get-request\"", "\"fetch-request\"")).expect("edit");
        assert_eq!(stale_outputs(&copy, &outputs), [cli.output]);
        std::fs::remove_dir_all(&copy).expect("clean up");
    }
}
