//! Where SQLite and Postgres differ, and nothing else: connecting (SQLite's file settings),
//! opening a write transaction (SQLite's `BEGIN IMMEDIATE`, Postgres' advisory locks and
//! transaction settings), the migration files of each, the placeholders of statements built
//! at run time, and the form of a primary-key lookup of many ids. Every query written out
//! elsewhere is one text for both, run through sqlx's `Any` driver with `$n` placeholders,
//! which both databases read.

use crate::error::ProjectionError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{
    Any, AnyConnection, AnyPool, ConnectOptions, Connection, Database, Executor, Postgres,
    Transaction,
};
use std::fmt::Write;
use std::str::FromStr;

/// SQLite readers beside the one writer (WAL lets them run while it writes).
const SQLITE_CONNECTIONS: u32 = 4;
/// Postgres connections: the projectors' writes and the API's reads.
const POSTGRES_CONNECTIONS: u32 = 8;
/// Namespace of the advisory locks the read store takes in Postgres (first key of the pair).
const LOCK_NAMESPACE: i32 = 0x7072_6f6a;
/// Advisory lock (second key) held while migrating; partitions use their own number.
const MIGRATION_LOCK: i32 = -1;

/// The database behind a read store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// A SQLite file (the embedded default).
    Sqlite,
    /// A Postgres database.
    Postgres,
}

/// What to lock in a write transaction, in Postgres (SQLite locks the whole file anyway).
#[derive(Clone, Copy, Debug)]
pub(crate) enum WriteLock {
    /// The schema, while migrations run.
    Schema,
    /// One partition's rows and position, while a batch is applied (in Postgres, also: commit
    /// without waiting for the WAL flush, see [`Backend::begin_write`]).
    Partition(u32),
    /// Nothing beyond the rows written.
    Rows,
}

impl Backend {
    /// Connects to `url` (`sqlite://<path>`, created if missing, or `postgres://...`).
    pub(crate) async fn connect(url: &str) -> Result<(Self, AnyPool), ProjectionError> {
        sqlx::any::install_default_drivers();
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme {
            "sqlite" => {
                let options = SqliteConnectOptions::from_str(url)?;
                Ok((Self::Sqlite, connect_sqlite(options).await?))
            }
            "postgres" | "postgresql" => {
                let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
                let pool = AnyPoolOptions::new()
                    .max_connections(POSTGRES_CONNECTIONS)
                    .connect_with(options)
                    .await?;
                Ok((Self::Postgres, pool))
            }
            _ => Err(ProjectionError::UnsupportedUrl {
                scheme: scheme.to_string(),
            }),
        }
    }

