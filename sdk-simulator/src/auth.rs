//! Credentials the simulated services accept.
//!
//! By default every request must carry one of the configured credentials: HTTP Basic (user and password) or
//! a bearer token, which may expire on the virtual clock. [`AuthConfig::none`] switches the check off. A
//! refused request is answered with the service's own 401 reply (ESS: `SimpleExceptionDetail`; GoldenGate:
//! the standard response envelope with an ERROR message; Analytics: `{code, message}` and
//! `WWW-Authenticate: Bearer error="invalid_session"`, as a real server sent it).

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One accepted credential.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Credential {
    /// HTTP Basic.
    Basic {
        /// User name.
        user: String,
        /// Password.
        password: String,
    },
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// The token.
        token: String,
        /// Virtual time after which the token is refused (never when absent).
        #[serde(rename = "expiresAt", default)]
        expires_at: Option<DateTime<Utc>>,
    },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Basic { user, .. } => f.debug_struct("Basic").field("user", user).finish_non_exhaustive(),
            Credential::Bearer { expires_at, .. } => f
                .debug_struct("Bearer")
                .field("expires_at", expires_at)
                .finish_non_exhaustive(),
        }
    }
}

/// Which credentials are accepted. Empty means no check at all.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthConfig {
    /// Accepted credentials; any one of them lets a request in.
    pub accepted: Vec<Credential>,
}

impl AuthConfig {
    /// No credential is checked.
    pub fn none() -> Self {
        Self::default()
    }

    /// HTTP Basic with one user.
    pub fn basic(user: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            accepted: vec![Credential::Basic {
                user: user.into(),
                password: password.into(),
            }],
        }
    }

    /// One bearer token, valid until `expires_at` (virtual time) when given.
    pub fn bearer(token: impl Into<String>, expires_at: Option<DateTime<Utc>>) -> Self {
        Self {
            accepted: vec![Credential::Bearer {
                token: token.into(),
                expires_at,
            }],
        }
    }

    /// Adds another accepted credential.
    pub fn or(mut self, other: AuthConfig) -> Self {
        self.accepted.extend(other.accepted);
        self
    }

    /// Checks an `Authorization` header value at virtual time `now`.
    pub(crate) fn check(&self, header: Option<&str>, now: DateTime<Utc>) -> Result<(), AuthRefusal> {
        if self.accepted.is_empty() {
            return Ok(());
        }
        let Some(header) = header else {
            return Err(AuthRefusal::Missing);
        };
        let (scheme, value) = header.trim().split_once(' ').unwrap_or((header, ""));
        let value = value.trim();
        let mut expired = false;
        for cred in &self.accepted {
            match cred {
                Credential::Basic { user, password } if scheme.eq_ignore_ascii_case("basic") => {
                    let decoded = base64::engine::general_purpose::STANDARD
                        .decode(value)
                        .unwrap_or_default();
                    if decoded == format!("{user}:{password}").as_bytes() {
                        return Ok(());
                    }
                }
                Credential::Bearer { token, expires_at } if scheme.eq_ignore_ascii_case("bearer") && value == token => {
                    match expires_at {
                        Some(at) if now >= *at => expired = true,
                        _ => return Ok(()),
                    }
                }
                _ => {}
            }
        }
        Err(if expired {
            AuthRefusal::Expired
        } else {
            AuthRefusal::Invalid
        })
    }
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthRefusal {
    /// No `Authorization` header.
    Missing,
    /// Wrong credentials or scheme.
    Invalid,
    /// A known bearer token past its expiry.
    Expired,
}

impl AuthRefusal {
    pub(crate) fn message(self) -> &'static str {
        match self {
            AuthRefusal::Missing => "Authentication is required: the request has no credentials.",
            AuthRefusal::Invalid => "The credentials are not valid.",
            AuthRefusal::Expired => "The access token has expired.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_bearer_and_expiry() {
        let now = DateTime::from_timestamp(1_000, 0).unwrap_or_default();
        let later = DateTime::from_timestamp(2_000, 0).unwrap_or_default();
        let auth = AuthConfig::basic("u", "p").or(AuthConfig::bearer("t", Some(later)));
        let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("u:p"));
        assert_eq!(auth.check(Some(&basic), now), Ok(()));
        assert_eq!(auth.check(Some("Bearer t"), now), Ok(()));
        assert_eq!(auth.check(Some("Bearer t"), later), Err(AuthRefusal::Expired));
        assert_eq!(auth.check(Some("Bearer x"), now), Err(AuthRefusal::Invalid));
        assert_eq!(auth.check(None, now), Err(AuthRefusal::Missing));
        assert_eq!(AuthConfig::none().check(None, now), Ok(()));
        let shown = format!(
            "{:?}",
            AuthConfig::basic("u", "pw-secret").or(AuthConfig::bearer("tok-secret", None))
        );
        assert!(!shown.contains("pw-secret") && !shown.contains("tok-secret"), "{shown}");
    }
}
