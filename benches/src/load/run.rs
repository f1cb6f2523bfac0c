//! [`run`]: sends redeem requests (`POST /v1.0/pos/redemptions`, one fresh code and
//! idempotency key each) either as fast as `concurrency` connections allow (saturation) or
//! open-loop at a fixed rate, where each latency counts from the moment the request was due,
//! so a stalled server cannot hide its queueing (no coordinated omission); a pacing thread
//! releases each request when it falls due. Requests go out through the lean client of
//! `wire`, prepared as bytes from a [`RedeemTemplate`].

use super::wire::Connections;
use super::{Api, LoadError, PosFixture, Report, Sample};
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

/// A redeem request as bytes, but for its code, idempotency key and terminal.
struct RedeemTemplate {
    /// The request line and the headers every request carries.
    head: String,
    /// The JSON body before the code.
    body_before: String,
    /// The JSON body after the code.
    body_after: String,
}

impl RedeemTemplate {
    /// Marks the code's place in the rendered body.
    const PLACEHOLDER: &'static str = "\u{1}";

    fn new(api: &Api, fixture: &PosFixture) -> Result<Self, LoadError> {
        let head = format!(
            "POST /v1.0/pos/redemptions HTTP/1.1\r\nHost: {}\r\nX-Auth-Token: {}\r\n\
             Content-Type: application/json\r\n",
            api.address(),
            api.token()
        );
        let body = fixture.redeem_body(Self::PLACEHOLDER).to_string();
        let placeholder = serde_json::Value::from(Self::PLACEHOLDER).to_string();
        let (before, after) =
            body.split_once(&placeholder)
                .ok_or_else(|| LoadError::Unexpected {
                    what: "rendering the redeem body".into(),
                    status: 0,
                    body: body.clone(),
                })?;
        Ok(Self {
            head,
            body_before: before.to_owned(),
            body_after: after.to_owned(),
        })
    }

    /// The whole request redeeming `code` as the `index`th request, from `terminal`.
    fn render(&self, index: usize, code: &str, terminal: usize) -> Vec<u8> {
        let code = serde_json::Value::from(code).to_string();
        let length = self.body_before.len() + code.len() + self.body_after.len();
        format!(
            "{}Idempotency-Key: load-{index}\r\nX-Terminal-Id: lane-{terminal}\r\n\
             Content-Length: {length}\r\n\r\n{}{code}{}",
            self.head, self.body_before, self.body_after
        )
        .into_bytes()
    }
}

/// Shared by the request tasks.
struct Shared {
    connections: Connections,
    template: RedeemTemplate,
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
        let request = self.template.render(index, code, terminal);
        let (status, server_us) = match self.connections.exchange(&request).await {
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

fn micros(duration: Duration) -> u64 {
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

/// Runs the load and reports it.
pub async fn run(api: &Api, fixture: &PosFixture, config: RunConfig) -> Result<Report, LoadError> {
    let template = RedeemTemplate::new(api, fixture)?;
    let started = Instant::now();
    let shared = Arc::new(Shared {
        connections: Connections::new(api.address()),
        template,
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
        resent: shared.connections.resent(),
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
