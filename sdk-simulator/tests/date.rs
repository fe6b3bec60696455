//! Every reply carries a `Date` header from the virtual clock (RFC 7231 IMF-fixdate), so that a client judges
//! time rules (the ESS 30-minute force-cancel rule) by the server's clock, not its own.

use std::time::Duration;

use chrono::DateTime;
use serde_json::json;

use sdk_simulator::{AuthConfig, Fault, OggScenario, OggTarget, Simulator};

/// The `Date` header of a reply; exactly one is sent.
fn date_of(reply: &reqwest::Response) -> String {
    let dates: Vec<_> = reply.headers().get_all("date").iter().collect();
    assert_eq!(dates.len(), 1, "{} Date headers", dates.len());
    dates[0].to_str().expect("Date is text").to_owned()
}

#[tokio::test]
async fn every_reply_is_dated_by_the_virtual_clock() {
    let start = DateTime::from_timestamp(978_307_200, 0).expect("time"); // Mon, 01 Jan 2001 00:00:00 GMT
    let sim = Simulator::builder()
        .start_time(start)
        .auth(AuthConfig::basic("u", "p").or(AuthConfig::bearer("t", None)))
        .start()
        .await
        .expect("start");
    let ogg = sim.create_ogg_request(&OggTarget::admin(), OggScenario::default());
    let http = reqwest::Client::new();
    let replies = || async {
        let mut dated = Vec::new();
        let ess = http.get(sim.ess_url()).basic_auth("u", Some("p")).send();
        dated.push(("ESS getRoot", ess.await.expect("ess")));
        let submit = http
            .post(format!("{}/requests", sim.ess_url()))
            .basic_auth("u", Some("p"))
            .json(&json!({"jobDefinitionId": "JobDefinition://oracle/apps/ess/custom/Dated"}))
            .send();
        dated.push(("ESS submitRequest", submit.await.expect("submit")));
        let refused = http.get(sim.ess_url()).send();
        dated.push(("ESS 401", refused.await.expect("401")));
        let get = http
            .get(format!("{}/services/v2/requests/{ogg}", sim.base_url()))
            .basic_auth("u", Some("p"))
            .send();
        dated.push(("GoldenGate getRequest", get.await.expect("ogg")));
        let missing = http
            .get(format!("{}/workRequests/none", sim.analytics_url()))
            .bearer_auth("t")
            .send();
        dated.push(("Analytics 404", missing.await.expect("oac")));
        sim.inject("runSequence", [Fault::Unavailable { retry_after: 1 }]);
        let faulted = http
            .post(format!("{}/catalog/sequences/c2VxMQ/actions/run", sim.analytics_url()))
            .bearer_auth("t")
            .send();
        dated.push(("Analytics injected 503", faulted.await.expect("503")));
        let nowhere = http.get(format!("{}/elsewhere", sim.base_url())).send();
        dated.push(("no service", nowhere.await.expect("404")));
        let admin = http.get(format!("{}/clock", sim.admin_url())).send();
        dated.push(("admin", admin.await.expect("admin")));
        dated
    };

    for (what, reply) in replies().await {
        assert_eq!(date_of(&reply), "Mon, 01 Jan 2001 00:00:00 GMT", "{what}");
    }
    sim.advance(Duration::from_secs(31 * 60 + 5));
    for (what, reply) in replies().await {
        assert_eq!(date_of(&reply), "Mon, 01 Jan 2001 00:31:05 GMT", "{what}");
    }
}
