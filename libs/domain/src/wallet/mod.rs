//! The offer wallet (Sparkfly's member offer states): an offer saved to a member, with its own
//! activation and expiry, and the credential that redeems it. An offer that costs points
//! (`points_required_value`) is paid for from the member's points when it enters the wallet,
//! and paid back when its entry is voided unused. `queries` answers what the API asks.

pub mod queries;

use crate::ids::{ChannelId, CredentialId, MemberId, OfferId, OfferStateId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Longest `external_ref_id` accepted.
pub const MAX_EXTERNAL_REF: usize = 255;

/// An offer in a member's wallet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferState {
    /// Its id.
    pub id: OfferStateId,
    /// The member holding it.
    pub member_id: MemberId,
    /// The offer.
    pub offer_id: OfferId,
    /// The channel it was saved on.
    pub channel_id: ChannelId,
    /// The credential that redeems it.
    pub credential_id: CredentialId,
    /// Not redeemable before this time, when set.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub activates_at: Option<DateTime<Utc>>,
    /// Not redeemable from this time on, when set.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The caller's own reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ref_id: Option<String>,
    /// Points paid for it (the offer's `points_required_value` when it was saved).
    #[serde(default)]
    pub points_paid: u64,
    /// When it was voided.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub voided_at: Option<DateTime<Utc>>,
    /// When it was saved.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// What a client gives to save an offer to a wallet or change an entry's availability;
/// absent fields stay as they are on update. Times are RFC 3339.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct OfferStateFields {
    /// Not redeemable before this time.
    #[serde(default, with = "crate::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub activates_at: Option<DateTime<Utc>>,
    /// Not redeemable from this time on.
    #[serde(default, with = "crate::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The caller's own reference (empty clears it on update).
    #[serde(default)]
    pub external_ref_id: Option<String>,
}
