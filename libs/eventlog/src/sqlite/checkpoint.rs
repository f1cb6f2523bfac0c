//! WAL checkpoints off the append path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold: every ~400
//! single-record appends, one append (and every command queued behind it) waited for a few
//! milliseconds of page copying and a sync of the database file. Here a task of the log's own,
//! on its own connection, runs a passive checkpoint after every [`COMMITS_PER_CHECKPOINT`]
//! commits, while the writer goes on appending (WAL lets a checkpoint run beside a writer).
//!
//! A passive checkpoint that ran beside a commit leaves the WAL's newest frames to the next
//! one, and the WAL starts over from its beginning only once a checkpoint has copied every
//! frame before a writer's next transaction. Under a steady stream of appends that may never
//! happen, so the writer keeps SQLite's automatic checkpoint with a far higher threshold
//! ([`WRITER_AUTOCHECKPOINT_PAGES`]) as a bound on the WAL's size: when it fires, the frames
//! are almost all copied already and it is short.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use tokio::sync::Notify;

/// Commits between two checkpoints of the task (about 2.5 WAL pages each for a small batch).
pub(super) const COMMITS_PER_CHECKPOINT: u32 = 64;
/// The writer connection's automatic checkpoint threshold, in WAL pages (about 32 MiB).
pub(super) const WRITER_AUTOCHECKPOINT_PAGES: u32 = 8192;

/// What the writer tells the checkpoint task: commits since the last checkpoint, and when
/// the log is gone.
#[derive(Default)]
pub(super) struct Checkpoints {
    commits: AtomicU32,
    closed: AtomicBool,
    due: Notify,
}

impl Checkpoints {
    /// Starts the task checkpointing the log file `options` opens; it ends after [`Self::close`].
    pub(super) fn start(options: SqliteConnectOptions) -> Arc<Self> {
        let checkpoints = Arc::new(Self::default());
        let task = Arc::clone(&checkpoints);
        tokio::spawn(async move { task.run(options).await });
        checkpoints
    }

    /// One more commit; wakes the task every [`COMMITS_PER_CHECKPOINT`].
    pub(super) fn committed(&self) {
        if self.commits.fetch_add(1, Ordering::Relaxed) + 1 >= COMMITS_PER_CHECKPOINT {
            self.due.notify_one();
        }
    }

    /// Ends the task.
    pub(super) fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.due.notify_one();
    }

    async fn run(&self, options: SqliteConnectOptions) {
        let mut connection: Option<SqliteConnection> = None;
        loop {
            self.due.notified().await;
            if self.closed.load(Ordering::Relaxed) {
                break;
            }
            self.commits.store(0, Ordering::Relaxed);
            if connection.is_none() {
                connection = options.connect().await.ok();
            }
            let Some(open) = connection.as_mut() else {
                continue;
            };
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&mut *open)
                .await
            {
                tracing::warn!(%error, "checkpoint of the event log failed");
                connection = None;
            }
        }
        if let Some(open) = connection {
            let _closed = open.close().await;
        }
    }
}
