//! What every GoldenGate reply carries in its standard envelope, read through [`Envelope`]: a link found by its
//! relation, and the messages that are errors among those of every severity.

use sdk_ogg::Envelope;
use sdk_ogg::types::{LinkRelation, RequestStatusResponse};

#[test]
fn a_link_is_found_by_its_relation_and_errors_among_the_messages() {
    let status: RequestStatusResponse = serde_json::from_str(
        r#"{
            "links": [
                {"rel": "canonical", "href": "https://ogg.example.com/services/v2/requests/7"},
                {"rel": "related", "href": "https://ogg.example.com/services/v2/requests/7/result"}
            ],
            "messages": [
                {"code": "OGG-08100", "severity": "WARNING", "title": "slow disk"},
                {"code": "OGG-12029", "severity": "ERROR", "title": "no such extract"},
                {"code": "OGG-00001", "severity": "ERROR", "title": "and another"}
            ],
            "response": {"progress": "failed"}
        }"#,
    )
    .expect("a status reply");
    assert_eq!(
        status
            .link(&LinkRelation::Related)
            .and_then(|link| link.href.as_deref()),
        Some("https://ogg.example.com/services/v2/requests/7/result")
    );
    assert!(status.link(&LinkRelation::Describedby).is_none(), "no such link");
    let errors: Vec<&str> = status.error_messages().filter_map(|m| m.code.as_deref()).collect();
    assert_eq!(errors, ["OGG-12029", "OGG-00001"], "the warning is not an error");
}

#[test]
fn a_list_of_requests_gives_their_ids_in_its_order() {
    let list: sdk_ogg::types::RequestListResponse = serde_json::from_str(
        r#"{
            "response": {"items": [
                {"links": [{"rel": "canonical", "href": "https://ogg.example.com/services/v2/requests/12"}]},
                {"name": "3"},
                {"name": "not a number"},
                {"links": [{"rel": "canonical", "href": "https://ogg.example.com/services/v2/requests/7/result"}]}
            ]}
        }"#,
    )
    .expect("a list reply");
    assert_eq!(list.request_ids(), [12, 3, 7]);
}

#[test]
fn an_origin_whose_path_ends_in_v2_but_names_no_service_is_taken() {
    use sdk_ogg::{Address, Microservice};
    let address = Address::proxied(
        "https://ogg.example.com/gateway/v2",
        "EAST",
        Microservice::ADMINISTRATION,
    )
    .expect("a prefix that happens to end in v2");
    assert_eq!(
        address.base_url(),
        "https://ogg.example.com/gateway/v2/services/EAST/adminsrvr/v2"
    );
    assert_eq!(Microservice::ADMINISTRATION.to_string(), "adminsrvr");
}
