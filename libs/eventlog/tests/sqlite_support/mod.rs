//! Fixtures for the SQLite tests: fresh logs in temporary directories, raw connections.

use std::path::{Path, PathBuf};

use eventlog::SqliteLog;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};
use tempfile::TempDir;

/// Where the tests put the log file in `dir`.
pub fn log_path(dir: &TempDir) -> PathBuf {
    dir.path().join("events.sqlite")
}

/// A new, empty log with `partitions` partitions, and the directory that holds it (the file
/// goes when the directory is dropped).
pub async fn fresh(partitions: u32) -> (TempDir, SqliteLog) {
    let dir = tempfile::tempdir().unwrap();
    let log = SqliteLog::open(log_path(&dir), partitions).await.unwrap();
    (dir, log)
}

/// A plain connection to the file, to damage it the way a test needs.
pub async fn raw_connection(path: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .unwrap()
}