    /// Opens a transaction that writes, holding what `lock` names until it ends.
    ///
    /// In Postgres a batch's transaction commits without waiting for its WAL flush
    /// (`synchronous_commit = off`, for that transaction only): a server crash can then lose
    /// the last few batches, but whole, rows and position together, so the projector re-reads
    /// them from the log; nothing is lost or doubled, and the batch does not wait on a disk
    /// flush. SQLite's WAL at `synchronous = NORMAL` makes the same trade. It also plans its
    /// prepared statements once (`plan_cache_mode = force_generic_plan`): they are multi-row
    /// writes and key lookups, whose plan never depends on the values.
    pub(crate) async fn begin_write(
        self,
        pool: &AnyPool,
        lock: WriteLock,
    ) -> Result<Transaction<'static, Any>, ProjectionError> {
        match self {
            Self::Sqlite => Ok(pool.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres => {
                let mut tx = pool.begin().await?;
                match lock {
                    WriteLock::Rows => {}
                    WriteLock::Schema => {
                        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
                            .bind(LOCK_NAMESPACE)
                            .bind(MIGRATION_LOCK)
                            .execute(&mut *tx)
                            .await?;
                    }
                    WriteLock::Partition(partition) => {
                        let key = i32::try_from(partition)
                            .map_err(|_| ProjectionError::OutOfRange(u64::from(partition)))?;
                        sqlx::query(
                            "SELECT pg_advisory_xact_lock($1, $2), \
                             set_config('synchronous_commit', 'off', true), \
                             set_config('plan_cache_mode', 'force_generic_plan', true)",
                        )
                        .bind(LOCK_NAMESPACE)
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                Ok(tx)
            }
        }
    }

    /// The database `connection` talks to.
    pub(crate) fn of(connection: &AnyConnection) -> Self {
        if connection.backend_name() == Postgres::NAME {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// Appends the placeholder of the `n`th value (from 1) of a statement built at run time,
    /// whose values are bound in the order they appear. Postgres numbers them (`$n`); SQLite
    /// takes them in order (`?`), because it looks a numbered one up by a linear scan, both
    /// when it prepares the statement and when sqlx binds it, so a statement of thousands of
    /// numbered values costs millions of string compares.
    pub(crate) fn placeholder(self, sql: &mut String, n: usize) {
        match self {
            Self::Sqlite => sql.push('?'),
            Self::Postgres => {
                let _ = write!(sql, "${n}");
            }
        }
    }

    /// A query for the rows of `table` whose `(account_id, id)` is `($1, one of the ids)`,
    /// answering `id` then `columns`, for `count` ids bound after the account.
    ///
    /// SQLite looks each id up in the primary key with `id IN (...)`. Postgres would too once
    /// it has statistics of the table, but before its first `ANALYZE` it guesses that an
    /// account holds a handful of rows and filters every row of the account against the whole
    /// list (thousands of times slower on a large account); a lateral lookup per id cannot be
    /// planned any other way than through the primary key.
    pub(crate) fn select_by_ids(self, table: &str, columns: &str, count: usize) -> String {
        let mut sql = match self {
            Self::Sqlite => {
                format!("SELECT id, {columns} FROM {table} WHERE account_id = ? AND id IN (")
            }
            Self::Postgres => String::from("SELECT c.* FROM unnest(ARRAY["),
        };
        for n in 0..count {
            if n > 0 {
                sql.push_str(", ");
            }
            self.placeholder(&mut sql, n + 2);
        }
        match self {
            Self::Sqlite => sql.push(')'),
            Self::Postgres => {
                let _ = write!(
                    sql,
                    "]::bigint[]) AS k(id) CROSS JOIN LATERAL (SELECT id, {columns} FROM {table} \
                     WHERE account_id = $1 AND id = k.id LIMIT 1) AS c"
                );
            }
        }
        sql
    }

    /// The schema migrations of this database, by version, oldest first.
    pub(crate) fn migrations(self) -> &'static [(i64, &'static str)] {
        match self {
            Self::Sqlite => SQLITE_MIGRATIONS,
            Self::Postgres => POSTGRES_MIGRATIONS,
        }
    }
}

/// The read file's WAL is checkpointed every 100 pages (SQLite's default is 1,000): at
/// `synchronous = NORMAL` a checkpoint is the first sync of everything written since the last,
/// and a sync of 1,000 pages held the disk long enough to delay the event log's own commits
/// (by 2 - 4 ms, every 400 redemptions); a tenth of it does not.
const SQLITE_AUTOCHECKPOINT: &str = "PRAGMA wal_autocheckpoint = 100";

/// Opens the SQLite file `options` names: creates it if missing and turns on WAL once (it
/// stays on in the file), then opens the pool; every connection relaxes `synchronous` to
/// NORMAL, which WAL keeps crash-safe, and zeroes what it deletes (`secure_delete`: an erased
/// member's row leaves no copy in a free page).
pub(crate) async fn connect_sqlite(
    options: SqliteConnectOptions,
) -> Result<AnyPool, ProjectionError> {
    sqlx::any::install_default_drivers();
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .disable_statement_logging();
    let first = options.connect().await?;
    first.close().await?;
    let url = options.to_url_lossy();
    let any = AnyConnectOptions::from_url(&url)?.disable_statement_logging();
    let pool = AnyPoolOptions::new()
        .max_connections(SQLITE_CONNECTIONS)
        .after_connect(|connection: &mut AnyConnection, _| {
            Box::pin(async move {
                connection.execute("PRAGMA synchronous = NORMAL").await?;
                connection.execute("PRAGMA secure_delete = ON").await?;
                connection.execute(SQLITE_AUTOCHECKPOINT).await?;
                Ok(())
            })
        })
        .connect_with(any)
        .await?;
    Ok(pool)
}

const SQLITE_MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        include_str!("../../../migrations/sqlite/0001_read_models.sql"),
    ),
    (
        2,
        include_str!("../../../migrations/sqlite/0002_api_keys.sql"),
    ),
    (
        3,
        include_str!("../../../migrations/sqlite/0003_lists_and_items.sql"),
    ),
    (
        4,
        include_str!("../../../migrations/sqlite/0004_offset_epochs.sql"),
    ),
    (
        5,
        include_str!("../../../migrations/sqlite/0005_store_pairing.sql"),
    ),
    (
        6,
        include_str!("../../../migrations/sqlite/0006_storeless_redemptions.sql"),
    ),
    (
        7,
        include_str!("../../../migrations/sqlite/0007_credential_store.sql"),
    ),
    (
        8,
        include_str!("../../../migrations/sqlite/0008_manufacturers.sql"),
    ),
    (
        9,
        include_str!("../../../migrations/sqlite/0009_counters_and_occasions.sql"),
    ),
    (
        10,
        include_str!("../../../migrations/sqlite/0010_pos_offer_codes.sql"),
    ),
    (
        11,
        include_str!("../../../migrations/sqlite/0011_offer_activities.sql"),
    ),
    (
        12,
        include_str!("../../../migrations/sqlite/0012_impressions.sql"),
    ),
    (
        13,
        include_str!("../../../migrations/sqlite/0013_offer_listing.sql"),
    ),
    (
        14,
        include_str!("../../../migrations/sqlite/0014_links_by_xid.sql"),
    ),
];

const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        include_str!("../../../migrations/postgres/0001_read_models.sql"),
    ),
    (
        2,
        include_str!("../../../migrations/postgres/0002_api_keys.sql"),
    ),
    (
        3,
        include_str!("../../../migrations/postgres/0003_lists_and_items.sql"),
    ),
    (
        4,
        include_str!("../../../migrations/postgres/0004_offset_epochs.sql"),
    ),
    (
        5,
        include_str!("../../../migrations/postgres/0005_store_pairing.sql"),
    ),
    (
        6,
        include_str!("../../../migrations/postgres/0006_storeless_redemptions.sql"),
    ),
    (
        7,
        include_str!("../../../migrations/postgres/0007_credential_store.sql"),
    ),
    (
        8,
        include_str!("../../../migrations/postgres/0008_manufacturers.sql"),
    ),
    (
        9,
        include_str!("../../../migrations/postgres/0009_counters_and_occasions.sql"),
    ),
    (
        10,
        include_str!("../../../migrations/postgres/0010_pos_offer_codes.sql"),
    ),
    (
        11,
        include_str!("../../../migrations/postgres/0011_offer_activities.sql"),
    ),
    (
        12,
        include_str!("../../../migrations/postgres/0012_impressions.sql"),
    ),
    (
        13,
        include_str!("../../../migrations/postgres/0013_offer_listing.sql"),
    ),
    (
        14,
        include_str!("../../../migrations/postgres/0014_links_by_xid.sql"),
    ),
];
