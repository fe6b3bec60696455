//! Credentials: Basic, bearer tokens that expire on the virtual clock, each service's own 401 reply.

use std::time::Duration;

use sdk_simulator::{AuthConfig, Simulator};
use serde_json::Value;

#[tokio::test]
async fn basic_and_expiring_bearer_with_service_replies() {
    let sim = Simulator::start().await.expect("start");
    let expiry = sim.now() + chrono::Duration::minutes(60);
    sim.set_auth(AuthConfig::basic("scheduler.user", "pw").or(AuthConfig::bearer("tok-1", Some(expiry))));
    let http = reqwest::Client::new();
    let ess = format!("{}/requests", sim.ess_url());

    let r = http.get(&ess).send().await.expect("no auth");
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["status"], 401);
    assert!(v["title"].is_string());
    assert_eq!(
        http.get(&ess)
            .basic_auth("scheduler.user", Some("wrong"))
            .send()
            .await
            .expect("bad")
            .status(),
        401
    );
    assert_eq!(
        http.get(&ess)
            .basic_auth("scheduler.user", Some("pw"))
            .send()
            .await
            .expect("ok")
            .status(),
        200
    );
    assert_eq!(
        http.get(&ess).bearer_auth("tok-1").send().await.expect("ok").status(),
        200
    );

    sim.advance(Duration::from_secs(3600));
    let r = http
        .get(format!("{}/workRequests/x", sim.analytics_url()))
        .bearer_auth("tok-1")
        .send()
        .await
        .expect("expired");
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers().get("www-authenticate").and_then(|v| v.to_str().ok()),
        Some("Bearer error=\"invalid_session\"")
    );
    let v: Value = r.json().await.expect("json");
    assert!(v["code"].is_string() && v["message"].as_str().is_some_and(|m| m.contains("expired")));

    let r = http
        .get(format!("{}/services/v2/requests", sim.base_url()))
        .send()
        .await
        .expect("ogg");
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["messages"][0]["severity"], "ERROR");

    // Refusals are recorded, secrets redacted.
    let seen = sim.requests();
    assert!(seen.iter().all(|r| {
        r.headers
            .iter()
            .all(|(_, v)| !v.contains("tok-1") && !v.contains("cHc"))
    }));
    assert!(seen.iter().any(|r| {
        r.headers
            .iter()
            .any(|(k, v)| k == "authorization" && v == "Bearer <redacted>")
    }));

    sim.set_auth(AuthConfig::none());
    assert_eq!(http.get(&ess).send().await.expect("open").status(), 200);
}
