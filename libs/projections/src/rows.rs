//! Row types of their own, where no domain entity fits the read: an offer with its channel
//! links, a link, and a redemption as the log records it.

use chrono::{DateTime, Utc};
use domain::channel::OfferChannel;
use domain::event::RedeemedOffer;
use domain::ids::{CredentialId, RedemptionId, StoreId};
use domain::offer::Offer;
use domain::redemption::RedemptionStatus;
use serde::{Deserialize, Serialize};

/// An offer with the channels it is linked to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OfferRow {
    /// The offer.
    pub offer: Offer,
    /// Its channel links (with their xids), by channel id.
    pub channels: Vec<OfferChannelRow>,
}

/// One link of an offer to a channel.
pub type OfferChannelRow = OfferChannel;

/// A redemption or reservation: what was redeemed where, its status and the discount engine's
/// answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RedemptionRow {
    /// The redemption.
    pub id: RedemptionId,
    /// Where; `None` for a redemption by credential id away from any store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<StoreId>,
    /// Where it is in its life.
    pub status: RedemptionStatus,
    /// The credentials it redeemed, in order.
    pub credential_ids: Vec<CredentialId>,
    /// The offers it redeemed.
    pub offers: Vec<RedeemedOffer>,
    /// When a reservation lapses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When its status last changed.
    pub updated_at: DateTime<Utc>,
    /// The discount engine's answer, as recorded (kept in its own column).
    #[serde(skip)]
    pub evaluation: serde_json::Value,
}
