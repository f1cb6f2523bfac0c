//! The embedded backend: the whole log in one SQLite file.
//!
//! Settings: WAL journal, `synchronous=FULL` (a committed append is on disk before `append`
//! returns), a 5 s busy timeout for other processes holding the write lock. One connection,
//! behind a mutex, does every write (claims and appends: SQLite has one writer at a time
//! anyway); a small pool of connections serves reads, which WAL lets run beside the writer.
//!
//! An append is one `INSERT ... SELECT ... FROM (VALUES ...) WHERE <claim still has my epoch>`
//! statement, so the fence check and the insert are one atomic, durable transaction; batches
//! of more than 256 records run as several such statements in one `BEGIN IMMEDIATE`
//! transaction.
//!
//! Schema (version 1, created in code and versioned with `PRAGMA user_version`, see
//! `schema.rs`): `log_meta(name, value)` holding the partition count and the log's random
//! id, `claims(part, epoch)`
//! and `events(part, off, key, payload, epoch)` keyed by `(part, off)`.
//!
//! Checkpoints: run by a task of the log's own beside the writer, not inside an append (see
//! `checkpoint.rs`).
//!
//! Tailing ([`EventLog::wait_for`]): appends made through this `SqliteLog` (or its clones) wake
//! waiters at once through a per-partition `watch`; appends by another process on the same file
//! are seen by re-reading the end offset every [`CROSS_PROCESS_POLL`]. The records this
//! process appended last are kept in memory (`crate::recent`), so followers in the process read the
//! tail without a query.

mod checkpoint;
mod convert;
mod schema;
mod snapshots;
mod tail;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqliteConnection, SqliteExecutor, SqlitePool};
use tokio::sync::{watch, Mutex};

use self::checkpoint::{Checkpoints, WRITER_AUTOCHECKPOINT_PAGES};
use self::convert::{db_error, from_sql, to_sql};
use crate::recent::Recent;
use crate::{EventLog, LogError, LogRecord, RecordKind};

pub use self::snapshots::SqliteSnapshots;
pub use self::tail::CROSS_PROCESS_POLL;
pub use self::writer::SqliteWriter;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const READ_CONNECTIONS: u32 = 4;
/// Room for one prepared INSERT per batch size up to a full statement, plus the rest.
const WRITER_STATEMENT_CACHE: usize = writer::ROWS_PER_STATEMENT + 32;

/// The event log in one SQLite file. Cheap to clone: clones share the connections.
#[derive(Clone)]
pub struct SqliteLog {
    shared: Arc<Shared>,
}

/// What a log and its writers share.
struct Shared {
    path: PathBuf,
    partitions: u32,
    /// The random id drawn when the file was created.
    id: u64,
    writer: Mutex<SqliteConnection>,
    readers: SqlitePool,
    /// Per partition, the highest end offset this process has committed.
    tails: Vec<watch::Sender<u64>>,
    /// The records this process appended last.
    recent: Recent,
    /// The checkpoint task, told of every commit.
    checkpoints: Arc<Checkpoints>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.checkpoints.close();
    }
}

impl Shared {
    fn notify_end(&self, partition: u32, end: u64) {
        if let Some(tail) = self.tails.get(partition as usize) {
            tail.send_if_modified(|known| {
                let newer = end > *known;
                if newer {
                    *known = end;
                }
                newer
            });
        }
    }
}

impl SqliteLog {
    /// Creates the log file at `path` with `partitions` partitions, or opens the existing one,
    /// which must have been created with the same count.
    pub async fn open(path: impl AsRef<Path>, partitions: u32) -> Result<Self, LogError> {
        if partitions == 0 {
            return Err(LogError::ZeroPartitions);
        }
        let path = path.as_ref().to_path_buf();
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma(
                "wal_autocheckpoint",
                WRITER_AUTOCHECKPOINT_PAGES.to_string(),
            )
            .disable_statement_logging();
        let mut writer = options
            .clone()
            .statement_cache_capacity(WRITER_STATEMENT_CACHE)
            .connect()
            .await
            .map_err(db_error)?;
        let id = match schema::prepare(&mut writer, partitions).await {
            Ok(id) => id,
            Err(error) => {
                let _closed = writer.close().await;
                return Err(error);
            }
        };
        let options = options.create_if_missing(false);
        let checkpoints = Checkpoints::start(options.clone());
        let readers = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .connect_lazy_with(options);
        let tails = (0..partitions).map(|_| watch::Sender::new(0)).collect();
        Ok(Self {
            shared: Arc::new(Shared {
                path,
                partitions,
                id,
                writer: Mutex::new(writer),
                readers,
                tails,
                recent: Recent::new(partitions),
                checkpoints,
            }),
        })
    }

