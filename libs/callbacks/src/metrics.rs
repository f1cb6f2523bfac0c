//! [`CallbackMetrics`]: counters of the dispatcher's work and the redemption-to-callback
//! latency, in a Prometheus registry.

use prometheus::{Histogram, HistogramOpts, IntCounter, IntGauge, Registry};

/// The dispatcher's metrics. Cheap to clone: clones share the counters.
#[derive(Clone)]
pub struct CallbackMetrics {
    pub(crate) scheduled: IntCounter,
    pub(crate) delivered: IntCounter,
    pub(crate) failed_attempts: IntCounter,
    pub(crate) timed_out: IntCounter,
    pub(crate) refused: IntCounter,
    pub(crate) pending: IntGauge,
    pub(crate) latency: Histogram,
}

impl CallbackMetrics {
    /// Metrics registered in `registry`.
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let metrics = Self::unregistered()?;
        registry.register(Box::new(metrics.scheduled.clone()))?;
        registry.register(Box::new(metrics.delivered.clone()))?;
        registry.register(Box::new(metrics.failed_attempts.clone()))?;
        registry.register(Box::new(metrics.timed_out.clone()))?;
        registry.register(Box::new(metrics.refused.clone()))?;
        registry.register(Box::new(metrics.pending.clone()))?;
        registry.register(Box::new(metrics.latency.clone()))?;
        Ok(metrics)
    }

    /// Metrics kept in no registry.
    pub fn unregistered() -> Result<Self, prometheus::Error> {
        let counter = |name: &str, help: &str| IntCounter::new(name, help);
        Ok(Self {
            scheduled: counter("callbacks_scheduled_total", "Callback deliveries scheduled")?,
            delivered: counter("callbacks_delivered_total", "Callback deliveries delivered")?,
            failed_attempts: counter(
                "callbacks_failed_attempts_total",
                "Callback attempts without a 2xx",
            )?,
            timed_out: counter(
                "callbacks_timed_out_total",
                "Callback deliveries that reached their deadline",
            )?,
            refused: counter(
                "callbacks_refused_total",
                "Callback deliveries whose url the guards refused",
            )?,
            pending: IntGauge::new("callbacks_pending", "Callback deliveries in progress")?,
            latency: Histogram::with_opts(
                HistogramOpts::new(
                    "callbacks_redemption_to_delivery_seconds",
                    "From a redemption to the 2xx of its callback",
                )
                .buckets(vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0, 60.0,
                ]),
            )?,
        })
    }
}
