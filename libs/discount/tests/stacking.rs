//! Conditions and several offers together: min_spend, max_amount, application order, stacking
//! down to zero, points, and independence from the order of lines and offers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{basket, dec, discounts, eval, line, offer, offer_result};
use discount::{Basket, BasketLine, ItemSet, OfferOutcome, Reward, UnitDiscount};

#[test]
fn min_spend_is_compared_with_the_pre_discount_subtotal() {
    let b = basket(&[("a", "x", 2, "5.00")]);
    let x = ItemSet::new(["x"]);
    let free = offer(
        1,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::Free,
            max_units: None,
        },
    );
    let mut five_off = offer(2, Reward::OrderAmountOff(dec("5")));
    five_off.min_spend = Some(dec("10.00"));
    five_off.points = 10;
    // Offer 1 takes everything, yet the subtotal (10.00) still meets offer 2's min_spend;
    // offer 2 then has nothing left to discount and earns no points.
    let e = eval(&b, &[five_off, free]);
    let r = offer_result(&e, 2);
    assert_eq!((r.outcome, r.points), (OfferOutcome::NothingToDiscount, 0));

    five_off.min_spend = Some(dec("10.01"));
    let mut points = offer(3, Reward::PointsOnly);
    points.min_spend = Some(dec("10.01"));
    points.points = 99;
    let e = eval(&b, &[five_off, points]);
    for id in [2, 3] {
        let r = offer_result(&e, id);
        assert_eq!(r.outcome, OfferOutcome::MinSpendNotMet);
        assert_eq!((r.discount.to_string(), r.points), ("0.00".to_owned(), 0));
    }
    assert_eq!(e.total_points, 0);
}

#[test]
fn max_amount_spreads_an_item_offer_by_its_line_discounts() {
    let b = basket(&[
        ("a", "x", 1, "6.00"),
        ("b", "x", 1, "3.00"),
        ("c", "y", 1, "9.00"),
    ]);
    let x = ItemSet::new(["x"]);
    let mut free = offer(
        1,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::Free,
            max_units: None,
        },
    );
    free.max_amount = Some(dec("4.50"));
    assert_eq!(discounts(&eval(&b, &[free])), ["3.00", "1.50", "0.00"]);
    // 1.00 over 6:3 -> 0.666 and 0.333: 0.66 + 0.33, the extra cent to a.
    free.max_amount = Some(dec("1"));
    assert_eq!(discounts(&eval(&b, &[free])), ["0.67", "0.33", "0.00"]);
    free.max_amount = Some(dec("0"));
    let e = eval(&b, &[free]);
    assert_eq!(offer_result(&e, 1).outcome, OfferOutcome::NothingToDiscount);
}

#[test]
fn max_amount_caps_an_order_offer_before_spreading() {
    let b = basket(&[("a", "x", 1, "30.00"), ("b", "y", 1, "10.00")]);
    let mut pct = offer(1, Reward::OrderPercentOff(dec("50")));
    pct.max_amount = Some(dec("8.00"));
    let e = eval(&b, &[pct]);
    assert_eq!(discounts(&e), ["6.00", "2.00"]);
    assert_eq!(offer_result(&e, 1).discount.to_string(), "8.00");
}

#[test]
fn item_offers_apply_before_order_offers_whatever_the_ids_or_input_order() {
    let b = basket(&[("a", "x", 1, "10.00"), ("b", "y", 1, "10.00")]);
    let x = ItemSet::new(["x"]);
    let half_x = offer(
        9,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::PercentOff(dec("50")),
            max_units: None,
        },
    );
    let order = offer(1, Reward::OrderPercentOff(dec("10")));
    let points = offer(0, Reward::PointsOnly);
    for offers in [[order, half_x, points], [points, half_x, order]] {
        let e = eval(&b, &offers);
        let ids: Vec<u64> = e.offers.iter().map(|o| o.offer_id).collect();
        assert_eq!(ids, [9, 1, 0]);
        // 10% of the remaining 15.00 = 1.50, spread 5:10.
        assert_eq!(discounts(&e), ["5.50", "1.00"]);
        assert_eq!(
            line(&e, "a").allocations,
            [
                discount::Allocation {
                    offer_id: 9,
                    amount: dec("5.00")
                },
                discount::Allocation {
                    offer_id: 1,
                    amount: dec("0.50")
                },
            ]
        );
    }
}

#[test]
fn stacked_offers_take_lines_to_zero_and_no_further() {
    let b = basket(&[("a", "x", 2, "4.00"), ("b", "y", 1, "2.00")]);
    let x = ItemSet::new(["x"]);
    let off3 = offer(
        1,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::AmountOff(dec("3")),
            max_units: None,
        },
    );
    let off3_again = offer(2, off3.reward);
    let order = offer(3, Reward::OrderAmountOff(dec("100")));
    let again = offer(4, Reward::OrderPercentOff(dec("100")));
    let e = eval(&b, &[off3, off3_again, order, again]);
    // Offer 1: 6.00 of a's 8.00; offer 2 only the remaining 2.00; offer 3 takes b's 2.00.
    assert_eq!(discounts(&e), ["8.00", "2.00"]);
    let amounts: Vec<String> = e.offers.iter().map(|o| o.discount.to_string()).collect();
    assert_eq!(amounts, ["6.00", "2.00", "2.00", "0.00"]);
    assert_eq!(offer_result(&e, 4).outcome, OfferOutcome::NothingToDiscount);
    assert_eq!(e.total_discount, e.subtotal);
}

