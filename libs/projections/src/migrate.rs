//! The read database's schema: the SQL files under `migrations/sqlite/` or
//! `migrations/postgres/` (one folder per database, see `dialect`), embedded at build time and
//! applied in order, each once, recorded in `read_schema_migrations`.

use crate::dialect::{Backend, WriteLock};
use crate::error::ProjectionError;
use sqlx::AnyPool;

/// Brings the schema of `pool`'s database up to date.
pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<(), ProjectionError> {
    let mut tx = backend.begin_write(pool, WriteLock::Schema).await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS read_schema_migrations (version BIGINT PRIMARY KEY)")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    for (version, sql) in backend.migrations() {
        let mut tx = backend.begin_write(pool, WriteLock::Schema).await?;
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT version FROM read_schema_migrations WHERE version = $1")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
        if applied.is_none() {
            sqlx::raw_sql(*sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO read_schema_migrations (version) VALUES ($1)")
                .bind(version)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}
