//! Hostile input over real HTTP: bodies that once crashed the server, text a database cannot
//! hold, ids past what a row can hold, oversized requests and events, and a `pos` key
//! reaching for what is not a terminal's. Each answers a 4xx, changes nothing and leaves the
//! server serving.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "pos_cases/fixtures.rs"]
mod fixtures;
mod support;

use domain::account::Role;
use fixtures::{created, pos, redemption_count, run, Shop};
use serde_json::{json, Value};
use support::{read, spawn_app, TestApp};

async fn members(app: &TestApp, token: &str) -> u64 {
    let (status, body) = read(app.get(token, "/v1.0/members").await).await;
    assert_eq!(status, 200, "{body}");
    body["total_entries"].as_u64().unwrap()
}

async fn healthy(app: &TestApp) {
    let response = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

async fn post_raw(
    app: &TestApp,
    token: &str,
    path: &str,
    kind: &str,
    body: String,
) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .header("X-Auth-Token", token)
        .header("Content-Type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    read(response).await
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_key_of_100_000_brackets_is_refused_and_the_server_lives() {
    let app = spawn_app().await;
    let token = app.login(51).await;
    let deep_form = format!("x{}=1", "[".repeat(100_000));
    let (status, body) = post_raw(&app, &token, "/v1.0/members", FORM, deep_form).await;
    assert_eq!(status, 400, "{body}");
    let deep_json = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let (status, body) =
        post_raw(&app, &token, "/v1.0/members", "application/json", deep_json).await;
    assert_eq!(status, 400, "{body}");
    let nested = format!(
        "{{\"member\": {{\"identifier\": \"m\", \"x\": {}1{}}}}}",
        "[".repeat(20),
        "]".repeat(20)
    );
    let (status, body) = post_raw(&app, &token, "/v1.0/members", "application/json", nested).await;
    assert_eq!(status, 400, "one depth rule for JSON too: {body}");
    healthy(&app).await;
    assert_eq!(members(&app, &token).await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_in_bodies_forms_and_queries() {
    let app = spawn_app().await;
    let token = app.login(52).await;
    let refused = [
        (
            "application/json",
            r#"{"member": {"identifier": "a\u0000b"}}"#.to_owned(),
        ),
        (
            "application/json",
            r#"{"member": {"identifier": "a\u001bb"}}"#.to_owned(),
        ),
        (FORM, "member[identifier]=a%00b".to_owned()),
        (
            "application/json",
            r#"{"member": {"identifier\u0000": "x"}}"#.to_owned(),
        ),
    ];
    for (kind, body) in refused {
        let (status, answer) = post_raw(&app, &token, "/v1.0/members", kind, body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer["error"]
            .as_str()
            .unwrap()
            .contains("control characters"));
    }
    let (status, body) = read(
        app.get(&token, "/v1.0/members/search?identifier=a%00b")
            .await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = read(
        app.client
            .post(app.url("/v1.0/credentials?member_id=1&annotations[note]=%00"))
            .header("X-Auth-Token", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let response = app
        .post(
            &token,
            "/v1.0/members",
            &json!({"member": {"identifier": "line\tone"}}),
        )
        .await;
    assert_eq!(response.status(), 201, "a tab is text");
    assert_eq!(members(&app, &token).await, 1);
    healthy(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_past_a_database_integer_are_not_found() {
    let app = spawn_app().await;
    let token = app.login(53).await;
    let huge = "9223372036854775808";
    let past_u64 = "99999999999999999999999";
    for id in [huge, past_u64] {
        for path in [
            format!("/v1.0/members/{id}"),
            format!("/v1.0/merchants/{id}"),
            format!("/v1.0/merchants/{id}/stores"),
            format!("/v1.0/merchants/1/stores/{id}"),
            format!("/v1.0/channels/{id}"),
            format!("/v1.0/offers/{id}"),
            format!("/v1.0/offers/{id}/channels"),
            format!("/v1.0/credentials/{id}"),
            format!("/v1.0/member_lists/{id}"),
            format!("/v1.0/member_lists/{id}/members"),
            format!("/v1.0/merchants/{id}/store_lists"),
            format!("/v1.0/items/{id}"),
            format!("/v1.0/item_sets/{id}"),
            format!("/v1.0/item_sets/{id}/items"),
            format!("/v1.0/pos/redemptions/{id}"),
            format!("/v1.0/merchants/{id}/offers"),
        ] {
            let (status, body) = read(app.get(&token, &path).await).await;
            assert_eq!(status, 404, "{path}: {body}");
        }
    }
    let (status, body) = read(
        app.client
            .put(app.url(&format!("/v1.0/members/{huge}")))
            .header("X-Auth-Token", &token)
            .json(&json!({"member": {"identifier": "x"}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    healthy(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_and_id_lists_are_refused_before_work() {
    let app = spawn_app().await;
    let token = app.login(54).await;
    let big = json!({"member": {"identifier": "x".repeat(300 * 1024)}}).to_string();
    let (status, body) = post_raw(&app, &token, "/v1.0/members", "application/json", big).await;
    assert_eq!(status, 413, "{body}");
    let ids: Vec<u64> = (1..=20_000).collect();
    let (status, body) = read(
        app.post(
            &token,
            "/v1.0/credentials",
            &json!({"credential": {"member_id": 1, "channel_id": 1, "offer_ids": ids}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    healthy(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_key_redeems_by_code_only_and_cannot_change_a_channel() {
    let app = spawn_app().await;
    let (shop, _admin) = Shop::open(&app, 55).await;
    app.bootstrap(shop.account, "lane", "lane-key", vec![Role::Pos])
        .await;
    let terminal = app.token("lane", "lane-key").await;
    let offer = shop.burger_offer(&app, json!({})).await;
    let (credential, code) = shop.credential(&app, &[offer]).await;
    let path = format!(
        "/v1.0/credentials/{credential}/redeem?store_id={}",
        shop.store
    );
    let (status, body) = read(
        app.client
            .put(app.url(&path))
            .header("X-Auth-Token", &terminal)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let channel = format!("/v1.0/channels/{}", shop.channel);
    let (status, body) = read(
        app.send_json(
            reqwest::Method::PUT,
            &terminal,
            &channel,
            &json!({"channel": {"conversion_callback_url": "https://attacker.example/x"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = pos(
        &app,
        &terminal,
        "/v1.0/pos/redemptions",
        Some("by-code"),
        None,
        &shop.basket(&[&code]),
    )
    .await;
    assert_eq!(status, 201, "the terminal's way: {body}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redemption_too_large_for_one_event_is_refused() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 56).await;
    let mut codes = Vec::new();
    for _ in 0..10 {
        let mut offers = Vec::new();
        for _ in 0..20 {
            let offer = shop
                .offer(
                    &app,
                    json!({"reward_kind": "item_percent_off", "reward_value": "1",
                        "redemption_item_set_id": shop.burgers}),
                )
                .await;
            offers.push(offer);
        }
        codes.push(shop.credential(&app, &offers).await.1);
    }
    let lines: Vec<Value> = (0..500)
        .map(|n| {
            json!({"line_id": format!("line-{n}"), "item_code": "BURGER",
            "quantity": 1, "unit_price": "9.99"})
        })
        .collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let body = json!({"store_id": shop.store, "codes": codes, "basket": {"lines": lines}});
    let (status, answer) = pos(
        &app,
        &token,
        "/v1.0/pos/redemptions",
        Some("huge"),
        None,
        &body,
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    let message = answer["error"].as_str().unwrap();
    assert!(message.contains("one event"), "{message}");
    assert_eq!(redemption_count(&app, &token).await, 0);
    let _ = created(
        &run(
            &app,
            shop.account,
            json!({"command": "create_member",
        "fields": {"identifier": "after"}}),
        )
        .await,
    );
    healthy(&app).await;
    app.stop().await;
}
