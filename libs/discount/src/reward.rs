//! Offer inputs: what an offer gives (`Reward`, `UnitDiscount`), how an order-level discount is
//! spread (`OrderSpread`), and its conditions (`OfferInput`).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::basket::ItemSet;
use crate::stacking::Stacking;

/// What one rewarded unit gets.
///
/// Serialises adjacently tagged, e.g. `{"type": "percent_off", "value": "10"}`,
/// `{"type": "free"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum UnitDiscount {
    /// The unit is free.
    Free,
    /// This amount off the unit price (at most the unit price).
    AmountOff(Decimal),
    /// This percentage (`0..=100`) off the unit price.
    PercentOff(Decimal),
    /// The unit costs this price (no discount when the unit price is already lower).
    FixedPrice(Decimal),
}

/// How an order-level discount (`OrderAmountOff`, `OrderPercentOff`) is spread across the
/// lines. The offer's total discount is the same either way; only the split differs.
///
/// Serialises as `"after_item_discounts"` or `"before_item_discounts"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderSpread {
    /// In proportion to the lines' remaining amounts, after the discounts of earlier offers
    /// (today's rule).
    #[default]
    AfterItemDiscounts,
    /// In proportion to the lines' totals before any discount.
    BeforeItemDiscounts,
}

/// What an offer gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reward<'a> {
    /// Amount off the whole order.
    OrderAmountOff(Decimal),
    /// Percent off the whole order.
    OrderPercentOff(Decimal),
    /// A unit discount on units of `target`, on at most `max_units` units when set (all
    /// qualifying units otherwise).
    Items {
        /// The items the discount applies to.
        target: &'a ItemSet,
        /// What each rewarded unit gets.
        unit: UnitDiscount,
        /// At most this many units (the lowest-priced) are rewarded; `None` rewards them all.
        max_units: Option<u32>,
    },
    /// Buy `required_count` units of `required`, get `reward_count` units of `target` with
    /// `unit` applied; repeatable, at most `max_rounds` times when set.
    BuyGet {
        /// The items that must be bought.
        required: &'a ItemSet,
        /// Units bought per round.
        required_count: u32,
        /// The items that can be rewarded.
        target: &'a ItemSet,
        /// Units rewarded per round.
        reward_count: u32,
        /// What each rewarded unit gets.
        unit: UnitDiscount,
        /// At most this many rounds per basket; `None` repeats while units allow.
        max_rounds: Option<u32>,
    },
    /// Points only, no discount.
    PointsOnly,
}

impl Reward<'_> {
    /// Whether the reward discounts individual items (`Items`, `BuyGet`).
    pub fn is_item_level(&self) -> bool {
        matches!(self, Reward::Items { .. } | Reward::BuyGet { .. })
    }

    /// Whether the reward discounts the whole order (`OrderAmountOff`, `OrderPercentOff`).
    pub fn is_order_level(&self) -> bool {
        matches!(self, Reward::OrderAmountOff(_) | Reward::OrderPercentOff(_))
    }
}

/// One offer to evaluate against a basket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfferInput<'a> {
    /// The offer's identifier, unique among the offers of one evaluation.
    pub offer_id: u64,
    /// What the offer gives.
    pub reward: Reward<'a>,
    /// The basket's pre-discount subtotal must be at least this, else the offer does not apply.
    pub min_spend: Option<Decimal>,
    /// Cap on this offer's total discount.
    pub max_amount: Option<Decimal>,
    /// Points earned when the offer applies.
    pub points: u64,
    /// How an order-level discount is spread across the lines (ignored by other rewards).
    pub spread: OrderSpread,
    /// Whether the offer is exclusive, and its priority among the offers of one evaluation.
    pub stacking: Stacking,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn unit_discount_json_shape() {
        let cases = [
            (UnitDiscount::Free, r#"{"type":"free"}"#),
            (
                UnitDiscount::AmountOff(Decimal::new(150, 2)),
                r#"{"type":"amount_off","value":"1.50"}"#,
            ),
            (
                UnitDiscount::PercentOff(Decimal::TEN),
                r#"{"type":"percent_off","value":"10"}"#,
            ),
            (
                UnitDiscount::FixedPrice(Decimal::new(99, 2)),
                r#"{"type":"fixed_price","value":"0.99"}"#,
            ),
        ];
        for (unit, json) in cases {
            assert_eq!(serde_json::to_string(&unit).unwrap(), json);
            assert_eq!(serde_json::from_str::<UnitDiscount>(json).unwrap(), unit);
        }
    }

    #[test]
    fn order_spread_json_shape_and_default() {
        let cases = [
            (OrderSpread::AfterItemDiscounts, r#""after_item_discounts""#),
            (
                OrderSpread::BeforeItemDiscounts,
                r#""before_item_discounts""#,
            ),
        ];
        for (spread, json) in cases {
            assert_eq!(serde_json::to_string(&spread).unwrap(), json);
            assert_eq!(serde_json::from_str::<OrderSpread>(json).unwrap(), spread);
        }
        assert_eq!(OrderSpread::default(), OrderSpread::AfterItemDiscounts);
    }

    #[test]
    fn reward_levels() {
        let set = ItemSet::new(["a"]);
        let items = Reward::Items {
            target: &set,
            unit: UnitDiscount::Free,
            max_units: None,
        };
        assert!(items.is_item_level() && !items.is_order_level());
        assert!(Reward::OrderPercentOff(Decimal::TEN).is_order_level());
        assert!(!Reward::PointsOnly.is_item_level() && !Reward::PointsOnly.is_order_level());
    }
}
