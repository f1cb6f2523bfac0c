//! Offers over real HTTP: the seed's landing-page flow (create "Test offer", approve, create
//! the "Email" channel, link it, read the xid back), update, delete, the lifecycle refusals,
//! validation, merchant offers, roles and tenant isolation. Channel links and the other
//! eligibility routes are in `offers_eligibility.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use serde_json::{json, Value};
use support::commands::execute;
use support::resources::{create, create_channel, delete, put};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::{create_merchant, created};

async fn create_offer(app: &TestApp, token: &str, offer: Value) -> Value {
    let body = json!({ "offer": offer });
    create(app, token, "/v1.0/offers.json", "offer", &body).await
}

async fn merchant(app: &TestApp, account: u64, name: &str) -> u64 {
    created(&execute(app, account, create_merchant(name)).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_flow_creates_approves_and_links_an_offer() {
    let app = spawn_app().await;
    let token = app.login(1).await;

    let (status, body) = read(app.get(&token, "/v1.0/offers.json").await).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"page": 1, "per_page": 50, "total_entries": 0, "total_pages": 0, "offers": []})
    );

    let offer = create_offer(&app, &token, json!({"name": "Test offer"})).await;
    let id = offer["id"].as_u64().unwrap();
    assert_eq!(offer["name"], "Test offer");
    assert_eq!(offer["status"], "pending");
    for absent in [
        "merchant_id",
        "description",
        "category",
        "offer_code",
        "pos_offer_code",
    ] {
        assert_eq!(offer[absent], Value::Null, "{absent}");
    }
    for absent in [
        "activates_at",
        "expires_at",
        "stop_offering_at",
        "max_amount",
    ] {
        assert_eq!(offer[absent], Value::Null, "{absent}");
    }
    assert_eq!(offer["offer_type"], 0);
    assert_eq!(offer["max_redemptions"], Value::Null);
    assert_eq!(offer["required_item_set_id"], Value::Null);
    assert_eq!(offer["channels"], json!([]));
    assert_eq!(
        offer["eligibility"],
        json!({"merchant_item_set_ids": [], "manufacturer_item_set_ids": [], "merchant_ids": [],
               "store_list_ids": [], "member_list_ids": [], "channel_ids": []})
    );
    assert!(offer["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(offer["created_at"], offer["updated_at"]);

    let approve = format!("/v1.0/offers/{id}/actions/approve.json");
    let (status, body) = put(&app, &token, &approve, &json!({})).await;
    assert_eq!(
        (status, &body["offer"]["status"]),
        (200, &json!("approved"))
    );
    let (status, body) = put(&app, &token, &approve, &json!({})).await;
    assert_eq!(
        (status, &body["offer"]["status"]),
        (200, &json!("approved"))
    );

    let channel = create_channel(&app, &token, "Email").await;
    let link = json!({"offer": {"channel_ids": [channel]}});
    let path = format!("/v1.0/offers/{id}/channels.json");
    let (status, body) = read(app.post(&token, &path, &link).await).await;
    assert_eq!(status, 201);
    assert_eq!(body, json!({"offer": {"channel_ids": [channel], "id": id}}));

    let (status, body) = read(app.get(&token, &format!("/v1.0/offers/{id}.json")).await).await;
    assert_eq!(status, 200);
    let offer = body["offer"].clone();
    assert_eq!(offer["status"], "approved");
    assert_eq!(offer["eligibility"]["channel_ids"], json!([channel]));
    let linked = &offer["channels"][0]["channel"];
    assert_eq!(linked["id"], channel);
    assert_eq!(linked["name"], "Email");
    assert_eq!(linked["offer_id"], id);
    let xid = linked["xid"].as_str().unwrap();
    assert_eq!(xid.len(), 7);
    assert!(xid.chars().all(|c| c.is_ascii_alphanumeric()));

    let (status, body) = read(app.get(&token, "/v1.0/offers").await).await;
    assert_eq!(status, 200);
    assert_eq!(body["total_entries"], 1);
    assert_eq!(body["offers"], json!([{ "offer": offer }]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offers_are_updated_and_pending_ones_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let offer = create_offer(
        &app,
        &token,
        json!({
            "name": "Five off", "description": "Five off twenty", "offer_type": 2,
            "reward_kind": "order_amount_off", "reward_value": 5, "min_spend_amount": "20.00",
            "max_redemptions": 100, "max_redemptions_per_member": 2,
            "activates_at": "2030-01-01T00:00:00Z", "expires_at": "2030-02-01T00:00:00Z",
            "quest_only": false, "formatting": {"bg_color": "#FF00AA"}
        }),
    )
    .await;
    let id = offer["id"].as_u64().unwrap();
    assert_eq!(offer["reward_kind"], "order_amount_off");
    assert_eq!(offer["reward_value"], 5);
    assert_eq!(offer["min_spend_amount"], 20);
    assert_eq!(offer["max_redemptions"], 100);
    assert_eq!(offer["activates_at"], "2030-01-01T00:00:00Z");
    assert!(offer.get("quest_only").is_none());

    let path = format!("/v1.0/offers/{id}");
    let change = json!({"offer": {"name": "Six off", "reward_value": 6.5, "max_amount": 6.5}});
    let (status, body) = put(&app, &token, &path, &change).await;
    assert_eq!(status, 200, "{body}");
    let updated = &body["offer"];
    assert_eq!(updated["name"], "Six off");
    assert_eq!(updated["reward_value"], 6.5);
    assert_eq!(updated["max_amount"], 6.5);
    assert_eq!(updated["description"], "Five off twenty");
    assert_eq!(updated["max_redemptions_per_member"], 2);
    assert_eq!(updated["status"], "pending");
    let (_, body) = read(app.get(&token, &path).await).await;
    assert_eq!(&body["offer"], updated);

    let (status, _) = delete(&app, &token, &path, &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(app.get(&token, &path).await.status(), 404);
    let (status, body) = put(&app, &token, &path, &change).await;
    assert_eq!((status, body), (404, json!({"error": "Offer not found"})));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_offers_cannot_be_deleted_and_stopped_ones_cannot_be_approved() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = create_offer(&app, &token, json!({"name": "Test offer"})).await["id"].clone();
    let path = format!("/v1.0/offers/{id}");
    put(&app, &token, &format!("{path}/actions/approve"), &json!({})).await;

    let (status, body) = delete(&app, &token, &path, &json!({})).await;
    assert_eq!(
        (status, body),
        (
            409,
            json!({"error": "Offer cannot be deleted while approved"})
        )
    );
    let (status, body) = read(app.get(&token, &path).await).await;
    assert_eq!(
        (status, &body["offer"]["status"]),
        (200, &json!("approved"))
    );

    let (status, body) = put(&app, &token, &format!("{path}/actions/stop"), &json!({})).await;
    assert_eq!((status, &body["offer"]["status"]), (200, &json!("stopped")));
    let (status, body) = put(&app, &token, &format!("{path}/actions/approve"), &json!({})).await;
    assert_eq!(
        (status, body),
        (
            409,
            json!({"error": "Offer cannot be approved while stopped"})
        )
    );
    let (status, _) = put(&app, &token, "/v1.0/offers/999/actions/approve", &json!({})).await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let refusals = [
        (json!({"offer": {}}), "Name can't be blank"),
        (
            json!({"offer": {"name": "A", "activates_at": "2030-02-01T00:00:00Z",
                             "expires_at": "2030-01-01T00:00:00Z"}}),
            "Expires at must be after activates at",
        ),
        (
            json!({"offer": {"name": "A", "min_spend_amount": -1}}),
            "Min spend amount must be greater than or equal to 0",
        ),
        (
            json!({"offer": {"name": "A", "max_redemptions": 0}}),
            "Max redemptions must be greater than 0",
        ),
        (
            json!({"offer": {"name": "A", "reward_kind": "order_percent_off", "reward_value": 150}}),
            "Reward value must be greater than 0 and at most 100",
        ),
    ];
    for (input, message) in refusals {
        let (status, body) = read(app.post(&token, "/v1.0/offers", &input).await).await;
        assert_eq!(
            (status, body),
            (400, json!({ "error": message })),
            "{input}"
        );
    }
    let malformed = [
        json!({"offer": {"name": "A", "activates_at": "tomorrow"}}),
        json!({"offer": {"name": "A", "max_redemptions": "ten"}}),
        json!({"offer": {"name": "A", "max_redemptions": -3}}),
        json!({"offer": {"name": 5}}),
        json!({"offer": {"name": "A", "reward_kind": "everything_free"}}),
        json!({"name": "A"}),
    ];
    for input in malformed {
        let (status, body) = read(app.post(&token, "/v1.0/offers", &input).await).await;
        assert_eq!(status, 400, "{input}");
        assert!(body["error"].is_string(), "{input}");
    }
    let (_, body) = read(app.get(&token, "/v1.0/offers").await).await;
    assert_eq!(body["total_entries"], 0);

    let id = create_offer(&app, &token, json!({"name": "A"})).await["id"].clone();
    let link = json!({"offer": {"channel_ids": [999]}});
    let path = format!("/v1.0/offers/{id}/channels");
    let (status, body) = read(app.post(&token, &path, &link).await).await;
    assert_eq!((status, body), (404, json!({"error": "Channel not found"})));
    let (status, _) = read(
        app.post(&token, &path, &json!({"offer": {"channel_ids": "5"}}))
            .await,
    )
    .await;
    assert_eq!(status, 400);
    let bad_date = json!({"offer": {"expires_at": "2030-13-45"}});
    let (status, _) = put(&app, &token, &format!("/v1.0/offers/{id}"), &bad_date).await;
    assert_eq!(status, 400);
    let (_, body) = read(app.get(&token, &format!("/v1.0/offers/{id}")).await).await;
    assert_eq!(body["offer"]["channels"], json!([]));
    assert_eq!(body["offer"]["expires_at"], Value::Null);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchants_offers_are_listed() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let burgers = merchant(&app, 1, "Q Burger").await;
    let tacos = merchant(&app, 1, "Tacos").await;
    let burger = create_offer(
        &app,
        &token,
        json!({"name": "Fries", "merchant_id": burgers}),
    )
    .await;
    create_offer(&app, &token, json!({"name": "Tacos", "merchant_id": tacos})).await;
    create_offer(&app, &token, json!({"name": "Anywhere"})).await;
    assert_eq!(burger["merchant_id"], burgers.to_string());

    let (status, body) = read(
        app.get(&token, &format!("/v1.0/merchants/{burgers}/offers.json"))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["total_entries"], 1);
    assert_eq!(body["offers"], json!([{ "offer": burger }]));
    let (_, body) = read(
        app.get(&token, &format!("/v1.0/offers?merchant_id={tacos}"))
            .await,
    )
    .await;
    assert_eq!(body["total_entries"], 1);
    assert_eq!(body["offers"][0]["offer"]["name"], "Tacos");
    let (_, body) = read(app.get(&token, "/v1.0/offers?per_page=2&page=2").await).await;
    assert_eq!(
        (
            body["total_pages"].clone(),
            body["offers"].as_array().unwrap().len()
        ),
        (json!(2), 1)
    );
    assert_eq!(
        app.get(&token, "/v1.0/merchants/999/offers").await.status(),
        404
    );
    let unknown = json!({"name": "X", "merchant_id": 999});
    let (status, body) = read(
        app.post(&token, "/v1.0/offers", &json!({ "offer": unknown }))
            .await,
    )
    .await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "Merchant not found"}))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_account_gets_404() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let other = app.login(2).await;
    let id = create_offer(&app, &token, json!({"name": "Test offer"})).await["id"].clone();
    let path = format!("/v1.0/offers/{id}");
    let channel = create_channel(&app, &other, "Email").await;

    assert_eq!(app.get(&other, &path).await.status(), 404);
    assert_eq!(
        app.get(&other, &format!("{path}/channels")).await.status(),
        404
    );
    let change = json!({"offer": {"name": "Mine"}});
    assert_eq!(put(&app, &other, &path, &change).await.0, 404);
    assert_eq!(
        put(&app, &other, &format!("{path}/actions/approve"), &json!({}))
            .await
            .0,
        404
    );
    let link = json!({"offer": {"channel_ids": [channel]}});
    assert_eq!(
        read(app.post(&other, &format!("{path}/channels"), &link).await)
            .await
            .0,
        404
    );
    assert_eq!(delete(&app, &other, &path, &json!({})).await.0, 404);
    let (_, body) = read(app.get(&other, "/v1.0/offers").await).await;
    assert_eq!(body["total_entries"], 0);

    let (status, body) = read(app.get(&token, &path).await).await;
    assert_eq!(
        (status, &body["offer"]["name"]),
        (200, &json!("Test offer"))
    );
    assert_eq!(body["offer"]["status"], "pending");
    assert_eq!(body["offer"]["channels"], json!([]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_decide_who_reads_and_writes() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = create_offer(&app, &token, json!({"name": "Test offer"})).await["id"].clone();
    app.bootstrap(1, "till", "till-key", vec![Role::Pos]).await;
    app.bootstrap(1, "reports", "reports-key", vec![Role::Reporting])
        .await;
    let pos = app.token("till", "till-key").await;
    let reporting = app.token("reports", "reports-key").await;
    let path = format!("/v1.0/offers/{id}");
    let input = json!({"offer": {"name": "Mine"}});

    for token in [&pos, &reporting] {
        assert_eq!(
            read(app.post(token, "/v1.0/offers", &input).await).await.0,
            403
        );
        assert_eq!(put(&app, token, &path, &input).await.0, 403);
        assert_eq!(
            put(&app, token, &format!("{path}/actions/approve"), &json!({}))
                .await
                .0,
            403
        );
        assert_eq!(delete(&app, token, &path, &json!({})).await.0, 403);
        let link = json!({"offer": {"channel_ids": []}});
        assert_eq!(
            read(app.post(token, &format!("{path}/channels"), &link).await)
                .await
                .0,
            403
        );
    }
    let (status, body) = read(app.post(&pos, "/v1.0/offers", &input).await).await;
    assert_eq!((status, body), (403, json!({"error": "Forbidden"})));
    assert_eq!(app.get(&pos, &path).await.status(), 403);
    assert_eq!(app.get(&reporting, &path).await.status(), 200);
    assert_eq!(app.get(&reporting, "/v1.0/offers").await.status(), 200);
    let (_, body) = read(app.get(&token, &path).await).await;
    assert_eq!(
        (
            body["offer"]["name"].clone(),
            body["offer"]["status"].clone()
        ),
        (json!("Test offer"), json!("pending"))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_create_is_answered_once_and_a_past_offer_shows_as_expired() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let input = json!({"offer": {"name": "Winter", "expires_at": "2020-03-01T00:00:00Z"}});
    let create = || {
        app.client
            .post(app.url("/v1.0/offers"))
            .header("X-Auth-Token", &token)
            .header("Idempotency-Key", "create-winter")
            .json(&input)
            .send()
    };
    let (status, first) = read(create().await.unwrap()).await;
    assert_eq!(status, 201);
    assert_eq!(read(create().await.unwrap()).await, (201, first.clone()));
    let (_, list) = read(app.get(&token, "/v1.0/offers").await).await;
    assert_eq!(list["total_entries"], 1);

    let approve = format!("/v1.0/offers/{}/actions/approve", first["offer"]["id"]);
    let (status, body) = put(&app, &token, &approve, &json!({})).await;
    assert_eq!((status, &body["offer"]["status"]), (200, &json!("expired")));
    app.stop().await;
}