#[test]
fn a_fully_discounted_line_is_not_rewarded_again() {
    let b = basket(&[("a", "latte", 1, "4.00"), ("b", "mocha", 1, "5.00")]);
    let coffee = ItemSet::new(["latte", "mocha"]);
    let one_free = offer(
        1,
        Reward::Items {
            target: &coffee,
            unit: UnitDiscount::Free,
            max_units: Some(1),
        },
    );
    let one_half = offer(
        2,
        Reward::Items {
            target: &coffee,
            unit: UnitDiscount::PercentOff(dec("50")),
            max_units: Some(1),
        },
    );
    let e = eval(&b, &[one_free, one_half]);
    assert_eq!(discounts(&e), ["4.00", "2.50"]);
}

#[test]
fn points_need_a_discount_or_a_points_only_reward() {
    let b = basket(&[("a", "x", 1, "10.00")]);
    let z = ItemSet::new(["z"]);
    let mut nothing = offer(
        1,
        Reward::Items {
            target: &z,
            unit: UnitDiscount::Free,
            max_units: None,
        },
    );
    nothing.points = 5;
    let mut order = offer(2, Reward::OrderAmountOff(dec("1")));
    order.points = 7;
    let mut bonus = offer(3, Reward::PointsOnly);
    bonus.points = 11;
    let e = eval(&b, &[nothing, order, bonus]);
    assert_eq!(offer_result(&e, 1).points, 0);
    assert_eq!(offer_result(&e, 2).points, 7);
    assert_eq!(e.total_points, 18);
}

#[test]
fn results_do_not_depend_on_the_order_of_lines() {
    let b = basket(&[
        ("c", "x", 3, "2.99"),
        ("a", "x", 1, "2.99"),
        ("b", "y", 2, "7.49"),
        ("d", "x", 2, "0.99"),
    ]);
    let x = ItemSet::new(["x"]);
    let offers = [
        offer(
            1,
            Reward::BuyGet {
                required: &x,
                required_count: 2,
                target: &x,
                reward_count: 1,
                unit: UnitDiscount::Free,
                max_rounds: None,
            },
        ),
        offer(2, Reward::OrderPercentOff(dec("7"))),
    ];
    let e = eval(&b, &offers);
    let mut reversed = b.clone();
    reversed.lines.reverse();
    let r = eval(&reversed, &offers);
    assert_eq!(e.offers, r.offers);
    for l in &e.lines {
        assert_eq!(l, line(&r, &l.line_id));
    }
    let ids: Vec<&str> = r.lines.iter().map(|l| l.line_id.as_str()).collect();
    assert_eq!(ids, ["d", "b", "a", "c"]);
}

#[test]
fn the_largest_basket_is_exact() {
    let lines = (0..500)
        .map(|i| BasketLine {
            line_id: format!("line-{i:03}"),
            item_code: format!("sku-{}", i % 7),
            quantity: 10_000,
            unit_price: dec("1000000000"),
        })
        .collect();
    let b = Basket { lines };
    let all = ItemSet::new((0..7).map(|i| format!("sku-{i}")));
    let mut bogo = offer(
        1,
        Reward::BuyGet {
            required: &all,
            required_count: 1,
            target: &all,
            reward_count: 1,
            unit: UnitDiscount::Free,
            max_rounds: None,
        },
    );
    bogo.max_amount = Some(dec("1000000000000000.01"));
    let e = eval(
        &b,
        &[bogo, offer(2, Reward::OrderPercentOff(dec("33.333333")))],
    );
    assert_eq!(e.subtotal.to_string(), "5000000000000000.00");
    assert_eq!(offer_result(&e, 1).units_rewarded, 2_500_000);
    assert_eq!(
        offer_result(&e, 1).discount.to_string(),
        "1000000000000000.01"
    );
}

/// A same-set buy-get after another offer made a line free rewards a unit that still has
/// something to discount. Mutation (cargo-mutants, `engine.rs` `mark`): `remaining > 0` as
/// `>= 0` lets the free line be the rewarded target, and the second offer gives nothing.
#[test]
fn a_same_set_buy_get_skips_a_line_already_free() {
    let b = basket(&[("1", "shoe-a", 2, "50.00"), ("2", "shoe-b", 1, "30.00")]);
    let shoe_b = ItemSet::new(["shoe-b"]);
    let shoes = ItemSet::new(["shoe-a", "shoe-b"]);
    let free_b = offer(
        1,
        Reward::Items {
            target: &shoe_b,
            unit: UnitDiscount::Free,
            max_units: None,
        },
    );
    let bogo = offer(
        2,
        Reward::BuyGet {
            required: &shoes,
            required_count: 1,
            target: &shoes,
            reward_count: 1,
            unit: UnitDiscount::Free,
            max_rounds: None,
        },
    );
    let e = eval(&b, &[free_b, bogo]);
    assert_eq!(discounts(&e), ["50.00", "30.00"]);
}
