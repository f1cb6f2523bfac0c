//! Credentials over real HTTP, the reference's last parts: the list's `offer_id` and
//! `store_id` filters (each alone, combined with the others, and another account's ids), and
//! `DELETE /credentials/{id}`: an open one is voided and gone (404 after, out of the list, its
//! code refused at the point of sale), a keyed repeat answers the same, a locked one is refused
//! 409, a redeemed one keeps its redemption counted, another account cannot reach it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "pos_cases/fixtures.rs"]
mod fixtures;
mod support;

use api::ApiError;
use domain::ids::{AccountId, MerchantId};
use domain::DomainError;
use fixtures::{action, created, execute, pos, redeem, redemption_count, run, Shop};
use reqwest::Method;
use serde_json::{json, Value};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::{create_member, create_store};

/// A credential of `member` for `offers`, issued for `store` when given: its id.
async fn issue(app: &TestApp, shop: &Shop, member: u64, offers: &[u64], store: Option<u64>) -> u64 {
    let mut request = json!({"member_id": member, "channel_id": shop.channel,
        "offer_ids": offers, "annotations": {}});
    if let Some(store) = store {
        request["store_id"] = json!(store);
    }
    let command = json!({"command": "issue_credential", "request": request});
    created(&run(app, shop.account, command).await)
}

