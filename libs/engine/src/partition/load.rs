//! The state of a partition's accounts rebuilt from the newest usable snapshot plus the log
//! after it: the records from the snapshot's offset (0 without one) to the end, envelopes
//! decoded here, each account's events applied on blocking threads (replayed with
//! [`crate::replay_json`] for an account the snapshot does not hold).
//!
//! Records are read through an [`EpochFence`]: claim markers and records whose writer epoch
//! is older than one already seen (a fenced writer's) are skipped. SQLite's own fencing keeps
//! them out; Kafka brokers may show them. The snapshot carries the newest epoch it saw, so the
//! rule holds across its boundary.
//!
//! Personal text sealed in the tail's events is opened with the members' keys (see the
//! `privacy` crate) before the events are applied; the keys of members erased or deleted in
//! the tail are destroyed again (idempotent), so a crash between an erasure's append and its
//! shredding is repaired here.
//!
//! A snapshot that cannot be used (unreadable store, another format, bytes that do not
//! decode, an offset past the log's end) is skipped with a warning and the state rebuilt from
//! offset 0: never a failure to start.

use crate::error::EngineError;
use crate::replay::{replay_json, ReplayError};
use crate::snapshot::{self, PartitionState};
use domain::ids::AccountId;
use domain::{evolve, AccountState, Event};
use eventlog::Envelope;
use eventlog::{EpochFence, EventLog, SnapshotStore};
use privacy::KeyStore;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::thread;

/// Records read from the log per call.
const READ_CHUNK: usize = 4096;
/// An account with at least this many events is replayed by several decoder threads.
const PARALLEL_REPLAY: usize = 8192;

/// One stored event, still JSON.
struct RawEvent(Box<RawValue>);

impl AsRef<[u8]> for RawEvent {
    fn as_ref(&self) -> &[u8] {
        self.0.get().as_bytes()
    }
}

/// A rebuilt state and where it stands against the log.
pub(crate) struct Loaded {
    /// Every account of the partition.
    pub(crate) accounts: PartitionState,
    /// The offset of the snapshot it started from (0 without one).
    pub(crate) covered: u64,
    /// One past the last record it was rebuilt from (the snapshot's offset when the log holds
    /// nothing after it): where reading the log goes on.
    pub(crate) end: u64,
    /// The newest writer epoch among the records it holds.
    pub(crate) epoch: u64,
    /// Records read from the log (the tail after the snapshot).
    pub(crate) records: u64,
}

/// Where the replay starts: a snapshot's state, offset and epoch, or nothing.
#[derive(Default)]
struct Base {
    accounts: PartitionState,
    offset: u64,
    epoch: u64,
}

/// The state of every account of `partition`, rebuilt from the newest usable snapshot in
/// `snapshots` (if any) and the records after it up to the current end.
pub(super) async fn rebuild<L: EventLog>(
    log: &L,
    partition: u32,
    snapshots: Option<&dyn SnapshotStore>,
    keys: Option<&dyn KeyStore>,
) -> Result<Loaded, EngineError> {
    let end = log.end_offset(partition).await?;
    let base = match snapshots {
        Some(store) => newest_snapshot(store, partition, end).await,
        None => Base::default(),
    };
    let covered = base.offset;
    let mut tail = read_tail(log, partition, base.offset, base.epoch, end).await?;
    if let Some(keys) = keys {
        open_personal(keys, partition, &mut tail.events).await?;
    }
    let (epoch, records, end) = (tail.epoch, tail.records, tail.next);
    let accounts = tokio::task::spawn_blocking(move || fold(base.accounts, tail.events))
        .await
        .map_err(|_| EngineError::Stopped { partition })??;
    Ok(Loaded {
        accounts,
        covered,
        end,
        epoch,
        records,
    })
}

/// The newest snapshot of `partition` in this build's format, decoded; the empty base when
/// there is none or it cannot be used.
async fn newest_snapshot(store: &dyn SnapshotStore, partition: u32, end: u64) -> Base {
    let stored = match store.latest(partition, snapshot::FORMAT).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return Base::default(),
        Err(error) => {
            tracing::warn!(partition, %error, "snapshot store unreadable; replaying the whole log");
            return Base::default();
        }
    };
    if stored.offset > end {
        tracing::warn!(
            partition,
            offset = stored.offset,
            end,
            "snapshot is past the log's end; replaying the whole log"
        );
        return Base::default();
    }
    let (offset, epoch) = (stored.offset, stored.epoch);
    let decoded = tokio::task::spawn_blocking(move || snapshot::decode(&stored.state)).await;
    match decoded {
        Ok(Ok(accounts)) => Base {
            accounts,
            offset,
            epoch,
        },
        Ok(Err(error)) => {
            tracing::warn!(partition, offset, %error, "snapshot unreadable; replaying the whole log");
            Base::default()
        }
        Err(error) => {
            tracing::warn!(partition, offset, %error, "snapshot decoding stopped; replaying the whole log");
            Base::default()
        }
    }
}