    /// The file this log lives in.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// What names this log and no other: `sqlite:` and the random id drawn when the file was
    /// created (a file created again at the same path gets another).
    pub fn log_id(&self) -> String {
        format!("sqlite:{:016x}", self.shared.id)
    }

    fn check(&self, partition: u32) -> Result<i64, LogError> {
        if partition < self.shared.partitions {
            Ok(i64::from(partition))
        } else {
            Err(LogError::NoSuchPartition {
                partition,
                partitions: self.shared.partitions,
            })
        }
    }
}

impl EventLog for SqliteLog {
    type Writer = SqliteWriter;

    fn partitions(&self) -> u32 {
        self.shared.partitions
    }

    async fn claim(&self, partition: u32) -> Result<SqliteWriter, LogError> {
        let part = self.check(partition)?;
        let mut conn = self.shared.writer.lock().await;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(db_error)?;
        let epoch: i64 = sqlx::query_scalar(
            "INSERT INTO claims (part, epoch) VALUES (?1, 1) \
             ON CONFLICT (part) DO UPDATE SET epoch = epoch + 1 RETURNING epoch",
        )
        .bind(part)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let next = end_offset_on(&mut *tx, part).await?;
        tx.commit().await.map_err(db_error)?;
        drop(conn);
        self.shared.recent.forget(partition);
        let epoch = from_sql(epoch, "epoch")?;
        Ok(SqliteWriter::new(
            Arc::clone(&self.shared),
            partition,
            epoch,
            next,
        ))
    }

    async fn read(
        &self,
        partition: u32,
        from: u64,
        max: usize,
    ) -> Result<Vec<LogRecord>, LogError> {
        let part = self.check(partition)?;
        if max == 0 {
            return Ok(Vec::new());
        }
        if let Some(records) = self.shared.recent.read(partition, from, max) {
            return Ok(records);
        }
        let Ok(from) = to_sql(from) else {
            return Ok(Vec::new());
        };
        let limit = i64::try_from(max).unwrap_or(i64::MAX);
        let rows: Vec<(i64, String, Vec<u8>, i64)> = sqlx::query_as(
            "SELECT off, key, payload, epoch FROM events \
             WHERE part = ?1 AND off >= ?2 ORDER BY off LIMIT ?3",
        )
        .bind(part)
        .bind(from)
        .bind(limit)
        .fetch_all(&self.shared.readers)
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(offset, key, payload, epoch)| {
                Ok(LogRecord {
                    partition,
                    offset: from_sql(offset, "offset")?,
                    key,
                    payload,
                    epoch: from_sql(epoch, "epoch")?,
                    kind: RecordKind::Event,
                })
            })
            .collect()
    }

    async fn end_offset(&self, partition: u32) -> Result<u64, LogError> {
        let part = self.check(partition)?;
        end_offset_on(&self.shared.readers, part).await
    }

    async fn wait_for(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> Result<bool, LogError> {
        let part = self.check(partition)?;
        tail::wait_for(&self.shared, part, offset, timeout).await
    }
}

impl std::fmt::Debug for SqliteLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteLog")
            .field("path", &self.shared.path)
            .field("partitions", &self.shared.partitions)
            .finish_non_exhaustive()
    }
}

/// The end offset of partition `part` as seen by `executor`.
async fn end_offset_on<'e>(executor: impl SqliteExecutor<'e>, part: i64) -> Result<u64, LogError> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT off FROM events WHERE part = ?1 ORDER BY off DESC LIMIT 1")
            .bind(part)
            .fetch_optional(executor)
            .await
            .map_err(db_error)?;
    match last {
        Some(last) => Ok(from_sql(last, "offset")? + 1),
        None => Ok(0),
    }
}
