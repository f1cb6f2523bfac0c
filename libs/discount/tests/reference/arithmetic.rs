//! Exact money arithmetic of the reference model: decimals as rationals, rounding to the minor
//! unit, and the one spreading rule (largest remainder).
//!
//! Rules implemented (crate docs, "Arithmetic" and the last paragraph of "Rewards"):
//! * a percentage of an amount is `round(amount * p / 100)` to the minor unit, half away from
//!   zero ([`percent_of`]);
//! * a total is spread over weights by the largest remainder method in minor units: each part
//!   is `floor(total * weight / sum)`, the units left over go one each to the largest
//!   remainders, equal remainders to the earlier line in `line_id` order ([`spread`]);
//! * spread "before item discounts": by the line totals, capping any line whose part exceeds
//!   its remaining amount and spreading the excess again over the lines not capped
//!   ([`spread_capped`]).

use num_bigint::BigInt;
use num_rational::BigRational;
use rust_decimal::Decimal;

/// An exact amount (major units) or ratio.
pub type Exact = BigRational;

/// The integer `value` as an exact number.
pub fn int(value: impl Into<BigInt>) -> Exact {
    BigRational::from_integer(value.into())
}

/// The exact value of a decimal: its mantissa over `10^scale`.
pub fn exact(value: Decimal) -> Exact {
    BigRational::new(
        BigInt::from(value.mantissa()),
        BigInt::from(10u8).pow(value.scale()),
    )
}

/// Zero.
pub fn zero() -> Exact {
    int(0)
}

/// The size of the currency's minor unit, `10^-minor_units`.
pub fn minor_unit(minor_units: u32) -> Exact {
    BigRational::new(BigInt::from(1u8), BigInt::from(10u8).pow(minor_units))
}

/// `value` rounded to a whole number of `unit`s, half away from zero (`value >= 0`).
pub fn round_half_up(value: &Exact, unit: &Exact) -> Exact {
    let half = BigRational::new(BigInt::from(1u8), BigInt::from(2u8));
    (value / unit + half).floor() * unit
}

/// `round(base * percent / 100)` to the minor unit, half away from zero.
pub fn percent_of(base: &Exact, percent: &Exact, unit: &Exact) -> Exact {
    round_half_up(&(base * percent / int(100)), unit)
}

/// Spreads `total` (a whole number of `unit`s, at most the sum of the weights) over `weights`
/// (one per line, lines in `line_id` order) by the largest remainder method in minor units.
pub fn spread(total: &Exact, weights: &[Exact], unit: &Exact) -> Vec<Exact> {
    let sum: Exact = weights.iter().sum();
    if sum == zero() {
        return vec![zero(); weights.len()];
    }
    let total_units = total / unit;
    let shares: Vec<Exact> = weights.iter().map(|w| &total_units * w / &sum).collect();
    let mut parts: Vec<Exact> = shares.iter().map(Exact::floor).collect();
    let given: Exact = parts.iter().sum();
    let left_over = &total_units - given;
    let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder first; a stable sort keeps equal remainders in line_id order.
    by_remainder.sort_by(|&a, &b| {
        let remainder_a = &shares[a] - &parts[a];
        let remainder_b = &shares[b] - &parts[b];
        remainder_b.cmp(&remainder_a)
    });
    let mut handed = zero();
    for index in by_remainder {
        if handed >= left_over {
            break;
        }
        parts[index] += int(1);
        handed += int(1);
    }
    parts.into_iter().map(|part| part * unit).collect()
}

/// Spreads `total` (at most the sum of `rooms`) over `weights` by [`spread`], no part above its
/// room: every line whose part exceeds its room is capped at it and the excess is spread, by
/// the same rule on the weights, over the lines not capped yet (added to their parts), until no
/// part exceeds. Lines with no room have weight zero.
pub fn spread_capped(
    total: &Exact,
    weights: &[Exact],
    rooms: &[Exact],
    unit: &Exact,
) -> Vec<Exact> {
    let mut weights: Vec<Exact> = weights
        .iter()
        .zip(rooms)
        .map(|(weight, room)| {
            if *room > zero() {
                weight.clone()
            } else {
                zero()
            }
        })
        .collect();
    let mut parts = spread(total, &weights, unit);
    loop {
        let mut excess = zero();
        for ((part, room), weight) in parts.iter_mut().zip(rooms).zip(weights.iter_mut()) {
            if *part > *room {
                excess += &*part - room;
                *part = room.clone();
                *weight = zero();
            }
        }
        if excess == zero() {
            return parts;
        }
        for (part, extra) in parts.iter_mut().zip(spread(&excess, &weights, unit)) {
            *part += extra;
        }
    }
}
