//! [`EpochFence`]: the rule every reader of the log applies so that a fenced writer's records
//! never count, whether or not the backend managed to keep them out.
//!
//! A writer's records carry its epoch, and a claim raises the epoch. Reading in log order, a
//! record counts only when its epoch is at least the newest epoch seen before it (in a claim
//! marker or in a record). A reader that resumes from a stored position resumes with the
//! epoch it had reached there, so the rule holds across restarts.

use crate::{LogRecord, RecordKind};

/// The newest writer epoch a reader has seen, and the test of each next record against it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EpochFence {
    newest: u64,
}

impl EpochFence {
    /// A fence that has already seen `newest` (0 for a reader starting at the beginning).
    pub fn new(newest: u64) -> Self {
        Self { newest }
    }

    /// The newest epoch seen so far: what a reader stores with its position.
    pub fn newest(&self) -> u64 {
        self.newest
    }

    /// Whether `record` (the next one in log order) is a current writer's record the reader
    /// should use. Claim markers are never used but raise the epoch; records of a writer older
    /// than the newest epoch seen are a fenced writer's and are skipped.
    pub fn admit(&mut self, record: &LogRecord) -> bool {
        if record.epoch < self.newest {
            return false;
        }
        self.newest = record.epoch;
        record.kind == RecordKind::Event
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(epoch: u64, kind: RecordKind) -> LogRecord {
        LogRecord {
            partition: 0,
            offset: 0,
            key: String::new(),
            payload: Vec::new(),
            epoch,
            kind,
        }
    }

    #[test]
    fn a_claim_fences_older_writers_from_then_on() {
        let mut fence = EpochFence::default();
        assert!(fence.admit(&record(1, RecordKind::Event)));
        assert!(!fence.admit(&record(2, RecordKind::Claim)));
        assert!(!fence.admit(&record(1, RecordKind::Event)));
        assert!(fence.admit(&record(2, RecordKind::Event)));
        assert_eq!(fence.newest(), 2);
    }

    #[test]
    fn a_resumed_fence_keeps_its_epoch() {
        let mut fence = EpochFence::new(5);
        assert!(!fence.admit(&record(4, RecordKind::Event)));
        assert!(fence.admit(&record(5, RecordKind::Event)));
        assert!(fence.admit(&record(7, RecordKind::Event)));
        assert!(!fence.admit(&record(6, RecordKind::Event)));
    }
}
