//! [`Projectors`]: the projector service's share. Serving a partition is running its
//! supervised projector in the service's [`ProjectorGroup`]. Two projectors of one partition
//! never double a row even while a partition moves: each batch is applied under the
//! partition's write lock from the position stored with the rows.

use super::Share;
use cluster::Owner;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use projections::ProjectorGroup;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The projectors of a projector service that shares the partitions.
pub struct Projectors {
    group: Arc<ProjectorGroup>,
    ready: Arc<AtomicBool>,
}

impl Projectors {
    /// Projectors run in `group`; `ready` says whether the instance's leases are current.
    pub fn new(group: Arc<ProjectorGroup>, ready: Arc<AtomicBool>) -> Self {
        Self { group, ready }
    }
}

impl Share for Projectors {
    type Served = ();

    fn start(&self, partition: u32) -> BoxFuture<'static, Result<(), String>> {
        self.group.start_partition(partition);
        async { Ok(()) }.boxed()
    }

    fn serving(&mut self, _partition: u32, _served: &()) {}

    fn stop(&mut self, partition: u32, _served: ()) -> BoxFuture<'static, ()> {
        let group = Arc::clone(&self.group);
        async move { group.stop_partition(partition).await }.boxed()
    }

    fn alive(&self, _served: &()) -> bool {
        true
    }

    fn elsewhere(&mut self, _partition: u32, _owner: Option<&Owner>) {}

    fn ready(&mut self, ready: bool) {
        self.ready.store(ready, Ordering::Release);
    }
}
