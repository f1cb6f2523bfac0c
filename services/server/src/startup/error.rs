//! [`StackError`]: why the stack or the HTTP server over it could not start.

use callbacks::CallbackError;
use engine::EngineError;
use eventlog::LogError;
use projections::ProjectionError;

/// Why the stack could not start.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    /// The event log or the snapshot store could not be opened.
    #[error("event log: {0}")]
    Log(#[from] LogError),
    /// A partition actor could not start.
    #[error("partition actor: {0}")]
    Engine(#[from] EngineError),
    /// The read store could not be opened.
    #[error("read store: {0}")]
    Projection(#[from] ProjectionError),
    /// The key store could not be opened.
    #[error("key store: {0}")]
    Keys(#[from] privacy::KeyStoreError),
    /// The metrics could not be registered.
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// The callback dispatcher could not start.
    #[error("callbacks: {0}")]
    Callbacks(#[from] CallbackError),
    /// The memberships and leases of the instances sharing the partitions could not be
    /// reached.
    #[error("cluster membership: {0}")]
    Membership(#[from] cluster::ClusterError),
    /// Forwarding to the other instances could not be set up.
    #[error("forwarding: {0}")]
    Forwarding(#[from] api::cluster::ClusterError),
    /// The HTTP server could not start on its listener.
    #[error("HTTP server: {0}")]
    Http(#[from] std::io::Error),
    /// A start-up step on the background runtime did not finish (it panicked, or the runtime
    /// shut down).
    #[error("background runtime: {0}")]
    Background(String),
    /// The read database or the snapshot store was filled from another event log.
    #[error(
        "the {store} was filled from another event log ({paired}) than this one ({log}): {remedy}"
    )]
    OtherLog {
        /// Which store.
        store: &'static str,
        /// The log it was filled from.
        paired: String,
        /// The log opened.
        log: String,
        /// What the operator can do.
        remedy: &'static str,
    },
}