/// The records after a base, by account.
struct Tail {
    events: HashMap<AccountId, Vec<RawEvent>>,
    epoch: u64,
    records: u64,
    /// One past the last record read (the base's offset when none was).
    next: u64,
}

async fn read_tail<L: EventLog>(
    log: &L,
    partition: u32,
    mut from: u64,
    newest_epoch: u64,
    end: u64,
) -> Result<Tail, EngineError> {
    let mut events: HashMap<AccountId, Vec<RawEvent>> = HashMap::new();
    let mut fence = EpochFence::new(newest_epoch);
    let mut read = 0;
    while from < end {
        let want = usize::try_from(end - from)
            .unwrap_or(READ_CHUNK)
            .min(READ_CHUNK);
        let records = log.read(partition, from, want).await?;
        let Some(last) = records.last() else {
            break;
        };
        from = last.offset + 1;
        read += records.len() as u64;
        for record in records {
            if !fence.admit(&record) {
                continue;
            }
            let envelope =
                Envelope::<Box<RawValue>>::decode(&record.payload).map_err(|source| {
                    EngineError::Corrupt {
                        partition,
                        offset: record.offset,
                        source,
                    }
                })?;
            events
                .entry(envelope.account_id)
                .or_default()
                .push(RawEvent(envelope.event));
        }
    }
    Ok(Tail {
        events,
        epoch: fence.newest(),
        records: read,
        next: from,
    })
}

/// What an event's text must hold for it to carry sealed text or destroy keys.
const SEALED_MARK: &[u8] = b"\"sealed:";
const SHREDDING_MARKS: [&[u8]; 2] = [b"\"member_erased\"", b"\"member_deleted\""];

/// Opens the sealed personal text of the tail's events in place (re-encoding those events),
/// and destroys again the keys of members erased or deleted in the tail.
async fn open_personal(
    keys: &dyn KeyStore,
    partition: u32,
    events: &mut HashMap<AccountId, Vec<RawEvent>>,
) -> Result<(), EngineError> {
    let mut sealed: Vec<(AccountId, usize, Event)> = Vec::new();
    let mut shredded = Vec::new();
    for (account_id, account_events) in events.iter() {
        for (index, raw) in account_events.iter().enumerate() {
            let text = raw.0.get().as_bytes();
            let carries_seal = memchr::memmem::find(text, SEALED_MARK).is_some();
            let shreds = SHREDDING_MARKS
                .iter()
                .any(|mark| memchr::memmem::find(text, mark).is_some());
            if !carries_seal && !shreds {
                continue;
            }
            let Ok(event) = Event::from_json(raw.0.get()) else {
                continue;
            };
            if let Some(member) = domain::privacy::shredded_member(&event.kind) {
                shredded.push((*account_id, member));
            }
            if carries_seal {
                sealed.push((*account_id, index, event));
            }
        }
    }
    let unavailable = |error: privacy::KeyStoreError| EngineError::KeyStore(Arc::new(error));
    let mut opening: Vec<(AccountId, &mut Event)> = Vec::with_capacity(sealed.len());
    for (account, _, event) in &mut sealed {
        opening.push((*account, event));
    }
    privacy::open_events(keys, opening)
        .await
        .map_err(unavailable)?;
    for (account_id, index, event) in sealed {
        let reencoded = serde_json::value::to_raw_value(&event).map_err(EngineError::Encode)?;
        if let Some(raw) = events
            .get_mut(&account_id)
            .and_then(|account_events| account_events.get_mut(index))
        {
            raw.0 = reencoded;
        }
    }
    for (account_id, member) in shredded {
        keys.shred(account_id, member).await.map_err(unavailable)?;
    }
    tracing::debug!(partition, "personal text of the tail opened");
    Ok(())
}

fn fold(
    mut accounts: PartitionState,
    events: HashMap<AccountId, Vec<RawEvent>>,
) -> Result<PartitionState, EngineError> {
    let threads = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    for (account_id, events) in events {
        let replayed = match accounts.remove(&account_id) {
            Some(state) => apply(state, &events),
            None => {
                let workers = if events.len() >= PARALLEL_REPLAY {
                    threads
                } else {
                    1
                };
                replay_json(&events, workers)
            }
        };
        let state = replayed.map_err(|source| EngineError::Replay { account_id, source })?;
        accounts.insert(account_id, state);
    }
    Ok(accounts)
}

/// `state` with `events` (JSON, in log order) applied one by one.
fn apply(mut state: AccountState, events: &[RawEvent]) -> Result<AccountState, ReplayError> {
    for (position, event) in events.iter().enumerate() {
        let event =
            Event::from_json(event.0.get()).map_err(|source| ReplayError { position, source })?;
        evolve(&mut state, event);
    }
    Ok(state)
}
