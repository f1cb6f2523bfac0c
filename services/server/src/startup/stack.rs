//! [`Stack`]: the event log, the snapshot store, one partition actor per partition, the read
//! store, the projectors and the callback dispatcher when this process runs them, and the
//! [`AppState`] the API serves from over them; opened once from a [`StackConfig`], stopped
//! once with [`Stack::shutdown`].

use super::config::{callbacks_log, open_key_store, StackConfig};
use super::error::StackError;
use super::pairing::pair_stores;
use crate::membership::{ClusterSettings, Membership, Writers, COMMAND_SERVICE};
use api::cluster::Cluster;
use api::landing::LandingSettings;
use api::{AppState, Metrics, TokenSecret};
use callbacks::{CallbackMetrics, Destinations, Dispatcher, DispatcherConfig};
use clock::Clock;
use domain::ids::AccountId;
use engine::{
    ActorConfig, EngineError, EngineMetrics, GuessLimiter, GuessLimits, PartitionActor,
    PartitionHandle, PartitionTable,
};
use eventlog::{open_snapshots, partition_of, AnyLog, EventLog, SnapshotStore};
use privacy::KeyStore;
use projections::{
    ProjectorConfig, ProjectorGroup, ProjectorMetrics, ReadStore, RestartPolicy, Supervision,
};
use std::future::Future;
use std::sync::Arc;
use tokio::runtime::Handle;

/// What this process runs besides the actors, once the backends are open.
struct Extras<L> {
    /// When the projectors run here, how a failed one is restarted.
    projectors: Option<RestartPolicy>,
    /// The dispatcher's own log and settings, when it runs here.
    callbacks: Option<(L, DispatcherConfig)>,
    callback_destinations: Destinations,
    background: Option<Handle>,
    guesses: GuessLimits,
    clock: Arc<dyn Clock>,
    /// Where members' keys are.
    keys: Arc<dyn KeyStore>,
    landing: LandingSettings,
    bulk_step: u32,
    cluster: Option<ClusterSettings>,
}

/// The running stack. Stop it with [`Stack::shutdown`].
pub struct Stack {
    state: AppState,
    partitions: Arc<PartitionTable>,
    /// The membership loop, when instances share the partitions.
    ownership: Option<Membership>,
    store: ReadStore,
    projectors: Option<ProjectorGroup>,
    dispatcher: Option<Dispatcher>,
}

