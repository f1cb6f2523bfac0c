//! The answer about one wallet entry: Sparkfly's `offer_state`, built from the live state.

use crate::http::Named;
use chrono::{DateTime, Utc};
use domain::time::format_timestamp;
use domain::wallet::queries::WalletEntry;
use schemars::JsonSchema;
use serde::Serialize;

/// An offer in a member's wallet, in the reference's field names. `token` is never given and
/// `transferable` is always false: no entry can be handed to another member.
#[derive(Debug, Serialize, JsonSchema)]
pub(in crate::routes) struct OfferStateView {
    offer_state_id: u64,
    member_id: u64,
    offer_id: u64,
    /// The channel it was saved on (an addition to the reference).
    channel_id: u64,
    offer_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    offer_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offer_terms_and_conditions: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credential_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    activates_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_ref_id: Option<String>,
    /// `active`, `pending` (before its activation), `expired`, `redeemed`, `reversed` or
    /// `voided`.
    status: &'static str,
    /// Whether a point-of-sale reservation holds its code.
    locked: bool,
    /// Whether it was paid for with points.
    is_reward: bool,
    /// Whether its offer costs points.
    offer_value_required: bool,
    /// Points it cost.
    value: u64,
    transferable: bool,
}

impl Named for OfferStateView {
    const ONE: &'static str = "offer_state";
    const MANY: &'static str = "offer_states";
}

impl OfferStateView {
    /// The answer about `entry` at `now`.
    pub(in crate::routes) fn new(entry: &WalletEntry<'_>, now: DateTime<Utc>) -> Self {
        let held = entry.offer_state;
        let offer = entry.offer;
        Self {
            offer_state_id: held.id.0,
            member_id: held.member_id.0,
            offer_id: held.offer_id.0,
            channel_id: held.channel_id.0,
            offer_name: offer.map(|offer| offer.name.clone()).unwrap_or_default(),
            offer_description: offer.and_then(|offer| offer.description.clone()),
            offer_terms_and_conditions: offer.and_then(|offer| offer.terms_and_conditions.clone()),
            credential_identifier: entry
                .credential
                .and_then(|credential| credential.identifier.as_deref().map(str::to_owned)),
            activates_at: held.activates_at.as_ref().map(format_timestamp),
            expires_at: held.expires_at.as_ref().map(format_timestamp),
            external_ref_id: held.external_ref_id.clone(),
            status: entry.status_at(now),
            locked: entry.is_locked_at(now),
            is_reward: held.points_paid > 0,
            offer_value_required: offer
                .is_some_and(|offer| offer.reward.points_required_value.unwrap_or(0) > 0),
            value: held.points_paid,
            transferable: false,
        }
    }
}
