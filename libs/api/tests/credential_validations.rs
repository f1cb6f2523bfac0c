//! The seed's 'Validations and Errors' table over real HTTP, one test per row: each asserts the
//! status, the exact `{"error": ...}` body and that nothing was created. Then 401 without a
//! token, 403 for a role that may not write, 404 for another account's credential and 415 for
//! a text/plain body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use reqwest::Method;
use serde_json::{json, Value};
use support::commands::{self, create, linked_offer, run, seed_shop, World};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::{created, issued_code};

/// An offer with `fields`, linked to `channel`; approved when `approve`.
async fn offer(app: &TestApp, fields: Value, channel: u64, approve: bool) -> u64 {
    linked_offer(app, 1, fields, channel, approve).await
}

async fn world(app: &TestApp) -> World {
    commands::world(app, seed_shop("m-1", "Burger Deal")).await
}

async fn store(app: &TestApp, merchant: u64, name: &str) -> u64 {
    let fields = json!({"name": name});
    create(
        app,
        1,
        json!({"command": "create_store", "merchant_id": merchant, "fields": fields}),
    )
    .await
}

/// A credential for `offer` issued through the engine; answers its id and code.
async fn issued(app: &TestApp, w: &World, offer: u64) -> (u64, String) {
    let request = json!({"member_id": w.member, "channel_id": w.channel, "offer_ids": [offer],
        "annotations": {}});
    let events = run(
        app,
        1,
        json!({"command": "issue_credential", "request": request}),
    )
    .await;
    (created(&events), issued_code(&events))
}

/// A point-of-sale request for `code` at `store` with a one-line basket.
fn pos_request(store: u64, code: &str) -> Value {
    let line = json!({"line_id": "1", "item_code": "BURGER", "quantity": 1, "unit_price": "5.00"});
    json!({"store_id": store, "codes": [code], "basket": {"lines": [line]}})
}

async fn count(app: &TestApp, token: &str) -> u64 {
    let (status, body) = read(app.get(token, "/v1.0/credentials").await).await;
    assert_eq!(status, 200);
    body["total_entries"].as_u64().unwrap()
}

/// Sends `method path` and asserts the refusal and that the number of credentials is unchanged.
async fn refused(app: &TestApp, token: &str, method: Method, path: &str, expected: (u16, &str)) {
    let before = count(app, token).await;
    let (status, body) = read(app.send_json(method, token, path, &json!({})).await).await;
    assert_eq!((status, body), (expected.0, json!({ "error": expected.1 })));
    assert_eq!(count(app, token).await, before);
}

