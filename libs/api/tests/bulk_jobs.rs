//! Bulk issuance over real HTTP: a job over a member list issues one credential per member
//! (unique, redeemable codes, each carrying the job's id), its progress moves to `finished`,
//! its results download as JSON pages or CSV; identifiers that name no member are counted as
//! failed with the reason; a running job can be cancelled and stops where it was; and what
//! hostile, foreign or read-only callers can do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use domain::catalog::{ListFields, MemberFields};
use domain::ids::MemberId;
use domain::Command;
use serde_json::{json, Value};
use std::collections::HashSet;
use support::commands::{execute, open_shop, redeem_at_store, world, World};
use support::resources::delete;
use support::{read, spawn_app_configured, TestApp};
use testkit::fixtures::{created, ShopData};

/// A member list of `size` new members of account 1; its id.
async fn member_list(app: &TestApp, size: usize, prefix: &str) -> u64 {
    let mut members = Vec::with_capacity(size);
    for index in 0..size {
        let fields = MemberFields {
            identifier: Some(format!("{prefix}-{index}")),
            ..MemberFields::default()
        };
        members.push(MemberId(created(
            &execute(app, 1, Command::CreateMember { fields }).await,
        )));
    }
    let list = created(
        &execute(
            app,
            1,
            Command::CreateMemberList {
                fields: ListFields {
                    name: Some(prefix.into()),
                },
            },
        )
        .await,
    );
    let command = Command::AddMembersToList {
        member_list_id: domain::ids::MemberListId(list),
        member_ids: members,
    };
    execute(app, 1, command).await;
    list
}

