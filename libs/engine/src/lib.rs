//! The command-handler runtime around the pure domain.
//!
//! What it owns:
//! - [`PartitionActor`]: the single writer of one event-log partition. It claims the
//!   partition, rebuilds the state of every account in it from the log, then decides commands
//!   in arrival order, appends each group of decided commands in one durable batch (group
//!   commit) and answers only once that batch is on disk. Reached through a
//!   [`PartitionHandle`].
//! - [`Clock`] (re-exported from the `clock` crate): where the actors read the time, so
//!   tests can drive it.
//! - [`GuessLimiter`]: the wrong-code allowances commands presenting codes are decided under.
//! - [`EngineMetrics`]: append time, batch size and queue wait of the actors, for `/metrics`.
//! - [`replay_json`]: an account's state rebuilt from its events as stored, decoded on worker
//!   threads.
//! - [`snapshot`]: snapshots of a partition's state (format and when they are written), so a
//!   restart replays only the log after the newest one.
//!
//! Time and randomness enter the domain here: the actor reads its [`Clock`] and owns an
//! OS-seeded random source, and hands both to `decide` in a `Context`.

pub mod error;
pub mod guessing;
pub mod metrics;
pub mod partition;
pub mod replay;
pub mod snapshot;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::EngineError;
pub use guessing::{Allowance, GuessLimiter, GuessLimits, Presenter, Throttled};
pub use metrics::EngineMetrics;
pub use partition::{
    ActorConfig, ActorStats, PartitionActor, PartitionHandle, PartitionTable, Serving,
    BULK_CORRELATION, DEFAULT_BULK_STEP, EXPIRY_CORRELATION,
};
pub use replay::{replay_json, ReplayError};
