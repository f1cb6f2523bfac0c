//! [`PartitionTable`]: who serves each partition of the log, as this process knows it: one
//! of its own actors, another instance (by the address it is reached at), or nobody yet
//! (the partition is moving between instances). The API looks a partition up on every
//! request (an `ArcSwap` load, no lock); whoever decides ownership (the start-up path for a
//! single instance, the cluster membership loop when instances share the partitions)
//! changes it.

use super::PartitionHandle;
use arc_swap::{ArcSwap, Guard};
use std::sync::Arc;

/// Who serves one partition.
#[derive(Clone, Debug)]
pub enum Serving {
    /// An actor of this process.
    Local(PartitionHandle),
    /// Another instance, reached at this address (e.g. `http://10.0.0.7:8080`).
    Remote(Arc<str>),
    /// Nobody this process knows of: the partition is moving, or its owner is gone and its
    /// lease has not expired yet.
    Moving,
}

/// Who serves each partition, by partition number.
pub struct PartitionTable {
    slots: Box<[ArcSwap<Serving>]>,
}

impl PartitionTable {
    /// Every partition served by this process's actors, `handles` in partition order.
    pub fn local(handles: Vec<PartitionHandle>) -> Self {
        Self {
            slots: handles
                .into_iter()
                .map(|handle| ArcSwap::from_pointee(Serving::Local(handle)))
                .collect(),
        }
    }

    /// `partitions` partitions, none of them served yet.
    pub fn moving(partitions: u32) -> Self {
        Self {
            slots: (0..partitions)
                .map(|_| ArcSwap::from_pointee(Serving::Moving))
                .collect(),
        }
    }

    /// How many partitions the log has.
    pub fn count(&self) -> u32 {
        u32::try_from(self.slots.len()).unwrap_or(u32::MAX)
    }

    /// Who serves `partition` now (`Moving` for a partition the log does not have). The
    /// guard is for reading at once, not for keeping.
    pub fn get(&self, partition: u32) -> Guard<Arc<Serving>> {
        match usize::try_from(partition)
            .ok()
            .and_then(|index| self.slots.get(index))
        {
            Some(slot) => slot.load(),
            None => Guard::from_inner(Arc::new(Serving::Moving)),
        }
    }

    /// The actor of `partition` when this process serves it.
    pub fn handle(&self, partition: u32) -> Option<PartitionHandle> {
        local(&self.get(partition)).cloned()
    }

    /// Records who serves `partition` from now on (ignored for a partition the log does not
    /// have).
    pub fn set(&self, partition: u32, serving: Serving) {
        if let Some(slot) = usize::try_from(partition)
            .ok()
            .and_then(|index| self.slots.get(index))
        {
            slot.store(Arc::new(serving));
        }
    }

    /// The actors this process serves partitions with, in partition order.
    pub fn locals(&self) -> impl Iterator<Item = PartitionHandle> + '_ {
        self.slots
            .iter()
            .filter_map(|slot| local(&slot.load()).cloned())
    }

    /// The partitions this process serves, ascending.
    pub fn owned(&self) -> Vec<u32> {
        (0..self.count())
            .filter(|partition| local(&self.get(*partition)).is_some())
            .collect()
    }
}

/// The actor in `serving`, when it is this process's.
fn local(serving: &Serving) -> Option<&PartitionHandle> {
    match serving {
        Serving::Local(handle) => Some(handle),
        Serving::Remote(_) | Serving::Moving => None,
    }
}

impl std::fmt::Debug for PartitionTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartitionTable")
            .field("partitions", &self.count())
            .field("owned", &self.owned())
            .finish()
    }
}
