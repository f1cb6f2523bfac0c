//! Offers: their lifecycle (pending, approved, stopped; expired by time), their window, their
//! redemption limits, their reward terms and who is eligible; `queries` answers what the API
//! asks of them (with their channel links) in live state.

mod details;
mod item_sets;
mod passbook;
pub mod queries;
mod reward;

pub use reward::{RewardKind, RewardTerms};

use crate::idempotency::hash_given;
use crate::ids::{ItemSetId, MemberListId, MerchantId, OfferId, StoreListId};
use chrono::{DateTime, Utc};
use discount::OrderSpread;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

pub use details::{Criteria, OfferFormatting, ProgramFields, MAX_CRITERIA_CHARS};

pub use item_sets::{ItemSetRole, ItemSetRule, MAX_REQUIRED_QUANTITY};
pub use passbook::{PassbookConfiguration, PassbookFields, MAX_CERTIFICATE};

/// Where an offer is in its lifecycle. `expired` is not stored: it follows from `expires_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    /// Created, not yet approved: no credentials, no redemptions.
    Pending,
    /// Approved: runs within its window.
    Approved,
    /// Stopped by the account: no new credentials and no redemptions.
    Stopped,
}

/// The redemption limits of an offer (absent = unlimited). The per-channel cap lives on the
/// offer's link to each channel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Limits {
    /// Redemptions in total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_redemptions: Option<u32>,
    /// Redemptions per member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_redemptions_per_member: Option<u32>,
    /// Redemptions per member per day, the day in the account's time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_redemptions_per_member_per_day: Option<u32>,
}

/// Who an offer is for (empty = no restriction on that dimension). Channels are the offer's
/// channel links.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Eligibility {
    /// Merchants whose stores may redeem.
    pub merchant_ids: BTreeSet<MerchantId>,
    /// Store lists whose stores may redeem.
    pub store_list_ids: BTreeSet<StoreListId>,
    /// Member lists whose members may receive and redeem.
    pub member_list_ids: BTreeSet<MemberListId>,
    /// Item sets a basket is checked against: by default it must contain at least one item
    /// of one of them; `item_set_rules` says otherwise for some.
    pub item_set_ids: BTreeSet<ItemSetId>,
    /// The rules of eligible item sets that do not follow the default (see [`ItemSetRule`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub item_set_rules: BTreeMap<ItemSetId, ItemSetRule>,
}

impl Eligibility {
    /// Whether only some stores may redeem (by merchant or by store list).
    pub fn restricts_stores(&self) -> bool {
        !self.merchant_ids.is_empty() || !self.store_list_ids.is_empty()
    }
}

/// An offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Offer {
    /// Its id.
    pub id: OfferId,
    /// Its name (used in error messages).
    pub name: String,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The merchant running it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<MerchantId>,
    /// Lifecycle status.
    pub status: OfferStatus,
    /// Sparkfly's offer type code.
    pub offer_type: u32,
    /// Category label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Offer code shown to members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_code: Option<String>,
    /// Code the point of sale knows the offer by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos_offer_code: Option<String>,
    /// Terms and conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_and_conditions: Option<String>,
    /// Description of the reward item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_item_description: Option<String>,
    /// Start of the window (inclusive); none = already active.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub activates_at: Option<DateTime<Utc>>,
    /// End of the window (exclusive); none = never expires.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
    /// No new credentials from then on; issued ones stay redeemable until `expires_at`.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub stop_offering_at: Option<DateTime<Utc>>,
    /// Redemption limits.
    pub limits: Limits,
    /// What a redemption gives.
    pub reward: RewardTerms,
    /// Who may receive and redeem it.
    pub eligibility: Eligibility,
    /// How it is shown, and whether it combines with other offers on an order.
    #[serde(default, skip_serializing_if = "OfferFormatting::is_empty")]
    pub formatting: OfferFormatting,
    /// Sparkfly's program fields, kept and answered.
    #[serde(default, skip_serializing_if = "ProgramFields::is_empty")]
    pub program: ProgramFields,
    /// When it was approved.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub approved_at: Option<DateTime<Utc>>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

