//! The single writer of one event-log partition: a [`PartitionActor`] task that owns the
//! partition's claim and the in-memory state of every account in it, reached through a
//! cloneable [`PartitionHandle`].
//!
//! - `load`: the state rebuilt from the newest snapshot and the log after it (at start, and
//!   after a failed append).
//! - `actor`: the loop that decides commands and group-commits their events.
//! - `expiry`: the schedule of what time makes due (lapsed reservations and codes, erasures,
//!   schedules) that the actor records by itself.
//! - `bulk`: the steps of running bulk jobs the actor takes by itself, at most a third of its
//!   time.
//! - `handle`: the client side: requests in, durable answers out.
//! - `views`: the accounts' states as of the last durable batch, published for reads on any
//!   thread.
//! - `table`: who serves each partition: an actor of this process, another instance, or
//!   nobody while it moves.

mod actor;
mod bulk;
mod expiry;
mod handle;
pub(crate) mod load;
mod table;
mod views;

use crate::error::EngineError;
use crate::guessing::{GuessLimiter, Presenter};
use crate::metrics::{EngineMetrics, PartitionMetrics};
use crate::snapshot::policy::{SnapshotCounters, Snapshotter};
use crate::snapshot::DEFAULT_EVERY;
use clock::{Clock, SystemClock};
use domain::ids::AccountId;
use domain::{AccountState, Command, Decision};
use eventlog::{EventLog, PartitionWriter, SnapshotStore};
use privacy::KeyStore;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};

pub use bulk::BULK_CORRELATION;
pub use expiry::EXPIRY_CORRELATION;
pub use handle::PartitionHandle;
pub use table::{PartitionTable, Serving};

/// Members a step of a bulk job issues to by default.
pub const DEFAULT_BULK_STEP: u32 = 25;

/// How a partition actor runs.
#[derive(Clone)]
pub struct ActorConfig {
    /// Most commands decided and appended together in one batch.
    pub max_batch: usize,
    /// Requests that may wait for the actor before senders wait too (backpressure).
    pub queue: usize,
    /// Where the actor reads the time.
    pub clock: Arc<dyn Clock>,
    /// A fixed seed for the random source (tests); `None` seeds it from the OS.
    pub seed: Option<u64>,
    /// Longest time between two looks at the clock while a reservation or code lifetime is
    /// pending (at least 10 ms). With nothing pending the actor only wakes for requests.
    pub expiry_tick: Duration,
    /// Members a step of a bulk job issues to (0: bulk jobs take no step). Steps take at most
    /// a third of the writer's time (see `bulk`).
    pub bulk_step: u32,
    /// Where snapshots of the partition's state are read at start and written; `None`: no
    /// snapshots, every start replays the whole log.
    pub snapshots: Option<Arc<dyn SnapshotStore>>,
    /// Records between two snapshots (counted from the offset the newest one covers, so the
    /// log a restart replays stays about this long); one more is written at a clean
    /// shutdown. `None` writes none (a stored one is still read at start).
    pub snapshot_every: Option<u64>,
    /// The runtime snapshot writes (encoding and storing) run on, so that they take CPU from
    /// background threads rather than from the request path; `None`: the actor's own.
    pub background: Option<Handle>,
    /// Where the actor records its appends, batches and queue waits; `None` records nothing.
    pub metrics: Option<EngineMetrics>,
    /// The wrong-code allowances a command presenting codes is decided under (see
    /// [`crate::guessing`]); shared by every actor and the dry runs. `None`: no limit.
    pub guesses: Option<Arc<GuessLimiter>>,
    /// Where members' keys are kept: personal text is written sealed under them, and an
    /// erasure destroys them (see the `privacy` crate). `None`: personal text is written as
    /// it is (tests and benches of the engine alone).
    pub keys: Option<Arc<dyn KeyStore>>,
}

