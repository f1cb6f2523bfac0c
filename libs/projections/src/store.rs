//! The read database: opening it (SQLite or Postgres, by URL), the position of each
//! partition's projection (next offset and writer epoch), waiting for an offset to be
//! projected, rebuilding from zero, and the event log it is paired with.

use crate::dialect::{self, Backend, WriteLock};
use crate::error::{int, uint, ProjectionError};
use crate::follow::{Follow, Followers};
use crate::migrate;
use eventlog::DbUrl;
use privacy::KeyStore;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How often [`ReadStore::wait_until`] re-reads the stored offset, for projectors running in
/// another process.
pub const CROSS_PROCESS_POLL: Duration = Duration::from_millis(100);

/// Where a partition's projection stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// The offset to read next: one past the last record read (applied or skipped), 0 when
    /// none was.
    pub next_offset: u64,
    /// The newest writer epoch seen in the records read (see [`eventlog::EpochFence`]).
    pub epoch: u64,
}

/// The read database. Cheap to clone: clones share the connections and the offset watchers.
#[derive(Clone)]
pub struct ReadStore {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// Per partition, what this process knows of its projection.
    followers: Followers,
    /// Where members' keys are, to open the personal text of events (see the `privacy`
    /// crate); `None`: sealed text is written as it is read.
    pub(crate) keys: Option<Arc<dyn KeyStore>>,
}

