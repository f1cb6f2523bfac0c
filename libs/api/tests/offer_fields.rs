//! Every field of an offer over real HTTP: the seed's `formatting` walk-through (a banner, then
//! a banner and a colour), `criteria`, Sparkfly's program fields, the list's `name`,
//! `sort_by` and `order`, and the settings of a channel link (landing-page security with its
//! drawn key, SMS keyword, return later). Bad values are refused with the Sparkfly error body
//! and change nothing; hostile values (a script url, a colour carrying CSS) never reach a page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{json, Value};
use support::resources::{create, create_channel, put};
use support::{read, spawn_app, TestApp};

async fn create_offer(app: &TestApp, token: &str, offer: Value) -> Value {
    let body = json!({ "offer": offer });
    create(app, token, "/v1.0/offers.json", "offer", &body).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    read(app.get(token, path).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_follows_the_seed_and_program_fields_are_kept() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let offer = create_offer(&app, &token, json!({"name": "Test offer"})).await;
    let id = offer["id"].as_u64().unwrap();
    assert_eq!(offer["formatting"], json!({}));
    assert_eq!(offer["criteria"], json!({}));
    assert_eq!(offer["is_reward"], json!(false));
    assert_eq!(offer["redeem_until_depleted"], json!(false));
    for absent in [
        "quest_only",
        "external_reward",
        "trigger_amount",
        "reward_item_value",
    ] {
        assert_eq!(offer[absent], Value::Null, "{absent}");
    }

    let path = format!("/v1.0/offers/{id}.json");
    let banner =
        json!({"offer": {"formatting": {"bg_image": "https://my-domain/banner_image.png"}}});
    let (status, body) = put(&app, &token, &path, &banner).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["offer"]["formatting"],
        json!({"bg_image": "https://my-domain/banner_image.png"})
    );
    let colour = json!({"offer": {"formatting": {"bg_image": "https://my-domain/banner_image.png",
        "bg_color": "#FF00AA"}}});
    let (status, body) = put(&app, &token, &path, &colour).await;
    assert_eq!(status, 200, "{body}");
    let expected_formatting =
        json!({"bg_image": "https://my-domain/banner_image.png", "bg_color": "#FF00AA"});
    assert_eq!(body["offer"]["formatting"], expected_formatting);

    let program = json!({"offer": {"criteria": {"visits": 3, "tiers": ["gold"]},
        "quest_only": true, "is_reward": true, "external_reward": "RW-1",
        "trigger_amount": 2500, "reward_item_value": 399, "redeem_until_depleted": true,
        "initial_remaining_value": 5000,
        "formatting": {"short_name": "Fries", "multiple_offers_can_be_combined_on_an_order": false}}});
    let (status, body) = put(&app, &token, &path, &program).await;
    assert_eq!(status, 200, "{body}");
    let (status, read_back) = get(&app, &token, &path).await;
    assert_eq!(status, 200);
    let offer = &read_back["offer"];
    assert_eq!(
        offer, &body["offer"],
        "the answer of the write is what reads show"
    );
    assert_eq!(offer["criteria"], json!({"visits": 3, "tiers": ["gold"]}));
    assert_eq!(offer["quest_only"], json!(true));
    assert_eq!(offer["is_reward"], json!(true));
    assert_eq!(offer["external_reward"], json!("RW-1"));
    assert_eq!(offer["trigger_amount"], json!(2500));
    assert_eq!(offer["reward_item_value"], json!(399));
    assert_eq!(offer["redeem_until_depleted"], json!(true));
    assert_eq!(offer["initial_remaining_value"], json!(5000));
    assert_eq!(
        offer["formatting"],
        json!({"bg_image": "https://my-domain/banner_image.png", "bg_color": "#FF00AA",
               "short_name": "Fries", "multiple_offers_can_be_combined_on_an_order": false})
    );
    let (_, listed) = get(&app, &token, "/v1.0/offers").await;
    assert_eq!(listed["offers"][0]["offer"]["quest_only"], json!(true));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_or_hostile_fields_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = create_offer(
        &app,
        &token,
        json!({"name": "A", "formatting": {"bg_color": "#abc"}}),
    )
    .await["id"]
        .clone();
    let path = format!("/v1.0/offers/{id}");
    let long_criteria = json!({"k": "x".repeat(5_000)});
    let refusals = [
        (
            json!({"formatting": {"bg_color": "red;background:url(https://evil)"}}),
            "Bg color must be # and 3 or 6 hex digits",
        ),
        (
            json!({"formatting": {"bg_image": "javascript:alert(1)"}}),
            "Bg image must be an http or https url",
        ),
        (
            json!({"formatting": {"web_url": "data:text/html,<script>x</script>"}}),
            "Web url must be an http or https url",
        ),
        (
            json!({"trigger_amount": 3_000_000_000u64}),
            "Trigger amount must be at most 2147483647",
        ),
        (
            json!({"external_reward": "x".repeat(300)}),
            "External reward is too long (maximum is 255 characters)",
        ),
    ];
    for (fields, message) in refusals {
        let (status, body) = put(&app, &token, &path, &json!({ "offer": fields })).await;
        assert_eq!(
            (status, body),
            (400, json!({ "error": message })),
            "{fields}"
        );
    }
    let malformed = [
        json!({"criteria": [1, 2]}),
        json!({"criteria": "visits"}),
        json!({ "criteria": long_criteria }),
        json!({"quest_only": "sometimes"}),
        json!({"formatting": "blue"}),
        json!({"formatting": {"no_printable": "yes"}}),
    ];
    for fields in malformed {
        let (status, body) = put(&app, &token, &path, &json!({ "offer": fields })).await;
        assert_eq!(status, 400, "{fields}: {body}");
        assert!(body["error"].is_string(), "{fields}");
    }
    let (_, body) = get(&app, &token, &path).await;
    assert_eq!(body["offer"]["formatting"], json!({"bg_color": "#abc"}));
    assert_eq!(body["offer"]["criteria"], json!({}));
    assert_eq!(body["offer"]["trigger_amount"], Value::Null);
    app.stop().await;
}

