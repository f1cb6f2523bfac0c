//! The encoding of a partition's state: every account's [`AccountState`] as MessagePack with
//! named fields (`rmp_serde::to_vec_named`: structs as maps, so optional and skipped fields
//! round-trip), one blob per account, framed as
//! `count: u32 LE, then per account: id: u64 LE, length: u64 LE, blob`.
//!
//! One blob per account so that accounts are encoded and decoded on every core at once.
//! MessagePack rather than JSON because the state has maps keyed by tuples (offer and channel,
//! usage counters), which JSON objects cannot key, and because it is smaller and faster to
//! read back.

use domain::ids::AccountId;
use domain::AccountState;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

/// Every account of a partition with its state.
pub type PartitionState = HashMap<AccountId, AccountState>;

/// Why a state could not be encoded or decoded.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The state could not be encoded.
    #[error("snapshot encoding failed: {0}")]
    Encode(#[from] rmp_serde::encode::Error),
    /// An account's blob is not a state of this format.
    #[error("snapshot decoding failed: {0}")]
    Decode(#[from] rmp_serde::decode::Error),
    /// The framing is cut short or malformed.
    #[error("snapshot framing is malformed: {0}")]
    Framing(&'static str),
}

/// The state as snapshot bytes, accounts encoded in parallel.
pub fn encode(accounts: &PartitionState) -> Result<Vec<u8>, FormatError> {
    let entries: Vec<(&AccountId, &AccountState)> = accounts.iter().collect();
    let blobs = in_parallel(&entries, |(_, state)| rmp_serde::to_vec_named(state))?;
    let total: usize = blobs.iter().map(|blob| blob.len() + 16).sum();
    let mut out = Vec::with_capacity(total + 4);
    let count = u32::try_from(entries.len()).map_err(|_| FormatError::Framing("too many"))?;
    out.extend_from_slice(&count.to_le_bytes());
    for ((account_id, _), blob) in entries.iter().zip(blobs) {
        out.extend_from_slice(&account_id.0.to_le_bytes());
        out.extend_from_slice(&(blob.len() as u64).to_le_bytes());
        out.extend_from_slice(&blob);
    }
    Ok(out)
}

/// A state read back from snapshot bytes, accounts decoded in parallel.
pub fn decode(bytes: &[u8]) -> Result<PartitionState, FormatError> {
    let frames = frames(bytes)?;
    let states = in_parallel(&frames, |(_, blob)| rmp_serde::from_slice(blob))?;
    Ok(frames
        .iter()
        .map(|(account_id, _)| *account_id)
        .zip(states)
        .collect())
}

/// The framed (account, blob) pairs of `bytes`.
fn frames(bytes: &[u8]) -> Result<Vec<(AccountId, &[u8])>, FormatError> {
    let mut rest = bytes;
    let count = u32::from_le_bytes(take(&mut rest)?);
    let mut frames = Vec::new();
    for _ in 0..count {
        let account_id = AccountId(u64::from_le_bytes(take(&mut rest)?));
        let length = usize::try_from(u64::from_le_bytes(take(&mut rest)?))
            .map_err(|_| FormatError::Framing("blob too long"))?;
        if length > rest.len() {
            return Err(FormatError::Framing("blob cut short"));
        }
        let (blob, after) = rest.split_at(length);
        frames.push((account_id, blob));
        rest = after;
    }
    if !rest.is_empty() {
        return Err(FormatError::Framing("bytes after the last account"));
    }
    Ok(frames)
}

fn take<const N: usize>(rest: &mut &[u8]) -> Result<[u8; N], FormatError> {
    let Some((head, tail)) = rest.split_first_chunk::<N>() else {
        return Err(FormatError::Framing("cut short"));
    };
    *rest = tail;
    Ok(*head)
}

/// `work` over every item on every core (the calling thread is one), results in item order;
/// the first failure in item order is returned.
fn in_parallel<T: Sync, R: Send, E: Send>(
    items: &[T],
    work: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, FormatError>
where
    FormatError: From<E>,
{
    let threads = thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<R, E>>>> =
        Mutex::new((0..items.len()).map(|_| None).collect());
    let worker = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(index) else {
            return;
        };
        let result = work(item);
        if let Ok(mut results) = results.lock() {
            results[index] = Some(result);
        }
    };
    thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(worker);
        }
        worker();
    });
    let results = results
        .into_inner()
        .map_err(|_| FormatError::Framing("a worker failed"))?;
    results
        .into_iter()
        .map(|result| match result {
            Some(result) => result.map_err(FormatError::from),
            None => Err(FormatError::Framing("a worker failed")),
        })
        .collect()
}
