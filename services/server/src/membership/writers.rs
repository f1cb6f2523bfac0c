//! [`Writers`]: the command service's share. Serving a partition is running its actor (whose
//! claim fences any older writer at the broker); the [`PartitionTable`] the API routes by
//! says which partitions this instance's actors serve and where the others are served, and
//! [`Cluster`] counts the moves and says whether the instance is ready.

use super::Share;
use api::cluster::Cluster;
use cluster::Owner;
use engine::{ActorConfig, PartitionActor, PartitionHandle, PartitionTable, Serving};
use eventlog::EventLog;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use std::sync::Arc;

/// The partition actors of a command service that shares the partitions.
pub struct Writers<L> {
    log: L,
    actors: ActorConfig,
    table: Arc<PartitionTable>,
    cluster: Cluster,
}

impl<L: EventLog + Clone> Writers<L> {
    /// Actors on `log` started with `actors`, recorded in `table` and counted in `cluster`.
    pub fn new(log: L, actors: ActorConfig, table: Arc<PartitionTable>, cluster: Cluster) -> Self {
        Self {
            log,
            actors,
            table,
            cluster,
        }
    }
}

impl<L: EventLog + Clone> Share for Writers<L> {
    type Served = PartitionHandle;

    fn start(&self, partition: u32) -> BoxFuture<'static, Result<PartitionHandle, String>> {
        let (log, actors) = (self.log.clone(), self.actors.clone());
        async move {
            PartitionActor::start(log, partition, actors)
                .await
                .map_err(|error| error.to_string())
        }
        .boxed()
    }

    fn serving(&mut self, partition: u32, served: &PartitionHandle) {
        self.table.set(partition, Serving::Local(served.clone()));
        self.cluster.acquired(partition);
    }

    fn stop(&mut self, partition: u32, served: PartitionHandle) -> BoxFuture<'static, ()> {
        self.table.set(partition, Serving::Moving);
        self.cluster.released(partition);
        async move { served.shutdown().await }.boxed()
    }

    fn alive(&self, served: &PartitionHandle) -> bool {
        served.is_serving()
    }

    fn elsewhere(&mut self, partition: u32, owner: Option<&Owner>) {
        let serving = match owner {
            Some(owner) => Serving::Remote(Arc::from(owner.address.as_str())),
            None => Serving::Moving,
        };
        self.table.set(partition, serving);
    }

    fn ready(&mut self, ready: bool) {
        self.cluster.set_ready(ready);
    }
}
