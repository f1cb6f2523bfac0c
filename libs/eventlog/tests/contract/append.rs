//! Appending and reading: offsets, ordering, bounds, exact bytes, empty and large batches.

use eventlog::{AppendRecord, EventLog, LogError, PartitionWriter};

use super::{append, batch, claim, events, payloads, read_from};

/// Offsets increase across batches of one partition; each batch's records lie within the
/// bounds its append returned, and the end offset is past them all.
pub async fn offsets_increase_within_append_bounds<L: EventLog>(log: &L) {
    let mut writer = claim(log, 0).await;
    assert_eq!(writer.partition(), 0);
    let first = append(&mut writer, &batch("7", "a", 1)).await;
    let second = append(&mut writer, &batch("7", "b", 3)).await;
    let third = append(&mut writer, &batch("8", "c", 2)).await;
    assert!(first.start < first.end && first.end <= second.start);
    assert!(second.start < second.end && second.end <= third.start);
    assert!(log.end_offset(0).await.unwrap() >= third.end);
    let stored = events(log, 0).await;
    assert_eq!(
        payloads(&stored),
        ["a-0", "b-0", "b-1", "b-2", "c-0", "c-1"]
    );
    let within = |range: &std::ops::Range<u64>, from: usize, to: usize| {
        stored[from..to]
            .iter()
            .all(|record| range.contains(&record.offset))
    };
    assert!(within(&first, 0, 1) && within(&second, 1, 4) && within(&third, 4, 6));
    assert_eq!(stored[3].offset + 1, second.end);
}

/// Each partition has its own offsets; writing one leaves the others untouched.
pub async fn partitions_are_independent<L: EventLog>(log: &L) {
    assert!(log.partitions() >= 2);
    let mut first = claim(log, 0).await;
    let mut second = claim(log, 1).await;
    append(&mut first, &batch("1", "p0", 3)).await;
    append(&mut second, &batch("2", "p1", 2)).await;
    append(&mut first, &batch("1", "p0-more", 1)).await;
    assert_eq!(events(log, 0).await.len(), 4);
    let second_records = events(log, 1).await;
    assert_eq!(payloads(&second_records), ["p1-0", "p1-1"]);
    assert!(second_records
        .iter()
        .all(|r| r.partition == 1 && r.key == "2"));
    for partition in 2..log.partitions() {
        assert_eq!(log.end_offset(partition).await.unwrap(), 0);
        assert!(events(log, partition).await.is_empty());
    }
}

/// `read` gives records in offset order from `from`, at most `max`, and nothing past the end.
pub async fn read_respects_from_and_max<L: EventLog>(log: &L) {
    let mut writer = claim(log, 1).await;
    append(&mut writer, &batch("5", "r", 4)).await;
    append(&mut writer, &batch("5", "s", 6)).await;
    let all = events(log, 1).await;
    assert_eq!(all.len(), 10);
    let slice = read_from(log, 1, all[3].offset, 4).await;
    assert_eq!(payloads(&slice), ["r-3", "s-0", "s-1", "s-2"]);
    assert!(slice
        .iter()
        .all(|r| r.partition == 1 && r.epoch == writer.epoch()));
    let next = read_from(log, 1, slice[3].offset + 1, 2).await;
    assert_eq!(payloads(&next), ["s-3", "s-4"]);
    assert_eq!(
        payloads(&read_from(log, 1, all[9].offset, 100).await),
        ["s-5"]
    );
    let end = all[9].offset + 1;
    assert!(log.read(1, end, 100).await.unwrap().is_empty());
    assert!(log.read(1, end + 1_000_000, 100).await.unwrap().is_empty());
    assert!(log.read(1, u64::MAX, 100).await.unwrap().is_empty());
    assert!(log.read(1, 0, 0).await.unwrap().is_empty());
}

/// Keys and payload bytes come back exactly: non-UTF-8, zero bytes, empty, large, Unicode.
pub async fn keys_and_payloads_round_trip<L: EventLog>(log: &L) {
    let large: Vec<u8> = (0..500_000u32)
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
    let bounds = append(&mut writer, &records).await;
    let stored = events(log, 0).await;
    assert_eq!(stored.len(), records.len());
    for (stored, sent) in stored.iter().zip(&records) {
        assert!(bounds.contains(&stored.offset));
        assert_eq!(stored.key, sent.key);
        assert_eq!(
            stored.payload, sent.payload,
            "payload of key {:?}",
            sent.key
        );
        assert_eq!(stored.epoch, writer.epoch());
    }
}

/// An empty batch gets an empty range and writes nothing.
pub async fn empty_batch_writes_nothing<L: EventLog>(log: &L) {
    let mut writer = claim(log, 0).await;
    assert!(append(&mut writer, &[]).await.is_empty());
    append(&mut writer, &batch("1", "x", 2)).await;
    let end = log.end_offset(0).await.unwrap();
    assert!(append(&mut writer, &[]).await.is_empty());
    assert_eq!(log.end_offset(0).await.unwrap(), end);
    let next = append(&mut writer, &batch("1", "y", 1)).await;
    assert!(next.start >= end);
    assert_eq!(payloads(&events(log, 0).await), ["x-0", "x-1", "y-0"]);
}

/// A batch larger than any backend's single statement or request is still one atomic
/// append, read back in order.
pub async fn large_batch_is_whole_and_ordered<L: EventLog>(log: &L) {
    let mut writer = claim(log, 1).await;
    let head = append(&mut writer, &batch("3", "head", 1)).await;
    let big = append(&mut writer, &batch("3", "big", 1_000)).await;
    let tail = append(&mut writer, &batch("3", "tail", 1)).await;
    assert!(head.end <= big.start && big.end <= tail.start);
    let stored = events(log, 1).await;
    assert_eq!(stored.len(), 1_002);
    assert!(stored[1..1_001].iter().all(|r| big.contains(&r.offset)));
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
