//! [`ClusterError`]: why membership or a lease operation failed.

use thiserror::Error;

/// Why the coordinator failed.
#[derive(Debug, Error)]
pub enum ClusterError {
    /// The database failed (connection, IO, the server refusing a statement).
    #[error("cluster: {0}")]
    Database(#[from] sqlx::Error),
    /// The configuration cannot be used.
    #[error("cluster: invalid configuration: {0}")]
    Config(String),
    /// The tables hold a value this crate never writes.
    #[error("cluster: corrupt lease table: {0}")]
    Corrupt(String),
}
