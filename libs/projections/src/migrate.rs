//! The read database's schema: the SQL files under `migrations/sqlite/`, embedded at build
//! time and applied in order, each once, recorded in `read_schema_migrations`.

use crate::error::ProjectionError;
use sqlx::SqlitePool;

/// The migrations, by version, oldest first.
const MIGRATIONS: &[(i64, &str)] = &[
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
];

/// Brings the schema of `pool`'s database up to date.
pub(crate) async fn run(pool: &SqlitePool) -> Result<(), ProjectionError> {
    sqlx::query("CREATE TABLE IF NOT EXISTS read_schema_migrations (version BIGINT PRIMARY KEY)")
        .execute(pool)
        .await?;
    for (version, sql) in MIGRATIONS {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
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
