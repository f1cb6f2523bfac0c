//! [`EngineMetrics`]: how the partition actors' group commits go, in a Prometheus registry:
//! the time of each durable append, the commands decided per batch, the time a command waits
//! for its actor (the queue and the append in flight before it), and failed appends; each by
//! partition. Together they split a request's time in the engine into waiting and writing.

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

/// Bucket bounds (seconds) for the append and wait histograms: fine around a durable write's
/// fraction of a millisecond, coarse past it.
const SECONDS_BUCKETS: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025,
    0.05, 0.1, 0.25, 1.0,
];

/// Bucket bounds for commands per batch (the actor takes at most 512 by default).
const BATCH_BUCKETS: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// The engine's metrics. Cheap to clone: clones share the series.
#[derive(Clone)]
pub struct EngineMetrics {
    append: HistogramVec,
    batch: HistogramVec,
    wait: HistogramVec,
    failed: IntCounterVec,
}

impl EngineMetrics {
    /// Metrics registered in `registry`.
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let metrics = Self::unregistered()?;
        registry.register(Box::new(metrics.append.clone()))?;
        registry.register(Box::new(metrics.batch.clone()))?;
        registry.register(Box::new(metrics.wait.clone()))?;
        registry.register(Box::new(metrics.failed.clone()))?;
        Ok(metrics)
    }

    /// Metrics kept in no registry.
    pub fn unregistered() -> Result<Self, prometheus::Error> {
        let seconds = |name: &str, help: &str| {
            HistogramVec::new(
                HistogramOpts::new(name, help).buckets(SECONDS_BUCKETS.to_vec()),
                &["partition"],
            )
        };
        Ok(Self {
            append: seconds(
                "engine_append_duration_seconds",
                "Time of one durable append of a group-commit batch",
            )?,
            batch: HistogramVec::new(
                HistogramOpts::new(
                    "engine_batch_commands",
                    "Commands decided in one group-commit batch",
                )
                .buckets(BATCH_BUCKETS.to_vec()),
                &["partition"],
            )?,
            wait: seconds(
                "engine_command_wait_seconds",
                "Time from a command's arrival at its partition to its decision",
            )?,
            failed: IntCounterVec::new(
                Opts::new("engine_append_failures_total", "Appends that failed"),
                &["partition"],
            )?,
        })
    }

    /// The series of one partition.
    pub(crate) fn partition(&self, partition: u32) -> PartitionMetrics {
        let label = partition.to_string();
        let label = [label.as_str()];
        PartitionMetrics {
            append: self.append.with_label_values(&label),
            batch: self.batch.with_label_values(&label),
            wait: self.wait.with_label_values(&label),
            failed: self.failed.with_label_values(&label),
        }
    }
}

impl std::fmt::Debug for EngineMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineMetrics").finish_non_exhaustive()
    }
}

/// One partition's series, held by its actor.
pub(crate) struct PartitionMetrics {
    pub(crate) append: prometheus::Histogram,
    pub(crate) batch: prometheus::Histogram,
    pub(crate) wait: prometheus::Histogram,
    pub(crate) failed: prometheus::IntCounter,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn each_partition_gets_its_own_series_in_the_registry() {
        let registry = Registry::new();
        let metrics = EngineMetrics::register(&registry).unwrap();
        let first = metrics.partition(0);
        first.append.observe(0.0004);
        first.batch.observe(3.0);
        metrics.partition(1).failed.inc();
        assert_eq!(metrics.partition(0).append.get_sample_count(), 1);
        assert_eq!(metrics.partition(1).append.get_sample_count(), 0);
        assert_eq!(metrics.partition(0).batch.get_sample_sum(), 3.0);
        assert_eq!(metrics.partition(1).failed.get(), 1);
        let names: Vec<String> = registry
            .gather()
            .iter()
            .map(|family| family.name().to_owned())
            .collect();
        for name in [
            "engine_append_duration_seconds",
            "engine_batch_commands",
            "engine_command_wait_seconds",
            "engine_append_failures_total",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
    }
}
