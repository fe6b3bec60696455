//! The live progress display on standard error: indicatif bars on a terminal (state, percent where the service
//! reports one, elapsed time; one bar for many ids), one line per state change without a terminal, nothing with
//! `--quiet` or `--no-progress`.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Nothing.
    Off,
    /// One line per state change (standard error is not a terminal).
    Lines,
    /// A live display (standard error is a terminal).
    Live,
}

impl Mode {
    /// The mode for these flags and this standard error.
    pub fn detect(quiet: bool, no_progress: bool) -> Mode {
        if quiet || no_progress {
            Mode::Off
        } else if std::io::stderr().is_terminal() {
            Mode::Live
        } else {
            Mode::Lines
        }
    }
}

/// The display of one wait command.
pub struct Progress {
    mode: Mode,
    what: &'static str,
    bar: Option<ProgressBar>,
    total: usize,
    done: usize,
    states: BTreeMap<String, String>,
}

impl Progress {
    /// Starts the display for `ids` (`what`: `ESS request`, `GoldenGate request`, `work request`).
    pub fn start(mode: Mode, what: &'static str, ids: &[String]) -> Self {
        let bar = (mode == Mode::Live).then(|| {
            if ids.len() == 1 {
                let bar = ProgressBar::new_spinner();
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {prefix} {wide_msg} [{elapsed}]")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_prefix(format!("{what} {}", ids[0]));
                bar.set_message("waiting for the first poll");
                bar
            } else {
                let bar = ProgressBar::new(ids.len() as u64);
                bar.set_style(
                    ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} ended  {wide_msg} [{elapsed}]")
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                bar.set_prefix(format!("{} {what}s", ids.len()));
                bar
            }
        });
        if let Some(bar) = &bar {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        Self {
            mode,
            what,
            bar,
            total: ids.len(),
            done: 0,
            states: BTreeMap::new(),
        }
    }

    /// A status was polled.
    pub fn polled(&mut self, id: &str, state: &str, percent: Option<f64>, elapsed: Duration) {
        let changed = self.states.get(id).is_none_or(|s| s != state);
        self.states.insert(id.to_owned(), state.to_owned());
        match self.mode {
            Mode::Off => {}
            Mode::Lines => {
                if changed {
                    let percent = percent.map(|p| format!(" {p:.0}%")).unwrap_or_default();
                    let elapsed = humantime::format_duration(Duration::from_secs(elapsed.as_secs()));
                    let _ = writeln!(
                        std::io::stderr(),
                        "{} {id}: {state}{percent} (after {elapsed})",
                        self.what
                    );
                }
            }
            Mode::Live => self.redraw(percent),
        }
    }

    /// The wait for `id` ended.
    pub fn finished(&mut self, id: &str, outcome: &str) {
        self.done += 1;
        self.states.insert(id.to_owned(), outcome.to_owned());
        if let Some(bar) = self.bar.as_ref().filter(|_| self.total > 1) {
            bar.set_position(self.done as u64);
        }
        self.redraw(None);
    }

    fn redraw(&self, percent: Option<f64>) {
        let Some(bar) = &self.bar else { return };
        if self.total == 1 {
            let state = self.states.values().next().cloned().unwrap_or_default();
            let percent = percent.map(|p| format!(" {p:.0}%")).unwrap_or_default();
            bar.set_message(format!("{state}{percent}"));
        } else {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for state in self.states.values() {
                *counts.entry(state.as_str()).or_default() += 1;
            }
            let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
            bar.set_message(summary.join(", "));
        }
    }

    /// Removes the live display before the results are printed.
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
