//! `ojob`: submit, wait for and cancel Oracle jobs from a shell or a pipeline.
//!
//! The operation commands are generated from the specs (`generated/`); the commands that wait are written here on
//! the SDK's waiters and wait sets (`waiting.rs`), with the settings (`config.rs`, `secret.rs`), the exit codes
//! (`exit.rs`), the output (`output.rs`, `progress.rs`) and Ctrl-C (`interrupt.rs`) each in one place.
//!
//! ```sh
//! cargo install --path ojob
//! # submit the nightly job and wait for it; exit 0 only if it succeeded (the table: ojob --help)
//! ojob --profile prod ess submit --job-definition JobDefinition://oracle/apps/ess/custom/NightlyLoad --wait --max-wait 3h
//! # many ids at once, one JSON document for a program to read
//! ojob --profile prod --output json ess wait 42 43 44 | jq '.results[] | {id, outcome}'
//! ```

/// `println!` that does not panic when standard output is closed (`ojob ... | head`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod commands;
mod config;
mod exit;
mod generated;
mod interrupt;
mod operation;
mod output;
mod progress;
mod secret;
mod waiting;

use std::path::PathBuf;
use std::sync::LazyLock;

use clap::{CommandFactory as _, Parser, Subcommand};

use crate::commands::Context;
use crate::exit::Exit;
use crate::output::Format;

/// The long help's end: the settings, the exit-code table and examples.
static AFTER_LONG_HELP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "Settings come from flags, then environment variables (OJOB_PROFILE, OJOB_CONFIG, OJOB_ESS_URL, \
OJOB_ESS_USER, OJOB_ESS_PASSWORD, OJOB_OGG_URL, OJOB_OGG_DIRECT, OJOB_OGG_PROXIED, OJOB_OGG_OCI, \
OJOB_OGG_SERVICE_MANAGER, OJOB_OGG_DEPLOYMENT, OJOB_OGG_SERVICE, OJOB_OGG_USER, OJOB_OGG_PASSWORD, OJOB_OAC_URL, \
OJOB_OAC_TOKEN, OJOB_PROXY), then the profile in the config file ({}).\n\n{}\nExamples:\n  \
ojob ess submit --job-definition JobDefinition://oracle/apps/ess/custom/NightlyLoad --wait\n  \
ojob oac start reload-dataset --owner admin --name 'Quarterly Sales' --wait\n  \
ojob ogg wait 7 --result --output json | jq '.results[0].result'\n  \
ojob completions bash > ~/.local/share/bash-completion/completions/ojob",
        config::config_path(None).display(),
        Exit::table()
    )
});

