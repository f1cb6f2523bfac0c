//! The point-of-sale API under concurrency over real HTTP: redemption limits hold exactly
//! whatever the interleaving (total, per member, per member per day; at terminals and by
//! credential id without a store), and one idempotency key
//! sent many times at once records one redemption and answers the same body every time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::offer::OfferFields;
use domain::Event;
use futures_util::future::join_all;
use serde_json::{json, Value};
use support::commands::{execute, open_shop, run};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::{create_member, created, issued_code, Shop, ShopData};

const ACCOUNT: u64 = 1;

/// The shared shop of account 1 with its offer named "Limited" and limited by `limit`, and
/// an admin token of the account.
async fn setup(app: &TestApp, limit: impl FnOnce(&mut OfferFields)) -> (Shop, String) {
    let mut data = ShopData::new(None);
    data.offer.name = Some("Limited".into());
    limit(&mut data.offer);
    open_shop(app, ACCOUNT, data).await
}

/// `count` members (all distinct, or all the same one), each with a code for the offer,
/// created concurrently through the engine.
async fn codes(app: &TestApp, setup: &Shop, count: usize, distinct_members: bool) -> Vec<String> {
    credentials(app, setup, count, distinct_members)
        .await
        .iter()
        .map(|events| issued_code(events))
        .collect()
}

/// The events issuing `count` credentials for the offer to `count` members (all distinct,
/// or all the same one), created concurrently through the engine.
async fn credentials(
    app: &TestApp,
    setup: &Shop,
    count: usize,
    distinct_members: bool,
) -> Vec<Vec<Event>> {
    let members: Vec<u64> = if distinct_members {
        join_all((0..count).map(|n| {
            let identifier = format!("m-{n}");
            async move { execute(app, ACCOUNT, create_member(&identifier)).await }
        }))
        .await
        .iter()
        .map(|events| created(events))
        .collect()
    } else {
        let member = created(&execute(app, ACCOUNT, create_member("regular")).await);
        vec![member; count]
    };
    join_all(members.iter().map(|member| {
        run(
            app,
            ACCOUNT,
            json!({"command": "issue_credential", "request": {"member_id": member,
                "channel_id": setup.channel, "offer_ids": [setup.offer], "annotations": {}}}),
        )
    }))
    .await
}

fn body(setup: &Shop, code: &str) -> Value {
    json!({"store_id": setup.store, "codes": [code], "basket": {"lines": [
        {"line_id": "1", "item_code": "X", "quantity": 1, "unit_price": "10.00"}]}})
}

/// POSTs every body at once, each with its own key (or all with `same_key`).
async fn redeem_all(
    app: &TestApp,
    token: &str,
    bodies: &[Value],
    same_key: Option<&str>,
) -> Vec<(u16, Value)> {
    join_all(bodies.iter().enumerate().map(|(n, body)| {
        let key = same_key.map_or_else(|| format!("txn-{n}"), str::to_owned);
        let request = app
            .client
            .post(app.url("/v1.0/pos/redemptions"))
            .header("X-Auth-Token", token)
            .header("Idempotency-Key", key)
            .json(body)
            .send();
        async move { read(request.await.unwrap()).await }
    }))
    .await
}

