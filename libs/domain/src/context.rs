//! What a decision may know of the outside world: the time and a source of randomness, both
//! passed in so that `decide` stays a pure function of its arguments.

use chrono::{DateTime, Utc};
use rand_core::RngCore;

/// The clock reading and random source a command is decided with.
pub struct Context<'a> {
    /// The time the command is decided at.
    pub now: DateTime<Utc>,
    /// Randomness for credential codes and xids.
    pub rng: &'a mut dyn RngCore,
}

impl<'a> Context<'a> {
    /// A context at `now` drawing randomness from `rng`.
    pub fn new(now: DateTime<Utc>, rng: &'a mut dyn RngCore) -> Self {
        Self { now, rng }
    }
}
