//! Crash safety and rebuilds: the rows and the consumed offset move together, so a restart
//! half-way, a re-delivery or a rebuild from zero all end with the same tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use support::{Backend, Setup, PARTITION};

/// The [`support::traffic`] log, and the dump of a read store that projected it in one run.
async fn traffic(backend: Backend) -> (Setup, Vec<String>) {
    let setup = support::traffic(backend).await;
    let reference = setup.store("reference.db").await;
    setup.projector(&reference).catch_up().await.unwrap();
    let dump = reference.dump().await.unwrap();
    reference.close().await;
    (setup, dump)
}

async fn a_restart_half_way_neither_loses_nor_doubles(backend: Backend) {
    let (setup, reference) = traffic(backend).await;
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

async fn batches_of_one_give_the_same_tables(backend: Backend) {
    let (setup, reference) = traffic(backend).await;
    let store = setup.store("read.db").await;
    for record in setup.records().await {
        store
            .apply_batch(PARTITION, std::slice::from_ref(&record))
            .await
            .unwrap();
    }
    assert_eq!(store.dump().await.unwrap(), reference);
}

async fn a_rebuild_from_zero_gives_the_same_tables(backend: Backend) {
    let (setup, reference) = traffic(backend).await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();
    store.rebuild().await.unwrap();
    assert_eq!(store.next_offset(PARTITION).await.unwrap(), 0);
    assert!(store.dump().await.unwrap().is_empty());
    setup.projector(&store).catch_up().await.unwrap();
    assert_eq!(store.dump().await.unwrap(), reference);
}

per_backend!(
    a_restart_half_way_neither_loses_nor_doubles,
    batches_of_one_give_the_same_tables,
    a_rebuild_from_zero_gives_the_same_tables,
);
