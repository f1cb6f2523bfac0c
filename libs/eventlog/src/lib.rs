//! The event log: an append-only store of envelopes of domain events, split into a fixed
//! number of partitions, each written by exactly one fenced writer at a time.
//!
//! What it owns:
//! - [`EventLog`] and [`PartitionWriter`], the contract every backend keeps: per-partition
//!   offsets that increase in log order (contiguous in SQLite; Kafka leaves gaps), claims that
//!   fence older writers with a higher epoch, atomic and durable batch appends (one call = one
//!   group-commit batch), reads in offset order and waiting on the tail.
//! - [`EpochFence`], the rule every reader applies so that a fenced writer's records never
//!   count, even where a backend cannot keep them out of the log.
//! - [`Envelope`] ([`envelope`]): the stored form of a domain event (id, account, writer
//!   epoch, correlation), its record key and [`partition_of`], the partition of an account.
//! - [`partition_for`], which maps a partition key (the account id) to its partition.
//! - [`SqliteLog`], the embedded backend: one SQLite file; and, with the `kafka` feature,
//!   [`kafka::KafkaLog`] on a Kafka topic. Both run the same contract tests
//!   (`tests/contract/`).
//! - [`LogUrl`] and [`AnyLog`]: the backend chosen at run time by URL scheme (`sqlite://`,
//!   `kafka://`); [`DbUrl`] and [`open_snapshots`] for the snapshot store.
//! - [`SnapshotStore`], where snapshots of partition state are kept (with the offset each
//!   covers), and [`SqliteSnapshots`], its embedded backend.
//!
//! The backends still see bytes: a writer puts an encoded [`Envelope`] in
//! [`AppendRecord::payload`], and no backend decodes it. The log knows nothing of HTTP, and
//! of the domain only the event type its envelope wraps.

mod any;
pub mod envelope;
mod error;
mod fence;
#[cfg(feature = "kafka")]
pub mod kafka;
mod log;
mod partition;
pub mod postgres;
mod recent;
mod record;
pub mod snapshot;
pub mod sqlite;
mod url;

pub use any::{open_snapshots, AnyLog, AnyWriter};
pub use envelope::{partition_of, record_key, Envelope};
pub use error::LogError;
pub use fence::EpochFence;
pub use log::{EventLog, PartitionWriter};
pub use partition::partition_for;
pub use record::{AppendRecord, LogRecord, RecordKind};
pub use snapshot::{Snapshot, SnapshotStore};
pub use sqlite::{SqliteLog, SqliteSnapshots, SqliteWriter};
pub use url::{redact, DbUrl, LogUrl, UrlError};
