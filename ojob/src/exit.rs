//! The exit codes of `ojob`: one table, documented in `--help` and in the README, so that a pipeline can act on
//! each way a command can end. 0 means the target state was reached and nothing else does.

use std::fmt;

/// How a command ended, as its exit code says. With many ids the worst outcome decides: the variants are listed
/// from least to most severe ([`Exit::severity`]), and [`Exit::worst`] picks the most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: the target state was reached (the job succeeded; for `cancel --wait`, it was cancelled).
    Success,
    /// 4: the wait ended at `--max-wait` (or the default two hours) with the job still going; it keeps running.
    TimedOut,
    /// 5: the job waits for a person: ESS HOLD, ERROR_MANUAL_RECOVERY, PAUSED and the like.
    NeedsAction,
    /// 3: the job was cancelled (when cancelling was not the aim).
    Cancelled,
    /// 1: the job ended, not in the target state: failed (ESS ERROR, Analytics FAILED, GoldenGate failed or
    /// aborted), WARNING under `--warning-is-failure`, or, for `cancel --wait`, a job that ended before the cancel
    /// took effect.
    Failed,
    /// 9: the server refused the call for another reason (400, 409: a request in a state that does not allow the
    /// operation, a force-cancel the 30-minute rule does not allow yet), or answered with a body that cannot be read.
    Refused,
    /// 6: the job (or another resource named) does not exist: 404.
    NotFound,
    /// 8: the server could not be reached (connection refused, DNS, TLS, timeout) or kept failing (5xx, 429)
    /// after the retries.
    Unreachable,
    /// 7: authentication or permission refused: 401, 403, or credentials that could not be obtained.
    AuthRefused,
    /// 2: bad usage: a bad argument, a missing or bad setting, a config file that cannot be read.
    Usage,
    /// 130: interrupted (Ctrl-C) while waiting; the job was left as it was, unless `--cancel-on-interrupt`.
    Interrupted,
}

impl Exit {
    /// Every row of the table, in the order of [`Exit::severity`].
    pub const ALL: [Exit; 11] = [
        Exit::Success,
        Exit::TimedOut,
        Exit::NeedsAction,
        Exit::Cancelled,
        Exit::Failed,
        Exit::Refused,
        Exit::NotFound,
        Exit::Unreachable,
        Exit::AuthRefused,
        Exit::Usage,
        Exit::Interrupted,
    ];

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
            Exit::Cancelled => 3,
            Exit::TimedOut => 4,
            Exit::NeedsAction => 5,
            Exit::NotFound => 6,
            Exit::AuthRefused => 7,
            Exit::Unreachable => 8,
            Exit::Refused => 9,
            Exit::Interrupted => 130,
        }
    }

    /// A short stable name, used in JSON output (`"outcome"`).
    pub fn name(self) -> &'static str {
        match self {
            Exit::Success => "succeeded",
            Exit::Failed => "failed",
            Exit::Usage => "usage",
            Exit::Cancelled => "cancelled",
            Exit::TimedOut => "timed_out",
            Exit::NeedsAction => "needs_action",
            Exit::NotFound => "not_found",
            Exit::AuthRefused => "auth_refused",
            Exit::Unreachable => "unreachable",
            Exit::Refused => "refused",
            Exit::Interrupted => "interrupted",
        }
    }

    /// What the code means, in the words of the table.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "the target state was reached (succeeded; for cancel --wait: cancelled)",
            Exit::Failed => "failed, or ended outside the target; WARNING too with --warning-is-failure",
            Exit::Usage => "bad usage: a bad argument, a missing or bad setting",
            Exit::Cancelled => "the job was cancelled",
            Exit::TimedOut => "gave up waiting at --max-wait; the job is still running",
            Exit::NeedsAction => "the job needs a person (HOLD, manual recovery, paused)",
            Exit::NotFound => "not found (404)",
            Exit::AuthRefused => "authentication or permission refused (401, 403)",
            Exit::Unreachable => "server unreachable, or failing after retries (5xx, 429, network)",
            Exit::Refused => "the server refused the call (400, 409) or sent an unreadable reply",
            Exit::Interrupted => "interrupted (Ctrl-C); the job was left running unless --cancel-on-interrupt",
        }
    }

    /// The rank used when many ids end differently: the higher, the worse.
    pub fn severity(self) -> usize {
        Self::ALL.iter().position(|e| *e == self).unwrap_or(0)
    }

    /// The worst of `exits` ([`Exit::Success`] for none).
    pub fn worst(exits: impl IntoIterator<Item = Exit>) -> Exit {
        exits.into_iter().max_by_key(|e| e.severity()).unwrap_or(Exit::Success)
    }

    /// What an error of a call means for the exit code.
    pub fn of_error(error: &sdk_runtime::Error) -> Exit {
        use sdk_runtime::Error as E;
        match error {
            E::Wait(wait) => match &**wait {
                sdk_runtime::wait::WaitError::PollFailed { source, .. } => Exit::of_error(source),
                sdk_runtime::wait::WaitError::Failed { .. } => Exit::Failed,
                sdk_runtime::wait::WaitError::Cancelled { .. } => Exit::Cancelled,
                sdk_runtime::wait::WaitError::NeedsAction { .. } => Exit::NeedsAction,
                sdk_runtime::wait::WaitError::TimedOut { .. } => Exit::TimedOut,
                _ => Exit::Unreachable,
            },
            E::Auth(_) => Exit::AuthRefused,
            E::Config(_) | E::InvalidRequest(_) => Exit::Usage,
            E::Transport(_) => Exit::Unreachable,
            E::InvalidBody(_) => Exit::Refused,
            E::Api(api) => match api.status().as_u16() {
                401 | 403 | 407 => Exit::AuthRefused,
                404 | 410 => Exit::NotFound,
                408 | 429 | 500..=599 => Exit::Unreachable,
                _ => Exit::Refused,
            },
            _ => Exit::Unreachable,
        }
    }

    /// The table as the `--help` long text and the README show it.
    pub fn table() -> String {
        let mut out = String::from("Exit codes (with many ids the worst decides; listed from least to most severe):\n");
        for exit in Self::ALL {
            out.push_str(&format!(
                "  {:>3}  {:<13} {}\n",
                exit.code(),
                exit.name(),
                exit.meaning()
            ));
        }
        out
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_zero_only_for_success() {
        let mut codes: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Exit::ALL.len());
        assert!(Exit::ALL.iter().all(|e| (e.code() == 0) == (*e == Exit::Success)));
    }

    #[test]
    fn the_worst_decides() {
        assert_eq!(Exit::worst([Exit::Success, Exit::Failed, Exit::TimedOut]), Exit::Failed);
        assert_eq!(Exit::worst([Exit::Success, Exit::Success]), Exit::Success);
        assert_eq!(Exit::worst([Exit::NotFound, Exit::Failed]), Exit::NotFound);
    }
}