/// The ids `GET /v1.0/credentials?{query}` lists, after checking the total agrees.
async fn listed(app: &TestApp, token: &str, query: &str) -> Vec<u64> {
    let (status, body) = read(app.get(token, &format!("/v1.0/credentials?{query}")).await).await;
    assert_eq!(status, 200, "{query}: {body}");
    let ids: Vec<u64> = body["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["credential"]["id"].as_u64().unwrap())
        .collect();
    assert_eq!(body["total_entries"], json!(ids.len()), "{query}");
    ids
}

/// `DELETE` of credential `id`, with an idempotency key when given: status and answer.
async fn delete(app: &TestApp, token: &str, id: u64, key: Option<&str>) -> (u16, Value) {
    let mut request = app
        .client
        .request(Method::DELETE, app.url(&format!("/v1.0/credentials/{id}")))
        .header("X-Auth-Token", token);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    read(request.send().await.unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_filters_by_offer_store_member_and_status_together() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 1).await;
    let burgers = shop.burger_offer(&app, json!({})).await;
    let order = shop
        .offer(
            &app,
            json!({"name": "Three off", "reward_kind": "order_amount_off", "reward_value": "3"}),
        )
        .await;
    let other_member = created(&execute(&app, 1, create_member("m-2")).await);
    let merchant = MerchantId(shop.merchant);
    let other_store = created(&execute(&app, 1, create_store(merchant, "Side St")).await);
    let (m1, m2, s1, s2) = (shop.member, other_member, shop.store, other_store);
    let a = issue(&app, &shop, m1, &[burgers], Some(s1)).await;
    let b = issue(&app, &shop, m1, &[order], None).await;
    let c = issue(&app, &shop, m2, &[burgers, order], Some(s2)).await;
    let d = issue(&app, &shop, m2, &[order], Some(s1)).await;
    let (status, _) = read(
        app.send_json(
            Method::PUT,
            &token,
            &format!("/v1.0/credentials/{d}/void"),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);

    let cases = [
        (String::new(), vec![a, b, c, d]),
        (format!("offer_id={burgers}"), vec![a, c]),
        (format!("offer_id={order}"), vec![b, c, d]),
        (format!("store_id={s1}"), vec![a, d]),
        (format!("store_id={s2}"), vec![c]),
        (format!("member_id={m1}&offer_id={order}"), vec![b]),
        (format!("offer_id={order}&store_id={s1}"), vec![d]),
        (format!("offer_id={order}&status=open"), vec![b, c]),
        (
            format!("member_id={m2}&offer_id={burgers}&store_id={s2}"),
            vec![c],
        ),
        (format!("member_id={m1}&store_id={s2}"), vec![]),
        (
            format!("offer_id={order}&store_id={s1}&per_page=1&page=1"),
            vec![d],
        ),
    ];
    for (query, expected) in &cases {
        assert_eq!(&listed(&app, &token, query).await, expected, "{query}");
    }
    // Offers, stores and members of account 1 select nothing in account 2 (where the same
    // numbers name nothing issued), and an unknown id selects nothing in account 1.
    let intruder = app.login(2).await;
    for query in [
        format!("offer_id={burgers}"),
        format!("store_id={s1}"),
        format!("member_id={m1}&offer_id={order}&store_id={s2}"),
    ] {
        assert!(listed(&app, &intruder, &query).await.is_empty(), "{query}");
    }
    assert!(listed(&app, &token, "offer_id=99999").await.is_empty());
    let (status, _) = read(app.get(&token, "/v1.0/credentials?store_id=abc").await).await;
    assert_eq!(status, 400);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_credential_is_voided_gone_and_its_code_refused() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 1).await;
    let offer = shop.burger_offer(&app, json!({})).await;
    let (credential, code) = shop.credential(&app, &[offer]).await;
    let (kept, _) = shop.credential(&app, &[offer]).await;

    let intruder = app.login(2).await;
    assert_eq!(delete(&app, &intruder, credential, None).await.0, 404);

    let (status, first) = delete(&app, &token, credential, Some("del-1")).await;
    assert_eq!(status, 200, "{first}");
    let deleted = &first["credential"];
    assert_eq!(deleted["id"], credential);
    assert_eq!(deleted["identifier"], code.as_str());
    assert_eq!(deleted["status"], "voided");
    assert!(deleted["voided_at"].is_string(), "{deleted}");
    assert_eq!(first["errors"], json!({}));
    assert_eq!(
        delete(&app, &token, credential, Some("del-1")).await,
        (200, first.clone())
    );
    assert_eq!(delete(&app, &token, credential, None).await.0, 404);

    let one = format!("/v1.0/credentials/{credential}");
    assert_eq!(app.get(&token, &one).await.status(), 404);
    assert_eq!(listed(&app, &token, "").await, vec![kept]);
    let (status, refused) = redeem(&app, &token, "after-delete", &shop.basket(&[&code])).await;
    assert_eq!(status, 404, "{refused}");
    assert_eq!(redemption_count(&app, &token).await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_credential_is_kept_and_a_redeemed_one_still_counts() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 1).await;
    let offer = shop.burger_offer(&app, json!({"max_redemptions": 1})).await;
    let (locked, locked_code) = shop.credential(&app, &[offer]).await;
    let mut body = shop.basket(&[&locked_code]);
    body["ttl_seconds"] = json!(60);
    let reserve = "/v1.0/pos/reservations";
    let (status, reserved) = pos(&app, &token, reserve, Some("r-1"), None, &body).await;
    assert_eq!(status, 201, "{reserved}");
    assert_eq!(delete(&app, &token, locked, None).await.0, 409);
    let path = format!("/v1.0/credentials/{locked}");
    assert_eq!(app.get(&token, &path).await.status(), 200);
    let (status, confirmed) = action(&app, &token, &reserved["redemption"]["id"], "confirm").await;
    assert_eq!(status, 200, "{confirmed}");

    let (status, answer) = delete(&app, &token, locked, None).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["credential"]["status"], "redeemed");
    assert_eq!(redemption_count(&app, &token).await, 1);
    // The offer's one redemption stays used: a new code for it is refused at issue.
    let issue = json!({"command": "issue_credential", "request": {"member_id": shop.member,
        "channel_id": shop.channel, "offer_ids": [offer], "annotations": {}}});
    let refused = app
        .state
        .execute(
            AccountId(1),
            serde_json::from_value(issue).unwrap(),
            None,
            None,
        )
        .await;
    assert!(
        matches!(
            refused,
            Err(ApiError::Domain(DomainError::LimitReached { .. }))
        ),
        "{refused:?}"
    );
    app.stop().await;
}