impl Offer {
    /// Whether a credential for it may be redeemed at `now`: approved and inside its window.
    pub fn is_redeemable_at(&self, now: DateTime<Utc>) -> bool {
        self.status == OfferStatus::Approved
            && self.activates_at.is_none_or(|start| start <= now)
            && self.expires_at.is_none_or(|end| now < end)
    }

    /// Whether a new credential for it may be issued at `now`.
    pub fn is_offering_at(&self, now: DateTime<Utc>) -> bool {
        self.is_redeemable_at(now) && self.stop_offering_at.is_none_or(|stop| now < stop)
    }

    /// The status a client sees at `now`, with `expired` derived from the window.
    pub fn status_at(&self, now: DateTime<Utc>) -> &'static str {
        match self.status {
            OfferStatus::Pending => "pending",
            OfferStatus::Stopped => "stopped",
            OfferStatus::Approved if self.expires_at.is_some_and(|end| end <= now) => "expired",
            OfferStatus::Approved => "approved",
        }
    }
}

/// Offer fields given on create or update; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferFields {
    /// Name (required on create).
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Merchant running it.
    pub merchant_id: Option<MerchantId>,
    /// Sparkfly's offer type code.
    pub offer_type: Option<u32>,
    /// Category label.
    pub category: Option<String>,
    /// Offer code.
    pub offer_code: Option<String>,
    /// Point-of-sale offer code.
    pub pos_offer_code: Option<String>,
    /// Terms and conditions.
    pub terms_and_conditions: Option<String>,
    /// Description of the reward item.
    pub reward_item_description: Option<String>,
    /// Start of the window.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub activates_at: Option<DateTime<Utc>>,
    /// End of the window.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
    /// End of issuing.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub stop_offering_at: Option<DateTime<Utc>>,
    /// Total redemptions.
    pub max_redemptions: Option<u32>,
    /// Redemptions per member.
    pub max_redemptions_per_member: Option<u32>,
    /// Redemptions per member per day.
    pub max_redemptions_per_member_per_day: Option<u32>,
    /// Kind of reward.
    pub reward_kind: Option<RewardKind>,
    /// Amount, percent or price of the reward, by kind.
    pub reward_value: Option<Decimal>,
    /// Minimum basket subtotal.
    pub min_spend_amount: Option<Decimal>,
    /// Cap on the discount of one redemption.
    pub max_amount: Option<Decimal>,
    /// Item set to buy from (buy N get M).
    pub required_item_set_id: Option<ItemSetId>,
    /// N of buy N get M.
    pub required_item_count: Option<u32>,
    /// Item set whose units are rewarded.
    pub redemption_item_set_id: Option<ItemSetId>,
    /// M of buy N get M, or the most units rewarded without a requirement.
    pub redemption_item_count: Option<u32>,
    /// Points earned per redemption.
    pub points_earning_value: Option<u64>,
    /// Points a member spends to get it.
    pub points_required_value: Option<u64>,
    /// How it is shown; each field given replaces the kept one.
    #[serde(default)]
    pub formatting: Option<OfferFormatting>,
    /// Sparkfly's criteria: a JSON object.
    #[serde(default)]
    pub criteria: Option<Criteria>,
    /// Offered only through quests.
    #[serde(default)]
    pub quest_only: Option<bool>,
    /// A reward of a program.
    #[serde(default)]
    pub is_reward: Option<bool>,
    /// The reward's reference in another system (empty clears it).
    #[serde(default)]
    pub external_reward: Option<String>,
    /// The amount that triggers it, in minor units.
    #[serde(default)]
    pub trigger_amount: Option<u32>,
    /// The value of the reward item, in minor units.
    #[serde(default)]
    pub reward_item_value: Option<u32>,
    /// Redeemed until a remaining value is used up.
    #[serde(default)]
    pub redeem_until_depleted: Option<bool>,
    /// The value it starts with when redeemed until depleted, in minor units.
    #[serde(default)]
    pub initial_remaining_value: Option<u32>,
    /// Most rounds of buy N get M one basket gets (0 lifts the cap).
    #[serde(default)]
    pub max_reward_rounds: Option<u32>,
    /// How an order-level discount is spread across the lines.
    #[serde(default)]
    pub order_discount_spread: Option<OrderSpread>,
    /// Rank among the offers one basket meets (higher first).
    #[serde(default)]
    pub priority: Option<i32>,
}

