//! The before-discount spread of an order-level discount ([`OrderSpread::BeforeItemDiscounts`]):
//! in proportion to the lines' totals before any discount, yet no line below zero.
//!
//! It reuses the crate's one spreading rule ([`allocate`], largest remainder): the total is
//! spread over the weights; every line whose part exceeds its remaining amount is capped at it,
//! and the excess is spread by the same rule over the lines not capped, on their weights, and
//! added to their parts; this repeats until no part exceeds. Each round with an excess caps at
//! least one more line, so there are at most as many rounds as lines.
//!
//! [`OrderSpread::BeforeItemDiscounts`]: crate::OrderSpread::BeforeItemDiscounts

use crate::allocate::{allocate, Remainders};

/// One line's figures during a before-discount spread.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Slot {
    /// The line total before any discount while the line can still take more; 0 once capped,
    /// and 0 for a line with nothing remaining.
    weight: i64,
    /// The line's remaining amount: the most it can take.
    room: i64,
    /// Its part of the total so far.
    part: i64,
    /// Its share of the excess being spread again.
    extra: i64,
}

impl Slot {
    /// The line's part of the total.
    pub(crate) fn part(&self) -> i64 {
        self.part
    }
}

/// Reusable buffer of slots for [`before_discounts`], one per line in `line_id` order.
pub(crate) type Slots = Vec<Slot>;

/// Spreads `total` over lines given as `(line total, remaining amount)` pairs (in `line_id`
/// order) in proportion to the line totals, no part above its remaining amount; the parts are
/// left in `slots`, one per line.
///
/// With `total` in `0..=sum of the remaining amounts` (as the engine guarantees) the parts add
/// up to `total` exactly: the excess of a round is at most the room left on the lines not
/// capped, which is at most their weights, so [`allocate`] never clamps it.
pub(crate) fn before_discounts(
    total: i128,
    lines: impl Iterator<Item = (i64, i64)>,
    slots: &mut Slots,
    remainders: &mut Remainders,
) {
    slots.clear();
    slots.extend(lines.map(|(line_total, remaining)| Slot {
        weight: if remaining > 0 { line_total } else { 0 },
        room: remaining.max(0),
        part: 0,
        extra: 0,
    }));
    allocate(
        total,
        slots,
        |slot| slot.weight,
        |slot| &mut slot.part,
        remainders,
    );
    for _ in 0..=slots.len() {
        let excess = cap(slots);
        if excess == 0 {
            return;
        }
        allocate(
            excess,
            slots,
            |slot| slot.weight,
            |slot| &mut slot.extra,
            remainders,
        );
        for slot in slots.iter_mut() {
            slot.part += slot.extra;
        }
    }
}

/// Caps every part above its room at the room, takes the capped lines out of the next spread,
/// and returns the total excess taken off.
fn cap(slots: &mut [Slot]) -> i128 {
    let mut excess: i128 = 0;
    for slot in slots {
        if slot.part > slot.room {
            excess += i128::from(slot.part - slot.room);
            slot.part = slot.room;
            slot.weight = 0;
        }
    }
    excess
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use proptest::prelude::*;

    fn run(total: i128, lines: &[(i64, i64)]) -> Vec<i64> {
        let mut slots = Slots::new();
        before_discounts(total, lines.iter().copied(), &mut slots, &mut Vec::new());
        slots.iter().map(Slot::part).collect()
    }

    #[test]
    fn spreads_by_line_totals_when_nothing_was_discounted() {
        assert_eq!(run(100, &[(100, 100), (300, 300)]), [25, 75]);
        assert_eq!(run(1, &[(1, 1), (1, 1), (1, 1)]), [1, 0, 0]);
    }

    #[test]
    fn ignores_earlier_discounts_while_they_leave_room() {
        // Remaining 10 and 300: after-discount weights would give 3 and 97.
        assert_eq!(run(100, &[(100, 10), (300, 300)]), [10, 90]);
        assert_eq!(run(40, &[(100, 90), (300, 300)]), [10, 30]);
    }

    #[test]
    fn caps_a_line_at_its_remaining_amount_and_spreads_the_excess_again() {
        // 200 by 1:1:2 is 50, 50, 100; the first line has 20 left, its 30 over goes 1:2.
        assert_eq!(
            run(200, &[(100, 20), (100, 100), (200, 200)]),
            [20, 60, 120]
        );
        // Capping cascades: 90 by 1:1:1 is 30 each; line 0 takes 5, excess 25 by 1:1 is 13
        // and 12; line 1 (room 40) then has 43 and is capped, its 3 going to line 2.
        assert_eq!(run(90, &[(100, 5), (100, 40), (100, 100)]), [5, 40, 45]);
    }

    #[test]
    fn a_line_with_nothing_remaining_takes_nothing() {
        assert_eq!(run(30, &[(100, 0), (100, 100)]), [0, 30]);
        assert_eq!(run(0, &[(100, 0), (100, 100)]), [0, 0]);
    }

    #[test]
    fn the_whole_room_can_be_taken() {
        assert_eq!(run(110, &[(100, 10), (100, 100)]), [10, 100]);
    }

    proptest! {
        #[test]
        fn parts_add_up_and_stay_within_the_remaining_amounts(
            lines in proptest::collection::vec((0i64..10_000, 0.0f64..=1.0), 1..12),
            fraction in 0.0f64..=1.0,
        ) {
            let lines: Vec<(i64, i64)> = lines
                .into_iter()
                .map(|(total, share)| (total, (total as f64 * share) as i64))
                .collect();
            let room: i64 = lines.iter().map(|&(_, remaining)| remaining).sum();
            let total = (room as f64 * fraction) as i128;
            let parts = run(total, &lines);
            prop_assert_eq!(parts.iter().map(|&p| i128::from(p)).sum::<i128>(), total);
            for (part, (_, remaining)) in parts.iter().zip(&lines) {
                prop_assert!(*part >= 0 && part <= remaining);
            }
        }

        #[test]
        fn equals_the_plain_spread_when_nothing_was_discounted(
            totals in proptest::collection::vec(0i64..10_000, 1..12),
            fraction in 0.0f64..=1.0,
        ) {
            let sum: i64 = totals.iter().sum();
            let total = (sum as f64 * fraction) as i128;
            let pairs: Vec<(i64, i64)> = totals.iter().map(|&t| (t, t)).collect();
            let mut plain = totals.clone();
            allocate(total, &mut plain, |&w| w, |w| w, &mut Vec::new());
            prop_assert_eq!(run(total, &pairs), plain);
        }
    }
}