fn issue_path(member: u64, channel: u64, offers: &str) -> String {
    format!("/v1.0/credentials.json?member_id={member}&channel_id={channel}&offer_ids={offers}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_id_is_not_present() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let path = format!(
        "/v1.0/credentials?member_id={}&offer_id={}",
        w.member, w.offer
    );
    let message = "Channel can't be blank and must be associated with your account and offer";
    refused(&app, &w.token, Method::POST, &path, (400, message)).await;
    let foreign = format!("{path}&channel_id=999999");
    refused(&app, &w.token, Method::POST, &foreign, (400, message)).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_id_is_not_present() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let path = format!(
        "/v1.0/credentials?channel_id={}&offer_id={}",
        w.channel, w.offer
    );
    refused(
        &app,
        &w.token,
        Method::POST,
        &path,
        (400, "Member can't be blank"),
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn associated_offers_are_not_approved() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let pending = offer(&app, json!({"name": "Pending Deal"}), w.channel, false).await;
    let path = issue_path(w.member, w.channel, &pending.to_string());
    let message = "offer Pending Deal must be approved to generate a credential";
    refused(&app, &w.token, Method::POST, &path, (400, message)).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_is_not_on_the_offers_member_list() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let fields = json!({"name": "VIPs"});
    let list = create(
        &app,
        1,
        json!({"command": "create_member_list", "fields": fields}),
    )
    .await;
    let vip = offer(&app, json!({"name": "VIP Deal"}), w.channel, true).await;
    let restrict = json!({"command": "add_offer_eligibility", "offer_id": vip,
        "dimension": "member_lists", "ids": [list]});
    run(&app, 1, restrict).await;
    let path = issue_path(w.member, w.channel, &vip.to_string());
    let message = "Member must be eligible for offer: VIP Deal";
    refused(&app, &w.token, Method::POST, &path, (400, message)).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_is_not_eligible_once_a_redemption_limit_is_reached() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let fields = json!({"name": "Once Only", "max_redemptions_per_member": 1});
    let once = offer(&app, fields, w.channel, true).await;
    let (_, code) = issued(&app, &w, once).await;
    let request = pos_request(w.store, &code);
    run(&app, 1, json!({"command": "redeem", "request": request})).await;
    let path = issue_path(w.member, w.channel, &once.to_string());
    let message = "Member must be eligible for offer: Once Only";
    refused(&app, &w.token, Method::POST, &path, (400, message)).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_is_no_longer_active() {
    let app = spawn_app().await;
    let w = world(&app).await;
    run(
        &app,
        1,
        json!({"command": "stop_offer", "offer_id": w.offer}),
    )
    .await;
    let path = issue_path(w.member, w.channel, &w.offer.to_string());
    let message = format!("Offer with ID {} is no longer active", w.offer);
    refused(&app, &w.token, Method::POST, &path, (400, &message)).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_is_not_eligible_for_the_offer() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let elsewhere = store(&app, w.merchant, "Elsewhere").await;
    let fields = json!({"name": "Downtown"});
    let list = json!({"command": "create_store_list", "merchant_id": w.merchant, "fields": fields});
    let list = create(&app, 1, list).await;
    let add =
        json!({"command": "add_stores_to_list", "store_list_id": list, "store_ids": [w.store]});
    run(&app, 1, add).await;
    let restrict = json!({"command": "add_offer_eligibility", "offer_id": w.offer,
        "dimension": "store_lists", "ids": [list]});
    run(&app, 1, restrict).await;
    let path = format!(
        "{}&store_id={elsewhere}",
        issue_path(w.member, w.channel, &w.offer.to_string())
    );
    let message = "Store must be eligible for offer: Burger Deal";
    refused(&app, &w.token, Method::POST, &path, (400, message)).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_locked_by_a_reservation_is_refused() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, code) = issued(&app, &w, w.offer).await;
    let request = pos_request(w.store, &code);
    let reserve = json!({"command": "reserve", "request": request, "ttl_seconds": 600});
    run(&app, 1, reserve).await;
    let second = offer(&app, json!({"name": "Second Deal"}), w.channel, true).await;
    let path = format!(
        "/v1.0/credentials/{id}?channel_id={}&offer_ids={},{second}",
        w.channel, w.offer
    );
    let message = "This credential is currently locked for processing. Please try again later.";
    refused(&app, &w.token, Method::PUT, &path, (409, message)).await;
    let void = format!("/v1.0/credentials/{id}/void");
    refused(&app, &w.token, Method::PUT, &void, (409, message)).await;
    let redeem = format!("/v1.0/credentials/{id}/redeem?store_id={}", w.store);
    refused(&app, &w.token, Method::POST, &redeem, (409, message)).await;

    let (_, body) = read(app.get(&w.token, &format!("/v1.0/credentials/{id}")).await).await;
    assert_eq!(body["credential"]["status"], "locked");
    assert_eq!(body["credential"]["offer_ids"], json!([w.offer]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requested_offers_are_not_found_or_not_on_the_channel() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let fields = json!({"name": "Unlinked"});
    let unlinked = create(
        &app,
        1,
        json!({"command": "create_offer", "fields": fields}),
    )
    .await;
    run(
        &app,
        1,
        json!({"command": "approve_offer", "offer_id": unlinked}),
    )
    .await;
    let offers = format!("{},999999,{unlinked}", w.offer);
    let path = issue_path(w.member, w.channel, &offers);
    let message = format!("Offer not found or not eligible by channel, with id: 999999,{unlinked}");
    refused(&app, &w.token, Method::POST, &path, (400, &message)).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_every_route_is_401() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, _) = issued(&app, &w, w.offer).await;
    let paths = [
        (Method::GET, "/v1.0/credentials".to_owned()),
        (Method::POST, issue_path(w.member, w.channel, "")),
        (Method::GET, format!("/v1.0/credentials/{id}")),
        (Method::PUT, format!("/v1.0/credentials/{id}/void")),
        (Method::POST, format!("/v1.0/credentials/{id}/redeem")),
        (Method::GET, "/v1.0/credentials/eligible".to_owned()),
    ];
    for (method, path) in paths {
        let response = app
            .client
            .request(method, app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
    assert_eq!(count(&app, &w.token).await, 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_accounts_credential_is_404() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, _) = issued(&app, &w, w.offer).await;
    let other = app.login(2).await;
    let one = format!("/v1.0/credentials/{id}");
    assert_eq!(app.get(&other, &one).await.status(), 404);
    let change = format!("{one}?channel_id={}&offer_ids={}", w.channel, w.offer);
    refused(
        &app,
        &other,
        Method::PUT,
        &change,
        (404, "Credential not found"),
    )
    .await;
    let void = format!("{one}/void");
    refused(
        &app,
        &other,
        Method::PUT,
        &void,
        (404, "Credential not found"),
    )
    .await;
    let redeem = format!("{one}/redeem?store_id={}", w.store);
    refused(
        &app,
        &other,
        Method::POST,
        &redeem,
        (404, "Credential not found"),
    )
    .await;
    assert_eq!(count(&app, &other).await, 0);
    for missing in [
        "/v1.0/credentials/18446744073709551615",
        "/v1.0/credentials/abc",
    ] {
        assert_eq!(app.get(&w.token, missing).await.status(), 404, "{missing}");
    }
    let huge = "/v1.0/credentials?member_id=18446744073709551615";
    assert_eq!(app.get(&w.token, huge).await.status(), 400);
    let (_, body) = read(app.get(&w.token, &one).await).await;
    assert_eq!(body["credential"]["status"], "open");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_plain_body_is_415() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let text = format!("member_id={}&channel_id={}", w.member, w.channel);
    let response = app
        .client
        .post(app.url("/v1.0/credentials"))
        .header("X-Auth-Token", &w.token)
        .header("Content-Type", "text/plain")
        .body(text)
        .send()
        .await
        .unwrap();
    let (status, body): (u16, Value) = read(response).await;
    let message = "Content-Type must be application/json or application/x-www-form-urlencoded";
    assert_eq!((status, body), (415, json!({ "error": message })));
    assert_eq!(count(&app, &w.token).await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_reads_but_does_not_write() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (id, _) = issued(&app, &w, w.offer).await;
    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let reports = app.token("reports", "secret").await;
    let one = format!("/v1.0/credentials/{id}");
    assert_eq!(app.get(&reports, &one).await.status(), 200);
    assert_eq!(app.get(&reports, "/v1.0/credentials").await.status(), 200);
    let void = format!("{one}/void");
    refused(&app, &reports, Method::PUT, &void, (403, "Forbidden")).await;
    let issue = issue_path(w.member, w.channel, &w.offer.to_string());
    refused(&app, &reports, Method::POST, &issue, (403, "Forbidden")).await;
    app.stop().await;
}
