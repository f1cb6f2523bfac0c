//! Members' offer wallets and loyalty points over real HTTP: saving a costly offer spends
//! points (refused while short), the entry's window binds the point of sale, voiding pays
//! unused points back once; transfers under a `txid` repeat as no-ops; 1,000 saves at once
//! against a balance for 100 save exactly 100; and what a hostile caller can choose (another
//! account's ids, a token, malformed numbers and times, a reporting key) changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{DateTime, Duration, Utc};
use domain::account::Role;
use futures_util::future::join_all;
use serde_json::{json, Value};
use support::commands::{act_on_redemption, open_shop, redeem_at_store, world, World};
use support::resources::put;
use support::{read, spawn_app, TestApp};
use testkit::fixtures::ShopData;

/// The shop with its offer costing `cost` points to save to a wallet.
fn costly_shop(cost: u64) -> ShopData {
    let mut data = ShopData::new(None);
    data.offer.name = Some("Reward".into());
    data.offer.points_required_value = Some(cost);
    data
}

fn wallet(world: &World) -> String {
    format!("/v1.0/members/{}/offer_states", world.member)
}

async fn grant(app: &TestApp, world: &World, points: i64, txid: &str) -> (u16, Value) {
    let path = format!(
        "/v1.0/points/transfer?identifier=alice&points={points}&txid={txid}&channel_id={}",
        world.channel
    );
    read(app.post(&world.token, &path, &json!({})).await).await
}

async fn balance(app: &TestApp, world: &World) -> Value {
    let path = format!(
        "/v1.0/points/card_status?identifier=alice&channel_id={}",
        world.channel
    );
    let (status, body) = read(app.get(&world.token, &path).await).await;
    assert_eq!(status, 200, "{body}");
    body["points"].clone()
}

async fn save(app: &TestApp, world: &World, fields: Value) -> (u16, Value) {
    let path = format!(
        "{}?channel_id={}&offer_id={}",
        wallet(world),
        world.channel,
        world.offer
    );
    read(
        app.post(&world.token, &path, &json!({ "offer_state": fields }))
            .await,
    )
    .await
}

