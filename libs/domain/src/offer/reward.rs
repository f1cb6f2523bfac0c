//! An offer's reward terms and their translation into the discount engine's reward.

use crate::ids::ItemSetId;
use discount::{ItemSet, OrderSpread, Reward, UnitDiscount};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kind of reward an offer gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RewardKind {
    /// Points only, no discount.
    #[default]
    Points,
    /// `reward_value` off the order.
    OrderAmountOff,
    /// `reward_value` percent off the order.
    OrderPercentOff,
    /// Rewarded units free.
    ItemFree,
    /// `reward_value` off each rewarded unit.
    ItemAmountOff,
    /// `reward_value` percent off each rewarded unit.
    ItemPercentOff,
    /// Rewarded units at the price `reward_value`.
    ItemFixedPrice,
}

impl RewardKind {
    /// Whether the reward works on units of the redemption item set.
    pub fn is_item_level(self) -> bool {
        matches!(
            self,
            Self::ItemFree | Self::ItemAmountOff | Self::ItemPercentOff | Self::ItemFixedPrice
        )
    }

    /// Whether `reward_value` is a percentage.
    pub fn is_percent(self) -> bool {
        matches!(self, Self::OrderPercentOff | Self::ItemPercentOff)
    }

    /// Whether the kind needs a `reward_value`.
    pub fn needs_value(self) -> bool {
        !matches!(self, Self::Points | Self::ItemFree)
    }
}

/// What a redemption of the offer gives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RewardTerms {
    /// Kind of reward.
    pub kind: RewardKind,
    /// Amount, percent or price, by kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// Minimum basket subtotal for the offer to apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_spend_amount: Option<Decimal>,
    /// Cap on the discount of one redemption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_amount: Option<Decimal>,
    /// Item set to buy from (buy N get M).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_item_set_id: Option<ItemSetId>,
    /// N of buy N get M (1 when a required set is given without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_item_count: Option<u32>,
    /// Item set whose units are rewarded (item-level kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redemption_item_set_id: Option<ItemSetId>,
    /// M of buy N get M (1 by default), or the most units rewarded without a requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redemption_item_count: Option<u32>,
    /// Points earned per redemption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_earning_value: Option<u64>,
    /// Points a member spends to get the offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_required_value: Option<u64>,
    /// Most rounds of buy N get M one basket gets; none = as many as it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rounds: Option<u32>,
    /// How an order-level discount is spread across the lines.
    #[serde(default, skip_serializing_if = "is_default_spread")]
    pub order_spread: OrderSpread,
    /// Rank among the offers one basket meets (higher first): it decides which exclusive
    /// offer applies, and which apply under the account's cap on offers per basket.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub priority: i32,
}

fn is_default_spread(spread: &OrderSpread) -> bool {
    *spread == OrderSpread::default()
}

fn is_zero(priority: &i32) -> bool {
    *priority == 0
}

impl RewardTerms {
    /// The engine's reward, with item sets resolved by `item_set` (an unknown set is empty).
    pub fn to_engine<'a>(&self, item_set: impl Fn(ItemSetId) -> &'a ItemSet) -> Reward<'a> {
        let value = self.value.unwrap_or_default();
        let unit = match self.kind {
            RewardKind::Points => return Reward::PointsOnly,
            RewardKind::OrderAmountOff => return Reward::OrderAmountOff(value),
            RewardKind::OrderPercentOff => return Reward::OrderPercentOff(value),
            RewardKind::ItemFree => UnitDiscount::Free,
            RewardKind::ItemAmountOff => UnitDiscount::AmountOff(value),
            RewardKind::ItemPercentOff => UnitDiscount::PercentOff(value),
            RewardKind::ItemFixedPrice => UnitDiscount::FixedPrice(value),
        };
        let target = item_set(self.redemption_item_set_id.unwrap_or(ItemSetId(0)));
        match self.required_item_set_id {
            Some(required) => Reward::BuyGet {
                required: item_set(required),
                required_count: self.required_item_count.unwrap_or(1),
                target,
                reward_count: self.redemption_item_count.unwrap_or(1),
                unit,
                max_rounds: self.max_rounds,
            },
            None => Reward::Items {
                target,
                unit,
                max_units: self.redemption_item_count,
            },
        }
    }
}
