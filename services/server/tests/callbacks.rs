//! The real `server` binary with its embedded dispatcher: a redemption's callback reaches a
//! local partner, and a callback url pointing at the server itself is refused (never called).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use benches::load::{Api, Behaviour, PosFixture, Receiver, ServerProcess};
use reqwest::Method;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_promo");
const ENV: &[(&str, &str)] = &[
    ("PROMO_PARTITIONS", "2"),
    ("PROMO_WORKERS", "1"),
    ("PROMO_CALLBACK_ALLOW", "127.0.0.0/8"),
];

async fn redeem(api: &Api, fixture: &PosFixture, index: usize) -> Value {
    fixture.redeem(api, index).await.unwrap().1
}

async fn deliveries(api: &Api, channel: u64, status: &str) -> Value {
    let path = format!("/v1.0/channels/{channel}/deliveries");
    for _ in 0..250 {
        let listed = api.expect(Method::GET, &path, None, 200).await.unwrap();
        if listed["deliveries"][0]["delivery"]["status"] == status {
            return listed;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no {status} delivery on channel {channel}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_dispatcher_calls_partners_and_never_the_server_itself() {
    let receiver = Receiver::start(Behaviour::Accept).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = ServerProcess::start(Path::new(BIN), &["serve"], &data, ENV)
        .await
        .unwrap();
    let printed = server.printed.clone().unwrap();
    let api = Api::login(&server.base, &printed.identity, &printed.key)
        .await
        .unwrap();
    let fixture = PosFixture::create(&api, 2, 2, json!({})).await.unwrap();
    let channel = fixture.channel_id;
    let url = json!({"channel": {"conversion_callback_url":
        format!("{}/cb/%{{credential_id}}?xid=%{{xid}}", receiver.base)}});
    api.expect(
        Method::PUT,
        &format!("/v1.0/channels/{channel}"),
        Some(&url),
        200,
    )
    .await
    .unwrap();
    let redeemed = redeem(&api, &fixture, 0).await;
    let received = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].json()["redemption_id"],
        redeemed["redemption"]["id"]
    );
    assert!(received[0].target.starts_with("/cb/"));
    let listed = deliveries(&api, channel, "delivered").await;
    assert_eq!(
        listed["deliveries"][0]["delivery"]["id"].as_str(),
        received[0].header("x-delivery-id")
    );

    let own = json!({"channel": {"conversion_callback_url":
        format!("{}/v1.0/members?c=%{{credential_id}}", server.base.replace("127.0.0.1", "localhost"))}});
    api.expect(
        Method::PUT,
        &format!("/v1.0/channels/{channel}"),
        Some(&own),
        200,
    )
    .await
    .unwrap();
    redeem(&api, &fixture, 1).await;
    let listed = deliveries(&api, channel, "refused").await;
    assert_eq!(listed["deliveries"][0]["delivery"]["attempts"], 0);
    assert_eq!(listed["total_entries"], 2);
}
