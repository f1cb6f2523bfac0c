//! The crate's error type, shared by every backend.

/// Why an event-log operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The writer lost its partition to a newer claim; its append wrote nothing. A fenced
    /// writer stays fenced: drop it and claim again if this process should still write.
    #[error("writer of partition {partition} with epoch {epoch} is fenced by a newer claim")]
    Fenced {
        /// The partition the writer was claimed for.
        partition: u32,
        /// The writer's (stale) epoch.
        epoch: u64,
    },
    /// The partition does not exist in this log.
    #[error("no partition {partition}: the log has {partitions}")]
    NoSuchPartition {
        /// The partition asked for.
        partition: u32,
        /// How many partitions the log has.
        partitions: u32,
    },
    /// A log needs at least one partition.
    #[error("a log needs at least one partition")]
    ZeroPartitions,
    /// The log was created with another partition count; the count never changes, since it
    /// decides which partition holds each key.
    #[error("the log has {stored} partitions, not {requested}")]
    PartitionCountMismatch {
        /// The count the log was created with.
        stored: u32,
        /// The count asked for when opening it.
        requested: u32,
    },
    /// The stored log has a schema version this build does not know (written by a newer one).
    #[error(
        "the log's schema version {found} is not supported (this build knows up to {supported})"
    )]
    UnsupportedSchema {
        /// The version found.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The backend failed (IO, locking, connection). The message is the backend's own and
    /// carries no credentials.
    #[error("event log storage failed: {0}")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// The backend named is not in this build (a cargo feature left out).
    #[error("{0}")]
    Unsupported(String),
    /// Stored data could not be read back as a log record.
    #[error("event log data is corrupt: {0}")]
    Corrupt(String),
}
