//! [`ProjectorGroup`]: one [`Projector`] task per partition of a log, started together and
//! stopped together.

use crate::error::ProjectionError;
use crate::projector::{Projector, ProjectorConfig};
use crate::store::ReadStore;
use eventlog::EventLog;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Projectors following every partition of a log into one read store.
pub struct ProjectorGroup {
    stop: watch::Sender<bool>,
    tasks: Vec<(u32, JoinHandle<Result<(), ProjectionError>>)>,
}

impl ProjectorGroup {
    /// Starts a projector task for each partition of `log` into `store`.
    pub fn start<L: EventLog + Clone>(log: &L, store: &ReadStore, config: ProjectorConfig) -> Self {
        let (stop, stopped) = watch::channel(false);
        let tasks = (0..log.partitions())
            .map(|partition| {
                let projector = Projector::new(log.clone(), store.clone(), partition, config);
                let stopped = stopped.clone();
                let task = tokio::spawn(async move { projector.run(stopped).await });
                (partition, task)
            })
            .collect();
        Self { stop, tasks }
    }

    /// Whether every projector is still running (none has stopped on an error).
    pub fn running(&self) -> bool {
        self.tasks.iter().all(|(_, task)| !task.is_finished())
    }

    /// Stops every projector after its current batch and waits for them; a projector that had
    /// stopped on an error is logged.
    pub async fn shutdown(self) {
        let _receivers_gone = self.stop.send(true);
        for (partition, task) in self.tasks {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    tracing::warn!(partition, %error, "projector stopped with an error");
                }
                Err(error) => tracing::warn!(partition, %error, "projector task failed"),
            }
        }
    }
}
