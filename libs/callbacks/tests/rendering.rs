//! What a partner receives, against a real local HTTP receiver: every placeholder rendered and
//! percent-encoded exactly, the JSON body, the delivery id header, a signature that verifies
//! with the documented recipe, and the account-level callback when callbacks are enabled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use benches::load::{Behaviour, Receiver};
use callbacks::{Deliveries, DeliveryStatus, DispatcherConfig};
use chrono::SecondsFormat;
use clock::ManualClock;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;
use support::{channel_page, eventually, fast_config, Shop, World, WAIT};

/// A receiver that accepts everything, and a shop of a new world whose channel calls it at
/// `/signed` and signs its callbacks: the receiver, the world, the shop and the channel's
/// secret.
async fn signed_shop() -> (Receiver, World, Shop, String) {
    let receiver = Receiver::start(Behaviour::Accept).unwrap();
    let world = World::new().await;
    let shop = world
        .shop(1, Some(&format!("{}/signed", receiver.base)), true)
        .await;
    let secret = shop.secret.clone().unwrap();
    (receiver, world, shop, secret)
}

/// Whether the newest delivery to `shop`'s channel comes to be delivered within [`WAIT`].
async fn newest_delivered(deliveries: &Arc<dyn Deliveries>, shop: &Shop) -> bool {
    eventually(WAIT, || {
        channel_page(deliveries, shop)
            .deliveries
            .first()
            .is_some_and(|delivery| delivery.status == DeliveryStatus::Delivered)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placeholders_are_rendered_and_encoded_exactly() {
    let receiver = Receiver::start(Behaviour::Accept).unwrap();
    let world = World::new().await;
    let template = format!(
        "{}/cb/%{{credential_id}}?xid=%{{xid}}&o=%{{offer_id}}&os=%{{offer_ids}}&s=%{{store_id}}\
         &at=%{{redeemed_at}}&st=%{{status}}&u=%{{sf_uid}}&ac=%{{sf_ac}}&click=%{{click_id}}\
         &none=%{{nope}}",
        receiver.base
    );
    let shop = world.shop(1, Some(&template), false).await;
    let (credential, code) = world
        .issue(&shop, &[("click_id", "a b&c=d/é"), ("status", "x")])
        .await;
    let dispatcher = world.dispatcher(fast_config()).await;
    let redeemed = world.redeem(&shop, &code).await;

    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    let at = redeemed
        .occurred_at
        .to_rfc3339_opts(SecondsFormat::Secs, true)
        .replace(':', "%3A");
    assert_eq!(
        received[0].target,
        format!(
            "/cb/{}?xid={}&o={}&os={}&s={}&at={at}&st=redeemed&u=member%20one%2F{}&ac=\
             &click=a%20b%26c%3Dd%2F%C3%A9&none=",
            credential.0, shop.xid, shop.offer.0, shop.offer.0, shop.store.0, shop.channel.0
        )
    );
    let body = received[0].json();
    assert_eq!(body["event"], "conversion");
    assert_eq!(body["version"], 1);
    assert_eq!(body["target"], "channel");
    assert_eq!(body["credential_id"], credential.0);
    assert_eq!(body["channel_id"], shop.channel.0);
    assert_eq!(body["xid"], shop.xid.as_str());
    assert_eq!(body["status"], "redeemed");
    assert_eq!(body["sf_uid"], format!("member one/{}", shop.channel.0));
    assert_eq!(body["conv_ids"]["click_id"], "a b&c=d/é");
    assert_eq!(
        received[0].header("x-delivery-id"),
        body["delivery_id"].as_str()
    );
    assert_eq!(received[0].header("x-delivery-attempt"), Some("1"));
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    assert_eq!(received[0].header("x-signature"), None);
    dispatcher.shutdown().await;
}

/// The signature verifies with the README's recipe, over a timestamp read from the
/// dispatcher's clock (a manual one, set years ahead): fails if the client signs with the
/// system time, or if the delivered record is stamped by another clock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signature_verifies_with_the_documented_recipe() {
    let (receiver, world, shop, secret) = signed_shop().await;
    let signed_at = chrono::DateTime::from_timestamp(1_900_000_000, 0).unwrap();
    let dispatcher = world
        .dispatcher(DispatcherConfig {
            clock: Arc::new(ManualClock::new(signed_at)),
            ..fast_config()
        })
        .await;
    world.conversion(&shop).await;

    let received = receiver.wait_for(1, WAIT).await;
    let request = &received[0];
    let timestamp = request.header("x-signature-timestamp").unwrap();
    let signature = request.header("x-signature").unwrap();
    // The recipe of the README, step by step: HMAC-SHA256 keyed with the secret's text over
    // "<timestamp>.<raw body>", lowercase hex.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(&request.body);
    assert_eq!(signature, hex::encode(mac.finalize().into_bytes()));
    assert_eq!(timestamp, signed_at.timestamp().to_string());
    let now = signed_at.timestamp();
    assert_eq!(
        callbacks::sign::verify(
            secret.as_bytes(),
            timestamp,
            signature,
            &request.body,
            now,
            300
        ),
        Ok(())
    );
    let mut tampered = request.body.clone();
    tampered.push(b' ');
    assert!(
        callbacks::sign::verify(secret.as_bytes(), timestamp, signature, &tampered, now, 300)
            .is_err()
    );
    let deliveries = dispatcher.deliveries();
    let delivered = signed_at.to_rfc3339_opts(SecondsFormat::Millis, true);
    assert!(
        eventually(WAIT, || {
            channel_page(&deliveries, &shop)
                .deliveries
                .first()
                .and_then(|delivery| delivery.delivered_at.as_deref())
                == Some(delivered.as_str())
        })
        .await,
        "the delivery is recorded as delivered at the dispatcher's time"
    );
    dispatcher.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enabled_account_callbacks_go_out_beside_the_channels() {
    let channel_receiver = Receiver::start(Behaviour::Accept).unwrap();
    let account_receiver = Receiver::start(Behaviour::Accept).unwrap();
    let world = World::new().await;
    let shop = world
        .shop(1, Some(&format!("{}/c", channel_receiver.base)), false)
        .await;
    let dispatcher = world.dispatcher(fast_config()).await;
    world.conversion(&shop).await;
    assert_eq!(channel_receiver.wait_for(1, WAIT).await.len(), 1);
    assert!(account_receiver.received().is_empty());

    world
        .account_callback(
            shop.account,
            &format!("{}/account/%{{credential_id}}", account_receiver.base),
        )
        .await;
    let credential = world.conversion(&shop).await;
    let received = account_receiver.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].target, format!("/account/{}", credential.0));
    assert_eq!(received[0].json()["target"], "account");
    assert_eq!(channel_receiver.wait_for(2, WAIT).await.len(), 2);
    let ids: Vec<_> = channel_receiver
        .received()
        .iter()
        .chain(received.iter())
        .map(|request| request.header("x-delivery-id").unwrap().to_owned())
        .collect();
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "every callback has its own id");
    dispatcher.shutdown().await;
}

