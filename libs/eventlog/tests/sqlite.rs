//! The SQLite backend against a real file in a temporary directory: the whole backend
//! contract (`contract/`), then what only a file can show: durability across reopening, the
//! stored partition count, two handles on one file, concurrent writers, damaged files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod contract;
mod sqlite_support;

use std::sync::Arc;
use std::time::Duration;

use eventlog::{AppendRecord, EventLog, LogError, PartitionWriter, SqliteLog};

use contract::{append, batch, claim, payloads, read_all};
use sqlite_support::{fresh, log_path, raw_connection};

backend_contract!(|_name: &'static str| fresh(4));

/// SQLite's offsets are denser than the contract asks: they start at 0, are contiguous, and
/// the log holds no claim markers.
#[tokio::test]
async fn offsets_start_at_zero_and_are_contiguous() {
    let (_dir, log) = fresh(2).await;
    assert_eq!(log.end_offset(0).await.unwrap(), 0);
    let mut writer = claim(&log, 0).await;
    assert_eq!(append(&mut writer, &batch("7", "a", 1)).await, 0..1);
    assert_eq!(append(&mut writer, &batch("7", "b", 3)).await, 1..4);
    let mut successor = claim(&log, 0).await;
    assert_eq!(append(&mut successor, &batch("8", "c", 2)).await, 4..6);
    assert_eq!(log.end_offset(0).await.unwrap(), 6);
    let offsets: Vec<u64> = read_all(&log, 0).await.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, [0, 1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn everything_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    let (old_epoch, sent) = {
        let log = SqliteLog::open(&path, 3).await.unwrap();
        let mut zero = claim(&log, 0).await;
        let mut two = claim(&log, 2).await;
        let sent = vec![
            AppendRecord::new("a", vec![0xff, 0x01]),
            AppendRecord::new("b", b"second".to_vec()),
        ];
        append(&mut zero, &sent).await;
        append(&mut zero, &batch("a", "z", 3)).await;
        append(&mut two, &batch("c", "t", 300)).await;
        (zero.epoch(), sent)
    };

    let log = SqliteLog::open(&path, 3).await.unwrap();
    assert_eq!(log.partitions(), 3);
    assert_eq!(log.end_offset(0).await.unwrap(), 5);
    assert_eq!(log.end_offset(1).await.unwrap(), 0);
    assert_eq!(log.end_offset(2).await.unwrap(), 300);
    let zero = read_all(&log, 0).await;
    assert_eq!(zero[0].payload, sent[0].payload);
    assert_eq!(zero[1].key, "b");
    assert_eq!(payloads(&zero[2..]), ["z-0", "z-1", "z-2"]);
    assert!(zero.iter().all(|r| r.epoch == old_epoch));
    assert_eq!(payloads(&read_all(&log, 2).await)[299], "t-299");

    let mut writer = claim(&log, 0).await;
    assert!(writer.epoch() > old_epoch);
    assert_eq!(append(&mut writer, &batch("a", "after", 2)).await, 5..7);
}

#[tokio::test]
async fn a_log_keeps_its_id_and_a_new_file_gets_another() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    let id = SqliteLog::open(&path, 2).await.unwrap().log_id();
    assert!(id.starts_with("sqlite:"), "{id}");
    assert_eq!(SqliteLog::open(&path, 2).await.unwrap().log_id(), id);
    let other = tempfile::tempdir().unwrap();
    let other = SqliteLog::open(log_path(&other), 2).await.unwrap();
    assert_ne!(other.log_id(), id);
}

#[tokio::test]
async fn reopening_with_another_partition_count_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    drop(SqliteLog::open(&path, 4).await.unwrap());
    let error = SqliteLog::open(&path, 8).await.unwrap_err();
    assert!(
        matches!(
            error,
            LogError::PartitionCountMismatch {
                stored: 4,
                requested: 8
            }
        ),
        "{error}"
    );
    assert_eq!(SqliteLog::open(&path, 4).await.unwrap().partitions(), 4);
}

