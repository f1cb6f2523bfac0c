//! [`Recent`]: the records this process appended last, per partition, kept in memory so that
//! followers in the same process (projectors, the callback dispatcher) read the tail they are
//! chasing without a query. Committed records never change, so the window is an exact copy of
//! what the file holds at those offsets; reads outside it go to the file.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use crate::{AppendRecord, LogRecord, RecordKind};

/// Most records kept per partition.
const MAX_RECORDS: usize = 4096;
/// Most payload bytes kept per partition.
const MAX_BYTES: usize = 4 << 20;

/// The recent window of every partition.
pub(super) struct Recent {
    partitions: Vec<Mutex<Window>>,
}

/// Contiguous records of one partition, oldest first.
#[derive(Default)]
struct Window {
    records: VecDeque<LogRecord>,
    bytes: usize,
}

impl Window {
    fn end(&self) -> Option<u64> {
        self.records.back().map(|record| record.offset + 1)
    }

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
    pub(super) fn new(partitions: u32) -> Self {
        Self {
            partitions: (0..partitions)
                .map(|_| Mutex::new(Window::default()))
                .collect(),
        }
    }

    fn window(&self, partition: u32) -> Option<std::sync::MutexGuard<'_, Window>> {
        let window = self.partitions.get(usize::try_from(partition).ok()?)?;
        Some(window.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Remembers `records`, just committed at offsets `first..` by a writer of `epoch`. A batch
    /// that does not follow the window (another writer appended in between) starts it anew.
    pub(super) fn remember(
        &self,
        partition: u32,
        first: u64,
        epoch: u64,
        records: &[AppendRecord],
    ) {
        let Some(mut window) = self.window(partition) else {
            return;
        };
        if window.end().is_some_and(|end| end != first) {
            window.clear();
        }
        for (offset, record) in (first..).zip(records) {
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

    /// Up to `max` records from offset `from` on when the window holds `from`; `None` when
    /// the file must be read.
    pub(super) fn read(&self, partition: u32, from: u64, max: usize) -> Option<Vec<LogRecord>> {
        let window = self.window(partition)?;
        let first = window.records.front()?.offset;
        let skip = usize::try_from(from.checked_sub(first)?).ok()?;
        if skip >= window.records.len() {
            return None;
        }
        Some(window.records.range(skip..).take(max).cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(count: usize, size: usize) -> Vec<AppendRecord> {
        (0..count)
            .map(|index| AppendRecord::new(format!("k{index}"), vec![b'x'; size]))
            .collect()
    }

    fn offsets(read: Option<Vec<LogRecord>>) -> Option<Vec<u64>> {
        read.map(|records| records.iter().map(|record| record.offset).collect())
    }

    #[test]
    fn serves_offsets_inside_the_window_only() {
        let recent = Recent::new(2);
        recent.remember(1, 10, 3, &records(3, 8));
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
    fn a_batch_after_a_gap_starts_the_window_anew() {
        let recent = Recent::new(1);
        recent.remember(0, 0, 1, &records(2, 8));
        recent.remember(0, 5, 2, &records(2, 8));
        assert_eq!(offsets(recent.read(0, 0, 10)), None);
        assert_eq!(offsets(recent.read(0, 5, 10)), Some(vec![5, 6]));
    }

    #[test]
    fn keeps_at_most_its_bound_of_records_and_bytes() {
        let recent = Recent::new(1);
        recent.remember(0, 0, 1, &records(MAX_RECORDS + 10, 1));
        assert_eq!(offsets(recent.read(0, 9, 1)), None);
        assert_eq!(offsets(recent.read(0, 10, 1)), Some(vec![10]));
        let big = MAX_BYTES / 4;
        recent.remember(0, MAX_RECORDS as u64 + 10, 1, &records(5, big));
        assert_eq!(offsets(recent.read(0, 0, usize::MAX)), None);
        let first_kept = MAX_RECORDS as u64 + 11;
        assert_eq!(
            recent
                .read(0, first_kept, usize::MAX)
                .map(|read| read.len()),
            Some(4)
        );
    }
}
