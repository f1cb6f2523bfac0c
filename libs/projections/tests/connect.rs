//! `ReadStore::connect`: the database is chosen by the URL's scheme; a SQLite file is created
//! when missing; an unknown scheme is refused without echoing the rest of the URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use projections::{ProjectionError, ReadStore};
use testkit::TestDatabase;

#[tokio::test]
async fn a_sqlite_url_creates_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("read.db");
    let store = ReadStore::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(path.exists());
    assert_eq!(store.next_offset(0).await.unwrap(), 0);
    store.close().await;
    let reopened = ReadStore::open(&path).await.unwrap();
    assert_eq!(reopened.next_offset(0).await.unwrap(), 0);
}

#[tokio::test]
async fn a_postgres_url_connects_and_migrates_once() {
    let database = TestDatabase::create().await;
    let store = ReadStore::connect(&database.url).await.unwrap();
    assert_eq!(store.next_offset(0).await.unwrap(), 0);
    store.close().await;
    let again = ReadStore::connect(&database.url).await.unwrap();
    assert!(again.dump().await.unwrap().is_empty());
    again.close().await;
}

#[tokio::test]
async fn an_unknown_scheme_is_refused() {
    let refused = ReadStore::connect("mysql://root:secret@localhost/read").await;
    match refused {
        Err(error @ ProjectionError::UnsupportedUrl { .. }) => {
            let message = error.to_string();
            assert!(message.contains("mysql"), "{message}");
            assert!(!message.contains("secret"), "{message}");
        }
        Err(other) => panic!("expected UnsupportedUrl, got {other}"),
        Ok(_) => panic!("a mysql URL was accepted"),
    }
}

#[tokio::test]
async fn a_store_is_paired_with_the_first_log_until_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("read.db");
    let store = ReadStore::open(&path).await.unwrap();
    assert_eq!(store.pair("sqlite:log-a").await.unwrap(), "sqlite:log-a");
    assert_eq!(store.pair("sqlite:log-b").await.unwrap(), "sqlite:log-a");
    store.close().await;
    let reopened = ReadStore::open(&path).await.unwrap();
    assert_eq!(reopened.pair("sqlite:log-b").await.unwrap(), "sqlite:log-a");
    reopened.rebuild().await.unwrap();
    assert_eq!(reopened.pair("sqlite:log-b").await.unwrap(), "sqlite:log-b");

    let database = TestDatabase::create().await;
    let store = ReadStore::connect(&database.url).await.unwrap();
    assert_eq!(store.pair("kafka:a").await.unwrap(), "kafka:a");
    assert_eq!(store.pair("kafka:b").await.unwrap(), "kafka:a");
    store.close().await;
}
