//! One task per delivery: attempts until a 2xx, a refusal or the deadline, recording each
//! outcome, waiting the backoff (with jitter) between attempts. A delivery resumed after a
//! restart, or replayed, past its deadline still gets one attempt.

use super::{Part, Shared};
use crate::client::{Attempt, Outcome};
use crate::ledger::Delivery;
use crate::record::{AttemptFailed, Delivered, DeliveryEvent, Ended};
use chrono::{DateTime, Utc};
use domain::ids::{AccountId, ChannelId};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::time::Instant;

/// The reason recorded when the deadline passes (the seed's `TIMEOUT_EXCEEDED`).
pub(super) const TIMEOUT_EXCEEDED: &str = "TIMEOUT_EXCEEDED";

/// What a delivery task needs.
#[derive(Clone, Debug)]
pub(super) struct Job {
    pub(super) delivery_id: String,
    pub(super) account: AccountId,
    pub(super) channel: Option<ChannelId>,
    pub(super) url: String,
    pub(super) body: String,
    pub(super) sign: bool,
    pub(super) attempts: u32,
    pub(super) window_start: DateTime<Utc>,
    pub(super) redeemed_at: DateTime<Utc>,
}

impl Job {
    /// The job of a delivery the ledger holds.
    pub(super) fn from_delivery(delivery: &Delivery) -> Self {
        let scheduled = &delivery.scheduled;
        Self {
            delivery_id: scheduled.delivery_id.clone(),
            account: scheduled.account_id,
            channel: scheduled.target.channel(),
            url: scheduled.url.clone(),
            body: scheduled.body.clone(),
            sign: scheduled.sign,
            attempts: delivery.attempts,
            window_start: delivery.window_start,
            redeemed_at: scheduled.redeemed_at,
        }
    }
}

/// Counts a task in flight while it lives.
struct InFlight(Arc<Shared>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
        self.0.metrics.pending.dec();
    }
}

/// Starts the task of `job`.
pub(super) fn spawn(shared: Arc<Shared>, part: Arc<Part>, job: Job) {
    shared.in_flight.fetch_add(1, Ordering::AcqRel);
    shared.metrics.pending.inc();
    let guard = InFlight(shared.clone());
    tokio::spawn(async move {
        let _guard = guard;
        tokio::select! {
            () = run(&shared, &part, job) => {}
            () = super::stopped(shared.stop.clone()) => {}
        }
    });
}

async fn run(shared: &Shared, part: &Part, job: Job) {
    let window = shared.config.deadline;
    let clock = &shared.config.clock;
    let left = (job.window_start + window - clock.now())
        .to_std()
        .unwrap_or_default();
    let deadline = Instant::now() + left;
    let mut attempt = job.attempts;
    let mut tried = false;
    loop {
        if tried && Instant::now() >= deadline {
            shared.metrics.timed_out.inc();
            record(
                part,
                DeliveryEvent::DeliveryTimedOut(ended(&job, TIMEOUT_EXCEEDED, clock.now())),
            )
            .await;
            return;
        }
        tried = true;
        let secret = match (job.sign, job.channel) {
            (true, Some(channel)) => part.secret(job.account, channel),
            _ => None,
        };
        // A resumed or replayed delivery past its deadline gets this one attempt in full.
        let attempt_deadline = deadline.max(Instant::now() + shared.config.request_timeout);
        let outcome = shared
            .deliverer
            .send(Attempt {
                delivery_id: &job.delivery_id,
                account: job.account,
                number: attempt + 1,
                url: &job.url,
                body: &job.body,
                secret: secret.as_deref(),
                deadline: attempt_deadline,
            })
            .await;
        match outcome {
            Outcome::Delivered { status } => {
                attempt += 1;
                shared.metrics.delivered.inc();
                let at = clock.now();
                if let Ok(latency) = (at - job.redeemed_at).to_std() {
                    shared.metrics.latency.observe(latency.as_secs_f64());
                }
                record(
                    part,
                    DeliveryEvent::DeliveryDelivered(Delivered {
                        delivery_id: job.delivery_id.clone(),
                        attempt,
                        status,
                        at,
                    }),
                )
                .await;
                return;
            }
            Outcome::Refused(refusal) => {
                shared.metrics.refused.inc();
                tracing::warn!(delivery = %job.delivery_id, account = job.account.0, reason = %refusal, "callback url refused");
                record(
                    part,
                    DeliveryEvent::DeliveryRefused(ended(&job, refusal.class(), clock.now())),
                )
                .await;
                return;
            }
            Outcome::NoPermit => continue,
            Outcome::Failed { status, error } => {
                attempt += 1;
                shared.metrics.failed_attempts.inc();
                tracing::debug!(delivery = %job.delivery_id, attempt, ?status, %error, "callback attempt failed");
                record(
                    part,
                    DeliveryEvent::DeliveryAttemptFailed(AttemptFailed {
                        delivery_id: job.delivery_id.clone(),
                        attempt,
                        status,
                        error,
                        at: clock.now(),
                    }),
                )
                .await;
            }
        }
        let delay = shared.config.backoff.delay(attempt, shared.jitter());
        let wake = (Instant::now() + delay).min(deadline.max(Instant::now()));
        tokio::time::sleep_until(wake).await;
    }
}

fn ended(job: &Job, reason: &str, at: DateTime<Utc>) -> Ended {
    Ended {
        delivery_id: job.delivery_id.clone(),
        reason: reason.to_owned(),
        at,
    }
}

async fn record(part: &Part, event: DeliveryEvent) {
    if part.record(vec![event], false).await.is_err() {
        tracing::debug!(
            partition = part.partition,
            "callbacks log closed; the outcome is recorded after the restart"
        );
    }
}
