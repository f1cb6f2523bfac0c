//! What bounds a partner's answer and a tenant's share, over the real server: an endless
//! answer is read up to the cap and its connection dropped, one account's tarpit does not
//! hold up another account's deliveries, and `last_error` names the class of a failure,
//! never the error chain.

use super::support::spawn_app_with;
use super::{local_partners, newest_delivery, point_channel, redeem, shop};
use benches::load::{Behaviour, Receiver};
use callbacks::client::MAX_ANSWER_BYTES;
use callbacks::{Backoff, DispatcherConfig};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_answer_is_cut_at_the_cap_and_its_connection_dropped() {
    let receiver = Receiver::start(Behaviour::Endless).unwrap();
    let app = spawn_app_with(Some(DispatcherConfig {
        request_timeout: Duration::from_secs(5),
        destinations: local_partners(),
        ..DispatcherConfig::default()
    }))
    .await;
    let url = format!("{}/cb", receiver.base);
    let (token, api, fixture) = shop(&app, 1, 1, &url).await;
    redeem(&api, &fixture, 0).await;
    let delivered = newest_delivery(&app, &token, fixture.channel_id, WAIT, |d| {
        d["status"] == "delivered"
    })
    .await;
    assert_eq!(delivered["attempts"], 1, "{delivered}");
    assert_eq!(
        receiver.wait_for_hang_ups(1, WAIT).await,
        1,
        "the server hung up on the endless body"
    );
    let sent = receiver.sent_bytes();
    assert!(
        sent >= MAX_ANSWER_BYTES as u64,
        "at least the cap was offered: {sent}"
    );
    // The cap, plus what the sockets' buffers on both sides took before the hang-up.
    assert!(sent < 32 << 20, "{sent} bytes sent of the 10 GiB body");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_accounts_tarpit_does_not_hold_up_another_accounts_deliveries() {
    let tarpit = Receiver::start(Behaviour::Hang).unwrap();
    let healthy = Receiver::start(Behaviour::Accept).unwrap();
    let request_timeout = Duration::from_secs(4);
    let app = spawn_app_with(Some(DispatcherConfig {
        concurrency: 4,
        per_host: 4,
        per_account: 2,
        request_timeout,
        deadline: Duration::from_secs(8),
        destinations: local_partners(),
        ..DispatcherConfig::default()
    }))
    .await;
    let (_, slow_api, slow) = shop(&app, 1, 6, &format!("{}/tarpit", tarpit.base)).await;
    let (_, api, fixture) = shop(&app, 2, 1, &format!("{}/ok", healthy.base)).await;
    for index in 0..6 {
        redeem(&slow_api, &slow, index).await;
    }
    assert!(tarpit.wait_for(2, WAIT).await.len() >= 2);

    let sent = Instant::now();
    redeem(&api, &fixture, 0).await;
    assert_eq!(healthy.wait_for(1, WAIT).await.len(), 1);
    let waited = sent.elapsed();
    assert!(
        waited < request_timeout / 2,
        "account 2 waited {waited:?} behind account 1's tarpit"
    );
    assert_eq!(
        tarpit.received().len(),
        2,
        "account 1 holds at most its share of attempts"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_error_is_the_class_of_the_failure_never_the_chain() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let hang = Receiver::start(Behaviour::Hang).unwrap();
    let failing = Receiver::start(Behaviour::Status(500)).unwrap();
    let app = spawn_app_with(Some(DispatcherConfig {
        request_timeout: Duration::from_millis(300),
        deadline: Duration::from_secs(30),
        backoff: Backoff {
            initial: Duration::from_millis(50),
            multiplier: 2,
            max: Duration::from_millis(200),
        },
        destinations: local_partners(),
        ..DispatcherConfig::default()
    }))
    .await;
    let refused_url = format!("http://127.0.0.1:{closed_port}/cb");
    let (token, api, fixture) = shop(&app, 1, 3, &refused_url).await;
    let channel = fixture.channel_id;
    let failed_once = |redeemed: serde_json::Value| {
        move |d: &serde_json::Value| {
            d["redemption_id"] == redeemed["redemption"]["id"]
                && d["attempts"].as_u64().unwrap_or(0) >= 1
        }
    };

    let redeemed = redeem(&api, &fixture, 0).await;
    let refused = newest_delivery(&app, &token, channel, WAIT, failed_once(redeemed)).await;
    assert_eq!(refused["status"], "pending", "{refused}");
    assert_eq!(refused["last_error"], "connection refused", "{refused}");

    let (status, _) = point_channel(&app, &token, channel, &format!("{}/cb", hang.base)).await;
    assert_eq!(status, 200);
    let redeemed = redeem(&api, &fixture, 1).await;
    let timed_out = newest_delivery(&app, &token, channel, WAIT, failed_once(redeemed)).await;
    assert_eq!(timed_out["last_error"], "timed out", "{timed_out}");

    let (status, _) = point_channel(&app, &token, channel, &format!("{}/cb", failing.base)).await;
    assert_eq!(status, 200);
    let redeemed = redeem(&api, &fixture, 2).await;
    let answered = newest_delivery(&app, &token, channel, WAIT, failed_once(redeemed)).await;
    assert_eq!(answered["last_error"], "answered 500", "{answered}");
    assert_eq!(answered["last_status"], 500);
    app.stop().await;
}