async fn start(app: &TestApp, world: &World, targets: Value) -> (u16, Value) {
    let mut job = json!({"offer_id": world.offer, "channel_id": world.channel});
    if let (Some(job), Value::Object(targets)) = (job.as_object_mut(), targets) {
        job.extend(targets);
    }
    let body = json!({ "bulk_job": job });
    read(app.post(&world.token, "/v1.0/bulk_jobs", &body).await).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = read(app.get(token, path).await).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// Polls job `id` until it is no longer running (at most 20 s); its view.
async fn ended(app: &TestApp, token: &str, id: u64) -> Value {
    let path = format!("/v1.0/bulk_jobs/{id}");
    for _ in 0..400 {
        let job = get(app, token, &path).await["bulk_job"].clone();
        if job["status"] != "running" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("job {id} still running");
}

fn small_steps() -> impl FnOnce(&mut server::startup::StackConfig) {
    |config| config.bulk_step = 7
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_issues_a_credential_to_every_member_of_a_list() {
    let app = spawn_app_configured(small_steps()).await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let list = member_list(&app, 60, "everyone").await;
    let (status, started) = start(&app, &world, json!({"member_list_id": list})).await;
    assert_eq!(status, 201, "{started}");
    let job = &started["bulk_job"];
    assert_eq!(
        (job["status"].clone(), job["total"].clone()),
        (json!("running"), json!(60))
    );
    let id = job["id"].as_u64().unwrap();

    let done = ended(&app, token, id).await;
    assert_eq!(done["status"], "finished", "{done}");
    assert_eq!(
        (
            done["processed"].clone(),
            done["issued"].clone(),
            done["failed"].clone()
        ),
        (json!(60), json!(60), json!(0))
    );
    assert!(done["finished_at"].is_string());

    let results = format!("/v1.0/bulk_jobs/{id}/results?per_page=100");
    let page = get(&app, token, &results).await;
    assert_eq!(page["total_entries"], 60);
    let codes: Vec<String> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["result"]["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        codes.iter().collect::<HashSet<_>>().len(),
        60,
        "unique codes"
    );
    let members: HashSet<u64> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["result"]["member_id"].as_u64().unwrap())
        .collect();
    assert_eq!(members.len(), 60, "one per member");

    let csv = app
        .client
        .get(app.url(&format!("/v1.0/bulk_jobs/{id}/results.csv")))
        .header("X-Auth-Token", token.as_str())
        .send()
        .await
        .unwrap();
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert_eq!(
        text.lines().count(),
        61,
        "a header and a line per credential"
    );
    assert!(text.starts_with("member_id,credential_id,code,status"));
    assert!(text.contains(&codes[0]));

    let (status, redeemed) = redeem_at_store(&app, &world, &codes[0], "bulk-txn-1").await;
    assert_eq!(status, 201, "a bulk code redeems: {redeemed}");
    let listed = get(&app, token, "/v1.0/bulk_jobs?status=finished").await;
    assert_eq!(listed["total_entries"], 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_identifiers_fail_with_a_reason_and_a_cancelled_job_stops() {
    let app = spawn_app_configured(|config| config.bulk_step = 1).await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    member_list(&app, 2, "named").await;
    let (status, started) = start(
        &app,
        &world,
        json!({"identifiers": ["named-0", "nobody", "named-1"]}),
    )
    .await;
    assert_eq!(status, 201, "{started}");
    let id = started["bulk_job"]["id"].as_u64().unwrap();
    let done = ended(&app, token, id).await;
    assert_eq!(
        (done["issued"].clone(), done["failed"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(
        done["failures"],
        json!([{"position": 1, "reason": "Member not found"}])
    );

    let list = member_list(&app, 400, "many").await;
    let (_, started) = start(&app, &world, json!({"member_list_id": list})).await;
    let id = started["bulk_job"]["id"].as_u64().unwrap();
    let path = format!("/v1.0/bulk_jobs/{id}");
    let (status, cancelled) = delete(&app, token, &path, &json!({})).await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["bulk_job"]["status"], "cancelled");
    let stopped_at = cancelled["bulk_job"]["processed"].as_u64().unwrap();
    assert!(stopped_at < 400, "{cancelled}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let later = get(&app, token, &path).await;
    assert_eq!(
        later["bulk_job"]["processed"], stopped_at,
        "no step after a cancel"
    );
    assert_eq!(delete(&app, token, &path, &json!({})).await.0, 409);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bulk_jobs_change_nothing() {
    let app = spawn_app_configured(small_steps()).await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let list = member_list(&app, 3, "few").await;
    let too_many: Vec<String> = (0..1_001).map(|index| format!("m-{index}")).collect();
    for (targets, status) in [
        (json!({}), 400),
        (
            json!({"member_list_id": list, "identifiers": ["few-0"]}),
            400,
        ),
        (json!({"identifiers": []}), 400),
        (json!({"identifiers": too_many}), 400),
        (json!({"member_list_id": 999_999}), 404),
        (json!({"member_list_id": -1}), 400),
        (json!({"member_list_id": list, "offer_id": 999_999}), 404),
        (json!({"member_list_id": list, "channel_id": "x"}), 400),
    ] {
        let (answered, body) = start(&app, &world, targets.clone()).await;
        assert_eq!(answered, status, "{targets}: {body}");
        assert!(body["error"].is_string(), "{targets}: {body}");
    }
    assert_eq!(
        get(&app, token, "/v1.0/bulk_jobs").await["total_entries"],
        0
    );
    assert_eq!(
        app.get(token, "/v1.0/bulk_jobs?status=late").await.status(),
        400
    );
    let huge = format!("/v1.0/bulk_jobs/{}", u64::MAX);
    assert_eq!(app.get(token, &huge).await.status(), 404);
    let missing = "/v1.0/bulk_jobs/999999/results";
    assert_eq!(app.get(token, missing).await.status(), 404);

    let body = json!({"bulk_job": {"offer_id": world.offer, "channel_id": world.channel,
        "member_list_id": list}});
    let keyed = || async {
        let response = app
            .client
            .post(app.url("/v1.0/bulk_jobs"))
            .header("X-Auth-Token", token.as_str())
            .header("Idempotency-Key", "bulk-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        read(response).await
    };
    let (status, started) = keyed().await;
    assert_eq!(status, 201, "{started}");
    let (again, repeated) = keyed().await;
    assert_eq!(
        (again, repeated["bulk_job"]["id"].clone()),
        (201, started["bulk_job"]["id"].clone()),
        "a keyed retry answers the same job"
    );
    let id = started["bulk_job"]["id"].as_u64().unwrap();
    let path = format!("/v1.0/bulk_jobs/{id}");
    let (_, intruder) = open_shop(&app, 2, ShopData::new(None)).await;
    assert_eq!(app.get(&intruder, &path).await.status(), 404);
    let theirs = format!("{path}/results");
    assert_eq!(app.get(&intruder, &theirs).await.status(), 404);
    assert_eq!(delete(&app, &intruder, &path, &json!({})).await.0, 404);
    assert_eq!(
        get(&app, &intruder, "/v1.0/bulk_jobs").await["total_entries"],
        0
    );

    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let reporting = app.token("reports", "secret").await;
    assert_eq!(app.get(&reporting, &path).await.status(), 200);
    let body = json!({"bulk_job": {"offer_id": world.offer, "channel_id": world.channel,
        "member_list_id": list}});
    let (status, _) = read(app.post(&reporting, "/v1.0/bulk_jobs", &body).await).await;
    assert_eq!(status, 403);
    assert_eq!(ended(&app, token, id).await["issued"], 3);
    assert_eq!(
        get(&app, token, "/v1.0/bulk_jobs").await["total_entries"],
        1
    );
    app.stop().await;
}
