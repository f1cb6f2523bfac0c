//! The crate's error type.

use eventlog::LogError;

/// Why the dispatcher could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    /// An event log failed (the main log, or the dispatcher's own).
    #[error("event log: {0}")]
    Log(#[from] LogError),
    /// The dispatcher's log has another partition count than the main log.
    #[error("the callbacks log has {own} partitions, the event log {source_partitions}")]
    PartitionMismatch {
        /// The main log's count.
        source_partitions: u32,
        /// The dispatcher's log's count.
        own: u32,
    },
    /// The HTTP client could not be built.
    #[error(transparent)]
    Client(#[from] crate::client::ClientError),
    /// A record of the dispatcher's own log does not decode.
    #[error("callbacks log partition {partition} offset {offset} is corrupt: {source}")]
    Corrupt {
        /// The partition.
        partition: u32,
        /// The offset.
        offset: u64,
        /// The decoder's message.
        #[source]
        source: serde_json::Error,
    },
    /// A record could not be encoded.
    #[error("encoding a callbacks record: {0}")]
    Encode(#[source] serde_json::Error),
    /// The key store failed (opening the identifiers sealed in the dispatcher's log).
    #[error("key store: {0}")]
    Keys(#[from] privacy::KeyStoreError),
    /// The dispatcher is stopping or stopped.
    #[error("the dispatcher is stopped")]
    Stopped,
    /// The metrics could not be registered.
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
}
