//! The offer engine over real HTTP: check-ins near a store (a far or malformed point refused),
//! an offer that needs a recent check-in, a member's offer activities and redeemed
//! credentials (overall and at a store), and what another account or a reporting key can do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use serde_json::{json, Value};
use support::commands::{act_on_redemption, open_shop, redeem_at_store, world, World};
use support::resources::put;
use support::{read, spawn_app, TestApp};
use testkit::fixtures::ShopData;

/// The shop with its store placed at 1 Broadway, New York.
async fn located_world(app: &TestApp) -> World {
    let world = world(app, ShopData::new(None)).await;
    let path = format!("/v1.0/merchants/{}/stores/{}", world.merchant, world.store);
    let body = json!({"store": {"location": {"lat": 40.7041, "lng": -74.0141}}});
    assert_eq!(put(app, &world.token, &path, &body).await.0, 200);
    world
}

async fn check_in(app: &TestApp, world: &World, token: &str, lat: &str, lng: &str) -> (u16, Value) {
    let path = format!(
        "/v1.0/members/{}/stores/{}/check-in?check_in%5Blat%5D={lat}&check_in%5Blng%5D={lng}",
        world.member, world.store
    );
    read(app.post(token, &path, &json!({})).await).await
}

async fn issue_code(app: &TestApp, world: &World) -> (u64, String) {
    let body = json!({"credential": {"member_id": world.member, "offer_id": world.offer,
        "channel_id": world.channel}});
    let (status, issued) = read(app.post(&world.token, "/v1.0/credentials", &body).await).await;
    assert_eq!(status, 201, "{issued}");
    let credential = &issued["credential"];
    (
        credential["id"].as_u64().unwrap(),
        credential["identifier"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_near_the_store_counts_and_unlocks_an_offer_that_needs_one() {
    let app = spawn_app().await;
    let world = located_world(&app).await;
    let far = check_in(&app, &world, &world.token, "40.7306", "-73.9352").await;
    assert_eq!(
        far,
        (
            400,
            json!({"error": "Check in must be within 1000 m of the store"})
        )
    );
    let store_path = format!("/v1.0/members/{}/stores/{}", world.member, world.store);
    let (_, before) = read(app.get(&world.token, &store_path).await).await;
    assert_eq!(before["store"]["total_check_ins"], 0);
    assert_eq!(before["store"]["can_check_in"], true);

    let rule = format!("/v1.0/offers/{}/check_in", world.offer);
    let (status, set) = put(
        &app,
        &world.token,
        &rule,
        &json!({"check_in": {"within_minutes": 30}}),
    )
    .await;
    assert_eq!(
        (status, set),
        (
            200,
            json!({"check_in": {"offer_id": world.offer, "within_minutes": 30}})
        )
    );
    let (_, code) = issue_code(&app, &world).await;
    assert_eq!(
        redeem_at_store(&app, &world, &code, "txn-1").await,
        (
            400,
            json!({"error": "Member must check in at the store to redeem offer: Dollar off"})
        )
    );

    let (status, near) = check_in(&app, &world, &world.token, "40.7045", "-74.0140").await;
    assert_eq!(status, 200, "{near}");
    assert_eq!(near["store"]["total_check_ins"], 1);
    assert_eq!(near["store"]["id"], world.store);
    let (status, redeemed) = redeem_at_store(&app, &world, &code, "txn-2").await;
    assert_eq!(status, 201, "{redeemed}");
    let (_, after) = read(app.get(&world.token, &store_path).await).await;
    assert_eq!(after["store"], near["store"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_activities_and_redemptions_are_listed() {
    let app = spawn_app().await;
    let world = located_world(&app).await;
    let (first, first_code) = issue_code(&app, &world).await;
    let (second, second_code) = issue_code(&app, &world).await;
    let (status, redeemed) = redeem_at_store(&app, &world, &first_code, "txn-1").await;
    assert_eq!(status, 201, "{redeemed}");
    let (status, _) = redeem_at_store(&app, &world, &second_code, "txn-2").await;
    assert_eq!(status, 201);
    let redemption = redeemed["redemption"]["id"].as_u64().unwrap();
    let reversed = act_on_redemption(&app, &world, redemption, "reverse", "txn-3").await;
    assert_eq!(reversed.0, 200, "{}", reversed.1);
    assert_eq!(
        check_in(&app, &world, &world.token, "40.7041", "-74.0141")
            .await
            .0,
        200
    );

    let path = format!("/v1.0/activities/offers?member_id={}", world.member);
    let (status, page) = read(app.get(&world.token, &path).await).await;
    assert_eq!(status, 200, "{page}");
    let rows = page["collection"].as_array().unwrap();
    let seen: Vec<(&str, Value)> = rows
        .iter()
        .map(|row| {
            let activity = &row["offer_activity"];
            (
                activity["description"].as_str().unwrap(),
                activity["credential_id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("issued", json!(first)),
            ("issued", json!(second)),
            ("redeemed", json!(first)),
            ("redeemed", json!(second)),
            ("reversed", json!(first)),
            ("checked_in", Value::Null),
        ]
    );
    assert_eq!(page["total_entries"], 6);
    assert_eq!(rows[2]["offer_activity"]["store_id"], world.store);
    assert_eq!(rows[2]["offer_activity"]["transaction_id"], redemption);
    assert_eq!(rows[2]["offer_activity"]["activity_type"], 4);

    let redemptions = format!("/v1.0/members/{}/activities/redemptions", world.member);
    let (_, listed) = read(app.get(&world.token, &redemptions).await).await;
    assert_eq!(
        listed["total_entries"], 1,
        "the reversed one is not redeemed: {listed}"
    );
    assert_eq!(listed["credentials"][0]["credential"]["id"], second);
    let at_store = format!(
        "/v1.0/members/{}/stores/{}/activities/redemptions",
        world.member, world.store
    );
    let (_, there) = read(app.get(&world.token, &at_store).await).await;
    assert_eq!(there["credentials"][0]["credential"]["id"], second);
    let elsewhere = format!(
        "/v1.0/members/{}/stores/999/activities/redemptions",
        world.member
    );
    let (_, none) = read(app.get(&world.token, &elsewhere).await).await;
    assert_eq!(none["total_entries"], 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_check_ins_and_activity_reads_change_nothing() {
    let app = spawn_app().await;
    let world = located_world(&app).await;
    for (lat, lng) in [
        ("abc", "1"),
        ("91", "0"),
        ("0", "181"),
        ("", "0"),
        ("1e400", "0"),
    ] {
        let (status, body) = check_in(&app, &world, &world.token, lat, lng).await;
        assert_eq!(status, 400, "{lat},{lng}: {body}");
    }
    let missing = format!(
        "/v1.0/members/{}/stores/{}/check-in",
        world.member, world.store
    );
    assert_eq!(
        app.post(&world.token, &missing, &json!({})).await.status(),
        400
    );
    let unknown = format!(
        "/v1.0/members/999/stores/{}/check-in?lat=40.7041&lng=-74.0141",
        world.store
    );
    assert_eq!(
        app.post(&world.token, &unknown, &json!({})).await.status(),
        404
    );
    assert_eq!(
        app.get(&world.token, "/v1.0/activities/offers")
            .await
            .status(),
        400
    );
    assert_eq!(
        app.get(&world.token, "/v1.0/activities/offers?member_id=999")
            .await
            .status(),
        404
    );
    let rule = format!("/v1.0/offers/{}/check_in", world.offer);
    for minutes in [json!(0), json!(-5), json!(10_081), json!("soon")] {
        let body = json!({"check_in": {"within_minutes": minutes}});
        assert_eq!(
            put(&app, &world.token, &rule, &body).await.0,
            400,
            "{minutes}"
        );
    }

    let (_, intruder) = open_shop(&app, 2, ShopData::new(None)).await;
    let path = format!("/v1.0/activities/offers?member_id={}", world.member);
    let (_, theirs) = read(app.get(&intruder, &path).await).await;
    assert_eq!(
        theirs["total_entries"], 0,
        "the same id names their own member"
    );

    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let reporting = app.token("reports", "secret").await;
    assert_eq!(
        check_in(&app, &world, &reporting, "40.7041", "-74.0141")
            .await
            .0,
        403
    );
    assert_eq!(
        put(
            &app,
            &reporting,
            &rule,
            &json!({"check_in": {"within_minutes": 5}})
        )
        .await
        .0,
        403
    );
    let store_path = format!("/v1.0/members/{}/stores/{}", world.member, world.store);
    let (status, seen) = read(app.get(&reporting, &store_path).await).await;
    assert_eq!(
        (status, &seen["store"]["total_check_ins"]),
        (200, &json!(0))
    );
    app.stop().await;
}
