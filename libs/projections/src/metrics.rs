//! [`ProjectorMetrics`]: how the projectors of a process fare, in a Prometheus registry: the
//! failed runs of each partition's projector (each one restarted by its supervisor), by kind:
//! `error` (the read database or the log failed) or `panic` (a bug).

use crate::supervise::RunFailure;
use prometheus::{IntCounterVec, Opts, Registry};

/// The projectors' metrics. Cheap to clone: clones share the series.
#[derive(Clone, Debug)]
pub struct ProjectorMetrics {
    failures: IntCounterVec,
}

impl ProjectorMetrics {
    /// Metrics registered in `registry`.
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let metrics = Self::unregistered()?;
        registry.register(Box::new(metrics.failures.clone()))?;
        Ok(metrics)
    }

    /// Metrics kept in no registry.
    pub fn unregistered() -> Result<Self, prometheus::Error> {
        Ok(Self {
            failures: IntCounterVec::new(
                Opts::new(
                    "projector_failures_total",
                    "Projector runs that ended on an error or a panic (each is restarted)",
                ),
                &["partition", "kind"],
            )?,
        })
    }

    /// Counts `failure` of `partition`'s projector.
    pub(crate) fn count(&self, partition: u32, failure: &RunFailure) {
        let kind = match failure {
            RunFailure::Failed(_) => "error",
            RunFailure::Panicked => "panic",
        };
        self.failures
            .with_label_values(&[partition.to_string().as_str(), kind])
            .inc();
    }
}

#[cfg(test)]
impl ProjectorMetrics {
    /// The failures of `partition` of `kind` counted so far.
    pub(crate) fn failures(&self, partition: u32, kind: &str) -> u64 {
        self.failures
            .with_label_values(&[partition.to_string().as_str(), kind])
            .get()
    }
}
