//! [`Stack`]: the embedded wiring behind the API, written once for the server binary and the
//! tests: a SQLite event log, its snapshot file beside it (`events.snapshots.db` next to
//! `events.db`), one partition actor per partition, the SQLite read store, one projector per
//! partition, and the [`AppState`] over them.

use crate::auth::TokenSecret;
use crate::state::AppState;
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
}

/// The running embedded stack. Stop it with [`Stack::shutdown`].
pub struct Stack {
    state: AppState,
    partitions: Vec<PartitionHandle>,
    store: ReadStore,
    stop_projectors: watch::Sender<bool>,
    projectors: Vec<JoinHandle<Result<(), ProjectionError>>>,
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
        let state = AppState::new(handles.clone(), store.clone(), secret)?;
        Ok(Self {
            state,
            partitions: handles,
            store,
            stop_projectors,
            projectors,
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
    /// durable), then the projectors, then closes the read store.
    pub async fn shutdown(self) {
        for handle in &self.partitions {
            handle.shutdown().await;
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

/// The snapshot file beside the event log: `events.db` -> `events.snapshots.db`.
fn snapshot_path(events: &Path) -> std::path::PathBuf {
    events.with_extension("snapshots.db")
}
