//! Appending and reading: offsets, ordering, bounds, exact bytes, empty and large batches.

use eventlog::{AppendRecord, EventLog, LogError, PartitionWriter};

use super::{append, batch, claim, payloads, read_all};

/// Offsets start at 0 and are contiguous across batches of one partition.
pub async fn offsets_start_at_zero_and_are_contiguous<L: EventLog>(log: &L) {
    assert_eq!(log.end_offset(0).await.unwrap(), 0);
    let mut writer = claim(log, 0).await;
    assert_eq!(writer.partition(), 0);
    assert_eq!(append(&mut writer, &batch("7", "a", 1)).await, 0..1);
    assert_eq!(append(&mut writer, &batch("7", "b", 3)).await, 1..4);
    assert_eq!(append(&mut writer, &batch("8", "c", 2)).await, 4..6);
    assert_eq!(log.end_offset(0).await.unwrap(), 6);
    let offsets: Vec<u64> = read_all(log, 0).await.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, [0, 1, 2, 3, 4, 5]);
}

/// Each partition has its own offsets; writing one leaves the others untouched.
pub async fn partitions_are_independent<L: EventLog>(log: &L) {
    assert!(log.partitions() >= 2);
    let mut first = claim(log, 0).await;
    let mut second = claim(log, 1).await;
    assert_eq!(append(&mut first, &batch("1", "p0", 3)).await, 0..3);
    assert_eq!(append(&mut second, &batch("2", "p1", 2)).await, 0..2);
    assert_eq!(append(&mut first, &batch("1", "p0-more", 1)).await, 3..4);
    assert_eq!(log.end_offset(0).await.unwrap(), 4);
    assert_eq!(log.end_offset(1).await.unwrap(), 2);
    let second_records = read_all(log, 1).await;
    assert_eq!(payloads(&second_records), ["p1-0", "p1-1"]);
    assert!(second_records
        .iter()
        .all(|r| r.partition == 1 && r.key == "2"));
    for partition in 2..log.partitions() {
        assert_eq!(log.end_offset(partition).await.unwrap(), 0);
        assert!(read_all(log, partition).await.is_empty());
    }
}

/// `read` gives records in offset order from `from`, at most `max`, and nothing past the end.
pub async fn read_respects_from_and_max<L: EventLog>(log: &L) {
    let mut writer = claim(log, 1).await;
    append(&mut writer, &batch("5", "r", 4)).await;
    append(&mut writer, &batch("5", "s", 6)).await;
    let slice = log.read(1, 3, 4).await.unwrap();
    assert_eq!(
        slice.iter().map(|r| r.offset).collect::<Vec<_>>(),
        [3, 4, 5, 6]
    );
    assert_eq!(payloads(&slice), ["r-3", "s-0", "s-1", "s-2"]);
    assert!(slice
        .iter()
        .all(|r| r.partition == 1 && r.epoch == writer.epoch()));
    assert_eq!(log.read(1, 0, 100).await.unwrap().len(), 10);
    assert_eq!(payloads(&log.read(1, 9, 100).await.unwrap()), ["s-5"]);
    assert!(log.read(1, 10, 100).await.unwrap().is_empty());
    assert!(log.read(1, 1_000, 100).await.unwrap().is_empty());
    assert!(log.read(1, u64::MAX, 100).await.unwrap().is_empty());
    assert!(log.read(1, 0, 0).await.unwrap().is_empty());
}

/// Keys and payload bytes come back exactly: non-UTF-8, zero bytes, empty, large, Unicode.
pub async fn keys_and_payloads_round_trip<L: EventLog>(log: &L) {
    let large: Vec<u8> = (0..1_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let records = vec![
        AppendRecord::new("42", vec![0xff, 0x00, 0xfe, 0x80, 0xc3, 0x28, 0x00]),
        AppendRecord::new("", Vec::new()),
        AppendRecord::new("compte-é-☃-🎟", b"{\"type\":\"x\"}".to_vec()),
        AppendRecord::new("k\0ey with nul", vec![0u8; 17]),
        AppendRecord::new("big", large),
    ];
    let mut writer = claim(log, 0).await;
    assert_eq!(append(&mut writer, &records).await, 0..5);
    let stored = read_all(log, 0).await;
    assert_eq!(stored.len(), records.len());
    for (offset, (stored, sent)) in stored.iter().zip(&records).enumerate() {
        assert_eq!(stored.offset, offset as u64);
        assert_eq!(stored.key, sent.key);
        assert_eq!(stored.payload, sent.payload, "payload at offset {offset}");
        assert_eq!(stored.epoch, writer.epoch());
    }
}

/// An empty batch gets an empty range at the end and writes nothing.
pub async fn empty_batch_writes_nothing<L: EventLog>(log: &L) {
    let mut writer = claim(log, 0).await;
    let empty = append(&mut writer, &[]).await;
    assert!(empty.is_empty());
    assert_eq!(empty.start, 0);
    append(&mut writer, &batch("1", "x", 2)).await;
    assert_eq!(append(&mut writer, &[]).await, 2..2);
    assert_eq!(log.end_offset(0).await.unwrap(), 2);
    assert_eq!(append(&mut writer, &batch("1", "y", 1)).await, 2..3);
}

/// A batch larger than any backend's single statement or request is still one contiguous,
/// atomic append.
pub async fn large_batch_is_contiguous<L: EventLog>(log: &L) {
    let mut writer = claim(log, 1).await;
    append(&mut writer, &batch("3", "head", 1)).await;
    assert_eq!(
        append(&mut writer, &batch("3", "big", 1_000)).await,
        1..1_001
    );
    assert_eq!(
        append(&mut writer, &batch("3", "tail", 1)).await,
        1_001..1_002
    );
    let stored = read_all(log, 1).await;
    assert_eq!(stored.len(), 1_002);
    assert!(stored.iter().enumerate().all(|(i, r)| r.offset == i as u64));
    assert_eq!(
        payloads(&stored[999..1_002]),
        ["big-998", "big-999", "tail-0"]
    );
}

/// Operations on a partition the log does not have are refused.
pub async fn unknown_partition_is_refused<L: EventLog>(log: &L) {
    let partitions = log.partitions();
    let refused = |error: LogError| {
        matches!(error, LogError::NoSuchPartition { partition, partitions: count }
            if partition == partitions && count == partitions)
    };
    assert!(log.claim(partitions).await.is_err_and(refused));
    assert!(log.read(partitions, 0, 10).await.is_err_and(refused));
    assert!(log.end_offset(partitions).await.is_err_and(refused));
    let waited = log
        .wait_for(partitions, 0, std::time::Duration::from_millis(1))
        .await;
    assert!(waited.is_err_and(refused));
    assert!(matches!(
        log.read(u32::MAX, 0, 1).await,
        Err(LogError::NoSuchPartition { .. })
    ));
}
