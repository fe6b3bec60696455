//! Whether a background request has ended, whether it succeeded, and how its original call ended.

use sdk_runtime::wait::{Class, Lifecycle};

use crate::types::{Request, RequestProgress};

impl Lifecycle for RequestProgress {
    /// Oracle's terminal values: `succeeded` ends well, `failed` in failure, `aborted` as cancelled. `pending`,
    /// `processing` and `paused` are running, and so is a value this SDK does not know: [`Request`]'s lifecycle
    /// also reads the request's `completed` flag, which ends those.
    fn class(&self) -> Class {
        match self {
            Self::Succeeded => Class::Succeeded,
            Self::Failed => Class::Failed,
            Self::Aborted => Class::Cancelled,
            _ => Class::Running,
        }
    }
}

impl Lifecycle for Request {
    /// Its progress's class; for a progress that is absent or a value this SDK does not know, GoldenGate's
    /// `completed` flag ends the request, well when the original call's status is 2xx and in failure otherwise (a
    /// documented running value with `completed` is still running).
    fn class(&self) -> Class {
        match &self.progress {
            Some(progress) if progress.is_known() => progress.class(),
            _ if self.completed == Some(true) => {
                if self
                    .request_status_code()
                    .is_some_and(|code| (200..300).contains(&code))
                {
                    Class::Succeeded
                } else {
                    Class::Failed
                }
            }
            _ => Class::Running,
        }
    }
}

impl Request {
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

    fn request(progress: Option<&str>, completed: Option<bool>, status: Option<f64>) -> Request {
        Request {
            progress: progress.map(RequestProgress::from),
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
        assert!(RequestProgress::Succeeded.is_success());
        assert!(!RequestProgress::Failed.is_success());
        assert!(RequestProgress::from("SUCCEEDED").is_success());
        assert_eq!(RequestProgress::Aborted.class(), Class::Cancelled);
        assert_eq!(RequestProgress::Paused.class(), Class::Running);
    }

    #[test]
    fn unknown_or_absent_progress_ends_with_completed() {
        assert!(!RequestProgress::from("suspended").is_terminal());
        assert!(!request(Some("suspended"), None, None).is_terminal());
        assert!(request(Some("suspended"), Some(true), None).is_terminal());
        assert!(!request(Some("suspended"), Some(true), None).is_success());
        assert!(request(Some("archived"), Some(true), Some(201.0)).is_success());
        assert!(request(None, Some(true), Some(200.0)).is_success());
        assert!(!request(None, None, Some(200.0)).is_terminal());
        assert!(request(Some("aborted"), Some(false), None).is_terminal());
        assert!(!request(Some("paused"), Some(true), None).is_terminal());
        assert!(request(Some("succeeded"), None, Some(500.0)).is_success());
    }

    #[test]
    fn request_status_is_a_whole_http_status() {
        assert_eq!(
            request(Some("succeeded"), None, Some(200.0)).request_status_code(),
            Some(200)
        );
        assert_eq!(
            request(Some("failed"), None, Some(599.0)).request_status_code(),
            Some(599)
        );
        for odd in [200.5, 99.0, 600.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                request(Some("failed"), None, Some(odd)).request_status_code(),
                None,
                "{odd}"
            );
        }
        assert_eq!(request(Some("pending"), None, None).request_status_code(), None);
    }
}
