//! Where a password or token comes from: an environment variable, a file, standard input or a command. Never a
//! command-line argument (other users of the machine see those), never printed: the value is held as the SDK's
//! [`Secret`], which redacts itself in `Debug`, errors and traces.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use sdk_runtime::Secret;

/// One way to obtain a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    /// The value of an environment variable.
    Env(String),
    /// The first line of a file (a trailing newline is dropped).
    File(PathBuf),
    /// Standard input, read to its end (`--password-stdin`).
    Stdin,
    /// What a shell command prints (`password_command = "pass show ess"`), run with `sh -c`.
    Command(String),
}

/// Why a secret could not be obtained. The messages name the source, never the value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The environment variable is not set, or not UTF-8.
    #[error("environment variable {0} is not set")]
    EnvMissing(String),
    /// The file cannot be read.
    #[error("cannot read the secret file {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Standard input cannot be read.
    #[error("cannot read the secret from standard input: {0}")]
    Stdin(std::io::Error),
    /// The command could not be run or failed.
    #[error("the secret command `{command}` {reason}")]
    Command {
        /// The command as configured (it holds no secret: the secret is its output).
        command: String,
        /// What went wrong (its exit status, not its output).
        reason: String,
    },
    /// The source gave nothing.
    #[error("the secret from {0} is empty")]
    Empty(String),
}

impl SecretSource {
    /// Where the secret comes from, in words for messages.
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Env(name) => format!("environment variable {name}"),
            SecretSource::File(path) => format!("file {}", path.display()),
            SecretSource::Stdin => "standard input".to_owned(),
            SecretSource::Command(command) => format!("command `{command}`"),
        }
    }

    /// Obtains the secret.
    pub fn read(&self) -> Result<Secret, SecretError> {
        let raw = match self {
            SecretSource::Env(name) => std::env::var(name).map_err(|_| SecretError::EnvMissing(name.clone()))?,
            SecretSource::File(path) => std::fs::read_to_string(path).map_err(|source| SecretError::File {
                path: path.clone(),
                source,
            })?,
            SecretSource::Stdin => {
                let mut raw = String::new();
                std::io::stdin().read_to_string(&mut raw).map_err(SecretError::Stdin)?;
                raw
            }
            SecretSource::Command(command) => run(command)?,
        };
        let value = raw.trim_end_matches(['\r', '\n']).to_owned();
        if value.is_empty() {
            return Err(SecretError::Empty(self.describe()));
        }
        Ok(Secret::new(value))
    }
}

fn run(command: &str) -> Result<String, SecretError> {
    let failed = |reason: String| SecretError::Command {
        command: command.to_owned(),
        reason,
    };
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| failed(format!("could not be started: {e}")))?;
    if !output.status.success() {
        return Err(failed(format!("failed ({})", output.status)));
    }
    String::from_utf8(output.stdout).map_err(|_| failed("printed bytes that are not UTF-8".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_gives_its_output_without_the_newline() {
        let secret = SecretSource::Command("echo s3cret".into()).read().expect("echo runs");
        assert_eq!(secret.expose(), "s3cret");
        assert!(!format!("{secret:?}").contains("s3cret"));
    }

    #[test]
    fn a_failing_command_is_named_without_output() {
        let error = SecretSource::Command("echo leaked; exit 3".into())
            .read()
            .expect_err("fails");
        let text = error.to_string();
        assert!(
            text.contains("echo leaked; exit 3") && text.contains("failed"),
            "{text}"
        );
    }
}
