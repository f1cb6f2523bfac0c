//! The engine: `evaluate` applies the offers one after another to the lines' remaining amounts
//! and assembles the `Evaluation`; [`pass`] is one such run, which the stacking rules repeat on
//! subsets of the offers.

use crate::allocate::{allocate, Remainders};
use crate::basket::{Basket, ItemSet};
use crate::error::BasketError;
use crate::money::{from_minor, Currency};
use crate::result::{Allocation, Evaluation, LineResult, OfferOutcome, OfferResult};
use crate::reward::{OfferInput, OrderSpread};
use crate::spread::{self, Slots};
use crate::stacking::{self, StackingRules};
use crate::state::LineState;
use crate::units::{self, Pools, PriceOrder};
use crate::validate::{self, Kind, Line, Offer, Unit};

/// Evaluates `offers` against `basket` under the stacking `rules`: the discount on every line,
/// what every offer did, and the totals. See the crate documentation for the exact rules.
pub fn evaluate(
    basket: &Basket,
    offers: &[OfferInput<'_>],
    currency: Currency,
    rules: StackingRules,
) -> Result<Evaluation, BasketError> {
    let minor_units = validate::currency(currency)?;
    let lines = validate::lines(basket, minor_units)?;
    let offers = validate::offers(offers, minor_units)?;
    if rules.max_offers.is_none() && !offers.iter().any(|offer| offer.exclusive) {
        return Ok(pass(&lines, minor_units, &offers, |_| None).finish());
    }
    Ok(stacking::evaluate(&lines, minor_units, &offers, rules))
}

/// Applies `offers` (in application order) one after another, except those `set_aside` gives
/// an outcome for (by index in `offers`): these are recorded with that outcome and no effect.
pub(crate) fn pass<'l, 'b>(
    lines: &'l [Line<'b>],
    minor_units: u32,
    offers: &[Offer<'_>],
    set_aside: impl Fn(usize) -> Option<OfferOutcome>,
) -> Engine<'l, 'b> {
    let mut engine = Engine::new(lines, minor_units, offers.len());
    for (index, offer) in offers.iter().enumerate() {
        match set_aside(index) {
            None => engine.apply(offer),
            Some(outcome) => engine.set_aside(offer.id, outcome),
        }
    }
    engine
}

/// The running state of one evaluation; lines are indexed in `line_id` order, offer results
/// in the order the offers were given to [`pass`].
pub(crate) struct Engine<'l, 'b> {
    lines: &'l [Line<'b>],
    minor_units: u32,
    subtotal: i128,
    total_discount: i128,
    total_points: u64,
    states: Vec<LineState>,
    results: Vec<OfferResult>,
    order: Option<PriceOrder>,
    pools: Pools,
    remainders: Remainders,
    slots: Slots,
}

