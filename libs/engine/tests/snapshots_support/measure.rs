//! The restart-time measurement over a million events (ignored by default; run it with
//! `cargo test --release -p engine --test snapshots -- --ignored --nocapture`).

use super::{start, store};
use crate::support::*;
use chrono::Duration as Span;
use domain::ids::AccountId;
use domain::{AccountState, Command};
use engine::snapshot::{self, FORMAT};
use eventlog::Envelope;
use eventlog::{AppendRecord, EventLog, PartitionWriter, SnapshotStore};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Restart time over 1,000,000 events, with and without a snapshot, for two logs: every
/// command keyed and all within the 24 h idempotency retention (the snapshot carries a million
/// remembered events), and the same spread over 30 days (the last day's keys remembered). Run
/// with `cargo test --release -p engine --test snapshots -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: about three minutes in release"]
async fn restart_time_over_a_million_events() {
    measure("keys all retained", Span::milliseconds(40)).await;
    measure("30 days of keys", Span::milliseconds(2_600)).await;
}

async fn measure(name: &str, spacing: Span) {
    const ACCOUNTS: u64 = 20;
    const EVENTS: u64 = 1_000_000;
    let setup = Setup::new().await;
    let started = Instant::now();
    fill(&setup, ACCOUNTS, EVENTS, spacing).await;
    let fill_time = started.elapsed();
    let store = store(&setup).await;

    let started = Instant::now();
    let full = start(&setup, Some(&store), Some(u64::MAX)).await;
    let full_time = started.elapsed();
    assert_eq!(full.handle.stats().records_replayed, EVENTS);
    let started = Instant::now();
    full.handle.shutdown().await;
    let snapshot_time = started.elapsed();
    let stored = store.latest(0, FORMAT).await.unwrap().unwrap();

    let started = Instant::now();
    let restarted = start(&setup, Some(&store), None).await;
    let snapshot_start = started.elapsed();
    assert_eq!(restarted.handle.stats().records_replayed, 0);
    let mut members = 0;
    for account in 1..=ACCOUNTS {
        let state = restarted.handle.account_state(AccountId(account)).await;
        members += state.unwrap().unwrap().members().count() as u64;
    }
    assert_eq!(members, EVENTS - ACCOUNTS);
    let started = Instant::now();
    let decoded = snapshot::decode(&stored.state).unwrap();
    let decode_time = started.elapsed();
    let started = Instant::now();
    let copy = decoded.clone();
    let clone_time = started.elapsed();
    let remembered: usize = copy.values().map(|state| state.idempotency().len()).sum();
    println!(
        "{name}: wrote {EVENTS} events in {fill_time:.1?}; {remembered} keys remembered; \
         start by full replay {full_time:.2?}; snapshot at shutdown {snapshot_time:.2?} \
         ({} MB); start from the snapshot {snapshot_start:.2?} (decode {decode_time:.2?}); \
         state copy for a snapshot {clone_time:.2?}",
        stored.state.len() / 1_000_000
    );
}

/// Writes `events` events straight into partition 0, `spacing` apart: `accounts` accounts,
/// then members created round robin, each command with an idempotency key.
async fn fill(setup: &Setup, accounts: u64, events: u64, spacing: Span) {
    let mut writer = setup.log.claim(0).await.unwrap();
    let mut states: Vec<AccountState> = (0..accounts).map(|_| AccountState::default()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut now = start_time();
    let mut batch = Vec::new();
    for n in 0..events {
        let index = (n % accounts) as usize;
        let account_id = AccountId(index as u64 + 1);
        let command = if n < accounts {
            Command::CreateAccount {
                account_id,
                fields: domain::account::AccountFields {
                    name: Some(format!("shop {account_id}")),
                    ..Default::default()
                },
            }
        } else {
            create_member(&format!("member-{n}"))
        };
        now += spacing;
        let key = format!("key-{n}");
        let mut context = domain::Context::new(now, &mut rng);
        let decided = domain::decide(&states[index], &command, Some(&key), &mut context).unwrap();
        for event in decided.into_new_events() {
            let envelope = Envelope {
                event_id: ulid::Ulid::from_parts(n, 0),
                account_id,
                epoch: writer.epoch(),
                correlation_id: None,
                causation_id: None,
                event: &event,
            };
            batch.push(AppendRecord::new(
                account_id.0.to_string(),
                envelope.encode().unwrap(),
            ));
            domain::evolve(&mut states[index], event);
        }
        if batch.len() >= 10_000 {
            writer.append(&batch).await.unwrap();
            batch.clear();
        }
    }
    writer.append(&batch).await.unwrap();
    drop(writer);
}
