//! The reward options over real HTTP, set on offers and the account through the API and seen
//! at the point of sale: a cap on buy-N-get-M rounds, the spread of an order-level discount
//! over line totals before item discounts, an exclusive offer
//! (`formatting.multiple_offers_can_be_combined_on_an_order: false`) applying alone with
//! `priority` deciding between two, and the account's cap on offers per basket. An offer the
//! stacking rules leave out is not redeemed: its code stays open. The engine's own properties
//! are proptests in `libs/discount/tests/option_properties.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::ids::ItemId;
use serde_json::{json, Value};
use support::commands::{execute, world, World};
use support::resources::{create, put};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::{create_item, create_item_set, created, ShopData};

/// Item sets "A" (item code `A`) and "B" (item code `B`): their ids.
async fn item_sets(app: &TestApp) -> (u64, u64) {
    let mut sets = Vec::new();
    for code in ["A", "B"] {
        let item = ItemId(created(&execute(app, 1, create_item(code, code)).await));
        let set = created(&execute(app, 1, create_item_set(code, &[item])).await);
        sets.push(set);
    }
    (sets[0], sets[1])
}

/// An approved offer with `fields`, linked to the world's channel, and a code of the world's
/// member for it.
async fn offer_with_code(app: &TestApp, world: &World, fields: Value) -> (u64, String) {
    let body = json!({ "offer": fields });
    let offer = create(app, &world.token, "/v1.0/offers", "offer", &body).await;
    let id = offer["id"].as_u64().unwrap();
    let approve = format!("/v1.0/offers/{id}/actions/approve");
    assert_eq!(put(app, &world.token, &approve, &json!({})).await.0, 200);
    let link = json!({"offer": {"channel_ids": [world.channel]}});
    let path = format!("/v1.0/offers/{id}/channels");
    assert_eq!(
        read(app.post(&world.token, &path, &link).await).await.0,
        201
    );
    let issue = json!({"credential": {"member_id": world.member, "offer_id": id,
        "channel_id": world.channel}});
    let issued = create(app, &world.token, "/v1.0/credentials", "credential", &issue).await;
    (id, issued["identifier"].as_str().unwrap().to_owned())
}

async fn pos(app: &TestApp, world: &World, path: &str, codes: &[&str], lines: Value) -> Value {
    let body = json!({"store_id": world.store, "codes": codes, "basket": {"lines": lines}});
    let request = app
        .client
        .post(app.url(path))
        .header("X-Auth-Token", &world.token)
        .header("Idempotency-Key", format!("txn-{}", codes.join("-")))
        .json(&body);
    let (status, answer) = read(request.send().await.unwrap()).await;
    assert!(status == 200 || status == 201, "{status}: {answer}");
    answer
}

async fn evaluate(app: &TestApp, world: &World, codes: &[&str], lines: Value) -> Value {
    pos(app, world, "/v1.0/pos/evaluate", codes, lines).await["evaluation"].clone()
}

