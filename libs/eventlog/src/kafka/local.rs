//! [`Local`]: what a [`super::KafkaLog`] knows of the partitions its own writers hold, so
//! that followers in the same process (projectors, the callback dispatcher, beside the
//! command service's actors) follow them without fetching from the broker:
//!
//! - while a writer of this process holds a partition (claimed, never failed, not dropped),
//!   its commits are the only records added to it (any other writer would first have to claim
//!   it, fencing this one), so the records it committed last ([`Recent`]) answer reads, the
//!   end it reached answers "is there more", and waiters wake on its commits at once;
//! - a failed append, a fence or the writer's end gives the partition back to the broker:
//!   an aborted transaction may have left records visible that only the broker shows;
//! - a writer fenced by another process does not know it until its next append, so waiters
//!   still ask the broker every [`OWNED_CHECK`]; the broker holding records past the local
//!   end gives the partition back too.

use crate::recent::Recent;
use crate::{AppendRecord, LogRecord};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// How often a waiter on a partition held here asks the broker whether another process wrote
/// to it.
pub(super) const OWNED_CHECK: Duration = Duration::from_secs(1);
/// How long such a check follows the broker for records past the local end (a reader taken
/// from the pool needs a fetch round or two to get going again).
pub(super) const OWNED_CHECK_WINDOW: Duration = Duration::from_millis(200);

/// The partitions this process's writers hold.
pub(super) struct Local {
    recent: Recent,
    partitions: Vec<Held>,
}

/// One partition as this process knows it.
struct Held {
    /// The epoch of the writer of this process holding it, if one does.
    holder: Mutex<Option<u64>>,
    /// One past the last record the holder committed; `u64::MAX` once released, which wakes
    /// every waiter to find the partition no longer held.
    end: watch::Sender<u64>,
}

impl Local {
    /// Nothing held yet, for `partitions` partitions.
    pub(super) fn new(partitions: u32) -> Self {
        Self {
            recent: Recent::new(partitions),
            partitions: (0..partitions)
                .map(|_| Held {
                    holder: Mutex::new(None),
                    end: watch::Sender::new(0),
                })
                .collect(),
        }
    }

    fn held(&self, partition: u32) -> Option<&Held> {
        self.partitions.get(usize::try_from(partition).ok()?)
    }

    /// A writer of `epoch` claimed `partition`; its claim marker ends before `end`.
    pub(super) fn claimed(&self, partition: u32, epoch: u64, end: u64) {
        let Some(held) = self.held(partition) else {
            return;
        };
        let mut holder = held.holder.lock().unwrap_or_else(PoisonError::into_inner);
        self.recent.forget(partition);
        *holder = Some(epoch);
        held.end.send_replace(end);
    }

    /// The writer of `epoch` committed `records` (offset and record, in increasing offset
    /// order), ending before `end`.
    pub(super) fn committed<'a>(
        &self,
        partition: u32,
        epoch: u64,
        records: impl IntoIterator<Item = (u64, &'a AppendRecord)>,
        end: u64,
    ) {
        let Some(held) = self.held(partition) else {
            return;
        };
        let holder = held.holder.lock().unwrap_or_else(PoisonError::into_inner);
        if *holder != Some(epoch) {
            return;
        }
        self.recent.remember(partition, epoch, records);
        held.end.send_if_modified(|known| {
            let newer = end > *known;
            *known = (*known).max(end);
            newer
        });
    }

    /// The writer of `epoch` no longer holds `partition` (it failed, was fenced or ended), or
    /// (with `None`) whoever held it: the broker knows what the partition holds from now on.
    pub(super) fn released(&self, partition: u32, epoch: Option<u64>) {
        let Some(held) = self.held(partition) else {
            return;
        };
        let mut holder = held.holder.lock().unwrap_or_else(PoisonError::into_inner);
        if holder.is_some() && (epoch.is_none() || *holder == epoch) {
            *holder = None;
            self.recent.forget(partition);
            held.end.send_replace(u64::MAX);
        }
    }

    /// The end a writer of this process reached on `partition`, when one holds it.
    pub(super) fn end(&self, partition: u32) -> Option<u64> {
        let held = self.held(partition)?;
        let holder = held.holder.lock().unwrap_or_else(PoisonError::into_inner);
        holder.map(|_| *held.end.borrow())
    }

    /// Records from `from` on as this process knows them: the recent window's, or none when
    /// `from` is at or past the end a writer of this process holds; `None` when only the
    /// broker knows.
    pub(super) fn read(&self, partition: u32, from: u64, max: usize) -> Option<Vec<LogRecord>> {
        if let Some(records) = self.recent.read(partition, from, max) {
            return Some(records);
        }
        let end = self.end(partition)?;
        (from >= end).then(Vec::new)
    }

