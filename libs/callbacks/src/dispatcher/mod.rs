//! [`Dispatcher`]: follows the main event log and delivers conversion callbacks, recording
//! every change of a delivery's state in its own event log.
//!
//! Per main-log partition `p` (the dispatcher's log has the same partition count, and `p`'s
//! deliveries live in its partition `p`, so several dispatchers can later share the work by
//! partition):
//! - at start it claims its log's partition `p` (fencing any older dispatcher of it), folds
//!   its records into a [`Ledger`] (pending deliveries, the newest deliveries per target, the
//!   source position reached), then
//! - a follower (`follow`) reads the main log's partition `p` from offset 0 through an
//!   [`eventlog::EpochFence`], folding every event into the accounts' states with
//!   `domain::evolve`; from the stored position on, each redemption's callbacks are rendered
//!   and scheduled. Once it reaches the stored position it resumes the pending deliveries.
//!   Each batch's `delivery_scheduled` records go to the log in one append with the position
//!   past them, so a crash never loses a redemption's callbacks nor schedules them twice;
//! - a writer (`writer`) appends what the follower and the deliveries record, in order, in
//!   group-committed batches, and applies them to the ledger once durable;
//! - one task per delivery (`delivery`) makes attempts until a 2xx, a refusal or its
//!   deadline.
//!
//! Redemptions never wait for any of this: the dispatcher only reads the main log.

mod delivery;
mod follow;
mod writer;

use crate::client::Deliverer;
use crate::config::DispatcherConfig;
use crate::deliveries::{BoxFuture, Deliveries, DeliveryPage, ReplayError};
use crate::error::CallbackError;
use crate::ledger::{DeliveryStatus, DeliveryView, Ledger};
use crate::metrics::CallbackMetrics;
use crate::record::{DeliveryEvent, ReplayRequested};
use domain::ids::{AccountId, ChannelId};
use domain::privacy::SEALED_PREFIX;
use eventlog::{EpochFence, EventLog};
use privacy::KeyStore;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use self::delivery::Job;
use self::writer::Write;

/// Records read from the dispatcher's own log per call at start.
const REBUILD_CHUNK: usize = 4_096;
/// Writes queued per partition before the follower waits (back-pressure).
const WRITE_QUEUE: usize = 8_192;
/// How long a stop waits for deliveries in flight to record their outcome.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// What one partition's tasks share.
struct Part {
    partition: u32,
    ledger: RwLock<Ledger>,
    secrets: RwLock<HashMap<(AccountId, ChannelId), String>>,
    writes: mpsc::Sender<Write>,
    replays: tokio::sync::Mutex<()>,
}

impl Part {
    fn ledger(&self) -> RwLockReadGuard<'_, Ledger> {
        self.ledger.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn secret(&self, account: AccountId, channel: ChannelId) -> Option<String> {
        self.secrets
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(account, channel))
            .cloned()
    }

    /// Queues `events` for the log; with `durable`, waits until they are on disk.
    async fn record(&self, events: Vec<DeliveryEvent>, durable: bool) -> Result<(), ReplayError> {
        let (ack, acked) = if durable {
            let (sender, receiver) = oneshot::channel();
            (Some(sender), Some(receiver))
        } else {
            (None, None)
        };
        self.writes
            .send(Write { events, ack })
            .await
            .map_err(|_| ReplayError::Stopped)?;
        match acked {
            Some(acked) => match acked.await {
                Ok(true) => Ok(()),
                _ => Err(ReplayError::Stopped),
            },
            None => Ok(()),
        }
    }
}

/// What every task shares.
struct Shared {
    parts: Vec<Arc<Part>>,
    deliverer: Deliverer,
    config: DispatcherConfig,
    metrics: CallbackMetrics,
    stop: watch::Receiver<bool>,
    in_flight: AtomicUsize,
    rng: Mutex<ChaCha8Rng>,
}

impl Shared {
    fn part(&self, account: AccountId) -> Option<&Arc<Part>> {
        let count = u32::try_from(self.parts.len()).ok()?;
        let index = usize::try_from(eventlog::partition_of(account, count)).ok()?;
        self.parts.get(index)
    }

