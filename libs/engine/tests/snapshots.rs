//! Snapshots of a partition's state: a restart from the newest snapshot plus the log after it
//! rebuilds exactly the state a full replay does (seeded workloads with idempotency keys,
//! redemptions, reservations and expiries), reads only that tail, falls back to a full replay
//! when the snapshot is unusable, keeps fencing across its boundary, and the actor writes them
//! every `snapshot_every` records (keeping the newest two) and at a clean shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "snapshots_support/measure.rs"]
mod measure;
mod support;

use chrono::Duration as Span;
use domain::redemption::RedemptionStatus;
use domain::{AccountState, Command, Decision};
use engine::snapshot::{self, FORMAT};
use engine::{ActorConfig, PartitionActor};
use eventlog::{EventLog, Snapshot, SnapshotStore, SqliteSnapshots};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

/// A snapshot store beside the setup's log.
async fn store(setup: &Setup) -> Arc<SqliteSnapshots> {
    let path = setup.dir.path().join("events.snapshots.db");
    Arc::new(SqliteSnapshots::open(path).await.unwrap())
}

/// A new actor for partition 0 reading (and, with `every`, writing) snapshots in `store`.
async fn start(setup: &Setup, store: Option<&Arc<SqliteSnapshots>>, every: Option<u64>) -> Actor {
    let config = ActorConfig {
        clock: setup.clock.clone(),
        seed: Some(7),
        snapshots: store.map(|store| Arc::clone(store) as Arc<dyn SnapshotStore>),
        snapshot_every: every,
        ..ActorConfig::default()
    };
    let handle = PartitionActor::start(setup.log.clone(), 0, config)
        .await
        .unwrap();
    Actor { handle }
}

/// Each keyed command a workload sent: its key and its answer (a refusal as its text).
type Answers = Vec<(String, Result<Decision, String>)>;

/// Runs `steps` seeded random commands (some refused, some repeated with their key) for
/// [`ACCOUNT`], moving the clock on so reservations and code lifetimes lapse; answers what
/// each keyed command was answered, in order.
async fn workload(actor: &Actor, setup: &Setup, seed: u64, steps: usize) -> Answers {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let shop = if actor.handle.account_state(ACCOUNT).await.unwrap().is_none() {
        actor.shop(Some(40)).await
    } else {
        let state = actor.state().await;
        Shop {
            member: state.members().map(|found| found.id).min().unwrap(),
            merchant: state.merchants().map(|found| found.id).min().unwrap(),
            store: state.stores().map(|found| found.id).min().unwrap(),
            channel: state.channels().map(|found| found.id).min().unwrap(),
            offer: state.offers().map(|found| found.id).min().unwrap(),
        }
    };
    let mut codes: Vec<String> = Vec::new();
    let mut last: Option<(Command, String)> = None;
    let mut answers = Answers::new();
    for step in 0..steps {
        let key = format!("{seed}-{step}");
        let command = match rng.next_u32() % 7 {
            0 => create_member(&format!("m-{seed}-{step}")),
            1 | 2 => issue(shop.member, shop.channel, shop.offer),
            3 if !codes.is_empty() => {
                redeem(shop.store, &codes[rng.next_u32() as usize % codes.len()])
            }
            4 if !codes.is_empty() => {
                let code = &codes[rng.next_u32() as usize % codes.len()];
                let Command::Redeem { request } = redeem(shop.store, code) else {
                    unreachable!()
                };
                Command::Reserve {
                    request,
                    ttl_seconds: 30 + rng.next_u32() % 600,
                }
            }
            5 if last.is_some() => {
                let (command, key) = last.clone().unwrap();
                let answer = actor
                    .handle
                    .execute(ACCOUNT, command, Some(key.clone()), None)
                    .await;
                answers.push((key, answer.map_err(|error| error.to_string())));
                continue;
            }
            _ => {
                setup
                    .clock
                    .advance(Span::seconds(i64::from(rng.next_u32() % 300)));
                continue;
            }
        };
        let answer = actor
            .handle
            .execute(ACCOUNT, command.clone(), Some(key.clone()), None)
            .await;
        if let Ok(decision) = &answer {
            if let Some(code) = decision
                .outcome()
                .iter()
                .find_map(|event| match &event.kind {
                    domain::EventKind::CredentialIssued(x) => x.identifier.clone(),
                    _ => None,
                })
            {
                codes.push(code.to_string());
            }
        }
        answers.push((key.clone(), answer.map_err(|error| error.to_string())));
        last = Some((command, key));
    }
    answers
}

