//! Crash safety and rebuilds: the rows and the consumed offset move together, so a restart
//! half-way, a re-delivery or a rebuild from zero all end with the same tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{seed, Setup, PARTITION};

/// A log with the seed flow and some more members, and the dump of a read store that
/// projected it in one run.
async fn traffic() -> (Setup, Vec<String>) {
    let setup = Setup::new().await;
    seed(&setup).await;
    setup.members("m", 40).await;
    let reference = setup.store("reference.db").await;
    setup.projector(&reference).catch_up().await.unwrap();
    let dump = reference.dump().await.unwrap();
    reference.close().await;
    (setup, dump)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_half_way_neither_loses_nor_doubles() {
    let (setup, reference) = traffic().await;
    let records = setup.records().await;
    let half = records.len() / 2;

    let store = setup.store("read.db").await;
    store
        .apply_batch(PARTITION, &records[..half])
        .await
        .unwrap();
    assert_eq!(store.next_offset(PARTITION).await.unwrap(), half as u64);
    store.close().await;
    drop(store);

    let store = setup.store("read.db").await;
    assert_eq!(store.next_offset(PARTITION).await.unwrap(), half as u64);
    setup.projector(&store).catch_up().await.unwrap();
    let dump = store.dump().await.unwrap();
    assert_eq!(dump, reference);

    let next = store.apply_batch(PARTITION, &records).await.unwrap();
    assert_eq!(next, records.len() as u64);
    store
        .apply_batch(PARTITION, &records[half..])
        .await
        .unwrap();
    assert_eq!(store.dump().await.unwrap(), reference);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_is_refused_and_changes_nothing() {
    let (setup, _) = traffic().await;
    let records = setup.records().await;
    let store = setup.store("read.db").await;
    store.apply_batch(PARTITION, &records[..3]).await.unwrap();
    let before = store.dump().await.unwrap();
    let refused = store.apply_batch(PARTITION, &records[5..]).await;
    assert!(
        matches!(
            refused,
            Err(projections::ProjectionError::OffsetGap {
                expected: 3,
                got: 5,
                ..
            })
        ),
        "{refused:?}"
    );
    assert_eq!(store.dump().await.unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_from_zero_gives_the_same_tables() {
    let (setup, reference) = traffic().await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();
    store.rebuild().await.unwrap();
    assert_eq!(store.next_offset(PARTITION).await.unwrap(), 0);
    assert!(store.dump().await.unwrap().is_empty());
    setup.projector(&store).catch_up().await.unwrap();
    assert_eq!(store.dump().await.unwrap(), reference);
}