/// Asserts exactly `granted` answers are 201 and the rest the limit refusal, and that the
/// read model lists exactly `granted` committed redemptions.
async fn assert_exactly(app: &TestApp, token: &str, answers: &[(u16, Value)], granted: usize) {
    let created = answers.iter().filter(|(status, _)| *status == 201).count();
    assert_eq!(created, granted);
    let refusal = json!({"error": "Member must be eligible for offer: Limited"});
    for (status, body) in answers.iter().filter(|(status, _)| *status != 201) {
        assert_eq!((*status, body), (400, &refusal));
    }
    let mut ids: Vec<u64> = answers
        .iter()
        .filter(|(status, _)| *status == 201)
        .map(|(_, body)| body["redemption"]["id"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), granted);

    let mut listed = Vec::new();
    // The first page past `granted` rows is empty; one that is not ends the test.
    let last_page = granted.div_ceil(100) + 1;
    for page in 1..=last_page {
        let path = format!("/v1.0/pos/redemptions?page={page}&per_page=100");
        let (status, list) = read(app.get(token, &path).await).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["total_entries"], granted);
        let rows = list["redemptions"].as_array().unwrap().clone();
        if rows.is_empty() {
            break;
        }
        assert!(
            page < last_page,
            "page {page} of {granted} rows is not empty"
        );
        listed.extend(rows);
    }
    assert_eq!(listed.len(), granted);
    assert!(listed
        .iter()
        .all(|row| row["redemption"]["status"] == "committed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_terminals_at_once_never_pass_max_redemptions() {
    let app = spawn_app().await;
    let (setup, token) = setup(&app, |offer| offer.max_redemptions = Some(100)).await;
    let codes = codes(&app, &setup, 1_000, true).await;
    let bodies: Vec<Value> = codes.iter().map(|code| body(&setup, code)).collect();

    let answers = redeem_all(&app, &token, &bodies, None).await;
    assert_exactly(&app, &token, &answers, 100).await;
    app.stop().await;
}

/// Redeems by credential id, all at once, without a store (the reference's redeem takes no
/// parameters) and with the one-line basket of `body`.
async fn redeem_by_id_all(app: &TestApp, token: &str, ids: &[u64]) -> Vec<(u16, Value)> {
    let basket = json!({"basket": {"lines": [
        {"line_id": "1", "item_code": "X", "quantity": 1, "unit_price": "10.00"}]}});
    join_all(ids.iter().map(|id| {
        let request = app
            .client
            .put(app.url(&format!("/v1.0/credentials/{id}/redeem")))
            .header("X-Auth-Token", token)
            .json(&basket)
            .send();
        async move { read(request.await.unwrap()).await }
    }))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_redeems_by_id_without_a_store_never_pass_max_redemptions() {
    let app = spawn_app().await;
    let (setup, token) = setup(&app, |offer| offer.max_redemptions = Some(50)).await;
    let ids: Vec<u64> = credentials(&app, &setup, 500, true)
        .await
        .iter()
        .map(|events| created(events))
        .collect();

    let answers = redeem_by_id_all(&app, &token, &ids).await;
    for (status, body) in answers.iter().filter(|(status, _)| *status == 201) {
        assert_eq!(body["credential"]["status"], "redeemed", "{status} {body}");
        assert!(body["redemption"].get("store_id").is_none(), "{body}");
    }
    assert_exactly(&app, &token, &answers, 50).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_member_with_fifty_codes_gets_max_redemptions_per_member() {
    let app = spawn_app().await;
    let (setup, token) = setup(&app, |offer| offer.max_redemptions_per_member = Some(3)).await;
    let codes = codes(&app, &setup, 50, false).await;
    let bodies: Vec<Value> = codes.iter().map(|code| body(&setup, code)).collect();

    let answers = redeem_all(&app, &token, &bodies, None).await;
    assert_exactly(&app, &token, &answers, 3).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_member_with_fifty_codes_gets_max_redemptions_per_member_per_day() {
    let app = spawn_app().await;
    let limit = |offer: &mut OfferFields| offer.max_redemptions_per_member_per_day = Some(2);
    let (setup, token) = setup(&app, limit).await;
    let codes = codes(&app, &setup, 50, false).await;
    let bodies: Vec<Value> = codes.iter().map(|code| body(&setup, code)).collect();

    let answers = redeem_all(&app, &token, &bodies, None).await;
    assert_exactly(&app, &token, &answers, 2).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_sent_fifty_times_at_once_redeems_once() {
    let app = spawn_app().await;
    let (setup, token) = setup(&app, |_| {}).await;
    let codes = codes(&app, &setup, 1, true).await;
    let bodies = vec![body(&setup, &codes[0]); 50];

    let answers = redeem_all(&app, &token, &bodies, Some("terminal-7-txn-42")).await;
    let (status, first) = &answers[0];
    assert_eq!(*status, 201, "{first}");
    assert!(answers.iter().all(|answer| answer == &answers[0]));
    let (status, list) = read(app.get(&token, "/v1.0/pos/redemptions").await).await;
    assert_eq!(status, 200);
    assert_eq!(list["total_entries"], 1);
    assert_eq!(list["redemptions"][0]["redemption"], first["redemption"]);
    app.stop().await;
}
