//! [`PostgresKeys`]: keys in a Postgres table of their own (`member_keys`), created in code
//! when missing (under an advisory lock, so processes starting together do not race). It may
//! share the read models' database: a rebuild of the read models never touches it.
//!
//! A destroyed key's row is deleted and the table vacuumed, so the space is marked free; the
//! bytes on disk are overwritten only when Postgres reuses the page (see README, "Erasure").

use super::{from_sql, member_place, place, row, BoxFuture, KeyStore};
use crate::cipher::{KeyRef, KeyRow};
use crate::error::KeyStoreError;
use domain::ids::{AccountId, MemberId};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool, Row};
use std::str::FromStr;

/// Advisory lock (two keys) held while the table is created.
const CREATE_LOCK: (i32, i32) = (0x6b65_7973, 0);

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS member_keys (
    account_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    key_id BIGINT NOT NULL,
    key BYTEA NOT NULL,
    PRIMARY KEY (account_id, member_id, key_id)
)";

/// Keys in a Postgres table. Cheap to clone: clones share the connections.
#[derive(Clone, Debug)]
pub struct PostgresKeys {
    pool: PgPool,
}

impl PostgresKeys {
    /// Connects to the database at `url` (which must exist) and creates the table when
    /// missing.
    pub async fn connect(url: &str) -> Result<Self, KeyStoreError> {
        let options = PgConnectOptions::from_str(url)?.disable_statement_logging();
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await?;
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(CREATE_LOCK.0)
            .bind(CREATE_LOCK.1)
            .execute(&mut *tx)
            .await?;
        sqlx::query(CREATE).execute(&mut *tx).await?;
        tx.commit().await?;
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
                "INSERT INTO member_keys (account_id, member_id, key_id, key) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
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
        let (mut accounts, mut members, mut key_ids) = (Vec::new(), Vec::new(), Vec::new());
        for at in refs {
            let (account, member, key_id) = place(at)?;
            accounts.push(account);
            members.push(member);
            key_ids.push(key_id);
        }
        let stored = sqlx::query(
            "SELECT k.account_id, k.member_id, k.key_id, k.key FROM member_keys k \
             JOIN UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[]) AS wanted(a, m, i) \
             ON k.account_id = wanted.a AND k.member_id = wanted.m AND k.key_id = wanted.i",
        )
        .bind(&accounts)
        .bind(&members)
        .bind(&key_ids)
        .fetch_all(&self.pool)
        .await?;
        stored
            .iter()
            .map(|found| {
                let key: Vec<u8> = found.try_get("key")?;
                row(
                    found.try_get("account_id")?,
                    found.try_get("member_id")?,
                    found.try_get("key_id")?,
                    &key,
                )
            })
            .collect()
    }

    async fn shred_now(&self, account: AccountId, member: MemberId) -> Result<u64, KeyStoreError> {
        let (account, member) = member_place(account, member)?;
        let destroyed =
            sqlx::query("DELETE FROM member_keys WHERE account_id = $1 AND member_id = $2")
                .bind(account)
                .bind(member)
                .execute(&self.pool)
                .await?
                .rows_affected();
        if destroyed > 0 {
            sqlx::query("VACUUM member_keys")
                .execute(&self.pool)
                .await?;
        }
        Ok(destroyed)
    }

    async fn count_now(&self, account: AccountId, member: MemberId) -> Result<u64, KeyStoreError> {
        let (account, member) = member_place(account, member)?;
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM member_keys WHERE account_id = $1 AND member_id = $2",
        )
        .bind(account)
        .bind(member)
        .fetch_one(&self.pool)
        .await?;
        Ok(from_sql(count))
    }
}

delegate_key_store!(PostgresKeys);
