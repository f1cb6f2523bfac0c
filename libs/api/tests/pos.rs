//! The point-of-sale API over real HTTP: redeem with every line's discount, evaluate (dry
//! run), reserve then confirm or cancel, void and reverse, idempotent repeats; the refusals
//! (seed messages, malformed baskets, roles, the wrong-code rate limit) are in
//! `pos_cases/refusals.rs`, actions answered from their write in `pos_cases/acts.rs`, the
//! fixtures in `pos_cases/fixtures.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "pos_cases/acts.rs"]
mod acts;
#[path = "pos_cases/fixtures.rs"]
mod fixtures;
#[path = "pos_cases/refusals.rs"]
mod refusals;
mod support;

use domain::credential::CredentialStatus;
use fixtures::{action, pos, redeem, redemption_count, Shop};
use serde_json::json;
use support::{read, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redeem_answers_every_line_discount_and_the_totals() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 1).await;
    let item = shop.burger_offer(&app, json!({})).await;
    let order = shop
        .offer(
            &app,
            json!({"name": "Three off", "reward_kind": "order_amount_off", "reward_value": "3.00"}),
        )
        .await;
    let (first, code_a) = shop.credential(&app, &[item]).await;
    let (second, code_b) = shop.credential(&app, &[order]).await;
    let body = shop.basket(&[&code_a, &code_b]);

    let (status, answer) = redeem(&app, &token, "txn-1", &body).await;
    assert_eq!(status, 201, "{answer}");
    let r = &answer["redemption"];
    assert_eq!(r["status"], "committed");
    assert_eq!(r["store_id"], shop.store);
    assert_eq!(r["credential_ids"], json!([first, second]));
    assert_eq!(r["offer_ids"], json!([item, order]));
    assert!(r["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(r.get("expires_at").is_none());
    assert_eq!(r["subtotal"], "12.48");
    assert_eq!(r["total_discount"], "5.00");
    assert_eq!(r["total_points"], 0);
    // $1 off each of 2 burgers, then $3 spread over the remaining 7.98 and 2.50.
    assert_eq!(
        r["lines"],
        json!([
            {"line_id": "1", "line_total": "9.98", "discount": "4.28", "allocations": [
                {"offer_id": item, "amount": "2.00"}, {"offer_id": order, "amount": "2.28"}]},
            {"line_id": "2", "line_total": "2.50", "discount": "0.72", "allocations": [
                {"offer_id": order, "amount": "0.72"}]}
        ])
    );
    assert_eq!(
        r["offers"],
        json!([
            {"offer_id": item, "outcome": "applied", "discount": "2.00", "points": 0, "units_rewarded": 2},
            {"offer_id": order, "outcome": "applied", "discount": "3.00", "points": 0, "units_rewarded": 0}
        ])
    );
    for credential in [first, second] {
        assert_eq!(
            shop.credential_status(&app, credential).await,
            CredentialStatus::Redeemed
        );
    }

    let (status, repeat) = redeem(&app, &token, "txn-1", &body).await;
    assert_eq!((status, &repeat), (201, &answer));
    let mut other = body.clone();
    other["basket"]["lines"][0]["quantity"] = json!(3);
    let (status, refused) = redeem(&app, &token, "txn-1", &other).await;
    assert_eq!(
        (status, refused),
        (
            409,
            json!({"error": "Idempotency key has already been used for a different request"})
        )
    );

    let id = &r["id"];
    let (status, read_back) = read(
        app.get(&token, &format!("/v1.0/pos/redemptions/{id}"))
            .await,
    )
    .await;
    assert_eq!((status, &read_back), (200, &answer));
    let (status, list) = read(
        app.get(&token, "/v1.0/pos/redemptions.json?per_page=10")
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        list,
        json!({"page": 1, "per_page": 10, "total_entries": 1, "total_pages": 1,
               "redemptions": [{"redemption": r}]})
    );
    let (status, _) = read(app.get(&token, "/v1.0/pos/redemptions/999").await).await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evaluate_answers_the_plan_and_records_nothing() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 1).await;
    let offer = shop
        .burger_offer(&app, json!({"points_earning_value": 5}))
        .await;
    let (credential, code) = shop.credential(&app, &[offer]).await;

    for _ in 0..2 {
        let (status, body) = pos(
            &app,
            &token,
            "/v1.0/pos/evaluate",
            None,
            None,
            &shop.basket(&[&code]),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let evaluation = &body["evaluation"];
        for absent in ["id", "status", "created_at", "expires_at"] {
            assert!(evaluation.get(absent).is_none(), "{evaluation}");
        }
        assert_eq!(evaluation["credential_ids"], json!([credential]));
        assert_eq!(evaluation["offer_ids"], json!([offer]));
        assert_eq!(evaluation["subtotal"], "12.48");
        assert_eq!(evaluation["total_discount"], "2.00");
        assert_eq!(evaluation["total_points"], 5);
        assert_eq!(evaluation["lines"][1]["discount"], "0.00");
    }
    shop.assert_nothing_recorded(&app, &token, credential).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reservation_is_confirmed_or_cancelled() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 1).await;
    let offer = shop.burger_offer(&app, json!({})).await;
    let (credential, code) = shop.credential(&app, &[offer]).await;
    let mut body = shop.basket(&[&code]);
    body["ttl_seconds"] = json!(60);
    let reserve = "/v1.0/pos/reservations";

    let (status, refused) = pos(&app, &token, reserve, None, None, &body).await;
    assert_eq!(status, 400, "{refused}");
    let (status, reserved) = pos(&app, &token, reserve, Some("r-1"), None, &body).await;
    assert_eq!(status, 201, "{reserved}");
    let r = &reserved["redemption"];
    assert_eq!(r["status"], "reserved");
    assert!(r["expires_at"].as_str().unwrap() > r["created_at"].as_str().unwrap());
    assert_eq!(r["total_discount"], "2.00");
    assert_eq!(
        shop.credential_status(&app, credential).await,
        CredentialStatus::Locked
    );
    let (status, locked) = redeem(&app, &token, "other", &shop.basket(&[&code])).await;
    assert_eq!(
        (status, locked),
        (
            409,
            json!({"error": "This credential is currently locked for processing. Please try again later."})
        )
    );

    let (status, confirmed) = action(&app, &token, &r["id"], "confirm").await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["redemption"]["status"], "committed");
    assert_eq!(confirmed["redemption"]["lines"], r["lines"]);
    assert_eq!(
        shop.credential_status(&app, credential).await,
        CredentialStatus::Redeemed
    );
    let (status, again) = action(&app, &token, &r["id"], "cancel").await;
    assert_eq!(
        (status, again),
        (
            409,
            json!({"error": "Reservation cannot be cancelled while committed"})
        )
    );

    let (credential, code) = shop.credential(&app, &[offer]).await;
    let mut body = shop.basket(&[&code]);
    body["ttl_seconds"] = json!(60);
    let (status, reserved) = pos(&app, &token, reserve, Some("r-2"), None, &body).await;
    assert_eq!(status, 201, "{reserved}");
    let (status, cancelled) = action(&app, &token, &reserved["redemption"]["id"], "cancel").await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["redemption"]["status"], "cancelled");
    assert_eq!(
        shop.credential_status(&app, credential).await,
        CredentialStatus::Open
    );
    let (status, redeemed) = redeem(&app, &token, "after-cancel", &shop.basket(&[&code])).await;
    assert_eq!(status, 201, "{redeemed}");
    let (status, _) = action(&app, &token, &json!(999), "confirm").await;
    assert_eq!(status, 404);
    let (status, _) = action(&app, &token, &json!(1), "explode").await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn void_and_reverse_give_the_limit_back() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 1).await;
    let offer = shop
        .burger_offer(&app, json!({"name": "Once", "max_redemptions": 1}))
        .await;
    let (first, code_1) = shop.credential(&app, &[offer]).await;
    let (second, code_2) = shop.credential(&app, &[offer]).await;

    let (status, redeemed) = redeem(&app, &token, "v-1", &shop.basket(&[&code_1])).await;
    assert_eq!(status, 201, "{redeemed}");
    let limit = json!({"error": "Member must be eligible for offer: Once"});
    let (status, body) = redeem(&app, &token, "v-2", &shop.basket(&[&code_2])).await;
    assert_eq!((status, body), (400, limit.clone()));

    let (status, voided) = action(&app, &token, &redeemed["redemption"]["id"], "void").await;
    assert_eq!(status, 200, "{voided}");
    assert_eq!(voided["redemption"]["status"], "voided");
    assert_eq!(
        shop.credential_status(&app, first).await,
        CredentialStatus::Open
    );

    let (status, second_redeemed) = redeem(&app, &token, "v-3", &shop.basket(&[&code_2])).await;
    assert_eq!(status, 201, "{second_redeemed}");
    let (status, body) = redeem(&app, &token, "v-4", &shop.basket(&[&code_1])).await;
    assert_eq!((status, body), (400, limit));

    let id = &second_redeemed["redemption"]["id"];
    let (status, reversed) = action(&app, &token, id, "reverse").await;
    assert_eq!(status, 200, "{reversed}");
    assert_eq!(reversed["redemption"]["status"], "reversed");
    assert_eq!(
        shop.credential_status(&app, second).await,
        CredentialStatus::Reversed
    );
    let (status, again) = action(&app, &token, id, "void").await;
    assert_eq!(
        (status, again),
        (
            409,
            json!({"error": "Redemption cannot be voided while reversed"})
        )
    );
    let (status, body) = redeem(&app, &token, "v-5", &shop.basket(&[&code_1])).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(redemption_count(&app, &token).await, 3);
    app.stop().await;
}
