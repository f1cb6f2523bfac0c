//! [`EngineSplit`]: the engine's own account of a load run, read from the server's `/metrics`
//! before and after it: durable appends (count, mean time, percentiles by bucket), commands
//! per batch, and how long commands waited for their partition's actor. It splits the
//! server's time per request into waiting and writing.
//!
//! Reads only the engine's histograms (`engine_*`) from the Prometheus text format: a line is
//! `name{labels} value`, and a histogram is its `_bucket{...,le="bound"}` (cumulative),
//! `_sum` and `_count` lines, summed here over every partition.

use std::collections::BTreeMap;
use std::fmt;

/// One histogram summed over its label sets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    /// Cumulative counts by upper bound (`le`), `+Inf` left out.
    pub buckets: BTreeMap<Bound, u64>,
    /// Sum of the observed values.
    pub sum: f64,
    /// Observations.
    pub count: u64,
}

/// A bucket's upper bound, ordered as a number.
#[derive(Clone, Copy, Debug)]
pub struct Bound(pub f64);

impl PartialEq for Bound {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Bound {}

impl PartialOrd for Bound {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Bound {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Totals {
    /// The histogram named `name` in the text `metrics`, summed over its label sets.
    pub fn parse(metrics: &str, name: &str) -> Self {
        let mut totals = Self::default();
        for line in metrics.lines().filter(|line| !line.starts_with('#')) {
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let Some(rest) = series.strip_prefix(name) else {
                continue;
            };
            let Ok(value) = value.parse::<f64>() else {
                continue;
            };
            if rest.starts_with("_sum") {
                totals.sum += value;
            } else if rest.starts_with("_count") {
                totals.count += value as u64;
            } else if rest.starts_with("_bucket") {
                if let Some(bound) = label(rest, "le").and_then(|le| le.parse::<f64>().ok()) {
                    if bound.is_finite() {
                        *totals.buckets.entry(Bound(bound)).or_default() += value as u64;
                    }
                }
            }
        }
        totals
    }

    /// What was observed between `before` and `self`.
    pub fn since(&self, before: &Self) -> Self {
        Self {
            buckets: self
                .buckets
                .iter()
                .map(|(bound, count)| {
                    let earlier = before.buckets.get(bound).copied().unwrap_or_default();
                    (*bound, count.saturating_sub(earlier))
                })
                .collect(),
            sum: self.sum - before.sum,
            count: self.count.saturating_sub(before.count),
        }
    }

    /// The mean observation (0 with none).
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum / self.count as f64
        }
    }

    /// The smallest bucket bound at or under which `quantile` of the observations fall;
    /// `None` when that is past the largest finite bound (or nothing was observed).
    pub fn quantile_bound(&self, quantile: f64) -> Option<f64> {
        let wanted = (quantile * self.count as f64).ceil() as u64;
        self.buckets
            .iter()
            .find(|(_, count)| **count >= wanted.max(1))
            .map(|(bound, _)| bound.0)
    }
}

/// The engine's figures for one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EngineSplit {
    /// Durable appends, in seconds.
    pub append: Totals,
    /// Commands per batch.
    pub batch: Totals,
    /// Time a command waited for its actor, in seconds.
    pub wait: Totals,
}

impl EngineSplit {
    /// The engine's histograms in the text `metrics`.
    pub fn parse(metrics: &str) -> Self {
        Self {
            append: Totals::parse(metrics, "engine_append_duration_seconds"),
            batch: Totals::parse(metrics, "engine_batch_commands"),
            wait: Totals::parse(metrics, "engine_command_wait_seconds"),
        }
    }

    /// What happened between `before` and `self`.
    pub fn since(&self, before: &Self) -> Self {
        Self {
            append: self.append.since(&before.append),
            batch: self.batch.since(&before.batch),
            wait: self.wait.since(&before.wait),
        }
    }
}

impl fmt::Display for EngineSplit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |totals: &Totals, quantile: f64| match totals.quantile_bound(quantile) {
            Some(bound) => format!("<= {:.2}", bound * 1_000.0),
            None => "over the largest bucket".to_owned(),
        };
        writeln!(
            f,
            "engine appends: {} (mean {:.1} commands a batch), ms: mean {:.3}  p50 {}  p90 {}  p99 {}",
            self.append.count,
            self.batch.mean(),
            self.append.mean() * 1_000.0,
            ms(&self.append, 0.5),
            ms(&self.append, 0.9),
            ms(&self.append, 0.99),
        )?;
        write!(
            f,
            "engine wait before a decision, ms: mean {:.3}  p50 {}  p90 {}  p99 {}",
            self.wait.mean() * 1_000.0,
            ms(&self.wait, 0.5),
            ms(&self.wait, 0.9),
            ms(&self.wait, 0.99),
        )
    }
}

/// The value of label `name` in `rest` (`_bucket{a="1",le="0.5"}`).
fn label<'a>(rest: &'a str, name: &str) -> Option<&'a str> {
    let start = rest.find(&format!("{name}=\""))? + name.len() + 2;
    let len = rest[start..].find('"')?;
    Some(&rest[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# HELP engine_append_duration_seconds Time of one durable append
# TYPE engine_append_duration_seconds histogram
engine_append_duration_seconds_bucket{partition="0",le="0.0005"} 3
engine_append_duration_seconds_bucket{partition="0",le="0.001"} 4
engine_append_duration_seconds_bucket{partition="0",le="+Inf"} 5
engine_append_duration_seconds_sum{partition="0"} 0.004
engine_append_duration_seconds_count{partition="0"} 5
engine_append_duration_seconds_bucket{partition="1",le="0.0005"} 1
engine_append_duration_seconds_bucket{partition="1",le="0.001"} 1
engine_append_duration_seconds_bucket{partition="1",le="+Inf"} 1
engine_append_duration_seconds_sum{partition="1"} 0.0002
engine_append_duration_seconds_count{partition="1"} 1
engine_batch_commands_bucket{partition="0",le="1"} 5
engine_batch_commands_sum{partition="0"} 9
engine_batch_commands_count{partition="0"} 6
"#;

    #[test]
    fn sums_a_histogram_over_partitions() {
        let append = Totals::parse(TEXT, "engine_append_duration_seconds");
        assert_eq!(append.count, 6);
        assert!((append.sum - 0.0042).abs() < 1e-12);
        assert_eq!(append.buckets[&Bound(0.0005)], 4);
        assert_eq!(append.buckets[&Bound(0.001)], 5);
        assert_eq!(append.buckets.len(), 2);
        assert_eq!(append.quantile_bound(0.5), Some(0.0005));
        assert_eq!(append.quantile_bound(0.8), Some(0.001));
        assert_eq!(append.quantile_bound(0.99), None);
        let split = EngineSplit::parse(TEXT);
        assert_eq!(split.batch.mean(), 1.5);
        assert_eq!(split.wait, Totals::default());
    }

    #[test]
    fn a_run_is_the_difference_of_two_readings() {
        let before = Totals::parse(TEXT, "engine_append_duration_seconds");
        let mut after = before.clone();
        after.count += 4;
        after.sum += 0.003;
        *after.buckets.entry(Bound(0.001)).or_default() += 4;
        let run = after.since(&before);
        assert_eq!(run.count, 4);
        assert_eq!(run.buckets[&Bound(0.0005)], 0);
        assert_eq!(run.buckets[&Bound(0.001)], 4);
        assert!((run.mean() - 0.00075).abs() < 1e-12);
        assert_eq!(run.quantile_bound(0.5), Some(0.001));
    }
}
