//! Credentials over real HTTP: the seed's flows (create with query parameters, create without
//! offers then associate them, several offers), bodies merged with the query, lists with
//! filters and pages, void, redeem (idempotent), the eligibility check and roles. Fixtures
//! (members, merchants, stores, offers, approval, channel links) go through the engine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use reqwest::Method;
use serde_json::{json, Value};
use support::commands::{self, create, linked_offer, seed_shop, World};
use support::{read, spawn_app, TestApp};

/// An approved offer named `name` of `merchant`, linked to `channel`.
async fn offer(app: &TestApp, name: &str, merchant: u64, channel: u64) -> u64 {
    let fields = json!({"name": name, "merchant_id": merchant});
    linked_offer(app, 1, fields, channel, true).await
}

async fn member(app: &TestApp, identifier: &str) -> u64 {
    let fields = json!({"identifier": identifier});
    create(
        app,
        1,
        json!({"command": "create_member", "fields": fields}),
    )
    .await
}

/// The seed's world: a member, Q Burger with a store, a channel and the merchant's offer on
/// it.
async fn world(app: &TestApp) -> World {
    let mut data = seed_shop("unique-member-id", "Buy a Burger, Get Free Medium Fries");
    data.store.location.address = Some("1 Main Street".into());
    data.offer_of_merchant = true;
    commands::world(app, data).await
}

async fn send(app: &TestApp, method: Method, token: &str, path: &str) -> (u16, Value) {
    read(app.send_json(method, token, path, &json!({})).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_creates_a_credential_from_query_parameters() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let path = format!(
        "/v1.0/credentials.json?member_id={}&offer_id={}&channel_id={}",
        w.member, w.offer, w.channel
    );
    let (status, body) = send(&app, Method::POST, &w.token, &path).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["errors"], json!({}));
    let credential = body["credential"].clone();
    let code = credential["identifier"].as_str().unwrap();
    assert_eq!(code.len(), 12, "{code}");
    assert!(credential["created_at"].as_str().unwrap().ends_with('Z'));
    // The seed's shape, less the fields it shows as null that the reference types as non-null
    // (store_id, code_lifetime, location_address, url): those are left out while empty.
    let seed_shape = json!({
        "id": credential["id"], "account_id": 1, "identifier": code, "status": "open",
        "member_id": w.member, "offer_id": w.offer, "offer_ids": [w.offer],
        "channel_id": w.channel, "merchant_id": w.merchant,
        "offer_name": "Buy a Burger, Get Free Medium Fries", "merchant_name": "Q Burger",
        "redeemed_at": null, "voided_at": null, "expires_at": null, "supports_barcode": false,
        "created_at": credential["created_at"], "updated_at": credential["created_at"],
    });
    assert_eq!(credential, seed_shape);

    let one = format!("/v1.0/credentials/{}.json", credential["id"]);
    let (status, body) = read(app.get(&w.token, &one).await).await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"credential": credential, "errors": {}}));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_associates_multiple_offers() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let first = offer(&app, "First Offer", w.merchant, w.channel).await;
    let second = offer(&app, "Second Offer", w.merchant, w.channel).await;

    let path = format!("/v1.0/credentials.json?member_id={}", w.member);
    let (status, body) = send(&app, Method::POST, &w.token, &path).await;
    let message = "Channel can't be blank and must be associated with your account and offer";
    assert_eq!((status, body), (400, json!({ "error": message })));

    let path = format!(
        "/v1.0/credentials.json?member_id={}&channel_id={}",
        w.member, w.channel
    );
    let (status, body) = send(&app, Method::POST, &w.token, &path).await;
    assert_eq!(status, 201, "{body}");
    let credential = &body["credential"];
    assert_eq!(credential["identifier"], Value::Null);
    assert_eq!(credential["offer_ids"], json!([]));
    assert_eq!(credential["offer_name"], Value::Null);
    assert_eq!(credential["channel_id"], w.channel);
    let id = credential["id"].as_u64().unwrap();

    let put = format!(
        "/v1.0/credentials/{id}.json?channel_id={}&offer_ids={first}",
        w.channel
    );
    let (status, body) = send(&app, Method::PUT, &w.token, &put).await;
    assert_eq!(status, 201, "{body}");
    let code = body["credential"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(body["credential"]["offer_ids"], json!([first]));
    assert_eq!(body["credential"]["offer_name"], "First Offer");
    assert_eq!(body["errors"], json!({}));

    let put = format!(
        "/v1.0/credentials/{id}.json?channel_id={}&offer_ids={first},{second}",
        w.channel
    );
    let (status, body) = send(&app, Method::PUT, &w.token, &put).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["credential"]["offer_ids"], json!([first, second]));
    assert_eq!(body["credential"]["identifier"], code.as_str());

    let keep = format!("/v1.0/credentials/{id}?channel_id={}", w.channel);
    let (status, body) = send(&app, Method::PUT, &w.token, &keep).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["credential"]["offer_ids"], json!([first, second]));
    let (_, body) = read(app.get(&w.token, &format!("/v1.0/credentials/{id}")).await).await;
    assert_eq!(body["credential"]["offer_ids"], json!([first, second]));
    let missing = format!("/v1.0/credentials/999999?channel_id={}", w.channel);
    let (status, body) = send(&app, Method::PUT, &w.token, &missing).await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "Credential not found"}))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_is_merged_over_the_query() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let body = json!({"credential": {
        "member_id": w.member,
        "channel_id": w.channel,
        "offer_ids": [w.offer],
        "store_id": w.store,
        "code_lifetime": 600,
        "annotations": {"conv_ids": {"click": "abc"}, "source": "app"},
    }});
    let path = "/v1.0/credentials?channel_id=999999&member_id=999999";
    let (status, body) = read(app.post(&w.token, path, &body).await).await;
    assert_eq!(status, 201, "{body}");
    let credential = &body["credential"];
    assert_eq!(credential["channel_id"], w.channel);
    assert_eq!(credential["member_id"], w.member);
    assert_eq!(credential["store_id"], w.store);
    assert_eq!(credential["location_address"], "1 Main Street");
    assert_eq!(credential["code_lifetime"], 600);
    assert!(credential["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        credential["annotations"],
        json!({"conv_ids": {"click": "abc"}, "source": "app"})
    );

    let form = format!(
        "credential[member_id]={}&credential[channel_id]={}&credential[offer_ids]={}",
        w.member, w.channel, w.offer
    );
    let response = app
        .client
        .post(app.url("/v1.0/credentials"))
        .header("X-Auth-Token", &w.token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["credential"]["offer_ids"], json!([w.offer]));

    let bad = format!("/v1.0/credentials?member_id=abc&channel_id={}", w.channel);
    let (status, body) = send(&app, Method::POST, &w.token, &bad).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "member_id must be a non-negative integer");
    app.stop().await;
}

