//! Where a value sits in a test's data: the files of the embedded data folder, the records
//! of the Kafka topics, the rows of every Postgres table. The privacy tests grep them for what
//! must not be there.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::{TestApp, PARTITIONS};
use eventlog::{AnyLog, DbUrl, EventLog, LogUrl};
use server::startup::{callbacks_log, StackConfig};
use std::path::Path;

/// The data's places where `needle` occurs, as readable labels.
pub async fn places_holding(config: &StackConfig, dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = files_holding(dir, needle);
    if let LogUrl::Kafka { .. } = &config.event_log {
        found.extend(records_holding(&config.event_log, needle).await);
        found.extend(records_holding(&callbacks_log(&config.event_log), needle).await);
    }
    if let DbUrl::Postgres(url) = &config.read_store {
        found.extend(tables_holding(url, needle).await);
    }
    found
}

pub fn files_holding(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path) {
            // A running store may remove its -wal or -shm file while the folder is read.
            if bytes.windows(needle.len()).any(|window| window == needle) {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// Where the dispatcher's own log (its file, or its topic) holds `needle`.
pub async fn callback_records_holding(app: &TestApp, needle: &[u8]) -> Vec<String> {
    match &app.config.event_log {
        LogUrl::Sqlite(_) => files_holding(app.data_dir(), needle)
            .into_iter()
            .filter(|file| file.contains("callbacks.db"))
            .collect(),
        kafka => records_holding(&callbacks_log(kafka), needle).await,
    }
}

pub async fn records_holding(url: &LogUrl, needle: &[u8]) -> Vec<String> {
    let log = AnyLog::open(url, PARTITIONS).await.unwrap();
    let mut found = Vec::new();
    for partition in 0..PARTITIONS {
        let end = log.end_offset(partition).await.unwrap();
        let mut next = 0;
        while next < end {
            let records = log.read(partition, next, 1_000).await.unwrap();
            let Some(last) = records.last() else { break };
            next = last.offset + 1;
            for record in records {
                if record
                    .payload
                    .windows(needle.len())
                    .any(|window| window == needle)
                {
                    found.push(format!("record {partition}/{}", record.offset));
                }
            }
        }
    }
    found
}

pub async fn tables_holding(url: &str, needle: &[u8]) -> Vec<String> {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let text = String::from_utf8(needle.to_vec()).unwrap();
    let mut found = Vec::new();
    for table in tables {
        let byte_columns: Vec<String> = sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 AND data_type = 'bytea'",
        )
        .bind(&table)
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut condition = "strpos(t::text, $1) > 0".to_owned();
        for column in byte_columns {
            condition.push_str(&format!(" OR position($2::bytea IN t.\"{column}\") > 0"));
        }
        let sql = format!("SELECT COUNT(*) FROM \"{table}\" t WHERE {condition}");
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(&text)
            .bind(needle)
            .fetch_one(&pool)
            .await
            .unwrap();
        if count > 0 {
            found.push(format!("table {table}"));
        }
    }
    pool.close().await;
    found
}
