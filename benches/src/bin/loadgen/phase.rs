//! [`Phase`]: one measured part of a run (a load at one concurrency, a burst round): its
//! report, the machine's CPU over it ([`Measured`]: the split from `/proc/stat`, steal
//! included, and the share other processes than the generator and the server took), and a
//! one-line summary, collected so a run ends with a table of every figure and what it was
//! taken under.

use benches::load::{process_ticks, with_cpu, CpuSplit, Report};
use std::future::Future;
use std::sync::OnceLock;

/// Steal (CPU time the hypervisor gave other guests) from which a figure is not a measurement.
pub const STEAL_LIMIT_PERCENT: f64 = 2.0;

/// The server the generator started, whose CPU time is not counted as "others".
pub static SERVER_PID: OnceLock<u32> = OnceLock::new();

/// The bare HTTP server the generator started beside the product, if any (`--ceiling`).
pub static CEILING_PID: OnceLock<u32> = OnceLock::new();

/// The CPU time of the generator and of its servers so far, in clock ticks.
fn own_ticks() -> Option<(u64, u64)> {
    let generator = process_ticks(std::process::id())?;
    let mut servers = 0;
    for pid in [SERVER_PID.get(), CEILING_PID.get()].into_iter().flatten() {
        servers += process_ticks(*pid)?;
    }
    Some((generator, servers))
}

/// The machine's CPU over a piece of work.
#[derive(Clone, Copy, Debug)]
pub struct Measured {
    /// The split by kind, steal included.
    pub cpu: Option<CpuSplit>,
    /// The share of every core's time other processes than the generator and its server used
    /// (a build beside the run), in percent.
    pub others_percent: Option<f64>,
    /// The share of every core's time the generator itself used, in percent: a closed loop
    /// whose generator nears one core's share is measuring the generator.
    pub generator_percent: Option<f64>,
}

/// Runs `work` and answers its output with the machine's CPU over it.
pub async fn measured<T>(work: impl Future<Output = T>) -> (T, Measured) {
    let own_before = own_ticks();
    let (output, cpu) = with_cpu(work).await;
    let own = own_before.zip(own_ticks()).map(|(before, after)| {
        (
            after.0.saturating_sub(before.0),
            after.1.saturating_sub(before.1),
        )
    });
    let share = |ticks: u64, cpu: &CpuSplit| 100.0 * ticks as f64 / cpu.total_ticks().max(1) as f64;
    let others_percent = cpu.zip(own).map(|(cpu, (generator, servers))| {
        share(cpu.busy_ticks().saturating_sub(generator + servers), &cpu)
    });
    let generator_percent = cpu
        .zip(own)
        .map(|(cpu, (generator, _))| share(generator, &cpu));
    (
        output,
        Measured {
            cpu,
            others_percent,
            generator_percent,
        },
    )
}

/// A measured part of a run.
pub struct Phase {
    /// What was measured.
    pub label: String,
    /// What the load saw.
    pub report: Report,
    /// The machine's CPU over it.
    pub measured: Measured,
    /// Whether its rate counts every answer (a burst's attempts) rather than the successes.
    pub count_every_answer: bool,
}

impl Phase {
    /// Runs `work` as the phase `label`, prints its report and answers it.
    pub async fn measure(label: impl Into<String>, work: impl Future<Output = Report>) -> Self {
        let (report, measured) = measured(work).await;
        let phase = Self::new(label, report, measured);
        phase.print();
        phase
    }

    /// The phase `label` that saw `report` under `measured`.
    pub fn new(label: impl Into<String>, report: Report, measured: Measured) -> Self {
        Self {
            label: label.into(),
            report,
            measured,
            count_every_answer: false,
        }
    }

    /// Prints the whole report, the CPU split and the summary line.
    pub fn print(&self) {
        println!("--- {} ---", self.label);
        println!("{}", self.report);
        match &self.measured.cpu {
            Some(split) => println!("{split}"),
            None => println!("machine CPU: /proc/stat not readable"),
        }
        if !self.steady() {
            println!(
                "warning: steal >= {STEAL_LIMIT_PERCENT} %: the hypervisor took CPU during this \
                 phase; its figures are the host's, not a measurement"
            );
        }
        println!("{}", self.summary());
    }

    /// The steal over the phase, in percent.
    pub fn steal_percent(&self) -> Option<f64> {
        self.measured.cpu.as_ref().map(CpuSplit::steal_percent)
    }

    /// Whether the hypervisor left the machine alone enough for the figures to count.
    pub fn steady(&self) -> bool {
        self.steal_percent()
            .is_some_and(|steal| steal < STEAL_LIMIT_PERCENT)
    }

    /// Requests per second: the successes, or every answer for a burst.
    pub fn per_second(&self) -> f64 {
        let report = &self.report;
        if !self.count_every_answer {
            return report.throughput();
        }
        let answered: u64 = report.statuses.values().sum();
        answered as f64 / report.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    }

    /// `label: N/s  p50 ..  p99 ..  steal ..  others ..`, with the answers that were not 2xx.
    pub fn summary(&self) -> String {
        let report = &self.report;
        let total: u64 = report.statuses.values().sum();
        let failed = total - report.succeeded();
        let percent =
            |value: Option<f64>| value.map_or_else(|| "?".to_owned(), |v| format!("{v:.1}"));
        let mut line = format!(
            "{}: {:.0}/s  p50 {:.3} ms  p99 {:.3} ms  steal {} %  others' CPU {} %  \
             generator's CPU {} %",
            self.label,
            self.per_second(),
            report.percentile_ms(0.50),
            report.percentile_ms(0.99),
            percent(self.steal_percent()),
            percent(self.measured.others_percent),
            percent(self.measured.generator_percent),
        );
        if failed > 0 {
            line.push_str(&format!("  (not 2xx: {failed} of {total})"));
        }
        line
    }
}

/// Prints the summary line of every phase.
pub fn print_summaries(phases: &[Phase]) {
    println!("=== summary ===");
    for phase in phases {
        println!("{}", phase.summary());
    }
}
