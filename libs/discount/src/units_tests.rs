//! Checks the bulk unit selection against a unit-by-unit reference.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use proptest::prelude::*;

fn make(spec: &[(u64, i64, bool, bool)]) -> Vec<LineState> {
    spec.iter()
        .map(|&(qty, price, required, target)| LineState {
            qty,
            price,
            remaining: price * qty as i64,
            required,
            target,
            ..LineState::default()
        })
        .collect()
}

fn bulk(spec: &[(u64, i64, bool, bool)], n: u64, m: u64) -> (Vec<u64>, u64) {
    bulk_capped(spec, n, m, u64::MAX)
}

fn bulk_capped(
    spec: &[(u64, i64, bool, bool)],
    n: u64,
    m: u64,
    max_rounds: u64,
) -> (Vec<u64>, u64) {
    let mut lines = make(spec);
    let order = PriceOrder::new(&lines);
    let total = buy_get(&mut lines, &order, &mut Pools::default(), n, m, max_rounds);
    (lines.iter().map(|s| s.rewarded).collect(), total)
}

/// One unit at a time, exactly as the rounds are specified, at most `max_rounds` rounds.
fn reference(spec: &[(u64, i64, bool, bool)], n: u64, m: u64, max_rounds: u64) -> Vec<u64> {
    let mut units: Vec<(i64, usize, bool)> = spec
        .iter()
        .enumerate()
        .flat_map(|(i, &(qty, price, _, _))| (0..qty).map(move |_| (price, i, true)))
        .collect();
    let mut rewarded = vec![0; spec.len()];
    for _ in 0..max_rounds {
        let mut bought: Vec<usize> = (0..units.len())
            .filter(|&u| units[u].2 && spec[units[u].1].2)
            .collect();
        let targets = (0..units.len()).filter(|&u| units[u].2 && spec[units[u].1].3);
        if (bought.len() as u64) < n || targets.count() == 0 {
            return rewarded;
        }
        bought.sort_by_key(|&u| (std::cmp::Reverse(units[u].0), units[u].1));
        for &u in bought.iter().take(n as usize) {
            units[u].2 = false;
        }
        let mut targets: Vec<usize> = (0..units.len())
            .filter(|&u| units[u].2 && spec[units[u].1].3)
            .collect();
        targets.sort_by_key(|&u| (units[u].0, units[u].1));
        for &u in targets.iter().take(m as usize) {
            units[u].2 = false;
            rewarded[units[u].1] += 1;
        }
    }
    rewarded
}

#[test]
fn bogo_on_one_line_rewards_half_rounded_down() {
    assert_eq!(bulk(&[(5, 300, true, true)], 1, 1), (vec![2], 2));
}

#[test]
fn bogo_across_lines_rewards_the_cheaper_units() {
    let (rewarded, total) = bulk(&[(1, 500, true, true), (1, 300, true, true)], 1, 1);
    assert_eq!((rewarded, total), (vec![0, 1], 1));
}

#[test]
fn buy_two_get_one_across_sets() {
    // 3 burgers (required) and 2 fries (target): one full round only.
    let (rewarded, total) = bulk(&[(3, 800, true, false), (2, 300, false, true)], 2, 1);
    assert_eq!((rewarded, total), (vec![0, 1], 1));
}

#[test]
fn partial_last_round_rewards_what_is_left() {
    // Buy 1 get 3: 2 required units, 4 target units -> 3 then 1.
    let (rewarded, total) = bulk(&[(2, 900, true, false), (4, 100, false, true)], 1, 3);
    assert_eq!((rewarded, total), (vec![0, 4], 4));
}

#[test]
fn max_rounds_caps_the_rounds_of_both_steps() {
    // Buy 2 get 1 across sets, 6 required and 3 target units: 3 rounds uncapped.
    let spec = [(6, 800, true, false), (3, 300, false, true)];
    assert_eq!(bulk(&spec, 2, 1), (vec![0, 3], 3));
    assert_eq!(bulk_capped(&spec, 2, 1, 1), (vec![0, 1], 1));
    assert_eq!(bulk_capped(&spec, 2, 1, 2), (vec![0, 2], 2));
    // Unit-by-unit rounds (required spread over lines) count one round each.
    let spec = [
        (1, 900, true, false),
        (1, 800, true, false),
        (4, 100, false, true),
    ];
    assert_eq!(bulk_capped(&spec, 1, 1, 1), (vec![0, 0, 1], 1));
    assert_eq!(bulk_capped(&spec, 1, 1, 0), (vec![0, 0, 0], 0));
}

#[test]
fn items_takes_cheapest_units_first_ties_by_line_id() {
    let mut lines = make(&[
        (2, 500, false, true),
        (3, 200, false, true),
        (2, 200, false, true),
        (5, 100, false, false),
    ]);
    let order = PriceOrder::new(&lines);
    assert_eq!(cheapest_targets(&mut lines, &order, 4), 4);
    let rewarded: Vec<u64> = lines.iter().map(|s| s.rewarded).collect();
    assert_eq!(rewarded, [0, 3, 1, 0]);
    assert_eq!(all_targets(&mut lines), 7);
    assert_eq!(cheapest_targets(&mut lines, &order, 100), 7);
}

proptest! {
    #[test]
    fn bulk_rounds_match_the_unit_by_unit_reference(
        spec in proptest::collection::vec((1u64..=12, 0i64..=5, any::<bool>(), any::<bool>()), 1..=8),
        n in 1u64..=4,
        m in 1u64..=4,
        max_rounds in prop_oneof![Just(u64::MAX), 0u64..=6],
    ) {
        let expected = reference(&spec, n, m, max_rounds);
        let (rewarded, total) = bulk_capped(&spec, n, m, max_rounds);
        prop_assert_eq!(total, expected.iter().sum::<u64>());
        prop_assert_eq!(rewarded, expected);
    }
}
