//! Refusals over real HTTP: the seed's POS messages, malformed baskets, roles and tenants.
//! (The wrong-code allowances are attacked in `tests/guessing.rs`.)

use super::fixtures::{action, created, pos, redeem, redemption_count, run, Shop};
use super::support::{read, spawn_app, spawn_app_configured};
use domain::account::Role;
use engine::{Clock, ManualClock, SystemClock};
use serde_json::{json, Value};
use std::sync::Arc;

/// On a hand-driven clock (the actors' and the API's), so an offer's end passes when the
/// test moves the clock rather than after a wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_carry_the_seed_messages() {
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let app = spawn_app_configured(|config| config.clock = clock.clone()).await;
    let (shop, token) = Shop::open(&app, 21).await;
    let terminal = Some("refusals-terminal");
    let post = |key: &'static str, body: Value| {
        let (app, token) = (&app, &token);
        async move {
            pos(
                app,
                token,
                "/v1.0/pos/redemptions",
                Some(key),
                terminal,
                &body,
            )
            .await
        }
    };

    let (status, body) = post("k-1", shop.basket(&["NOSUCHCODE"])).await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "Code NOSUCHCODE is not valid"}))
    );

    let other = created(
        &run(
            &app,
            21,
            json!({"command": "create_merchant", "fields": {"name": "Other"}}),
        )
        .await,
    );
    let elsewhere = shop.burger_offer(&app, json!({"name": "Elsewhere"})).await;
    run(
        &app,
        21,
        json!({"command": "add_offer_eligibility", "offer_id": elsewhere,
               "dimension": "merchants", "ids": [other]}),
    )
    .await;
    let (_, code) = shop.credential(&app, &[elsewhere]).await;
    let (status, body) = post("k-2", shop.basket(&[&code])).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "Store must be eligible for offer: Elsewhere"})
        )
    );

    let stopped = shop.burger_offer(&app, json!({"name": "Stopped"})).await;
    let (_, code) = shop.credential(&app, &[stopped]).await;
    run(
        &app,
        21,
        json!({"command": "stop_offer", "offer_id": stopped}),
    )
    .await;
    let (status, body) = post("k-3", shop.basket(&[&code])).await;
    let inactive = format!("Offer with ID {stopped} is no longer active");
    assert_eq!((status, body), (400, json!({ "error": inactive })));

    let soon = (app.state.now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let expiring = shop
        .burger_offer(&app, json!({"name": "Expiring", "expires_at": soon}))
        .await;
    let (_, code) = shop.credential(&app, &[expiring]).await;
    clock.advance(chrono::Duration::milliseconds(1600));
    let (status, body) = post("k-4", shop.basket(&[&code])).await;
    let inactive = format!("Offer with ID {expiring} is no longer active");
    assert_eq!((status, body), (400, json!({ "error": inactive })));

    let coffee = shop
        .offer(
            &app,
            json!({"name": "Coffee", "reward_kind": "order_amount_off",
            "reward_value": "1.00", "min_spend_amount": "50.00"}),
        )
        .await;
    let (_, code) = shop.credential(&app, &[coffee]).await;
    let (status, body) = post("k-5", shop.basket(&[&code])).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "No offer on these codes applies to this basket"})
        )
    );
    let (status, body) = post(
        "k-6",
        json!({"store_id": 999, "codes": [code], "basket":
        {"lines": [{"line_id": "1", "item_code": "X", "quantity": 1, "unit_price": "1.00"}]}}),
    )
    .await;
    assert_eq!((status, body), (404, json!({"error": "Store not found"})));

    let (status, body) = pos(
        &app,
        &token,
        "/v1.0/pos/redemptions",
        None,
        terminal,
        &shop.basket(&[&code]),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("Idempotency-Key"),
        "{body}"
    );
    assert_eq!(redemption_count(&app, &token).await, 0);
    let _ = shop.merchant;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_baskets_are_refused_and_record_nothing() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 1).await;
    let offer = shop.burger_offer(&app, json!({})).await;
    let (credential, code) = shop.credential(&app, &[offer]).await;
    let line = |quantity: Value, price: Value| json!({"line_id": "1", "item_code": "BURGER", "quantity": quantity, "unit_price": price});
    let with_lines =
        |lines: Value| json!({"store_id": shop.store, "codes": [code], "basket": {"lines": lines}});
    let many: Vec<Value> = (0..501)
        .map(|n| json!({"line_id": n.to_string(), "item_code": "BURGER", "quantity": 1, "unit_price": "1.00"}))
        .collect();
    let cases = [
        (
            "missing lines",
            json!({"store_id": shop.store, "codes": [code], "basket": {}}),
        ),
        (
            "missing basket",
            json!({"store_id": shop.store, "codes": [code]}),
        ),
        ("no lines", with_lines(json!([]))),
        (
            "quantity 0",
            with_lines(json!([line(json!(0), json!("4.99"))])),
        ),
        (
            "negative quantity",
            with_lines(json!([line(json!(-1), json!("4.99"))])),
        ),
        (
            "negative price",
            with_lines(json!([line(json!(1), json!("-4.99"))])),
        ),
        (
            "price not a number",
            with_lines(json!([line(json!(1), json!("cheap"))])),
        ),
        (
            "too precise",
            with_lines(json!([line(json!(1), json!("4.999"))])),
        ),
        ("501 lines", with_lines(Value::Array(many))),
        (
            "no codes",
            json!({"store_id": shop.store, "codes": [], "basket": {"lines": [line(json!(1), json!("1"))]}}),
        ),
    ];
    for (index, (case, body)) in cases.iter().enumerate() {
        for path in ["/v1.0/pos/redemptions", "/v1.0/pos/evaluate"] {
            let key = format!("bad-{index}");
            let (status, answer) = pos(&app, &token, path, Some(&key), None, body).await;
            assert_eq!(status, 400, "{case} on {path}: {answer}");
            assert!(
                answer["error"]
                    .as_str()
                    .is_some_and(|text| !text.is_empty()),
                "{case}"
            );
        }
    }
    let response = app
        .client
        .post(app.url("/v1.0/pos/redemptions"))
        .header("X-Auth-Token", &token)
        .header("Idempotency-Key", "not-json")
        .header("Content-Type", "application/json")
        .body("{\"store_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(read(response).await.0, 400);
    shop.assert_nothing_recorded(&app, &token, credential).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_pos_keys_redeem_and_reporting_reads() {
    let app = spawn_app().await;
    let (shop, admin) = Shop::open(&app, 1).await;
    let offer = shop.burger_offer(&app, json!({})).await;
    let (_, code) = shop.credential(&app, &[offer]).await;
    let body = shop.basket(&[&code]);
    let mut tokens = Vec::new();
    for (name, role) in [
        ("issuer", Role::Issuer),
        ("reporting", Role::Reporting),
        ("pos", Role::Pos),
    ] {
        app.bootstrap(1, name, &format!("{name}-key"), vec![role])
            .await;
        tokens.push(app.token(name, &format!("{name}-key")).await);
    }
    let [issuer, reporting, terminal] = [&tokens[0], &tokens[1], &tokens[2]];

    let (status, body_401) = read(
        app.client
            .post(app.url("/v1.0/pos/redemptions"))
            .header("Idempotency-Key", "a")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body_401),
        (401, json!({"error": "Missing X-Auth-Token"}))
    );
    for token in [issuer, reporting] {
        for path in [
            "/v1.0/pos/redemptions",
            "/v1.0/pos/evaluate",
            "/v1.0/pos/reservations",
        ] {
            let (status, answer) = pos(&app, token, path, Some("a"), None, &body).await;
            assert_eq!(
                (status, answer),
                (403, json!({"error": "Forbidden"})),
                "{path}"
            );
        }
    }
    let (status, _) = read(app.get(issuer, "/v1.0/pos/redemptions").await).await;
    assert_eq!(status, 403);

    let (status, redeemed) = redeem(&app, terminal, "pos-1", &body).await;
    assert_eq!(status, 201, "{redeemed}");
    let id = &redeemed["redemption"]["id"];
    let (status, _) = action(&app, reporting, id, "void").await;
    assert_eq!(status, 403);
    for token in [reporting, terminal, &admin] {
        let (status, read_back) =
            read(app.get(token, &format!("/v1.0/pos/redemptions/{id}")).await).await;
        assert_eq!((status, &read_back), (200, &redeemed));
    }
    let (status, _) = read(app.get(reporting, "/v1.0/pos/redemptions").await).await;
    assert_eq!(status, 200);

    // Another account sees nothing of it.
    let stranger = app.login(2).await;
    let (status, _) = read(
        app.get(&stranger, &format!("/v1.0/pos/redemptions/{id}"))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(redemption_count(&app, &stranger).await, 0);
    app.stop().await;
}
