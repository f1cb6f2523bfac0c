//! [`Coordinator`]: one instance's membership and partition leases in Postgres. Every change
//! runs in a transaction that holds the service's advisory lock, and every time is the
//! database's `now()`.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgConnection, PgPool};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use crate::{plan, schema, ClusterConfig, ClusterError, Owner, Tick};

const CONNECTIONS: u32 = 2;

/// One instance's handle on the membership and the leases of its service.
#[derive(Debug)]
pub struct Coordinator {
    pool: PgPool,
    config: ClusterConfig,
}

impl Coordinator {
    /// Connects (small pool, 2 connections) and creates the tables when missing.
    pub async fn open(url: &str, config: ClusterConfig) -> Result<Self, ClusterError> {
        let count = i32::try_from(config.partitions)
            .ok()
            .filter(|count| *count > 0)
            .ok_or_else(|| {
                ClusterError::Config(format!("partitions {} outside 1..2^31", config.partitions))
            })?;
        if config.lease_ttl.is_zero() || config.member_ttl.is_zero() {
            return Err(ClusterError::Config("a TTL of zero".to_string()));
        }
        let options = PgConnectOptions::from_str(url)?.disable_statement_logging();
        let pool = PgPoolOptions::new()
            .max_connections(CONNECTIONS)
            .connect_with(options)
            .await?;
        schema::create(&pool, &config.service, count).await?;
        Ok(Self { pool, config })
    }

    /// This instance's settings.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// One round, in one transaction serialized across the service's instances: heartbeats
    /// this member and drops members silent for longer than `member_ttl`; renews this
    /// instance's leases on the partitions in `holding` and releases its other leases (it is
    /// not serving them); computes the plan ([`plan::assign`]) from the live members and the
    /// valid leases; acquires the planned partitions whose lease is free, each with a new
    /// fencing token; lists in `to_release` the partitions of `holding` that the plan gives to
    /// another member or that this instance no longer holds.
    pub async fn tick(&self, holding: &BTreeSet<u32>) -> Result<Tick, ClusterError> {
        let ClusterConfig {
            service,
            instance: me,
            address,
            partitions,
            lease_ttl,
            member_ttl,
        } = &self.config;
        let held: Vec<i32> = holding
            .range(..*partitions)
            .filter_map(|partition| i32::try_from(*partition).ok())
            .collect();
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, service).await?;
        sqlx::query(
            "INSERT INTO cluster_members (service, instance, address, heartbeat_at) \
             VALUES ($1, $2, $3, now()) ON CONFLICT (service, instance) \
             DO UPDATE SET address = excluded.address, heartbeat_at = excluded.heartbeat_at",
        )
        .bind(service)
        .bind(me)
        .bind(address)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM cluster_members \
             WHERE service = $1 AND heartbeat_at < now() - make_interval(secs => $2)",
        )
        .bind(service)
        .bind(member_ttl.as_secs_f64())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE partition_leases \
             SET address = $3, expires_at = now() + make_interval(secs => $4) \
             WHERE service = $1 AND owner = $2 AND partition = ANY($5)",
        )
        .bind(service)
        .bind(me)
        .bind(address)
        .bind(lease_ttl.as_secs_f64())
        .bind(&held)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE partition_leases SET owner = NULL, address = NULL, expires_at = NULL \
             WHERE service = $1 AND owner = $2 AND partition <> ALL($3)",
        )
        .bind(service)
        .bind(me)
        .bind(&held)
        .execute(&mut *tx)
        .await?;
        let members: Vec<String> = sqlx::query_scalar(
            "SELECT instance FROM cluster_members WHERE service = $1 ORDER BY instance",
        )
        .bind(service)
        .fetch_all(&mut *tx)
        .await?;
        let owners = valid_owners(&mut tx, service, *partitions).await?;
        let current: BTreeMap<u32, String> = owners
            .iter()
            .map(|(partition, owner)| (*partition, owner.instance.clone()))
            .collect();
        let plan = plan::assign(*partitions, &members, &current);
        let free: Vec<i32> = plan
            .iter()
            .filter(|(partition, owner)| *owner == me && !owners.contains_key(partition))
            .filter_map(|(partition, _)| i32::try_from(*partition).ok())
            .collect();
        let acquired = if free.is_empty() {
            Vec::new()
        } else {
            acquire(&mut tx, &self.config, &free).await?
        };
        let owners = if acquired.is_empty() {
            owners
        } else {
            valid_owners(&mut tx, service, *partitions).await?
        };
        tx.commit().await?;
        let to_release: Vec<u32> = holding
            .iter()
            .copied()
            .filter(|partition| {
                plan.get(partition) != Some(me)
                    || owners.get(partition).map(|owner| &owner.instance) != Some(me)
            })
            .collect();
        if !acquired.is_empty() || !to_release.is_empty() {
            tracing::info!(%service, instance = %me, ?acquired, ?to_release, "partition leases");
        }
        Ok(Tick {
            acquired,
            to_release,
            owners,
            members,
        })
    }

    /// Gives up `partition` (only if this instance holds it), after the caller stopped its
    /// writer.
    pub async fn release(&self, partition: u32) -> Result<(), ClusterError> {
        let Ok(partition) = i32::try_from(partition) else {
            return Ok(());
        };
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, &self.config.service).await?;
        sqlx::query(
            "UPDATE partition_leases SET owner = NULL, address = NULL, expires_at = NULL \
             WHERE service = $1 AND owner = $2 AND partition = $3",
        )
        .bind(&self.config.service)
        .bind(&self.config.instance)
        .bind(partition)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Releases every lease of this instance and removes its membership (graceful stop).
    pub async fn leave(&self) -> Result<(), ClusterError> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, &self.config.service).await?;
        sqlx::query(
            "UPDATE partition_leases SET owner = NULL, address = NULL, expires_at = NULL \
             WHERE service = $1 AND owner = $2",
        )
        .bind(&self.config.service)
        .bind(&self.config.instance)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM cluster_members WHERE service = $1 AND instance = $2")
            .bind(&self.config.service)
            .bind(&self.config.instance)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Takes the service's advisory lock until the transaction ends.
