//! The Kafka backend against a real Kafka-protocol broker (Nisshi in CI, started by
//! `scripts/test`; `PROMO_TEST_KAFKA` names another, default `127.0.0.1:9092`): the whole
//! backend contract (`contract/`) on a fresh topic per test, then what only Kafka shows:
//! claim markers, the topic's partition count, and readers that never use a fenced
//! writer's records whatever the broker shows.
#![cfg(feature = "kafka")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod contract;

use eventlog::kafka::{KafkaConfig, KafkaLog};
use eventlog::{EventLog, LogError, PartitionWriter, RecordKind};

use contract::{append, batch, claim, events, payloads, read_all};
use testkit::{kafka_brokers as brokers, unique_name};

/// A log on a new topic with `partitions` partitions.
async fn fresh(name: &str, partitions: u32) -> KafkaLog {
    let config = KafkaConfig::new(
        brokers(),
        unique_name(&format!("test-{}", name.replace('_', "-"))),
        partitions,
    );
    match KafkaLog::open(config).await {
        Ok(log) => log,
        Err(error) => panic!(
            "the Kafka tests need a broker at {} (scripts/test starts Nisshi): {error}",
            brokers()
        ),
    }
}

backend_contract!(|name: &'static str| async move { ((), fresh(name, 4).await) });

/// Every claim leaves a marker with its epoch, before the claimer's records, and anything a
/// stale writer managed to put after a newer marker is skipped by the fence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_leave_markers_that_fence_older_epochs() {
    let log = fresh("markers", 2).await;
    let mut old = claim(&log, 0).await;
    append(&mut old, &batch("1", "old", 2)).await;
    let mut new = claim(&log, 0).await;
    assert!(old.append(&batch("1", "stale", 2)).await.is_err());
    append(&mut new, &batch("1", "new", 1)).await;

    let raw = read_all(&log, 0).await;
    let claims: Vec<u64> = raw
        .iter()
        .filter(|record| record.kind == RecordKind::Claim)
        .map(|record| record.epoch)
        .collect();
    assert_eq!(claims, [old.epoch(), new.epoch()]);
    assert_eq!(raw[0].kind, RecordKind::Claim);
    let new_claim = raw
        .iter()
        .position(|record| record.kind == RecordKind::Claim && record.epoch == new.epoch())
        .unwrap();
    for record in raw[new_claim..]
        .iter()
        .filter(|record| record.kind == RecordKind::Event && record.epoch != new.epoch())
    {
        assert_eq!(record.epoch, old.epoch());
        assert!(record.payload.starts_with(b"stale"));
    }
    assert_eq!(
        payloads(&events(&log, 0).await),
        ["old-0", "old-1", "new-0"]
    );
}

/// The topic keeps its partition count: opening it with another is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_keeps_its_partition_count() {
    let log = fresh("count", 3).await;
    assert_eq!(log.partitions(), 3);
    let mut writer = claim(&log, 2).await;
    append(&mut writer, &batch("5", "x", 1)).await;
    let same = KafkaLog::open(log.config().clone()).await.unwrap();
    assert_eq!(payloads(&events(&same, 2).await), ["x-0"]);
    let mut other = log.config().clone();
    other.partitions = 5;
    assert!(matches!(
        KafkaLog::open(other).await,
        Err(LogError::PartitionCountMismatch {
            stored: 3,
            requested: 5
        })
    ));
}

/// An account's records of one batch come back together and in order, each account's in the
/// order appended, whatever the interleaving of accounts in the batch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_keep_their_order_within_a_batch() {
    let log = fresh("order", 2).await;
    let mut writer = claim(&log, 1).await;
    let mut records = batch("a", "a", 3);
    records.insert(1, batch("b", "b", 1).remove(0));
    records.push(batch("b", "b-late", 1).remove(0));
    append(&mut writer, &records).await;
    let stored = events(&log, 1).await;
    let of = |key: &str| -> Vec<String> {
        let mine: Vec<_> = stored.iter().filter(|r| r.key == key).cloned().collect();
        payloads(&mine)
    };
    assert_eq!(of("a"), ["a-0", "a-1", "a-2"]);
    assert_eq!(of("b"), ["b-0", "b-late-0"]);
}

/// A follower in the process whose writer holds a partition is answered from memory; when a
/// writer of another process (another `KafkaLog` on the topic) takes the partition over, that
/// follower still learns of the new records (within about a second, the broker being asked
/// while it waits), reads them from the broker, and the old writer is fenced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_takeover_by_another_process_reaches_the_old_holders_followers() {
    let here = fresh("takeover-elsewhere", 2).await;
    let elsewhere = KafkaLog::open(here.config().clone()).await.unwrap();
    let mut old = claim(&here, 1).await;
    let held = append(&mut old, &batch("7", "here", 2)).await;
    assert_eq!(here.end_offset(1).await.unwrap(), held.end);
    assert_eq!(payloads(&events(&here, 1).await), ["here-0", "here-1"]);

    let mut new = claim(&elsewhere, 1).await;
    let taken = append(&mut new, &batch("7", "elsewhere", 1)).await;
    let waited = std::time::Instant::now();
    assert!(here
        .wait_for(1, held.end, std::time::Duration::from_secs(10))
        .await
        .unwrap());
    assert!(waited.elapsed() < std::time::Duration::from_secs(5));
    assert!(here.end_offset(1).await.unwrap() >= taken.end);
    assert_eq!(
        payloads(&events(&here, 1).await),
        ["here-0", "here-1", "elsewhere-0"]
    );
    assert!(matches!(
        old.append(&batch("7", "stale", 1)).await,
        Err(LogError::Fenced { .. })
    ));
    assert_eq!(
        payloads(&events(&here, 1).await),
        ["here-0", "here-1", "elsewhere-0"]
    );
}

/// A commit of this process's own writer, landing while a waiter asks the broker whether
/// another process wrote to the partition (about a second into an idle wait), is not taken
/// for a takeover: the partition stays followed from memory (its end is the writer's, not
/// the broker's high watermark, which counts the commit marker too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_own_commit_during_the_takeover_check_keeps_the_partition_here() {
    let log = fresh("own-commit", 1).await;
    let mut writer = claim(&log, 0).await;
    let first = append(&mut writer, &batch("7", "a", 1)).await;
    let waiting = {
        let log = log.clone();
        tokio::spawn(async move {
            log.wait_for(0, first.end, std::time::Duration::from_secs(5))
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(1050)).await;
    let second = append(&mut writer, &batch("7", "b", 1)).await;
    assert!(waiting.await.unwrap().unwrap());
    assert_eq!(log.end_offset(0).await.unwrap(), second.end);
    assert_eq!(payloads(&events(&log, 0).await), ["a-0", "b-0"]);
}