impl<'l, 'b> Engine<'l, 'b> {
    fn new(lines: &'l [Line<'b>], minor_units: u32, offers: usize) -> Self {
        Engine {
            lines,
            minor_units,
            subtotal: lines.iter().map(|line| i128::from(line.total)).sum(),
            total_discount: 0,
            total_points: 0,
            states: lines.iter().map(LineState::new).collect(),
            results: Vec::with_capacity(offers),
            order: None,
            pools: Pools::default(),
            remainders: Remainders::new(),
            slots: Slots::new(),
        }
    }

    /// The outcome of the offer at `index` in the offers given to [`pass`].
    pub(crate) fn outcome(&self, index: usize) -> Option<OfferOutcome> {
        self.results.get(index).map(|result| result.outcome)
    }

    /// Records an offer the stacking rules left out: `outcome`, and nothing else.
    fn set_aside(&mut self, offer_id: u64, outcome: OfferOutcome) {
        self.results.push(OfferResult {
            offer_id,
            outcome,
            discount: from_minor(0, self.minor_units),
            points: 0,
            units_rewarded: 0,
        });
    }

    /// Applies one offer to the remaining amounts and records what it did.
    fn apply(&mut self, offer: &Offer<'_>) {
        let (outcome, discount, units) = if offer.min_spend.is_some_and(|min| self.subtotal < min) {
            (OfferOutcome::MinSpendNotMet, 0, 0)
        } else if let Kind::PointsOnly = offer.kind {
            (OfferOutcome::Applied, 0, 0)
        } else {
            let units = self.compute(offer);
            let discount = self.commit(offer.id);
            if discount > 0 {
                (OfferOutcome::Applied, discount, units)
            } else {
                (OfferOutcome::NothingToDiscount, 0, 0)
            }
        };
        let points = if outcome == OfferOutcome::Applied {
            offer.points
        } else {
            0
        };
        self.total_discount += discount;
        self.total_points = self.total_points.saturating_add(points);
        self.results.push(OfferResult {
            offer_id: offer.id,
            outcome,
            discount: from_minor(discount, self.minor_units),
            points,
            units_rewarded: u32::try_from(units).unwrap_or(u32::MAX),
        });
    }

    /// Sets `current` to a discount offer's discount on each line; returns the units rewarded.
    fn compute(&mut self, offer: &Offer<'_>) -> u64 {
        match offer.kind {
            Kind::PointsOnly => {
                self.states.iter_mut().for_each(|state| state.current = 0);
                0
            }
            Kind::OrderAmountOff(amount) => {
                self.order_level(offer, |base| amount.min(base));
                0
            }
            Kind::OrderPercentOff(percent) => {
                self.order_level(offer, |base| percent.of(base.max(0) as u128) as i128);
                0
            }
            Kind::Items {
                target,
                unit,
                max_units,
            } => {
                self.mark(None, target);
                let units = match max_units {
                    None => units::all_targets(&mut self.states),
                    Some(max_units) => {
                        let order = self
                            .order
                            .get_or_insert_with(|| PriceOrder::new(&self.states));
                        units::cheapest_targets(&mut self.states, order, max_units)
                    }
                };
                self.price_rewarded(unit, offer.max_amount);
                units
            }
            Kind::BuyGet {
                required,
                required_count,
                target,
                reward_count,
                unit,
                max_rounds,
            } => {
                self.mark(Some(required), target);
                let order = self
                    .order
                    .get_or_insert_with(|| PriceOrder::new(&self.states));
                let units = units::buy_get(
                    &mut self.states,
                    order,
                    &mut self.pools,
                    required_count,
                    reward_count,
                    max_rounds.unwrap_or(u64::MAX),
                );
                self.price_rewarded(unit, offer.max_amount);
                units
            }
        }
    }

    /// Marks each line's membership of the offer's sets; a target line must also still have
    /// something to discount.
    fn mark(&mut self, required: Option<&ItemSet>, target: &ItemSet) {
        let same = required.is_some_and(|required| std::ptr::eq(required, target));
        for (state, line) in self.states.iter_mut().zip(self.lines) {
            if same {
                state.required = target.contains(line.code);
                state.target = state.required && state.remaining > 0;
            } else {
                state.required = required.is_some_and(|set| set.contains(line.code));
                state.target = state.remaining > 0 && target.contains(line.code);
            }
        }
    }

    /// Sets `current` to the discount on each line's rewarded units, capped at the line's
    /// remaining amount, then at `max_amount` (spread in proportion to the line discounts).
    fn price_rewarded(&mut self, unit: Unit, max_amount: Option<i128>) {
        let mut total: i128 = 0;
        for state in &mut self.states {
            state.current = if state.rewarded == 0 {
                0
            } else {
                let discount = unit_discount(unit, state.rewarded, state.price);
                discount.min(i128::from(state.remaining)) as i64
            };
            total += i128::from(state.current);
        }
        if let Some(max_amount) = max_amount.filter(|&max| max < total) {
            allocate(
                max_amount,
                &mut self.states,
                |state| state.current,
                |state| &mut state.current,
                &mut self.remainders,
            );
        }
    }

    /// Sets `current` to an order-level discount of `discount(base)` (capped at the offer's
    /// `max_amount`), where `base` is the sum of the remaining amounts, spread as the offer says:
    /// in proportion to the remaining amounts, or to the line totals with no line below zero.
    fn order_level(&mut self, offer: &Offer<'_>, discount: impl Fn(i128) -> i128) {
        let base: i128 = self.states.iter().map(|s| i128::from(s.remaining)).sum();
        let mut total = discount(base).min(base);
        if let Some(max_amount) = offer.max_amount {
            total = total.min(max_amount);
        }
        match offer.spread {
            OrderSpread::AfterItemDiscounts => allocate(
                total,
                &mut self.states,
                |state| state.remaining,
                |state| &mut state.current,
                &mut self.remainders,
            ),
            OrderSpread::BeforeItemDiscounts => {
                let lines = self.lines.iter().zip(&self.states);
                spread::before_discounts(
                    total,
                    lines.map(|(line, state)| (line.total, state.remaining)),
                    &mut self.slots,
                    &mut self.remainders,
                );
                for (state, slot) in self.states.iter_mut().zip(&self.slots) {
                    state.current = slot.part();
                }
            }
        }
    }

    /// Takes `current` off the remaining amounts, records the allocations, and returns the total.
    fn commit(&mut self, offer_id: u64) -> i128 {
        let mut total: i128 = 0;
        for state in &mut self.states {
            if state.current > 0 {
                state.remaining -= state.current;
                total += i128::from(state.current);
                state.allocations.push(Allocation {
                    offer_id,
                    amount: from_minor(i128::from(state.current), self.minor_units),
                });
            }
        }
        total
    }

    /// Assembles the evaluation, lines back in the basket's order.
    pub(crate) fn finish(mut self) -> Evaluation {
        let minor_units = self.minor_units;
        let mut by_input = vec![0u32; self.lines.len()];
        for (i, line) in self.lines.iter().enumerate() {
            by_input[line.input_pos] = i as u32;
        }
        let lines = by_input
            .iter()
            .map(|&i| {
                let i = i as usize;
                let line = &self.lines[i];
                LineResult {
                    line_id: line.id.to_owned(),
                    line_total: from_minor(i128::from(line.total), minor_units),
                    discount: from_minor(
                        i128::from(line.total - self.states[i].remaining),
                        minor_units,
                    ),
                    allocations: std::mem::take(&mut self.states[i].allocations),
                }
            })
            .collect();
        Evaluation {
            lines,
            offers: self.results,
            subtotal: from_minor(self.subtotal, minor_units),
            total_discount: from_minor(self.total_discount, minor_units),
            total_points: self.total_points,
        }
    }
}

/// The discount on `units` units at `price` each, before any cap.
fn unit_discount(unit: Unit, units: u64, price: i64) -> i128 {
    let (units, price) = (i128::from(units), i128::from(price));
    match unit {
        Unit::Free => units * price,
        Unit::AmountOff(amount) => units * amount.min(price),
        Unit::PercentOff(percent) => percent.of((units * price) as u128) as i128,
        Unit::FixedPrice(fixed) => units * (price - fixed).max(0),
    }
}
