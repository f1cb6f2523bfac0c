//! Zidentifiers over real HTTP: issued on the first ask for a member, an offer and a linked
//! channel, the same one on every later ask, read back by zid in any case; refused for an
//! unlinked or missing channel, out of reach of other accounts, issued only with a write key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use serde_json::json;
use support::commands::{open_shop, world};
use support::{read, spawn_app};
use testkit::fixtures::ShopData;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zidentifier_is_issued_once_and_read_back() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let issue = format!(
        "/v1.0/members/{}/offers/{}/zidentifiers?x_channel_id={}",
        world.member, world.offer, world.channel
    );
    let (status, first) = read(app.get(token, &issue).await).await;
    assert_eq!(status, 200, "{first}");
    let zid = first["z_identifier"]["zid"].as_str().unwrap().to_owned();
    assert_eq!(zid.len(), 12);
    assert_eq!(first["manufacturer"], first["z_identifier"]);
    assert_eq!(first["z_identifier"]["member_identifier"], "alice");
    assert_eq!(first["z_identifier"]["offer_id"], world.offer);
    let (_, again) = read(app.get(token, &issue).await).await;
    assert_eq!(again, first, "one per member, offer and channel");
    let by_zid = format!("/v1.0/members/zidentifiers/{}", zid.to_lowercase());
    let (status, read_back) = read(app.get(token, &by_zid).await).await;
    assert_eq!((status, &read_back), (200, &first));

    let missing = format!(
        "/v1.0/members/{}/offers/{}/zidentifiers",
        world.member, world.offer
    );
    assert_eq!(app.get(token, &missing).await.status(), 400);
    let (_, channel) = read(
        app.post(
            token,
            "/v1.0/channels",
            &json!({"channel": {"name": "Other"}}),
        )
        .await,
    )
    .await;
    let unlinked = format!(
        "/v1.0/members/{}/offers/{}/zidentifiers?x_channel_id={}",
        world.member, world.offer, channel["channel"]["id"]
    );
    assert_eq!(app.get(token, &unlinked).await.status(), 400);
    let nobody = format!(
        "/v1.0/members/999/offers/{}/zidentifiers?x_channel_id={}",
        world.offer, world.channel
    );
    assert_eq!(app.get(token, &nobody).await.status(), 404);
    assert_eq!(
        app.get(token, "/v1.0/members/zidentifiers/NOPE")
            .await
            .status(),
        404
    );

    let (_, intruder) = open_shop(&app, 2, ShopData::new(None)).await;
    assert_eq!(app.get(&intruder, &by_zid).await.status(), 404);
    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let reporting = app.token("reports", "secret").await;
    assert_eq!(app.get(&reporting, &by_zid).await.status(), 200);
    assert_eq!(app.get(&reporting, &issue).await.status(), 403);
    app.stop().await;
}
