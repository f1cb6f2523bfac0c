//! The embedded snapshot store: [`SqliteSnapshots`], snapshots in their own SQLite file beside
//! the log's (for the server, `events.snapshots.db` next to `events.db`).
//!
//! A file of its own, not a table in the log's file: a snapshot is megabytes written in one
//! transaction, and SQLite has one writer per file, so in the log's file it would hold up the
//! appends (and the replies waiting on them) while it is written. Here it never does.
//!
//! Settings: WAL, `synchronous=FULL`, `secure_delete=ON` and a TRUNCATE checkpoint after
//! every save (a forgotten snapshot may hold an erased member's data: its pages are zeroed and
//! no copy stays in the WAL), 5 s busy timeout. Schema, created in code:
//! `snapshots(part, off, epoch, format, state BLOB, PRIMARY KEY (part, off))`, and
//! `snapshots_log(id = 1, log_id)`: the log the snapshots are taken from (see
//! [`SnapshotStore::pair`]). Losing this file loses nothing but restart time: the state is
//! rebuilt from the log.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};

use super::convert::{db_error, from_sql, to_sql};
use crate::snapshot::{BoxFuture, Snapshot, SnapshotStore};
use crate::LogError;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECTIONS: u32 = 2;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS snapshots (
    part INTEGER NOT NULL,
    off INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    format INTEGER NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (part, off)
);
CREATE TABLE IF NOT EXISTS snapshots_log (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    log_id TEXT NOT NULL
);
";

/// Snapshots in one SQLite file. Cheap to clone: clones share the connections.
#[derive(Clone, Debug)]
pub struct SqliteSnapshots {
    path: PathBuf,
    pool: SqlitePool,
}

impl SqliteSnapshots {
    /// Opens the snapshot file at `path`, creating it (and its table) when missing.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, LogError> {
        let path = path.as_ref().to_path_buf();
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .pragma("secure_delete", "ON")
            .busy_timeout(BUSY_TIMEOUT)
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(db_error)?;
        sqlx::raw_sql(CREATE)
            .execute(&pool)
            .await
            .map_err(db_error)?;
        Ok(Self { path, pool })
    }

    /// The file the snapshots live in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn save_now(&self, snapshot: &Snapshot, keep: usize) -> Result<(), LogError> {
        let part = i64::from(snapshot.partition);
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query(
            "INSERT OR REPLACE INTO snapshots (part, off, epoch, format, state) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(part)
        .bind(to_sql(snapshot.offset)?)
        .bind(to_sql(snapshot.epoch)?)
        .bind(i64::from(snapshot.format))
        .bind(snapshot.state.as_slice())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let keep = i64::try_from(keep.max(1)).unwrap_or(i64::MAX);
        sqlx::query(
            "DELETE FROM snapshots WHERE part = ?1 AND off NOT IN \
             (SELECT off FROM snapshots WHERE part = ?1 ORDER BY off DESC LIMIT ?2)",
        )
        .bind(part)
        .bind(keep)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        // Forgotten snapshots may hold erased members' data: no copy stays in the WAL.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn latest_now(&self, partition: u32, format: u32) -> Result<Option<Snapshot>, LogError> {
        let row: Option<(i64, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT off, epoch, state FROM snapshots WHERE part = ?1 AND format = ?2 \
             ORDER BY off DESC LIMIT 1",
        )
        .bind(i64::from(partition))
        .bind(i64::from(format))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|(offset, epoch, state)| {
            Ok(Snapshot {
                partition,
                offset: from_sql(offset, "snapshot offset")?,
                epoch: from_sql(epoch, "snapshot epoch")?,
                format,
                state,
            })
        })
        .transpose()
    }

    async fn offsets_now(&self, partition: u32) -> Result<Vec<u64>, LogError> {
        let offsets: Vec<i64> =
            sqlx::query_scalar("SELECT off FROM snapshots WHERE part = ?1 ORDER BY off DESC")
                .bind(i64::from(partition))
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
        offsets
            .into_iter()
            .map(|offset| from_sql(offset, "snapshot offset"))
            .collect()
    }

    async fn pair_now(&self, log_id: &str) -> Result<String, LogError> {
        sqlx::query("INSERT OR IGNORE INTO snapshots_log (id, log_id) VALUES (1, ?1)")
            .bind(log_id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        sqlx::query_scalar("SELECT log_id FROM snapshots_log WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }
}

impl SnapshotStore for SqliteSnapshots {
    fn save<'a>(
        &'a self,
        snapshot: &'a Snapshot,
        keep: usize,
    ) -> BoxFuture<'a, Result<(), LogError>> {
        Box::pin(self.save_now(snapshot, keep))
    }

    fn latest(
        &self,
        partition: u32,
        format: u32,
    ) -> BoxFuture<'_, Result<Option<Snapshot>, LogError>> {
        Box::pin(self.latest_now(partition, format))
    }

    fn offsets(&self, partition: u32) -> BoxFuture<'_, Result<Vec<u64>, LogError>> {
        Box::pin(self.offsets_now(partition))
    }

    fn pair<'a>(&'a self, log_id: &'a str) -> BoxFuture<'a, Result<String, LogError>> {
        Box::pin(self.pair_now(log_id))
    }
}
