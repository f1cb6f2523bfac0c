//! The command-handler runtime around the pure domain. For now: replay, rebuilding an
//! account's state from its stored events; the single-writer partition actors, group commit,
//! idempotent replies and snapshots build on it.

pub mod replay;

pub use replay::{replay_json, ReplayError};
