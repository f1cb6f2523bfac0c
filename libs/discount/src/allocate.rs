//! Allocation: the one way a total is spread across lines, by the largest remainder method in
//! integer minor units.

use crate::money::div_rem;

/// Reusable buffer of `(remainder, index)` pairs for [`allocate`].
pub(crate) type Remainders = Vec<(u128, u32)>;

/// Sets each item's part (`part`) to its share of `total` in proportion to its weight
/// (`weight`, `>= 0`), which may be the same field.
///
/// Each share is `floor(weight * total / sum)`; the units left over go one each to the
/// largest remainders, equal remainders to the lower index (lines are in `line_id` order).
/// With `total` clamped to `0..=sum`, the shares add up to `total` exactly and none exceeds
/// its weight. Products are taken in `u128` (weights are at most 10^17, sums 5 * 10^19).
pub(crate) fn allocate<T>(
    total: i128,
    items: &mut [T],
    weight: impl Fn(&T) -> i64,
    part: impl Fn(&mut T) -> &mut i64,
    remainders: &mut Remainders,
) {
    let sum: u128 = items.iter().map(|item| weight(item).max(0) as u128).sum();
    let total = (total.max(0) as u128).min(sum);
    remainders.clear();
    if total < sum {
        remainders.reserve(items.len());
    }
    let mut handed_out: u128 = 0;
    for (index, item) in items.iter_mut().enumerate() {
        let weight = weight(item).max(0) as u128;
        let (share, remainder) = if total == sum {
            (weight, 0)
        } else {
            div_rem(weight * total, sum)
        };
        *part(item) = share as i64;
        handed_out += share;
        if remainder > 0 {
            remainders.push((remainder, index as u32));
        }
    }
    let leftover = (total - handed_out) as usize;
    if leftover == 0 {
        return;
    }
    let by_remainder = |a: &(u128, u32), b: &(u128, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if leftover < remainders.len() {
        remainders.select_nth_unstable_by(leftover - 1, by_remainder);
    }
    for &(_, index) in remainders.iter().take(leftover) {
        if let Some(item) = items.get_mut(index as usize) {
            *part(item) += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use proptest::prelude::*;

    fn run(total: i128, weights: &[i64]) -> Vec<i64> {
        let mut parts = weights.to_vec();
        allocate(total, &mut parts, |&w| w, |w| w, &mut Vec::new());
        parts
    }

    #[test]
    fn splits_proportionally() {
        assert_eq!(run(100, &[100, 300]), [25, 75]);
        assert_eq!(run(0, &[5, 5]), [0, 0]);
        assert_eq!(run(10, &[5, 5]), [5, 5]);
        assert_eq!(run(50, &[5, 5]), [5, 5]);
        assert_eq!(run(3, &[0, 0, 7]), [0, 0, 3]);
    }

    #[test]
    fn leftover_goes_to_largest_remainders_then_lowest_index() {
        assert_eq!(run(1, &[1, 1, 1]), [1, 0, 0]);
        assert_eq!(run(2, &[1, 1, 1]), [1, 1, 0]);
        assert_eq!(run(10, &[1, 2, 3]), [1, 2, 3]);
        // 5 * {1,2,4}/7 = 0.714, 1.428, 2.857: floors 0,1,2, two left over -> indices 0 and 2.
        assert_eq!(run(5, &[1, 2, 4]), [1, 1, 3]);
        // 1 * {3,3,3,1}/10: remainders 3,3,3,1 -> the single unit to index 0.
        assert_eq!(run(1, &[3, 3, 3, 1]), [1, 0, 0, 0]);
    }

    #[test]
    fn large_values_use_wide_arithmetic() {
        let big = 100_000_000_000_000_000i64;
        let parts = run(i128::from(big) * 3 - 1, &[big, big, big, 0]);
        assert_eq!(parts, [big, big, big - 1, 0]);
        assert_eq!(
            parts.iter().map(|&p| i128::from(p)).sum::<i128>(),
            i128::from(big) * 3 - 1
        );
    }

    proptest! {
        #[test]
        fn parts_sum_to_total_and_stay_within_weights(
            weights in proptest::collection::vec(0i64..1_000_000, 1..40),
            fraction in 0.0f64..=1.0,
        ) {
            let sum: i64 = weights.iter().sum();
            let total = (sum as f64 * fraction) as i128;
            let parts = run(total, &weights);
            prop_assert_eq!(parts.iter().map(|&p| i128::from(p)).sum::<i128>(), total.min(i128::from(sum)));
            for (part, weight) in parts.iter().zip(&weights) {
                prop_assert!(*part >= 0 && part <= weight);
            }
        }
    }
}