/// The names of the offers of a list answer, in order.
fn names(body: &Value) -> Vec<String> {
    body["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["offer"]["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_filters_by_name_and_sorts() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let offers = [
        ("Burger deal", "2031-03-01T00:00:00Z"),
        ("fries FREE", "2031-01-01T00:00:00Z"),
        ("Shake 50% off", "2031-02-01T00:00:00Z"),
        ("Big burger", "2031-04-01T00:00:00Z"),
    ];
    for (name, start) in offers {
        create_offer(&app, &token, json!({"name": name, "activates_at": start})).await;
    }
    let approve = |id: u64| format!("/v1.0/offers/{id}/actions/approve");
    let (_, all) = get(&app, &token, "/v1.0/offers").await;
    let first = all["offers"][0]["offer"]["id"].as_u64().unwrap();
    put(&app, &token, &approve(first), &json!({})).await;

    let cases = [
        ("?name=BURGER", vec!["Burger deal", "Big burger"]),
        ("?name=50%25", vec!["Shake 50% off"]),
        ("?name=_", vec![]),
        (
            "?sort_by=name",
            vec!["Big burger", "Burger deal", "fries FREE", "Shake 50% off"],
        ),
        (
            "?sort_by=name&order=DESC",
            vec!["Shake 50% off", "fries FREE", "Burger deal", "Big burger"],
        ),
        (
            "?sort_by=start_running_at",
            vec!["fries FREE", "Shake 50% off", "Burger deal", "Big burger"],
        ),
        (
            "?sort_by=status&order=asc",
            vec!["Burger deal", "fries FREE", "Shake 50% off", "Big burger"],
        ),
        (
            "?name=burger&sort_by=name&order=desc&per_page=1&page=2",
            vec!["Big burger"],
        ),
    ];
    for (query, expected) in cases {
        let (status, body) = get(&app, &token, &format!("/v1.0/offers{query}")).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(names(&body), expected, "{query}");
    }
    let (_, paged) = get(&app, &token, "/v1.0/offers?name=burger&per_page=1").await;
    assert_eq!(
        (paged["total_entries"].clone(), paged["total_pages"].clone()),
        (json!(2), json!(2))
    );
    for query in [
        "?sort_by=price",
        "?order=sideways",
        "?sort_by=name;DROP TABLE offers",
    ] {
        let (status, body) = get(&app, &token, &format!("/v1.0/offers{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body["error"].is_string());
    }
    let long = format!("/v1.0/offers?name={}", "a".repeat(256));
    assert_eq!(get(&app, &token, &long).await.0, 400);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_links_settings_are_set_read_back_and_checked() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let channel = create_channel(&app, &token, "Email").await;
    let mut links = Vec::new();
    for name in ["First", "Second"] {
        let offer = create_offer(&app, &token, json!({ "name": name })).await["id"]
            .as_u64()
            .unwrap();
        let path = format!("/v1.0/offers/{offer}/channels");
        let (status, _) = read(
            app.post(&token, &path, &json!({"offer": {"channel_ids": [channel]}}))
                .await,
        )
        .await;
        assert_eq!(status, 201);
        links.push(format!("/v1.0/offers/{offer}/channels/{channel}"));
    }
    let (status, fresh) = get(&app, &token, &links[0]).await;
    assert_eq!(status, 200);
    assert_eq!(fresh["eligible_channel"]["allow_return_later"], json!(true));
    assert_eq!(fresh["eligible_channel"]["security"], Value::Null);

    let secure = json!({"eligible_channel": {"security": "key", "allow_return_later": false}});
    let (status, body) = put(&app, &token, &links[0], &secure).await;
    assert_eq!(status, 201, "{body}");
    let link = &body["eligible_channel"];
    assert_eq!(link["security"], json!("key"));
    assert_eq!(link["allow_return_later"], json!(false));
    let key = link["security_key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 20);
    assert!(key.bytes().all(|byte| byte.is_ascii_alphanumeric()));
    let (_, again) = put(&app, &token, &links[0], &secure).await;
    assert_eq!(
        again["eligible_channel"]["security_key"],
        json!(key),
        "the key is kept"
    );

    let keyword = json!({"eligible_channel": {"sms_keyword": "fries"}});
    let (status, body) = put(&app, &token, &links[0], &keyword).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "Sms keyword is not allowed on this channel"})
        )
    );
    let allow = json!({"channel": {"allow_sms_keyword": true}});
    let (status, _) = put(&app, &token, &format!("/v1.0/channels/{channel}"), &allow).await;
    assert_eq!(status, 200);
    let (status, body) = put(&app, &token, &links[0], &keyword).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["eligible_channel"]["sms_keyword"], json!("FRIES"));
    let (status, body) = put(
        &app,
        &token,
        &links[1],
        &json!({"eligible_channel": {"sms_keyword": "Fries"}}),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "Sms keyword is taken by another offer"})
        )
    );
    for bad in [
        json!({"eligible_channel": {"security": "password"}}),
        json!({"eligible_channel": {"sms_keyword": "two words"}}),
        json!({"eligible_channel": {"allow_return_later": "no"}}),
    ] {
        let (status, body) = put(&app, &token, &links[1], &bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (_, second) = get(&app, &token, &links[1]).await;
    assert_eq!(second["eligible_channel"]["sms_keyword"], Value::Null);
    assert_eq!(
        second["eligible_channel"]["allow_return_later"],
        json!(true)
    );

    let (_, first) = get(&app, &token, &links[0]).await;
    let link = &first["eligible_channel"];
    assert_eq!(
        (
            link["security"].clone(),
            link["security_key"].clone(),
            link["sms_keyword"].clone()
        ),
        (json!("key"), json!(key), json!("FRIES"))
    );
    let offer_path = links[0].rsplit_once("/channels").unwrap().0.to_owned();
    let (_, offer) = get(&app, &token, &offer_path).await;
    assert_eq!(
        offer["offer"]["channels"][0]["channel"]["sms_keyword"],
        json!("FRIES")
    );
    app.stop().await;
}
