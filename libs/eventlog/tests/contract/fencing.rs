//! Claims and fencing: epochs rise, a stale writer writes nothing, the new one continues.

use eventlog::{EventLog, PartitionWriter};

use super::{append, batch, claim, is_fenced_of, payloads, read_all};

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
/// readable, and the second writer appends at the next offsets.
pub async fn stale_writer_is_fenced<L: EventLog>(log: &L) {
    let mut old = claim(log, 0).await;
    append(&mut old, &batch("9", "old", 2)).await;
    let mut new = claim(log, 0).await;
    assert!(new.epoch() > old.epoch());

    let error = old.append(&batch("9", "stale", 3)).await.unwrap_err();
    assert!(is_fenced_of(&error, &old), "{error}");
    assert_eq!(log.end_offset(0).await.unwrap(), 2);

    assert_eq!(append(&mut new, &batch("9", "new", 2)).await, 2..4);
    let error = old.append(&batch("9", "stale-again", 1)).await.unwrap_err();
    assert!(is_fenced_of(&error, &old), "{error}");

    let stored = read_all(log, 0).await;
    assert_eq!(payloads(&stored), ["old-0", "old-1", "new-0", "new-1"]);
    let epochs: Vec<u64> = stored.iter().map(|r| r.epoch).collect();
    assert_eq!(epochs, [old.epoch(), old.epoch(), new.epoch(), new.epoch()]);
}

/// A failing append writes nothing of its batch, however large the batch.
pub async fn failed_batch_writes_nothing<L: EventLog>(log: &L) {
    let mut old = claim(log, 1).await;
    append(&mut old, &batch("4", "kept", 1)).await;
    let mut new = claim(log, 1).await;
    for size in [1, 64, 700] {
        let error = old.append(&batch("4", "lost", size)).await.unwrap_err();
        assert!(is_fenced_of(&error, &old), "{error}");
        assert_eq!(log.end_offset(1).await.unwrap(), 1);
    }
    assert_eq!(payloads(&read_all(log, 1).await), ["kept-0"]);
    assert_eq!(append(&mut new, &batch("4", "next", 1)).await, 1..2);
}

/// Fencing one partition leaves the writers of the others alone.
pub async fn fencing_is_per_partition<L: EventLog>(log: &L) {
    let mut zero = claim(log, 0).await;
    let mut one = claim(log, 1).await;
    let _newer_zero = claim(log, 0).await;
    assert!(zero.append(&batch("1", "z", 1)).await.is_err());
    assert_eq!(append(&mut one, &batch("2", "o", 1)).await, 0..1);
}

/// A writer taking over a partition other writers have filled continues its offsets, and so
/// does the next one after it.
pub async fn takeover_continues_offsets<L: EventLog>(log: &L) {
    let mut first = claim(log, 0).await;
    append(&mut first, &batch("6", "a", 3)).await;
    let mut second = claim(log, 0).await;
    assert_eq!(append(&mut second, &batch("6", "b", 2)).await, 3..5);
    let mut third = claim(log, 0).await;
    assert_eq!(append(&mut third, &[]).await, 5..5);
    assert_eq!(append(&mut third, &batch("6", "c", 1)).await, 5..6);
    assert!(second.append(&batch("6", "x", 1)).await.is_err());
    assert_eq!(log.end_offset(0).await.unwrap(), 6);
}
