//! Items and item sets over real HTTP, account-wide and under a merchant: create, list (with
//! `name`/`code` filters), get, update, delete; a set's items added, removed and paged;
//! validation that changes nothing; tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::resources::{
    assert_deleted, assert_puts_out_of_reach, create_item, create_merchant, delete, send,
};
use support::{read, spawn_app, TestApp};

fn item_ids(ids: &[u64]) -> Value {
    json!({"item_set": {"item_ids": ids}})
}

/// Asserts a merchant's resource is not found at `foreign` (its path under another merchant),
/// neither read nor deleted there, and that POSTing `input` to `missing` (a collection of a
/// merchant that does not exist) answers 404.
async fn assert_only_under_its_merchant(
    app: &TestApp,
    token: &str,
    foreign: &str,
    missing: &str,
    input: &Value,
) {
    assert_eq!(app.get(token, foreign).await.status(), 404);
    let (status, _) = send(app, Method::DELETE, token, foreign, json!({})).await;
    assert_eq!(status, 404);
    let (status, _) = read(app.post(token, missing, input).await).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_are_created_listed_filtered_updated_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let (status, body) = read(app.get(&token, "/v1.0/items.json").await).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"page": 1, "per_page": 50, "total_entries": 0, "total_pages": 0, "items": []})
    );

    let input = json!({"item": {"name": "Burger", "code": "B-1"}});
    let (status, body) = read(app.post(&token, "/v1.0/items.json", &input).await).await;
    assert_eq!(status, 201);
    let created = body["item"].clone();
    assert_eq!(
        (&created["name"], &created["code"]),
        (&json!("Burger"), &json!("B-1"))
    );
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));
    let id = created["id"].as_u64().unwrap();
    create_item(&app, &token, "/v1.0/items", "Fries", "F-1").await;
    let path = format!("/v1.0/items/{id}");

    let (status, body) = read(app.get(&token, &format!("{path}.json")).await).await;
    assert_eq!((status, &body), (200, &json!({ "item": created })));
    let (_, body) = read(app.get(&token, "/v1.0/items").await).await;
    assert_eq!(body["total_entries"], 2);
    assert_eq!(body["items"][0], json!({ "item": created }));
    let (_, body) = read(app.get(&token, "/v1.0/items?code=F-1").await).await;
    assert_eq!(body["total_entries"], 1);
    assert_eq!(body["items"][0]["item"]["name"], "Fries");
    let (_, body) = read(app.get(&token, "/v1.0/items?name=Burger&per_page=1").await).await;
    assert_eq!(
        (body["total_entries"].as_u64(), body["per_page"].as_u64()),
        (Some(1), Some(1))
    );

    let change = json!({"item": {"name": "Cheeseburger"}});
    let (status, body) = send(&app, Method::PUT, &token, &path, change).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&body["item"]["name"], &body["item"]["code"]),
        (&json!("Cheeseburger"), &json!("B-1"))
    );

    assert_deleted(&app, &token, &path).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_items_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = create_item(&app, &token, "/v1.0/items", "Burger", "B-1").await;
    let fries = create_item(&app, &token, "/v1.0/items", "Fries", "F-1").await;
    let duplicate = json!({"item": {"name": "Other", "code": "B-1"}});
    let (status, body) = read(app.post(&token, "/v1.0/items", &duplicate).await).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Code has already been taken"}))
    );
    let taken = json!({"item": {"code": "B-1"}});
    let (status, body) = send(
        &app,
        Method::PUT,
        &token,
        &format!("/v1.0/items/{fries}"),
        taken,
    )
    .await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Code has already been taken"}))
    );
    let blank = json!({"item": {"name": "No code"}});
    let (status, body) = read(app.post(&token, "/v1.0/items", &blank).await).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Code can't be blank"}))
    );
    let (status, _) = read(
        app.post(&token, "/v1.0/items", &json!({"item": {"name": 5}}))
            .await,
    )
    .await;
    assert_eq!(status, 400);

    let unknown = json!({"item": {"name": "Shake", "code": "S-1", "merchant_id": 999}});
    let (status, body) = read(app.post(&token, "/v1.0/items", &unknown).await).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Merchant not found"}))
    );

    let (_, body) = read(app.get(&token, "/v1.0/items").await).await;
    assert_eq!(body["total_entries"], 2);
    let (_, body) = read(app.get(&token, &format!("/v1.0/items/{fries}")).await).await;
    assert_eq!(body["item"]["code"], "F-1");
    assert_eq!(app.get(&token, "/v1.0/items/999").await.status(), 404);
    let (status, _) = send(
        &app,
        Method::PUT,
        &token,
        "/v1.0/items/999",
        json!({"item": {}}),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        app.get(&token, &format!("/v1.0/items/{id}")).await.status(),
        200
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merchant_items_stay_under_their_merchant() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let shop = create_merchant(&app, &token, "Q Burger").await;
    let other = create_merchant(&app, &token, "Other").await;
    let base = format!("/v1.0/merchants/{shop}/items");
    let id = create_item(&app, &token, &base, "Burger", "B-1").await;
    create_item(&app, &token, "/v1.0/items", "Plain", "B-1").await;
    let (_, body) = read(app.get(&token, &format!("{base}/{id}")).await).await;
    assert_eq!(body["item"]["merchant_id"], shop);
    let (_, body) = read(app.get(&token, &base).await).await;
    assert_eq!(body["total_entries"], 1);
    let (_, body) = read(app.get(&token, "/v1.0/items").await).await;
    assert_eq!(body["total_entries"], 2);

    let duplicate = json!({"item": {"name": "Again", "code": "B-1"}});
    let (status, _) = read(app.post(&token, &base, &duplicate).await).await;
    assert_eq!(status, 400);
    let foreign = format!("/v1.0/merchants/{other}/items/{id}");
    let missing = "/v1.0/merchants/999/items";
    assert_only_under_its_merchant(&app, &token, &foreign, missing, &duplicate).await;
    assert_eq!(app.get(&token, missing).await.status(), 404);

    let change = json!({"item": {"name": "Double"}});
    let (status, body) = send(&app, Method::PUT, &token, &format!("{base}/{id}"), change).await;
    assert_eq!((status, &body["item"]["name"]), (200, &json!("Double")));
    let (status, _) = delete(&app, &token, &format!("{base}/{id}"), &json!({})).await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item_sets_hold_items_that_are_added_removed_and_paged() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let mut ids = Vec::new();
    for code in ["A", "B", "C"] {
        ids.push(create_item(&app, &token, "/v1.0/items", code, code).await);
    }
    let input = json!({"item_set": {"name": "Burgers", "item_ids": &ids[..2]}});
    let (status, body) = read(app.post(&token, "/v1.0/item_sets.json", &input).await).await;
    assert_eq!(status, 201);
    let set = body["item_set"].clone();
    assert_eq!(
        (&set["name"], &set["item_ids"], &set["set_type"]),
        (&json!("Burgers"), &json!(&ids[..2]), &json!(0))
    );
    let id = set["id"].as_u64().unwrap();
    let path = format!("/v1.0/item_sets/{id}");

    let (status, body) = read(app.get(&token, &format!("{path}.json")).await).await;
    assert_eq!((status, &body), (200, &json!({ "item_set": set })));
    let (_, body) = read(app.get(&token, "/v1.0/item_sets").await).await;
    assert_eq!(body["item_sets"], json!([{ "item_set": set }]));

    let items = format!("{path}/items");
    let (status, body) = send(&app, Method::PUT, &token, &items, item_ids(&ids[2..])).await;
    assert_eq!((status, &body["item_set"]["item_ids"]), (201, &json!(ids)));
    let (status, body) = read(app.get(&token, &format!("{items}?per_page=2&page=2")).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["total_entries"].as_u64(), body["total_pages"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(body["items"][0]["item"]["code"], "C");
    let (status, body) = send(&app, Method::DELETE, &token, &items, item_ids(&ids[..1])).await;
    assert_eq!(
        (status, &body["item_set"]["item_ids"]),
        (200, &json!(&ids[1..]))
    );

    let change = json!({"item_set": {"name": "Meals", "item_ids": [ids[0]], "set_type": 1}});
    let (status, body) = send(&app, Method::PUT, &token, &path, change).await;
    assert_eq!(status, 200);
    assert_eq!(body["item_set"]["item_ids"], json!([ids[0]]));
    assert_eq!(body["item_set"]["set_type"], 1);

    let (status, _) = send(
        &app,
        Method::DELETE,
        &token,
        &format!("/v1.0/items/{}", ids[0]),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = read(app.get(&token, &path).await).await;
    assert_eq!(body["item_set"]["item_ids"], json!([]));

    assert_deleted(&app, &token, &path).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_item_sets_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let burger = create_item(&app, &token, "/v1.0/items", "Burger", "B").await;
    let unknown = json!({"item_set": {"name": "Set", "item_ids": [burger, 999]}});
    let (status, body) = read(app.post(&token, "/v1.0/item_sets", &unknown).await).await;
    assert_eq!((status, body), (400, json!({"error": "Item not found"})));
    let blank = json!({"item_set": {"item_ids": [burger]}});
    let (status, body) = read(app.post(&token, "/v1.0/item_sets", &blank).await).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Name can't be blank"}))
    );
    let (_, body) = read(app.get(&token, "/v1.0/item_sets").await).await;
    assert_eq!(body["total_entries"], 0);

    let input = json!({"item_set": {"name": "Set", "item_ids": [burger]}});
    let (_, body) = read(app.post(&token, "/v1.0/item_sets", &input).await).await;
    let path = format!("/v1.0/item_sets/{}", body["item_set"]["id"]);
    let (status, body) = send(
        &app,
        Method::PUT,
        &token,
        &format!("{path}/items"),
        item_ids(&[999]),
    )
    .await;
    assert_eq!((status, body), (400, json!({"error": "Item not found"})));
    let (status, _) = send(&app, Method::PUT, &token, &path, unknown).await;
    assert_eq!(status, 400);
    let (status, _) = send(
        &app,
        Method::PUT,
        &token,
        &format!("{path}/items"),
        json!({"item_set": {}}),
    )
    .await;
    assert_eq!(status, 400);
    let (_, body) = read(app.get(&token, &path).await).await;
    assert_eq!(body["item_set"]["item_ids"], json!([burger]));
    assert_eq!(
        app.get(&token, "/v1.0/item_sets/999/items").await.status(),
        404
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merchant_item_sets_stay_under_their_merchant() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let shop = create_merchant(&app, &token, "Q Burger").await;
    let other = create_merchant(&app, &token, "Other").await;
    let burger = create_item(
        &app,
        &token,
        &format!("/v1.0/merchants/{shop}/items"),
        "Burger",
        "B",
    )
    .await;
    let base = format!("/v1.0/merchants/{shop}/item_sets");
    let input = json!({"item_set": {"name": "Set", "item_ids": [burger]}});
    let (status, body) = read(app.post(&token, &base, &input).await).await;
    assert_eq!(
        (status, &body["item_set"]["merchant_id"]),
        (201, &json!(shop))
    );
    let id = body["item_set"]["id"].as_u64().unwrap();
    let (_, body) = read(app.get(&token, &format!("{base}/{id}/items")).await).await;
    assert_eq!(body["items"][0]["item"]["id"], burger);
    let (_, body) = read(app.get(&token, &base).await).await;
    assert_eq!(body["total_entries"], 1);
    let theirs = format!("/v1.0/merchants/{other}/item_sets");
    let (_, body) = read(app.get(&token, &theirs).await).await;
    assert_eq!(body["total_entries"], 0);
    let foreign = format!("{theirs}/{id}");
    let missing = "/v1.0/merchants/999/item_sets";
    assert_only_under_its_merchant(&app, &token, &foreign, missing, &input).await;
    assert_eq!(
        app.get(&token, &format!("{foreign}/items")).await.status(),
        404
    );
    let (status, _) = delete(&app, &token, &format!("{base}/{id}"), &json!({})).await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_account_gets_404() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let intruder = app.login(2).await;
    let burger = create_item(&app, &token, "/v1.0/items", "Burger", "B").await;
    let input = json!({"item_set": {"name": "Set", "item_ids": [burger]}});
    let (_, body) = read(app.post(&token, "/v1.0/item_sets", &input).await).await;
    let set = format!("/v1.0/item_sets/{}", body["item_set"]["id"]);
    let item_path = format!("/v1.0/items/{burger}");
    let items = Some("/v1.0/items");
    assert_puts_out_of_reach(&app, &token, &intruder, &item_path, &[], items).await;
    let puts = [(format!("{set}/items"), item_ids(&[]))];
    let sets = Some("/v1.0/item_sets");
    assert_puts_out_of_reach(&app, &token, &intruder, &set, &puts, sets).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_set_an_offer_uses_cannot_be_deleted() {
    use domain::ids::{AccountId, ItemSetId};
    use domain::offer::{OfferFields, RewardKind};
    use domain::Command;

    let app = spawn_app().await;
    let token = app.login(1).await;
    let burger = create_item(&app, &token, "/v1.0/items", "Burger", "B").await;
    let input = json!({"item_set": {"name": "Set", "item_ids": [burger]}});
    let (_, body) = read(app.post(&token, "/v1.0/item_sets", &input).await).await;
    let id = body["item_set"]["id"].as_u64().unwrap();
    let offer = Command::CreateOffer {
        fields: OfferFields {
            name: Some("Free burger".into()),
            reward_kind: Some(RewardKind::ItemFree),
            redemption_item_set_id: Some(ItemSetId(id)),
            ..OfferFields::default()
        },
    };
    app.state
        .execute(AccountId(1), offer, None, None)
        .await
        .unwrap();
    let path = format!("/v1.0/item_sets/{id}");
    let (status, body) = send(&app, Method::DELETE, &token, &path, json!({})).await;
    assert_eq!(status, 409);
    assert_eq!(
        body,
        json!({"error": "Item set cannot be deleted while an offer uses it"})
    );
    assert_eq!(app.get(&token, &path).await.status(), 200);
    app.stop().await;
}