    /// A number in `[0, 1)` for backoff jitter.
    fn jitter(&self) -> f64 {
        let draw = self
            .rng
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next_u32();
        f64::from(draw) / (f64::from(u32::MAX) + 1.0)
    }

    fn stopped(&self) -> bool {
        *self.stop.borrow()
    }
}

/// Resolves once `stop` says true (or its sender is gone).
async fn stopped(mut stop: watch::Receiver<bool>) {
    let _stopped = stop.wait_for(|stopped| *stopped).await.is_ok();
}

/// A running dispatcher. Stop it with [`Dispatcher::shutdown`].
pub struct Dispatcher {
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    stop_writers: watch::Sender<bool>,
    followers: Vec<JoinHandle<Result<(), CallbackError>>>,
    writers: Vec<JoinHandle<()>>,
}

impl Dispatcher {
    /// Starts following `source` (the main log, read only), recording delivery state in `own`
    /// (which must have the same partition count; the dispatcher claims every partition of it).
    pub async fn start<S: EventLog, O: EventLog>(
        source: S,
        own: O,
        config: DispatcherConfig,
        metrics: CallbackMetrics,
    ) -> Result<Self, CallbackError> {
        let partitions = source.partitions();
        if own.partitions() != partitions {
            return Err(CallbackError::PartitionMismatch {
                source_partitions: partitions,
                own: own.partitions(),
            });
        }
        let deliverer = Deliverer::new(&config)?;
        let (stop, stopped) = watch::channel(false);
        let (stop_writers, writers_stopped) = watch::channel(false);
        let mut parts = Vec::new();
        let mut writers = Vec::new();
        for partition in 0..partitions {
            let writer = own.claim(partition).await?;
            let keys = config.keys.as_deref();
            let ledger = rebuild(&own, partition, config.keep_per_target, keys).await?;
            let (writes, queue) = mpsc::channel(WRITE_QUEUE);
            let part = Arc::new(Part {
                partition,
                ledger: RwLock::new(ledger),
                secrets: RwLock::new(HashMap::new()),
                writes,
                replays: tokio::sync::Mutex::new(()),
            });
            writers.push(tokio::spawn(writer::run(
                writer,
                queue,
                part.clone(),
                writers_stopped.clone(),
                writer::Sealing::new(config.keys.clone()),
            )));
            parts.push(part);
        }
        let shared = Arc::new(Shared {
            parts,
            deliverer,
            config,
            metrics,
            stop: stopped,
            in_flight: AtomicUsize::new(0),
            rng: Mutex::new(ChaCha8Rng::from_os_rng()),
        });
        let source = Arc::new(source);
        let followers = shared
            .parts
            .iter()
            .map(|part| {
                let from = part.ledger().position().unwrap_or_default();
                tokio::spawn(follow::run(
                    source.clone(),
                    shared.clone(),
                    part.clone(),
                    from,
                ))
            })
            .collect();
        tracing::info!(partitions, "callback dispatcher started");
        Ok(Self {
            shared,
            stop,
            stop_writers,
            followers,
            writers,
        })
    }

    /// The handle the API lists and replays deliveries through.
    pub fn deliveries(&self) -> Arc<dyn Deliveries> {
        Arc::new(Handle(self.shared.clone()))
    }

    /// Stops: the followers after their current batch, the deliveries after their current
    /// attempt (at most a short grace period; pending ones resume at the next start), then the
    /// writers once everything queued is on disk.
    pub async fn shutdown(self) {
        let _sent = self.stop.send(true);
        for follower in self.followers {
            match follower.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "callback follower stopped with an error"),
                Err(error) => tracing::warn!(%error, "callback follower task failed"),
            }
        }
        let grace = tokio::time::Instant::now() + STOP_GRACE;
        while self.shared.in_flight.load(Ordering::Acquire) > 0
            && tokio::time::Instant::now() < grace
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let _sent = self.stop_writers.send(true);
        for writer in self.writers {
            if let Err(error) = writer.await {
                tracing::warn!(%error, "callback writer task failed");
            }
        }
        tracing::info!("callback dispatcher stopped");
    }
}

