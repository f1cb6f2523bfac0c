//! [`drive`]: sends the requests of a [`Requests`] either as fast as `concurrency` kept
//! connections allow (saturation, a closed loop) or open-loop at a fixed rate, where each
//! latency counts from the moment the request was due, so a stalled server cannot hide its
//! queueing (no coordinated omission); a pacing thread releases each request when it falls
//! due. [`run`] is the redemption load (`POST /v1.0/pos/redemptions`, one fresh code and
//! idempotency key each). Requests go out through the lean client of `wire`.

use super::requests::{Redemptions, Requests};
use super::wire::Connections;
use super::{Api, LoadError, PosFixture, Report, Sample};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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
struct Shared<R> {
    connections: Connections,
    requests: R,
    next: AtomicUsize,
    exhausted: AtomicBool,
    started: Instant,
    results: Mutex<Vec<Sample>>,
}

impl<R: Requests> Shared<R> {
    /// The next request, rendered for `worker`; `None` when none is left.
    fn take(&self, worker: usize) -> Option<Vec<u8>> {
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        let request = self.requests.render(index, worker);
        if request.is_none() {
            self.exhausted.store(true, Ordering::Relaxed);
        }
        request
    }

    async fn send(&self, request: &[u8], due: Instant) {
        let (status, server_us) = match self.connections.exchange(request).await {
            Ok(answer) => (answer.status, answer.server_us),
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

/// Microseconds of `duration`, saturating.
pub(super) fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
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

/// Runs the redemption load, one code of `fixture` per request, and reports it.
pub async fn run(api: &Api, fixture: &PosFixture, config: RunConfig) -> Result<Report, LoadError> {
    let redemptions = Redemptions::new(api, fixture, fixture.codes.clone(), "load-")?;
    Ok(drive(api.address(), redemptions, config).await)
}

/// Sends `requests` to `address` (`host:port`) as `config` paces them and reports it.
pub async fn drive<R: Requests>(address: &str, requests: R, config: RunConfig) -> Report {
    let started = Instant::now();
    let shared = Arc::new(Shared {
        connections: Connections::new(address),
        requests,
        next: AtomicUsize::new(0),
        exhausted: AtomicBool::new(false),
        started,
        results: Mutex::new(Vec::new()),
    });
    let deadline = started + config.duration;
    let mut tasks = JoinSet::new();
    match config.mode {
        Mode::Saturate => {
            for worker in 0..config.concurrency.max(1) {
                let shared = shared.clone();
                tasks.spawn(async move {
                    while Instant::now() < deadline {
                        let Some(request) = shared.take(worker) else {
                            break;
                        };
                        shared.send(&request, Instant::now()).await;
                    }
                });
            }
        }
        Mode::Rate(rate) => {
            let mut due_times = pace(rate, started, deadline);
            let mut index = 0_usize;
            while let Some(due) = due_times.recv().await {
                let shared = shared.clone();
                let terminal = index % 64;
                index += 1;
                tasks.spawn(async move {
                    if let Some(request) = shared.take(terminal) {
                        shared.send(&request, due).await;
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
    let mut report = Report::from_samples(elapsed, results);
    report.ran_out_of_codes = shared.exhausted.load(Ordering::Relaxed);
    report.resent = shared.connections.resent();
    report
}
