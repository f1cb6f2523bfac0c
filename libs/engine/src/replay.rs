//! Replay: the state of an account rebuilt from its events as stored (JSON). Decoding is most
//! of the cost and needs no order, so every worker thread (the caller's included) decodes
//! batches of events, and whichever worker finds the applier free applies the decoded batches
//! strictly in log order. Same result as decoding and folding one by one; the first
//! undecodable event in log order stops the replay and is named.

use domain::{evolve, AccountState, Event};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;

/// Events per batch handed to a decoder.
const BATCH: usize = 1024;

/// Why a replay stopped.
#[derive(Debug, thiserror::Error)]
#[error("event {position} of the log could not be decoded: {source}")]
pub struct ReplayError {
    /// Position of the event in the replayed sequence, from 0.
    pub position: usize,
    /// What the decoder said.
    #[source]
    pub source: serde_json::Error,
}

type Decoded = Result<Vec<Event>, ReplayError>;

/// The state being rebuilt and the next batch it takes.
struct Applier {
    state: AccountState,
    turn: usize,
    failed: Option<ReplayError>,
}

struct Replay<'a, L> {
    events: &'a [L],
    batches: usize,
    next: AtomicUsize,
    decoded: Mutex<BTreeMap<usize, Decoded>>,
    applier: Mutex<Applier>,
}

/// The state rebuilt from `events` (JSON, in log order) by `workers` threads (at least one;
/// the calling thread is one of them).
pub fn replay_json<L: AsRef<[u8]> + Sync>(
    events: &[L],
    workers: usize,
) -> Result<AccountState, ReplayError> {
    let replay = Replay {
        events,
        batches: events.len().div_ceil(BATCH),
        next: AtomicUsize::new(0),
        decoded: Mutex::new(BTreeMap::new()),
        applier: Mutex::new(Applier {
            state: AccountState::default(),
            turn: 0,
            failed: None,
        }),
    };
    thread::scope(|scope| {
        for _ in 1..workers.max(1) {
            scope.spawn(|| replay.work());
        }
        replay.work();
    });
    let mut applier = lock(&replay.applier);
    replay.apply_ready(&mut applier);
    match applier.failed.take() {
        Some(error) => Err(error),
        None => Ok(std::mem::take(&mut applier.state)),
    }
}

/// One event from its stored bytes. Valid UTF-8 is checked once up front so the JSON parser can
/// skip checking every string again; invalid text gets the parser's own error.
fn decode(stored: &[u8]) -> Result<Event, serde_json::Error> {
    match std::str::from_utf8(stored) {
        Ok(text) => Event::from_json(text),
        Err(_) => serde_json::from_slice(stored),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<L: AsRef<[u8]>> Replay<'_, L> {
    fn work(&self) {
        loop {
            let batch = self.next.fetch_add(1, Ordering::Relaxed);
            if batch >= self.batches {
                return;
            }
            let decoded = self.decode(batch);
            lock(&self.decoded).insert(batch, decoded);
            if let Ok(mut applier) = self.applier.try_lock() {
                self.apply_ready(&mut applier);
            }
        }
    }

    fn decode(&self, batch: usize) -> Decoded {
        let start = batch * BATCH;
        let end = (start + BATCH).min(self.events.len());
        (start..end)
            .map(|position| {
                decode(self.events[position].as_ref())
                    .map_err(|source| ReplayError { position, source })
            })
            .collect()
    }

    /// Applies the decoded batches that are next in log order; stops everything at a batch
    /// that failed to decode.
    fn apply_ready(&self, applier: &mut Applier) {
        while applier.failed.is_none() {
            let Some(decoded) = lock(&self.decoded).remove(&applier.turn) else {
                return;
            };
            match decoded {
                Ok(events) => {
                    for event in events {
                        evolve(&mut applier.state, event);
                    }
                    applier.turn += 1;
                }
                Err(error) => {
                    applier.failed = Some(error);
                    self.next.store(self.batches, Ordering::Relaxed);
                }
            }
        }
    }
}
