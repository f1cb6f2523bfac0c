//! Campaigns over real HTTP: created from an offer and a channel name (taking the offer's
//! name), found by external id, listed by the search of a channel while running, changed,
//! ended by their display window, deleted; and what hostile or foreign callers can do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use serde_json::{json, Value};
use support::commands::{open_shop, world, World};
use support::resources::{delete, put};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::ShopData;

async fn create(app: &TestApp, token: &str, campaign: Value) -> (u16, Value) {
    let body = json!({ "campaign": campaign });
    read(app.post(token, "/v1.0/campaigns", &body).await).await
}

async fn search(app: &TestApp, world: &World) -> Value {
    let path = format!("/v1.0/campaigns/search?channel_id={}", world.channel);
    let (status, found) = read(app.get(&world.token, &path).await).await;
    assert_eq!(status, 200, "{found}");
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_is_created_found_searched_ended_and_deleted() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let (status, created) = create(
        &app,
        token,
        json!({"offer_id": world.offer, "channel_name": "App", "external_id": "summer-1",
               "funding_source": "brand", "code_count": "100", "security": "none"}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let campaign = created["campaign"].clone();
    assert_eq!(campaign["name"], "Dollar off", "the offer's name");
    assert_eq!(campaign["channel_id"], world.channel);
    assert_eq!(campaign["channel_name"], "App");
    assert_eq!(campaign["status"], "active");
    assert_eq!(campaign["xid"].as_str().unwrap().len(), 7, "{campaign}");
    let id = campaign["id"].as_u64().unwrap();

    let (_, by_external) = read(app.get(token, "/v1.0/campaigns?external_id=summer-1").await).await;
    assert_eq!(by_external["campaign"], campaign);
    assert_eq!(
        search(&app, &world).await,
        json!([{"campaign_id": id.to_string(), "campaign_name": "Dollar off"}])
    );

    let path = format!("/v1.0/campaigns/{id}");
    let change = json!({"campaign": {"name": "Summer", "stop_display_at": "2001-01-02T00:00:00Z",
        "start_display_at": "2001-01-01T00:00:00Z"}});
    let (status, changed) = put(&app, token, &path, &change).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["campaign"]["name"], "Summer");
    assert_eq!(changed["campaign"]["status"], "ended");
    assert_eq!(changed["campaign"]["funding_source"], "brand", "kept");
    assert_eq!(search(&app, &world).await, json!([]));

    assert_eq!(delete(&app, token, &path, &json!({})).await.0, 200);
    assert_eq!(app.get(token, &path).await.status(), 404);
    assert_eq!(
        app.get(token, "/v1.0/campaigns?external_id=summer-1")
            .await
            .status(),
        404
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_campaigns_change_nothing() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let (_, kept) = create(
        &app,
        token,
        json!({"offer_id": world.offer, "channel_id": world.channel,
        "external_id": "taken"}),
    )
    .await;
    let id = kept["campaign"]["id"].as_u64().unwrap();
    let other = json!({"channel": {"name": "App"}});
    let (_, channel) = read(app.post(token, "/v1.0/channels", &other).await).await;
    let other_channel = channel["channel"]["id"].as_u64().unwrap();
    for (campaign, status) in [
        (
            json!({"offer_id": world.offer, "channel_id": world.channel, "external_id": "taken"}),
            400,
        ),
        (
            json!({"offer_id": world.offer, "channel_id": other_channel}),
            400,
        ),
        (json!({"offer_id": world.offer, "channel_name": "App"}), 400),
        (
            json!({"offer_id": world.offer, "channel_name": "Nowhere"}),
            400,
        ),
        (
            json!({"offer_id": 999_999, "channel_id": world.channel}),
            404,
        ),
        (json!({"channel_id": world.channel}), 400),
        (
            json!({"offer_id": world.offer, "channel_id": world.channel,
                "start_display_at": "2030-01-02T00:00:00Z", "stop_display_at": "2030-01-01T00:00:00Z"}),
            400,
        ),
        (
            json!({"offer_id": world.offer, "channel_id": world.channel, "start_display_at": "soon"}),
            400,
        ),
        (
            json!({"offer_id": world.offer, "channel_id": world.channel, "name": "x".repeat(256)}),
            400,
        ),
        (json!({"offer_id": -1, "channel_id": world.channel}), 400),
    ] {
        let (answered, body) = create(&app, token, campaign.clone()).await;
        assert_eq!(answered, status, "{campaign}: {body}");
    }
    assert_eq!(app.get(token, "/v1.0/campaigns").await.status(), 400);
    assert_eq!(app.get(token, "/v1.0/campaigns/search").await.status(), 400);
    let huge = format!("/v1.0/campaigns/{}", u64::MAX);
    assert_eq!(app.get(token, &huge).await.status(), 404);

    let path = format!("/v1.0/campaigns/{id}");
    let (_, intruder) = open_shop(&app, 2, ShopData::new(None)).await;
    assert_eq!(app.get(&intruder, &path).await.status(), 404);
    assert_eq!(
        put(
            &app,
            &intruder,
            &path,
            &json!({"campaign": {"name": "Mine"}})
        )
        .await
        .0,
        404
    );
    assert_eq!(delete(&app, &intruder, &path, &json!({})).await.0, 404);
    assert_eq!(
        app.get(&intruder, "/v1.0/campaigns?external_id=taken")
            .await
            .status(),
        404
    );

    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let reporting = app.token("reports", "secret").await;
    assert_eq!(app.get(&reporting, &path).await.status(), 200);
    assert_eq!(
        create(&app, &reporting, json!({"offer_id": world.offer}))
            .await
            .0,
        403
    );
    assert_eq!(
        put(&app, &reporting, &path, &json!({"campaign": {"name": "R"}}))
            .await
            .0,
        403
    );
    assert_eq!(delete(&app, &reporting, &path, &json!({})).await.0, 403);
    let (_, still) = read(app.get(token, &path).await).await;
    assert_eq!(still["campaign"]["name"], "Dollar off");
    app.stop().await;
}
