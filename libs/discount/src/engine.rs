//! The engine: `evaluate` applies the offers one after another to the lines' remaining amounts
//! and assembles the `Evaluation`.

use crate::allocate::{allocate, Remainders};
use crate::basket::{Basket, ItemSet};
use crate::error::BasketError;
use crate::money::{from_minor, Currency};
use crate::result::{Allocation, Evaluation, LineResult, OfferOutcome, OfferResult};
use crate::reward::OfferInput;
use crate::state::LineState;
use crate::units::{self, Pools, PriceOrder};
use crate::validate::{self, Kind, Line, Offer, Unit};

/// Evaluates `offers` against `basket`: the discount on every line, what every offer did, and
/// the totals. See the crate documentation for the exact rules.
pub fn evaluate(
    basket: &Basket,
    offers: &[OfferInput<'_>],
    currency: Currency,
) -> Result<Evaluation, BasketError> {
    let minor_units = validate::currency(currency)?;
    let lines = validate::lines(basket, minor_units)?;
    let offers = validate::offers(offers, minor_units)?;
    let mut engine = Engine::new(&lines, minor_units, offers.len());
    for offer in &offers {
        engine.apply(offer);
    }
    Ok(engine.finish())
}

/// The running state of one evaluation; lines are indexed in `line_id` order.
struct Engine<'l, 'b> {
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
        }
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
                self.order_level(offer.max_amount, |base| amount.min(base));
                0
            }
            Kind::OrderPercentOff(percent) => {
                self.order_level(offer.max_amount, |base| {
                    percent.of(base.max(0) as u128) as i128
                });
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

    /// Sets `current` to an order-level discount of `discount(base)` (capped at `max_amount`),
    /// spread in proportion to the lines' remaining amounts, whose sum is `base`.
    fn order_level(&mut self, max_amount: Option<i128>, discount: impl Fn(i128) -> i128) {
        let base: i128 = self.states.iter().map(|s| i128::from(s.remaining)).sum();
        let mut total = discount(base).min(base);
        if let Some(max_amount) = max_amount {
            total = total.min(max_amount);
        }
        allocate(
            total,
            &mut self.states,
            |state| state.remaining,
            |state| &mut state.current,
            &mut self.remainders,
        );
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
    fn finish(mut self) -> Evaluation {
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
