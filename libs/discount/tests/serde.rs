//! The JSON shapes stored in events: exact, compact, stable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{basket, dec, eval, eval_in, offer};
use discount::{Basket, Currency, Evaluation, ItemSet, OfferOutcome, Reward, UnitDiscount};

#[test]
fn evaluation_json_is_exact() {
    let b = basket(&[("1", "coffee", 2, "1.5"), ("2", "cake", 1, "3")]);
    let coffee = ItemSet::new(["coffee"]);
    let mut free = offer(
        10,
        Reward::Items {
            target: &coffee,
            unit: UnitDiscount::Free,
            max_units: Some(1),
        },
    );
    free.points = 5;
    let mut min = offer(11, Reward::OrderAmountOff(dec("1")));
    min.min_spend = Some(dec("100"));
    let e = eval(&b, &[free, min]);
    let json = serde_json::to_string(&e).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"lines":["#,
            r#"{"line_id":"1","line_total":"3.00","discount":"1.50","allocations":[{"offer_id":10,"amount":"1.50"}]},"#,
            r#"{"line_id":"2","line_total":"3.00","discount":"0.00","allocations":[]}],"#,
            r#""offers":["#,
            r#"{"offer_id":10,"outcome":"applied","discount":"1.50","points":5,"units_rewarded":1},"#,
            r#"{"offer_id":11,"outcome":"min_spend_not_met","discount":"0.00","points":0,"units_rewarded":0}],"#,
            r#""subtotal":"6.00","total_discount":"1.50","total_points":5}"#
        )
    );
    assert_eq!(serde_json::from_str::<Evaluation>(&json).unwrap(), e);
}

#[test]
fn yen_amounts_have_no_decimal_point() {
    let b = basket(&[("1", "x", 1, "150")]);
    let e = eval_in(
        &b,
        &[offer(1, Reward::OrderAmountOff(dec("0")))],
        Currency::JPY,
    );
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["subtotal"], "150");
    assert_eq!(json["total_discount"], "0");
    assert_eq!(json["offers"][0]["outcome"], "nothing_to_discount");
}

#[test]
fn outcome_names_are_snake_case() {
    let names = [
        OfferOutcome::Applied,
        OfferOutcome::MinSpendNotMet,
        OfferOutcome::NothingToDiscount,
        OfferOutcome::Excluded,
        OfferOutcome::CapReached,
    ]
    .map(|o| serde_json::to_string(&o).unwrap());
    assert_eq!(
        names,
        [
            r#""applied""#,
            r#""min_spend_not_met""#,
            r#""nothing_to_discount""#,
            r#""excluded""#,
            r#""cap_reached""#
        ]
    );
}

#[test]
fn basket_json_roundtrips() {
    let json = r#"{"lines":[{"line_id":"1","item_code":"x","quantity":2,"unit_price":"4.99"}]}"#;
    let b: Basket = serde_json::from_str(json).unwrap();
    assert_eq!(b, basket(&[("1", "x", 2, "4.99")]));
    assert_eq!(serde_json::to_string(&b).unwrap(), json);
}

#[test]
fn schemas_are_generated() {
    let schema = serde_json::to_value(schemars::schema_for!(Evaluation)).unwrap();
    let outcomes: Vec<&str> = schema["$defs"]["OfferOutcome"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| variant["const"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "applied",
            "min_spend_not_met",
            "nothing_to_discount",
            "excluded",
            "cap_reached"
        ]
    );
    let unit = serde_json::to_value(schemars::schema_for!(UnitDiscount)).unwrap();
    assert!(unit["oneOf"]
        .as_array()
        .is_some_and(|variants| variants.len() == 4));
    let basket = serde_json::to_value(schemars::schema_for!(Basket)).unwrap();
    assert!(basket["$defs"]["BasketLine"]["required"]
        .as_array()
        .is_some_and(|r| r.len() == 4));
}
