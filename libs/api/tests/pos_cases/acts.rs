//! Confirm, cancel, void and reverse answer from their own write: the body is the one the
//! redemption reads back as (byte for byte), and a keyed repeat answers the first outcome even
//! after the redemption moved on.

use super::fixtures::{pos, redeem, Shop};
use super::support::{spawn_app, TestApp};
use serde_json::{json, Value};

/// The raw answer to `POST /v1.0/pos/redemptions/{id}/{action}` under `key`.
async fn act(app: &TestApp, token: &str, id: &Value, action: &str, key: &str) -> (u16, String) {
    let response = app
        .client
        .post(app.url(&format!("/v1.0/pos/redemptions/{id}/{action}")))
        .header("X-Auth-Token", token)
        .header("Idempotency-Key", key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The raw answer to `GET /v1.0/pos/redemptions/{id}`.
async fn read_back(app: &TestApp, token: &str, id: &Value) -> String {
    let response = app.get(token, &format!("/v1.0/pos/redemptions/{id}")).await;
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_answer_their_write_and_repeat_it() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 7).await;
    let offer = shop.burger_offer(&app, json!({})).await;
    let (_, code) = shop.credential(&app, &[offer]).await;
    let (_, other_code) = shop.credential(&app, &[offer]).await;

    let (status, redeemed) = redeem(&app, &token, "acts-1", &shop.basket(&[&code])).await;
    assert_eq!(status, 201, "{redeemed}");
    let id = &redeemed["redemption"]["id"];
    let (status, voided) = act(&app, &token, id, "void", "void-1").await;
    assert_eq!(status, 200, "{voided}");
    assert_eq!(voided, read_back(&app, &token, id).await);
    let answer: Value = serde_json::from_str(&voided).unwrap();
    assert_eq!(answer["redemption"]["status"], "voided");
    assert_eq!(
        answer["redemption"]["lines"],
        redeemed["redemption"]["lines"]
    );
    assert_eq!(act(&app, &token, id, "void", "void-1").await, (200, voided));

    let mut body = shop.basket(&[&other_code]);
    body["ttl_seconds"] = json!(60);
    let reserve = "/v1.0/pos/reservations";
    let (status, reserved) = pos(&app, &token, reserve, Some("acts-2"), None, &body).await;
    assert_eq!(status, 201, "{reserved}");
    let id = &reserved["redemption"]["id"];
    let (status, confirmed) = act(&app, &token, id, "confirm", "confirm-1").await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed, read_back(&app, &token, id).await);
    let (status, reversed) = act(&app, &token, id, "reverse", "reverse-1").await;
    assert_eq!(status, 200, "{reversed}");
    assert_eq!(reversed, confirmed.replace("\"committed\"", "\"reversed\""));
    assert_eq!(
        act(&app, &token, id, "confirm", "confirm-1").await,
        (200, confirmed),
        "a keyed repeat answers the first outcome"
    );
    app.stop().await;
}