async fn end(setup: &Setup) -> u64 {
    setup.log.end_offset(0).await.unwrap()
}

/// The state a full replay of the log gives (an actor without snapshots).
async fn replayed(setup: &Setup) -> AccountState {
    let actor = start(setup, None, None).await;
    assert_eq!(actor.handle.stats().records_replayed, end(setup).await);
    actor.state().await
}

#[tokio::test]
async fn snapshot_plus_tail_is_the_state_of_a_full_replay() {
    for seed in [1, 2, 3] {
        let setup = Setup::new().await;
        let store = store(&setup).await;
        let first = start(&setup, Some(&store), Some(u64::MAX)).await;
        workload(&first, &setup, seed, 60).await;
        first.handle.shutdown().await;
        let covered = end(&setup).await;
        assert_eq!(store.offsets(0).await.unwrap(), [covered]);

        let second = start(&setup, Some(&store), None).await;
        workload(&second, &setup, seed + 100, 60).await;
        let live = second.state().await;
        let tail = end(&setup).await - covered;
        assert!(tail > 0);

        let restarted = start(&setup, Some(&store), None).await;
        let stats = restarted.handle.stats();
        assert_eq!(stats.snapshot_loaded_at, covered, "seed {seed}");
        assert_eq!(stats.records_replayed, tail, "seed {seed}");
        let from_snapshot = restarted.state().await;
        let full = replayed(&setup).await;
        assert!(
            from_snapshot == full,
            "seed {seed}: snapshot + tail differs"
        );
        assert!(
            from_snapshot == live,
            "seed {seed}: differs from the live state"
        );
        assert!(!full.idempotency().is_empty());
        let statuses: Vec<_> = full.redemptions().map(|r| r.status).collect();
        assert!(
            statuses.contains(&RedemptionStatus::Committed),
            "seed {seed}"
        );
        assert!(statuses.contains(&RedemptionStatus::Expired), "seed {seed}");
    }
}

/// After a restart from a snapshot alone, the same keyed commands again get the answers they
/// got the first time: every accepted one is answered as a repeat with the events it recorded
/// then (from the idempotency memory the snapshot restored), and the state still equals a
/// full replay. Fails if a repeat answers other events than the first outcome (e.g. none).
#[tokio::test]
async fn decisions_after_a_snapshot_restart_match_a_full_replay() {
    let setup = Setup::new().await;
    let store = store(&setup).await;
    let first = start(&setup, Some(&store), Some(u64::MAX)).await;
    let before = workload(&first, &setup, 9, 80).await;
    first.handle.shutdown().await;
    let restarted = start(&setup, Some(&store), None).await;
    assert_eq!(restarted.handle.stats().records_replayed, 0);
    // Same keys again: every repeat answers from the restored idempotency memory.
    let again = workload(&restarted, &setup, 9, 80).await;
    let mut repeated = 0;
    for ((key, first), (again_key, second)) in before.iter().zip(&again) {
        assert_eq!(again_key, key, "the same keyed commands in the same order");
        let Ok(first) = first else { continue };
        assert_eq!(
            second,
            &Ok(Decision::Repeated(first.outcome().to_vec())),
            "key {key}: not the first outcome"
        );
        repeated += 1;
    }
    assert_eq!(again.len(), before.len(), "the same keyed commands");
    assert!(repeated >= 10, "only {repeated} accepted commands compared");
    setup.clock.advance(Span::hours(2));
    restarted.member("after-expiries").await;
    let live = restarted.state().await;
    assert!(replayed(&setup).await == live);
}

