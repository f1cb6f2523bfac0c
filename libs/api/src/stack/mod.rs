//! [`Stack`]: the wiring behind the API, written once for the service binaries and the tests:
//! an event log, a snapshot store, one partition actor per partition, the read store, one
//! projector per partition when this process projects, and the [`AppState`] over them.
//!
//! Backends are named by URLs ([`StackConfig`]): the embedded default is SQLite files (the
//! snapshots beside the log: `events.snapshots.db` next to `events.db`); production runs the
//! log on Kafka (with the `kafka` feature) and the read store and snapshots on Postgres.
//!
//! Background work (the projectors, the callback dispatcher, snapshot writes, and the
//! connections of the read store and the dispatcher's log) runs on
//! [`StackConfig::background`] when given: the service binaries pass a runtime whose threads
//! have a lower CPU priority, so that on a busy machine a point-of-sale request never waits
//! for a projection. Without one it shares the caller's runtime.
//!
//! At start the read store and the snapshot store must belong to the event log opened
//! (`pairing`, [`pair_stores`]): a store filled from another log is refused.
//!
//! With [`StackConfig::callbacks`] the stack also runs the conversion-callback dispatcher
//! over the same log, recording its deliveries in a log of its own beside the event log
//! ([`callbacks_log`]: `callbacks.db` next to a SQLite log, the topic `<topic>-callbacks` next
//! to a Kafka one, same partition count), and serves the API's delivery routes from it.

mod pairing;

pub use pairing::pair_stores;

use crate::auth::TokenSecret;
use crate::http::Metrics;
use crate::state::AppState;
use callbacks::{CallbackError, CallbackMetrics, Destinations, Dispatcher, DispatcherConfig};
use domain::ids::AccountId;
use engine::{
    ActorConfig, Clock, EngineError, EngineMetrics, GuessLimiter, GuessLimits, PartitionActor,
    PartitionHandle,
};
use eventlog::{
    open_snapshots, partition_of, AnyLog, DbUrl, EventLog, LogError, LogUrl, SnapshotStore,
};
use projections::{ProjectionError, ProjectorConfig, ProjectorGroup, ReadStore};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::runtime::Handle;

