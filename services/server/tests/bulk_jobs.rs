//! A bulk job across a SIGKILL: the real `promo` binary, killed while a job over a member
//! list is half done, resumes it on restart from where its log says it was, and ends with
//! exactly one credential per member (none lost, none doubled).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use benches::load::{Api, Printed, ServerProcess};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_promo");
const MEMBERS: usize = 600;

async fn start(data: &Path) -> ServerProcess {
    ServerProcess::start(
        Path::new(BIN),
        &["serve"],
        data,
        &[
            ("PROMO_PARTITIONS", "2"),
            ("PROMO_WORKERS", "1"),
            ("PROMO_BULK_STEP", "5"),
        ],
    )
    .await
    .unwrap()
}

async fn login(server: &ServerProcess, printed: &Printed) -> Api {
    Api::login(&server.base, &printed.identity, &printed.key)
        .await
        .unwrap()
}

async fn job(api: &Api, id: u64) -> Value {
    let path = format!("/v1.0/bulk_jobs/{id}");
    api.expect(Method::GET, &path, None, 200).await.unwrap()["bulk_job"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_job_resumes_after_sigkill_and_issues_once_per_member() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = start(&data).await;
    let printed = server.printed.clone().unwrap();
    let api = login(&server, &printed).await;
    let mut fixture = benches::load::PosFixture::create(&api, 1, 16, json!({}))
        .await
        .unwrap();
    let member_ids = fixture.add_members(&api, MEMBERS, 16).await.unwrap();
    let list = api
        .create(
            "/v1.0/member_lists",
            "member_list",
            &json!({"member_list": {"name": "Everyone"}}),
        )
        .await
        .unwrap();
    let members = json!({"member_list": {"member_ids": member_ids}});
    let path = format!("/v1.0/member_lists/{list}/members");
    api.expect(Method::PUT, &path, Some(&members), 201)
        .await
        .unwrap();
    let body = json!({"bulk_job": {"offer_id": fixture.offer_id,
        "channel_id": fixture.channel_id, "member_list_id": list}});
    let id = api
        .create("/v1.0/bulk_jobs", "bulk_job", &body)
        .await
        .unwrap();
    let mut processed = 0;
    for _ in 0..2_000 {
        processed = job(&api, id).await["processed"].as_u64().unwrap();
        if processed >= 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().unwrap();
    assert!(
        (50..MEMBERS as u64).contains(&processed),
        "killed half-way: {processed}"
    );

    let mut server = start(&data).await;
    let api = login(&server, &printed).await;
    let mut done = Value::Null;
    for _ in 0..400 {
        done = job(&api, id).await;
        if done["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(done["status"], "finished", "{done}");
    assert_eq!(done["issued"], MEMBERS, "{done}");
    let csv = api
        .request(Method::GET, &format!("/v1.0/bulk_jobs/{id}/results.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let members: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap())
        .collect();
    assert_eq!(members.len(), MEMBERS, "one credential per member");
    assert_eq!(members.iter().collect::<HashSet<_>>().len(), MEMBERS);
    let exit = server.terminate().unwrap();
    assert!(exit.success(), "exit status {exit}");
}
