//! Pairing of stores and logs: a read database or snapshot store filled from one event log is
//! refused beside another (another SQLite file; another Kafka topic with the same Postgres
//! database, on the test broker and Postgres whatever `PROMO_TEST_STACK` says), and accepted
//! again beside its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use api::TokenSecret;
use eventlog::{DbUrl, LogUrl};
use server::startup::{Stack, StackConfig, StackError};
use std::path::Path;
use testkit::TestDatabase;

fn secret() -> TokenSecret {
    TokenSecret::new(b"pairing test secret".to_vec())
}

/// Opens the stack `config` names and stops it again.
async fn open_and_stop(config: &StackConfig) {
    match Stack::open(config, secret()).await {
        Ok(stack) => stack.shutdown().await,
        Err(error) => panic!("refused: {error}"),
    }
}

/// The refusal to open `config`.
async fn refusal(config: &StackConfig) -> StackError {
    match Stack::open(config, secret()).await {
        Ok(stack) => {
            stack.shutdown().await;
            panic!("a store of another log was accepted")
        }
        Err(error) => error,
    }
}

fn assert_names_the_mismatch(error: &StackError, store: &str, logs: [&str; 2]) {
    let message = error.to_string();
    assert!(
        matches!(error, StackError::OtherLog { store: named, .. } if *named == store),
        "{message}"
    );
    assert!(message.contains("another event log"), "{message}");
    for log in logs {
        assert!(message.contains(log), "{message} names {log}");
    }
}

fn embedded(events: &Path, read: &Path) -> StackConfig {
    StackConfig::embedded(events, read, 2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_stores_of_another_sqlite_log_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let log_a = dir.path().join("a/events.db");
    let log_b = dir.path().join("b/events.db");
    std::fs::create_dir_all(log_a.parent().unwrap()).unwrap();
    std::fs::create_dir_all(log_b.parent().unwrap()).unwrap();
    let read = dir.path().join("read.db");

    open_and_stop(&embedded(&log_a, &read)).await;
    let id_a = eventlog::SqliteLog::open(&log_a, 2).await.unwrap().log_id();
    let id_b = eventlog::SqliteLog::open(&log_b, 2).await.unwrap().log_id();
    let error = refusal(&embedded(&log_b, &read)).await;
    assert_names_the_mismatch(&error, "read database", [&id_a, &id_b]);
    open_and_stop(&embedded(&log_a, &read)).await;

    let fresh_read = dir.path().join("read-b.db");
    let foreign_snapshots = StackConfig {
        snapshots: Some(DbUrl::Sqlite(log_a.with_extension("snapshots.db"))),
        ..embedded(&log_b, &fresh_read)
    };
    let error = refusal(&foreign_snapshots).await;
    assert_names_the_mismatch(&error, "snapshot store", [&id_a, &id_b]);
    open_and_stop(&embedded(&log_b, &fresh_read)).await;
}

/// Production: the same Postgres database (read models and snapshots) beside a second topic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_database_of_another_kafka_topic_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create().await;
    let on_topic = |topic: &str| StackConfig {
        event_log: LogUrl::Kafka {
            brokers: testkit::kafka_brokers(),
            topic: topic.to_owned(),
        },
        read_store: DbUrl::Postgres(database.url.clone()),
        snapshots: Some(DbUrl::Postgres(database.url.clone())),
        ..embedded(&dir.path().join("events.db"), &dir.path().join("read.db"))
    };
    let topic_a = testkit::unique_name("pairing-a");
    let topic_b = testkit::unique_name("pairing-b");
    open_and_stop(&on_topic(&topic_a)).await;
    let error = refusal(&on_topic(&topic_b)).await;
    assert_names_the_mismatch(&error, "read database", [&topic_a, &topic_b]);
    open_and_stop(&on_topic(&topic_a)).await;
}