/// Written by hand to keep the idempotency fingerprint of a request naming none of the
/// fields added after the first ones what it was (the derived hash of those fields, in
/// order), so a retry sent across an upgrade still matches its first request; each later
/// field is hashed after them, with its position, only when given.
impl Hash for OfferFields {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let OfferFields {
            name,
            description,
            merchant_id,
            offer_type,
            category,
            offer_code,
            pos_offer_code,
            terms_and_conditions,
            reward_item_description,
            activates_at,
            expires_at,
            stop_offering_at,
            max_redemptions,
            max_redemptions_per_member,
            max_redemptions_per_member_per_day,
            reward_kind,
            reward_value,
            min_spend_amount,
            max_amount,
            required_item_set_id,
            required_item_count,
            redemption_item_set_id,
            redemption_item_count,
            points_earning_value,
            points_required_value,
            formatting,
            criteria,
            quest_only,
            is_reward,
            external_reward,
            trigger_amount,
            reward_item_value,
            redeem_until_depleted,
            initial_remaining_value,
            max_reward_rounds,
            order_discount_spread,
            priority,
        } = self;
        name.hash(state);
        description.hash(state);
        merchant_id.hash(state);
        offer_type.hash(state);
        category.hash(state);
        offer_code.hash(state);
        pos_offer_code.hash(state);
        terms_and_conditions.hash(state);
        reward_item_description.hash(state);
        activates_at.hash(state);
        expires_at.hash(state);
        stop_offering_at.hash(state);
        max_redemptions.hash(state);
        max_redemptions_per_member.hash(state);
        max_redemptions_per_member_per_day.hash(state);
        reward_kind.hash(state);
        reward_value.hash(state);
        min_spend_amount.hash(state);
        max_amount.hash(state);
        required_item_set_id.hash(state);
        required_item_count.hash(state);
        redemption_item_set_id.hash(state);
        redemption_item_count.hash(state);
        points_earning_value.hash(state);
        points_required_value.hash(state);
        hash_given(state, 0, formatting);
        hash_given(state, 1, criteria);
        hash_given(state, 2, quest_only);
        hash_given(state, 3, is_reward);
        hash_given(state, 4, external_reward);
        hash_given(state, 5, trigger_amount);
        hash_given(state, 6, reward_item_value);
        hash_given(state, 7, redeem_until_depleted);
        hash_given(state, 8, initial_remaining_value);
        hash_given(state, 9, max_reward_rounds);
        hash_given(state, 10, order_discount_spread);
        hash_given(state, 11, priority);
    }
}

/// One of the eligibility dimensions an offer can be restricted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EligibilityDimension {
    /// Merchants.
    Merchants,
    /// Store lists.
    StoreLists,
    /// Member lists.
    MemberLists,
    /// Item sets.
    ItemSets,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merchants_and_store_lists_restrict_stores_members_and_items_do_not() {
        let none = Eligibility::default();
        let merchants = Eligibility {
            merchant_ids: [MerchantId(1)].into(),
            ..Eligibility::default()
        };
        let store_lists = Eligibility {
            store_list_ids: [StoreListId(1)].into(),
            ..Eligibility::default()
        };
        let members_and_items = Eligibility {
            member_list_ids: [MemberListId(1)].into(),
            item_set_ids: [ItemSetId(1)].into(),
            ..Eligibility::default()
        };
        assert!(!none.restricts_stores());
        assert!(merchants.restricts_stores());
        assert!(store_lists.restricts_stores());
        assert!(!members_and_items.restricts_stores());
    }
}