/// Opens the urls and bodies of `events` sealed under members' keys; those whose key is gone
/// (or that cannot be opened without a key store) are blanked.
async fn open_sealed(
    keys: Option<&dyn KeyStore>,
    events: &mut [DeliveryEvent],
) -> Result<(), CallbackError> {
    let mut texts = Vec::new();
    for event in events.iter_mut() {
        if let DeliveryEvent::DeliveryScheduled(scheduled) = event {
            if let Some(member) = scheduled.member_id {
                let account = scheduled.account_id;
                texts.push((account, member, &mut scheduled.url));
                texts.push((account, member, &mut scheduled.body));
            }
        }
    }
    if let Some(keys) = keys {
        privacy::open_texts(keys, texts).await?;
    }
    for event in events.iter_mut() {
        if let DeliveryEvent::DeliveryScheduled(scheduled) = event {
            if scheduled.url.starts_with(SEALED_PREFIX) || scheduled.body.starts_with(SEALED_PREFIX)
            {
                scheduled.url.clear();
                scheduled.body.clear();
            }
        }
    }
    Ok(())
}

/// The ledger of partition `partition` of the dispatcher's log, folded from its records, the
/// urls and bodies sealed under members' keys opened with `keys` (blank when the key is gone:
/// the member was erased, so a pending one is refused when resumed).
async fn rebuild<O: EventLog>(
    own: &O,
    partition: u32,
    keep: usize,
    keys: Option<&dyn KeyStore>,
) -> Result<Ledger, CallbackError> {
    let mut ledger = Ledger::new(keep);
    let mut fence = EpochFence::default();
    let end = own.end_offset(partition).await?;
    let mut from = 0;
    while from < end {
        let records = own.read(partition, from, REBUILD_CHUNK).await?;
        let Some(last) = records.last() else { break };
        from = last.offset + 1;
        let mut events = Vec::with_capacity(records.len());
        for record in records {
            if !fence.admit(&record) {
                continue;
            }
            let event = DeliveryEvent::decode(&record.payload).map_err(|source| {
                CallbackError::Corrupt {
                    partition,
                    offset: record.offset,
                    source,
                }
            })?;
            events.push(event);
        }
        open_sealed(keys, &mut events).await?;
        for event in events {
            ledger.apply(event);
        }
    }
    Ok(ledger)
}

/// [`Deliveries`] over a running dispatcher.
struct Handle(Arc<Shared>);

impl Deliveries for Handle {
    fn list(
        &self,
        account: AccountId,
        channel: Option<ChannelId>,
        page: usize,
        per_page: usize,
    ) -> DeliveryPage {
        let (page, per_page) = (page.max(1), per_page.max(1));
        let (total, deliveries) = match self.0.part(account) {
            Some(part) => {
                let ledger = part.ledger();
                let (total, rows) = ledger.page(account, channel, page, per_page);
                (total, rows.into_iter().map(DeliveryView::from).collect())
            }
            None => (0, Vec::new()),
        };
        DeliveryPage {
            page,
            per_page,
            total_entries: total,
            total_pages: total.div_ceil(per_page),
            deliveries,
        }
    }

    fn replay<'a>(
        &'a self,
        account: AccountId,
        channel: Option<ChannelId>,
        id: &'a str,
    ) -> BoxFuture<'a, Result<DeliveryView, ReplayError>> {
        Box::pin(async move {
            let shared = &self.0;
            if shared.stopped() {
                return Err(ReplayError::Stopped);
            }
            let part = shared.part(account).ok_or(ReplayError::NotFound)?;
            let _one_at_a_time = part.replays.lock().await;
            let delivery = part
                .ledger()
                .get(id)
                .filter(|delivery| {
                    delivery.scheduled.account_id == account
                        && delivery.scheduled.target.channel() == channel
                })
                .cloned()
                .ok_or(ReplayError::NotFound)?;
            if delivery.status == DeliveryStatus::Pending {
                return Err(ReplayError::Pending);
            }
            let at = shared.config.clock.now();
            part.record(
                vec![DeliveryEvent::DeliveryReplayRequested(ReplayRequested {
                    delivery_id: id.to_owned(),
                    at,
                })],
                true,
            )
            .await?;
            let mut job = Job::from_delivery(&delivery);
            job.window_start = at;
            delivery::spawn(shared.clone(), part.clone(), job);
            let view = part.ledger().get(id).map(DeliveryView::from);
            view.ok_or(ReplayError::NotFound)
        })
    }
}
