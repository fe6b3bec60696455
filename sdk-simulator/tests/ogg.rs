//! GoldenGate background requests under every addressing form.

use std::time::Duration;

use sdk_simulator::{OggAddressing, OggResult, OggScenario, OggTarget, Simulator};
use serde_json::{Value, json};

async fn get(url: &str) -> (u16, Value) {
    let r = reqwest::get(url).await.expect("get");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn links(v: &Value) -> Vec<String> {
    v["links"]
        .as_array()
        .map(|l| l.iter().filter_map(|l| l["href"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn progress_completed_request_status_and_result() {
    let sim = Simulator::start().await.expect("start");
    let original =
        json!({"$schema": "api:standardResponse", "links": [], "messages": [], "response": {"name": "EXT1"}});
    let id = sim.create_ogg_request(
        &OggTarget::admin(),
        OggScenario::succeeds_after(
            Duration::from_secs(30),
            OggResult::json(201, "Created", original.clone()),
        ),
    );
    let base = sim.ogg_url(&OggAddressing::Direct);
    let (s, v) = get(&format!("{base}/requests/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(v["$schema"], "api:standardResponse");
    assert_eq!(v["response"]["progress"], "pending");
    assert_eq!(v["response"]["completed"], false);
    assert!(v["response"].get("requestStatus").is_none());
    let (s, v) = get(&format!("{base}/requests/{id}/result")).await;
    assert_eq!(s, 404);
    assert_eq!(v["messages"][0]["severity"], "ERROR");

    sim.advance(Duration::from_secs(5));
    assert_eq!(
        get(&format!("{base}/requests/{id}")).await.1["response"]["progress"],
        "processing"
    );
    sim.advance(Duration::from_secs(30));
    let (_, v) = get(&format!("{base}/requests/{id}")).await;
    assert_eq!(v["response"]["progress"], "succeeded");
    assert_eq!(v["response"]["completed"], true);
    assert_eq!(v["response"]["requestStatus"], 201);
    assert!(v["response"]["endTime"].is_string());
    let related = v["links"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["rel"] == "related"))
        .cloned();
    assert_eq!(
        related.map(|l| l["href"].clone()),
        Some(json!(format!("{base}/requests/{id}/result")))
    );
    let (s, v) = get(&format!("{base}/requests/{id}/result")).await;
    assert_eq!(s, 200);
    assert_eq!(v["response"]["$schema"], "ogg:requestResult");
    assert_eq!(v["response"]["status"]["code"], 201);
    assert_eq!(v["response"]["body"], original);

    let failed = sim.create_ogg_request(
        &OggTarget::admin(),
        OggScenario::fails_after(
            Duration::from_secs(1),
            OggResult::text(400, "Bad Request", "OGG-01224 bad request"),
        ),
    );
    sim.advance(Duration::from_secs(5));
    let (_, v) = get(&format!("{base}/requests/{failed}/result")).await;
    assert_eq!(v["response"]["body"], "OGG-01224 bad request");
    let (_, v) = get(&format!("{base}/requests")).await;
    let names: Vec<&str> = v["response"]["items"]
        .as_array()
        .map(|i| i.iter().filter_map(|i| i["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, [id.to_string(), failed.to_string()]);
}

#[tokio::test]
async fn every_addressing_form_with_its_own_requests_and_links() {
    let sim = Simulator::builder()
        .ogg_deployment("East")
        .start()
        .await
        .expect("start");
    let forms = [
        OggAddressing::Direct,
        OggAddressing::Oci {
            service: "distsrvr".into(),
        },
        OggAddressing::Proxy {
            deployment: "East".into(),
            service: "recvsrvr".into(),
        },
        OggAddressing::Proxy {
            deployment: "Local".into(),
            service: "pmsrvr".into(),
        },
        OggAddressing::ServiceManager,
    ];
    let mut ids = Vec::new();
    for form in &forms {
        ids.push(sim.create_ogg_request(&form.target(), OggScenario::default()));
    }
    for (form, id) in forms.iter().zip(&ids) {
        let base = sim.ogg_url(form);
        let (s, v) = get(&format!("{base}/requests")).await;
        assert_eq!(s, 200, "{base}");
        let items = v["response"]["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 1, "each service has its own requests: {base}");
        assert_eq!(items[0]["name"], id.to_string());
        let (s, v) = get(&format!("{base}/requests/{id}")).await;
        assert_eq!(s, 200);
        assert!(
            links(&v).iter().all(|h| h.starts_with(&base)),
            "links in the request's form: {:?}",
            links(&v)
        );
    }
    // The proxy form of the default deployment reaches the same requests as the direct form.
    let proxy = sim.ogg_url(&OggAddressing::Proxy {
        deployment: "Local".into(),
        service: "adminsrvr".into(),
    });
    assert_eq!(get(&format!("{proxy}/requests/{}", ids[0])).await.0, 200);
    // Another service does not see them.
    assert_eq!(
        get(&format!("{proxy}/../../distsrvr/v2/requests/{}", ids[0])).await.0,
        404
    );
    let unknown = format!("{}/services/Nowhere/adminsrvr/v2/requests", sim.base_url());
    assert_eq!(get(&unknown).await.1["messages"][0]["code"], "OGG-12031");
}

#[tokio::test]
async fn multi_deployment_proxy_answers_ogg_12031_without_a_deployment() {
    let sim = Simulator::builder()
        .ogg_multi_deployment(true)
        .start()
        .await
        .expect("start");
    let id = sim.create_ogg_request(&OggTarget::admin(), OggScenario::default());
    let (s, v) = get(&format!("{}/requests/{id}", sim.ogg_url(&OggAddressing::Direct))).await;
    assert_eq!(s, 404);
    // The real reply: no $schema, no links, one ERROR message.
    assert_eq!(v.get("$schema"), None);
    assert_eq!(v["links"], json!([]));
    assert_eq!(v["messages"][0]["code"], "OGG-12031");
    assert_eq!(v["messages"][0]["title"], "The requested resource does not exist.");
    let proxy = sim.ogg_url(&OggAddressing::Proxy {
        deployment: "Local".into(),
        service: "adminsrvr".into(),
    });
    assert_eq!(get(&format!("{proxy}/requests/{id}")).await.0, 200);
    assert_eq!(
        get(&format!("{}/requests", sim.ogg_url(&OggAddressing::ServiceManager)))
            .await
            .0,
        200
    );
    sim.set_ogg_multi_deployment(false);
    assert_eq!(
        get(&format!("{}/requests/{id}", sim.ogg_url(&OggAddressing::Direct)))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn forced_progress_and_bad_ids() {
    let sim = Simulator::start().await.expect("start");
    let t = OggTarget::admin();
    let id = sim.create_ogg_request(&t, OggScenario::default());
    sim.force_ogg_progress(&t, id, "aborted").expect("force");
    assert_eq!(sim.ogg_progress(&t, id).as_deref(), Some("aborted"));
    let base = sim.ogg_url(&OggAddressing::Direct);
    assert_eq!(
        get(&format!("{base}/requests/{id}")).await.1["response"]["completed"],
        true
    );
    assert_eq!(get(&format!("{base}/requests/not-a-number")).await.0, 400);
    assert_eq!(get(&format!("{base}/requests/1")).await.0, 404);
    assert!(sim.force_ogg_progress(&t, 1, "failed").is_err());
}

#[tokio::test]
async fn a_forced_progress_stays_when_the_planned_end_comes() {
    let sim = Simulator::start().await.expect("start");
    let t = OggTarget::admin();
    let id = sim.create_ogg_request(
        &t,
        OggScenario::succeeds_after(Duration::from_secs(30), OggResult::json(200, "OK", json!({}))),
    );
    sim.advance(Duration::from_secs(5));
    sim.force_ogg_progress(&t, id, "aborted").expect("force");
    sim.advance(Duration::from_secs(600));
    assert_eq!(sim.ogg_progress(&t, id).as_deref(), Some("aborted"));
}

#[tokio::test]
async fn a_reset_forgets_the_background_requests() {
    let sim = Simulator::start().await.expect("start");
    let id = sim.create_ogg_request(&OggTarget::admin(), OggScenario::default());
    let base = sim.ogg_url(&OggAddressing::Direct);
    assert_eq!(get(&format!("{base}/requests/{id}")).await.0, 200);
    sim.reset();
    assert_eq!(get(&format!("{base}/requests/{id}")).await.0, 404);
}

#[tokio::test]
async fn a_service_is_reached_without_its_deployment_only_on_a_single_deployment() {
    let single = Simulator::start().await.expect("start");
    let oci = |sim: &Simulator, service: &str| {
        sim.ogg_url(&OggAddressing::Oci {
            service: service.into(),
        })
    };
    assert_eq!(get(&format!("{}/requests", oci(&single, "distsrvr"))).await.0, 200);
    assert_eq!(get(&format!("{}/requests", oci(&single, "nosuchsrvr"))).await.0, 404);
    let multi = Simulator::builder()
        .ogg_multi_deployment(true)
        .start()
        .await
        .expect("start");
    assert_eq!(get(&format!("{}/requests", oci(&multi, "distsrvr"))).await.0, 404);
}
