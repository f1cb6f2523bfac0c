//! The seed's "Sample Implementation" end to end over real HTTP, one request after another as
//! a client would send them: members, search, merchant and store, offer, approve, channel,
//! link with xid, credential with identifier, redeem at the point of sale, and the credential
//! redeemed afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use reqwest::Method;
use serde_json::json;
use support::{read, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_implementation_runs_end_to_end() {
    let app = spawn_app().await;
    let token = app.login(1).await;

    let (status, body) = read(app.get(&token, "/v1.0/members.json").await).await;
    assert_eq!((status, body["total_entries"].clone()), (200, json!(0)));
    let member = json!({"member": {"identifier": "unique-member-id"}});
    let (status, body) = read(app.post(&token, "/v1.0/members.json", &member).await).await;
    assert_eq!(status, 201);
    let member_id = body["member"]["id"].as_u64().unwrap();
    let search = "/v1.0/members/search.json?identifier=unique-member-id";
    let (status, body) = read(app.get(&token, search).await).await;
    assert_eq!(
        (status, body["member"]["id"].as_u64()),
        (200, Some(member_id))
    );

    let merchant = json!({"merchant": {"name": "Q Burger"}});
    let (_, body) = read(app.post(&token, "/v1.0/merchants.json", &merchant).await).await;
    let merchant_id = body["merchant"]["id"].as_u64().unwrap();
    let store = json!({"store": {"name": "Main St"}});
    let path = format!("/v1.0/merchants/{merchant_id}/stores.json");
    let (status, body) = read(app.post(&token, &path, &store).await).await;
    assert_eq!(status, 201);
    let store_id = body["store"]["id"].as_u64().unwrap();

    let offer = json!({"offer": {"name": "Test offer", "merchant_id": merchant_id,
        "reward_kind": "order_percent_off", "reward_value": "10"}});
    let (status, body) = read(app.post(&token, "/v1.0/offers.json", &offer).await).await;
    assert_eq!(
        (status, body["offer"]["status"].clone()),
        (201, json!("pending"))
    );
    let offer_id = body["offer"]["id"].as_u64().unwrap();
    let approve = format!("/v1.0/offers/{offer_id}/actions/approve.json");
    let (status, body) = read(
        app.send_json(Method::PUT, &token, &approve, &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["offer"]["status"].clone()),
        (200, json!("approved"))
    );

    let channel = json!({"channel": {"name": "Email"}});
    let (status, body) = read(app.post(&token, "/v1.0/channels.json", &channel).await).await;
    assert_eq!(status, 201);
    let channel_id = body["channel"]["id"].as_u64().unwrap();
    let link = json!({"offer": {"channel_ids": [channel_id]}});
    let path = format!("/v1.0/offers/{offer_id}/channels.json");
    let (status, body) = read(app.post(&token, &path, &link).await).await;
    assert_eq!(status, 201);
    assert_eq!(
        body,
        json!({"offer": {"channel_ids": [channel_id], "id": offer_id}})
    );
    let (_, body) = read(
        app.get(&token, &format!("/v1.0/offers/{offer_id}.json"))
            .await,
    )
    .await;
    let linked = &body["offer"]["channels"][0]["channel"];
    assert_eq!(linked["id"].as_u64(), Some(channel_id));
    assert_eq!(linked["offer_id"].as_u64(), Some(offer_id));
    assert!(!linked["xid"].as_str().unwrap().is_empty());

    let path = format!(
        "/v1.0/credentials.json?member_id={member_id}&offer_id={offer_id}&channel_id={channel_id}"
    );
    let (status, body) = read(
        app.client
            .post(app.url(&path))
            .header("X-Auth-Token", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    let credential = &body["credential"];
    assert_eq!(credential["status"], "open");
    assert_eq!(credential["member_id"].as_u64(), Some(member_id));
    let credential_id = credential["id"].as_u64().unwrap();
    let code = credential["identifier"].as_str().unwrap().to_owned();

    let sale = json!({"store_id": store_id, "codes": [code], "basket": {"lines": [
        {"line_id": "1", "item_code": "BURGER", "quantity": 2, "unit_price": "5.00"}]}});
    let (status, body) = read(
        app.client
            .post(app.url("/v1.0/pos/redemptions.json"))
            .header("X-Auth-Token", &token)
            .header("Idempotency-Key", "txn-1")
            .json(&sale)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let redemption = &body["redemption"];
    assert_eq!(redemption["status"], "committed");
    assert_eq!(redemption["lines"][0]["discount"], "1.00");
    assert_eq!(redemption["total_discount"], "1.00");

    let path = format!("/v1.0/credentials/{credential_id}.json");
    let (status, body) = read(app.get(&token, &path).await).await;
    assert_eq!(
        (status, body["credential"]["status"].clone()),
        (200, json!("redeemed"))
    );
    app.stop().await;
}
