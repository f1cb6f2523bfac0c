//! The SQLite file's schema, created in code and versioned with `PRAGMA user_version`.
//!
//! Version 1:
//! - `log_meta(name TEXT PRIMARY KEY, value INTEGER)`: fixed facts of the log: `partitions`,
//!   stored at creation and checked at every open; `log_id`, a random 64-bit number drawn by
//!   SQLite's `random()` at creation (or at the first open by a build that knows it), which
//!   names this log for the stores paired with it (see [`super::SqliteLog::log_id`]).
//! - `claims(part INTEGER PRIMARY KEY, epoch INTEGER)`: the newest epoch claimed per partition.
//! - `events(part, off, key TEXT, payload BLOB, epoch, PRIMARY KEY (part, off))`: the records.
//!
//! Why in code and not in `migrations/`: the schema is three tables private to this crate,
//! created or checked in the same transaction that reads the partition count, with no
//! migration table to keep beside it. A later version adds a `migrate_vN` step here that runs
//! when `user_version` is older, and bumps it; an applied version is never edited.

use sqlx::{Connection, SqliteConnection};

use super::convert::{db_error, partition_from_sql};
use crate::LogError;

/// The schema version this build writes and reads.
pub(super) const VERSION: i64 = 1;

const CREATE_V1: &str = "
CREATE TABLE IF NOT EXISTS log_meta (
    name TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    part INTEGER PRIMARY KEY NOT NULL,
    epoch INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    part INTEGER NOT NULL,
    off INTEGER NOT NULL,
    key TEXT NOT NULL,
    payload BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    PRIMARY KEY (part, off)
);
PRAGMA user_version = 1;
";

/// Creates the schema in a new file, or checks an existing one: its version and that it was
/// created with `partitions` partitions. Answers the log's id (drawn when it has none yet).
pub(super) async fn prepare(conn: &mut SqliteConnection, partitions: u32) -> Result<u64, LogError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(db_error)?;
    let found: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
    match found {
        0 => {
            sqlx::raw_sql(CREATE_V1)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            sqlx::query("INSERT OR IGNORE INTO log_meta (name, value) VALUES ('partitions', ?1)")
                .bind(i64::from(partitions))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        VERSION => {}
        found => {
            return Err(LogError::UnsupportedSchema {
                found,
                supported: VERSION,
            })
        }
    }
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT value FROM log_meta WHERE name = 'partitions'")
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
    let stored = stored.ok_or_else(|| LogError::Corrupt("no partition count stored".into()))?;
    let stored = partition_from_sql(stored, "stored partition count")?;
    if stored != partitions {
        return Err(LogError::PartitionCountMismatch {
            stored,
            requested: partitions,
        });
    }
    sqlx::query("INSERT OR IGNORE INTO log_meta (name, value) VALUES ('log_id', random())")
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    let id: i64 = sqlx::query_scalar("SELECT value FROM log_meta WHERE name = 'log_id'")
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(id.cast_unsigned())
}
