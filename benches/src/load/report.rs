//! [`Report`]: what a load run measured: answers by status, throughput of successful
//! requests (any 2xx: a redemption's 201, a dry run's or `/health`'s 200), and latency
//! percentiles over every answered request.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// One answered request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    /// The answer's HTTP status (0 for a transport error).
    pub status: u16,
    /// When it was due, in microseconds from the start of the run.
    pub due_us: u64,
    /// From when it was due to its whole answer, in microseconds.
    pub latency_us: u64,
    /// The server's own time for it (`X-Runtime`), in microseconds.
    pub server_us: Option<u64>,
}

/// The outcome of one run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// How long the run lasted (first send to last answer).
    pub elapsed: Duration,
    /// Answers by HTTP status (0 for transport errors).
    pub statuses: BTreeMap<u16, u64>,
    /// Latency of every answered request, in microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// The server's own time (`X-Runtime`) of every answer that carried it, in
    /// microseconds, sorted: what of the latency was spent inside the server.
    pub server_us: Vec<u64>,
    /// Every answered request, in due order: where in the run the slow ones fell.
    pub timeline: Vec<Sample>,
    /// Whether the run stopped early because the codes ran out.
    pub ran_out_of_codes: bool,
    /// Requests sent a second time because the server had closed the kept connection they
    /// went out on (counted once each in the statuses, by their second answer).
    pub resent: u64,
}

impl Report {
    /// The report of samples answered over `elapsed`, sorted for percentiles and timeline.
    pub fn from_samples(elapsed: Duration, samples: Vec<Sample>) -> Self {
        let mut report = Self {
            elapsed,
            ..Self::default()
        };
        for sample in samples {
            *report.statuses.entry(sample.status).or_default() += 1;
            report.latencies_us.push(sample.latency_us);
            report.server_us.extend(sample.server_us);
            report.timeline.push(sample);
        }
        report.latencies_us.sort_unstable();
        report.server_us.sort_unstable();
        report.timeline.sort_unstable_by_key(|sample| sample.due_us);
        report
    }

    /// Requests that succeeded (any 2xx status: 201 for a redemption, 200 for a dry run).
    pub fn succeeded(&self) -> u64 {
        self.statuses.range(200..300).map(|(_, count)| count).sum()
    }

    /// Successful requests per second.
    pub fn throughput(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.succeeded() as f64 / seconds
        } else {
            0.0
        }
    }

    /// Writes the timeline as text lines `due_ms latency_ms server_ms status`, for plotting.
    pub fn write_timeline(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        for sample in &self.timeline {
            writeln!(
                out,
                "{:.3} {:.3} {:.3} {}",
                sample.due_us as f64 / 1_000.0,
                sample.latency_us as f64 / 1_000.0,
                sample.server_us.unwrap_or_default() as f64 / 1_000.0,
                sample.status
            )?;
        }
        Ok(())
    }

    /// The latency at `quantile` (0..=1), in milliseconds.
    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        percentile_ms(&self.latencies_us, quantile)
    }

    /// The server's own time (`X-Runtime`) at `quantile` (0..=1), in milliseconds.
    pub fn server_percentile_ms(&self, quantile: f64) -> f64 {
        percentile_ms(&self.server_us, quantile)
    }
}

/// The value at `quantile` (0..=1) of `sorted` microseconds, in milliseconds (nearest rank).
pub(super) fn percentile_ms(sorted: &[u64], quantile: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let rank = ((last as f64) * quantile).round() as usize;
    sorted
        .get(rank.min(last))
        .map_or(0.0, |micros| *micros as f64 / 1_000.0)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total: u64 = self.statuses.values().sum();
        writeln!(
            f,
            "requests {total} in {:.2} s; succeeded {} ({:.0}/s)",
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
        if !self.server_us.is_empty() {
            write!(
                f,
                "\nin the server (X-Runtime) ms: p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}",
                self.server_percentile_ms(0.50),
                self.server_percentile_ms(0.90),
                self.server_percentile_ms(0.99),
                self.server_percentile_ms(0.999),
                self.server_percentile_ms(1.0)
            )?;
        }
        if self.resent > 0 {
            write!(
                f,
                "\nresent on a new connection after the server closed an idle one: {}",
                self.resent
            )?;
        }
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

    #[test]
    fn counts_every_2xx_as_a_success() {
        let sample = |status| Sample {
            status,
            ..Sample::default()
        };
        let samples = [200, 201, 201, 409, 0].map(sample).to_vec();
        let report = Report::from_samples(Duration::from_secs(2), samples);
        assert_eq!(report.succeeded(), 3);
        assert_eq!(report.throughput(), 1.5);
        assert_eq!(report.latencies_us.len(), 5);
    }
}
