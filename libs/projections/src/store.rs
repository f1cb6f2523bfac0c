//! The read database: opening it, the consumed offset of each partition, waiting for an offset
//! to be projected, and rebuilding from zero.

use crate::error::{int, uint, ProjectionError};
use crate::migrate;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECTIONS: u32 = 4;
/// How often [`ReadStore::wait_until`] re-reads the stored offset, for projectors running in
/// another process.
pub const CROSS_PROCESS_POLL: Duration = Duration::from_millis(100);

/// The read database. Cheap to clone: clones share the connections and the offset watchers.
#[derive(Clone)]
pub struct ReadStore {
    pub(crate) pool: SqlitePool,
    /// Per partition, the next offset to project as last committed by this process.
    projected: Arc<Mutex<HashMap<u32, watch::Sender<u64>>>>,
}

impl ReadStore {
    /// Opens (creating if missing) the read database at `path` and brings its schema up to date.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, ProjectionError> {
        let options = SqliteConnectOptions::new()
            .filename(path.as_ref())
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(CONNECTIONS)
            .connect_with(options)
            .await?;
        migrate::run(&pool).await?;
        Ok(Self {
            pool,
            projected: Arc::default(),
        })
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The offset of `partition` to project next: one past the last applied record, 0 when
    /// nothing was.
    pub async fn next_offset(&self, partition: u32) -> Result<u64, ProjectionError> {
        let stored: Option<i64> = sqlx::query_scalar(
            r#"SELECT next_offset FROM projection_offsets WHERE "partition" = $1"#,
        )
        .bind(i64::from(partition))
        .fetch_optional(&self.pool)
        .await?;
        Ok(stored.map_or(0, uint))
    }

    /// Waits until the record at `offset` of `partition` is projected (the next offset is past
    /// it) or `timeout` passes; returns whether it is. Projections committed by this process
    /// wake the waiter at once; those of another process are seen by re-reading the stored
    /// offset every [`CROSS_PROCESS_POLL`].
    pub async fn wait_until(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> Result<bool, ProjectionError> {
        let deadline = Instant::now() + timeout;
        let mut projected = self.watcher(partition).subscribe();
        loop {
            if self.next_offset(partition).await? > offset {
                return Ok(true);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(false);
            }
            let slice = left.min(CROSS_PROCESS_POLL);
            if let Ok(Ok(_)) =
                tokio::time::timeout(slice, projected.wait_for(|next| *next > offset)).await
            {
                return Ok(true);
            }
        }
    }

    /// Empties every table and forgets every offset: projecting again starts from offset 0.
    pub async fn rebuild(&self) -> Result<(), ProjectionError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for statement in [
            "DELETE FROM members",
            "DELETE FROM merchants",
            "DELETE FROM stores",
            "DELETE FROM channels",
            "DELETE FROM offers",
            "DELETE FROM offer_channels",
            "DELETE FROM credentials",
            "DELETE FROM redemptions",
            "DELETE FROM api_keys",
            "DELETE FROM store_lists",
            "DELETE FROM store_list_stores",
            "DELETE FROM member_lists",
            "DELETE FROM member_list_members",
            "DELETE FROM items",
            "DELETE FROM item_sets",
            "DELETE FROM item_set_items",
            "DELETE FROM projection_offsets",
        ] {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        let watchers = self
            .projected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for watcher in watchers.values() {
            watcher.send_replace(0);
        }
        Ok(())
    }

    /// Stores `next` as the next offset of `partition` inside `tx`.
    pub(crate) async fn store_offset(
        tx: &mut sqlx::SqliteConnection,
        partition: u32,
        next: u64,
    ) -> Result<(), ProjectionError> {
        sqlx::query(
            r#"INSERT INTO projection_offsets ("partition", next_offset) VALUES ($1, $2)
               ON CONFLICT ("partition") DO UPDATE SET next_offset = excluded.next_offset"#,
        )
        .bind(i64::from(partition))
        .bind(int(next)?)
        .execute(tx)
        .await?;
        Ok(())
    }

    /// Tells waiters that `partition` is projected up to `next` (after the commit).
    pub(crate) fn announce(&self, partition: u32, next: u64) {
        self.watcher(partition).send_if_modified(|known| {
            let changed = *known != next;
            *known = next;
            changed
        });
    }

    fn watcher(&self, partition: u32) -> watch::Sender<u64> {
        let mut watchers = self
            .projected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        watchers
            .entry(partition)
            .or_insert_with(|| watch::Sender::new(0))
            .clone()
    }
}