impl Default for ActorConfig {
    fn default() -> Self {
        Self {
            max_batch: 512,
            queue: 4096,
            clock: Arc::new(SystemClock),
            seed: None,
            expiry_tick: Duration::from_secs(1),
            bulk_step: DEFAULT_BULK_STEP,
            snapshots: None,
            snapshot_every: Some(DEFAULT_EVERY),
            background: None,
            metrics: None,
            guesses: None,
            keys: None,
        }
    }
}

/// What an actor has done so far, for metrics and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ActorStats {
    /// Batches appended to the log (each one durable write).
    pub batches_appended: u64,
    /// Events appended to the log.
    pub events_appended: u64,
    /// Commands decided (accepted or refused).
    pub commands_decided: u64,
    /// Appends that failed.
    pub failed_appends: u64,
    /// Times the state was rebuilt from the log after a failed append.
    pub rebuilds: u64,
    /// Expiries the actor recorded by itself (`ExpireDue` decisions appended), not counted in
    /// `commands_decided`.
    pub expiries_recorded: u64,
    /// `ExpireDue` decisions the actor took, including those that found nothing to record.
    pub expiry_checks: u64,
    /// Steps of bulk jobs the actor took and appended.
    pub bulk_steps: u64,
    /// Log records read to rebuild the state (at start and at every rebuild): only the tail
    /// after the snapshot the state started from.
    pub records_replayed: u64,
    /// The offset covered by the snapshot the state was last rebuilt from (0 without one).
    pub snapshot_loaded_at: u64,
    /// Snapshots written.
    pub snapshots_written: u64,
    /// Snapshot writes that failed (the actor carries on; the next one is tried later).
    pub snapshot_failures: u64,
}

/// The single writer of one partition. Created and run by [`PartitionActor::start`]; the
/// rest of the program talks to it through a [`PartitionHandle`].
pub struct PartitionActor<L: EventLog> {
    log: Arc<L>,
    writer: L::Writer,
    accounts: HashMap<AccountId, AccountState>,
    empty: AccountState,
    clock: Arc<dyn Clock>,
    rng: ChaCha20Rng,
    max_batch: usize,
    expiry: expiry::Schedule,
    bulk: bulk::BulkWork,
    snapshots: Snapshotter,
    shared: Arc<Shared>,
    metrics: Option<PartitionMetrics>,
    guesses: Option<Arc<GuessLimiter>>,
    keys: Option<Arc<dyn KeyStore>>,
    halted: bool,
}

impl<L: EventLog> PartitionActor<L> {
    /// Claims `partition` of `log` (fencing any older writer), rebuilds the state of its
    /// accounts from the log, and runs the actor as a tokio task. Commands are taken only once
    /// the state is rebuilt. The actor stops when [`PartitionHandle::shutdown`] is called, when
    /// every handle is dropped, or for good when a newer writer fences it.
    pub async fn start(
        log: L,
        partition: u32,
        config: ActorConfig,
    ) -> Result<PartitionHandle, EngineError> {
        let writer = log.claim(partition).await?;
        let loaded = load::rebuild(
            &log,
            partition,
            config.snapshots.as_deref(),
            config.keys.as_deref(),
        )
        .await?;
        let rng = match config.seed {
            Some(seed) => ChaCha20Rng::seed_from_u64(seed),
            None => ChaCha20Rng::try_from_os_rng()
                .map_err(|error| EngineError::Random(error.to_string()))?,
        };
        let shared = Arc::new(Shared {
            partition,
            partitions: log.partitions(),
            epoch: writer.epoch(),
            fenced: AtomicBool::new(false),
            known_end: AtomicU64::new(loaded.end),
            counters: Counters::default(),
            views: views::Views::default(),
        });
        shared.counters.loaded(&loaded);
        shared.views.publish_all(&loaded.accounts);
        let mut snapshots = Snapshotter::new(
            config.snapshots,
            config.snapshot_every,
            partition,
            Arc::clone(&shared.counters.snapshots),
            config.background,
        );
        snapshots.loaded(loaded.covered, loaded.end, loaded.epoch, loaded.records);
        let accounts = loaded.accounts;
        let (sender, inbox) = mpsc::channel(config.queue.max(1));
        let expiry = expiry::Schedule::new(&accounts, config.expiry_tick);
        let bulk = bulk::BulkWork::new(&accounts, config.bulk_step);
        let actor = Self {
            log: Arc::new(log),
            writer,
            accounts,
            empty: AccountState::default(),
            clock: config.clock,
            rng,
            max_batch: config.max_batch.max(1),
            expiry,
            bulk,
            snapshots,
            shared: Arc::clone(&shared),
            metrics: config.metrics.map(|metrics| metrics.partition(partition)),
            guesses: config.guesses,
            keys: config.keys,
            halted: false,
        };
        tokio::spawn(actor.run(inbox));
        Ok(PartitionHandle::new(sender, shared))
    }
}