/// Each offer's outcome in an evaluation, by offer id.
fn outcomes(evaluation: &Value) -> Vec<(u64, String)> {
    evaluation["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|offer| {
            (
                offer["offer_id"].as_u64().unwrap(),
                offer["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn outcome_of(evaluation: &Value, offer: u64) -> String {
    outcomes(evaluation)
        .into_iter()
        .find(|(id, _)| *id == offer)
        .map(|(_, outcome)| outcome)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cap_on_rounds_limits_buy_n_get_m() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let (a, b) = item_sets(&app).await;
    let buy_two_get_one = json!({"name": "Buy 2 A get 1 B", "reward_kind": "item_free",
        "required_item_set_id": a, "required_item_count": 2, "redemption_item_set_id": b,
        "redemption_item_count": 1});
    let (offer, code) = offer_with_code(&app, &world, buy_two_get_one).await;
    let lines = json!([
        {"line_id": "1", "item_code": "A", "quantity": 6, "unit_price": "2.00"},
        {"line_id": "2", "item_code": "B", "quantity": 3, "unit_price": "1.50"}]);
    let uncapped = evaluate(&app, &world, &[&code], lines.clone()).await;
    assert_eq!(uncapped["offers"][0]["units_rewarded"], json!(3));
    assert_eq!(uncapped["total_discount"], json!("4.50"));

    let path = format!("/v1.0/offers/{offer}");
    let (status, body) = put(
        &app,
        &world.token,
        &path,
        &json!({"offer": {"max_reward_rounds": 1}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["offer"]["max_reward_rounds"], json!(1));
    let capped = evaluate(&app, &world, &[&code], lines.clone()).await;
    assert_eq!(capped["offers"][0]["units_rewarded"], json!(1));
    assert_eq!(capped["total_discount"], json!("1.50"));

    let lifted = json!({"offer": {"max_reward_rounds": 0}});
    let (_, body) = put(&app, &world.token, &path, &lifted).await;
    assert_eq!(body["offer"]["max_reward_rounds"], Value::Null);
    assert_eq!(
        evaluate(&app, &world, &[&code], lines).await["total_discount"],
        json!("4.50")
    );

    let (status, refused) = put(
        &app,
        &world.token,
        &format!("/v1.0/offers/{}", world.offer),
        &json!({"offer": {"max_reward_rounds": 2}}),
    )
    .await;
    assert_eq!(
        (status, refused),
        (
            400,
            json!({"error": "Max reward rounds needs a required item set (buy N get M)"})
        )
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_discount_spreads_before_or_after_item_discounts() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let (a, _) = item_sets(&app).await;
    let (_, half_a) = offer_with_code(
        &app,
        &world,
        json!({"name": "Half off A", "reward_kind": "item_percent_off", "reward_value": 50,
               "redemption_item_set_id": a}),
    )
    .await;
    let (order_offer, three_off) = offer_with_code(
        &app,
        &world,
        json!({"name": "3 off", "reward_kind": "order_amount_off", "reward_value": "3.00"}),
    )
    .await;
    let lines = json!([
        {"line_id": "1", "item_code": "A", "quantity": 1, "unit_price": "10.00"},
        {"line_id": "2", "item_code": "X", "quantity": 1, "unit_price": "5.00"}]);
    let line_shares = |evaluation: &Value| -> Vec<String> {
        evaluation["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| {
                line["allocations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|part| part["offer_id"] == json!(order_offer))
                    .map(|part| part["amount"].as_str().unwrap().to_owned())
                    .unwrap_or_default()
            })
            .collect()
    };
    let after = evaluate(&app, &world, &[&half_a, &three_off], lines.clone()).await;
    assert_eq!(
        line_shares(&after),
        ["1.50", "1.50"],
        "5.00 and 5.00 remain"
    );
    let path = format!("/v1.0/offers/{order_offer}");
    let before = json!({"offer": {"order_discount_spread": "before_item_discounts"}});
    let (status, body) = put(&app, &world.token, &path, &before).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["offer"]["order_discount_spread"],
        json!("before_item_discounts")
    );
    let spread = evaluate(&app, &world, &[&half_a, &three_off], lines).await;
    assert_eq!(line_shares(&spread), ["2.00", "1.00"], "10.00 against 5.00");
    assert_eq!(spread["total_discount"], after["total_discount"]);
    let bad = json!({"offer": {"order_discount_spread": "sideways"}});
    assert_eq!(put(&app, &world.token, &path, &bad).await.0, 400);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exclusive_offer_applies_alone_and_priority_decides() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let exclusive = |name: &str, value: &str, priority: i32| {
        json!({"name": name, "reward_kind": "order_amount_off", "reward_value": value,
            "priority": priority,
            "formatting": {"multiple_offers_can_be_combined_on_an_order": false}})
    };
    let (two, two_off) = offer_with_code(&app, &world, exclusive("2 off", "2.00", 1)).await;
    let (four, four_off) = offer_with_code(&app, &world, exclusive("4 off", "4.00", 5)).await;
    let lines = json!([{"line_id": "1", "item_code": "X", "quantity": 1, "unit_price": "10.00"}]);
    let dollar_path = format!(
        "/v1.0/credentials?member_id={}&offer_id={}&channel_id={}",
        world.member, world.offer, world.channel
    );
    let dollar = create(&app, &world.token, &dollar_path, "credential", &json!({})).await;
    let dollar_off = dollar["identifier"].as_str().unwrap().to_owned();

    let codes = [dollar_off.as_str(), two_off.as_str(), four_off.as_str()];
    let redeemed = pos(&app, &world, "/v1.0/pos/redemptions", &codes, lines.clone()).await;
    let redemption = &redeemed["redemption"];
    assert_eq!(redemption["total_discount"], json!("4.00"));
    assert_eq!(outcome_of(redemption, four), "applied");
    assert_eq!(outcome_of(redemption, two), "excluded");
    assert_eq!(outcome_of(redemption, world.offer), "excluded");
    assert_eq!(redemption["offer_ids"], json!([four]));
    let (_, credentials) = read(
        app.get(
            &world.token,
            &format!("/v1.0/credentials?member_id={}", world.member),
        )
        .await,
    )
    .await;
    let statuses: Vec<(Value, Value)> = credentials["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["credential"]["identifier"].clone(),
                entry["credential"]["status"].clone(),
            )
        })
        .collect();
    for (code, status) in statuses {
        let expected = if code == json!(four_off) {
            "redeemed"
        } else {
            "open"
        };
        assert_eq!(status, json!(expected), "{code}");
    }

    let path = format!("/v1.0/offers/{two}");
    let (_, body) = put(
        &app,
        &world.token,
        &path,
        &json!({"offer": {"priority": 9}}),
    )
    .await;
    assert_eq!(body["offer"]["priority"], json!(9));
    let evaluation = evaluate(&app, &world, &[&dollar_off, &two_off], lines).await;
    assert_eq!(evaluation["total_discount"], json!("2.00"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accounts_cap_keeps_the_highest_ranked_offers() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let order_off = |name: &str, value: &str, priority: i32| {
        json!({"name": name, "reward_kind": "order_amount_off", "reward_value": value,
            "priority": priority})
    };
    let (low, low_code) = offer_with_code(&app, &world, order_off("Low", "1.00", 1)).await;
    let (high, high_code) = offer_with_code(&app, &world, order_off("High", "2.00", 7)).await;
    let (mid, mid_code) = offer_with_code(&app, &world, order_off("Mid", "0.50", 3)).await;
    let lines = json!([{"line_id": "1", "item_code": "X", "quantity": 1, "unit_price": "10.00"}]);
    let codes = [low_code.as_str(), high_code.as_str(), mid_code.as_str()];
    let all = evaluate(&app, &world, &codes, lines.clone()).await;
    assert_eq!(all["total_discount"], json!("3.50"));

    let cap = json!({"account": {"max_offers_per_basket": 2}});
    let (status, account) = put(&app, &world.token, "/v1.0/account", &cap).await;
    assert_eq!(status, 200, "{account}");
    assert_eq!(account["account"]["max_offers_per_basket"], json!(2));
    let capped = evaluate(&app, &world, &codes, lines.clone()).await;
    assert_eq!(capped["total_discount"], json!("2.50"));
    assert_eq!(outcome_of(&capped, high), "applied");
    assert_eq!(outcome_of(&capped, mid), "applied");
    assert_eq!(outcome_of(&capped, low), "cap_reached");

    let lifted = json!({"account": {"max_offers_per_basket": 0}});
    let (_, account) = put(&app, &world.token, "/v1.0/account", &lifted).await;
    assert_eq!(account["account"]["max_offers_per_basket"], Value::Null);
    assert_eq!(
        evaluate(&app, &world, &codes, lines).await["total_discount"],
        json!("3.50")
    );
    let (status, _) = put(
        &app,
        &world.token,
        "/v1.0/account",
        &json!({"account": {"max_offers_per_basket": -1}}),
    )
    .await;
    assert_eq!(status, 400);
    app.stop().await;
}
