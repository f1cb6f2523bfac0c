//! [`ProjectorGroup`]: one supervised [`Projector`] task per partition of a log, started
//! together and stopped together. A projector whose run fails is restarted from its stored
//! position ([`Supervision`], see `supervise`); the group reports which partitions are failing
//! meanwhile.

use crate::metrics::ProjectorMetrics;
use crate::projector::{Projector, ProjectorConfig};
use crate::store::ReadStore;
use crate::supervise::{supervise, RestartPolicy, RunFailure};
use eventlog::EventLog;
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

/// Projectors following every partition of a log into one read store.
pub struct ProjectorGroup {
    stop: watch::Sender<bool>,
    store: ReadStore,
    tasks: Vec<(u32, JoinHandle<()>)>,
}

impl ProjectorGroup {
    /// Starts a supervised projector task for each partition of `log` into `store`.
    pub fn start<L: EventLog + Clone>(
        log: &L,
        store: &ReadStore,
        config: ProjectorConfig,
        supervision: &Supervision,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let tasks = (0..log.partitions())
            .map(|partition| {
                let projector = Projector::new(log.clone(), store.clone(), partition, config);
                let task = spawn_supervised(projector, supervision.clone(), stopped.clone());
                (partition, task)
            })
            .collect();
        Self {
            stop,
            store: store.clone(),
            tasks,
        }
    }

    /// Whether every projector runs and none is failing (see [`ProjectorGroup::failing`]).
    pub fn healthy(&self) -> bool {
        self.tasks.iter().all(|(_, task)| !task.is_finished()) && self.failing().is_empty()
    }

    /// The partitions whose projector failed and has not caught up with the log since
    /// ([`ReadStore::failing_projectors`]).
    pub fn failing(&self) -> Vec<u32> {
        self.store.failing_projectors()
    }

    /// Stops every projector after its current batch (or its wait before a restart) and waits
    /// for them.
    pub async fn shutdown(self) {
        let _receivers_gone = self.stop.send(true);
        for (partition, task) in self.tasks {
            if let Err(error) = task.await {
                tracing::warn!(partition, %error, "projector supervisor task failed");
            }
        }
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
