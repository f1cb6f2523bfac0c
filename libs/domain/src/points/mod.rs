//! Loyalty points: each member's ledger, a fold of events. Points are earned when a redemption
//! of an offer with `points_earning_value` is committed (taken back, as far as the balance
//! allows, when it is voided or reversed), spent when an offer with `points_required_value`
//! enters the member's wallet (refused when the balance is short), paid back when that wallet
//! entry is voided unused, and transferred between members or granted by the account under a
//! client's `txid`, which makes a repeat a no-op. The balance never goes below zero.

pub mod queries;

use crate::ids::MemberId;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Longest `txid` accepted.
pub const MAX_TXID: usize = 255;
/// Most points one transfer may move: 2^53 - 1, the largest integer every JSON client reads
/// exactly.
pub const MAX_TRANSFER: u64 = (1 << 53) - 1;

/// One member's points, as running totals of each way points come and go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PointsLedger {
    /// Earned by committed redemptions.
    pub earned: u64,
    /// Taken back when a redemption that earned them was voided or reversed.
    pub clawed_back: u64,
    /// Spent on wallet offers.
    pub spent: u64,
    /// Paid back when a paid wallet offer was voided unused.
    pub refunded: u64,
    /// Received by transfers (from a member or granted by the account).
    pub received: u64,
    /// Sent to other members.
    pub sent: u64,
}

impl PointsLedger {
    /// Points available: everything in minus everything out. Never negative: every way out is
    /// checked against it (spends and transfers are refused, claw-backs capped).
    pub fn balance(&self) -> u64 {
        let incoming = self.earned + self.refunded + self.received;
        incoming.saturating_sub(self.clawed_back + self.spent + self.sent)
    }
}

/// A transfer of points recorded under a client's `txid`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct PointsTransfer {
    /// The client's transaction id: a second transfer under it changes nothing.
    pub txid: String,
    /// The member receiving the points.
    pub to_member_id: MemberId,
    /// The member giving them; `None` when the account grants them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_member_id: Option<MemberId>,
    /// How many.
    pub points: u64,
    /// When it was made.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
}