/// Submit, wait for and cancel Oracle ESS job requests, GoldenGate background requests and Analytics work
/// requests from a shell or a pipeline. Exits 0 only when the target state is reached (see the table in --help).
#[derive(Debug, Parser)]
#[command(name = "ojob", version, after_long_help = AFTER_LONG_HELP.as_str())]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// The flags every command takes.
#[derive(Debug, clap::Args)]
struct Global {
    /// The profile of the config file to use.
    #[arg(long, global = true, env = "OJOB_PROFILE", value_name = "NAME")]
    profile: Option<String>,
    /// The config file (default: ojob/config.toml in the platform's config directory).
    #[arg(long, global = true, env = "OJOB_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The chosen service's base URL, instead of the profile's.
    #[arg(long, global = true, value_name = "URL")]
    url: Option<String>,
    /// The user name (ESS, GoldenGate), instead of the profile's.
    #[arg(long, global = true, value_name = "USER")]
    user: Option<String>,
    /// Read the password (ESS, GoldenGate) or access token (Analytics) from standard input.
    #[arg(long, global = true)]
    password_stdin: bool,
    /// Trust this CA certificate (PEM) as well as the platform's; repeatable.
    #[arg(long = "ca-cert", global = true, value_name = "FILE")]
    ca_certs: Vec<PathBuf>,
    /// Send requests through this proxy (otherwise HTTPS_PROXY and the like are honoured).
    #[arg(long, global = true, value_name = "URL")]
    proxy: Option<String>,
    /// Accept any server certificate. Unsafe; trusting the server's CA with --ca-cert is the safe way.
    #[arg(long, global = true)]
    insecure: bool,
    /// Output format: text for people, json (one document), ndjson (one event per line while waiting).
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Format::Text)]
    output: Format,
    /// No progress and no messages on standard error except errors.
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    /// No progress display.
    #[arg(long, global = true)]
    no_progress: bool,
    /// Trace the calls on standard error (secrets redacted).
    #[arg(long, global = true)]
    debug: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Enterprise Scheduler (ESS) job requests: submit, wait, cancel, force-cancel, and every operation.
    #[command(subcommand)]
    Ess(commands::ess::Command),
    /// GoldenGate background requests: wait, and every operation.
    #[command(subcommand)]
    Ogg(commands::ogg::Command),
    /// Oracle Analytics work requests: start, wait, and every operation.
    #[command(subcommand)]
    Oac(commands::oac::Command),
    /// Prints a shell completion script.
    #[command(
        after_help = "Examples:\n  ojob completions bash > ~/.local/share/bash-completion/completions/ojob\n  \
ojob completions zsh > ~/.zfunc/_ojob\n  ojob completions fish > ~/.config/fish/completions/ojob.fish"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Prints the man page (roff).
    #[command(after_help = "Examples:\n  ojob man > ~/.local/share/man/man1/ojob.1 && man ojob")]
    Man,
}

impl Global {
    /// The global flags a resumed wait repeats: never a secret (none is ever a flag).
    fn resume_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        let mut push = |flag: &str, value: Option<String>| {
            if let Some(value) = value {
                words.extend([flag.to_owned(), value]);
            }
        };
        push("--config", self.config.as_ref().map(|p| p.display().to_string()));
        push("--profile", self.profile.clone());
        push("--url", self.url.clone());
        push("--user", self.user.clone());
        push("--proxy", self.proxy.clone());
        for ca in &self.ca_certs {
            words.extend(["--ca-cert".to_owned(), ca.display().to_string()]);
        }
        if self.insecure {
            words.push("--insecure".to_owned());
        }
        words
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let global = cli.global;
    if global.debug {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing::Level::DEBUG)
            .init();
    }
    match cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "ojob", &mut std::io::stdout());
            return Exit::Success.into();
        }
        Command::Man => {
            return match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => Exit::Success.into(),
                Err(e) => {
                    output::error(e);
                    Exit::Unreachable.into()
                }
            };
        }
        _ => {}
    }
    let overrides = config::Overrides {
        profile: global.profile.clone(),
        config: global.config.clone(),
        url: global.url.clone(),
        user: global.user.clone(),
        password_stdin: global.password_stdin,
        ca_certs: global.ca_certs.clone(),
        proxy: global.proxy.clone(),
        insecure: global.insecure,
    };
    let settings = match config::Settings::load(overrides) {
        Ok(settings) => settings,
        Err(e) => {
            output::error(e);
            return Exit::Usage.into();
        }
    };
    tracing::debug!(profile = ?settings.profile_name(), "settings loaded");
    let ctx = Context {
        settings,
        format: global.output,
        mode: progress::Mode::detect(global.quiet, global.no_progress),
        resume_globals: global.resume_words(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            output::error(format!("cannot start the async runtime: {e}"));
            return Exit::Unreachable.into();
        }
    };
    let exit = runtime.block_on(async move {
        match cli.command {
            Command::Ess(command) => command.run(&ctx).await,
            Command::Ogg(command) => command.run(&ctx).await,
            Command::Oac(command) => command.run(&ctx).await,
            Command::Completions { .. } | Command::Man => Exit::Success,
        }
    });
    exit.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clap's own checks of the whole definition (no two arguments with one name, the generated commands and the
    /// hand-written ones side by side without a clash).
    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