impl Stack {
    /// Opens the backends `config` names, checks the read store and the snapshot store belong
    /// to the log ([`pair_stores`]), claims every partition with an actor (rebuilding its
    /// accounts from the newest snapshot and the log after it), starts the projectors and the
    /// callback dispatcher when asked, and builds the [`AppState`] signing tokens with
    /// `secret`.
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
        let key_url = config.key_store();
        let keys = run_on(background, async move { open_key_store(&key_url).await }).await??;
        let store = store.with_keys(Arc::clone(&keys));
        let log = AnyLog::open(&config.event_log, partitions).await?;
        pair_stores(&log, &store, snapshots.as_deref()).await?;
        let callbacks = match &config.callbacks {
            Some(settings) => {
                let settings = DispatcherConfig {
                    keys: Some(Arc::clone(&keys)),
                    ..settings.clone()
                };
                let url = callbacks_log(&config.event_log);
                let own = run_on(
                    background,
                    async move { AnyLog::open(&url, partitions).await },
                )
                .await??;
                Some((own, settings))
            }
            None => None,
        };
        let extras = Extras {
            projectors: config.projectors.then_some(config.projector_restart),
            callbacks,
            callback_destinations: config.callback_destinations.clone(),
            background: config.background.clone(),
            guesses: config.guesses,
            clock: Arc::clone(&config.clock),
            keys,
            landing: config.landing.clone(),
            bulk_step: config.bulk_step,
            cluster: config.cluster.clone(),
        };
        Self::start_on(log, snapshots, store, extras, secret).await
    }

    /// The stack over an opened log, snapshot store and read store.
    async fn start_on<L: EventLog + Clone>(
        log: L,
        snapshots: Option<Arc<dyn SnapshotStore>>,
        store: ReadStore,
        extras: Extras<L>,
        secret: TokenSecret,
    ) -> Result<Self, StackError> {
        let background = extras.background;
        let metrics = Metrics::new()?;
        let supervision = match extras.projectors {
            Some(restart) => Some(Supervision {
                restart,
                metrics: Some(ProjectorMetrics::register(metrics.registry())?),
            }),
            None => None,
        };
        let guesses = Arc::new(GuessLimiter::new(extras.guesses));
        let config = ActorConfig {
            clock: Arc::clone(&extras.clock),
            snapshots,
            background: background.clone(),
            metrics: Some(EngineMetrics::register(metrics.registry())?),
            guesses: Some(Arc::clone(&guesses)),
            keys: Some(extras.keys),
            bulk_step: extras.bulk_step,
            ..ActorConfig::default()
        };
        let (partitions, ownership, cluster) = match &extras.cluster {
            None => {
                let mut handles = Vec::new();
                for partition in 0..log.partitions() {
                    let handle =
                        PartitionActor::start(log.clone(), partition, config.clone()).await?;
                    handles.push(handle);
                }
                (Arc::new(PartitionTable::local(handles)), None, None)
            }
            Some(settings) => {
                let table = Arc::new(PartitionTable::moving(log.partitions()));
                let cluster = Cluster::new(&settings.instance, metrics.registry())?;
                let writers = Writers::new(
                    log.clone(),
                    config.clone(),
                    Arc::clone(&table),
                    cluster.clone(),
                );
                let ownership =
                    Membership::start(COMMAND_SERVICE, settings, log.partitions(), writers).await?;
                (table, Some(ownership), Some(cluster))
            }
        };
        let projectors = supervision.map(|supervision| {
            let _on_background = background.as_ref().map(Handle::enter);
            ProjectorGroup::start(&log, &store, ProjectorConfig::default(), &supervision)
        });
        let mut state = AppState::new(Arc::clone(&partitions), store.clone(), secret, metrics)
            .with_guesses(guesses)
            .with_callback_destinations(extras.callback_destinations)
            .with_clock(extras.clock)
            .with_landing(extras.landing);
        if let Some(cluster) = cluster {
            state = state.with_cluster(cluster);
        }
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
            partitions,
            ownership,
            store,
            projectors,
            dispatcher,
        })
    }

    /// The state the API serves from.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Whether every partition actor still serves and every projector of this process runs
    /// without failing.
    pub fn healthy(&self) -> bool {
        self.state.writers_serving() && self.projectors.as_ref().is_none_or(ProjectorGroup::healthy)
    }

    /// Whether this process serves the partition of account `account`.
    pub fn serves(&self, account: AccountId) -> bool {
        self.actor_of(account).is_some()
    }

    /// The actor of `account`'s partition, when this process serves it.
    fn actor_of(&self, account: AccountId) -> Option<PartitionHandle> {
        let partition = partition_of(account, self.partitions.count());
        self.partitions.handle(partition)
    }

    /// Whether the event log holds account `account` (asked of its partition's actor; `false`
    /// when this process does not serve that partition, see [`Stack::serves`]).
    pub async fn account_exists(&self, account: AccountId) -> Result<bool, EngineError> {
        match self.actor_of(account) {
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

    /// When this instance shares the partitions: stops its writers once the commands already
    /// sent are answered and gives their leases up, so the other instances take them at their
    /// next round, while this one still answers (a 503 to retry elsewhere, for those
    /// partitions). Called first on a graceful stop; nothing otherwise.
    pub async fn leave(&mut self) {
        if let Some(ownership) = self.ownership.take() {
            ownership.stop().await;
        }
    }

    /// Stops the actors once the commands already sent are answered (their last batch is
    /// durable; when instances share the partitions, the leases are given up after), then the callback dispatcher (pending deliveries resume at the next start),
    /// then the projectors, then closes the read store.
    pub async fn shutdown(self) {
        match self.ownership {
            Some(ownership) => ownership.stop().await,
            None => {
                for handle in self.partitions.locals() {
                    handle.shutdown().await;
                }
            }
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
