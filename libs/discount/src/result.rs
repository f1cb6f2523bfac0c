//! The evaluation result: per-line discounts with their per-offer allocations, per-offer
//! outcomes, and the totals. Stored inside redemption events as JSON, so the serde shape is
//! part of the contract.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The result of evaluating offers against a basket. Every amount has exactly the currency's
/// number of decimal places.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Evaluation {
    /// One per basket line, in the basket's order.
    pub lines: Vec<LineResult>,
    /// One per offer, in application order (item-level, then order-level, then points-only,
    /// each by rank), the offers the stacking rules left out included.
    pub offers: Vec<OfferResult>,
    /// Sum of the line totals before discounts.
    pub subtotal: Decimal,
    /// Total discount: the sum of the lines' discounts and of the offers' discounts.
    pub total_discount: Decimal,
    /// Points earned by the applied offers.
    pub total_points: u64,
}

/// The discount on one basket line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LineResult {
    /// The basket line's `line_id`.
    pub line_id: String,
    /// `quantity * unit_price`, before discounts.
    pub line_total: Decimal,
    /// Total discount on the line, `0..=line_total`.
    pub discount: Decimal,
    /// The non-zero parts of `discount` by offer, in applied-offer order.
    pub allocations: Vec<Allocation>,
}

/// One offer's part of a line's discount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Allocation {
    /// The offer.
    pub offer_id: u64,
    /// Its discount on the line (non-zero).
    pub amount: Decimal,
}

/// What one offer did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferResult {
    /// The offer.
    pub offer_id: u64,
    /// Whether it applied and, if not, why.
    pub outcome: OfferOutcome,
    /// Its total discount.
    pub discount: Decimal,
    /// Points it earned.
    pub points: u64,
    /// Units it rewarded (item-level offers that applied; 0 otherwise).
    pub units_rewarded: u32,
}

/// Whether an offer applied and, if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferOutcome {
    /// The offer gave a discount, or it is points-only and its minimum spend was met.
    Applied,
    /// The basket's subtotal is below the offer's minimum spend.
    MinSpendNotMet,
    /// The offer found nothing to discount (no qualifying units, everything already at zero,
    /// or a zero reward).
    NothingToDiscount,
    /// The offer was left out by the stacking rules: an exclusive offer applied, or, under a
    /// cap on the number of offers, it would have taken away an offer chosen before it.
    Excluded,
    /// The cap on the number of offers was reached before the offer was considered.
    CapReached,
}
