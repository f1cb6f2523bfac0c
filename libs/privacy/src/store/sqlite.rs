//! [`SqliteKeys`]: keys in a SQLite file of their own (`keys.db` beside `events.db`).
//! Settings: WAL, `synchronous=FULL` (a key is on disk before the event sealed under it is
//! appended), `secure_delete=ON` (a destroyed key's bytes are overwritten with zeros, not left
//! in a free page), and a `wal_checkpoint(TRUNCATE)` after a shredding that destroyed keys, so
//! no copy of them stays in the write-ahead log either.

use super::{from_sql, member_place, place, row, BoxFuture, KeyStore};
use crate::cipher::{KeyRef, KeyRow};
use crate::error::KeyStoreError;
use domain::ids::{AccountId, MemberId};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Row, SqlitePool};
use std::path::Path;
use std::time::Duration;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS member_keys (
    account_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    key BLOB NOT NULL,
    PRIMARY KEY (account_id, member_id, key_id)
) WITHOUT ROWID;
";

/// Keys in one SQLite file. Cheap to clone: clones share the connections.
#[derive(Clone, Debug)]
pub struct SqliteKeys {
    pool: SqlitePool,
}

impl SqliteKeys {
    /// Opens the key file at `path`, creating it (and its table) when missing.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, KeyStoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path.as_ref())
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(5))
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await?;
        sqlx::raw_sql(CREATE).execute(&pool).await?;
        Ok(Self { pool })
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn put_now(&self, rows: &[KeyRow]) -> Result<(), KeyStoreError> {
        let mut tx = self.pool.begin().await?;
        for key in rows {
            let (account, member, key_id) = place(&key.at)?;
            sqlx::query(
                "INSERT OR IGNORE INTO member_keys (account_id, member_id, key_id, key) \
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(account)
            .bind(member)
            .bind(key_id)
            .bind(key.key.as_bytes().as_slice())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get_now(&self, refs: &[KeyRef]) -> Result<Vec<KeyRow>, KeyStoreError> {
        let mut connection = self.pool.acquire().await?;
        let mut found = Vec::with_capacity(refs.len());
        for at in refs {
            let (account, member, key_id) = place(at)?;
            let stored = sqlx::query(
                "SELECT key FROM member_keys WHERE account_id = ?1 AND member_id = ?2 \
                 AND key_id = ?3",
            )
            .bind(account)
            .bind(member)
            .bind(key_id)
            .fetch_optional(&mut *connection)
            .await?;
            if let Some(stored) = stored {
                let key: Vec<u8> = stored.try_get("key")?;
                found.push(row(account, member, key_id, &key)?);
            }
        }
        Ok(found)
    }

    async fn shred_now(&self, account: AccountId, member: MemberId) -> Result<u64, KeyStoreError> {
        let (account, member) = member_place(account, member)?;
        let destroyed =
            sqlx::query("DELETE FROM member_keys WHERE account_id = ?1 AND member_id = ?2")
                .bind(account)
                .bind(member)
                .execute(&self.pool)
                .await?
                .rows_affected();
        if destroyed > 0 {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(destroyed)
    }

    async fn count_now(&self, account: AccountId, member: MemberId) -> Result<u64, KeyStoreError> {
        let (account, member) = member_place(account, member)?;
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM member_keys WHERE account_id = ?1 AND member_id = ?2",
        )
        .bind(account)
        .bind(member)
        .fetch_one(&self.pool)
        .await?;
        Ok(from_sql(count))
    }
}

delegate_key_store!(SqliteKeys);