/// Why the stack could not start.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    /// The event log or the snapshot store could not be opened.
    #[error("event log: {0}")]
    Log(#[from] LogError),
    /// A partition actor could not start.
    #[error("partition actor: {0}")]
    Engine(#[from] EngineError),
    /// The read store could not be opened.
    #[error("read store: {0}")]
    Projection(#[from] ProjectionError),
    /// The metrics could not be registered.
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// The callback dispatcher could not start.
    #[error("callbacks: {0}")]
    Callbacks(#[from] CallbackError),
    /// A start-up step on the background runtime did not finish (it panicked, or the runtime
    /// shut down).
    #[error("background runtime: {0}")]
    Background(String),
    /// The read database or the snapshot store was filled from another event log.
    #[error(
        "the {store} was filled from another event log ({paired}) than this one ({log}): {remedy}"
    )]
    OtherLog {
        /// Which store.
        store: &'static str,
        /// The log it was filled from.
        paired: String,
        /// The log opened.
        log: String,
        /// What the operator can do.
        remedy: &'static str,
    },
}

/// Where the stack keeps its data, and what this process runs.
#[derive(Clone, Debug)]
pub struct StackConfig {
    /// The event log.
    pub event_log: LogUrl,
    /// The read models.
    pub read_store: DbUrl,
    /// Snapshots of partition state; `None`: beside a SQLite log, else none.
    pub snapshots: Option<DbUrl>,
    /// Event-log partitions (fixed once the log holds data).
    pub partitions: u32,
    /// Whether this process runs the projectors (the all-in-one server does; the command
    /// service leaves them to the projector service).
    pub projectors: bool,
    /// The callback dispatcher's settings when this process runs it.
    pub callbacks: Option<DispatcherConfig>,
    /// Where callback urls may point, checked by the API when one is set (the same policy
    /// as the dispatcher's: `PROMO_CALLBACK_ALLOW`); public addresses only by default.
    pub callback_destinations: Destinations,
    /// The runtime background work runs on (see the module docs); `None`: the caller's.
    pub background: Option<Handle>,
    /// The wrong-code allowances of the point of sale.
    pub guesses: GuessLimits,
    /// Where the actors and the API read the time; `None`: the system clock (tests drive a
    /// manual one).
    pub clock: Option<Arc<dyn Clock>>,
}

impl StackConfig {
    /// The embedded default: the log at `events`, the read models at `read`, snapshots beside
    /// the log, projectors in this process.
    pub fn embedded(events: &Path, read: &Path, partitions: u32) -> Self {
        Self {
            event_log: LogUrl::Sqlite(events.to_path_buf()),
            read_store: DbUrl::Sqlite(read.to_path_buf()),
            snapshots: None,
            partitions,
            projectors: true,
            callbacks: None,
            callback_destinations: Destinations::default(),
            background: None,
            guesses: GuessLimits::default(),
            clock: None,
        }
    }

    /// Where snapshots go: the configured store, else beside a SQLite log, else nowhere.
    pub fn snapshot_store(&self) -> Option<DbUrl> {
        match (&self.snapshots, &self.event_log) {
            (Some(url), _) => Some(url.clone()),
            (None, LogUrl::Sqlite(events)) => Some(DbUrl::Sqlite(snapshot_path(events))),
            (None, LogUrl::Kafka { .. }) => None,
        }
    }
}

/// What this process runs besides the actors, for [`Stack::start_on`].
pub struct Extras<L> {
    /// Whether to run the projectors.
    pub projectors: bool,
    /// The dispatcher's own log and settings, when it runs here.
    pub callbacks: Option<(L, DispatcherConfig)>,
    /// Where callback urls may point, for the API's checks.
    pub callback_destinations: Destinations,
    /// The runtime background work runs on; `None`: the caller's.
    pub background: Option<Handle>,
    /// The wrong-code allowances of the point of sale.
    pub guesses: GuessLimits,
    /// Where the actors and the API read the time; `None`: the system clock.
    pub clock: Option<Arc<dyn Clock>>,
}

/// The running stack. Stop it with [`Stack::shutdown`].
pub struct Stack {
    state: AppState,
    partitions: Vec<PartitionHandle>,
    store: ReadStore,
    projectors: Option<ProjectorGroup>,
    dispatcher: Option<Dispatcher>,
}

impl Stack {
    /// The embedded stack: the SQLite log at `events` with `partitions` partitions, the read
    /// store at `read`, projectors in this process, tokens signed with `secret`.
    pub async fn start(
        events: &Path,
        read: &Path,
        partitions: u32,
        secret: TokenSecret,
    ) -> Result<Self, StackError> {
        Self::open(&StackConfig::embedded(events, read, partitions), secret).await
    }

    /// Opens the backends `config` names, checks the read store and the snapshot store belong
    /// to the log ([`pair_stores`]), claims every partition with an actor (rebuilding its
    /// accounts from the newest snapshot and the log after it), starts the projectors when
    /// asked, and builds the [`AppState`] signing tokens with `secret`.
    pub async fn open(config: &StackConfig, secret: TokenSecret) -> Result<Self, StackError> {
        let partitions = config.partitions.max(1);
        let background = config.background.as_ref();
        let read_store = config.read_store.clone();
        let store = run_on(
            background,
            async move { ReadStore::open_url(&read_store).await },
        )
        .await??;
        let snapshots = match config.snapshot_store() {
            Some(url) => Some(open_snapshots(&url).await?),
            None => None,
        };
        let log = AnyLog::open(&config.event_log, partitions).await?;
        pair_stores(&log, &store, snapshots.as_deref()).await?;
        let callbacks = match &config.callbacks {
            Some(settings) => {
                let url = callbacks_log(&config.event_log);
                let own = run_on(
                    background,
                    async move { AnyLog::open(&url, partitions).await },
                )
                .await??;
                Some((own, settings.clone()))
            }
            None => None,
        };
        let extras = Extras {
            projectors: config.projectors,
            callbacks,
            callback_destinations: config.callback_destinations.clone(),
            background: config.background.clone(),
            guesses: config.guesses,
            clock: config.clock.clone(),
        };
        Self::start_on(log, snapshots, store, extras, secret).await
    }

    /// The stack over an opened log, snapshot store and read store.
    pub async fn start_on<L: EventLog + Clone>(
        log: L,
        snapshots: Option<Arc<dyn SnapshotStore>>,
        store: ReadStore,
        extras: Extras<L>,
        secret: TokenSecret,
    ) -> Result<Self, StackError> {
        let background = extras.background;
        let metrics = Metrics::new()?;
        let guesses = Arc::new(GuessLimiter::new(extras.guesses));
        let defaults = ActorConfig::default();
        let config = ActorConfig {
            clock: extras.clock.clone().unwrap_or(defaults.clock.clone()),
            snapshots,
            background: background.clone(),
            metrics: Some(EngineMetrics::register(metrics.registry())?),
            guesses: Some(Arc::clone(&guesses)),
            ..defaults
        };
        let mut handles = Vec::new();
        for partition in 0..log.partitions() {
            let handle = PartitionActor::start(log.clone(), partition, config.clone()).await?;
            handles.push(handle);
        }
        let projectors = extras.projectors.then(|| {
            let _on_background = background.as_ref().map(Handle::enter);
            ProjectorGroup::start(&log, &store, ProjectorConfig::default())
        });
        let mut state = AppState::new(handles.clone(), store.clone(), secret, metrics)
            .with_guesses(guesses)
            .with_clock(Arc::clone(&config.clock));
        state.callback_destinations = extras.callback_destinations;
        let dispatcher = match extras.callbacks {
            Some((own, config)) => {
                let metrics = CallbackMetrics::register(state.metrics().registry())?;
                let started = Dispatcher::start(log.clone(), own, config, metrics);
                let dispatcher = run_on(background.as_ref(), started).await??;
                state = state.with_deliveries(dispatcher.deliveries());
                Some(dispatcher)
            }
            None => None,
        };
        Ok(Self {
            state,
            partitions: handles,
            store,
            projectors,
            dispatcher,
        })
    }

    /// The state the API serves from.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Whether every partition actor still serves and every projector of this process runs.
    pub fn healthy(&self) -> bool {
        self.state.writers_serving() && self.projectors.as_ref().is_none_or(ProjectorGroup::running)
    }

    /// Whether the event log holds account `account` (asked of its partition's actor).
    pub async fn account_exists(&self, account: AccountId) -> Result<bool, EngineError> {
        let count = u32::try_from(self.partitions.len()).unwrap_or(u32::MAX);
        let index = usize::try_from(partition_of(account, count)).unwrap_or(usize::MAX);
        match self.partitions.get(index) {
            Some(handle) => Ok(handle.account_state(account).await?.is_some()),
            None => Ok(false),
        }
    }

    /// The next free account id: the smallest id from 1 up that the log holds no account
    /// for. Accounts are never deleted, so with ids allocated this way it is one past the
    /// highest.
    pub async fn next_free_account(&self) -> Result<AccountId, EngineError> {
        let mut id = 1;
        while self.account_exists(AccountId(id)).await? {
            id += 1;
        }
        Ok(AccountId(id))
    }

    /// Stops the actors once the commands already sent are answered (their last batch is
    /// durable), then the callback dispatcher (pending deliveries resume at the next start),
    /// then the projectors, then closes the read store.
    pub async fn shutdown(self) {
        for handle in &self.partitions {
            handle.shutdown().await;
        }
        if let Some(dispatcher) = self.dispatcher {
            dispatcher.shutdown().await;
        }
        if let Some(projectors) = self.projectors {
            projectors.shutdown().await;
        }
        self.store.close().await;
    }
}

/// Runs `future` on `background` when given (the tasks it spawns and the connections it
/// opens then live there), else on the caller's runtime.
async fn run_on<F>(background: Option<&Handle>, future: F) -> Result<F::Output, StackError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match background {
        Some(runtime) => runtime
            .spawn(future)
            .await
            .map_err(|error| StackError::Background(error.to_string())),
        None => Ok(future.await),
    }
}

/// The callback dispatcher's own log beside the event log `url`: `callbacks.db` in the same
/// folder as a SQLite log, the topic `<topic>-callbacks` on the same brokers as a Kafka one.
pub fn callbacks_log(url: &LogUrl) -> LogUrl {
    match url {
        LogUrl::Sqlite(events) => LogUrl::Sqlite(events.with_file_name("callbacks.db")),
        LogUrl::Kafka { brokers, topic } => LogUrl::Kafka {
            brokers: brokers.clone(),
            topic: format!("{topic}-callbacks"),
        },
    }
}

/// The snapshot file beside the event log: `events.db` -> `events.snapshots.db`.
fn snapshot_path(events: &Path) -> PathBuf {
    events.with_extension("snapshots.db")
}
