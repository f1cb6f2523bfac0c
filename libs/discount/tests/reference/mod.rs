//! A slow, obviously-correct reference model of the discount engine, written from the crate
//! documentation of `libs/discount/src/lib.rs` (the README points there for the exact rules)
//! and the Sparkfly reward fields (`min_spend_amount`, `max_amount`, `required_item_count`,
//! `redemption_item_count`), not from the engine's code. It works unit by unit in exact
//! rationals and is only for tests: it takes valid inputs and checks nothing.
//!
//! Which part implements which documented rule:
//! * [`evaluate`] and [`stacking`]: "Stacking" (exclusive offers evaluated alone, the cap's
//!   greedy choice by evaluating subsets of the offers, and the outcomes of the offers left
//!   out).
//! * [`evaluate_all`]: "Order and remaining amounts" (item-level, then order-level, then
//!   points-only, each by rank: priority, then ascending `offer_id`; lines in `line_id` order;
//!   every line keeps a remaining amount that never goes below zero) and "Conditions, outcomes
//!   and points" (`min_spend` against the pre-discount subtotal, `Applied` only with a
//!   discount above zero or for points-only, points only when applied, `units_rewarded`).
//! * [`item_discounts`]: "Unit discounts" (`Free`, `AmountOff`, `PercentOff` rounded once per
//!   line, `FixedPrice`; capped at the line's remaining amount) and the item-level
//!   `max_amount` cap spread in proportion to the line discounts.
//! * [`order_discounts`]: "Order-level" (base = sum of remaining amounts; `min(amount, base)`
//!   or `round(base * p / 100)`; capped at `max_amount`; spread by remaining amounts, or by
//!   line totals with no line below zero).
//! * [`selection`]: which units an `Items` or `BuyGet` offer rewards.
//! * [`arithmetic`]: rounding half away from zero and the largest remainder spread.
//!
//! Left out: input validation and its errors (the property only generates valid inputs),
//! the text form of amounts (the property checks the scale separately) and the saturation
//! of `total_points` at `u64::MAX`.

pub mod arithmetic;
mod examples;
pub mod selection;
pub mod stacking;

use std::cmp::Reverse;

use discount::{
    Basket, Currency, OfferInput, OfferOutcome, OrderSpread, Reward, StackingRules, UnitDiscount,
};

use arithmetic::{exact, int, minor_unit, percent_of, spread, spread_capped, zero, Exact};
use selection::Unit;

/// The reference answer, shaped like `discount::Evaluation` with exact amounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// One per basket line, in the basket's order.
    pub lines: Vec<LineAnswer>,
    /// One per offer, in the order they were applied.
    pub offers: Vec<OfferAnswer>,
    /// Sum of the line totals.
    pub subtotal: Exact,
    /// Sum of all discounts.
    pub total_discount: Exact,
    /// Points of the applied offers.
    pub total_points: u64,
}

/// The reference answer for one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineAnswer {
    /// The line's `line_id`.
    pub line_id: String,
    /// `quantity * unit_price`.
    pub line_total: Exact,
    /// The line's total discount.
    pub discount: Exact,
    /// Non-zero discounts by offer, in applied order.
    pub allocations: Vec<(u64, Exact)>,
}

/// The reference answer for one offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferAnswer {
    /// The offer.
    pub offer_id: u64,
    /// Whether it applied and, if not, why.
    pub outcome: OfferOutcome,
    /// Its total discount.
    pub discount: Exact,
    /// Points it earned.
    pub points: u64,
    /// Units it rewarded (0 unless an applied item-level offer).
    pub units_rewarded: u32,
}

/// One basket line in `line_id` order, with its running remaining amount.
struct Line {
    item_code: String,
    quantity: u64,
    price: Exact,
    total: Exact,
    remaining: Exact,
    allocations: Vec<(u64, Exact)>,
}

