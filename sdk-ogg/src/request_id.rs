//! The id of a background request, read from links: the status document (`ogg:request`) has no id field.

use crate::types::{CollectionItem, Link, LinkRelation, RequestListResponse};

/// The background request id in a link target: the all-digit path segment that follows the last `requests`
/// segment, as in `http://localhost:11001/services/v2/requests/425988415/result`.
///
/// Every addressing form reads the same (see [`Address`](crate::Address)): on the service's port
/// (`/services/v2/requests/{id}`), behind Oracle's NGINX proxy (`/services/{deployment}/{service}/v2/...`), the
/// Service Manager (`/services/ServiceManager/v2/...`), OCI GoldenGate (`/services/{service}/v2/...`), with any
/// prefix in front, and a relative href. Scheme, host, query and fragment are ignored; `None` when there is no
/// such segment or it does not fit an `i64`.
///
/// ```
/// use sdk_ogg::request_id_from_href;
///
/// assert_eq!(request_id_from_href("http://localhost:11001/services/v2/requests/425988415/result"), Some(425988415));
/// assert_eq!(request_id_from_href("https://ogg.example.com/services/EAST/adminsrvr/v2/requests/42"), Some(42));
/// assert_eq!(request_id_from_href("https://ogg.example.com/services/ServiceManager/v2/requests/43"), Some(43));
/// assert_eq!(request_id_from_href("https://oci.example.com/gw/services/distsrvr/v2/requests/44/result"), Some(44));
/// assert_eq!(request_id_from_href("http://localhost:11001/services/v2/requests"), None);
/// assert_eq!(request_id_from_href("http://localhost:11001/services/v2/metadata-catalog/request"), None);
/// ```
pub fn request_id_from_href(href: &str) -> Option<i64> {
    let without_query = href.split(['?', '#']).next().unwrap_or_default();
    let path = match without_query.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        None => without_query,
    };
    let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
    segments
        .windows(2)
        .rev()
        .filter(|pair| pair[0] == "requests")
        .find_map(|pair| parse_id(pair[1]))
}

/// The background request id the links point at: from the `self` link, else `canonical`, else `related` (which
/// points at the result), else the first other link that names one.
pub fn request_id_from_links(links: &[Link]) -> Option<i64> {
    const PREFERRED: [LinkRelation; 3] = [LinkRelation::SelfValue, LinkRelation::Canonical, LinkRelation::Related];
    PREFERRED
        .iter()
        .flat_map(|rel| links.iter().filter(move |link| link.rel.as_ref() == Some(rel)))
        .chain(
            links
                .iter()
                .filter(|link| link.rel.as_ref().is_none_or(|rel| !PREFERRED.contains(rel))),
        )
        .find_map(|link| request_id_from_href(link.href.as_deref()?))
}

impl CollectionItem {
    /// The id of the background request this item of the list stands for: from its links, else from its `name`
    /// when that is a number (Oracle does not show the items of the list, so both are looked at).
    pub fn request_id(&self) -> Option<i64> {
        request_id_from_links(self.links.as_deref().unwrap_or_default())
            .or_else(|| self.name.as_deref().and_then(|name| parse_id(name.trim())))
    }
}

impl RequestListResponse {
    /// The ids of the listed background requests, in the order of the list; items without a recognisable id are
    /// left out.
    pub fn request_ids(&self) -> Vec<i64> {
        self.response
            .iter()
            .flat_map(|collection| collection.items.iter().flatten())
            .filter_map(CollectionItem::request_id)
            .collect()
    }
}

fn parse_id(segment: &str) -> Option<i64> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(rel: &str, href: &str) -> Link {
        Link {
            rel: Some(rel.into()),
            href: Some(href.to_owned()),
            description: None,
            media_type: None,
            schema: None,
        }
    }

    #[test]
    fn ids_in_hrefs() {
        for (href, id) in [
            ("http://localhost:11001/services/v2/requests/425988415", Some(425988415)),
            (
                "http://localhost:11001/services/v2/requests/425988415/result",
                Some(425988415),
            ),
            (
                "http://localhost:11001/services/v2/requests/425988415/",
                Some(425988415),
            ),
            ("https://h/services/v2/requests/7?x=requests/8#requests/9", Some(7)),
            ("/services/v2/requests/12", Some(12)),
            ("https://h/requests/1/services/v2/requests/2/result", Some(2)),
            ("https://h/services/EAST/adminsrvr/v2/requests/3", Some(3)),
            ("https://h/services/ogg_test_01/distsrvr/v2/requests/4/result", Some(4)),
            ("https://h/services/ServiceManager/v2/requests/5", Some(5)),
            ("https://h/services/recvsrvr/v2/requests/6", Some(6)),
            ("https://h:8443/gw/ogg/services/requests/pmsrvr/v2/requests/7", Some(7)),
            ("services/EAST/adminsrvr/v2/requests/8", Some(8)),
            ("https://h/services/EAST/adminsrvr/v2/requests", None),
            ("https://h/services/EAST/adminsrvr/v2/metadata-catalog/requests", None),
            ("https://h/services/v2/requests", None),
            ("https://h/services/v2/requests/+5", None),
            ("https://h/services/v2/requests/-5", None),
            ("https://h/services/v2/requests/abc", None),
            ("https://h/services/v2/requests/99999999999999999999", None),
            ("https://requests/5", None),
            ("", None),
            ("not a url", None),
        ] {
            assert_eq!(request_id_from_href(href), id, "{href}");
        }
    }

    #[test]
    fn self_is_preferred_then_canonical_then_related() {
        let links = [
            link("describedby", "http://h/services/v2/metadata-catalog/request"),
            link("related", "http://h/services/v2/requests/3/result"),
            link("canonical", "http://h/services/v2/requests/2"),
            link("self", "http://h/services/v2/requests/1"),
        ];
        assert_eq!(request_id_from_links(&links), Some(1));
        assert_eq!(request_id_from_links(&links[..3]), Some(2));
        assert_eq!(request_id_from_links(&links[..2]), Some(3));
        assert_eq!(request_id_from_links(&links[..1]), None);
        assert_eq!(
            request_id_from_links(&[link("ogg://future", "http://h/services/v2/requests/4")]),
            Some(4)
        );
        let no_rel = Link {
            href: Some("http://h/services/EAST/adminsrvr/v2/requests/6".into()),
            ..Default::default()
        };
        let no_href = Link {
            rel: Some(LinkRelation::SelfValue),
            ..Default::default()
        };
        assert_eq!(request_id_from_links(&[no_href, no_rel]), Some(6));
    }

    #[test]
    fn collection_items_use_links_then_name() {
        let mut item = CollectionItem {
            name: Some(" 425988381 ".into()),
            ..Default::default()
        };
        assert_eq!(item.request_id(), Some(425988381));
        item.links = Some(vec![link("canonical", "http://h/services/v2/requests/5")]);
        assert_eq!(item.request_id(), Some(5));
        item.links = None;
        item.name = Some("replicat-R1".into());
        assert_eq!(item.request_id(), None);
    }
}
