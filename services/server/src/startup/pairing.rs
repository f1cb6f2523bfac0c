//! Pairing: a read database and a snapshot store belong to the event log they were filled
//! from. Each records the log's id ([`AnyLog::log_id`]) the first time it is opened beside a
//! log, and a start beside another log is refused: a read database of another log would serve
//! its accounts and keys (and be projected into from offsets that mean nothing here), and a
//! snapshot of another log would become the partitions' state.
//!
//! A store that names no log yet (new, from before pairing, or just rebuilt) is paired with
//! the log it is opened with.

use super::error::StackError;
use eventlog::{AnyLog, SnapshotStore};
use projections::ReadStore;

/// What to do about a read database of another log.
const READ_REMEDY: &str = "use this log's read database, or an empty one (it is projected \
                           again from the log; `projector rebuild` empties one)";
/// What to do about a snapshot store of another log.
const SNAPSHOTS_REMEDY: &str = "use this log's snapshot store, or remove it (snapshots only \
                                shorten a restart)";

/// Checks that `store` and `snapshots` were filled from `log`, pairing any that names no
/// log yet.
pub async fn pair_stores(
    log: &AnyLog,
    store: &ReadStore,
    snapshots: Option<&dyn SnapshotStore>,
) -> Result<(), StackError> {
    let log_id = log.log_id();
    check(
        "read database",
        store.pair(&log_id).await?,
        &log_id,
        READ_REMEDY,
    )?;
    if let Some(snapshots) = snapshots {
        let paired = snapshots.pair(&log_id).await?;
        check("snapshot store", paired, &log_id, SNAPSHOTS_REMEDY)?;
    }
    Ok(())
}

fn check(
    store: &'static str,
    paired: String,
    log: &str,
    remedy: &'static str,
) -> Result<(), StackError> {
    if paired == log {
        Ok(())
    } else {
        Err(StackError::OtherLog {
            store,
            paired,
            log: log.to_owned(),
            remedy,
        })
    }
}
