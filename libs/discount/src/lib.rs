//! The item-level discount engine: a pure function of (basket, offers, currency, stacking
//! rules) to exact per-line discounts, per-offer outcomes and points. No IO, no clock, no
//! randomness, no global state: the same inputs always give the same [`Evaluation`].
//!
//! # Inputs
//!
//! * [`Basket`]: `1..=500` lines, each with a unique non-empty `line_id` and a non-empty
//!   `item_code` (both at most 64 characters), a `quantity` in `1..=10000` and a `unit_price`
//!   in `0..=1_000_000_000` with no digit below the currency's minor unit (`1.005` USD is an
//!   error; `1.5` and `1.500` are fine).
//! * [`Currency`]: the number of decimal places of the minor unit, `0..=4`.
//! * [`OfferInput`]s with unique `offer_id`s: percentages in `0..=100` with at most 6 decimal
//!   places, amounts `>= 0` with no digit below the minor unit, counts (`required_count`,
//!   `reward_count`, `max_units`, `max_rounds`) at least 1. Each also has an [`OrderSpread`]
//!   and a [`Stacking`] (exclusive or not, and a priority, any `i32`).
//! * [`StackingRules`]: an optional cap `max_offers` (at least 1) on the number of offers.
//!
//! Anything else is a [`BasketError`] (offer problems are [`BasketError::InvalidOffer`] with
//! an [`OfferError`]); the engine never panics.
//!
//! # Arithmetic
//!
//! Amounts are converted once to integer minor units (`i64` per line, `i128` for sums and
//! products) and back to [`Decimal`](rust_decimal::Decimal) at the end, every output amount
//! with exactly the currency's decimal places (`"1.50"`, `"0.00"` in USD, `"150"` in JPY).
//! A percentage of an amount is `round(amount * p / 100)` to the minor unit, rounding half
//! away from zero, computed exactly in integers.
//!
//! # Order and remaining amounts
//!
//! Offers are *ranked* by priority (higher first), then ascending `offer_id`. Offers apply one
//! after another in *application order*: item-level offers (`Items`, `BuyGet`) first, then
//! order-level offers (`OrderAmountOff`, `OrderPercentOff`), then points-only offers, each group
//! by rank (so with equal priorities, by ascending `offer_id`); the order of the input slice
//! does not matter. Which offers take part is decided by the stacking rules (below); with no
//! exclusive offer and no cap, all of them do, in one pass. Every line has a *remaining*
//! amount, its line total minus the discounts of earlier offers; no offer takes a line below
//! zero. Lines are processed in `line_id` order (ties anywhere are broken by ascending
//! `line_id`), so every result, per line too, is independent of the order of the basket's
//! lines; the output lists lines in the basket's order and offers in application order, every
//! offer given, including those the stacking rules left out.
//!
//! # Conditions, outcomes and points
//!
//! * `min_spend` is compared with the pre-discount subtotal; below it the offer is
//!   [`OfferOutcome::MinSpendNotMet`] with no discount and no points.
//! * A discount offer is [`OfferOutcome::Applied`] when its discount is above zero, and only
//!   then earns its points; otherwise it is [`OfferOutcome::NothingToDiscount`] (no qualifying
//!   units, everything already at zero, or a zero reward or `max_amount`).
//! * A `PointsOnly` offer is `Applied` (and earns its points) whenever `min_spend` is met.
//! * `max_amount` caps an offer's total discount. `total_points` saturates at `u64::MAX`.
//! * `units_rewarded` counts the units an applied item-level offer rewarded (0 otherwise).
//! * [`OfferOutcome::Excluded`] and [`OfferOutcome::CapReached`] come from the stacking rules
//!   (below). An offer with any outcome but `Applied` has zero discount, points and units.
//!
//! # Rewards
//!
//! Unit selection looks at unit prices and quantities, not at earlier offers, with one
//! exception: a line whose remaining amount is zero (a zero price, or fully discounted by an
//! earlier offer) cannot be rewarded, though its units can still count as bought. A unit
//! serves one role (bought or rewarded) within an offer; units are handled as run-lengths per
//! line, never one by one, so the cost does not grow with quantities.
//!
//! * Unit discounts: `Free` = the unit price; `AmountOff(a)` = `min(a, price)`;
//!   `PercentOff(p)` = `price * p / 100`; `FixedPrice(f)` = `max(0, price - f)`. On a line
//!   with `k` rewarded units the discount is `k` times that (for a percentage,
//!   `round(k * price * p / 100)` once for the line), then capped at the line's remaining
//!   amount.
//! * `Items`: every unit of a line whose `item_code` is in `target` qualifies; with
//!   `max_units`, only the `max_units` lowest-priced ones (equal prices by `line_id`).
//! * `BuyGet` (buy N get M, "equal or lesser value"): rounds repeat while at least N
//!   `required` units and some `target` unit are available, and, with `max_rounds`, fewer than
//!   `max_rounds` rounds were done: the N highest-priced available required units are bought,
//!   then up to M of the lowest-priced available target units (never the ones just bought) are
//!   rewarded; a short last round rewards what is left (and counts as a round). So at most
//!   `min(floor(required units / N), max_rounds) * M` units are rewarded. The sets may overlap
//!   (buy one get one free on one set makes the cheaper of two units free).
//! * When an item-level offer's line discounts add up to more than `max_amount`, `max_amount`
//!   is spread across those lines in proportion to them.
//! * Order-level: the base is the sum of the remaining amounts; the discount is
//!   `min(amount, base)` or `round(base * p / 100)`, capped at `max_amount`, whatever the
//!   spread. The offer's [`OrderSpread`] decides only how it is spread across the lines:
//!   * `AfterItemDiscounts` (the default): in proportion to the lines' remaining amounts.
//!   * `BeforeItemDiscounts`: in proportion to the lines' totals before any discount, no line
//!     below zero. Lines with a remaining amount of zero have weight zero (they take nothing).
//!     The total is spread over the weights; every line whose part exceeds its remaining
//!     amount is capped at it, and the excess is spread over the lines not capped so far, by
//!     the same rule on their weights, and added to their parts; this repeats until no part
//!     exceeds (each round caps at least one more line, and as the total is at most the sum
//!     of the remaining amounts it always fits). With no earlier discount on any line the two
//!     spreads agree; after one (an item-level offer, or an earlier order-level offer) they
//!     may differ.
//!
//! Every spread uses one rule, the largest remainder method in integer minor units: each line
//! gets `floor(total * weight / sum)`, and the units left over go one each to the largest
//! remainders, equal remainders by ascending `line_id`. The parts add up to the total exactly
//! and none exceeds its weight, so the total discount equals both the sum of the lines'
//! discounts and the sum of the offers' discounts, exactly.
//!
//! # Stacking
//!
//! When several offers meet one basket:
//!
//! * **Exclusive offers** ([`Stacking::exclusive`]): each is evaluated alone on the basket, in
//!   rank order. The first whose outcome is `Applied` wins: the evaluation is exactly its lone
//!   evaluation, and every other offer is [`OfferOutcome::Excluded`]. When none applies, each
//!   exclusive offer keeps the outcome of its lone evaluation (`MinSpendNotMet` or
//!   `NothingToDiscount`) and the other offers are evaluated without them, as below.
//! * **Cap** ([`StackingRules::max_offers`] = k): the non-exclusive offers are chosen greedily
//!   in rank order. An offer is chosen when evaluating the chosen offers plus it (in
//!   application order) gives it `Applied` and leaves every chosen offer `Applied`. Otherwise
//!   it is left out, reported with its outcome in that trial (`MinSpendNotMet`,
//!   `NothingToDiscount`), or `Excluded` when it applied but took a chosen offer's discount
//!   away entirely. Once k offers are chosen, the offers not yet considered are
//!   [`OfferOutcome::CapReached`]. The evaluation is that of the chosen offers, plus the
//!   others with their outcomes. A points-only offer counts towards the cap when it applies.
//! * With neither an exclusive offer nor a cap, all offers are evaluated together in a single
//!   pass.

mod allocate;
mod basket;
mod engine;
mod error;
mod money;
mod result;
mod reward;
mod spread;
mod stacking;
mod state;
mod units;
mod validate;

pub use basket::{
    Basket, BasketLine, ItemSet, MAX_CODE_CHARS, MAX_LINES, MAX_QUANTITY, MAX_UNIT_PRICE,
};
pub use engine::evaluate;
pub use error::{BasketError, OfferError};
pub use money::{Currency, MAX_MINOR_UNITS, MAX_PERCENT_DECIMALS};
pub use result::{Allocation, Evaluation, LineResult, OfferOutcome, OfferResult};
pub use reward::{OfferInput, OrderSpread, Reward, UnitDiscount};
pub use stacking::{Stacking, StackingRules};
