//! Events: every change to an account, past tense, each with a type name and schema version.
//! An event serialises as `{"type", "version", "occurred_at", "idempotency"?, "data"}`; the
//! stored shape is read back through [`upcast`] so old versions never need rewriting.

mod codec;
mod family;
mod kinds;
mod lazy;
mod payloads;
mod schema;
mod split;
mod upcast;

pub use family::*;
pub use kinds::{EventKind, EventType};
pub use lazy::Lazy;
pub use payloads::*;
pub use schema::event_schemas;

use crate::idempotency::IdempotencyStamp;
use chrono::{DateTime, Utc};

/// One recorded change.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// When the command that caused it was decided.
    pub occurred_at: DateTime<Utc>,
    /// The idempotency key of that command, if it had one.
    pub idempotency: Option<IdempotencyStamp>,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// The event's type name, e.g. `member_created`.
    pub fn type_name(&self) -> &'static str {
        self.kind.event_type().name()
    }

    /// The schema version it is written with.
    pub fn version(&self) -> u16 {
        self.kind.event_type().current_version()
    }
}
