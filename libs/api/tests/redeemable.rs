//! Where offers can be redeemed, over real HTTP: the stores with offers, a store by id, a
//! store's offers and an offer's stores follow the point of sale's rule (every store while an
//! offer is unrestricted, only its merchant's once restricted, none once stopped), and no
//! account reaches another's stores or offers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::commands::open_shop;
use support::resources::{create_merchant, create_store, send};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::ShopData;

/// The ids of a page of stores.
async fn store_ids(app: &TestApp, token: &str, path: &str) -> Vec<u64> {
    let (status, body) = read(app.get(token, path).await).await;
    assert_eq!(status, 200, "{path}: {body}");
    body["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|store| store["store"]["id"].as_u64().unwrap())
        .collect()
}

/// The offer ids a store redeems.
async fn offer_ids(app: &TestApp, token: &str, merchant: u64, store: u64) -> Value {
    let path = format!("/v1.0/merchants/{merchant}/stores/{store}/offers");
    let (status, body) = read(app.get(token, &path).await).await;
    assert_eq!(status, 200, "{path}: {body}");
    body["offer_ids"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_and_offers_follow_the_point_of_sales_rule() {
    let app = spawn_app().await;
    let (shop, token) = open_shop(&app, 1, ShopData::new(None)).await;
    let (merchant, store, offer) = (shop.merchant.0, shop.store.0, shop.offer.0);
    let tacos = create_merchant(&app, &token, "Tacos").await;
    let elm = create_store(&app, &token, tacos, "Elm St").await;
    let offer_stores = format!("/v1.0/offers/{offer}/stores");

    assert_eq!(
        store_ids(&app, &token, &offer_stores).await,
        vec![store, elm]
    );
    assert_eq!(
        store_ids(&app, &token, "/v1.0/merchants/stores/index.json").await,
        vec![store, elm]
    );
    assert_eq!(offer_ids(&app, &token, tacos, elm).await, json!([offer]));

    let only_mine = json!({"offer": {"merchant_ids": [merchant]}});
    let path = format!("/v1.0/offers/{offer}/merchants");
    assert_eq!(read(app.post(&token, &path, &only_mine).await).await.0, 201);
    assert_eq!(store_ids(&app, &token, &offer_stores).await, vec![store]);
    assert_eq!(
        store_ids(&app, &token, "/v1.0/merchants/stores/index").await,
        vec![store]
    );
    assert_eq!(
        offer_ids(&app, &token, merchant, store).await,
        json!([offer])
    );
    assert_eq!(offer_ids(&app, &token, tacos, elm).await, json!([]));

    let stop = format!("/v1.0/offers/{offer}/actions/stop");
    assert_eq!(
        send(&app, Method::PUT, &token, &stop, json!({})).await.0,
        200
    );
    assert!(store_ids(&app, &token, &offer_stores).await.is_empty());
    assert!(store_ids(&app, &token, "/v1.0/merchants/stores/index")
        .await
        .is_empty());
    assert_eq!(offer_ids(&app, &token, merchant, store).await, json!([]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_by_id_is_found_whatever_its_merchant_and_only_in_its_account() {
    let app = spawn_app().await;
    let (shop, token) = open_shop(&app, 1, ShopData::new(None)).await;
    let other_token = app.login(2).await;
    let path = format!("/v1.0/merchants/stores/{}", shop.store.0);
    let (status, body) = read(app.get(&token, &path).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["store"]["id"], shop.store.0);
    assert_eq!(body["store"]["merchant_id"], shop.merchant.0);

    let theirs = [
        path,
        format!("/v1.0/offers/{}/stores", shop.offer.0),
        format!(
            "/v1.0/merchants/{}/stores/{}/offers",
            shop.merchant.0, shop.store.0
        ),
    ];
    for path in &theirs {
        let (status, body) = read(app.get(&other_token, path).await).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    assert!(
        store_ids(&app, &other_token, "/v1.0/merchants/stores/index")
            .await
            .is_empty()
    );
    let wrong_merchant = format!(
        "/v1.0/merchants/{}/stores/{}/offers",
        shop.merchant.0 + 1000,
        shop.store.0
    );
    assert_eq!(read(app.get(&token, &wrong_merchant).await).await.0, 404);
    assert_eq!(
        read(app.get(&token, "/v1.0/merchants/stores/99999").await)
            .await
            .0,
        404
    );
    assert_eq!(
        read(app.get(&token, "/v1.0/offers/99999/stores").await)
            .await
            .0,
        404
    );
    app.stop().await;
}
