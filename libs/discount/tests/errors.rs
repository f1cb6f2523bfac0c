//! Every `BasketError` and `OfferError`, with the messages a cashier or integrator sees.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{basket, dec, offer};
use discount::{
    evaluate, Basket, BasketError, BasketLine, Currency, ItemSet, OfferError, OfferInput, Reward,
    StackingRules, UnitDiscount,
};

fn basket_error(b: &Basket) -> BasketError {
    evaluate(b, &[], Currency::USD, StackingRules::default()).unwrap_err()
}

fn offer_error(o: OfferInput<'_>) -> BasketError {
    let b = basket(&[("a", "x", 1, "1.00")]);
    evaluate(&b, &[o], Currency::USD, StackingRules::default()).unwrap_err()
}

#[test]
fn unsupported_currency() {
    let b = basket(&[("a", "x", 1, "1")]);
    let e = evaluate(&b, &[], Currency::new(5), StackingRules::default()).unwrap_err();
    assert_eq!(
        e,
        BasketError::UnsupportedCurrency {
            minor_units: 5,
            max: 4
        }
    );
    assert_eq!(
        e.to_string(),
        "the currency has 5 decimal places; at most 4 are supported"
    );
}

#[test]
fn empty_basket() {
    let e = basket_error(&Basket { lines: vec![] });
    assert_eq!(e, BasketError::EmptyBasket);
    assert_eq!(e.to_string(), "the basket is empty; add at least one line");
}

#[test]
fn too_many_lines() {
    let lines = (0..501)
        .map(|i| BasketLine {
            line_id: i.to_string(),
            item_code: "x".into(),
            quantity: 1,
            unit_price: dec("1"),
        })
        .collect();
    let e = basket_error(&Basket { lines });
    assert_eq!(
        e,
        BasketError::TooManyLines {
            count: 501,
            max: 500
        }
    );
    assert_eq!(
        e.to_string(),
        "the basket has 501 lines; at most 500 lines are allowed"
    );
}

#[test]
fn empty_line_id() {
    let e = basket_error(&basket(&[("a", "x", 1, "1"), ("", "x", 1, "1")]));
    assert_eq!(e, BasketError::EmptyLineId { position: 2 });
    assert!(e.to_string().contains("line number 2 has an empty line_id"));
}

#[test]
fn line_id_too_long() {
    let long = "é".repeat(65);
    let e = basket_error(&basket(&[(&long, "x", 1, "1")]));
    assert_eq!(
        e,
        BasketError::LineIdTooLong {
            line_id: long.clone(),
            chars: 65,
            max: 64
        }
    );
    assert!(e.to_string().contains("has 65 characters; at most 64"));
    // 64 two-byte characters are fine.
    assert!(evaluate(
        &basket(&[(&"é".repeat(64), "x", 1, "1")]),
        &[],
        Currency::USD,
        StackingRules::default()
    )
    .is_ok());
}