async fn lock(conn: &mut PgConnection, service: &str) -> Result<(), ClusterError> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('cluster:' || $1))")
        .bind(service)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes the leases of `free` that are still free (no owner, or expired), each with the next
/// fencing token; answers the partitions taken and their tokens.
async fn acquire(
    conn: &mut PgConnection,
    config: &ClusterConfig,
    free: &[i32],
) -> Result<Vec<(u32, i64)>, ClusterError> {
    let rows: Vec<(i32, i64)> = sqlx::query_as(
        "UPDATE partition_leases SET owner = $2, address = $3, token = token + 1, \
         expires_at = now() + make_interval(secs => $4) \
         WHERE service = $1 AND partition = ANY($5) \
         AND (owner IS NULL OR expires_at IS NULL OR expires_at <= now()) \
         RETURNING partition, token",
    )
    .bind(&config.service)
    .bind(&config.instance)
    .bind(&config.address)
    .bind(config.lease_ttl.as_secs_f64())
    .bind(free)
    .fetch_all(conn)
    .await?;
    let mut acquired = rows
        .into_iter()
        .map(|(partition, token)| Ok((to_partition(partition)?, token)))
        .collect::<Result<Vec<_>, ClusterError>>()?;
    acquired.sort_unstable();
    Ok(acquired)
}

/// Every partition below `partitions` with an unexpired lease, and its holder.
async fn valid_owners(
    conn: &mut PgConnection,
    service: &str,
    partitions: u32,
) -> Result<BTreeMap<u32, Owner>, ClusterError> {
    let rows: Vec<(i32, String, String, i64)> = sqlx::query_as(
        "SELECT partition, owner, COALESCE(address, ''), token FROM partition_leases \
         WHERE service = $1 AND owner IS NOT NULL AND expires_at > now()",
    )
    .bind(service)
    .fetch_all(conn)
    .await?;
    let mut owners = BTreeMap::new();
    for (partition, instance, address, token) in rows {
        let partition = to_partition(partition)?;
        if partition < partitions {
            owners.insert(
                partition,
                Owner {
                    instance,
                    address,
                    token,
                },
            );
        }
    }
    Ok(owners)
}

/// A stored partition number; a negative one was written by something else.
fn to_partition(value: i32) -> Result<u32, ClusterError> {
    u32::try_from(value).map_err(|_| ClusterError::Corrupt(format!("partition {value}")))
}
