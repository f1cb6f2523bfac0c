//! [`run`]: sends redeem requests (`POST /v1.0/pos/redemptions`, one fresh code and
//! idempotency key each) either as fast as `concurrency` connections allow (saturation) or
//! open-loop at a fixed rate, where each latency counts from the moment the request was due,
//! so a stalled server cannot hide its queueing (no coordinated omission); a pacing thread
//! releases each request when it falls due.

use super::{Api, LoadError, PosFixture, Report, Sample};
use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
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
    started: Instant,
    results: Mutex<Vec<Sample>>,
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
        let body = self.fixture.redeem_body(code).to_string();
        let request = self
            .api
            .request(Method::POST, "/v1.0/pos/redemptions")
            .header("Idempotency-Key", format!("load-{index}"))
            .header("X-Terminal-Id", format!("lane-{terminal}"))
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let (status, server_us) = match request.send().await {
            Ok(response) => read_answer(response).await,
            Err(_) => (0, None),
        };
        let sample = Sample {
            status,
            due_us: micros(due.duration_since(self.started)),
            latency_us: micros(due.elapsed()),
            server_us,
        };
        self.results
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(sample);
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// The status of an answer whose body was read whole (0 when it could not be read), and the
/// server's own time for it (`X-Runtime`). The body itself is not decoded, so the generator
/// spends its CPU on sending, not on parsing.
async fn read_answer(response: reqwest::Response) -> (u16, Option<u64>) {
    let status = response.status().as_u16();
    let server_us = response
        .headers()
        .get("x-runtime")
        .and_then(|value| value.to_str().ok())
        .and_then(|seconds| seconds.parse::<f64>().ok())
        .map(|seconds| (seconds * 1e6) as u64);
    match response.bytes().await {
        Ok(body) if !body.is_empty() => (status, server_us),
        _ => (0, None),
    }
}

/// The instants requests fall due at `rate` per second from `started` until `deadline`,
/// each sent when it falls due by a thread that sleeps precisely until then: tokio's timer
/// fires up to a millisecond late, which would count as server latency.
fn pace(rate: u32, started: Instant, deadline: Instant) -> mpsc::UnboundedReceiver<Instant> {
    let (sender, due_times) = mpsc::unbounded_channel();
    let period = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    std::thread::spawn(move || {
        let mut due = started;
        while due < deadline {
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
            if sender.send(due).is_err() {
                return;
            }
            due += period;
        }
    });
    due_times
}

/// Runs the load and reports it.
pub async fn run(api: &Api, fixture: &PosFixture, config: RunConfig) -> Result<Report, LoadError> {
    let started = Instant::now();
    let shared = Arc::new(Shared {
        api: api.clone(),
        fixture: fixture.clone(),
        next: AtomicUsize::new(0),
        started,
        results: Mutex::new(Vec::new()),
    });
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
            let mut due_times = pace(rate, started, deadline);
            while let Some(due) = due_times.recv().await {
                let shared = shared.clone();
                tasks.spawn(async move {
                    if let Some((index, code)) = shared.take() {
                        shared.redeem(index, code, index % 64, due).await;
                    }
                });
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
    for sample in results {
        *report.statuses.entry(sample.status).or_default() += 1;
        report.latencies_us.push(sample.latency_us);
        report.server_us.extend(sample.server_us);
        report.timeline.push(sample);
    }
    report.latencies_us.sort_unstable();
    report.server_us.sort_unstable();
    report.timeline.sort_unstable_by_key(|sample| sample.due_us);
    Ok(report)
}
