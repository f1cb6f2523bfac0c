//! The records the log stores: what a writer hands in and what a reader gets back.

/// A record to append: the partition key (the account id, as text) and the payload bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendRecord {
    /// The partition key; [`crate::partition_for`] maps it to its partition.
    pub key: String,
    /// The payload bytes (an encoded [`crate::Envelope`]; the backends never decode it).
    pub payload: Vec<u8>,
}

impl AppendRecord {
    /// A record with this key and payload.
    pub fn new(key: impl Into<String>, payload: impl Into<Vec<u8>>) -> Self {
        Self {
            key: key.into(),
            payload: payload.into(),
        }
    }
}

/// What a stored record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecordKind {
    /// A record a writer appended (its payload is the writer's).
    #[default]
    Event,
    /// A claim marker: a new writer took the partition with the record's epoch. Its key and
    /// payload are empty. Backends whose storage cannot hide a fenced writer's records (Kafka
    /// brokers that show aborted transactions) write one at every claim, so that readers can
    /// ignore what older writers appended after it (see [`crate::EpochFence`]).
    Claim,
}

/// A stored record with the position the log gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// The partition it is stored in.
    pub partition: u32,
    /// Its offset in that partition: increasing in log order, not necessarily contiguous.
    pub offset: u64,
    /// The partition key it was appended with.
    pub key: String,
    /// The payload bytes, exactly as appended.
    pub payload: Vec<u8>,
    /// The epoch of the writer that appended it.
    pub epoch: u64,
    /// An appended record or a claim marker.
    pub kind: RecordKind,
}
