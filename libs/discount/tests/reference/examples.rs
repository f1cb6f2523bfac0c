//! The reference model on small cases worked out by hand from the crate documentation, so
//! that the oracle itself is checked against the rules and not only against the engine.

use discount::{Basket, BasketLine, Currency, ItemSet, Reward, StackingRules, UnitDiscount};
use rust_decimal::Decimal;

use super::arithmetic::exact;
use super::{evaluate, Answer};
use crate::common::offer;

fn line(line_id: &str, item_code: &str, quantity: u32, unit_price: Decimal) -> BasketLine {
    BasketLine {
        line_id: line_id.to_owned(),
        item_code: item_code.to_owned(),
        quantity,
        unit_price,
    }
}

fn discounts(answer: &Answer) -> Vec<Decimal> {
    answer
        .lines
        .iter()
        .map(|line| {
            let cents = &line.discount * exact(Decimal::ONE_HUNDRED);
            Decimal::new(cents.to_integer().try_into().unwrap(), 2)
        })
        .collect()
}

#[test]
fn buy_one_get_one_on_one_set_frees_the_cheaper_unit() {
    let set = ItemSet::new(["a"]);
    let basket = Basket {
        lines: vec![
            line("x", "a", 1, Decimal::new(500, 2)),
            line("y", "a", 1, Decimal::new(300, 2)),
        ],
    };
    let reward = Reward::BuyGet {
        required: &set,
        required_count: 1,
        target: &set,
        reward_count: 1,
        unit: UnitDiscount::Free,
        max_rounds: None,
    };
    let answer = evaluate(
        &basket,
        &[offer(1, reward)],
        Currency::USD,
        StackingRules::default(),
    );
    assert_eq!(
        discounts(&answer),
        [Decimal::new(0, 2), Decimal::new(300, 2)]
    );
    assert_eq!(answer.offers[0].units_rewarded, 1);
}

#[test]
fn a_percentage_is_rounded_once_per_line() {
    // 10% of 3 x 0.05 is round(0.015) = 0.02, not 3 x round(0.005) = 0.03.
    let set = ItemSet::new(["a"]);
    let basket = Basket {
        lines: vec![line("x", "a", 3, Decimal::new(5, 2))],
    };
    let reward = Reward::Items {
        target: &set,
        unit: UnitDiscount::PercentOff(Decimal::TEN),
        max_units: None,
    };
    let answer = evaluate(
        &basket,
        &[offer(1, reward)],
        Currency::USD,
        StackingRules::default(),
    );
    assert_eq!(discounts(&answer), [Decimal::new(2, 2)]);
}

#[test]
fn a_spread_gives_the_left_over_cent_to_the_first_line_id() {
    let basket = Basket {
        lines: vec![
            line("c", "a", 1, Decimal::ONE),
            line("b", "a", 1, Decimal::ONE),
            line("a", "a", 1, Decimal::ONE),
        ],
    };
    let reward = Reward::OrderAmountOff(Decimal::new(10, 2));
    let answer = evaluate(
        &basket,
        &[offer(1, reward)],
        Currency::USD,
        StackingRules::default(),
    );
    assert_eq!(
        discounts(&answer),
        [Decimal::new(3, 2), Decimal::new(3, 2), Decimal::new(4, 2)]
    );
}

#[test]
fn buy_two_get_one_rewards_only_units_not_bought() {
    // Five equal units: buy 2, get 1; then 2 are bought and none is left to reward.
    let set = ItemSet::new(["a"]);
    let basket = Basket {
        lines: vec![line("x", "a", 5, Decimal::ONE)],
    };
    let reward = Reward::BuyGet {
        required: &set,
        required_count: 2,
        target: &set,
        reward_count: 1,
        unit: UnitDiscount::Free,
        max_rounds: None,
    };
    let answer = evaluate(
        &basket,
        &[offer(1, reward)],
        Currency::USD,
        StackingRules::default(),
    );
    assert_eq!(discounts(&answer), [Decimal::new(100, 2)]);
    assert_eq!(answer.offers[0].units_rewarded, 1);
}
