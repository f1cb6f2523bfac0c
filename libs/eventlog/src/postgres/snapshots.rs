//! [`PostgresSnapshots`]: snapshots of partition state in a Postgres table, with the same
//! contract as the embedded [`crate::SqliteSnapshots`] (keep the newest N per partition, the
//! newest of a format, the stored offsets).
//!
//! Schema, created in code when missing: `partition_snapshots(part, off, epoch, format,
//! state BYTEA, PRIMARY KEY (part, off))` and `partition_snapshots_log(id = 1, log_id)`, the
//! log the snapshots are taken from (see [`SnapshotStore::pair`]). The table names are their
//! own so that the database can be the one the read models live in. Losing the table loses nothing but restart time: the
//! state is rebuilt from the log.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};
use std::str::FromStr;

use crate::snapshot::{BoxFuture, Snapshot, SnapshotStore};
use crate::LogError;

const CONNECTIONS: u32 = 2;
/// Advisory lock (two keys) held while the table is created, so that processes starting
/// together do not race on `CREATE TABLE IF NOT EXISTS`.
const CREATE_LOCK: (i32, i32) = (0x736e_6170, 0);

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS partition_snapshots (
    part BIGINT NOT NULL,
    off BIGINT NOT NULL,
    epoch BIGINT NOT NULL,
    format BIGINT NOT NULL,
    state BYTEA NOT NULL,
    PRIMARY KEY (part, off)
)";
const CREATE_LOG: &str = "
CREATE TABLE IF NOT EXISTS partition_snapshots_log (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    log_id TEXT NOT NULL
)";

/// Snapshots in a Postgres table. Cheap to clone: clones share the connections.
#[derive(Clone, Debug)]
pub struct PostgresSnapshots {
    pool: PgPool,
}

impl PostgresSnapshots {
    /// Connects to the database at `url` (`postgres://user@host/database`, which must exist)
    /// and creates the snapshot table when missing.
    pub async fn connect(url: &str) -> Result<Self, LogError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(db_error)?
            .disable_statement_logging();
        let pool = PgPoolOptions::new()
            .max_connections(CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(db_error)?;
        let mut tx = pool.begin().await.map_err(db_error)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(CREATE_LOCK.0)
            .bind(CREATE_LOCK.1)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for create in [CREATE, CREATE_LOG] {
            sqlx::query(create)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(Self { pool })
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn save_now(&self, snapshot: &Snapshot, keep: usize) -> Result<(), LogError> {
        let part = i64::from(snapshot.partition);
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query(
            "INSERT INTO partition_snapshots (part, off, epoch, format, state) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (part, off) DO UPDATE \
             SET epoch = excluded.epoch, format = excluded.format, state = excluded.state",
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
            "DELETE FROM partition_snapshots WHERE part = $1 AND off NOT IN \
             (SELECT off FROM partition_snapshots WHERE part = $1 ORDER BY off DESC LIMIT $2)",
        )
        .bind(part)
        .bind(keep)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn latest_now(&self, partition: u32, format: u32) -> Result<Option<Snapshot>, LogError> {
        let row: Option<(i64, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT off, epoch, state FROM partition_snapshots WHERE part = $1 AND format = $2 \
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
        let offsets: Vec<i64> = sqlx::query_scalar(
            "SELECT off FROM partition_snapshots WHERE part = $1 ORDER BY off DESC",
        )
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
        sqlx::query(
            "INSERT INTO partition_snapshots_log (id, log_id) VALUES (1, $1) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(log_id)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        sqlx::query_scalar("SELECT log_id FROM partition_snapshots_log WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }
}

impl SnapshotStore for PostgresSnapshots {
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

/// A log position as a Postgres `BIGINT`; positions past `i64::MAX` cannot be stored.
fn to_sql(value: u64) -> Result<i64, LogError> {
    i64::try_from(value)
        .map_err(|_| LogError::Storage(format!("position {value} exceeds BIGINT's range").into()))
}

/// A stored `BIGINT` as a log position; a negative one means the table was written by
/// something else.
fn from_sql(value: i64, what: &str) -> Result<u64, LogError> {
    u64::try_from(value).map_err(|_| LogError::Corrupt(format!("negative {what}: {value}")))
}

/// Sorts an sqlx error into the crate's: undecodable data is [`LogError::Corrupt`], everything
/// else (connection, IO, the server refusing) [`LogError::Storage`].
fn db_error(error: sqlx::Error) -> LogError {
    match &error {
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            LogError::Corrupt(error.to_string())
        }
        _ => LogError::Storage(Box::new(error)),
    }
}