#[tokio::test]
async fn a_restart_reads_only_the_tail() {
    let setup = Setup::new().await;
    let store = store(&setup).await;
    let first = start(&setup, Some(&store), Some(u64::MAX)).await;
    first.account().await;
    for n in 0..30 {
        first.member(&format!("m{n}")).await;
    }
    first.handle.shutdown().await;
    let covered = end(&setup).await;

    let second = start(&setup, Some(&store), None).await;
    assert_eq!(second.handle.stats().records_replayed, 0);
    assert_eq!(second.handle.stats().snapshot_loaded_at, covered);
    for n in 30..35 {
        second.member(&format!("m{n}")).await;
    }
    let third = start(&setup, Some(&store), None).await;
    assert_eq!(third.handle.stats().records_replayed, 5);
    assert_eq!(third.state().await.members().count(), 35);
}

#[tokio::test]
async fn snapshots_are_written_every_n_records_and_the_newest_two_kept() {
    let setup = Setup::new().await;
    let store = store(&setup).await;
    let actor = start(&setup, Some(&store), Some(10)).await;
    actor.account().await;
    for n in 0..45 {
        actor.member(&format!("m{n}")).await;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while actor.handle.stats().snapshots_written < 3 {
        assert!(Instant::now() < deadline, "{:?}", actor.handle.stats());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    actor.handle.shutdown().await;
    let offsets = store.offsets(0).await.unwrap();
    assert_eq!(offsets.len(), 2, "{offsets:?}");
    assert_eq!(offsets[0], end(&setup).await);
    assert!(offsets[1] < offsets[0] && offsets[0] - offsets[1] <= 10);
    assert_eq!(actor.handle.stats().snapshot_failures, 0);
}

/// A snapshot written while the actor runs is a copy of the actor's state between two batches,
/// encoded in the background while the actor goes on: a restart from it (while the first actor
/// still holds the partition, so no shutdown snapshot is written) rebuilds the full replay's
/// state. Fails if the copy is taken with events not yet durable or at the wrong offset.
#[tokio::test]
async fn a_background_snapshot_is_the_state_of_the_log_at_its_offset() {
    for seed in [4, 5] {
        let setup = Setup::new().await;
        let store = store(&setup).await;
        let first = start(&setup, Some(&store), Some(9)).await;
        workload(&first, &setup, seed, 120).await;
        let deadline = Instant::now() + Duration::from_secs(5);
        let written = loop {
            let stats = first.handle.stats();
            let offsets = store.offsets(0).await.unwrap();
            if stats.snapshots_written >= 2 && offsets.len() == 2 {
                break offsets;
            }
            assert!(Instant::now() < deadline, "{stats:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        assert_eq!(first.handle.stats().snapshot_failures, 0);
        let live = first.state().await;

        let restarted = start(&setup, Some(&store), None).await;
        let stats = restarted.handle.stats();
        // The newest when it loaded: the one seen above, or one still in flight then.
        let loaded_at = stats.snapshot_loaded_at;
        assert!(loaded_at >= written[0], "seed {seed}: {stats:?}");
        assert_eq!(stats.records_replayed, end(&setup).await - loaded_at);
        assert!(
            restarted.state().await == live,
            "seed {seed}: snapshot + tail differs from the live state"
        );
    }
}

#[tokio::test]
async fn no_snapshot_is_written_when_disabled() {
    let setup = Setup::new().await;
    let store = store(&setup).await;
    let actor = start(&setup, Some(&store), None).await;
    actor.account().await;
    actor.member("m").await;
    actor.handle.shutdown().await;
    assert!(store.offsets(0).await.unwrap().is_empty());
}

/// A log with a workload in it and a snapshot of its end.
async fn snapshotted(setup: &Setup, store: &Arc<SqliteSnapshots>) -> (AccountState, Snapshot) {
    let actor = start(setup, Some(store), Some(u64::MAX)).await;
    workload(&actor, setup, 5, 60).await;
    let live = actor.state().await;
    actor.handle.shutdown().await;
    (live, store.latest(0, FORMAT).await.unwrap().unwrap())
}

#[tokio::test]
async fn an_unusable_snapshot_falls_back_to_a_full_replay() {
    let setup = Setup::new().await;
    let store = store(&setup).await;
    let (live, good) = snapshotted(&setup, &store).await;
    let end = end(&setup).await;
    let corrupt = Snapshot {
        state: b"\x93not a state".to_vec(),
        ..good.clone()
    };
    let truncated = Snapshot {
        state: good.state[..good.state.len() / 2].to_vec(),
        ..good.clone()
    };
    let past_the_end = Snapshot {
        offset: end + 1,
        ..good.clone()
    };
    for bad in [corrupt, truncated, past_the_end] {
        store.save(&bad, 2).await.unwrap();
        let actor = start(&setup, Some(&store), None).await;
        let stats = actor.handle.stats();
        assert_eq!(stats.snapshot_loaded_at, 0);
        assert_eq!(stats.records_replayed, end);
        assert!(actor.state().await == live);
        store.save(&good, 1).await.unwrap();
    }
}

#[tokio::test]
async fn a_snapshot_of_another_format_is_ignored() {
    let setup = Setup::new().await;
    let store = store(&setup).await;
    let (live, good) = snapshotted(&setup, &store).await;
    let newer = Snapshot {
        format: FORMAT + 1,
        offset: good.offset,
        ..good.clone()
    };
    store.save(&newer, 1).await.unwrap();
    assert_eq!(store.latest(0, FORMAT).await.unwrap(), None);
    let actor = start(&setup, Some(&store), None).await;
    assert_eq!(actor.handle.stats().records_replayed, end(&setup).await);
    assert!(actor.state().await == live);
}

#[tokio::test]
async fn fencing_holds_across_the_snapshot_boundary() {
    let setup = Setup::new().await;
    let store = store(&setup).await;
    let first = start(&setup, Some(&store), Some(u64::MAX)).await;
    first.account().await;
    first.member("kept").await;
    first.handle.shutdown().await;
    let snapshot = store.latest(0, FORMAT).await.unwrap().unwrap();
    let second = start(&setup, Some(&store), None).await;
    second.member("stale").await;
    let with_stale = second.state().await;
    assert_eq!(with_stale.members().count(), 2);
    second.handle.shutdown().await;
    // A snapshot that saw a newer writer than the one that appended the tail: the tail is a
    // fenced writer's and is skipped.
    let newer_epoch = Snapshot {
        epoch: second.handle.epoch() + 1,
        ..snapshot
    };
    store.save(&newer_epoch, 1).await.unwrap();
    let third = start(&setup, Some(&store), None).await;
    assert_eq!(third.handle.stats().records_replayed, 1);
    assert_eq!(third.state().await.members().count(), 1);
}

#[tokio::test]
async fn the_format_round_trips_a_state() {
    let setup = Setup::new().await;
    let store = store(&setup).await;
    let (live, good) = snapshotted(&setup, &store).await;
    let decoded = snapshot::decode(&good.state).unwrap();
    assert!(decoded[&ACCOUNT] == live);
    let again = snapshot::encode(&decoded).unwrap();
    assert!(snapshot::decode(&again).unwrap()[&ACCOUNT] == live);
}

/// A snapshot that holds a reservation which lapsed while the actor was down: the restarted
/// actor starts from the snapshot alone (no tail), records the expiry without being asked, and
/// the code the reservation held can be redeemed. Fails if the expiry schedule is not built
/// from the loaded state (seen failing with `schedule.rebuild(accounts)` dropped from
/// `expiry::Schedule::new`): the reservation would then stand until some other command of the
/// account came.
#[tokio::test]
async fn a_reservation_that_lapsed_while_down_expires_after_a_snapshot_start() {
    let setup = Setup::new().await;
    let store = store(&setup).await;
    let first = start(&setup, Some(&store), Some(u64::MAX)).await;
    let shop = first.shop(None).await;
    let code = first.code(shop.member, shop.channel, shop.offer).await;
    let reservation = first.reserve(shop.store, &code, 30).await;
    first.handle.shutdown().await;

    setup.clock.advance(Span::seconds(31));
    let second = start(&setup, Some(&store), None).await;
    assert_eq!(
        second.handle.stats().records_replayed,
        0,
        "started from the snapshot"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while second.handle.stats().expiries_recorded == 0 {
        assert!(
            Instant::now() < deadline,
            "the lapsed reservation was never expired"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let state = second.state().await;
    assert_eq!(
        state.redemption(reservation).unwrap().status,
        RedemptionStatus::Expired
    );
    second.ok(redeem(shop.store, &code)).await;
}
