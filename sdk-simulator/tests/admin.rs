//! The admin endpoints, as a test in another language would use them.

use serde_json::{Value, json};

use sdk_simulator::Simulator;

#[tokio::test]
async fn controls_over_http() {
    let sim = Simulator::start().await.expect("start");
    let http = reqwest::Client::new();
    let admin = sim.admin_url();
    let ok = |r: reqwest::Response| {
        assert!(r.status().is_success(), "{}", r.status());
        r
    };
    let index: Value = ok(http.get(&admin).send().await.expect("index"))
        .json()
        .await
        .expect("json");
    assert_eq!(index["ess"], sim.ess_url());

    let job = "JobDefinition://oracle/apps/ess/custom/Two";
    let scenario = json!({"jobDefinitionId": job, "scenario": {
        "steps": [{"state": "WAIT", "seconds": 1}, {"state": "RUNNING", "seconds": 7200}],
        "endState": "WARNING", "cause": "PROCESS_WARNING", "message": "3 rows skipped"}});
    ok(http
        .post(format!("{admin}/scenarios/ess"))
        .json(&scenario)
        .send()
        .await
        .expect("scenario"));
    let submitted: Value = http
        .post(format!("{}/requests", sim.ess_url()))
        .json(&json!({"jobDefinitionId": job}))
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("json");
    let id = submitted["id"].as_i64().expect("id");
    ok(http
        .post(format!("{admin}/clock/advance"))
        .json(&json!({"seconds": 7201}))
        .send()
        .await
        .expect("advance"));
    let state: Value = http
        .get(format!("{admin}/state/ess/{id}"))
        .send()
        .await
        .expect("state")
        .json()
        .await
        .expect("json");
    assert_eq!(state["state"], "WARNING");

    ok(http
        .post(format!("{admin}/force"))
        .json(&json!({"service": "ess", "id": id, "state": "ERROR", "cause": "PROCESS_ERROR"}))
        .send()
        .await
        .expect("force"));
    assert_eq!(sim.ess_state(id).as_deref(), Some("ERROR"));

    let created: Value = http
        .post(format!("{admin}/ogg/requests"))
        .json(&json!({"service": "distsrvr"}))
        .send()
        .await
        .expect("ogg")
        .json()
        .await
        .expect("json");
    let oid = created["id"].as_i64().expect("id");
    assert_eq!(
        http.get(format!("{}/services/distsrvr/v2/requests/{oid}", sim.base_url()))
            .send()
            .await
            .expect("get")
            .status(),
        200
    );

    ok(http
        .post(format!("{admin}/faults"))
        .json(&json!({"operationId": "getRoot", "next": [{"kind": "status", "status": 500}]}))
        .send()
        .await
        .expect("fault"));
    assert_eq!(http.get(sim.ess_url()).send().await.expect("root").status(), 500);
    let counts: Value = http
        .get(format!("{admin}/counts"))
        .send()
        .await
        .expect("counts")
        .json()
        .await
        .expect("json");
    assert_eq!(counts["submitRequest"], 1);
    let recorded: Value = http
        .get(format!("{admin}/requests"))
        .send()
        .await
        .expect("recorded")
        .json()
        .await
        .expect("json");
    assert_eq!(recorded.as_array().map(Vec::len), Some(3));

    ok(http
        .put(format!("{admin}/auth"))
        .json(&json!({"accepted": [{"kind": "basic", "user": "u", "password": "p"}]}))
        .send()
        .await
        .expect("auth"));
    assert_eq!(http.get(sim.ess_url()).send().await.expect("root").status(), 401);
    assert_eq!(
        http.get(sim.ess_url())
            .basic_auth("u", Some("p"))
            .send()
            .await
            .expect("root")
            .status(),
        200
    );

    ok(http.post(format!("{admin}/reset")).send().await.expect("reset"));
    assert_eq!(sim.ess_state(id), None);
    assert_eq!(sim.count("getRoot"), 0);
    assert_eq!(
        http.get(format!("{admin}/nope")).send().await.expect("404").status(),
        404
    );
}
