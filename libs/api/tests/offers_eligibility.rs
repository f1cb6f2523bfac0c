//! An offer's eligibility over real HTTP: channel links (set, added, capped, removed), merchants, store lists and member lists set, added,
//! listed and removed with `{"offer": {"<x>_ids": [..]}}` bodies, eligible item sets, the
//! offer's `eligibility` block, refusals, roles and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::catalog::{ItemSetFields, ListFields};
use domain::ids::ItemId;
use domain::Command;
use reqwest::Method;
use serde_json::{json, Value};
use support::commands::{execute, redeem_basket, world};
use support::resources::{assert_deleted, create_channel, delete, put, send};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::{create_item, create_item_set, create_merchant, created, ShopData};

/// Runs a create command for account 1 through the engine; answers the new id.
async fn fixture(app: &TestApp, command: Command) -> u64 {
    created(&execute(app, 1, command).await)
}

async fn merchant(app: &TestApp, name: &str) -> u64 {
    fixture(app, create_merchant(name)).await
}

fn list_fields(name: &str) -> ListFields {
    ListFields {
        name: Some(name.into()),
    }
}

async fn offer(app: &TestApp, token: &str) -> u64 {
    let input = json!({"offer": {"name": "Test offer"}});
    let (status, body) = read(app.post(token, "/v1.0/offers", &input).await).await;
    assert_eq!(status, 201, "{body}");
    body["offer"]["id"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_links_are_set_added_capped_and_removed() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = offer(&app, &token).await;
    let email = create_channel(&app, &token, "Email").await;
    let sms = create_channel(&app, &token, "SMS").await;
    let links = format!("/v1.0/offers/{id}/channels");

    let set = |ids: Vec<u64>| json!({"offer": {"channel_ids": ids}});
    let (status, body) = read(app.post(&token, &links, &set(vec![email])).await).await;
    assert_eq!(
        (status, body),
        (201, json!({"offer": {"channel_ids": [email], "id": id}}))
    );
    let (status, body) = put(&app, &token, &links, &set(vec![sms])).await;
    assert_eq!(
        (status, body),
        (
            201,
            json!({"offer": {"channel_ids": [email, sms], "id": id}})
        )
    );

    let (status, body) = read(app.get(&token, &links).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["offer"]["channel_ids"], json!([email, sms]));
    let channels = body["offer"]["channels"].as_array().unwrap();
    assert_eq!(channels[1]["channel"]["name"], "SMS");
    let xids: Vec<&str> = channels
        .iter()
        .map(|c| c["channel"]["xid"].as_str().unwrap())
        .collect();
    assert_ne!(xids[0], xids[1]);

    let one = format!("{links}/{sms}");
    let cap = json!({"eligible_channel": {"max_redemptions": 10}});
    let (status, body) = put(&app, &token, &one, &cap).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["eligible_channel"]["max_redemptions"], 10);
    assert_eq!(body["eligible_channel"]["xid"], xids[1]);
    let (status, body) = read(app.get(&token, &one).await).await;
    assert_eq!(
        (status, &body["eligible_channel"]["max_redemptions"]),
        (200, &json!(10))
    );
    let (status, body) = put(
        &app,
        &token,
        &one,
        &json!({"channel": {"max_redemptions": 0}}),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "Max redemptions must be greater than 0"})
        )
    );
    let (status, body) = put(&app, &token, &one, &json!({"channel": {}})).await;
    assert_eq!(
        (status, &body["eligible_channel"]["max_redemptions"]),
        (201, &json!(10))
    );
    let (status, body) = put(
        &app,
        &token,
        &one,
        &json!({"channel": {"max_redemptions": null}}),
    )
    .await;
    assert_eq!(
        (status, &body["eligible_channel"]["max_redemptions"]),
        (201, &Value::Null)
    );
    let (status, _) = put(&app, &token, &format!("{links}/999"), &cap).await;
    assert_eq!(status, 404);

    let (status, body) = read(app.post(&token, &links, &set(vec![sms])).await).await;
    assert_eq!(
        (status, body),
        (201, json!({"offer": {"channel_ids": [sms], "id": id}}))
    );
    let (status, body) = delete(&app, &token, &links, &set(vec![sms])).await;
    assert_eq!(
        (status, body),
        (201, json!({"offer": {"channel_ids": [], "id": id}}))
    );
    put(&app, &token, &links, &set(vec![email])).await;
    let (status, body) = delete(&app, &token, &format!("{links}/{email}"), &json!({})).await;
    assert_eq!(
        (status, body),
        (200, json!({"offer": {"channel_ids": [], "id": id}}))
    );
    let (status, body) = delete(&app, &token, &format!("{links}/{email}"), &json!({})).await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "Offer channel not found"}))
    );
    assert_eq!(
        app.get(&token, &format!("{links}/{email}")).await.status(),
        404
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merchants_are_set_added_listed_and_removed() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = offer(&app, &token).await;
    let burgers = merchant(&app, "Q Burger").await;
    let tacos = merchant(&app, "Tacos").await;
    let path = format!("/v1.0/offers/{id}/merchants.json");
    let body = |ids: Vec<u64>| json!({"offer": {"merchant_ids": ids}});

    let (status, answer) = send(&app, Method::GET, &token, &path, json!({})).await;
    assert_eq!(
        (status, answer),
        (200, json!({"offer": {"id": id, "merchant_ids": []}}))
    );
    let (status, answer) = send(&app, Method::POST, &token, &path, body(vec![burgers])).await;
    assert_eq!(
        (status, answer),
        (201, json!({"offer": {"id": id, "merchant_ids": [burgers]}}))
    );
    let (status, answer) = send(&app, Method::PUT, &token, &path, body(vec![tacos])).await;
    assert_eq!(
        (status, answer),
        (
            201,
            json!({"offer": {"id": id, "merchant_ids": [burgers, tacos]}})
        )
    );
    let (status, answer) = send(&app, Method::GET, &token, &path, json!({})).await;
    assert_eq!(
        (status, &answer["offer"]["merchant_ids"]),
        (200, &json!([burgers, tacos]))
    );

    let (status, answer) = send(&app, Method::DELETE, &token, &path, body(vec![burgers])).await;
    assert_eq!(
        (status, answer),
        (200, json!({"offer": {"id": id, "merchant_ids": [tacos]}}))
    );
    let (status, answer) = send(&app, Method::POST, &token, &path, body(vec![burgers])).await;
    assert_eq!(
        (status, answer),
        (201, json!({"offer": {"id": id, "merchant_ids": [burgers]}}))
    );

    let (_, answer) = read(app.get(&token, &format!("/v1.0/offers/{id}")).await).await;
    assert_eq!(
        answer["offer"]["eligibility"]["merchant_ids"],
        json!([burgers])
    );
    let (_, answer) = read(
        app.get(&token, &format!("/v1.0/merchants/{burgers}/offers"))
            .await,
    )
    .await;
    assert_eq!(answer["total_entries"], 1);

    let keyed = || {
        app.client
            .post(app.url(&path))
            .header("X-Auth-Token", &token)
            .header("Idempotency-Key", "set-tacos")
            .json(&body(vec![tacos]))
            .send()
    };
    let only_tacos = json!({"offer": {"id": id, "merchant_ids": [tacos]}});
    assert_eq!(
        read(keyed().await.unwrap()).await,
        (201, only_tacos.clone())
    );
    assert_eq!(read(keyed().await.unwrap()).await, (201, only_tacos));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_lists_and_member_lists_restrict_the_offer() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = offer(&app, &token).await;
    let stores = fixture(
        &app,
        Command::CreateStoreList {
            merchant_id: None,
            fields: list_fields("Downtown"),
        },
    )
    .await;
    let members = fixture(
        &app,
        Command::CreateMemberList {
            fields: list_fields("VIP"),
        },
    )
    .await;

    let path = format!("/v1.0/offers/{id}/store_lists");
    let input = json!({"offer": {"store_list_ids": [stores]}});
    let (status, answer) = send(&app, Method::POST, &token, &path, input.clone()).await;
    assert_eq!(
        (status, answer),
        (
            201,
            json!({"offer": {"id": id, "store_list_ids": [stores]}})
        )
    );
    let path = format!("/v1.0/offers/{id}/member_lists");
    let input = json!({"offer": {"member_list_ids": [members]}});
    let (status, answer) = send(&app, Method::PUT, &token, &path, input.clone()).await;
    assert_eq!(
        (status, answer),
        (
            201,
            json!({"offer": {"id": id, "member_list_ids": [members]}})
        )
    );

    let (_, answer) = read(app.get(&token, &format!("/v1.0/offers/{id}")).await).await;
    let eligibility = &answer["offer"]["eligibility"];
    assert_eq!(eligibility["store_list_ids"], json!([stores]));
    assert_eq!(eligibility["member_list_ids"], json!([members]));

    let (status, answer) = send(&app, Method::DELETE, &token, &path, input).await;
    assert_eq!(
        (status, answer),
        (201, json!({"offer": {"id": id, "member_list_ids": []}}))
    );
    let (_, answer) = send(&app, Method::GET, &token, &path, json!({})).await;
    assert_eq!(answer["offer"]["member_list_ids"], json!([]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eligible_item_sets_are_added_listed_and_removed() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = offer(&app, &token).await;
    let fields = ItemSetFields {
        name: Some("Burgers".into()),
        ..ItemSetFields::default()
    };
    let set = fixture(&app, Command::CreateItemSet { fields }).await;
    let path = format!("/v1.0/offers/{id}/eligible_item_sets");

    let input = json!({"eligible_item_set": {"item_set_id": set}});
    let (status, answer) = send(&app, Method::POST, &token, &path, input).await;
    let entry = json!({"id": set, "item_set_id": set, "offer_id": id, "list_type": 0,
        "type_name": "any", "req_qty": 1});
    assert_eq!(
        (status, answer),
        (201, json!({ "eligible_item_set": entry }))
    );

    let (status, answer) = send(&app, Method::GET, &token, &path, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        json!({"page": 1, "per_page": 50, "total_entries": 1, "total_pages": 1,
               "eligible_item_sets": [{ "eligible_item_set": entry }]})
    );
    let one = format!("{path}/{set}");
    let (status, answer) = send(&app, Method::GET, &token, &one, json!({})).await;
    assert_eq!(
        (status, answer),
        (200, json!({ "eligible_item_set": entry }))
    );
    let (_, answer) = read(app.get(&token, &format!("/v1.0/offers/{id}")).await).await;
    assert_eq!(
        answer["offer"]["eligibility"]["merchant_item_set_ids"],
        json!([set])
    );

    assert_deleted(&app, &token, &one).await;
    let (status, answer) = send(&app, Method::DELETE, &token, &one, json!({})).await;
    assert_eq!(
        (status, answer),
        (404, json!({"error": "Eligible item set not found"}))
    );

    let unknown = json!({"eligible_item_set": {"item_set_id": 999}});
    let (status, answer) = send(&app, Method::POST, &token, &path, unknown).await;
    assert_eq!(
        (status, answer),
        (404, json!({"error": "Item set not found"}))
    );
    app.stop().await;
}

/// A basket line of `quantity` units of `code` at $5.00.
fn line(id: &str, code: &str, quantity: u32) -> Value {
    json!({"line_id": id, "item_code": code, "quantity": quantity, "unit_price": "5.00"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eligible_item_sets_rule_decides_which_baskets_redeem() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let burger = fixture(&app, create_item("Burger", "BURGER")).await;
    let fries = fixture(&app, create_item("Fries", "FRIES")).await;
    let burgers = fixture(&app, create_item_set("Burgers", &[ItemId(burger)])).await;
    let sides = fixture(&app, create_item_set("Sides", &[ItemId(fries)])).await;
    let sets = format!("/v1.0/offers/{}/eligible_item_sets", world.offer);

    let required = json!({"eligible_item_set": {"list_type": 1, "req_qty": 2}});
    let (status, answer) = send(
        &app,
        Method::PUT,
        token,
        &format!("{sets}/{burgers}"),
        required,
    )
    .await;
    let burgers_entry = json!({"id": burgers, "item_set_id": burgers, "offer_id": world.offer,
        "list_type": 1, "type_name": "required", "req_qty": 2});
    assert_eq!(
        (status, &answer),
        (201, &json!({"eligible_item_set": burgers_entry}))
    );
    let excluded = json!({"eligible_item_set": {"item_set_id": sides, "list_type": 2}});
    let (status, answer) = send(&app, Method::POST, token, &sets, excluded).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["eligible_item_set"]["type_name"], "excluded");
    let (_, listed) = send(&app, Method::GET, token, &sets, json!({})).await;
    let names: Vec<&Value> = listed["eligible_item_sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["eligible_item_set"]["type_name"])
        .collect();
    assert_eq!(names, [&json!("required"), &json!("excluded")]);

    let issue = json!({"credential": {"member_id": world.member, "offer_id": world.offer,
        "channel_id": world.channel}});
    let (_, issued) = read(app.post(token, "/v1.0/credentials", &issue).await).await;
    let code = issued["credential"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = json!({"error": "Basket must contain an eligible item for offer: Dollar off"});
    for (txn, lines) in [
        ("one-burger", json!([line("1", "BURGER", 1)])),
        (
            "with-fries",
            json!([line("1", "BURGER", 2), line("2", "FRIES", 1)]),
        ),
        (
            "two-lines-one-excluded",
            json!([
                line("1", "BURGER", 1),
                line("2", "BURGER", 1),
                line("3", "FRIES", 1)
            ]),
        ),
    ] {
        let (status, answer) = redeem_basket(&app, &world, &code, txn, lines).await;
        assert_eq!((status, &answer), (400, &refused), "{txn}");
    }
    let lines = json!([
        line("1", "BURGER", 1),
        line("2", "BURGER", 1),
        line("3", "X", 1)
    ]);
    let (status, answer) = redeem_basket(&app, &world, &code, "two-burgers", lines).await;
    assert_eq!(status, 201, "{answer}");

    let one = format!("{sets}/{burgers}");
    for (body, expected) in [
        (json!({"eligible_item_set": {"list_type": 3}}), 400),
        (json!({"eligible_item_set": {"req_qty": 0}}), 400),
        (json!({"eligible_item_set": {"req_qty": 10_001}}), 400),
        (json!({"eligible_item_set": {"item_set_id": sides}}), 400),
        (json!({"eligible_item_set": {"list_type": "one"}}), 400),
    ] {
        let (status, answer) = send(&app, Method::PUT, token, &one, body.clone()).await;
        assert_eq!(status, expected, "{body}: {answer}");
    }
    let unknown = format!("{sets}/999999");
    let (status, _) = send(
        &app,
        Method::PUT,
        token,
        &unknown,
        json!({"eligible_item_set": {}}),
    )
    .await;
    assert_eq!(status, 404);
    let (_, still) = send(&app, Method::GET, token, &one, json!({})).await;
    assert_eq!(
        still,
        json!({"eligible_item_set": burgers_entry}),
        "refusals change nothing"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_eligibility_input_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let other = app.login(2).await;
    let id = offer(&app, &token).await;
    let burgers = merchant(&app, "Q Burger").await;
    let path = format!("/v1.0/offers/{id}/merchants");

    let unknown = json!({"offer": {"merchant_ids": [burgers, 999]}});
    let (status, answer) = send(&app, Method::POST, &token, &path, unknown).await;
    assert_eq!(
        (status, answer),
        (404, json!({"error": "Merchant not found"}))
    );
    let (status, answer) = send(&app, Method::PUT, &token, &path, json!({"offer": {}})).await;
    assert_eq!(
        (status, answer),
        (400, json!({"error": "missing field `merchant_ids`"}))
    );
    let wrong = json!({"offer": {"merchant_ids": ["a"]}});
    assert_eq!(send(&app, Method::PUT, &token, &path, wrong).await.0, 400);
    let wrong = json!({"eligible_item_set": {"item_set_id": "x"}});
    let sets = format!("/v1.0/offers/{id}/eligible_item_sets");
    assert_eq!(send(&app, Method::POST, &token, &sets, wrong).await.0, 400);

    let mine = json!({"offer": {"merchant_ids": [burgers]}});
    assert_eq!(
        send(&app, Method::PUT, &other, &path, mine.clone()).await.0,
        404
    );
    assert_eq!(
        send(&app, Method::GET, &other, &path, json!({})).await.0,
        404
    );
    assert_eq!(
        send(&app, Method::GET, &other, &sets, json!({})).await.0,
        404
    );
    let (_, answer) = send(&app, Method::GET, &token, &path, json!({})).await;
    assert_eq!(answer["offer"]["merchant_ids"], json!([]));
    app.stop().await;
}
