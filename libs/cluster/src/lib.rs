//! Which instance of a service owns which partition. Instances of a service (several
//! `command-service`s, later projectors) share the P partitions of an event log; each must own
//! a balanced share, with at most one holder per partition at any instant.
//!
//! - [`plan::assign`]: the pure, deterministic, balanced and sticky assignment.
//! - [`Coordinator`]: membership (heartbeats) and partition leases in Postgres, with a fencing
//!   token per partition that grows on every acquisition. A caller ticks every
//!   [`DEFAULT_TICK`], starts a writer (fenced by the token) for each partition in
//!   [`Tick::acquired`], stops the writers of [`Tick::to_release`] and then calls
//!   [`Coordinator::release`]. A lease is taken only when it is free (no owner, or expired), so
//!   even instances that computed different plans never hold a partition together; every time
//!   is the database's clock.

mod error;
mod leases;
pub mod plan;
mod schema;

use std::collections::BTreeMap;
use std::time::Duration;

pub use error::ClusterError;
pub use leases::Coordinator;

/// How long a lease lasts without renewal, by default.
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(5);
/// How long a member stays live without a heartbeat, by default.
pub const DEFAULT_MEMBER_TTL: Duration = Duration::from_secs(5);
/// How often callers should tick: a released partition is taken by its new owner within it.
pub const DEFAULT_TICK: Duration = Duration::from_millis(250);

/// Settings of one instance's membership.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// The service, e.g. `command-service`; leases of different services are independent.
    pub service: String,
    /// The unique id of this instance.
    pub instance: String,
    /// Where other instances reach this one, e.g. `http://127.0.0.1:8081`.
    pub address: String,
    /// The number of partitions of the service.
    pub partitions: u32,
    /// How long a lease lasts without renewal.
    pub lease_ttl: Duration,
    /// How long a member stays live without a heartbeat.
    pub member_ttl: Duration,
}

impl ClusterConfig {
    /// A configuration with the default TTLs.
    pub fn new(
        service: impl Into<String>,
        instance: impl Into<String>,
        address: impl Into<String>,
        partitions: u32,
    ) -> Self {
        Self {
            service: service.into(),
            instance: instance.into(),
            address: address.into(),
            partitions,
            lease_ttl: DEFAULT_LEASE_TTL,
            member_ttl: DEFAULT_MEMBER_TTL,
        }
    }
}

/// A partition's holder as the leases table says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The holder's instance id.
    pub instance: String,
    /// Where the holder is reached.
    pub address: String,
    /// The fencing token of the holder's lease.
    pub token: i64,
}

/// What one tick found and did.
#[derive(Clone, Debug, Default)]
pub struct Tick {
    /// Partitions this instance acquired in this tick, with their new fencing token (greater
    /// than any earlier token of that partition).
    pub acquired: Vec<(u32, i64)>,
    /// Partitions of `holding` that the plan gives to another live member, or that this
    /// instance no longer holds: the caller stops their writer, then calls
    /// [`Coordinator::release`].
    pub to_release: Vec<u32>,
    /// Every partition with a valid (unexpired) lease, and its holder (this instance included).
    pub owners: BTreeMap<u32, Owner>,
    /// Live members (instance ids), sorted.
    pub members: Vec<String>,
}