/// Evaluates `offers` against `basket` under `rules` by the documented rules (inputs assumed
/// valid).
pub fn evaluate(
    basket: &Basket,
    offers: &[OfferInput<'_>],
    currency: Currency,
    rules: StackingRules,
) -> Answer {
    stacking::evaluate(basket, offers, currency, rules)
}

/// The application order of `offer`: its group, then its rank.
pub fn application_order(offer: &OfferInput<'_>) -> (u8, Reverse<i32>, u64) {
    (
        group(&offer.reward),
        Reverse(offer.stacking.priority),
        offer.offer_id,
    )
}

/// Evaluates every one of `offers` against `basket`, one after another, stacking rules aside.
pub fn evaluate_all(basket: &Basket, offers: &[&OfferInput<'_>], currency: Currency) -> Answer {
    let unit = minor_unit(currency.minor_units);
    let mut by_line_id: Vec<usize> = (0..basket.lines.len()).collect();
    by_line_id.sort_by(|&a, &b| basket.lines[a].line_id.cmp(&basket.lines[b].line_id));
    let mut lines: Vec<Line> = by_line_id
        .iter()
        .map(|&i| {
            let line = &basket.lines[i];
            let price = exact(line.unit_price);
            Line {
                item_code: line.item_code.clone(),
                quantity: u64::from(line.quantity),
                remaining: &price * int(line.quantity),
                total: &price * int(line.quantity),
                price,
                allocations: Vec::new(),
            }
        })
        .collect();
    let subtotal: Exact = lines.iter().map(|line| &line.remaining).sum();

    let mut ordered: Vec<&OfferInput<'_>> = offers.to_vec();
    ordered.sort_by_key(|offer| application_order(offer));

    let mut answers = Vec::new();
    for offer in ordered {
        let mut answer = OfferAnswer {
            offer_id: offer.offer_id,
            outcome: OfferOutcome::NothingToDiscount,
            discount: zero(),
            points: 0,
            units_rewarded: 0,
        };
        if offer.min_spend.is_some_and(|min| subtotal < exact(min)) {
            answer.outcome = OfferOutcome::MinSpendNotMet;
            answers.push(answer);
            continue;
        }
        let (parts, units_rewarded) = match offer.reward {
            Reward::PointsOnly => {
                answer.outcome = OfferOutcome::Applied;
                answer.points = offer.points;
                answers.push(answer);
                continue;
            }
            Reward::OrderAmountOff(_) | Reward::OrderPercentOff(_) => {
                (order_discounts(&lines, offer, &unit), 0)
            }
            Reward::Items { .. } | Reward::BuyGet { .. } => item_discounts(&lines, offer, &unit),
        };
        for (line, part) in lines.iter_mut().zip(&parts) {
            line.remaining -= part;
            if *part > zero() {
                line.allocations.push((offer.offer_id, part.clone()));
            }
        }
        answer.discount = parts.iter().sum();
        if answer.discount > zero() {
            answer.outcome = OfferOutcome::Applied;
            answer.points = offer.points;
            answer.units_rewarded = u32::try_from(units_rewarded).unwrap_or(u32::MAX);
        }
        answers.push(answer);
    }

    let mut line_answers: Vec<Option<LineAnswer>> = vec![None; basket.lines.len()];
    for (line, &input_index) in lines.into_iter().zip(&by_line_id) {
        let input = &basket.lines[input_index];
        line_answers[input_index] = Some(LineAnswer {
            line_id: input.line_id.clone(),
            line_total: &line.price * int(line.quantity),
            discount: line.allocations.iter().map(|(_, amount)| amount).sum(),
            allocations: line.allocations,
        });
    }
    Answer {
        lines: line_answers.into_iter().flatten().collect(),
        total_discount: answers.iter().map(|offer| &offer.discount).sum(),
        total_points: answers.iter().map(|offer| offer.points).sum(),
        offers: answers,
        subtotal,
    }
}

/// The application group: item-level, then order-level, then points-only.
fn group(reward: &Reward<'_>) -> u8 {
    match reward {
        Reward::Items { .. } | Reward::BuyGet { .. } => 0,
        Reward::OrderAmountOff(_) | Reward::OrderPercentOff(_) => 1,
        Reward::PointsOnly => 2,
    }
}

/// An item-level offer's discount per line (in `line_id` order) and the units it rewarded.
fn item_discounts(lines: &[Line], offer: &OfferInput<'_>, unit: &Exact) -> (Vec<Exact>, u64) {
    let units = expand(lines, &offer.reward);
    let (rewarded, unit_discount) = match offer.reward {
        Reward::Items {
            max_units, unit, ..
        } => (selection::items(&units, max_units, lines.len()), unit),
        Reward::BuyGet {
            required_count,
            reward_count,
            unit,
            max_rounds,
            ..
        } => (
            selection::buy_get(
                &units,
                required_count,
                reward_count,
                max_rounds,
                lines.len(),
            ),
            unit,
        ),
        _ => (vec![0; lines.len()], UnitDiscount::Free),
    };
    let discounts: Vec<Exact> = lines
        .iter()
        .zip(&rewarded)
        .map(|(line, &count)| {
            let count = int(count);
            let uncapped = match unit_discount {
                UnitDiscount::Free => &line.price * &count,
                UnitDiscount::AmountOff(amount) => exact(amount).min(line.price.clone()) * &count,
                UnitDiscount::PercentOff(percent) => {
                    percent_of(&(&line.price * &count), &exact(percent), unit)
                }
                UnitDiscount::FixedPrice(price) => {
                    (&line.price - exact(price)).max(zero()) * &count
                }
            };
            uncapped.min(line.remaining.clone())
        })
        .collect();
    let sum: Exact = discounts.iter().sum();
    let capped = match offer.max_amount.map(exact) {
        Some(cap) if sum > cap => spread(&cap, &discounts, unit),
        _ => discounts,
    };
    (capped, rewarded.iter().sum())
}

/// An order-level offer's discount per line (in `line_id` order).
fn order_discounts(lines: &[Line], offer: &OfferInput<'_>, unit: &Exact) -> Vec<Exact> {
    let remaining: Vec<Exact> = lines.iter().map(|line| line.remaining.clone()).collect();
    let base: Exact = remaining.iter().sum();
    let mut total = match offer.reward {
        Reward::OrderAmountOff(amount) => exact(amount).min(base.clone()),
        Reward::OrderPercentOff(percent) => percent_of(&base, &exact(percent), unit),
        _ => zero(),
    };
    if let Some(cap) = offer.max_amount.map(exact) {
        total = total.min(cap);
    }
    match offer.spread {
        OrderSpread::AfterItemDiscounts => spread(&total, &remaining, unit),
        OrderSpread::BeforeItemDiscounts => {
            let totals: Vec<Exact> = lines.iter().map(|line| line.total.clone()).collect();
            spread_capped(&total, &totals, &remaining, unit)
        }
    }
}

/// Every unit of every line, with its roles in `reward`'s item sets.
fn expand(lines: &[Line], reward: &Reward<'_>) -> Vec<Unit> {
    let (required_set, target_set) = match reward {
        Reward::Items { target, .. } => (None, Some(*target)),
        Reward::BuyGet {
            required, target, ..
        } => (Some(*required), Some(*target)),
        _ => (None, None),
    };
    let mut units = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let required = required_set.is_some_and(|set| set.contains(&line.item_code));
        let target =
            target_set.is_some_and(|set| set.contains(&line.item_code)) && line.remaining > zero();
        for _ in 0..line.quantity {
            units.push(Unit {
                line: index,
                price: line.price.clone(),
                required,
                target,
            });
        }
    }
    units
}
