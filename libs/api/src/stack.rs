//! [`Stack`]: the embedded wiring behind the API, written once for the server binary and the
//! tests: a SQLite event log, its snapshot file beside it (`events.snapshots.db` next to
//! `events.db`), one partition actor per partition, the SQLite read store, one projector per
//! partition, and the [`AppState`] over them; with [`Stack::start_with_callbacks`], also the
//! conversion-callback dispatcher over the same log, recording its deliveries in a second
//! SQLite log beside it (`callbacks.db`, same partition count).

use crate::auth::TokenSecret;
use crate::state::AppState;
use callbacks::{CallbackError, CallbackMetrics, Dispatcher, DispatcherConfig};
use domain::ids::AccountId;
use engine::{partition_of, ActorConfig, EngineError, PartitionActor, PartitionHandle};
use eventlog::{LogError, SnapshotStore, SqliteLog, SqliteSnapshots};
use projections::{ProjectionError, Projector, ProjectorConfig, ReadStore};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Why the stack could not start.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    /// The event log could not be opened.
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
}

/// The running embedded stack. Stop it with [`Stack::shutdown`].
pub struct Stack {
    state: AppState,
    partitions: Vec<PartitionHandle>,
    store: ReadStore,
    stop_projectors: watch::Sender<bool>,
    projectors: Vec<JoinHandle<Result<(), ProjectionError>>>,
    dispatcher: Option<Dispatcher>,
}

impl Stack {
    /// Opens (or creates) the event log at `events` with `partitions` partitions and the read
    /// store at `read`, claims every partition with an actor (rebuilding its accounts), starts
    /// a projector per partition, and builds the [`AppState`] signing tokens with `secret`.
    pub async fn start(
        events: &Path,
        read: &Path,
        partitions: u32,
        secret: TokenSecret,
    ) -> Result<Self, StackError> {
        Self::start_with_callbacks(events, read, partitions, secret, None).await
    }

    /// [`Stack::start`], plus the callback dispatcher with `callbacks` when given: it follows
    /// the log, keeps its own in `callbacks.db` beside `events`, registers its metrics with the
    /// API's, and serves the API's delivery routes.
    pub async fn start_with_callbacks(
        events: &Path,
        read: &Path,
        partitions: u32,
        secret: TokenSecret,
        callbacks: Option<DispatcherConfig>,
    ) -> Result<Self, StackError> {
        let partitions = partitions.max(1);
        let log = SqliteLog::open(events, partitions).await?;
        let snapshots: Arc<dyn SnapshotStore> =
            Arc::new(SqliteSnapshots::open(snapshot_path(events)).await?);
        let store = ReadStore::open(read).await?;
        let config = ActorConfig {
            snapshots: Some(snapshots),
            ..ActorConfig::default()
        };
        let mut handles = Vec::new();
        for partition in 0..partitions {
            let handle = PartitionActor::start(log.clone(), partition, config.clone()).await?;
            handles.push(handle);
        }
        let (stop_projectors, stopped) = watch::channel(false);
        let mut projectors = Vec::new();
        for partition in 0..partitions {
            let projector = Projector::new(
                log.clone(),
                store.clone(),
                partition,
                ProjectorConfig::default(),
            );
            let stopped = stopped.clone();
            projectors.push(tokio::spawn(async move { projector.run(stopped).await }));
        }
        let mut state = AppState::new(handles.clone(), store.clone(), secret)?;
        let dispatcher = match callbacks {
            Some(config) => {
                let own = SqliteLog::open(callbacks_path(events), partitions).await?;
                let metrics = CallbackMetrics::register(state.metrics().registry())?;
                let dispatcher = Dispatcher::start(log.clone(), own, config, metrics).await?;
                state = state.with_deliveries(dispatcher.deliveries());
                Some(dispatcher)
            }
            None => None,
        };
        Ok(Self {
            state,
            partitions: handles,
            store,
            stop_projectors,
            projectors,
            dispatcher,
        })
    }

    /// The state the API serves from.
    pub fn state(&self) -> &AppState {
        &self.state
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
        let _sent = self.stop_projectors.send(true);
        for projector in self.projectors {
            match projector.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "projector stopped with an error"),
                Err(error) => tracing::warn!(%error, "projector task failed"),
            }
        }
        self.store.close().await;
    }
}

/// The callback dispatcher's log beside the event log: `events.db` -> `callbacks.db`.
pub fn callbacks_path(events: &Path) -> std::path::PathBuf {
    events.with_file_name("callbacks.db")
}

/// The snapshot file beside the event log: `events.db` -> `events.snapshots.db`.
fn snapshot_path(events: &Path) -> std::path::PathBuf {
    events.with_extension("snapshots.db")
}
