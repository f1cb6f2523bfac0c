//! Supervision of a projector: a run that ends on an error (the read database or the log
//! failed) or a panic is logged, counted, and started again from the position stored with
//! the rows, after a bounded exponential backoff ([`RestartPolicy`]), until the shutdown
//! signal. While it is failing, the partition is reported unhealthy ([`Follow`]'s failing
//! mark, cleared by the next run once it has caught up with the log).

use crate::error::ProjectionError;
use crate::follow::Follow;
use crate::metrics::ProjectorMetrics;
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// How a failed projector is started again: the first restart waits `first_delay`, each
/// further failure in a row doubles the wait, up to `max_delay`; a run that lasted
/// `reset_after` or longer before failing starts the doubling over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestartPolicy {
    /// The wait before the first restart after a success.
    pub first_delay: Duration,
    /// The longest wait between two runs.
    pub max_delay: Duration,
    /// How long a run must last for its failure to count as the first in a row.
    pub reset_after: Duration,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            reset_after: Duration::from_secs(30),
        }
    }
}

impl RestartPolicy {
    /// The wait before restarting after the `failures`-th failure in a row (1: the first).
    pub fn delay(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.first_delay
            .saturating_mul(1_u32 << doublings)
            .min(self.max_delay)
    }
}

/// Why one run of a projector ended other than by the shutdown signal.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RunFailure {
    /// The run answered an error.
    #[error(transparent)]
    Failed(#[from] ProjectionError),
    /// The run's task panicked.
    #[error("the projector panicked")]
    Panicked,
}

/// Runs `attempt` (one run of `partition`'s projector, until `shutdown`) again and again while
/// it fails, as [`RestartPolicy`] says, until `shutdown` turns true or its sender is dropped.
/// Each failure is logged, counted in `metrics` and marks `follow` failing.
pub(crate) async fn supervise<F, Fut>(
    partition: u32,
    policy: RestartPolicy,
    mut shutdown: watch::Receiver<bool>,
    follow: &Follow,
    metrics: Option<&ProjectorMetrics>,
    mut attempt: F,
) where
    F: FnMut(watch::Receiver<bool>) -> Fut,
    Fut: Future<Output = Result<(), RunFailure>>,
{
    let mut in_a_row = 0_u32;
    while !stopping(&mut shutdown) {
        let started = Instant::now();
        let Err(error) = attempt(shutdown.clone()).await else {
            return;
        };
        if stopping(&mut shutdown) {
            return;
        }
        follow.set_failing();
        if let Some(metrics) = metrics {
            metrics.count(partition, &error);
        }
        in_a_row = if started.elapsed() >= policy.reset_after {
            1
        } else {
            in_a_row.saturating_add(1)
        };
        let delay = policy.delay(in_a_row);
        tracing::warn!(
            partition,
            %error,
            failures_in_a_row = in_a_row,
            retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "projector failed; restarting it from its stored position"
        );
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _stopping = shutdown.changed() => {}
        }
    }
}

/// Whether the shutdown signal says stop (it turned true, or its sender is gone).
fn stopping(shutdown: &mut watch::Receiver<bool>) -> bool {
    *shutdown.borrow_and_update() || shutdown.has_changed().is_err()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    const POLICY: RestartPolicy = RestartPolicy {
        first_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(5),
        reset_after: Duration::from_secs(30),
    };

    fn failure() -> RunFailure {
        RunFailure::Failed(ProjectionError::OutOfRange(u64::MAX))
    }

    #[test]
    fn the_delay_doubles_from_the_first_up_to_the_cap() {
        let delays: Vec<u64> = (1..=9)
            .map(|failures| u64::try_from(POLICY.delay(failures).as_millis()).unwrap())
            .collect();
        assert_eq!(delays, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
        assert_eq!(POLICY.delay(0), POLICY.first_delay);
        assert_eq!(POLICY.delay(u32::MAX), POLICY.max_delay);
        assert_eq!(RestartPolicy::default(), POLICY);
    }

    /// A supervisor of runs that each fail after `run_for` (counted in `runs`), the times
    /// at which each run started, relative to the supervisor's start.
    async fn failing_runs(run_for: Duration, runs: u32) -> Vec<Duration> {
        let (stop, shutdown) = watch::channel(false);
        let follow = Follow::new();
        let metrics = ProjectorMetrics::unregistered().unwrap();
        let started = Instant::now();
        let mut starts = Vec::new();
        supervise(0, POLICY, shutdown, &follow, Some(&metrics), |_| {
            starts.push(started.elapsed());
            if starts.len() == usize::try_from(runs).unwrap() {
                let _ = stop.send(true);
            }
            async move {
                tokio::time::sleep(run_for).await;
                Err(failure())
            }
        })
        .await;
        assert_eq!(
            metrics.failures(0, "error"),
            u64::from(runs - 1),
            "the last run was stopped"
        );
        starts
    }

    #[tokio::test(start_paused = true)]
    async fn failed_runs_restart_after_doubling_waits() {
        let starts = failing_runs(Duration::ZERO, 9).await;
        let millis: Vec<u128> = starts.iter().map(Duration::as_millis).collect();
        assert_eq!(millis, [0, 100, 300, 700, 1500, 3100, 6300, 11300, 16300]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_run_that_lasted_starts_the_doubling_over() {
        let starts = failing_runs(POLICY.reset_after, 3).await;
        let reset = POLICY.reset_after.as_millis();
        let millis: Vec<u128> = starts.iter().map(Duration::as_millis).collect();
        assert_eq!(millis, [0, reset + 100, 2 * reset + 200]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_marks_the_partition_failing_until_a_run_catches_up() {
        let (stop, shutdown) = watch::channel(false);
        let follow = Follow::new();
        let runs = AtomicU32::new(0);
        supervise(0, POLICY, shutdown, &follow, None, |_| {
            let outcome = match runs.fetch_add(1, Ordering::SeqCst) {
                0 => {
                    assert!(!follow.is_failing());
                    Err(failure())
                }
                _ => {
                    assert!(follow.is_failing(), "failing when restarted");
                    assert!(follow.caught_up(), "it was failing");
                    let _ = stop.send(true);
                    Ok(())
                }
            };
            async move { outcome }
        })
        .await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert!(!follow.is_failing());
    }

    /// Fails if the backoff wait ignores the shutdown signal: the wait is an hour.
    #[tokio::test(start_paused = true)]
    async fn shutdown_ends_the_backoff_wait_at_once() {
        let policy = RestartPolicy {
            first_delay: Duration::from_secs(3600),
            ..POLICY
        };
        let (stop, shutdown) = watch::channel(false);
        let follow = Follow::new();
        let started = Instant::now();
        let supervising = supervise(0, policy, shutdown, &follow, None, |_| async {
            Err(failure())
        });
        let stopping = async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            stop.send(true).unwrap();
        };
        tokio::join!(supervising, stopping);
        assert_eq!(started.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_signal_stops_the_restarts() {
        let (stop, shutdown) = watch::channel(false);
        let follow = Follow::new();
        let mut stop = Some(stop);
        supervise(0, POLICY, shutdown, &follow, None, |_| {
            drop(stop.take());
            async { Err(failure()) }
        })
        .await;
    }
}
