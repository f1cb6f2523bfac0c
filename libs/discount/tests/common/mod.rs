//! Helpers shared by the integration tests: terse builders and the invariants every evaluation
//! must satisfy.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod cases;

use std::str::FromStr;

use discount::{
    evaluate, Basket, BasketLine, Currency, Evaluation, LineResult, OfferInput, OfferResult,
    OrderSpread, Reward, Stacking, StackingRules,
};
use rust_decimal::Decimal;

/// The decimal written `text`; panics on anything else. Defined here rather than taken from
/// `testkit`, whose `domain` dependency would make these tests build the whole workspace.
pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|error| panic!("{text:?} is no decimal: {error}"))
}

/// A basket from `(line_id, item_code, quantity, unit_price)` rows.
pub fn basket(rows: &[(&str, &str, u32, &str)]) -> Basket {
    Basket {
        lines: rows
            .iter()
            .map(|&(line_id, item_code, quantity, price)| BasketLine {
                line_id: line_id.to_owned(),
                item_code: item_code.to_owned(),
                quantity,
                unit_price: dec(price),
            })
            .collect(),
    }
}

/// An offer with no conditions, no points, the default spread and default stacking.
pub fn offer(offer_id: u64, reward: Reward<'_>) -> OfferInput<'_> {
    OfferInput {
        offer_id,
        reward,
        min_spend: None,
        max_amount: None,
        points: 0,
        spread: OrderSpread::default(),
        stacking: Stacking::default(),
    }
}

/// Evaluates in USD with no stacking rules, checks the invariants and returns the evaluation.
pub fn eval(basket: &Basket, offers: &[OfferInput<'_>]) -> Evaluation {
    eval_in(basket, offers, Currency::USD)
}

/// Evaluates in `currency` with no stacking rules, checks the invariants and returns the
/// evaluation.
pub fn eval_in(basket: &Basket, offers: &[OfferInput<'_>], currency: Currency) -> Evaluation {
    eval_with(basket, offers, currency, StackingRules::default())
}

/// Evaluates in `currency` under `rules`, checks the invariants and returns the evaluation.
pub fn eval_with(
    basket: &Basket,
    offers: &[OfferInput<'_>],
    currency: Currency,
    rules: StackingRules,
) -> Evaluation {
    let evaluation = evaluate(basket, offers, currency, rules).unwrap();
    check(&evaluation, currency);
    evaluation
}

/// The result for `line_id`.
pub fn line<'e>(evaluation: &'e Evaluation, line_id: &str) -> &'e LineResult {
    evaluation
        .lines
        .iter()
        .find(|line| line.line_id == line_id)
        .unwrap()
}

/// The result for `offer_id`.
pub fn offer_result(evaluation: &Evaluation, offer_id: u64) -> &OfferResult {
    evaluation
        .offers
        .iter()
        .find(|offer| offer.offer_id == offer_id)
        .unwrap()
}

/// Each line's discount as text, in basket order.
pub fn discounts(evaluation: &Evaluation) -> Vec<String> {
    evaluation
        .lines
        .iter()
        .map(|line| line.discount.to_string())
        .collect()
}

/// The invariants every evaluation satisfies.
pub fn check(evaluation: &Evaluation, currency: Currency) {
    let scale = currency.minor_units;
    let mut line_sum = Decimal::ZERO;
    for line in &evaluation.lines {
        assert!(line.discount >= Decimal::ZERO && line.discount <= line.line_total);
        let allocated: Decimal = line.allocations.iter().map(|a| a.amount).sum();
        assert_eq!(allocated, line.discount, "line {}", line.line_id);
        assert!(line.allocations.iter().all(|a| a.amount > Decimal::ZERO));
        assert_eq!(
            (line.line_total.scale(), line.discount.scale()),
            (scale, scale)
        );
        assert!(line.allocations.iter().all(|a| a.amount.scale() == scale));
        line_sum += line.discount;
    }
    let offer_sum: Decimal = evaluation.offers.iter().map(|o| o.discount).sum();
    assert_eq!(line_sum, evaluation.total_discount);
    assert_eq!(offer_sum, evaluation.total_discount);
    let line_totals: Decimal = evaluation.lines.iter().map(|l| l.line_total).sum();
    assert_eq!(line_totals, evaluation.subtotal);
    assert_eq!(evaluation.subtotal.scale(), scale);
    assert_eq!(evaluation.total_discount.scale(), scale);
    assert!(evaluation
        .offers
        .iter()
        .all(|o| o.discount.scale() == scale));
    let points: u64 = evaluation.offers.iter().map(|o| o.points).sum();
    assert_eq!(points, evaluation.total_points);
}
