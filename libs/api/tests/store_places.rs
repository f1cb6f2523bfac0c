//! Merchants and stores with every field of the reference, over real HTTP: contacts, phone,
//! description, `is_active`, the address lines and coordinates, a store list filtered by
//! name, and stores searched from a point (nearest first, within a radius, each with its
//! distance). Refused input answers 400 in the Sparkfly shape and changes nothing; an inactive
//! store, or a store of an inactive merchant, is no longer where offers can be redeemed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{json, Value};
use support::commands::open_shop;
use support::resources::{create, create_merchant, create_store, put};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::ShopData;

/// Portland, Oregon (Pioneer Courthouse Square).
const PORTLAND: (&str, &str) = ("45.5189", "-122.6793");

/// A store of `merchant` named `name` at (`lat`, `lng`): its id.
async fn store_at(app: &TestApp, token: &str, merchant: u64, name: &str, at: (f64, f64)) -> u64 {
    let body = json!({"store": {"name": name, "location": {"lat": at.0, "lng": at.1}}});
    let path = format!("/v1.0/merchants/{merchant}/stores");
    create(app, token, &path, "store", &body).await["id"]
        .as_u64()
        .unwrap()
}

/// GETs `path`, asserting 200: the page.
async fn page(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = read(app.get(token, path).await).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// The ids of a page of stores, in order.
fn ids(page: &Value) -> Vec<u64> {
    page["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|store| store["store"]["id"].as_u64().unwrap())
        .collect()
}

/// The distances of a page of stores, in order (`None` for a store without coordinates).
fn distances(page: &Value) -> Vec<Option<u64>> {
    page["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|store| store["store"]["nearby"]["distance"].as_u64())
        .collect()
}

/// GETs `path`, asserting the answer is 400 with `{"error": error}`.
async fn refused(app: &TestApp, token: &str, path: &str, error: &str) {
    let answer = read(app.get(token, path).await).await;
    assert_eq!(answer, (400, json!({ "error": error })), "{path}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_keeps_every_field_and_refused_changes_change_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let merchant = create_merchant(&app, &token, "Coffee Co").await;
    let stores = format!("/v1.0/merchants/{merchant}/stores");
    let input = json!({"store": {
        "name": "Main St", "number": "0042", "description": "Corner shop",
        "is_active": true, "phone": "+1 503 555 0100", "icon_url": "https://c.example/i.png",
        "location": {"address": "1 Main St", "address2": "Suite 2", "city": "Portland",
                     "state": "OR", "zip": "97204", "country": "US",
                     "lat": 45.51890, "lng": "-122.6793"},
        "primary": {"name": "Ana", "email": "ana@c.example"},
        "secondary": {"phone": "+1 503 555 0101"}}});
    let store = create(&app, &token, &stores, "store", &input).await;
    let id = store["id"].as_u64().unwrap();
    assert_eq!(
        (
            &store["description"],
            &store["is_active"],
            &store["phone"],
            &store["icon_url"]
        ),
        (
            &json!("Corner shop"),
            &json!(true),
            &json!("+1 503 555 0100"),
            &json!("https://c.example/i.png")
        )
    );
    assert_eq!(
        store["location"],
        json!({"address": "1 Main St", "address2": "Suite 2", "city": "Portland",
               "state": "OR", "zip": "97204", "country": "US",
               "lat": "45.5189", "lng": "-122.6793"})
    );
    assert_eq!(
        store["contacts"],
        json!({"primary": {"name": "Ana", "email": "ana@c.example"},
               "secondary": {"phone": "+1 503 555 0101"}})
    );
    assert!(store.get("nearby").is_none(), "{store}");

    let path = format!("{stores}/{id}");
    let (status, changed) = put(
        &app,
        &token,
        &path,
        &json!({"store": {"description": "", "location": {"city": "Salem"},
                          "secondary": {}}}),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    let changed = &changed["store"];
    assert!(changed.get("description").is_none(), "emptied: {changed}");
    assert_eq!(changed["location"]["city"], "Salem");
    assert_eq!(changed["location"]["lat"], "45.5189", "kept: {changed}");
    assert_eq!(
        changed["contacts"],
        json!({"primary": store["contacts"]["primary"]})
    );

    let before = page(&app, &token, &path).await;
    let refusals = [
        (
            json!({"location": {"lat": 45.0}}),
            "Longitude can't be blank",
        ),
        (
            json!({"location": {"lat": 91, "lng": 0}}),
            "Latitude must be between -90 and 90",
        ),
        (
            json!({"location": {"lat": 0, "lng": 180.0001}}),
            "Longitude must be between -180 and 180",
        ),
        (
            json!({"primary": {"email": "not-an-address"}}),
            "Contact email must be an email address",
        ),
        (
            json!({"icon_url": "javascript:alert(1)"}),
            "Icon url must be an http or https url",
        ),
        (
            json!({"phone": "x".repeat(256)}),
            "Phone is too long (maximum is 255 characters)",
        ),
    ];
    for (fields, error) in refusals {
        let answer = put(&app, &token, &path, &json!({ "store": fields })).await;
        assert_eq!(answer, (400, json!({ "error": error })), "{fields}");
    }
    assert_eq!(
        page(&app, &token, &path).await,
        before,
        "a refusal changed the store"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchant_keeps_its_logo_barcode_billing_and_contacts() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let input = json!({"merchant": {
        "name": "Coffee Co", "logo": "https://c.example/logo.png", "supports_barcode": true,
        "redemption_identifier_type": 3, "billing_arrangement": "monthly",
        "primary": {"name": "Bo", "phone": "555"}}});
    let merchant = create(&app, &token, "/v1.0/merchants", "merchant", &input).await;
    let id = merchant["id"].as_u64().unwrap();
    for (field, value) in [
        ("logo", json!("https://c.example/logo.png")),
        ("supports_barcode", json!(true)),
        ("redemption_identifier_type", json!(3)),
        ("billing_arrangement", json!("monthly")),
        (
            "contacts",
            json!({"primary": {"name": "Bo", "phone": "555"}}),
        ),
        ("is_active", json!(true)),
    ] {
        assert_eq!(merchant[field], value, "{field}: {merchant}");
    }
    let path = format!("/v1.0/merchants/{id}");
    let (status, read_back) = read(app.get(&token, &path).await).await;
    assert_eq!((status, &read_back["merchant"]), (200, &merchant));

    let (status, changed) = put(
        &app,
        &token,
        &path,
        &json!({"merchant": {"supports_barcode": false, "logo": ""}}),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["merchant"]["supports_barcode"], false);
    assert!(changed["merchant"].get("logo").is_none(), "{changed}");
    assert_eq!(changed["merchant"]["billing_arrangement"], "monthly");

    let answer = put(
        &app,
        &token,
        &path,
        &json!({"merchant": {"logo": "ftp://c.example/logo.png"}}),
    )
    .await;
    assert_eq!(
        answer,
        (400, json!({"error": "Logo must be an http or https url"}))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchants_stores_are_filtered_by_name_with_wildcards_taken_literally() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let merchant = create_merchant(&app, &token, "Coffee Co").await;
    let other = create_merchant(&app, &token, "Tea Co").await;
    let mut made = Vec::new();
    for name in ["Elm St", "ELM Plaza", "Oak_1", "Oak 2", "100% Elm"] {
        made.push(create_store(&app, &token, merchant, name).await);
    }
    create_store(&app, &token, other, "Elm Tea").await;
    let stores = format!("/v1.0/merchants/{merchant}/stores");
    let cases = [
        ("elm", vec![made[0], made[1], made[4]]),
        ("ELM%20p", vec![made[1]]),
        ("_", vec![made[2]]),
        ("%25", vec![made[4]]),
        ("oak%202", vec![made[3]]),
        ("birch", vec![]),
    ];
    for (name, expected) in cases {
        let found = page(&app, &token, &format!("{stores}?name={name}")).await;
        assert_eq!(ids(&found), expected, "name={name}");
        assert_eq!(found["total_entries"], expected.len(), "name={name}");
    }
    let first = page(
        &app,
        &token,
        &format!("{stores}?name=elm&per_page=2&page=2"),
    )
    .await;
    assert_eq!(
        (ids(&first), &first["total_entries"]),
        (vec![made[4]], &json!(3))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_near_a_point_come_nearest_first_within_the_radius() {
    let app = spawn_app().await;
    let (shop, token) = open_shop(&app, 1, ShopData::new(None)).await;
    let (merchant, offer) = (shop.merchant.0, shop.offer.0);
    // About 0.5 km, 1.2 km and 234 km from the point; the shop's own store has no coordinates.
    let far = store_at(&app, &token, merchant, "Seattle", (47.6062, -122.3321)).await;
    let near = store_at(&app, &token, merchant, "Pearl", (45.5290, -122.6840)).await;
    let nearest = store_at(&app, &token, merchant, "Morrison", (45.5171, -122.6730)).await;
    let (lat, lng) = PORTLAND;

    let nearby = page(
        &app,
        &token,
        &format!("/v1.0/merchants/stores/nearby/index?lat={lat}&lng={lng}"),
    )
    .await;
    assert_eq!(
        ids(&nearby),
        vec![nearest, near],
        "within the 50 km default"
    );
    let metres = distances(&nearby);
    assert!(
        matches!(metres.as_slice(), [Some(a), Some(b)] if (450..600).contains(a) && (1_100..1_300).contains(b)),
        "{metres:?}"
    );
    let first = &nearby["stores"][0]["store"]["nearby"];
    assert_eq!((&first["lat"], &first["lng"]), (&json!(lat), &json!(lng)));

    let by_path = page(
        &app,
        &token,
        &format!("/v1.0/merchants/stores/nearby/{lat}/{lng}/index.json?radius=300000"),
    )
    .await;
    assert_eq!(ids(&by_path), vec![nearest, near, far]);
    let within = page(
        &app,
        &token,
        &format!("/v1.0/merchants/stores/nearby/index?lat={lat}&lng={lng}&radius=800"),
    )
    .await;
    assert_eq!(ids(&within), vec![nearest], "within 800 m");

    let index = page(
        &app,
        &token,
        &format!("/v1.0/merchants/stores/index?lat={lat}&lng={lng}"),
    )
    .await;
    assert_eq!(
        ids(&index),
        vec![nearest, near, far, shop.store.0],
        "uncoordinated last"
    );
    assert_eq!(distances(&index)[3], None);
    let offer_stores = page(
        &app,
        &token,
        &format!("/v1.0/offers/{offer}/stores?lat={lat}&lng={lng}&radius=100000&per_page=1&page=2"),
    )
    .await;
    assert_eq!(
        (ids(&offer_stores), &offer_stores["total_entries"]),
        (vec![near], &json!(2))
    );
    let by_id = page(&app, &token, "/v1.0/merchants/stores/index").await;
    assert_eq!(
        ids(&by_id),
        vec![shop.store.0, far, near, nearest],
        "id order without a point"
    );

    let closed = format!("/v1.0/merchants/{merchant}/stores/{nearest}");
    assert_eq!(
        put(
            &app,
            &token,
            &closed,
            &json!({"store": {"is_active": false}})
        )
        .await
        .0,
        200
    );
    let nearby_now = page(
        &app,
        &token,
        &format!("/v1.0/merchants/stores/nearby/index?lat={lat}&lng={lng}"),
    )
    .await;
    assert_eq!(
        ids(&nearby_now),
        vec![near],
        "an inactive store redeems nothing"
    );
    let paused = format!("/v1.0/merchants/{merchant}");
    assert_eq!(
        put(
            &app,
            &token,
            &paused,
            &json!({"merchant": {"is_active": false}})
        )
        .await
        .0,
        200
    );
    assert!(ids(&page(&app, &token, "/v1.0/merchants/stores/index").await).is_empty());

    let other = app.login(2).await;
    let theirs = page(
        &app,
        &other,
        &format!("/v1.0/merchants/stores/nearby/index?lat={lat}&lng={lng}&radius=20037509"),
    )
    .await;
    assert_eq!(theirs["total_entries"], 0, "another account's stores");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_from_a_bad_point_or_radius_is_refused() {
    let app = spawn_app().await;
    let (shop, token) = open_shop(&app, 1, ShopData::new(None)).await;
    let offer = shop.offer.0;
    let cases = [
        (
            "/v1.0/merchants/stores/nearby/index?lng=1",
            "Latitude can't be blank",
        ),
        (
            "/v1.0/merchants/stores/nearby/index?lat=1",
            "Longitude can't be blank",
        ),
        (
            "/v1.0/merchants/stores/index?radius=10",
            "Latitude can't be blank",
        ),
        (
            "/v1.0/merchants/stores/nearby/index?lat=90.5&lng=0",
            "Latitude must be between -90 and 90",
        ),
        (
            "/v1.0/merchants/stores/nearby/index?lat=0&lng=0&radius=0",
            "Radius must be greater than 0",
        ),
        (
            "/v1.0/merchants/stores/nearby/index?lat=0&lng=0&radius=20037510",
            "Radius must be at most 20037509 metres",
        ),
        (
            "/v1.0/merchants/stores/nearby/north/0/index",
            "Latitude must be a number in decimal degrees",
        ),
        (
            "/v1.0/merchants/stores/nearby/0/-181/index",
            "Longitude must be between -180 and 180",
        ),
    ];
    for (path, error) in cases {
        refused(&app, &token, path, error).await;
    }
    let (status, _) = read(
        app.get(&token, &format!("/v1.0/offers/{offer}/stores?lat=x&lng=0"))
            .await,
    )
    .await;
    assert_eq!(status, 400, "a latitude that is no number");
    app.stop().await;
}
