//! [`AnyLog`]: the log whose backend a [`LogUrl`] names, chosen at run time, for the binaries
//! and tests that serve either; and [`open_snapshots`], the snapshot store a [`DbUrl`] names.
//! Each call goes to the backend's own implementation.

use crate::postgres::PostgresSnapshots;
use crate::url::{DbUrl, LogUrl};
use crate::{
    AppendRecord, EventLog, LogError, LogRecord, PartitionWriter, SnapshotStore, SqliteLog,
    SqliteSnapshots, SqliteWriter,
};
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

/// An event log on whichever backend it was opened with. Cheap to clone.
#[derive(Clone, Debug)]
pub enum AnyLog {
    /// The embedded SQLite file.
    Sqlite(SqliteLog),
    /// A Kafka topic.
    #[cfg(feature = "kafka")]
    Kafka(crate::kafka::KafkaLog),
}

/// The writer of an [`AnyLog`] partition.
pub enum AnyWriter {
    /// A SQLite writer.
    Sqlite(SqliteWriter),
    /// A Kafka writer.
    #[cfg(feature = "kafka")]
    Kafka(crate::kafka::KafkaWriter),
}

impl AnyLog {
    /// Opens (creating when missing) the log `url` names with `partitions` partitions.
    pub async fn open(url: &LogUrl, partitions: u32) -> Result<Self, LogError> {
        match url {
            LogUrl::Sqlite(path) => Ok(Self::Sqlite(SqliteLog::open(path, partitions).await?)),
            LogUrl::Kafka { brokers, topic } => open_kafka(brokers, topic, partitions).await,
        }
    }

    /// What names this log, for the stores filled from it to record and check
    /// (`store_pairing`): a SQLite log's random id ([`SqliteLog::log_id`]), or `kafka:` and the
    /// topic (a topic deleted and created again under the same name keeps its name).
    pub fn log_id(&self) -> String {
        match self {
            Self::Sqlite(log) => log.log_id(),
            #[cfg(feature = "kafka")]
            Self::Kafka(log) => format!("kafka:{}", log.config().topic),
        }
    }
}

#[cfg(feature = "kafka")]
async fn open_kafka(brokers: &str, topic: &str, partitions: u32) -> Result<AnyLog, LogError> {
    let config = crate::kafka::KafkaConfig::new(brokers, topic, partitions);
    Ok(AnyLog::Kafka(crate::kafka::KafkaLog::open(config).await?))
}

#[cfg(not(feature = "kafka"))]
async fn open_kafka(_brokers: &str, topic: &str, _partitions: u32) -> Result<AnyLog, LogError> {
    Err(LogError::Unsupported(format!(
        "kafka://.../{topic}: this build has no Kafka backend (feature `kafka`)"
    )))
}

/// Opens the snapshot store `url` names.
pub async fn open_snapshots(url: &DbUrl) -> Result<Arc<dyn SnapshotStore>, LogError> {
    match url {
        DbUrl::Sqlite(path) => Ok(Arc::new(SqliteSnapshots::open(path).await?)),
        DbUrl::Postgres(url) => Ok(Arc::new(PostgresSnapshots::connect(url).await?)),
    }
}

/// Runs `$call` on whichever backend `$value` holds, bound as `$inner`.
macro_rules! dispatch {
    ($kind:ident, $value:expr, $inner:ident => $call:expr) => {
        match $value {
            $kind::Sqlite($inner) => $call,
            #[cfg(feature = "kafka")]
            $kind::Kafka($inner) => $call,
        }
    };
}

impl EventLog for AnyLog {
    type Writer = AnyWriter;

    fn partitions(&self) -> u32 {
        dispatch!(AnyLog, self, log => log.partitions())
    }

    async fn claim(&self, partition: u32) -> Result<AnyWriter, LogError> {
        match self {
            Self::Sqlite(log) => Ok(AnyWriter::Sqlite(log.claim(partition).await?)),
            #[cfg(feature = "kafka")]
            Self::Kafka(log) => Ok(AnyWriter::Kafka(log.claim(partition).await?)),
        }
    }

    async fn read(
        &self,
        partition: u32,
        from: u64,
        max: usize,
    ) -> Result<Vec<LogRecord>, LogError> {
        dispatch!(AnyLog, self, log => log.read(partition, from, max).await)
    }

    async fn end_offset(&self, partition: u32) -> Result<u64, LogError> {
        dispatch!(AnyLog, self, log => log.end_offset(partition).await)
    }

    async fn wait_for(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> Result<bool, LogError> {
        dispatch!(AnyLog, self, log => log.wait_for(partition, offset, timeout).await)
    }
}

impl PartitionWriter for AnyWriter {
    fn partition(&self) -> u32 {
        dispatch!(AnyWriter, self, writer => writer.partition())
    }

    fn epoch(&self) -> u64 {
        dispatch!(AnyWriter, self, writer => writer.epoch())
    }

    async fn append(&mut self, records: &[AppendRecord]) -> Result<Range<u64>, LogError> {
        dispatch!(AnyWriter, self, writer => writer.append(records).await)
    }
}
