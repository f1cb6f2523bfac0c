//! The crate's error type: a command refused by the domain is kept apart from every failure
//! of the runtime, so the API can map each.

use domain::ids::AccountId;
use domain::DomainError;
use eventlog::LogError;
use std::sync::Arc;

/// Why the engine did not accept a command (or could not start).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The domain refused the command; nothing was recorded.
    #[error(transparent)]
    Rejected(#[from] DomainError),
    /// The account does not belong to the partition this actor writes.
    #[error("account {account_id} belongs to partition {expected}, not {partition}")]
    WrongPartition {
        /// The account asked for.
        account_id: AccountId,
        /// The partition of the actor asked.
        partition: u32,
        /// The partition the account belongs to.
        expected: u32,
    },
    /// A `CreateAccount` command named another account than the one it was sent for.
    #[error("the command creates account {in_command}, but was sent for account {account_id}")]
    AccountMismatch {
        /// The account the command was sent for.
        account_id: AccountId,
        /// The account the command creates.
        in_command: AccountId,
    },
    /// The batch holding the command could not be appended; nothing of it was acknowledged
    /// and the actor rebuilt its state from the log. Retrying is safe.
    #[error("appending to the event log failed: {0}")]
    AppendFailed(#[source] Arc<LogError>),
    /// A newer writer claimed the partition; this actor has stopped for good and recorded
    /// nothing more.
    #[error("partition {partition} is now written by a newer writer (this one had epoch {epoch})")]
    Fenced {
        /// The partition.
        partition: u32,
        /// This actor's (stale) epoch.
        epoch: u64,
    },
    /// The actor has stopped (shut down, or failed to rebuild its state).
    #[error("the actor of partition {partition} has stopped")]
    Stopped {
        /// The partition.
        partition: u32,
    },
    /// The event log failed while claiming or reading.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A stored record is not a readable event envelope.
    #[error("record {offset} of partition {partition} is not a readable envelope: {source}")]
    Corrupt {
        /// The partition.
        partition: u32,
        /// The record's offset.
        offset: u64,
        /// What the decoder said.
        #[source]
        source: serde_json::Error,
    },
    /// An account's events could not be replayed.
    #[error("account {account_id} could not be replayed: {source}")]
    Replay {
        /// The account.
        account_id: AccountId,
        /// What went wrong.
        #[source]
        source: crate::replay::ReplayError,
    },
    /// The command presents codes while one of its presenter's wrong-code allowances is
    /// spent; it was not decided.
    #[error(transparent)]
    Throttled(#[from] crate::guessing::Throttled),
    /// An event of the command would be larger than [`eventlog::envelope::MAX_EVENT_BYTES`];
    /// nothing was recorded.
    #[error("an event of {bytes} bytes is larger than the log takes")]
    EventTooLarge {
        /// The encoded event's size.
        bytes: usize,
    },
    /// An event could not be encoded; nothing was recorded.
    #[error("an event could not be encoded: {0}")]
    Encode(#[source] serde_json::Error),
    /// The key store failed: nothing was recorded (keys are stored before the events sealed
    /// under them), or the state could not be rebuilt.
    #[error("the key store failed: {0}")]
    KeyStore(#[source] Arc<privacy::KeyStoreError>),
    /// A personal text could not be sealed.
    #[error("a personal text could not be sealed: {0}")]
    Seal(#[from] privacy::SealError),
    /// The OS random source could not seed the actor's random source.
    #[error("the OS random source failed: {0}")]
    Random(String),
}
