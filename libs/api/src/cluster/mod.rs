//! Serving as one of several command-service instances that share the log's partitions.
//!
//! - [`Cluster`]: this instance's part in it: its id, whether it is ready (a member whose
//!   leases are current), the connection pool requests are forwarded over, and the metrics
//!   of ownership and forwarding. Held by [`crate::AppState`] when instances share the
//!   partitions; absent on a single instance, which serves every partition itself.
//! - `forward`: the middleware that sends a request whose account's partition another
//!   instance owns to that owner ([`crate::ApiError::Misrouted`]), and relays its answer.
//! - `peer`: the client's address as the first instance saw it, vouched for by a tag under
//!   the shared token secret, so the owner budgets a forwarded request by its real client.
//!
//! Who owns which partition is decided elsewhere (the `cluster` crate's leases, driven by
//! the server's membership loop); this module reads it from [`engine::PartitionTable`].

mod forward;
mod peer;

pub use forward::forward_misrouted;
pub use peer::{client_address, FORWARDED};

use crate::http::metrics::LATENCY_BUCKETS;
use prometheus::{Histogram, HistogramOpts, IntCounterVec, IntGaugeVec, Opts, Registry};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long a forwarded request may take before the forwarding instance gives up (503; the
/// client retries with its idempotency key).
pub const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// This instance's part in a cluster of command services. Cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    inner: Arc<Inner>,
}

struct Inner {
    instance: String,
    client: reqwest::Client,
    ready: AtomicBool,
    metrics: ClusterMetrics,
}

/// Why a [`Cluster`] could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Its metrics could not be registered.
    #[error("registering the cluster metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// The forwarding client could not be built.
    #[error("building the forwarding client: {0}")]
    Client(#[from] reqwest::Error),
}

impl Cluster {
    /// Instance `instance`'s part, with its metrics in `registry`; not ready until
    /// [`Cluster::set_ready`].
    pub fn new(instance: &str, registry: &Registry) -> Result<Self, ClusterError> {
        let client = reqwest::Client::builder()
            .timeout(FORWARD_TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(90))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            inner: Arc::new(Inner {
                instance: instance.to_owned(),
                client,
                ready: AtomicBool::new(false),
                metrics: ClusterMetrics::register(registry)?,
            }),
        })
    }

    /// This instance's id among the members.
    pub fn instance(&self) -> &str {
        &self.inner.instance
    }

    /// Whether this instance is a member with current leases (it serves what it owns and
    /// knows who owns the rest).
    pub fn is_ready(&self) -> bool {
        self.inner.ready.load(Ordering::Acquire)
    }

    /// Records whether this instance is ready.
    pub fn set_ready(&self, ready: bool) {
        self.inner.ready.store(ready, Ordering::Release);
    }

    /// Records that this instance took `partition` (its actor serves).
    pub fn acquired(&self, partition: u32) {
        self.moved(partition, true);
    }

    /// Records that this instance gave `partition` up (or lost it).
    pub fn released(&self, partition: u32) {
        self.moved(partition, false);
    }

    fn moved(&self, partition: u32, owned: bool) {
        let metrics = &self.inner.metrics;
        let label = partition.to_string();
        let gauge = metrics.owned.with_label_values(&[label.as_str()]);
        gauge.set(i64::from(owned));
        let direction = if owned { "acquired" } else { "released" };
        metrics.moves.with_label_values(&[direction]).inc();
    }

    fn client(&self) -> &reqwest::Client {
        &self.inner.client
    }

    fn metrics(&self) -> &ClusterMetrics {
        &self.inner.metrics
    }
}

/// Ownership and forwarding, for `/metrics`.
struct ClusterMetrics {
    owned: IntGaugeVec,
    moves: IntCounterVec,
    forwarded: IntCounterVec,
    forward_seconds: Histogram,
}

impl ClusterMetrics {
    fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let owned = IntGaugeVec::new(
            Opts::new(
                "partition_owned",
                "1 while this instance serves the partition, else 0",
            ),
            &["partition"],
        )?;
        let moves = IntCounterVec::new(
            Opts::new(
                "partition_moves_total",
                "Partitions this instance acquired or released",
            ),
            &["direction"],
        )?;
        let forwarded = IntCounterVec::new(
            Opts::new(
                "forwarded_requests_total",
                "Requests forwarded to the partition's owner, by outcome",
            ),
            &["outcome"],
        )?;
        let forward_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "forward_duration_seconds",
                "Time from forwarding a request to the owner's answer",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
        )?;
        registry.register(Box::new(owned.clone()))?;
        registry.register(Box::new(moves.clone()))?;
        registry.register(Box::new(forwarded.clone()))?;
        registry.register(Box::new(forward_seconds.clone()))?;
        Ok(Self {
            owned,
            moves,
            forwarded,
            forward_seconds,
        })
    }
}
