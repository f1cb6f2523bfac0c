//! The tables: `cluster_members` (heartbeats) and `partition_leases` (one row per service and
//! partition, with its owner, fencing token and expiry), created when missing.

use sqlx::PgPool;

use crate::ClusterError;

/// Advisory lock (two keys, a space apart from the ticks' one-key locks) held while the tables
/// are created, so that instances starting together do not race on the DDL.
const CREATE_LOCK: (i32, i32) = (0x636c_7573, 0);

const CREATE_MEMBERS: &str = "
CREATE TABLE IF NOT EXISTS cluster_members (
    service TEXT NOT NULL,
    instance TEXT NOT NULL,
    address TEXT NOT NULL,
    heartbeat_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service, instance)
)";
const CREATE_LEASES: &str = "
CREATE TABLE IF NOT EXISTS partition_leases (
    service TEXT NOT NULL,
    partition INTEGER NOT NULL,
    owner TEXT NULL,
    address TEXT NULL,
    token BIGINT NOT NULL DEFAULT 0,
    expires_at TIMESTAMPTZ NULL,
    PRIMARY KEY (service, partition)
)";

/// Creates the tables when missing and the lease rows of `service`'s partitions `0..count`.
pub(crate) async fn create(pool: &PgPool, service: &str, count: i32) -> Result<(), ClusterError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
        .bind(CREATE_LOCK.0)
        .bind(CREATE_LOCK.1)
        .execute(&mut *tx)
        .await?;
    for create in [CREATE_MEMBERS, CREATE_LEASES] {
        sqlx::query(create).execute(&mut *tx).await?;
    }
    sqlx::query(
        "INSERT INTO partition_leases (service, partition) \
         SELECT $1, generate_series(0, $2 - 1) ON CONFLICT DO NOTHING",
    )
    .bind(service)
    .bind(count)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
