//! [`Followers`]: what this process knows of each partition's projection, shared by the
//! projectors and the readers waiting on them: the next offset its projector committed, whether
//! a projector runs here, whether it is failing (it failed and has not caught up since), and
//! the furthest offset a reader waits for, so that a pacing projector applies at once for it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{watch, Notify};

/// One partition's projection as this process sees it.
#[derive(Debug)]
pub(crate) struct Follow {
    /// The next offset to project, as last committed by this process.
    pub(crate) projected: watch::Sender<u64>,
    /// Whether a projector of this partition runs in this process.
    local: AtomicBool,
    /// Whether the projector of this process failed and has not caught up since.
    failing: AtomicBool,
    /// One past the furthest offset a reader has waited for (0: none).
    wanted_end: AtomicU64,
    /// Signalled when a reader starts waiting for the projection.
    demand: Notify,
}

impl Follow {
    pub(crate) fn new() -> Self {
        Self {
            projected: watch::Sender::new(0),
            local: AtomicBool::new(false),
            failing: AtomicBool::new(false),
            wanted_end: AtomicU64::new(0),
            demand: Notify::new(),
        }
    }

    /// Whether a projector of the partition runs in this process (its commits then wake
    /// waiters; without one, only the stored offset tells).
    pub(crate) fn is_local(&self) -> bool {
        self.local.load(Ordering::Acquire)
    }

    /// Marks whether a projector of the partition runs in this process.
    pub(crate) fn set_local(&self, local: bool) {
        self.local.store(local, Ordering::Release);
    }

    /// Marks the partition's projector failing (its supervisor saw it fail).
    pub(crate) fn set_failing(&self) {
        self.failing.store(true, Ordering::Release);
    }

    /// Marks the partition's projector caught up (it has read all the log held); answers
    /// whether it was failing until now.
    pub(crate) fn caught_up(&self) -> bool {
        self.failing.load(Ordering::Acquire) && self.failing.swap(false, Ordering::AcqRel)
    }

    /// Whether the partition's projector failed and has not caught up since.
    pub(crate) fn is_failing(&self) -> bool {
        self.failing.load(Ordering::Acquire)
    }

    /// Tells the projector a reader waits for the record at `offset`.
    pub(crate) fn want(&self, offset: u64) {
        self.wanted_end
            .fetch_max(offset.saturating_add(1), Ordering::AcqRel);
        self.demand.notify_waiters();
    }

    /// Waits `pace` before the projector reads from `next` again, unless a reader waits for
    /// a record at or after `next` (already, or once this waits).
    pub(crate) async fn pace(&self, next: u64, pace: std::time::Duration) {
        let wanted = self.demand.notified();
        tokio::pin!(wanted);
        wanted.as_mut().enable();
        if self.wanted_end.load(Ordering::Acquire) > next {
            return;
        }
        let _wanted_or_paced = tokio::time::timeout(pace, wanted).await;
    }
}

/// Every partition's [`Follow`], created on first use.
#[derive(Clone, Debug, Default)]
pub(crate) struct Followers(Arc<Mutex<HashMap<u32, Arc<Follow>>>>);

impl Followers {
    /// The follow of `partition`.
    pub(crate) fn of(&self, partition: u32) -> Arc<Follow> {
        let mut follows = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            follows
                .entry(partition)
                .or_insert_with(|| Arc::new(Follow::new())),
        )
    }

    /// Every follow created so far.
    pub(crate) fn all(&self) -> Vec<Arc<Follow>> {
        let follows = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        follows.values().cloned().collect()
    }

    /// The partitions whose projector is failing, in order.
    pub(crate) fn failing(&self) -> Vec<u32> {
        let follows = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut failing: Vec<u32> = follows
            .iter()
            .filter(|(_, follow)| follow.is_failing())
            .map(|(partition, _)| *partition)
            .collect();
        failing.sort_unstable();
        failing
    }
}
