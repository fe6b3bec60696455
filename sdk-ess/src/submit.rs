//! The id of a submitted request, wherever the server puts it.

use crate::types::{Link, SubmitResponse};

impl SubmitResponse {
    /// The new request's id. Servers differ: some send `id`, some `requestId`, some only a `self` link whose
    /// href ends with the id (`.../requests/12345`). This reads them in that order; `None` when none holds one.
    ///
    /// ```
    /// let reply: sdk_ess::types::SubmitResponse = serde_json::from_str(
    ///     r#"{"links": [{"rel": "SELF", "href": "https://fa.example.com:443/ess/rest/scheduler/v1/requests/12345"}]}"#,
    /// ).unwrap();
    /// assert_eq!(reply.request_id(), Some(12345));
    /// ```
    pub fn request_id(&self) -> Option<i64> {
        self.id
            .or(self.request_id)
            .or_else(|| self.links.iter().flatten().find_map(id_from_self_link))
    }
}

/// The trailing number of a `self` link's href (query and fragment ignored).
fn id_from_self_link(link: &Link) -> Option<i64> {
    let is_self = link
        .rel
        .as_ref()
        .is_some_and(|rel| *rel == crate::types::LinkRelation::SelfValue);
    if !is_self {
        return None;
    }
    let href = link.href.as_deref()?;
    let path = href.split(['?', '#']).next()?;
    path.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reply(value: serde_json::Value) -> SubmitResponse {
        serde_json::from_value(value).unwrap_or_default()
    }

    #[test]
    fn the_id_is_found_in_each_place_servers_put_it() {
        assert_eq!(reply(json!({"id": 7})).request_id(), Some(7));
        assert_eq!(reply(json!({"requestId": 8})).request_id(), Some(8));
        assert_eq!(
            reply(json!({"links": [
                {"rel": "canonical", "href": "https://h/ess/rest/scheduler/v1/requests/1"},
                {"rel": "self", "href": "https://h:443/ess/rest/scheduler/v1/requests/9?fields=state"}
            ]}))
            .request_id(),
            Some(9)
        );
        assert_eq!(
            reply(json!({"links": [{"rel": "SELF", "href": "https://h/ess/rest/scheduler/v1/requests/10/"}]}))
                .request_id(),
            Some(10)
        );
        assert_eq!(reply(json!({"id": null, "requestId": 11})).request_id(), Some(11));
    }

    #[test]
    fn no_id_anywhere_is_none() {
        assert_eq!(reply(json!({})).request_id(), None);
        assert_eq!(
            reply(json!({"links": [{"rel": "self", "href": "https://h/ess/rest/scheduler/v1/requests/abc"}]}))
                .request_id(),
            None
        );
        assert_eq!(reply(json!({"links": null})).request_id(), None);
    }
}