impl ReadStore {
    /// Opens (creating if missing) the SQLite read database at `path` and brings its schema up
    /// to date: the embedded default, and a shorthand for [`ReadStore::connect`] with a
    /// `sqlite://` URL.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, ProjectionError> {
        let options = SqliteConnectOptions::new().filename(path.as_ref());
        let pool = dialect::connect_sqlite(options).await?;
        Self::ready(Backend::Sqlite, pool).await
    }

    /// Connects to the read database at `url` and brings its schema up to date:
    /// `sqlite://<path>` (the file is created if missing) or `postgres://user@host/database`
    /// (the database must exist). Any other scheme is [`ProjectionError::UnsupportedUrl`].
    pub async fn connect(url: &str) -> Result<Self, ProjectionError> {
        let (backend, pool) = Backend::connect(url).await?;
        Self::ready(backend, pool).await
    }

    /// Opens the read database a parsed URL names (the `PROMO_READ_DB` setting): a SQLite
    /// file through [`ReadStore::open`], a Postgres database through [`ReadStore::connect`].
    pub async fn open_url(url: &DbUrl) -> Result<Self, ProjectionError> {
        match url {
            DbUrl::Sqlite(path) => Self::open(path).await,
            DbUrl::Postgres(url) => Self::connect(url).await,
        }
    }

    async fn ready(backend: Backend, pool: AnyPool) -> Result<Self, ProjectionError> {
        migrate::run(&pool, backend).await?;
        Ok(Self {
            pool,
            backend,
            followers: Followers::default(),
            keys: None,
        })
    }

    /// The store opening the personal text of the events it applies with the keys in `keys`.
    pub fn with_keys(mut self, keys: Arc<dyn KeyStore>) -> Self {
        self.keys = Some(keys);
        self
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The offset of `partition` to project next: one past the last record read (applied or
    /// skipped), 0 when none was.
    pub async fn next_offset(&self, partition: u32) -> Result<u64, ProjectionError> {
        Ok(self.position(partition).await?.next_offset)
    }

    /// Where the projection of `partition` stands (all zero before its first batch).
    pub async fn position(&self, partition: u32) -> Result<Position, ProjectionError> {
        let mut connection = self.pool.acquire().await?;
        Self::read_position(&mut connection, partition).await
    }

    /// Where `partition` stands, read on `connection` (inside a batch's transaction).
    pub(crate) async fn read_position(
        connection: &mut AnyConnection,
        partition: u32,
    ) -> Result<Position, ProjectionError> {
        let stored: Option<(i64, i64)> = sqlx::query_as(
            r#"SELECT next_offset, epoch FROM projection_offsets WHERE "partition" = $1"#,
        )
        .bind(i64::from(partition))
        .fetch_optional(connection)
        .await?;
        Ok(
            stored.map_or(Position::default(), |(next, epoch)| Position {
                next_offset: uint(next),
                epoch: uint(epoch),
            }),
        )
    }

    /// Waits until the record at `offset` of `partition` is projected (the next offset is past
    /// it) or `timeout` passes; returns whether it is. Projections committed by this process
    /// wake the waiter at once (and a projector of this process pacing its batches is told to
    /// apply now); those of another process are seen by re-reading the stored offset every
    /// [`CROSS_PROCESS_POLL`].
    pub async fn wait_until(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> Result<bool, ProjectionError> {
        let deadline = Instant::now() + timeout;
        let follow = self.follow(partition);
        let mut projected = follow.projected.subscribe();
        if *projected.borrow_and_update() > offset {
            return Ok(true);
        }
        if !follow.is_local() && self.next_offset(partition).await? > offset {
            return Ok(true);
        }
        follow.want(offset);
        loop {
            let slice = deadline
                .saturating_duration_since(Instant::now())
                .min(CROSS_PROCESS_POLL);
            if let Ok(Ok(_)) =
                tokio::time::timeout(slice, projected.wait_for(|next| *next > offset)).await
            {
                return Ok(true);
            }
            if self.next_offset(partition).await? > offset {
                return Ok(true);
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
        }
    }

    /// The partitions whose projector in this process failed and has not caught up with the
    /// log since (it is waiting to be restarted, or catching up after a restart), in order;
    /// empty when every one is well or none runs here.
    pub fn failing_projectors(&self) -> Vec<u32> {
        self.followers.failing()
    }

    /// The id of the event log this database is filled from: `log_id` is recorded when it
    /// names none yet (a new database, one from before pairing, or one just emptied by
    /// [`ReadStore::rebuild`]), and the id it names is answered. Another id than `log_id`
    /// means its rows were projected from another log.
    pub async fn pair(&self, log_id: &str) -> Result<String, ProjectionError> {
        sqlx::query(
            "INSERT INTO store_pairing (id, log_id) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(log_id)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT log_id FROM store_pairing WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Empties every table, forgets every offset and the log it was paired with: projecting
    /// again starts from offset 0, into a database paired with the log projected.
    pub async fn rebuild(&self) -> Result<(), ProjectionError> {
        let mut tx = self
            .backend
            .begin_write(&self.pool, WriteLock::Rows)
            .await?;
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
            "DELETE FROM manufacturers",
            "DELETE FROM manufacturer_merchants",
            "DELETE FROM counters",
            "DELETE FROM occasions",
            "DELETE FROM pos_offer_codes",
            "DELETE FROM offer_activities",
            "DELETE FROM impressions",
            "DELETE FROM projection_offsets",
            "DELETE FROM store_pairing",
        ] {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        for follow in self.followers.all() {
            follow.projected.send_replace(0);
        }
        Ok(())
    }

    /// Stores `position` as where `partition` stands, inside `tx`.
    pub(crate) async fn store_position(
        tx: &mut AnyConnection,
        partition: u32,
        position: Position,
    ) -> Result<(), ProjectionError> {
        sqlx::query(
            r#"INSERT INTO projection_offsets ("partition", next_offset, epoch) VALUES ($1, $2, $3)
               ON CONFLICT ("partition") DO UPDATE
               SET next_offset = excluded.next_offset, epoch = excluded.epoch"#,
        )
        .bind(i64::from(partition))
        .bind(int(position.next_offset)?)
        .bind(int(position.epoch)?)
        .execute(tx)
        .await?;
        Ok(())
    }

    /// Tells waiters that `partition` is projected up to `next` (after the commit).
    pub(crate) fn announce(&self, partition: u32, next: u64) {
        self.follow(partition).projected.send_if_modified(|known| {
            let changed = *known != next;
            *known = next;
            changed
        });
    }

    /// What this process knows of `partition`'s projection.
    pub(crate) fn follow(&self, partition: u32) -> Arc<Follow> {
        self.followers.of(partition)
    }
}
