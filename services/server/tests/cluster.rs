//! Services sharing the partitions: three `promo command-service` instances and two `promo
//! projector` instances on one Kafka topic of 12 partitions and one Postgres database
//! (leases and read models).
//!
//! - Each command service owns 4 partitions (+-1), each projector 6, none two; the seed's
//!   sample flow and the POS flow work through every instance (requests for partitions owned
//!   elsewhere are forwarded to the owner), a forged forwarding header is ignored, and the
//!   forwarding overhead is measured against the owner in the same run.
//! - SIGKILL of the command service owning the busy account's partition, and of a projector,
//!   while redemptions run through all three: the partitions move to the survivors within
//!   10 s; every code, retried with its idempotency key by a client that moves on to another
//!   instance, is redeemed exactly once, acknowledged ones included, in the log and in the
//!   read models; then a burst of 1,000 spread over the survivors against a limit of 100
//!   redeems exactly 100.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use benches::load::PosFixture;
use reqwest::Method;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use support::cluster::{committed_in_log, health, metrics, percentile, redeem_retrying, Layout};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_share_the_partitions_and_forward_to_the_owner() {
    let layout = Layout::start().await;
    let owned = layout.wait_balanced(Duration::from_secs(5)).await;
    for (index, mine) in owned.iter().enumerate() {
        let text = metrics(&layout.members[index].base).await;
        let gauges = testkit::metric(&text, "partition_owned", &[]);
        assert!(gauges.is_some(), "partition_owned on /metrics: {text}");
        let health = health(&layout.members[index].base).await.unwrap();
        assert_eq!(health["status"], "ok", "{health}");
        assert!(health["instance"].is_string(), "{health}");
        assert!((3..=5).contains(&mine.len()), "{owned:?}");
    }

    // The seed's sample flow and the POS flow through every instance.
    let owner = layout.owner_of(1).await;
    let mut shop: Option<PosFixture> = None;
    for index in 0..layout.members.len() {
        let api = layout.api(index).await;
        let identifier = format!("sample-member-{index}");
        let body = json!({"member": {"identifier": identifier}});
        api.expect(Method::POST, "/v1.0/members.json", Some(&body), 201)
            .await
            .unwrap();
        let path = format!("/v1.0/members/search.json?identifier={identifier}");
        let found = api.expect(Method::GET, &path, None, 200).await.unwrap();
        assert_eq!(
            found["member"]["identifier"],
            identifier.as_str(),
            "{found}"
        );
        let mut fixture = match &shop {
            None => PosFixture::create(&api, 4, 4, json!({})).await.unwrap(),
            Some(shop) => shop.with_new_offer(&api, json!({})).await.unwrap(),
        };
        fixture.codes = fixture.issue(&api, 4, 4).await.unwrap();
        shop.get_or_insert_with(|| fixture.clone());
        for code in 0..4 {
            let key = format!("sample-{index}-{code}");
            let (status, answer) = fixture.redeem_keyed(&api, code, &key).await.unwrap();
            assert_eq!(status, 201, "through instance {index}: {answer}");
            let (status, again) = fixture.redeem_keyed(&api, code, &key).await.unwrap();
            assert_eq!(
                (status, &again["redemption"]["id"]),
                (201, &answer["redemption"]["id"])
            );
        }
        let missing = api
            .expect(Method::GET, "/v1.0/offers/987654321", None, 404)
            .await
            .unwrap();
        assert!(missing["error"].is_string(), "{missing}");
    }

    // A request naming a forward is never forwarded again (no instance bounces it), and
    // whatever client address it names is not believed without the shared secret's tag.
    let outsider = (owner + 1) % layout.members.len();
    let api = layout.api(outsider).await;
    let text = metrics(&layout.members[outsider].base).await;
    let answered = testkit::metric(
        &text,
        "forwarded_requests_total",
        &[("outcome", "answered")],
    );
    assert!(answered.unwrap_or(0.0) > 0.0, "{text}");
    let forged = api
        .request(Method::POST, "/v1.0/members")
        .header("X-Promo-Forwarded", "203.0.113.7 00ff")
        .json(&json!({"member": {"identifier": "forged-forwarding"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 503);
    assert_eq!(forged.headers()["retry-after"], "1");

    // The forwarding overhead: redemptions to the owner and to a non-owner, interleaved.
    const SAMPLES: usize = 200;
    let owner_api = layout.api(owner).await;
    let mut fixture = shop
        .unwrap()
        .with_new_offer(&owner_api, json!({}))
        .await
        .unwrap();
    fixture.codes = fixture.issue(&owner_api, 2 * SAMPLES, 8).await.unwrap();
    let (mut direct, mut forwarded) = (Vec::new(), Vec::new());
    for sample in 0..SAMPLES {
        for (api, times, code) in [
            (&owner_api, &mut direct, 2 * sample),
            (&api, &mut forwarded, 2 * sample + 1),
        ] {
            let started = Instant::now();
            let key = format!("overhead-{code}");
            let (status, body) = fixture.redeem_keyed(api, code, &key).await.unwrap();
            times.push(started.elapsed());
            assert_eq!(status, 201, "{body}");
        }
    }
    direct.sort();
    forwarded.sort();
    let (direct_p50, direct_p99) = (percentile(&direct, 0.5), percentile(&direct, 0.99));
    let (forwarded_p50, forwarded_p99) =
        (percentile(&forwarded, 0.5), percentile(&forwarded, 0.99));
    eprintln!(
        "redemption to the owner: p50 {direct_p50:?} p99 {direct_p99:?}; through a non-owner: \
         p50 {forwarded_p50:?} p99 {forwarded_p99:?} ({SAMPLES} each, sequential)"
    );
    assert!(
        forwarded_p50 < direct_p50 + Duration::from_millis(25),
        "forwarding costs {forwarded_p50:?} against {direct_p50:?}"
    );

    // Sign-in attempts naming a different client address each in a forged header are all
    // budgeted against the real one (127.0.0.1): past its burst they are refused.
    let client = reqwest::Client::new();
    let mut refused = 0;
    // (the address burst is 30: see libs/api/src/auth/limits.rs)
    for attempt in 0..100 {
        let status = client
            .get(format!("{}/auth", layout.members[outsider].base))
            .header("X-Auth-Identity", format!("nobody-{attempt}"))
            .header("X-Auth-Key", "wrong")
            .header("X-Promo-Forwarded", format!("198.51.100.{attempt} 00ff"))
            .send()
            .await
            .unwrap()
            .status();
        refused += usize::from(status == 429);
    }
    assert!(refused > 0, "forged addresses escaped the address budget");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_instance_s_partitions_move_and_no_redemption_is_lost_or_doubled() {
    const CODES: usize = 600;
    const KILL_AFTER: usize = 150;
    const BURST: usize = 1_000;
    const LIMIT: u64 = 100;
    let mut layout = Layout::start().await;
    let owner = layout.owner_of(1).await;
    let owner_api = layout.api(owner).await;
    let fixture = PosFixture::create(&owner_api, CODES, 16, json!({}))
        .await
        .unwrap();
    let mut limited = fixture
        .with_new_offer(&owner_api, json!({"max_redemptions": LIMIT}))
        .await
        .unwrap();
    limited.codes = limited.issue(&owner_api, BURST, 16).await.unwrap();
    let apis = layout.apis().await;
    let apis = Arc::new(RwLock::new(apis));

    let answers = Arc::new(Mutex::new(BTreeMap::new()));
    let answered = Arc::new(AtomicUsize::new(0));
    let next = Arc::new(AtomicUsize::new(0));
    let mut senders = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (apis, fixture, answers, answered, next) = (
            apis.clone(),
            fixture.clone(),
            answers.clone(),
            answered.clone(),
            next.clone(),
        );
        senders.spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= CODES {
                    break;
                }
                let id = redeem_retrying(&apis, &fixture, index).await;
                answers.lock().unwrap().insert(index, id);
                answered.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    support::wait_until(Duration::from_secs(60), "answers before the kill", || {
        answered.load(Ordering::Relaxed) >= KILL_AFTER
    })
    .await;
    let acknowledged_before: BTreeMap<usize, u64> = answers.lock().unwrap().clone();
    let mut killed = layout.members.remove(owner);
    killed.kill().unwrap();
    let mut killed_projector = layout.projectors.remove(0);
    killed_projector.kill().unwrap();
    let killed_at = Instant::now();
    let owned = layout.wait_balanced(Duration::from_secs(10)).await;
    let moved_in = killed_at.elapsed();
    eprintln!("the killed instance's partitions moved in {moved_in:?}: {owned:?}");
    assert!(moved_in < Duration::from_secs(10));
    while let Some(sent) = senders.join_next().await {
        sent.unwrap();
    }

    let answers = answers.lock().unwrap().clone();
    assert_eq!(answers.len(), CODES, "every code redeemed");
    for (index, id) in &acknowledged_before {
        assert_eq!(
            answers.get(index),
            Some(id),
            "an acknowledged redemption kept its id"
        );
    }
    let ids: BTreeSet<u64> = answers.values().copied().collect();
    assert_eq!(ids.len(), CODES, "one redemption per code");
    let logged = committed_in_log(&layout.production.topic).await;
    assert_eq!(logged.keys().copied().collect::<BTreeSet<_>>(), ids);
    assert!(logged.values().all(|count| *count == 1), "{logged:?}");

    // A burst of 1,000 against a limit of 100, spread over the survivors.
    let survivors_apis = layout.apis().await;
    let mut burst = tokio::task::JoinSet::new();
    let next = Arc::new(AtomicUsize::new(0));
    for _ in 0..64 {
        let (apis, limited, next) = (survivors_apis.clone(), limited.clone(), next.clone());
        burst.spawn(async move {
            let mut statuses = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= BURST {
                    return statuses;
                }
                let api = &apis[index % apis.len()];
                let key = format!("burst-{index}");
                let (status, _) = limited.redeem_keyed(api, index, &key).await.unwrap();
                statuses.push(status);
            }
        });
    }
    let mut statuses = BTreeMap::new();
    while let Some(sent) = burst.join_next().await {
        for status in sent.unwrap() {
            *statuses.entry(status).or_insert(0_u64) += 1;
        }
    }
    assert_eq!(statuses.get(&201), Some(&LIMIT), "{statuses:?}");
    assert!(statuses.keys().all(|status| *status < 500), "{statuses:?}");
    let logged = committed_in_log(&layout.production.topic).await;
    assert_eq!(logged.len(), CODES + LIMIT as usize);
    let listed = support::listed_redemptions(&survivors_apis[0], CODES + LIMIT as usize).await;
    let logged: BTreeSet<u64> = logged.keys().copied().collect();
    assert_eq!(listed, logged, "the read models hold every redemption once");
}
