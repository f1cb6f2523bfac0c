//! The destination checks against real local receivers: a name is resolved once per attempt
//! and the connection goes to the address that was checked, even when DNS answers
//! differently right after (rebinding); a name that resolves only to refused addresses ends
//! `refused` without a request; and the receiver is reached only through the allow-list.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use benches::load::{Behaviour, Receiver};
use callbacks::deliveries::BoxFuture;
use callbacks::destination::{Resolver, StaticResolver};
use callbacks::{DeliveryStatus, Destinations, DispatcherConfig};
use std::io;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use support::{channel_page, eventually, fast_config, only_delivery_ends, World, WAIT};

/// Answers `first` to the first lookup, `then` to every later one.
struct Rebinding {
    first: IpAddr,
    then: IpAddr,
    lookups: AtomicUsize,
}

impl Resolver for Rebinding {
    fn lookup<'a>(&'a self, _host: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        let answer = match self.lookups.fetch_add(1, Ordering::AcqRel) {
            0 => self.first,
            _ => self.then,
        };
        Box::pin(async move { Ok(vec![answer]) })
    }
}

fn config(resolver: Arc<dyn Resolver>) -> DispatcherConfig {
    DispatcherConfig {
        destinations: Destinations::new("127.0.0.1/32".parse().unwrap()).with_resolver(resolver),
        ..fast_config()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_goes_to_the_address_that_was_checked() {
    let receiver = Receiver::start(Behaviour::Accept).unwrap();
    let resolver = Arc::new(Rebinding {
        first: "127.0.0.1".parse().unwrap(),
        then: "127.0.0.2".parse().unwrap(),
        lookups: AtomicUsize::new(0),
    });
    let world = World::new().await;
    let url = format!("http://rebinding.test:{}/cb", receiver.port);
    let shop = world.shop(1, Some(&url), false).await;
    let dispatcher = world.dispatcher(config(resolver.clone())).await;
    world.conversion(&shop).await;
    let deliveries = dispatcher.deliveries();
    assert!(only_delivery_ends(&deliveries, &shop, DeliveryStatus::Delivered).await);
    let view = &channel_page(&deliveries, &shop).deliveries[0];
    assert_eq!(view.attempts, 1, "{view:?}");
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(
        resolver.lookups.load(Ordering::Acquire),
        1,
        "one lookup per attempt; the client connected to its answer"
    );
    dispatcher.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_destinations_end_refused_without_a_request() {
    let receiver = Receiver::start(Behaviour::Accept).unwrap();
    let resolver = Arc::new(StaticResolver::new());
    resolver.set("metadata.test", &["169.254.169.254".parse().unwrap()]);
    resolver.set("partner.test", &["127.0.0.1".parse().unwrap()]);
    let world = World::new().await;
    let port = receiver.port;
    let urls = [
        format!("http://metadata.test:{port}/cb"),
        format!("http://127.0.0.2:{port}/cb"),
        format!("http://[::ffff:127.0.0.2]:{port}/cb"),
        format!("http://0.0.0.0:{port}/cb"),
        format!("http://partner.test:{port}/cb"),
    ];
    let mut shops = Vec::new();
    for (index, url) in urls.iter().enumerate() {
        shops.push(world.shop(index as u64 + 1, Some(url), false).await);
    }
    let dispatcher = world.dispatcher(config(resolver)).await;
    for shop in &shops {
        world.conversion(shop).await;
    }
    let deliveries = dispatcher.deliveries();
    let status = |index: usize| {
        let shop = &shops[index];
        channel_page(&deliveries, shop)
            .deliveries
            .first()
            .map(|view| (view.status, view.attempts, view.last_error.clone()))
    };
    assert!(
        eventually(WAIT, || (0..shops.len()).all(
            |i| status(i).is_some_and(|(s, _, _)| s != DeliveryStatus::Pending)
        ))
        .await
    );
    for (index, url) in urls.iter().enumerate().take(4) {
        assert_eq!(
            status(index),
            Some((
                DeliveryStatus::Refused,
                0,
                Some("destination not allowed".into())
            )),
            "{url}"
        );
    }
    assert_eq!(
        status(4).map(|(s, _, _)| s),
        Some(DeliveryStatus::Delivered)
    );
    let received = receiver.received();
    assert_eq!(received.len(), 1, "only the allowed partner was called");
    dispatcher.shutdown().await;
}
