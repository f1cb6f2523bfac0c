//! [`Report`]: what a load run measured: answers by status, throughput of successful
//! redemptions, and latency percentiles over every answered request.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// The outcome of one run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// How long the run lasted (first send to last answer).
    pub elapsed: Duration,
    /// Answers by HTTP status (0 for transport errors).
    pub statuses: BTreeMap<u16, u64>,
    /// Latency of every answered request, in microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// Whether the run stopped early because the codes ran out.
    pub ran_out_of_codes: bool,
}

impl Report {
    /// Redemptions that succeeded (201).
    pub fn succeeded(&self) -> u64 {
        self.statuses.get(&201).copied().unwrap_or_default()
    }

    /// Successful redemptions per second.
    pub fn throughput(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.succeeded() as f64 / seconds
        } else {
            0.0
        }
    }

    /// The latency at `quantile` (0..=1), in milliseconds.
    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        let Some(last) = self.latencies_us.len().checked_sub(1) else {
            return 0.0;
        };
        let rank = ((last as f64) * quantile).round() as usize;
        self.latencies_us
            .get(rank.min(last))
            .map_or(0.0, |micros| *micros as f64 / 1_000.0)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total: u64 = self.statuses.values().sum();
        writeln!(
            f,
            "requests {total} in {:.2} s; redeemed {} ({:.0}/s)",
            self.elapsed.as_secs_f64(),
            self.succeeded(),
            self.throughput()
        )?;
        writeln!(f, "statuses {:?}", self.statuses)?;
        write!(
            f,
            "latency ms: p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}",
            self.percentile_ms(0.50),
            self.percentile_ms(0.90),
            self.percentile_ms(0.99),
            self.percentile_ms(0.999),
            self.percentile_ms(1.0)
        )?;
        if self.ran_out_of_codes {
            write!(f, "\n(stopped early: every code was used)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let report = Report {
            latencies_us: (1..=1000).map(|ms| ms * 1000).collect(),
            ..Report::default()
        };
        assert_eq!(report.percentile_ms(0.5), 501.0);
        assert_eq!(report.percentile_ms(0.99), 990.0);
        assert_eq!(report.percentile_ms(1.0), 1000.0);
        assert_eq!(Report::default().percentile_ms(0.99), 0.0);
    }
}
