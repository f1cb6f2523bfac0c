//! The member export over real HTTP: everything held about a member (credentials, activities,
//! redemptions, wallet, points, check-ins) found by identifier or by a credential's code, and
//! refused to reporting keys, other accounts and malformed requests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use serde_json::json;
use support::commands::{open_shop, redeem_at_store, world};
use support::{read, spawn_app};
use testkit::fixtures::ShopData;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_holds_everything_about_the_member_and_only_them() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let issue = json!({"credential": {"member_id": world.member, "offer_id": world.offer,
        "channel_id": world.channel, "annotations": {"conv_ids": {"click": "c-1"}}}});
    let (status, issued) = read(app.post(token, "/v1.0/credentials", &issue).await).await;
    assert_eq!(status, 201, "{issued}");
    let code = issued["credential"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, redeemed) = redeem_at_store(&app, &world, &code, "txn-1").await;
    assert_eq!(status, 201, "{redeemed}");
    let wallet = format!(
        "/v1.0/members/{}/offer_states?channel_id={}&offer_id={}",
        world.member, world.channel, world.offer
    );
    assert_eq!(app.post(token, &wallet, &json!({})).await.status(), 200);
    let grant = format!(
        "/v1.0/points/transfer?identifier=alice&points=7&txid=g-1&channel_id={}",
        world.channel
    );
    assert_eq!(app.post(token, &grant, &json!({})).await.status(), 201);
    let check_in = format!(
        "/v1.0/members/{}/stores/{}/check-in?lat=1&lng=1",
        world.member, world.store
    );
    assert_eq!(app.post(token, &check_in, &json!({})).await.status(), 200);
    let other = json!({"member": {"identifier": "bob"}});
    assert_eq!(app.post(token, "/v1.0/members", &other).await.status(), 201);

    let (status, export) = read(
        app.get(token, "/v1.0/privacy/member/export?member_identifier=alice")
            .await,
    )
    .await;
    assert_eq!(status, 200, "{export}");
    assert_eq!(export["member"]["identifier"], "alice");
    let credentials = export["credentials"].as_array().unwrap();
    assert_eq!(
        credentials.len(),
        2,
        "the issued one and the wallet's: {export}"
    );
    assert_eq!(credentials[0]["identifier"], code.as_str());
    assert_eq!(credentials[0]["annotations"]["conv_ids"]["click"], "c-1");
    assert_eq!(
        export["transactions"][0]["id"],
        redeemed["redemption"]["id"]
    );
    assert_eq!(export["transactions"][0]["store_id"], world.store);
    let kinds: Vec<&str> = export["offer_activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|activity| activity["description"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["issued", "redeemed", "issued", "saved", "checked_in"]
    );
    assert_eq!(export["offer_states"].as_array().unwrap().len(), 1);
    assert_eq!(export["points"]["balance"], 7);
    assert_eq!(export["points"]["transfers"][0]["txid"], "g-1");
    assert_eq!(export["check_ins"][0]["store_id"], world.store);
    assert_eq!(export["check_ins"][0]["count"], 1);
    assert_eq!(export["impressions"], json!([]));
    assert!(!export.to_string().contains("bob"), "another member leaked");

    let by_code = format!(
        "/v1.0/privacy/member/export?credential_identifier={}",
        code.to_lowercase()
    );
    let (_, same) = read(app.get(token, &by_code).await).await;
    assert_eq!(same, export);

    for (path, status) in [
        ("/v1.0/privacy/member/export", 400),
        ("/v1.0/privacy/member/export?member_identifier=%20", 400),
        ("/v1.0/privacy/member/export?member_identifier=nobody", 404),
        (
            "/v1.0/privacy/member/export?credential_identifier=NOPE",
            404,
        ),
        ("/v1.0/privacy/member/export?member_identifier=a%00b", 400),
    ] {
        assert_eq!(app.get(token, path).await.status(), status, "{path}");
    }
    let (_, intruder) = open_shop(&app, 2, {
        let mut data = ShopData::new(None);
        data.member.identifier = Some("carol".into());
        data
    })
    .await;
    let alice = "/v1.0/privacy/member/export?member_identifier=alice";
    assert_eq!(app.get(&intruder, alice).await.status(), 404);
    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let reporting = app.token("reports", "secret").await;
    assert_eq!(app.get(&reporting, alice).await.status(), 403);
    app.stop().await;
}