#[test]
fn duplicate_line_id() {
    let e = basket_error(&basket(&[
        ("7", "x", 1, "1"),
        ("8", "y", 1, "1"),
        ("7", "z", 1, "1"),
    ]));
    assert_eq!(
        e,
        BasketError::DuplicateLineId {
            line_id: "7".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "line_id \"7\" is used by more than one line; line ids must be unique"
    );
}

#[test]
fn empty_item_code() {
    let e = basket_error(&basket(&[("L1", "", 1, "1")]));
    assert_eq!(
        e,
        BasketError::EmptyItemCode {
            line_id: "L1".into()
        }
    );
    assert_eq!(e.to_string(), "line \"L1\" has an empty item_code");
}

#[test]
fn item_code_too_long() {
    let e = basket_error(&basket(&[("L1", &"x".repeat(100), 1, "1")]));
    assert_eq!(
        e,
        BasketError::ItemCodeTooLong {
            line_id: "L1".into(),
            chars: 100,
            max: 64
        }
    );
    assert!(e
        .to_string()
        .starts_with("line \"L1\" has an item_code of 100 characters"));
}

#[test]
fn invalid_quantity() {
    for quantity in [0, 10_001] {
        let e = basket_error(&basket(&[("L1", "x", quantity, "1")]));
        assert_eq!(
            e,
            BasketError::InvalidQuantity {
                line_id: "L1".into(),
                quantity,
                max: 10_000
            }
        );
        assert!(e.to_string().contains("must be between 1 and 10000"));
    }
}

#[test]
fn negative_unit_price() {
    let e = basket_error(&basket(&[("L1", "x", 1, "-0.01")]));
    assert_eq!(
        e,
        BasketError::NegativeUnitPrice {
            line_id: "L1".into(),
            unit_price: dec("-0.01")
        }
    );
    assert_eq!(
        e.to_string(),
        "line \"L1\" has a negative unit_price (-0.01)"
    );
}

#[test]
fn unit_price_too_precise() {
    let e = basket_error(&basket(&[("L1", "x", 1, "1.005")]));
    assert_eq!(
        e,
        BasketError::UnitPriceTooPrecise {
            line_id: "L1".into(),
            unit_price: dec("1.005"),
            minor_units: 2
        }
    );
    assert_eq!(
        e.to_string(),
        "line \"L1\" has unit_price 1.005, which has more than the currency's 2 decimal places"
    );
    let rules = StackingRules::default();
    let yen = evaluate(&basket(&[("L1", "x", 1, "1.5")]), &[], Currency::JPY, rules).unwrap_err();
    assert!(matches!(
        yen,
        BasketError::UnitPriceTooPrecise { minor_units: 0, .. }
    ));
    assert!(evaluate(
        &basket(&[("L1", "x", 1, "1.500")]),
        &[],
        Currency::USD,
        rules
    )
    .is_ok());
}

#[test]
fn unit_price_too_large() {
    let e = basket_error(&basket(&[("L1", "x", 1, "1000000000.01")]));
    assert_eq!(
        e,
        BasketError::UnitPriceTooLarge {
            line_id: "L1".into(),
            unit_price: dec("1000000000.01"),
            max: dec("1000000000")
        }
    );
    assert!(e
        .to_string()
        .contains("the largest unit price allowed is 1000000000"));
}

#[test]
fn duplicate_offer() {
    let a = offer(3, Reward::PointsOnly);
    let b = offer(3, Reward::OrderAmountOff(dec("1")));
    let rules = StackingRules::default();
    let e = evaluate(
        &basket(&[("a", "x", 1, "1")]),
        &[a, b],
        Currency::USD,
        rules,
    )
    .unwrap_err();
    assert_eq!(e, BasketError::DuplicateOffer { offer_id: 3 });
    assert_eq!(
        e.to_string(),
        "offer 3 is given more than once; offer ids must be unique"
    );
}

#[test]
fn invalid_percentages() {
    let e = offer_error(offer(4, Reward::OrderPercentOff(dec("100.5"))));
    assert_eq!(
        e,
        BasketError::InvalidOffer {
            offer_id: 4,
            reason: OfferError::PercentOutOfRange {
                field: "reward percent",
                value: dec("100.5")
            }
        }
    );
    assert_eq!(
        e.to_string(),
        "offer 4 is invalid: reward percent is 100.5; a percentage must be between 0 and 100"
    );
    let set = ItemSet::new(["x"]);
    let reward = Reward::Items {
        target: &set,
        unit: UnitDiscount::PercentOff(dec("-1")),
        max_units: None,
    };
    assert!(matches!(
        offer_error(offer(4, reward)),
        BasketError::InvalidOffer {
            reason: OfferError::PercentOutOfRange { .. },
            ..
        }
    ));
    let e = offer_error(offer(4, Reward::OrderPercentOff(dec("10.1234567"))));
    assert!(matches!(
        e,
        BasketError::InvalidOffer {
            reason: OfferError::PercentTooPrecise { .. },
            ..
        }
    ));
}

#[test]
fn invalid_amounts() {
    let mut o = offer(5, Reward::OrderAmountOff(dec("1")));
    o.max_amount = Some(dec("-1"));
    assert_eq!(
        offer_error(o),
        BasketError::InvalidOffer {
            offer_id: 5,
            reason: OfferError::NegativeAmount {
                field: "max_amount",
                value: dec("-1")
            }
        }
    );
    o.max_amount = None;
    o.min_spend = Some(dec("0.001"));
    let e = offer_error(o);
    assert_eq!(
        e.to_string(),
        "offer 5 is invalid: min_spend is 0.001, which has more than the currency's 2 decimal places"
    );
    let set = ItemSet::new(["x"]);
    for unit in [
        UnitDiscount::AmountOff(dec("0.001")),
        UnitDiscount::FixedPrice(dec("-2")),
    ] {
        let reward = Reward::Items {
            target: &set,
            unit,
            max_units: None,
        };
        assert!(matches!(
            offer_error(offer(5, reward)),
            BasketError::InvalidOffer { offer_id: 5, .. }
        ));
    }
}

#[test]
fn zero_counts() {
    let set = ItemSet::new(["x"]);
    let buy_get = |required_count, reward_count| Reward::BuyGet {
        required: &set,
        required_count,
        target: &set,
        reward_count,
        unit: UnitDiscount::Free,
        max_rounds: None,
    };
    for (reward, field) in [
        (buy_get(0, 1), "required_count"),
        (buy_get(1, 0), "reward_count"),
        (
            Reward::Items {
                target: &set,
                unit: UnitDiscount::Free,
                max_units: Some(0),
            },
            "max_units",
        ),
    ] {
        let e = offer_error(offer(6, reward));
        assert_eq!(
            e,
            BasketError::InvalidOffer {
                offer_id: 6,
                reason: OfferError::ZeroCount { field }
            }
        );
        assert_eq!(
            e.to_string(),
            format!("offer 6 is invalid: {field} is 0; it must be at least 1")
        );
    }
}
