//! A manufacturer's items and item sets over real HTTP
//! (`/v1.0/manufacturers/{id}/items[/{id}]`, `.../item_sets[/{id}[/items]]`): created under
//! their manufacturer, found only there (and account-wide), refused for a manufacturer the
//! account does not hold, out of another account's reach; and a manufacturer's set serving an
//! offer at the point of sale like any set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{json, Value};
use support::resources::{
    assert_deleted, assert_puts_out_of_reach, create, create_channel, create_item, create_member,
    create_merchant, create_store, delete, put,
};
use support::{read, spawn_app, TestApp};

/// The id of a manufacturer `name` created over HTTP.
async fn manufacturer(app: &TestApp, token: &str, name: &str) -> u64 {
    let body = json!({"manufacturer": {"name": name}});
    let created = create(app, token, "/v1.0/manufacturers", "manufacturer", &body).await;
    created["id"].as_u64().unwrap()
}

/// The item set `{"name", "item_ids"}` created at `base`.
async fn item_set(app: &TestApp, token: &str, base: &str, name: &str, items: &[u64]) -> Value {
    let body = json!({"item_set": {"name": name, "item_ids": items}});
    create(app, token, base, "item_set", &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_stay_under_their_manufacturer() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let acme = manufacturer(&app, &token, "Acme").await;
    let other = manufacturer(&app, &token, "Other").await;
    let shop = create_merchant(&app, &token, "Q Burger").await;
    let base = format!("/v1.0/manufacturers/{acme}/items");
    let chips = create_item(&app, &token, &format!("{base}.json"), "Chips", "CHIPS").await;
    create_item(
        &app,
        &token,
        &format!("/v1.0/merchants/{shop}/items"),
        "Chips",
        "CHIPS",
    )
    .await;

    let path = format!("{base}/{chips}");
    let (status, body) = read(app.get(&token, &format!("{path}.json")).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["item"]["manufacturer_id"], acme);
    assert!(body["item"].get("merchant_id").is_none());
    let (_, body) = read(app.get(&token, &base).await).await;
    assert_eq!(body["total_entries"], 1);
    assert_eq!(body["items"][0]["item"]["id"], chips);
    let (_, body) = read(
        app.get(&token, &format!("{base}?code=CHIPS&name=Nope"))
            .await,
    )
    .await;
    assert_eq!(body["total_entries"], 0);
    let (_, body) = read(app.get(&token, "/v1.0/items").await).await;
    assert_eq!(body["total_entries"], 2);

    let taken = json!({"item": {"name": "Again", "code": "CHIPS"}});
    let (status, body) = read(app.post(&token, &base, &taken).await).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Code has already been taken"}))
    );
    let foreign = format!("/v1.0/manufacturers/{other}/items/{chips}");
    assert_eq!(app.get(&token, &foreign).await.status(), 404);
    assert_eq!(delete(&app, &token, &foreign, &json!({})).await.0, 404);
    let missing = "/v1.0/manufacturers/999/items";
    assert_eq!(app.get(&token, missing).await.status(), 404);
    let (status, _) = read(app.post(&token, missing, &taken).await).await;
    assert_eq!(status, 404);
    let unknown = json!({"item": {"name": "Shake", "code": "S-1", "manufacturer_id": 999}});
    let (status, body) = read(app.post(&token, "/v1.0/items", &unknown).await).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Manufacturer not found"}))
    );
    let (status, body) = read(
        app.post(&token, &format!("/v1.0/merchants/{shop}/items"), &unknown)
            .await,
    )
    .await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Manufacturer not found"}))
    );

    let change = json!({"item": {"name": "Crisps", "manufacturer_id": other}});
    let (status, body) = put(&app, &token, &path, &change).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&body["item"]["name"], &body["item"]["manufacturer_id"]),
        (&json!("Crisps"), &json!(acme)),
        "the owner is set on create only"
    );
    assert_deleted(&app, &token, &path).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item_sets_stay_under_their_manufacturer() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let acme = manufacturer(&app, &token, "Acme").await;
    let other = manufacturer(&app, &token, "Other").await;
    let items = format!("/v1.0/manufacturers/{acme}/items");
    let chips = create_item(&app, &token, &items, "Chips", "CHIPS").await;
    let dip = create_item(&app, &token, &items, "Dip", "DIP").await;
    let base = format!("/v1.0/manufacturers/{acme}/item_sets");
    let set = item_set(&app, &token, &format!("{base}.json"), "Snacks", &[chips]).await;
    assert_eq!(
        (&set["manufacturer_id"], &set["set_type"], &set["item_ids"]),
        (&json!(acme), &json!(1), &json!([chips]))
    );
    assert!(set.get("merchant_id").is_none());
    let id = set["id"].as_u64().unwrap();
    let path = format!("{base}/{id}");

    let (status, body) = read(app.get(&token, &path).await).await;
    assert_eq!((status, body), (200, json!({ "item_set": set })));
    let (_, body) = read(app.get(&token, &base).await).await;
    assert_eq!(body["item_sets"], json!([{ "item_set": set }]));
    let theirs = format!("/v1.0/manufacturers/{other}/item_sets");
    let (_, body) = read(app.get(&token, &theirs).await).await;
    assert_eq!(body["total_entries"], 0);

    let members = format!("{path}/items");
    let (status, body) = put(
        &app,
        &token,
        &members,
        &json!({"item_set": {"item_ids": [dip]}}),
    )
    .await;
    assert_eq!(
        (status, &body["item_set"]["item_ids"]),
        (201, &json!([chips, dip]))
    );
    let (status, body) = read(
        app.get(&token, &format!("{members}.json?per_page=1&page=2"))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (&body["total_entries"], &body["items"][0]["item"]["id"]),
        (&json!(2), &json!(dip))
    );
    let change = json!({"item_set": {"name": "Party", "item_ids": [dip], "set_type": 0}});
    let (status, body) = put(&app, &token, &path, &change).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&body["item_set"]["name"], &body["item_set"]["set_type"]),
        (&json!("Party"), &json!(0))
    );

    let unknown = json!({"item_set": {"name": "Set", "item_ids": [chips, 999]}});
    let (status, body) = read(app.post(&token, &base, &unknown).await).await;
    assert_eq!((status, body), (400, json!({"error": "Item not found"})));
    let missing = "/v1.0/manufacturers/999/item_sets";
    assert_eq!(app.get(&token, missing).await.status(), 404);
    let (status, _) = read(
        app.post(&token, missing, &json!({"item_set": {"name": "X"}}))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    let foreign = format!("{theirs}/{id}");
    assert_eq!(app.get(&token, &foreign).await.status(), 404);
    assert_eq!(
        app.get(&token, &format!("{foreign}/items")).await.status(),
        404
    );
    assert_eq!(delete(&app, &token, &foreign, &json!({})).await.0, 404);
    let merchant_owned = "/v1.0/item_sets";
    let (status, body) = read(
        app.post(
            &token,
            merchant_owned,
            &json!({"item_set": {"name": "X", "manufacturer_id": 999}}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Manufacturer not found"}))
    );

    let (status, body) = delete(
        &app,
        &token,
        &format!("/v1.0/manufacturers/{acme}"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_deleted(&app, &token, &path).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_account_gets_404() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let intruder = app.login(2).await;
    let acme = manufacturer(&app, &token, "Acme").await;
    let items = format!("/v1.0/manufacturers/{acme}/items");
    let chips = create_item(&app, &token, &items, "Chips", "CHIPS").await;
    let sets = format!("/v1.0/manufacturers/{acme}/item_sets");
    let set = item_set(&app, &token, &sets, "Snacks", &[chips]).await["id"].clone();

    let item_path = format!("{items}/{chips}");
    let change = json!({"item": {"name": "Mine"}});
    assert_puts_out_of_reach(
        &app,
        &token,
        &intruder,
        &item_path,
        &[(item_path.clone(), change)],
        None,
    )
    .await;
    let set_path = format!("{sets}/{set}");
    let puts = [
        (set_path.clone(), json!({"item_set": {"name": "Mine"}})),
        (
            format!("{set_path}/items"),
            json!({"item_set": {"item_ids": []}}),
        ),
    ];
    assert_puts_out_of_reach(&app, &token, &intruder, &set_path, &puts, None).await;
    for list in [&items, &sets] {
        assert_eq!(app.get(&intruder, list).await.status(), 404, "{list}");
        let body = json!({"item": {"name": "X", "code": "X"}, "item_set": {"name": "X"}});
        assert_eq!(
            read(app.post(&intruder, list, &body).await).await.0,
            404,
            "{list}"
        );
    }
    for list in ["/v1.0/items", "/v1.0/item_sets"] {
        let (_, body) = read(app.get(&intruder, list).await).await;
        assert_eq!(body["total_entries"], 0, "{list}");
    }
    let smuggled = json!({"item": {"name": "X", "code": "X", "manufacturer_id": acme}});
    let (status, body) = read(app.post(&intruder, "/v1.0/items", &smuggled).await).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Manufacturer not found"}))
    );
    app.stop().await;
}

/// A manufacturer's set rewards its items at the point of sale and restricts the offer's
/// baskets, as a merchant's set does; and it cannot be deleted while the offer uses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manufacturer_set_serves_an_offer_at_the_point_of_sale() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let acme = manufacturer(&app, &token, "Acme").await;
    let chips = create_item(
        &app,
        &token,
        &format!("/v1.0/manufacturers/{acme}/items"),
        "Chips",
        "CHIPS",
    )
    .await;
    let sets = format!("/v1.0/manufacturers/{acme}/item_sets");
    let set = item_set(&app, &token, &sets, "Snacks", &[chips]).await["id"]
        .as_u64()
        .unwrap();
    let merchant = create_merchant(&app, &token, "Q Burger").await;
    let store = create_store(&app, &token, merchant, "Main St").await;
    let channel = create_channel(&app, &token, "App").await;
    let member = create_member(&app, &token, "alice").await;
    let fields = json!({"offer": {"name": "Half off Acme", "reward_kind": "item_percent_off",
        "reward_value": "50", "redemption_item_set_id": set}});
    let offer = create(&app, &token, "/v1.0/offers", "offer", &fields).await["id"]
        .as_u64()
        .unwrap();
    let eligible = json!({"eligible_item_set": {"item_set_id": set, "list_type": 1}});
    let (status, body) = read(
        app.post(
            &token,
            &format!("/v1.0/offers/{offer}/eligible_item_sets"),
            &eligible,
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        put(
            &app,
            &token,
            &format!("/v1.0/offers/{offer}/actions/approve"),
            &json!({})
        )
        .await
        .0,
        200
    );
    let link = json!({"offer": {"channel_ids": [channel]}});
    assert_eq!(
        read(
            app.post(&token, &format!("/v1.0/offers/{offer}/channels"), &link)
                .await
        )
        .await
        .0,
        201
    );
    let issue =
        format!("/v1.0/credentials.json?member_id={member}&offer_id={offer}&channel_id={channel}");
    let (status, body) = read(app.post(&token, &issue, &json!({})).await).await;
    assert_eq!(status, 201, "{body}");
    let code = body["credential"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned();

    let basket =
        |lines: Value| json!({"store_id": store, "codes": [code], "basket": {"lines": lines}});
    let with_chips = basket(json!([
        {"line_id": "1", "item_code": "CHIPS", "quantity": 2, "unit_price": "3.00"},
        {"line_id": "2", "item_code": "BURGER", "quantity": 1, "unit_price": "5.00"}]));
    let (status, body) = read(app.post(&token, "/v1.0/pos/evaluate", &with_chips).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["evaluation"]["total_discount"], "3.00");
    assert_eq!(body["evaluation"]["lines"][0]["discount"], "3.00");
    let without = basket(
        json!([{"line_id": "2", "item_code": "BURGER", "quantity": 1, "unit_price": "5.00"}]),
    );
    let (status, body) = read(app.post(&token, "/v1.0/pos/evaluate", &without).await).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "Basket must contain an eligible item for offer: Half off Acme"})
        )
    );

    let (status, body) = delete(&app, &token, &format!("{sets}/{set}"), &json!({})).await;
    assert_eq!(
        (status, body),
        (
            409,
            json!({"error": "Item set cannot be deleted while an offer uses it"})
        )
    );
    app.stop().await;
}
