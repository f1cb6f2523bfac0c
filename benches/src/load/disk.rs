//! [`SyncProbe`]: how fast the disk under the data folder makes a small write durable, measured
//! just before a run, so every run's figures come with the disk they had. The event log's
//! commit is one such write, and on the project's machines its speed has moved from minute to
//! minute (p99 0.3 ms at one hour, 5 - 11 ms at the next, same machine, nothing else running).

use std::fmt;
use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::{Duration, Instant};

/// Bytes written and synced each time: about what a group-commit of a few redemptions adds
/// to the log's WAL (three pages).
const WRITE_BYTES: usize = 12 * 1024;
/// The pause between two writes, as at 1,000 commits a second.
const SPACING: Duration = Duration::from_millis(1);

/// Latencies of `count` overwrites of the same 12 KiB, each followed by `fsync`.
#[derive(Clone, Debug, PartialEq)]
pub struct SyncProbe {
    sorted_us: Vec<u64>,
}

impl SyncProbe {
    /// Measures `count` synced overwrites of a scratch file in `folder` (removed after).
    pub fn measure(folder: &Path, count: usize) -> io::Result<Self> {
        let path = folder.join("sync-probe.tmp");
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)?;
        let block = vec![0x5a_u8; WRITE_BYTES];
        file.write_all_at(&block, 0)?;
        file.sync_all()?;
        let mut sorted_us = Vec::with_capacity(count);
        for _ in 0..count {
            let started = Instant::now();
            file.write_all_at(&block, 0)?;
            file.sync_all()?;
            sorted_us.push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
            std::thread::sleep(SPACING);
        }
        drop(file);
        std::fs::remove_file(&path)?;
        sorted_us.sort_unstable();
        Ok(Self { sorted_us })
    }

    /// The latency at `quantile` (0..=1), in milliseconds.
    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        super::report::percentile_ms(&self.sorted_us, quantile)
    }
}

impl fmt::Display for SyncProbe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "disk before the run: {} synced 12 KiB overwrites, ms: p50 {:.3}  p90 {:.3}  p99 {:.3}  max {:.3}",
            self.sorted_us.len(),
            self.percentile_ms(0.5),
            self.percentile_ms(0.9),
            self.percentile_ms(0.99),
            self.percentile_ms(1.0),
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn times_every_synced_write_and_leaves_nothing_behind() {
        let folder = tempfile::tempdir().unwrap();
        let probe = SyncProbe::measure(folder.path(), 20).unwrap();
        assert_eq!(probe.sorted_us.len(), 20);
        assert!(probe.sorted_us.windows(2).all(|pair| pair[0] <= pair[1]));
        assert!(probe.percentile_ms(0.5) <= probe.percentile_ms(1.0));
        assert!(probe
            .to_string()
            .starts_with("disk before the run: 20 synced"));
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0);
    }
}
