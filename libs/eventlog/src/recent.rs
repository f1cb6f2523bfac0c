//! [`Recent`]: the records this process's writers committed last, per partition, kept in
//! memory so that followers in the same process (projectors, the callback dispatcher) read
//! the tail they are chasing without asking the backend.
//!
//! A window holds every record of its partition from its first record to its last, in offset
//! order (offsets may leave gaps, as Kafka's do; no record stored in the backend lies between
//! two of the window's). Its writer keeps that true: it remembers each committed batch, and
//! forgets the partition whenever records it did not see may lie after the window (a claim,
//! a failed append). Committed records never change, so a read inside the window answers
//! exactly what the backend would.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::{AppendRecord, LogRecord, RecordKind};

/// Most records kept per partition: about two seconds of a saturated partition, so that
/// followers a batch or two behind (a projector into Postgres at full load) still read from
/// memory; a read from the broker or the file is far dearer.
const MAX_RECORDS: usize = 32_768;
/// Most payload bytes kept per partition.
const MAX_BYTES: usize = 16 << 20;

/// The recent window of every partition.
pub(crate) struct Recent {
    partitions: Vec<Mutex<Window>>,
}

/// Records of one partition, oldest first.
#[derive(Default)]
struct Window {
    records: VecDeque<LogRecord>,
    bytes: usize,
}

impl Window {
    fn clear(&mut self) {
        self.records.clear();
        self.bytes = 0;
    }

    fn trim(&mut self) {
        while self.records.len() > MAX_RECORDS || self.bytes > MAX_BYTES {
            match self.records.pop_front() {
                Some(old) => self.bytes -= old.payload.len(),
                None => break,
            }
        }
    }
}

impl Recent {
    /// Empty windows for `partitions` partitions.
    pub(crate) fn new(partitions: u32) -> Self {
        Self {
            partitions: (0..partitions)
                .map(|_| Mutex::new(Window::default()))
                .collect(),
        }
    }

    fn window(&self, partition: u32) -> Option<MutexGuard<'_, Window>> {
        let window = self.partitions.get(usize::try_from(partition).ok()?)?;
        Some(window.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Remembers `records` (offset and record, in increasing offset order, after every record
    /// the window holds), just committed by a writer of `epoch`.
    pub(crate) fn remember<'a>(
        &self,
        partition: u32,
        epoch: u64,
        records: impl IntoIterator<Item = (u64, &'a AppendRecord)>,
    ) {
        let Some(mut window) = self.window(partition) else {
            return;
        };
        for (offset, record) in records {
            if window
                .records
                .back()
                .is_some_and(|last| last.offset >= offset)
            {
                window.clear();
            }
            window.bytes += record.payload.len();
            window.records.push_back(LogRecord {
                partition,
                offset,
                key: record.key.clone(),
                payload: record.payload.clone(),
                epoch,
                kind: RecordKind::Event,
            });
        }
        window.trim();
    }

    /// Forgets `partition`'s window: records its writer did not commit may follow it.
    pub(crate) fn forget(&self, partition: u32) {
        if let Some(mut window) = self.window(partition) {
            window.clear();
        }
    }

    /// Up to `max` records from offset `from` on, when the window holds `from` (between its
    /// first record and its last); `None` when the backend must be read.
    pub(crate) fn read(&self, partition: u32, from: u64, max: usize) -> Option<Vec<LogRecord>> {
        let window = self.window(partition)?;
        let first = window.records.front()?.offset;
        let last = window.records.back()?.offset;
        if from < first || from > last {
            return None;
        }
        let start = window
            .records
            .partition_point(|record| record.offset < from);
        Some(window.records.range(start..).take(max).cloned().collect())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The offsets of what a read answered, `None` when it did not answer.
    pub(crate) fn offsets(read: Option<Vec<LogRecord>>) -> Option<Vec<u64>> {
        read.map(|records| records.iter().map(|record| record.offset).collect())
    }

    fn records(count: usize, size: usize) -> Vec<AppendRecord> {
        (0..count)
            .map(|index| AppendRecord::new(format!("k{index}"), vec![b'x'; size]))
            .collect()
    }

    #[test]
    fn serves_offsets_inside_the_window_only() {
        let recent = Recent::new(2);
        recent.remember(1, 3, (10..).zip(&records(3, 8)));
        assert_eq!(offsets(recent.read(1, 11, 10)), Some(vec![11, 12]));
        assert_eq!(offsets(recent.read(1, 10, 2)), Some(vec![10, 11]));
        assert_eq!(offsets(recent.read(1, 9, 10)), None);
        assert_eq!(offsets(recent.read(1, 13, 10)), None);
        assert_eq!(offsets(recent.read(0, 10, 10)), None);
        assert_eq!(offsets(recent.read(7, 10, 10)), None);
        let read = recent.read(1, 12, 1).unwrap_or_default();
        assert_eq!((read[0].epoch, read[0].key.as_str()), (3, "k2"));
    }

    #[test]
    fn offsets_with_gaps_are_found_from_any_offset_inside() {
        let recent = Recent::new(1);
        recent.remember(0, 1, [100, 101].into_iter().zip(&records(2, 8)));
        recent.remember(0, 1, [200, 201].into_iter().zip(&records(2, 8)));
        assert_eq!(offsets(recent.read(0, 150, 10)), Some(vec![200, 201]));
        assert_eq!(offsets(recent.read(0, 101, 2)), Some(vec![101, 200]));
        assert_eq!(offsets(recent.read(0, 202, 2)), None);
    }

    #[test]
    fn a_forgotten_or_out_of_order_window_starts_anew() {
        let recent = Recent::new(1);
        recent.remember(0, 1, (0..).zip(&records(2, 8)));
        recent.forget(0);
        assert_eq!(offsets(recent.read(0, 0, 10)), None);
        recent.remember(0, 2, (5..).zip(&records(2, 8)));
        recent.remember(0, 2, [3].into_iter().zip(&records(1, 8)));
        assert_eq!(offsets(recent.read(0, 5, 10)), None);
        assert_eq!(offsets(recent.read(0, 3, 10)), Some(vec![3]));
    }

    #[test]
    fn keeps_at_most_its_bound_of_records_and_bytes() {
        let recent = Recent::new(1);
        recent.remember(0, 1, (0..).zip(&records(MAX_RECORDS + 10, 1)));
        assert_eq!(offsets(recent.read(0, 9, 1)), None);
        assert_eq!(offsets(recent.read(0, 10, 1)), Some(vec![10]));
        let big = MAX_BYTES / 4;
        let next = MAX_RECORDS as u64 + 10;
        recent.remember(0, 1, (next..).zip(&records(5, big)));
        assert_eq!(offsets(recent.read(0, 0, usize::MAX)), None);
        assert_eq!(
            recent.read(0, next + 1, usize::MAX).map(|read| read.len()),
            Some(4)
        );
    }
}