#[tokio::test]
async fn zero_partitions_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let error = SqliteLog::open(log_path(&dir), 0).await.unwrap_err();
    assert!(matches!(error, LogError::ZeroPartitions), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_of_different_partitions_all_land() {
    let (_dir, log) = fresh(6).await;
    let log = Arc::new(log);
    let tasks: Vec<_> = (0..6u32)
        .map(|partition| {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut writer = claim(&*log, partition).await;
                let mut ranges = Vec::new();
                for round in 0..15 {
                    let records = batch(&partition.to_string(), &format!("r{round}"), 4);
                    ranges.push(append(&mut writer, &records).await);
                }
                ranges
            })
        })
        .collect();
    for (partition, task) in (0..6u32).zip(tasks) {
        let ranges = task.await.unwrap();
        let expected: Vec<_> = (0..15u64).map(|i| i * 4..i * 4 + 4).collect();
        assert_eq!(ranges, expected);
        let stored = read_all(&*log, partition).await;
        assert_eq!(stored.len(), 60);
        assert!(stored.iter().all(|r| r.key == partition.to_string()));
        assert_eq!(
            payloads(&stored[56..]),
            ["r14-0", "r14-1", "r14-2", "r14-3"]
        );
    }
}

#[tokio::test]
async fn a_second_handle_on_the_file_fences_and_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    let here = SqliteLog::open(&path, 2).await.unwrap();
    let there = SqliteLog::open(&path, 2).await.unwrap();
    let mut writer = claim(&here, 1).await;
    let (seen, ()) = tokio::join!(there.wait_for(1, 0, Duration::from_secs(10)), async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        append(&mut writer, &batch("k", "here", 1)).await;
    });
    assert!(seen.unwrap());

    let mut takeover = claim(&there, 1).await;
    let error = writer.append(&batch("k", "stale", 2)).await.unwrap_err();
    assert!(
        matches!(error, LogError::Fenced { partition: 1, .. }),
        "{error}"
    );
    assert_eq!(append(&mut takeover, &batch("k", "there", 1)).await, 1..2);
    assert!(here.wait_for(1, 1, Duration::from_secs(10)).await.unwrap());
    assert_eq!(payloads(&read_all(&here, 1).await), ["here-0", "there-0"]);
}

#[tokio::test]
async fn a_file_of_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    drop(SqliteLog::open(&path, 2).await.unwrap());
    let mut raw = raw_connection(&path).await;
    sqlx::raw_sql("PRAGMA user_version = 9")
        .execute(&mut raw)
        .await
        .unwrap();
    let error = SqliteLog::open(&path, 2).await.unwrap_err();
    assert!(
        matches!(
            error,
            LogError::UnsupportedSchema {
                found: 9,
                supported: 1
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let error = SqliteLog::open(&path, 2).await.unwrap_err();
    assert!(matches!(error, LogError::Corrupt(_)), "{error}");
}

#[tokio::test]
async fn an_unreadable_record_is_corrupt() {
    let (dir, log) = fresh(2).await;
    let mut raw = raw_connection(&log_path(&dir)).await;
    sqlx::raw_sql(
        "INSERT INTO events (part, off, key, payload, epoch) VALUES (0, 0, 'k', x'00', -1)",
    )
    .execute(&mut raw)
    .await
    .unwrap();
    let error = log.read(0, 0, 10).await.unwrap_err();
    assert!(matches!(error, LogError::Corrupt(_)), "{error}");
}

/// The WAL is checkpointed beside the writer: without any commit crossing SQLite's own
/// threshold, the records reach the database file; and under a stream of small appends the
/// WAL stays bounded (about 32 MiB: the writer's own checkpoint backs the task up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_beside_the_writer_and_stays_bounded() {
    let (dir, log) = fresh(1).await;
    let path = log_path(&dir);
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    let size = |file: &std::path::Path| std::fs::metadata(file).map_or(0, |meta| meta.len());
    let initial = size(&path);
    let mut writer = claim(&log, 0).await;
    for index in 0..200 {
        append(&mut writer, &batch("7", &format!("a{index}"), 1)).await;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while size(&path) <= initial && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(size(&path) > initial, "nothing was checkpointed");

    let payload = vec![b'x'; 3000];
    let mut largest_wal = 0;
    for _ in 0..10_000 {
        append(&mut writer, &[AppendRecord::new("7", payload.clone())]).await;
        largest_wal = largest_wal.max(size(&wal));
    }
    assert!(largest_wal > 0);
    assert!(
        largest_wal < 40 << 20,
        "the WAL grew to {largest_wal} bytes"
    );
    assert_eq!(log.end_offset(0).await.unwrap(), 10_200);
}
