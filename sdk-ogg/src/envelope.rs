//! The standard response envelope (`api:standardResponse`) that wraps every GoldenGate reply.

use sdk_runtime::ServiceError;

use crate::types::{
    Link, LinkRelation, Message, RequestListResponse, RequestResultResponse, RequestStatusResponse, StandardResponse,
};

/// What every GoldenGate reply has in common: the links and messages of the standard response envelope.
///
/// Implemented by the envelope of each operation and by the generic [`StandardResponse`] (the error body, or the
/// body of a replayed result). The provided methods find a link by relation, take the background request id from
/// the links, and surface GoldenGate's error messages.
///
/// ```
/// use sdk_ogg::Envelope;
/// use sdk_ogg::types::{LinkRelation, RequestStatusResponse};
///
/// let status: RequestStatusResponse = serde_json::from_str(r#"{
///     "links": [{"rel": "related", "href": "https://ogg.example.com/services/EAST/adminsrvr/v2/requests/7/result"}],
///     "messages": [{"code": "OGG-08100", "severity": "WARNING", "title": "slow disk"}],
///     "response": {"progress": "pending"}
/// }"#)?;
/// assert_eq!(status.request_id(), Some(7));
/// assert!(status.link(&LinkRelation::Related).is_some());
/// assert!(status.service_error().is_none()); // a warning is not an error
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait Envelope {
    /// The envelope's links (`ogg:link`): `self`, `canonical`, `related`, `describedby`, ... (empty when absent or
    /// `null`).
    fn links(&self) -> &[Link];

    /// The messages GoldenGate issued while it handled the call (`ogg:message`), of every severity (empty when
    /// absent or `null`).
    fn messages(&self) -> &[Message];

    /// The first link whose relation is `rel`.
    fn link(&self, rel: &LinkRelation) -> Option<&Link> {
        self.links().iter().find(|link| link.rel.as_ref() == Some(rel))
    }

    /// The id of the background request the links point at (`.../requests/{id}` or `.../requests/{id}/result`),
    /// looked for in the `self`, `canonical` and `related` links first. `None` for a reply about no single request,
    /// such as the list of requests.
    fn request_id(&self) -> Option<i64> {
        crate::request_id::request_id_from_links(self.links())
    }

    /// The messages of severity `ERROR`, in the order GoldenGate sent them.
    fn error_messages(&self) -> impl Iterator<Item = &Message> {
        self.messages().iter().filter(|message| message.is_error())
    }

    /// GoldenGate's errors summarised as the runtime's [`ServiceError`] (first `OGG-nnnnn` code and title, the
    /// further errors as details), or `None` when no message has severity `ERROR`.
    fn service_error(&self) -> Option<ServiceError> {
        crate::errors::service_error(self.messages())
    }
}

macro_rules! envelope {
    ($($ty:ty),* $(,)?) => {
        $(
            impl Envelope for $ty {
                fn links(&self) -> &[Link] {
                    self.links.as_deref().unwrap_or_default()
                }

                fn messages(&self) -> &[Message] {
                    self.messages.as_deref().unwrap_or_default()
                }
            }
        )*
    };
}

envelope!(
    StandardResponse,
    RequestListResponse,
    RequestStatusResponse,
    RequestResultResponse
);