    /// Waits until the end a writer of this process holds passes `offset`, or `timeout`
    /// passes; `None` when no writer of this process holds the partition (from the start, or
    /// once it lets it go).
    pub(super) async fn wait_past(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> Option<bool> {
        let held = self.held(partition)?;
        let mut end = held.end.subscribe();
        self.end(partition)?;
        // What `wait_for` answers holds the channel's lock: it is let go at once, before `end`
        // takes the holder's lock (`committed` takes the two in that order).
        let _passed: Result<bool, _> =
            tokio::time::timeout(timeout, end.wait_for(|end| *end > offset))
                .await
                .map(|passed| passed.is_ok());
        self.end(partition).map(|end| end > offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recent::tests::offsets;

    fn records(count: usize) -> Vec<AppendRecord> {
        (0..count)
            .map(|index| AppendRecord::new("1", vec![b'x'; index + 1]))
            .collect()
    }

    #[test]
    fn a_held_partition_is_read_here_up_to_its_end() {
        let local = Local::new(2);
        assert_eq!(offsets(local.read(0, 0, 10)), None);
        local.claimed(0, 7, 10);
        assert_eq!(offsets(local.read(0, 10, 10)), Some(vec![]));
        assert_eq!(offsets(local.read(0, 5, 10)), None);
        local.committed(0, 7, [20, 21].into_iter().zip(&records(2)), 22);
        assert_eq!(offsets(local.read(0, 20, 10)), Some(vec![20, 21]));
        assert_eq!(offsets(local.read(0, 22, 10)), Some(vec![]));
        assert_eq!(local.end(0), Some(22));
        assert_eq!(local.end(1), None);
    }

    #[test]
    fn a_release_or_an_older_writer_gives_the_partition_back_to_the_broker() {
        let local = Local::new(1);
        local.claimed(0, 7, 10);
        local.committed(0, 7, [20].into_iter().zip(&records(1)), 21);
        local.committed(0, 6, [30].into_iter().zip(&records(1)), 31);
        assert_eq!(local.end(0), Some(21));
        local.released(0, Some(6));
        assert_eq!(local.end(0), Some(21));
        local.released(0, Some(7));
        assert_eq!(local.end(0), None);
        assert_eq!(offsets(local.read(0, 20, 10)), None);
        assert_eq!(offsets(local.read(0, 21, 10)), None);
        local.committed(0, 7, [40].into_iter().zip(&records(1)), 41);
        assert_eq!(offsets(local.read(0, 40, 10)), None);
    }

    #[tokio::test]
    async fn waiters_wake_on_commits_and_stop_at_a_release() {
        let local = std::sync::Arc::new(Local::new(1));
        assert_eq!(local.wait_past(0, 0, Duration::ZERO).await, None);
        local.claimed(0, 7, 10);
        assert_eq!(local.wait_past(0, 10, Duration::ZERO).await, Some(false));
        let waiting = {
            let local = local.clone();
            tokio::spawn(async move { local.wait_past(0, 10, Duration::from_secs(10)).await })
        };
        tokio::task::yield_now().await;
        local.committed(0, 7, [10].into_iter().zip(&records(1)), 11);
        assert_eq!(waiting.await.ok().flatten(), Some(true));
        let waiting = {
            let local = local.clone();
            tokio::spawn(async move { local.wait_past(0, 20, Duration::from_secs(10)).await })
        };
        tokio::task::yield_now().await;
        let released = std::time::Instant::now();
        local.released(0, None);
        assert_eq!(waiting.await.ok().flatten(), None);
        assert!(released.elapsed() < Duration::from_secs(5));
        assert_eq!(local.wait_past(0, 20, Duration::ZERO).await, None);
    }

    /// A waiter woken by a commit while the next commit arrives: they once took the holder's
    /// lock and the end channel's in opposite orders and stopped each other for good.
    #[test]
    fn waiters_and_commits_at_once_never_block_each_other() {
        let local = std::sync::Arc::new(Local::new(1));
        local.claimed(0, 7, 1);
        let (done, finished) = std::sync::mpsc::channel();
        let committing = {
            let local = local.clone();
            std::thread::spawn(move || {
                let record = records(1);
                for end in 2..200_000 {
                    local.committed(0, 7, [end - 1].into_iter().zip(&record), end);
                }
            })
        };
        let waiting = {
            let local = local.clone();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .unwrap_or_else(|error| panic!("runtime: {error}"));
                for offset in 0..200_000 {
                    runtime.block_on(local.wait_past(0, offset / 2, Duration::ZERO));
                }
                let _sent = done.send(());
            })
        };
        let outcome = finished.recv_timeout(Duration::from_secs(60));
        assert!(outcome.is_ok(), "a waiter and a commit blocked each other");
        assert!(committing.join().is_ok() && waiting.join().is_ok());
    }
}
