//! Check-ins: a member telling the account they are at a store (Sparkfly's offer engine).
//! A check-in is accepted only near the store when the store has coordinates, and only the
//! fact (member, store, time) is recorded: the coordinates sent are checked, never kept. An
//! offer may require a check-in at the redeeming store within some minutes before a
//! redemption. `queries` answers what the API asks.

pub mod queries;

use crate::ids::{MemberId, OfferId, StoreId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How far from a store's coordinates a check-in is accepted, in metres.
pub const CHECK_IN_RADIUS_METRES: u64 = 1_000;
/// The longest window an offer may give a check-in, in minutes (a week).
pub const MAX_CHECK_IN_MINUTES: u32 = 7 * 24 * 60;

/// A member checked in at a store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckedIn {
    /// The member.
    pub member_id: MemberId,
    /// The store.
    pub store_id: StoreId,
}

/// An offer's check-in rule was set or cleared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckInRule {
    /// The offer.
    pub offer_id: OfferId,
    /// Minutes before a redemption within which the member must have checked in at the
    /// redeeming store; `None` clears the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_minutes: Option<u32>,
}

/// A member's check-ins at one store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckIns {
    /// How many.
    pub count: u32,
    /// The latest.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub last_at: DateTime<Utc>,
}
