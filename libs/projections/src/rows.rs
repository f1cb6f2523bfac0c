//! Row types of their own, where no domain entity fits the read: an offer with its channel
//! links, a link, a redemption as the log records it, and a member's offer activity.

use chrono::{DateTime, Utc};
use domain::channel::OfferChannel;
use domain::event::RedeemedOffer;
use domain::ids::{CredentialId, MemberId, OfferId, RedemptionId, StoreId};
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

/// What happened to a member's offer, or a member's check-in: one row of their activities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A credential for the offer was issued to the member.
    Issued,
    /// The offer was saved to the member's wallet.
    Saved,
    /// The member checked in at a store.
    CheckedIn,
    /// The offer was redeemed.
    Redeemed,
    /// The member's credential for the offer was voided.
    Voided,
    /// A redemption of the offer was voided (the sale cancelled).
    RedemptionVoided,
    /// A redemption of the offer was reversed (refunded).
    Reversed,
}

impl ActivityKind {
    /// Every kind, in the order of their numbers.
    pub const ALL: [ActivityKind; 7] = [
        Self::Issued,
        Self::Saved,
        Self::CheckedIn,
        Self::Redeemed,
        Self::Voided,
        Self::RedemptionVoided,
        Self::Reversed,
    ];

    /// The kind numbered `code`, if any.
    pub fn of_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// Its number (the reference's integer `activity_type`).
    pub fn code(self) -> u8 {
        match self {
            Self::Issued => 1,
            Self::Saved => 2,
            Self::CheckedIn => 3,
            Self::Redeemed => 4,
            Self::Voided => 5,
            Self::RedemptionVoided => 6,
            Self::Reversed => 7,
        }
    }

    /// Its name, as stored and shown (`description`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Saved => "saved",
            Self::CheckedIn => "checked_in",
            Self::Redeemed => "redeemed",
            Self::Voided => "voided",
            Self::RedemptionVoided => "redemption_voided",
            Self::Reversed => "reversed",
        }
    }
}

/// One activity of a member, in the reference's `offer_activity` field names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferActivity {
    /// Its id: the event's log offset times 1024 plus its place in the event.
    pub id: u64,
    /// [`ActivityKind::code`].
    pub activity_type: u8,
    /// [`ActivityKind::name`].
    pub description: String,
    /// The member.
    pub member_id: MemberId,
    /// The offer (none for a check-in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<OfferId>,
    /// The credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<CredentialId>,
    /// The redemption (`transaction_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<RedemptionId>,
    /// Where a redemption or check-in happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<StoreId>,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}