async fn issue(app: &TestApp, w: &World, member: u64) -> Value {
    let path = format!(
        "/v1.0/credentials?member_id={member}&channel_id={}&offer_id={}",
        w.channel, w.offer
    );
    let (status, body) = send(app, Method::POST, &w.token, &path).await;
    assert_eq!(status, 201, "{body}");
    body["credential"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_filter_by_member_and_status_and_page() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let other = member(&app, "other").await;
    let mut mine = Vec::new();
    for _ in 0..3 {
        mine.push(issue(&app, &w, w.member).await);
    }
    issue(&app, &w, other).await;
    let void = format!("/v1.0/credentials/{}/void", mine[0]["id"]);
    assert_eq!(send(&app, Method::PUT, &w.token, &void).await.0, 201);

    let (status, body) = read(app.get(&w.token, "/v1.0/credentials.json").await).await;
    assert_eq!(status, 200);
    assert_eq!(body["total_entries"], 4);
    assert_eq!(body["credentials"][1], json!({"credential": mine[1]}));

    let path = format!("/v1.0/credentials?member_id={}", w.member);
    let (_, body) = read(app.get(&w.token, &path).await).await;
    assert_eq!(body["total_entries"], 3);
    let members: Vec<&Value> = body["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| &row["credential"]["member_id"])
        .collect();
    assert!(members.iter().all(|member| **member == w.member));

    let (_, body) = read(app.get(&w.token, "/v1.0/credentials?status=voided").await).await;
    assert_eq!(body["total_entries"], 1);
    assert_eq!(body["credentials"][0]["credential"]["id"], mine[0]["id"]);
    let path = format!("/v1.0/credentials?member_id={}&status=open", w.member);
    let (_, body) = read(app.get(&w.token, &path).await).await;
    assert_eq!(body["total_entries"], 2);

    let (_, body) = read(
        app.get(&w.token, "/v1.0/credentials?per_page=3&page=2")
            .await,
    )
    .await;
    assert_eq!(
        (
            &body["page"],
            &body["per_page"],
            &body["total_entries"],
            &body["total_pages"]
        ),
        (&json!(2), &json!(3), &json!(4), &json!(2))
    );
    assert_eq!(body["credentials"].as_array().unwrap().len(), 1);

    let (status, body) = read(app.get(&w.token, "/v1.0/credentials?status=lost").await).await;
    assert_eq!(status, 400);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("status must be"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voided_credential_stays_voided_and_cannot_be_redeemed() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let credential = issue(&app, &w, w.member).await;
    let void = format!("/v1.0/credentials/{}/void.json", credential["id"]);
    let (status, body) = send(&app, Method::PUT, &w.token, &void).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["credential"]["status"], "voided");
    assert!(body["credential"]["voided_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    let (status, again) = send(&app, Method::POST, &w.token, &void).await;
    assert_eq!((status, &again["credential"]), (201, &body["credential"]));

    let redeem = format!(
        "/v1.0/credentials/{}/redeem?store_id={}",
        credential["id"], w.store
    );
    let (status, body) = send(&app, Method::POST, &w.token, &redeem).await;
    let message = format!(
        "Credential {} cannot be redeemed: it is voided",
        credential["id"]
    );
    assert_eq!((status, body), (409, json!({ "error": message })));
    assert_eq!(
        app.get(&w.token, "/v1.0/credentials/999999/void")
            .await
            .status(),
        405
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redeeming_marks_the_credential_redeemed_once_per_idempotency_key() {
    let app = spawn_app().await;
    let w = world(&app).await;
    app.bootstrap(1, "desk-1", "issuer-key", vec![Role::Issuer])
        .await;
    let issuer = app.token("desk-1", "issuer-key").await;
    let credential = issue(&app, &w, w.member).await;
    let path = format!(
        "/v1.0/credentials/{}/redeem.json?store_id={}",
        credential["id"], w.store
    );
    let redeem = || {
        app.client
            .post(app.url(&path))
            .header("X-Auth-Token", &issuer)
            .header("Idempotency-Key", "sale-1")
            .send()
    };
    let (status, body) = read(redeem().await.unwrap()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["credential"]["status"], "redeemed");
    assert!(body["credential"]["redeemed_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(body["redemption"]["store_id"], w.store);
    assert_eq!(body["redemption"]["offer_ids"], json!([w.offer]));
    let redemption = body["redemption"]["id"].as_u64().unwrap();

    let (status, again) = read(redeem().await.unwrap()).await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["redemption"]["id"], redemption);

    let (status, body) = send(&app, Method::PUT, &issuer, &path).await;
    assert_eq!(status, 409, "{body}");

    let one = format!("/v1.0/credentials/{}", credential["id"]);
    let (_, body) = read(app.get(&w.token, &one).await).await;
    assert_eq!(body["credential"]["status"], "redeemed");
    let (_, body) = read(app.get(&w.token, "/v1.0/credentials?status=redeemed").await).await;
    assert_eq!(body["total_entries"], 1);

    let create = format!(
        "/v1.0/credentials?member_id={}&channel_id={}",
        w.member, w.channel
    );
    app.bootstrap(1, "till-1", "pos-key", vec![Role::Pos]).await;
    let pos = app.token("till-1", "pos-key").await;
    assert_eq!(send(&app, Method::POST, &pos, &create).await.0, 403);
    assert_eq!(send(&app, Method::PUT, &pos, &path).await.0, 403);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discount_needs_a_basket_with_or_without_a_store() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let fields =
        json!({"name": "Five Off", "reward_kind": "order_amount_off", "reward_value": "5"});
    let five_off = linked_offer(&app, 1, fields, w.channel, true).await;
    let path = format!(
        "/v1.0/credentials?member_id={}&channel_id={}&offer_id={five_off}",
        w.member, w.channel
    );
    let (_, body) = send(&app, Method::POST, &w.token, &path).await;
    let path = format!("/v1.0/credentials/{}/redeem", body["credential"]["id"]);

    let message = "No offer on these codes applies to this basket";
    let (status, body) = send(&app, Method::POST, &w.token, &path).await;
    assert_eq!((status, body), (400, json!({ "error": message })));
    let without_basket = format!("{path}?store_id={}", w.store);
    let (status, body) = send(&app, Method::POST, &w.token, &without_basket).await;
    assert_eq!((status, body), (400, json!({ "error": message })));
    let bad = json!({"store_id": w.store, "basket": {"lines": "none"}});
    let (status, body) = read(app.post(&w.token, &path, &bad).await).await;
    assert_eq!(status, 400);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("Basket is invalid"));

    let sale = json!({"store_id": w.store, "basket": {"lines": [
        {"line_id": "1", "item_code": "BURGER", "quantity": 2, "unit_price": "4.99"}
    ]}});
    let (status, body) = read(app.send_json(Method::PUT, &w.token, &path, &sale).await).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["credential"]["status"], "redeemed");
    assert_eq!(body["redemption"]["evaluation"]["total_discount"], "5.00");
    assert_eq!(body["redemption"]["offer_ids"], json!([five_off]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eligibility_is_checked_without_recording_anything() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let fields = json!({"name": "Pending Deal"});
    let pending = create(
        &app,
        1,
        json!({"command": "create_offer", "fields": fields}),
    )
    .await;

    let path = format!(
        "/v1.0/credentials/eligible.json?member_id={}&channel_id={}&offer_ids={}&store_id={}",
        w.member, w.channel, w.offer, w.store
    );
    let (status, body) = read(app.get(&w.token, &path).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["eligible"], true);
    assert_eq!(body["is_eligible"], true);
    assert_eq!(body["offer_ids"], json!([w.offer]));
    assert_eq!(body["errors"], json!([]));

    let path = format!(
        "/v1.0/credentials/eligible?member_id={}&channel_id={}&offer_ids={},{pending},424242",
        w.member, w.channel, w.offer
    );
    let (status, body) = read(app.get(&w.token, &path).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["eligible"], false);
    assert_eq!(body["status"], "ineligible");
    assert_eq!(body["offer_ids"], json!([w.offer]));
    assert_eq!(
        body["errors"],
        json!([
            format!("Offer not found or not eligible by channel, with id: {pending}"),
            "Offer not found or not eligible by channel, with id: 424242",
        ])
    );

    let path = format!("/v1.0/credentials/eligible?member_id={}", w.member);
    let (_, body) = read(app.get(&w.token, &path).await).await;
    assert_eq!(
        body["errors"],
        json!(["Channel can't be blank and must be associated with your account and offer"])
    );

    let (_, list) = read(app.get(&w.token, "/v1.0/credentials").await).await;
    assert_eq!(list["total_entries"], 0);
    app.stop().await;
}

/// The reference's redeem takes no parameters and the seed calls the store optional: a
/// credential without a store of its own is redeemed away from any store while its offer lets
/// every store redeem, and refused `Store can't be blank` once the offer is restricted to a
/// merchant, where only a store can show it is eligible.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_is_redeemed_without_a_store_unless_its_offer_restricts_stores() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let free = issue(&app, &w, w.member).await;
    let restricted = issue(&app, &w, w.member).await;

    let path = format!("/v1.0/credentials/{}/redeem", free["id"]);
    let (status, body) = send(&app, Method::PUT, &w.token, &path).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["credential"]["status"], "redeemed");
    assert_eq!(body["redemption"].get("store_id"), None, "{body}");

    let merchants = format!("/v1.0/offers/{}/merchants", w.offer);
    let only_q_burger = json!({"offer": {"merchant_ids": [w.merchant]}});
    let (status, body) = read(app.post(&w.token, &merchants, &only_q_burger).await).await;
    assert_eq!(status, 201, "{body}");
    let path = format!("/v1.0/credentials/{}/redeem", restricted["id"]);
    let (status, body) = send(&app, Method::PUT, &w.token, &path).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Store can't be blank"}))
    );
    let (_, body) = read(
        app.get(&w.token, &format!("/v1.0/credentials/{}", restricted["id"]))
            .await,
    )
    .await;
    assert_eq!(body["credential"]["status"], "open");
    let at_store = format!("{path}?store_id={}", w.store);
    let (status, body) = send(&app, Method::PUT, &w.token, &at_store).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["redemption"]["store_id"], w.store);
    app.stop().await;
}