fn at(hours: i64) -> String {
    let now: DateTime<Utc> = std::time::SystemTime::now().into();
    domain::time::format_timestamp(&(now + Duration::hours(hours)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_costly_offer_is_paid_for_saved_redeemed_and_voided() {
    let app = spawn_app().await;
    let world = world(&app, costly_shop(25)).await;
    assert_eq!(balance(&app, &world).await, 0);
    let refused = save(&app, &world, json!({})).await;
    assert_eq!(
        refused,
        (400, json!({"error": "Member has 0 points; 25 are needed"}))
    );

    let (status, granted) = grant(&app, &world, 30, "grant-1").await;
    assert_eq!((status, &granted["points"]), (201, &json!(30)), "{granted}");
    let (status, again) = grant(&app, &world, 30, "grant-1").await;
    assert_eq!((status, &again["points"]), (201, &json!(30)), "{again}");
    assert_eq!(
        grant(&app, &world, 31, "grant-1").await,
        (400, json!({"error": "Txid has already been taken"}))
    );

    let window = json!({"activates_at": at(-1), "expires_at": at(1), "external_ref_id": "r-1"});
    let (status, saved) = save(&app, &world, window).await;
    assert_eq!(status, 200, "{saved}");
    let entry = saved["offer_state"].clone();
    assert_eq!(saved["errors"], json!({}));
    assert_eq!(entry["status"], "active");
    assert_eq!(entry["value"], 25);
    assert_eq!(entry["is_reward"], true);
    assert_eq!(entry["offer_name"], "Reward");
    assert_eq!(entry["external_ref_id"], "r-1");
    assert_eq!(entry["member_id"], world.member);
    assert_eq!(balance(&app, &world).await, 5);
    let id = entry["offer_state_id"].as_u64().unwrap();
    let code = entry["credential_identifier"].as_str().unwrap().to_owned();

    let one = format!("{}/{id}", wallet(&world));
    let (status, read_back) = read(app.get(&world.token, &one).await).await;
    assert_eq!((status, &read_back["offer_state"]), (200, &entry));
    let list = format!("{}?channel_id={}", wallet(&world), world.channel);
    let (_, listed) = read(app.get(&world.token, &list).await).await;
    assert_eq!(listed["total_entries"], 1);
    assert_eq!(listed["offer_states"][0]["offer_state"], entry);
    let other_channel = format!("{}?channel_id=999999", wallet(&world));
    let (_, none) = read(app.get(&world.token, &other_channel).await).await;
    assert_eq!(none["total_entries"], 0);
    let by_code = format!(
        "/v1.0/members/offer_states?credential_identifier={}",
        code.to_lowercase()
    );
    let (_, found) = read(app.get(&world.token, &by_code).await).await;
    assert_eq!(
        found["offer_states"][0]["offer_state"]["offer_state_id"],
        id
    );

    let inverted = json!({"offer_state": {"activates_at": at(3), "expires_at": at(2)}});
    assert_eq!(
        put(&app, &world.token, &one, &inverted).await,
        (
            400,
            json!({"error": "Expires at must be after activates at"})
        )
    );
    let (status, redeemed) = redeem_at_store(&app, &world, &code, "txn-1").await;
    assert_eq!(status, 201, "{redeemed}");
    let (_, after) = read(app.get(&world.token, &one).await).await;
    assert_eq!(after["offer_state"]["status"], "redeemed");

    let (status, voided) = read(
        app.post(&world.token, &format!("{one}/void"), &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, &voided["offer_state"]["status"]),
        (200, &json!("voided"))
    );
    assert_eq!(
        balance(&app, &world).await,
        5,
        "a used entry pays nothing back"
    );
    let (status, twice) = read(
        app.post(&world.token, &format!("{one}/void"), &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, twice),
        (
            409,
            json!({"error": "Offer state cannot be changed while voided"})
        )
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unused_entry_voided_by_identifier_pays_back_and_stops_redeeming() {
    let app = spawn_app().await;
    let world = world(&app, costly_shop(25)).await;
    grant(&app, &world, 25, "grant-1").await;
    let (_, saved) = save(&app, &world, json!({"activates_at": at(1)})).await;
    let id = saved["offer_state"]["offer_state_id"].as_u64().unwrap();
    assert_eq!(saved["offer_state"]["status"], "pending");
    let code = saved["offer_state"]["credential_identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, early) = redeem_at_store(&app, &world, &code, "txn-1").await;
    assert_eq!(status, 400, "{early}");
    let message = early["error"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("Offer state {id} is not active until ")),
        "{message}"
    );

    let void = format!("/v1.0/members/offer_states/{id}/void?member_identifier=alice");
    let (status, voided) = read(app.post(&world.token, &void, &json!({})).await).await;
    assert_eq!(
        (status, &voided["offer_state"]["status"]),
        (200, &json!("voided"))
    );
    assert_eq!(balance(&app, &world).await, 25);
    let (status, _) = redeem_at_store(&app, &world, &code, "txn-2").await;
    assert_eq!(status, 409, "a voided code does not redeem");
    let nobody = format!("/v1.0/members/offer_states/{id}/void?member_identifier=nobody");
    assert_eq!(
        app.post(&world.token, &nobody, &json!({})).await.status(),
        404
    );
    let blank = format!("/v1.0/members/offer_states/{id}/void");
    assert_eq!(
        app.post(&world.token, &blank, &json!({})).await.status(),
        400
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redemption_earns_its_points_and_a_reversal_takes_them_back() {
    let app = spawn_app().await;
    let mut data = costly_shop(0);
    data.offer.points_earning_value = Some(10);
    let world = world(&app, data).await;
    let (_, saved) = save(&app, &world, json!({})).await;
    let code = saved["offer_state"]["credential_identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, redeemed) = redeem_at_store(&app, &world, &code, "txn-1").await;
    assert_eq!(status, 201, "{redeemed}");
    assert_eq!(balance(&app, &world).await, 10);
    let id = redeemed["redemption"]["id"].as_u64().unwrap();
    let (status, reversed) = act_on_redemption(&app, &world, id, "reverse", "txn-2").await;
    assert_eq!(status, 200, "{reversed}");
    assert_eq!(balance(&app, &world).await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_saves_at_once_against_a_balance_for_a_hundred_save_a_hundred() {
    let app = spawn_app().await;
    let world = world(&app, costly_shop(1)).await;
    grant(&app, &world, 100, "grant-1").await;
    let path = format!(
        "{}?channel_id={}&offer_id={}",
        wallet(&world),
        world.channel,
        world.offer
    );
    let answers = join_all((0..1_000).map(|_| {
        let request = app
            .client
            .post(app.url(&path))
            .header("X-Auth-Token", &world.token)
            .json(&json!({}))
            .send();
        async move { read(request.await.unwrap()).await }
    }))
    .await;
    let saved = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(saved, 100);
    let short = json!({"error": "Member has 0 points; 1 are needed"});
    assert!(answers
        .iter()
        .filter(|(status, _)| *status != 200)
        .all(|answer| answer == &(400, short.clone())));
    assert_eq!(balance(&app, &world).await, 0);
    let (_, listed) = read(app.get(&world.token, &wallet(&world)).await).await;
    assert_eq!(listed["total_entries"], 100);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_wallet_and_points_requests_change_nothing() {
    let app = spawn_app().await;
    let world = world(&app, costly_shop(0)).await;
    let (_, saved) = save(&app, &world, json!({})).await;
    let id = saved["offer_state"]["offer_state_id"].as_u64().unwrap();
    let one = format!("{}/{id}", wallet(&world));

    let (_, intruder) = open_shop(&app, 2, ShopData::new(None)).await;
    assert_eq!(app.get(&intruder, &one).await.status(), 404);
    let (_, theirs) = read(app.get(&intruder, &wallet(&world)).await).await;
    assert_eq!(
        theirs["total_entries"], 0,
        "the same member id names their own member"
    );
    assert_eq!(
        put(&app, &intruder, &one, &json!({"offer_state": {}}))
            .await
            .0,
        404
    );
    assert_eq!(
        app.post(&intruder, &format!("{one}/void"), &json!({}))
            .await
            .status(),
        404
    );
    let (_, all) = read(app.get(&intruder, "/v1.0/members/offer_states").await).await;
    assert_eq!(all["total_entries"], 0);

    let with_token = format!(
        "{}?channel_id={}&offer_id={}&token=abc",
        wallet(&world),
        world.channel,
        world.offer
    );
    assert_eq!(
        app.post(&world.token, &with_token, &json!({}))
            .await
            .status(),
        404
    );
    let (_, by_token) = read(
        app.get(&world.token, "/v1.0/members/offer_states?token=abc")
            .await,
    )
    .await;
    assert_eq!(by_token["total_entries"], 0);
    let bad_time = json!({"offer_state": {"expires_at": "next tuesday"}});
    assert_eq!(put(&app, &world.token, &one, &bad_time).await.0, 400);
    let huge = format!("/v1.0/members/{}/offer_states/1", u64::MAX);
    assert_eq!(app.get(&world.token, &huge).await.status(), 404);

    let transfer = |points: &str, txid: &str| {
        format!(
            "/v1.0/points/transfer?identifier=alice&points={points}&txid={txid}&channel_id={}",
            world.channel
        )
    };
    for (points, txid) in [
        ("abc", "t"),
        ("-1", "t"),
        ("0", "t"),
        ("1e30", "t"),
        ("99999999999999999999", "t"),
        ("9007199254740992", "t"),
    ] {
        let (status, body) = read(
            app.post(&world.token, &transfer(points, txid), &json!({}))
                .await,
        )
        .await;
        assert_eq!(status, 400, "{points}: {body}");
    }
    let long_txid = "x".repeat(300);
    assert_eq!(
        app.post(&world.token, &transfer("5", &long_txid), &json!({}))
            .await
            .status(),
        400
    );
    let no_identifier = format!(
        "/v1.0/points/transfer?points=5&txid=t&channel_id={}",
        world.channel
    );
    assert_eq!(
        app.post(&world.token, &no_identifier, &json!({}))
            .await
            .status(),
        400
    );
    let from_short = format!(
        "{}&from_identifier=alice",
        transfer("5", "t").replace("identifier=alice", "identifier=bob")
    );
    assert_eq!(
        app.post(&world.token, &from_short, &json!({}))
            .await
            .status(),
        404,
        "no bob yet"
    );
    assert_eq!(balance(&app, &world).await, 0);

    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let reporting = app.token("reports", "secret").await;
    assert_eq!(app.get(&reporting, &one).await.status(), 200);
    assert_eq!(
        app.post(&reporting, &transfer("5", "r"), &json!({}))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post(&reporting, &format!("{one}/void"), &json!({}))
            .await
            .status(),
        403
    );
    assert_eq!(balance(&app, &world).await, 0);
    app.stop().await;
}
