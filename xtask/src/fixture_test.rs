//! Adding a service is a spec and a few lines: the generator is fed a small spec of its own
//! (`xtask/tests/fixtures/inventory.yaml`, a fourth service with every shape of call the generator writes), and
//! the output is compiled in a crate of its own, wired to `sdk-runtime` the way the SDK crates are, with its
//! command-line operation commands beside it (and the command line's own `operation.rs`).
//!
//! The crate is checked with a target directory of its own under the workspace's `target/` (kept between runs,
//! so that only the first run builds the dependencies).

use std::path::Path;
use std::process::Command;

use crate::Target;

const FIXTURE: Target = Target {
    spec: "xtask/tests/fixtures/inventory.yaml",
    output: "src/generated.rs",
    module: "crate::generated",
    cli: Some(crate::Cli {
        output: "src/cli.rs",
        client: "crate",
    }),
};

/// The hand-written part of a service crate: the service's name and error parser, the wiring, and a use of every
/// generated call (so that `cargo check` proves each one takes its arguments and returns its reply type).
const LIB: &str = r#"//! A service of the generator's tests.
mod generated;
pub mod cli;
#[path = "OPERATION_RS"]
mod operation;

pub use generated::*;

/// The service, as the runtime sees it.
pub const SERVICE: sdk_runtime::Service = sdk_runtime::Service::new("INV", |_| None);

sdk_runtime::wire_client!(Client, SERVICE);

/// One call of each kind the generator writes.
pub async fn every_call(client: &Client) -> Result<(), sdk_runtime::Error> {
    let item: types::Item = client.get_item().item_id(7).fields("name").x_tenant("t").send().await?.into_inner();
    let _state: Option<types::State> = item.state;
    let new = types::NewItem { name: "label".to_owned(), state: Some(types::State::InStock) };
    let created = client.create_item().body(new).send().await?;
    let _id: Option<i64> = created.into_inner().id;
    let _deleted: () = client.delete_item().item_id(7).send().await?.into_inner();
    let _label = client.download_label().name("a b").size(2).send().await?.into_inner();
    Ok(())
}

/// The service's commands, as a command line flattens them.
#[derive(Debug, clap::Parser)]
pub struct Command {
    #[command(subcommand)]
    operation: cli::Operation,
}

/// Parses one command line and calls its operation.
pub async fn run(client: &Client, args: &[&str]) -> Result<operation::Reply, Box<dyn std::error::Error>> {
    let command = <Command as clap::Parser>::try_parse_from(args)?;
    Ok(command.operation.call(client).await?)
}
"#;

fn manifest(root: &Path) -> String {
    format!(
        r#"[package]
name = "sdk-inventory"
version = "0.0.0"
edition = "2024"
publish = false

# Not part of the checkout's workspace.
[workspace]

[dependencies]
sdk-runtime = {{ path = "{}" }}
progenitor-client = "0.15.1"
reqwest = {{ version = "0.13", default-features = false, features = ["json", "query", "stream", "rustls"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
clap = {{ version = "4", features = ["derive"] }}
thiserror = "2"
futures-util = {{ version = "0.3", default-features = false }}
serde_path_to_error = "0.1"
"#,
        root.join("sdk-runtime").display()
    )
}

#[test]
fn a_fourth_service_is_a_spec_and_a_few_lines() {
    let root = crate::workspace_root().expect("the workspace");
    let spec = std::fs::read_to_string(root.join(FIXTURE.spec)).expect("the fixture spec");
    let outputs = crate::generate::outputs(&FIXTURE, &spec).expect("generated");

    let dir = root.join("target").join("xtask-fixture");
    let krate = dir.join("sdk-inventory");
    std::fs::create_dir_all(krate.join("src")).expect("mkdir");
    std::fs::write(krate.join("Cargo.toml"), manifest(&root)).expect("write the manifest");
    // The workspace's versions of every dependency: nothing resolved anew, nothing fetched.
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).expect("copy the lock file");
    let operation_rs = root.join("ojob/src/operation.rs");
    let lib = LIB.replace("OPERATION_RS", &operation_rs.display().to_string());
    std::fs::write(krate.join("src/lib.rs"), lib).expect("write lib.rs");
    assert_eq!(outputs.len(), 2, "the client and its commands");
    for output in &outputs {
        std::fs::write(krate.join(output.path), &output.code).expect("write the generated code");
    }
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["check", "--quiet", "--offline", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the generated crate does not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
