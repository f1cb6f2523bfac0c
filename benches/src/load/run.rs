//! [`run`]: sends redeem requests (`POST /v1.0/pos/redemptions`, one fresh code and
//! idempotency key each) either as fast as `concurrency` connections allow (saturation) or
//! open-loop at a fixed rate, where each latency counts from the moment the request was due,
//! so a stalled server cannot hide its queueing (no coordinated omission).

use super::client::answer;
use super::{Api, LoadError, PosFixture, Report};
use reqwest::Method;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// How requests are paced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// Closed loop: `concurrency` requests always in flight.
    Saturate,
    /// Open loop: this many requests per second, whatever the answers do.
    Rate(u32),
}

/// What to run.
#[derive(Clone, Copy, Debug)]
pub struct RunConfig {
    /// The pacing.
    pub mode: Mode,
    /// How long to send.
    pub duration: Duration,
    /// Requests in flight at saturation.
    pub concurrency: usize,
}

/// Shared by the request tasks.
struct Shared {
    api: Api,
    fixture: PosFixture,
    next: AtomicUsize,
    results: Mutex<Vec<(u16, u64)>>,
}

impl Shared {
    /// Takes the next unused code with its index, `None` when none is left.
    fn take(&self) -> Option<(usize, &str)> {
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        self.fixture
            .codes
            .get(index)
            .map(|code| (index, code.as_str()))
    }

    async fn redeem(&self, index: usize, code: &str, terminal: usize, due: Instant) {
        let request = self
            .api
            .request(Method::POST, "/v1.0/pos/redemptions")
            .header("Idempotency-Key", format!("load-{index}"))
            .header("X-Terminal-Id", format!("lane-{terminal}"))
            .json(&self.fixture.redeem_body(code));
        let status = match request.send().await {
            Ok(response) => answer(response).await.map_or(0, |(status, _)| status),
            Err(_) => 0,
        };
        let micros = u64::try_from(due.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.results
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((status, micros));
    }
}

/// Runs the load and reports it.
pub async fn run(api: &Api, fixture: &PosFixture, config: RunConfig) -> Result<Report, LoadError> {
    let shared = Arc::new(Shared {
        api: api.clone(),
        fixture: fixture.clone(),
        next: AtomicUsize::new(0),
        results: Mutex::new(Vec::new()),
    });
    let started = Instant::now();
    let deadline = started + config.duration;
    let mut tasks = JoinSet::new();
    match config.mode {
        Mode::Saturate => {
            for terminal in 0..config.concurrency.max(1) {
                let shared = shared.clone();
                tasks.spawn(async move {
                    while Instant::now() < deadline {
                        let Some((index, code)) = shared.take() else {
                            break;
                        };
                        shared.redeem(index, code, terminal, Instant::now()).await;
                    }
                });
            }
        }
        Mode::Rate(rate) => {
            let period = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
            let mut due = started;
            while due < deadline {
                tokio::time::sleep_until(due.into()).await;
                let shared = shared.clone();
                tasks.spawn(async move {
                    if let Some((index, code)) = shared.take() {
                        shared.redeem(index, code, index % 64, due).await;
                    }
                });
                due += period;
            }
        }
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed();
    let results = std::mem::take(
        &mut *shared
            .results
            .lock()
            .unwrap_or_else(PoisonError::into_inner),
    );
    let mut report = Report {
        elapsed,
        ran_out_of_codes: shared.next.load(Ordering::Relaxed) >= fixture.codes.len(),
        ..Report::default()
    };
    for (status, micros) in results {
        *report.statuses.entry(status).or_default() += 1;
        report.latencies_us.push(micros);
    }
    report.latencies_us.sort_unstable();
    Ok(report)
}
