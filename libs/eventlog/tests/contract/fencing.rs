//! Claims and fencing: epochs rise, a stale writer writes nothing a reader uses, the new one
//! continues.

use eventlog::{EventLog, PartitionWriter};

use super::{append, batch, claim, events, is_fenced_of, payloads};

/// Each claim has a higher epoch than the last, per partition.
pub async fn epochs_increase<L: EventLog>(log: &L) {
    let first = claim(log, 0).await;
    let second = claim(log, 0).await;
    let third = claim(log, 0).await;
    assert!(first.epoch() < second.epoch());
    assert!(second.epoch() < third.epoch());
    let other = claim(log, 1).await;
    assert_eq!(other.partition(), 1);
}

/// After a second claim the first writer's appends fail with `Fenced`, nothing it tried is
/// used by a reader, and the second writer appends after everything before.
pub async fn stale_writer_is_fenced<L: EventLog>(log: &L) {
    let mut old = claim(log, 0).await;
    let kept = append(&mut old, &batch("9", "old", 2)).await;
    let mut new = claim(log, 0).await;
    assert!(new.epoch() > old.epoch());

    let error = old.append(&batch("9", "stale", 3)).await.unwrap_err();
    assert!(is_fenced_of(&error, &old), "{error}");
    assert_eq!(events(log, 0).await.len(), 2);

    let next = append(&mut new, &batch("9", "new", 2)).await;
    assert!(next.start >= kept.end);
    let error = old.append(&batch("9", "stale-again", 1)).await.unwrap_err();
    assert!(is_fenced_of(&error, &old), "{error}");

    let stored = events(log, 0).await;
    assert_eq!(payloads(&stored), ["old-0", "old-1", "new-0", "new-1"]);
    let epochs: Vec<u64> = stored.iter().map(|r| r.epoch).collect();
    assert_eq!(epochs, [old.epoch(), old.epoch(), new.epoch(), new.epoch()]);
}

/// A failing append leaves nothing of its batch for readers, however large the batch.
pub async fn failed_batch_writes_nothing<L: EventLog>(log: &L) {
    let mut old = claim(log, 1).await;
    append(&mut old, &batch("4", "kept", 1)).await;
    let mut new = claim(log, 1).await;
    for size in [1, 64, 700] {
        let error = old.append(&batch("4", "lost", size)).await.unwrap_err();
        assert!(is_fenced_of(&error, &old), "{error}");
        assert_eq!(payloads(&events(log, 1).await), ["kept-0"]);
    }
    append(&mut new, &batch("4", "next", 1)).await;
    assert_eq!(payloads(&events(log, 1).await), ["kept-0", "next-0"]);
}

/// Fencing one partition leaves the writers of the others alone.
pub async fn fencing_is_per_partition<L: EventLog>(log: &L) {
    let mut zero = claim(log, 0).await;
    let mut one = claim(log, 1).await;
    let _newer_zero = claim(log, 0).await;
    assert!(zero.append(&batch("1", "z", 1)).await.is_err());
    assert!(!append(&mut one, &batch("2", "o", 1)).await.is_empty());
    assert_eq!(payloads(&events(log, 1).await), ["o-0"]);
}

/// A writer taking over a partition other writers have filled appends after them, and so
/// does the next one after it.
pub async fn takeover_continues_offsets<L: EventLog>(log: &L) {
    let mut first = claim(log, 0).await;
    let a = append(&mut first, &batch("6", "a", 3)).await;
    let mut second = claim(log, 0).await;
    let b = append(&mut second, &batch("6", "b", 2)).await;
    assert!(b.start >= a.end);
    let mut third = claim(log, 0).await;
    assert!(append(&mut third, &[]).await.is_empty());
    let c = append(&mut third, &batch("6", "c", 1)).await;
    assert!(c.start >= b.end);
    assert!(second.append(&batch("6", "x", 1)).await.is_err());
    assert!(log.end_offset(0).await.unwrap() >= c.end);
    assert_eq!(
        payloads(&events(log, 0).await),
        ["a-0", "a-1", "a-2", "b-0", "b-1", "c-0"]
    );
}