/// Whether `request` carries a signature that `secret` verifies.
fn signed_with(request: &benches::load::Received, secret: &str) -> bool {
    let (Some(timestamp), Some(signature)) = (
        request.header("x-signature-timestamp"),
        request.header("x-signature"),
    ) else {
        return false;
    };
    let now = timestamp.parse::<i64>().unwrap_or_default();
    callbacks::sign::verify(
        secret.as_bytes(),
        timestamp,
        signature,
        &request.body,
        now,
        0,
    )
    .is_ok()
}

/// A delivery signed before the channel's secret is rotated, then replayed after it: the
/// replay is signed with the new secret only, as every attempt after a rotation is (the
/// partner switches secrets when it rotates them; nothing signs with a secret it gave up).
/// Fails if the dispatcher keeps the secret it knew when the delivery was scheduled (seen
/// failing with `keep_secret` not called for channel updates).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_after_a_secret_rotation_is_signed_with_the_new_secret() {
    let (receiver, world, shop, old) = signed_shop().await;
    let dispatcher = world.dispatcher(fast_config()).await;
    world.conversion(&shop).await;
    let first = receiver.wait_for(1, WAIT).await[0].clone();
    assert!(signed_with(&first, &old));

    let rotated = world
        .run(
            shop.account,
            domain::Command::UpdateChannel {
                channel_id: shop.channel,
                fields: domain::channel::ChannelFields {
                    rotate_hmac_secret: true,
                    ..Default::default()
                },
            },
        )
        .await;
    let new = match &rotated[0].kind {
        domain::EventKind::ChannelUpdated(channel) => channel.hmac_secret.clone().unwrap(),
        other => panic!("{other:?}"),
    };
    assert_ne!(new, old);
    let deliveries = dispatcher.deliveries();
    let id = first.header("x-delivery-id").unwrap().to_owned();
    assert!(newest_delivered(&deliveries, &shop).await);
    // The follower applies the rotation in log order; give it the time to read it.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        deliveries
            .replay(shop.account, Some(shop.channel), &id)
            .await
            .unwrap();
        let received = receiver.wait_for(2, WAIT).await;
        let last = received.last().unwrap();
        if signed_with(last, &new) {
            assert!(!signed_with(last, &old), "signed with the old secret too");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "replays are still signed with the old secret"
        );
        assert!(newest_delivered(&deliveries, &shop).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    dispatcher.shutdown().await;
}