/// What the actor and its handles share.
struct Shared {
    partition: u32,
    partitions: u32,
    epoch: u64,
    fenced: AtomicBool,
    /// One past the last record the actor has read (at its rebuild) or appended.
    known_end: AtomicU64,
    counters: Counters,
    /// The accounts' states as of the last durable batch.
    views: views::Views,
}

impl Shared {
    /// The error for a request the actor will not (or did not) answer.
    fn gone(&self) -> EngineError {
        if self.fenced.load(Ordering::Acquire) {
            EngineError::Fenced {
                partition: self.partition,
                epoch: self.epoch,
            }
        } else {
            EngineError::Stopped {
                partition: self.partition,
            }
        }
    }
}

#[derive(Default)]
struct Counters {
    batches_appended: AtomicU64,
    events_appended: AtomicU64,
    commands_decided: AtomicU64,
    failed_appends: AtomicU64,
    rebuilds: AtomicU64,
    expiries_recorded: AtomicU64,
    expiry_checks: AtomicU64,
    bulk_steps: AtomicU64,
    records_replayed: AtomicU64,
    snapshot_loaded_at: AtomicU64,
    snapshots: Arc<SnapshotCounters>,
}

impl Counters {
    fn snapshot(&self) -> ActorStats {
        ActorStats {
            batches_appended: self.batches_appended.load(Ordering::Relaxed),
            events_appended: self.events_appended.load(Ordering::Relaxed),
            commands_decided: self.commands_decided.load(Ordering::Relaxed),
            failed_appends: self.failed_appends.load(Ordering::Relaxed),
            rebuilds: self.rebuilds.load(Ordering::Relaxed),
            expiries_recorded: self.expiries_recorded.load(Ordering::Relaxed),
            expiry_checks: self.expiry_checks.load(Ordering::Relaxed),
            bulk_steps: self.bulk_steps.load(Ordering::Relaxed),
            records_replayed: self.records_replayed.load(Ordering::Relaxed),
            snapshot_loaded_at: self.snapshot_loaded_at.load(Ordering::Relaxed),
            snapshots_written: self.snapshots.written.load(Ordering::Relaxed),
            snapshot_failures: self.snapshots.failed.load(Ordering::Relaxed),
        }
    }

    /// Counts a rebuild of the state from the log.
    fn loaded(&self, loaded: &load::Loaded) {
        bump(&self.records_replayed, loaded.records);
        self.snapshot_loaded_at
            .store(loaded.covered, Ordering::Relaxed);
    }
}

fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

type Reply = oneshot::Sender<Result<Decision, EngineError>>;

/// A command to decide, with where to send the answer.
struct Request {
    account_id: AccountId,
    command: Command,
    idempotency_key: Option<String>,
    correlation_id: Option<String>,
    /// Who presents the command's codes, when it presents any (a point-of-sale redemption).
    presenter: Option<Presenter>,
    reply: Reply,
    /// When the handle sent it, for the queue-wait metric.
    sent_at: Instant,
}

/// What a handle sends the actor.
enum Message {
    Execute(Box<Request>),
    State {
        account_id: AccountId,
        reply: oneshot::Sender<Option<AccountState>>,
    },
    Stop(oneshot::Sender<()>),
}
