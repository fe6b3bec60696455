//! How a client proves who it is: HTTP basic, a fixed bearer token, or a token source that can be refreshed.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use base64::Engine as _;
use http::HeaderValue;
use tokio::sync::Mutex;

use crate::secret::Secret;

/// The error a [`TokenSource`] returns when it cannot produce a token.
pub type TokenError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A future returned by a [`TokenSource`].
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, TokenError>> + Send + 'a>>;

/// Supplies bearer tokens, for services whose OAuth tokens expire while the client lives.
///
/// The client asks for a token before its first call and again, once, when the server answers `401`; between
/// those it reuses the last token. Any `Fn() -> impl Future<Output = Result<Secret, TokenError>>` closure is a
/// token source:
///
/// ```
/// use sdk_runtime::{Secret, TokenError};
///
/// async fn fetch_from_identity_domain() -> Result<Secret, TokenError> {
///     Ok(Secret::new("a-fresh-access-token"))
/// }
///
/// let auth = sdk_runtime::Auth::token_source(fetch_from_identity_domain);
/// assert_eq!(format!("{auth:?}"), "Auth::TokenSource");
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// Returns a currently valid token.
    fn token(&self) -> TokenFuture<'_>;
}

impl<F, Fut> TokenSource for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Secret, TokenError>> + Send + 'static,
{
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self())
    }
}

/// The credentials a client sends.
#[derive(Clone)]
pub enum Auth {
    /// HTTP basic authentication (Oracle Fusion user name and password).
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// A fixed bearer token.
    Bearer(Secret),
    /// Bearer tokens from a [`TokenSource`], refreshed once on a `401`.
    TokenSource(Arc<CachedTokenSource>),
}

impl Auth {
    /// HTTP basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// A fixed bearer token.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Self::Bearer(token.into())
    }

    /// Bearer tokens from a source the caller provides.
    pub fn token_source(source: impl TokenSource) -> Self {
        Self::TokenSource(Arc::new(CachedTokenSource {
            source: Box::new(source),
            current: Mutex::new(None),
        }))
    }

    /// The `Authorization` header to send, fetching a token first if the source has none yet.
    pub(crate) async fn header(&self) -> Result<HeaderValue, TokenError> {
        match self {
            Self::TokenSource(source) => {
                let token = source.current().await?;
                sensitive(format!("Bearer {}", token.expose()))
            }
            fixed => fixed
                .fixed_header()
                .unwrap_or_else(|| Err("no fixed credentials".into())),
        }
    }

    /// The header of credentials that never change (basic, fixed bearer), so that it can be built once per
    /// client rather than once per call; `None` for a token source.
    pub(crate) fn fixed_header(&self) -> Option<Result<HeaderValue, TokenError>> {
        match self {
            Self::Basic { username, password } => {
                let raw = format!("{username}:{}", password.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                Some(sensitive(format!("Basic {encoded}")))
            }
            Self::Bearer(token) => Some(sensitive(format!("Bearer {}", token.expose()))),
            Self::TokenSource(_) => None,
        }
    }

    /// Whether a `401` can be answered by asking for a new token.
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(self, Self::TokenSource(_))
    }

    /// Drops the cached token and fetches a new one; returns the new header.
    pub(crate) async fn refresh(&self) -> Result<HeaderValue, TokenError> {
        if let Self::TokenSource(source) = self {
            source.invalidate().await;
        }
        self.header().await
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic { username, .. } => write!(f, "Auth::Basic {{ username: {username:?}, password: <redacted> }}"),
            Self::Bearer(_) => f.write_str("Auth::Bearer(<redacted>)"),
            Self::TokenSource(_) => f.write_str("Auth::TokenSource"),
        }
    }
}

/// A [`TokenSource`] together with the last token it gave.
pub struct CachedTokenSource {
    source: Box<dyn TokenSource>,
    current: Mutex<Option<Secret>>,
}

impl CachedTokenSource {
    async fn current(&self) -> Result<Secret, TokenError> {
        // Holding the lock across the fetch makes concurrent first calls share one token request.
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref() {
            return Ok(token.clone());
        }
        let token = self.source.token().await?;
        *current = Some(token.clone());
        Ok(token)
    }

    async fn invalidate(&self) {
        *self.current.lock().await = None;
    }
}

fn sensitive(value: String) -> Result<HeaderValue, TokenError> {
    let mut header =
        HeaderValue::try_from(value).map_err(|_| "credentials contain characters not allowed in an HTTP header")?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn basic_header_is_rfc7617() {
        let header = Auth::basic("Aladdin", "open sesame").header().await.expect("valid");
        assert_eq!(header.to_str().expect("ascii"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(header.is_sensitive());
    }

    #[tokio::test]
    async fn token_source_is_cached_until_refresh() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let auth = Auth::token_source(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move { Ok(Secret::new(format!("token-{n}"))) }
        });
        assert_eq!(
            auth.header().await.expect("ok").to_str().expect("ascii"),
            "Bearer token-0"
        );
        assert_eq!(
            auth.header().await.expect("ok").to_str().expect("ascii"),
            "Bearer token-0"
        );
        assert_eq!(
            auth.refresh().await.expect("ok").to_str().expect("ascii"),
            "Bearer token-1"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn debug_never_shows_secrets() {
        let shown = format!("{:?} {:?}", Auth::basic("scott", "tiger-pw"), Auth::bearer("tok-123"));
        assert!(!shown.contains("tiger-pw") && !shown.contains("tok-123"), "{shown}");
        assert!(shown.contains("scott"));
    }

    #[test]
    fn only_a_token_source_can_answer_a_401_with_new_credentials() {
        // Fixed credentials would only be sent again unchanged: the 401 is the caller's to see.
        assert!(!Auth::basic("scott", "tiger").can_refresh());
        assert!(!Auth::bearer("tok").can_refresh());
        assert!(Auth::token_source(|| async { Ok(Secret::new("fresh")) }).can_refresh());
    }
}
