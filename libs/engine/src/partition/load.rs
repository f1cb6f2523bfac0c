//! The state of a partition's accounts rebuilt from the log: every record from offset 0 to the
//! end, envelopes decoded here, each account's events replayed with [`crate::replay_json`] on
//! blocking threads.
//!
//! Records whose writer epoch is older than one already seen are a fenced writer's and are
//! skipped (the log's own fencing already keeps them out of SQLite; this is defence in depth
//! for backends that may show them).
//!
//! Snapshots plug in here: start from the newest snapshot's state and offset instead of the
//! empty map and offset 0.

use crate::envelope::Envelope;
use crate::error::EngineError;
use crate::replay::replay_json;
use domain::ids::AccountId;
use domain::AccountState;
use eventlog::EventLog;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::num::NonZeroUsize;
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

/// The state of every account of `partition`, rebuilt from its records up to the current end.
pub(super) async fn rebuild<L: EventLog>(
    log: &L,
    partition: u32,
) -> Result<HashMap<AccountId, AccountState>, EngineError> {
    let events = read_all(log, partition).await?;
    tokio::task::spawn_blocking(move || fold(events))
        .await
        .map_err(|_| EngineError::Stopped { partition })?
}

async fn read_all<L: EventLog>(
    log: &L,
    partition: u32,
) -> Result<HashMap<AccountId, Vec<RawEvent>>, EngineError> {
    let end = log.end_offset(partition).await?;
    let mut accounts: HashMap<AccountId, Vec<RawEvent>> = HashMap::new();
    let mut newest_epoch = 0;
    let mut from = 0;
    while from < end {
        let want = usize::try_from(end - from)
            .unwrap_or(READ_CHUNK)
            .min(READ_CHUNK);
        let records = log.read(partition, from, want).await?;
        let Some(last) = records.last() else {
            break;
        };
        from = last.offset + 1;
        for record in records {
            let envelope =
                Envelope::<Box<RawValue>>::decode(&record.payload).map_err(|source| {
                    EngineError::Corrupt {
                        partition,
                        offset: record.offset,
                        source,
                    }
                })?;
            if envelope.epoch < newest_epoch {
                continue;
            }
            newest_epoch = envelope.epoch;
            accounts
                .entry(envelope.account_id)
                .or_default()
                .push(RawEvent(envelope.event));
        }
    }
    Ok(accounts)
}

fn fold(
    events: HashMap<AccountId, Vec<RawEvent>>,
) -> Result<HashMap<AccountId, AccountState>, EngineError> {
    let threads = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    events
        .into_iter()
        .map(|(account_id, events)| {
            let workers = if events.len() >= PARALLEL_REPLAY {
                threads
            } else {
                1
            };
            replay_json(&events, workers)
                .map(|state| (account_id, state))
                .map_err(|source| EngineError::Replay { account_id, source })
        })
        .collect()
}
