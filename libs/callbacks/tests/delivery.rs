//! Delivery against real local HTTP receivers: retries until a 2xx with every failed attempt
//! recorded, a partner that never answers ends timed out at the deadline, a restart resumes
//! pending deliveries without re-sending delivered ones, replays, refused urls, and a dead
//! partner that does not hold up the others.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use benches::load::{Behaviour, Receiver};
use callbacks::{DeliveryStatus, DispatcherConfig, ReplayError};
use domain::ids::AccountId;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use support::{channel_page, eventually, fast_config, only_delivery_ends, World, WAIT};

fn types(records: &[serde_json::Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for record in records {
        *counts
            .entry(record["type"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_failing_n_times_gets_it_once_delivered_with_n_failures_recorded() {
    const N: usize = 3;
    let receiver = Receiver::start(Behaviour::FailFirst(N)).unwrap();
    let world = World::new().await;
    let shop = world
        .shop(1, Some(&format!("{}/cb", receiver.base)), false)
        .await;
    let dispatcher = world.dispatcher(fast_config()).await;
    world.conversion(&shop).await;

    let received = receiver.wait_for(N + 1, WAIT).await;
    assert_eq!(received.len(), N + 1);
    let deliveries = dispatcher.deliveries();
    assert!(
        eventually(WAIT, || {
            channel_page(&deliveries, &shop).deliveries[0].status == DeliveryStatus::Delivered
        })
        .await
    );
    let id = received[0].header("x-delivery-id").unwrap();
    for (n, request) in received.iter().enumerate() {
        assert_eq!(request.header("x-delivery-id"), Some(id));
        assert_eq!(
            request.header("x-delivery-attempt"),
            Some(&*(n + 1).to_string())
        );
        assert_eq!(request.body, received[0].body);
    }
    let answered: Vec<u16> = received.iter().map(|request| request.answered).collect();
    assert_eq!(answered, [500, 500, 500, 200]);
    let page = channel_page(&deliveries, &shop);
    assert_eq!(page.total_entries, 1);
    let view = &page.deliveries[0];
    assert_eq!(view.id, id);
    assert_eq!(view.attempts, 4);
    assert_eq!(view.last_status, Some(200));
    assert!(view.delivered_at.is_some());
    dispatcher.shutdown().await;

    let counts = types(&world.own_records().await);
    assert_eq!(counts["delivery_scheduled"], 1);
    assert_eq!(counts["delivery_attempt_failed"], N);
    assert_eq!(counts["delivery_delivered"], 1);
    assert!(!counts.contains_key("delivery_timed_out"));
    assert_eq!(receiver.received().len(), N + 1, "nothing after the 2xx");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_that_never_answers_ends_timed_out_at_the_deadline() {
    let receiver = Receiver::start(Behaviour::Hang).unwrap();
    let world = World::new().await;
    let shop = world
        .shop(1, Some(&format!("{}/cb", receiver.base)), false)
        .await;
    let deadline = Duration::from_millis(1_500);
    let dispatcher = world
        .dispatcher(DispatcherConfig {
            deadline,
            request_timeout: Duration::from_millis(400),
            ..fast_config()
        })
        .await;
    let started = Instant::now();
    world.conversion(&shop).await;
    let deliveries = dispatcher.deliveries();
    let list = || channel_page(&deliveries, &shop);
    assert!(eventually(WAIT, || list().total_entries == 1).await);
    assert_eq!(list().deliveries[0].status, DeliveryStatus::Pending);
    assert!(
        eventually(WAIT, || list().deliveries[0].status
            == DeliveryStatus::TimedOut)
        .await
    );
    let elapsed = started.elapsed();
    assert!(elapsed >= deadline, "timed out early: {elapsed:?}");
    let view = &list().deliveries[0];
    assert_eq!(view.error_code, Some("TIMEOUT_EXCEEDED"));
    assert!(view.attempts >= 2, "{view:?}");
    assert_eq!(receiver.received().len() as u32, view.attempts);
    dispatcher.shutdown().await;
    let counts = types(&world.own_records().await);
    assert_eq!(counts["delivery_timed_out"], 1);
    assert_eq!(counts["delivery_attempt_failed"] as u32, view.attempts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_resumes_pending_and_new_ones_without_resending_delivered_ones() {
    let receiver = Receiver::start(Behaviour::Accept).unwrap();
    let world = World::new().await;
    let shop = world
        .shop(
            1,
            Some(&format!("{}/cb/%{{credential_id}}", receiver.base)),
            false,
        )
        .await;
    let config = DispatcherConfig {
        deadline: Duration::from_secs(30),
        ..fast_config()
    };
    let dispatcher = world.dispatcher(config.clone()).await;
    let delivered = world.conversion(&shop).await;
    receiver.wait_for(1, WAIT).await;
    receiver.set_behaviour(Behaviour::Status(503));
    let pending = world.conversion(&shop).await;
    receiver.wait_for(2, WAIT).await;
    dispatcher.shutdown().await;
    let missed = world.conversion(&shop).await;

    receiver.set_behaviour(Behaviour::Accept);
    let dispatcher = world.dispatcher(config).await;
    let deliveries = dispatcher.deliveries();
    assert!(
        eventually(WAIT, || {
            let page = channel_page(&deliveries, &shop);
            page.total_entries == 3
                && page
                    .deliveries
                    .iter()
                    .all(|view| view.status == DeliveryStatus::Delivered)
        })
        .await
    );
    let by_path = |credential: u64| {
        receiver
            .received()
            .into_iter()
            .filter(|request| request.target == format!("/cb/{credential}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(by_path(delivered.0).len(), 1, "delivered once, never again");
    let retried = by_path(pending.0);
    assert!(retried.len() >= 2);
    assert_eq!(retried.last().unwrap().answered, 200);
    assert!(retried
        .iter()
        .all(|request| request.header("x-delivery-id") == retried[0].header("x-delivery-id")));
    let missed_requests = by_path(missed.0);
    let described: Vec<_> = missed_requests
        .iter()
        .map(|request| {
            (
                request.header("x-delivery-id").map(str::to_owned),
                request.at,
                request.answered,
            )
        })
        .collect();
    assert_eq!(missed_requests.len(), 1, "{described:?}");
    dispatcher.shutdown().await;
    let counts = types(&world.own_records().await);
    assert_eq!(counts["delivery_scheduled"], 3, "none scheduled twice");
    assert_eq!(counts["delivery_delivered"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_final_delivery_can_be_replayed_with_the_same_id() {
    let receiver = Receiver::start(Behaviour::Status(500)).unwrap();
    let world = World::new().await;
    let shop = world
        .shop(1, Some(&format!("{}/cb", receiver.base)), false)
        .await;
    let dispatcher = world
        .dispatcher(DispatcherConfig {
            deadline: Duration::from_millis(300),
            ..fast_config()
        })
        .await;
    world.conversion(&shop).await;
    let deliveries = dispatcher.deliveries();
    let first = || channel_page(&deliveries, &shop).deliveries[0].clone();
    assert!(only_delivery_ends(&deliveries, &shop, DeliveryStatus::TimedOut).await);
    let id = first().id;
    assert_eq!(
        deliveries
            .replay(AccountId(2), Some(shop.channel), &id)
            .await,
        Err(ReplayError::NotFound)
    );
    assert_eq!(
        deliveries.replay(shop.account, None, &id).await,
        Err(ReplayError::NotFound)
    );

    receiver.set_behaviour(Behaviour::Accept);
    let replayed = deliveries
        .replay(shop.account, Some(shop.channel), &id)
        .await
        .unwrap();
    assert_eq!(replayed.status, DeliveryStatus::Pending);
    assert_eq!(replayed.replays, 1);
    assert!(eventually(WAIT, || first().status == DeliveryStatus::Delivered).await);
    let last = receiver.received().last().cloned().unwrap();
    assert_eq!(last.header("x-delivery-id"), Some(id.as_str()));
    assert_eq!(last.answered, 200);
    dispatcher.shutdown().await;
    let counts = types(&world.own_records().await);
    assert_eq!(counts["delivery_replay_requested"], 1);
    assert_eq!(counts["delivery_timed_out"], 1);
    assert_eq!(counts["delivery_delivered"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_own_listener_is_refused_and_never_called() {
    let receiver = Receiver::start(Behaviour::Accept).unwrap();
    let world = World::new().await;
    let shop = world
        .shop(
            1,
            Some(&format!("http://localhost:{}/cb", receiver.port)),
            false,
        )
        .await;
    let dispatcher = world
        .dispatcher(DispatcherConfig {
            own_address: Some(format!("127.0.0.1:{}", receiver.port).parse().unwrap()),
            ..fast_config()
        })
        .await;
    world.conversion(&shop).await;
    let deliveries = dispatcher.deliveries();
    assert!(only_delivery_ends(&deliveries, &shop, DeliveryStatus::Refused).await);
    let view = &channel_page(&deliveries, &shop).deliveries[0];
    assert_eq!(view.attempts, 0);
    assert_eq!(view.error_code, Some("REFUSED"));
    assert!(receiver.received().is_empty());
    dispatcher.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_partner_does_not_hold_up_another() {
    let dead = Receiver::start(Behaviour::Hang).unwrap();
    let alive = Receiver::start(Behaviour::Accept).unwrap();
    let world = World::new().await;
    let dead_shop = world
        .shop(1, Some(&format!("{}/dead", dead.base)), false)
        .await;
    let alive_shop = world
        .shop_in(
            dead_shop.account,
            Some(&format!("{}/alive", alive.base)),
            false,
        )
        .await;
    let dispatcher = world
        .dispatcher(DispatcherConfig {
            per_host: 2,
            concurrency: 4,
            request_timeout: Duration::from_secs(5),
            deadline: Duration::from_secs(8),
            ..fast_config()
        })
        .await;
    for _ in 0..10 {
        world.conversion(&dead_shop).await;
    }
    assert_eq!(dead.wait_for(2, WAIT).await.len(), 2);
    let sent = Instant::now();
    world.conversion(&alive_shop).await;
    assert_eq!(alive.wait_for(1, WAIT).await.len(), 1);
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "held up: {:?}",
        sent.elapsed()
    );
    assert_eq!(
        dead.received().len(),
        2,
        "at most per_host in flight to one host"
    );
    dispatcher.shutdown().await;
}
