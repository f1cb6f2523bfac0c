//! [`ProjectorGroup`]: one supervised [`Projector`] task per partition of a log (or per
//! partition this process is given, when projector services share them), each started and
//! stopped on its own or all together. A projector whose run fails is restarted from its stored
//! position ([`Supervision`], see `supervise`); the group reports which partitions are failing
//! meanwhile.

use crate::metrics::ProjectorMetrics;
use crate::projector::{Projector, ProjectorConfig};
use crate::store::ReadStore;
use crate::supervise::{supervise, RestartPolicy, RunFailure};
use eventlog::EventLog;
use std::collections::BTreeMap;
use std::sync::Mutex;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How a group keeps its projectors running.
#[derive(Clone, Debug, Default)]
pub struct Supervision {
    /// When a failed projector is started again.
    pub restart: RestartPolicy,
    /// Where failures are counted, if anywhere.
    pub metrics: Option<ProjectorMetrics>,
}

/// A running projector: what stops it, and its task.
type Running = (watch::Sender<bool>, JoinHandle<()>);

/// Starts the supervised projector of one partition, stopped when its receiver says so.
type Spawn = Box<dyn Fn(u32, watch::Receiver<bool>) -> JoinHandle<()> + Send + Sync>;

/// Projectors following partitions of a log into one read store: every partition, or the
/// ones this process is given when projector services share the partitions.
pub struct ProjectorGroup {
    store: ReadStore,
    spawn: Spawn,
    tasks: Mutex<BTreeMap<u32, Running>>,
}

impl ProjectorGroup {
    /// Starts a supervised projector task for each partition of `log` into `store`.
    pub fn start<L: EventLog + Clone>(
        log: &L,
        store: &ReadStore,
        config: ProjectorConfig,
        supervision: &Supervision,
    ) -> Self {
        let group = Self::idle(log, store, config, supervision);
        for partition in 0..log.partitions() {
            group.start_partition(partition);
        }
        group
    }

    /// A group of `log`'s projectors into `store` running none yet
    /// ([`ProjectorGroup::start_partition`] starts them).
    pub fn idle<L: EventLog + Clone>(
        log: &L,
        store: &ReadStore,
        config: ProjectorConfig,
        supervision: &Supervision,
    ) -> Self {
        let (log, store_for_tasks, supervision) = (log.clone(), store.clone(), supervision.clone());
        let spawn: Spawn = Box::new(move |partition, stopped| {
            let projector = Projector::new(log.clone(), store_for_tasks.clone(), partition, config);
            spawn_supervised(projector, supervision.clone(), stopped)
        });
        Self {
            store: store.clone(),
            spawn,
            tasks: Mutex::new(BTreeMap::new()),
        }
    }

    /// Starts projecting `partition` (nothing when it runs already).
    pub fn start_partition(&self, partition: u32) {
        let mut tasks = self.lock();
        if tasks.contains_key(&partition) {
            return;
        }
        let (stop, stopped) = watch::channel(false);
        tasks.insert(partition, (stop, (self.spawn)(partition, stopped)));
    }

    /// Stops projecting `partition` after its current batch, and waits for it.
    pub async fn stop_partition(&self, partition: u32) {
        let task = self.lock().remove(&partition);
        if let Some(task) = task {
            stop_task(partition, task).await;
        }
    }

    /// The partitions projected here, ascending.
    pub fn running(&self) -> Vec<u32> {
        self.lock().keys().copied().collect()
    }

    /// Whether every projector runs and none is failing (see [`ProjectorGroup::failing`]).
    pub fn healthy(&self) -> bool {
        self.lock().values().all(|(_, task)| !task.is_finished()) && self.failing().is_empty()
    }

    /// The partitions whose projector failed and has not caught up with the log since
    /// ([`ReadStore::failing_projectors`]).
    pub fn failing(&self) -> Vec<u32> {
        self.store.failing_projectors()
    }

    /// Stops every projector after its current batch (or its wait before a restart) and waits
    /// for them.
    pub async fn shutdown(self) {
        let tasks = std::mem::take(&mut *self.lock());
        for (partition, task) in tasks {
            stop_task(partition, task).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, Running>> {
        self.tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

async fn stop_task(partition: u32, (stop, task): Running) {
    let _receivers_gone = stop.send(true);
    if let Err(error) = task.await {
        tracing::warn!(partition, %error, "projector supervisor task failed");
    }
}

/// A task running `projector` under `supervision` until `shutdown`: each run is a fresh
/// projector of the same partition, which starts from the position stored with the rows.
fn spawn_supervised<L: EventLog + Clone>(
    projector: Projector<L>,
    supervision: Supervision,
    shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let Supervision { restart, metrics } = supervision;
        let partition = projector.partition();
        let follow = projector.store().follow(partition);
        supervise(
            partition,
            restart,
            shutdown,
            &follow,
            metrics.as_ref(),
            |shutdown| run(projector.clone(), shutdown),
        )
        .await;
    })
}

/// One run of `projector` in a task of its own (so that a panic is a failure the supervisor
/// sees), until `shutdown`.
async fn run<L: EventLog>(
    projector: Projector<L>,
    shutdown: watch::Receiver<bool>,
) -> Result<(), RunFailure> {
    match tokio::spawn(async move { projector.run(shutdown).await }).await {
        Ok(ran) => Ok(ran?),
        Err(error) if error.is_panic() => Err(RunFailure::Panicked),
        // Cancelled: the runtime is shutting down.
        Err(_) => Ok(()),
    }
}
