//! Ctrl-C while waiting: the wait stops, the job is left as it is (or cancelled with `--cancel-on-interrupt`), and
//! the command that resumes the wait is printed. A waiter needs only the service and the id, so the resumed wait
//! is the same wait.

use std::future::Future;
use std::pin::Pin;

/// A future that completes at the first SIGINT (Ctrl-C). The handler is installed when this is called, before the
/// first poll, so that a signal that arrives early stops the wait rather than killing the process.
pub fn listen() -> Pin<Box<dyn Future<Output = ()> + Send>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::interrupt()) {
            Ok(mut sigint) => Box::pin(async move {
                sigint.recv().await;
            }),
            Err(_) => Box::pin(async {
                let _ = tokio::signal::ctrl_c().await;
            }),
        }
    }
    #[cfg(not(unix))]
    {
        Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// The command that resumes a wait: `ojob [global flags] <service> wait <ids> [wait flags]`. It holds no secret:
/// only the profile, URL, user and the wait's own flags.
#[derive(Clone, Debug, Default)]
pub struct Resume {
    /// Global flags to repeat (`--profile prod`, `--url ...`).
    pub globals: Vec<String>,
    /// The service subcommand (`ess`).
    pub service: &'static str,
    /// The wait's flags (`--max-wait 2h`, `--warning-is-failure`).
    pub flags: Vec<String>,
}

impl Resume {
    /// The command line for `ids`, quoted for a POSIX shell.
    pub fn command(&self, ids: &[String]) -> String {
        let mut words = vec!["ojob".to_owned()];
        words.extend(self.globals.iter().map(|w| quote(w)));
        words.push(self.service.to_owned());
        words.push("wait".to_owned());
        words.extend(ids.iter().map(|w| quote(w)));
        words.extend(self.flags.iter().map(|w| quote(w)));
        words.join(" ")
    }
}

fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resume_command_is_quoted_for_a_shell() {
        let resume = Resume {
            globals: vec!["--profile".into(), "night shift".into()],
            service: "oac",
            flags: vec!["--max-wait".into(), "2h".into()],
        };
        assert_eq!(
            resume.command(&["lfc-cc:1-c9:2".into()]),
            "ojob --profile 'night shift' oac wait lfc-cc:1-c9:2 --max-wait 2h"
        );
    }
}
