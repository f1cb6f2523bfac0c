//! The machine's CPU time over a run, from the first line of `/proc/stat`: how much the
//! generator and server had (user, system), how much was idle or waiting on the disk, and how
//! much the hypervisor took for other guests (steal). A run with steal is a noisy host, not a
//! slower build: on 2026-12-03 the same binaries gave p99 1.3 ms at 1,000/s with no steal and
//! 40 - 60 ms while the host stole 15 - 36 % of both cores. Also [`resident_bytes`], a
//! process's resident memory from `/proc/<pid>/status`.

use std::fmt;
use std::future::Future;

/// Runs `work` and answers its output with the machine's CPU split over it (`None` where
/// `/proc/stat` cannot be read).
pub async fn with_cpu<T>(work: impl Future<Output = T>) -> (T, Option<CpuSplit>) {
    let before = CpuTimes::now();
    let output = work.await;
    let split = before
        .zip(CpuTimes::now())
        .map(|(before, after)| after.since(&before));
    (output, split)
}

/// The CPU time (user + system, in clock ticks, the unit of `/proc/stat`) process `pid` has
/// used so far, from `/proc/<pid>/stat`; `None` where it cannot be read.
pub fn process_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_process_ticks(&stat)
}

/// `utime + stime` of a `/proc/<pid>/stat` text (fields 14 and 15; the name before them, in
/// parentheses, may hold spaces).
fn parse_process_ticks(stat: &str) -> Option<u64> {
    let (_, after_name) = stat.rsplit_once(')')?;
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// The resident memory of process `pid` (`VmRSS` of `/proc/<pid>/status`) in bytes; `None`
/// where it cannot be read.
pub fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_resident_bytes(&status)
}

/// `VmRSS` of a `/proc/<pid>/status` text, in bytes.
fn parse_resident_bytes(status: &str) -> Option<u64> {
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?;
    let mut words = line.split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") => value.checked_mul(1024),
        _ => None,
    }
}

/// Cumulative CPU time of all cores, in clock ticks, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuTimes {
    user: u64,
    system: u64,
    idle: u64,
    iowait: u64,
    /// Interrupt handling (hard and soft).
    interrupts: u64,
    steal: u64,
}

impl CpuTimes {
    /// The machine's times now; `None` where `/proc/stat` cannot be read (not Linux).
    pub fn now() -> Option<Self> {
        Self::parse(&std::fs::read_to_string("/proc/stat").ok()?)
    }

    /// The times of the aggregate `cpu` line of a `/proc/stat` text.
    fn parse(stat: &str) -> Option<Self> {
        let line = stat.lines().find(|line| line.starts_with("cpu "))?;
        let ticks: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        let tick = |index: usize| ticks.get(index).copied().unwrap_or(0);
        Some(Self {
            user: tick(0) + tick(1),
            system: tick(2),
            idle: tick(3),
            iowait: tick(4),
            interrupts: tick(5) + tick(6),
            steal: tick(7),
        })
    }

    /// The share of each kind in the time from `before` to these times.
    pub fn since(&self, before: &Self) -> CpuSplit {
        let delta = Self {
            user: self.user.saturating_sub(before.user),
            system: self.system.saturating_sub(before.system),
            idle: self.idle.saturating_sub(before.idle),
            iowait: self.iowait.saturating_sub(before.iowait),
            interrupts: self.interrupts.saturating_sub(before.interrupts),
            steal: self.steal.saturating_sub(before.steal),
        };
        CpuSplit(delta)
    }
}

/// CPU time between two readings; shown as percentages of the whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuSplit(CpuTimes);

impl CpuSplit {
    /// Every core's time between the two readings, in clock ticks.
    pub fn total_ticks(&self) -> u64 {
        let t = self.0;
        t.user + t.system + t.idle + t.iowait + t.interrupts + t.steal
    }

    /// The time the cores ran processes (user and system; not interrupts, which the kernel
    /// charges to no process), in clock ticks.
    pub fn busy_ticks(&self) -> u64 {
        let t = self.0;
        t.user + t.system
    }

    /// The share of the time the hypervisor gave to other guests, in percent.
    pub fn steal_percent(&self) -> f64 {
        self.percent(self.0.steal)
    }

    fn percent(&self, ticks: u64) -> f64 {
        let t = self.0;
        let total = t.user + t.system + t.idle + t.iowait + t.interrupts + t.steal;
        if total == 0 {
            return 0.0;
        }
        100.0 * ticks as f64 / total as f64
    }
}

impl fmt::Display for CpuSplit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "machine CPU over the run, %: user {:.0}  system {:.0}  interrupts {:.0}  idle {:.0}  \
             iowait {:.0}  steal {:.0}",
            self.percent(t.user),
            self.percent(t.system),
            self.percent(t.interrupts),
            self.percent(t.idle),
            self.percent(t.iowait),
            self.percent(t.steal),
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const BEFORE: &str = "cpu  100 0 50 800 10 0 5 35 0 0\ncpu0 50 0 25 400 5 0 2 18 0 0\n";
    const AFTER: &str = "cpu  300 100 150 1000 100 0 15 335 0 0\nintr 1 2 3\n";

    #[test]
    fn splits_the_time_between_two_readings_by_kind() {
        let before = CpuTimes::parse(BEFORE).unwrap();
        let after = CpuTimes::parse(AFTER).unwrap();
        let split = after.since(&before);
        assert_eq!(split.steal_percent(), 30.0);
        assert_eq!(
            split.to_string(),
            "machine CPU over the run, %: user 30  system 10  interrupts 1  idle 20  iowait 9  \
             steal 30"
        );
    }

    #[test]
    fn reads_a_process_cpu_time_past_a_name_with_spaces() {
        let stat = "42 (tokio rt) S 1 42 42 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 9 0";
        assert_eq!(parse_process_ticks(stat), Some(325));
        assert_eq!(parse_process_ticks("42 (x) S 1"), None);
        assert!(process_ticks(std::process::id()).is_some());
    }

    #[test]
    fn reads_the_resident_set_in_bytes() {
        let status = "Name:\tpromo\nVmPeak:\t  900 kB\nVmRSS:\t  12345 kB\nThreads:\t9\n";
        assert_eq!(parse_resident_bytes(status), Some(12_345 * 1024));
        assert_eq!(parse_resident_bytes("VmRSS:\t12 MB\n"), None);
        assert_eq!(parse_resident_bytes("Name:\tx\n"), None);
        assert!(resident_bytes(std::process::id()).is_some_and(|bytes| bytes > 0));
    }

    #[test]
    fn refuses_a_text_without_the_cpu_line() {
        assert_eq!(CpuTimes::parse("cpu0 1 2 3\n"), None);
        assert_eq!(CpuTimes::parse("cpu  1 x 3\n"), None);
    }
}
