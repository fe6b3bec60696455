//! Whether a background request has finished, and how its original call ended.

use crate::types::{Request, RequestProgress};

impl RequestProgress {
    /// Whether this progress is final: `succeeded`, `failed` or `aborted` (Oracle's terminal values).
    ///
    /// `pending`, `processing` and `paused` are not, and neither is a value this SDK does not know: use
    /// [`Request::is_finished`], which also reads the request's `completed` flag, to stop polling on those.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Aborted)
    }

    /// Whether the request finished successfully (`succeeded`).
    pub fn is_succeeded(&self) -> bool {
        matches!(self, Self::Succeeded)
    }
}

impl Request {
    /// Whether the request has finished: its progress is terminal, or GoldenGate set `completed` (which also
    /// ends the wait for a progress value this SDK does not know).
    pub fn is_finished(&self) -> bool {
        self.progress.is_terminal() || self.completed == Some(true)
    }

    /// The HTTP status the original call ended with (`requestStatus`, which Oracle declares a JSON number), when
    /// it is present and a whole number from 100 to 599. Only finished requests have one.
    pub fn request_status_code(&self) -> Option<u16> {
        let status = self.request_status?;
        if status.fract() == 0.0 && (100.0..=599.0).contains(&status) {
            // In range and whole, so the conversion is exact.
            Some(status as u16)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(progress: &str, completed: Option<bool>, status: Option<f64>) -> Request {
        Request {
            progress: progress.into(),
            completed,
            request_status: status,
            end_time: None,
            start_time: None,
            schema: None,
        }
    }

    #[test]
    fn terminal_values_are_oracles() {
        let terminal: Vec<&str> = RequestProgress::KNOWN_VALUES
            .iter()
            .copied()
            .filter(|value| RequestProgress::from(*value).is_terminal())
            .collect();
        assert_eq!(terminal, ["succeeded", "failed", "aborted"]);
        assert!(RequestProgress::Succeeded.is_succeeded());
        assert!(!RequestProgress::Failed.is_succeeded());
    }

    #[test]
    fn unknown_progress_is_not_terminal_but_completed_finishes() {
        assert!(!RequestProgress::from("suspended").is_terminal());
        assert!(!request("suspended", None, None).is_finished());
        assert!(request("suspended", Some(true), None).is_finished());
        assert!(request("aborted", Some(false), None).is_finished());
        assert!(!request("paused", Some(false), None).is_finished());
    }

    #[test]
    fn request_status_is_a_whole_http_status() {
        assert_eq!(request("succeeded", None, Some(200.0)).request_status_code(), Some(200));
        assert_eq!(request("failed", None, Some(599.0)).request_status_code(), Some(599));
        for odd in [200.5, 99.0, 600.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(request("failed", None, Some(odd)).request_status_code(), None, "{odd}");
        }
        assert_eq!(request("pending", None, None).request_status_code(), None);
    }
}
