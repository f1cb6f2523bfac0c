//! Point-of-sale redemptions: the request a terminal sends, the record of what was redeemed
//! (as a committed redemption or a reservation that holds capacity until confirmed, cancelled
//! or expired), the usage counters redemption limits are checked against, and where offers
//! can be redeemed (`places`).

mod limits;
mod places;
mod plan;
mod usage;

pub use limits::{lapsed_applications, reached, used};
pub use places::{
    offers_redeemable_at, offers_redeemable_at_store_of, stores_redeeming, stores_redeeming_offer,
    stores_with_offers,
};
pub use plan::{plan, store_eligible, Plan};
pub use usage::{Counts, Usage};

use crate::ids::{ChannelId, CredentialId, MemberId, OfferId, RedemptionId, StoreId};
use chrono::{DateTime, NaiveDate, Utc};
use discount::Basket;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::{Hash, Hasher};

/// Most codes one point-of-sale request may present.
pub const MAX_CODES: usize = 10;
/// Longest reservation a terminal may ask for, in seconds.
pub const MAX_RESERVATION_SECONDS: u32 = 3_600;

/// What a terminal sends to evaluate, reserve or redeem codes against a basket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PosRequest {
    /// Where the sale happens. `None` only for a redemption by credential id away from any
    /// store, which offers restricted to merchants or store lists refuse (a terminal always
    /// names its store).
    #[serde(default)]
    pub store_id: Option<StoreId>,
    /// The codes presented, one per credential.
    pub codes: Vec<String>,
    /// The basket.
    pub basket: Basket,
}

/// Written by hand to keep the idempotency fingerprint of a request with a store what it was
/// when the store was required (its id, then the codes and the basket), so a retry sent across
/// an upgrade still matches its first request. A request without a store hashes a marker no
/// store id takes (`u64::MAX` is out of the ids' range, which stops at `i64::MAX`).
impl Hash for PosRequest {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self.store_id {
            Some(store) => store.hash(state),
            None => u64::MAX.hash(state),
        }
        self.codes.hash(state);
        self.basket.hash(state);
    }
}

/// Where a redemption is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RedemptionStatus {
    /// A reservation holding its credentials and capacity until `expires_at`.
    Reserved,
    /// Redeemed (directly, or a confirmed reservation).
    Committed,
    /// A reservation cancelled by the terminal.
    Cancelled,
    /// A reservation that was neither confirmed nor cancelled in time.
    Expired,
    /// Voided (sale cancelled): limits given back, credentials open again.
    Voided,
    /// Reversed (refund): limits given back, credentials reversed.
    Reversed,
}

impl fmt::Display for RedemptionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Reserved => "reserved",
            Self::Committed => "committed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
            Self::Voided => "voided",
            Self::Reversed => "reversed",
        })
    }
}

/// One offer of one credential redeemed by a redemption: the unit redemption limits count.
/// What it gave is in the redemption's evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferApplication {
    /// The credential.
    pub credential_id: CredentialId,
    /// The offer.
    pub offer_id: OfferId,
    /// The credential's member.
    pub member_id: MemberId,
    /// The credential's channel.
    pub channel_id: ChannelId,
    /// The day it counts on, in the account's time zone.
    #[serde(with = "crate::time::date")]
    #[schemars(with = "NaiveDate")]
    pub day: NaiveDate,
    /// Points the member earns when it is committed (the offer's `points_earning_value`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub points: u64,
}

fn is_zero(points: &u64) -> bool {
    *points == 0
}

/// A redemption or reservation, as decisions need it. What it gave (the discount engine's
/// evaluation) is in its event, for replies and read models, not in the state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Redemption {
    /// Its id.
    pub id: RedemptionId,
    /// Where it happened; `None` for a redemption by credential id away from any store.
    #[serde(default)]
    pub store_id: Option<StoreId>,
    /// Status.
    pub status: RedemptionStatus,
    /// Credentials it redeemed (those with at least one applied offer).
    pub credential_ids: Vec<CredentialId>,
    /// Offers it redeemed.
    pub applications: Vec<OfferApplication>,
    /// When it was made.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When a reservation lapses.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
    /// When it reached its current status.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

impl Redemption {
    /// Whether it is a reservation past its expiry at `now` (holding nothing any more).
    pub fn is_lapsed_at(&self, now: DateTime<Utc>) -> bool {
        self.status == RedemptionStatus::Reserved && self.expires_at.is_some_and(|end| end <= now)
    }
}
