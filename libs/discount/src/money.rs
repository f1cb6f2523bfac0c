//! Money: the currency's minor unit, exact conversion between `Decimal` amounts and
//! integer minor units, percentages, and the integer division helpers the engine uses.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The most minor-unit decimal places a currency may have (ISO 4217 uses at most 4).
pub const MAX_MINOR_UNITS: u32 = 4;

/// The most decimal places a percentage may have (after trailing zeros are dropped).
pub const MAX_PERCENT_DECIMALS: u32 = 6;

/// Money in the currency's minor unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Currency {
    /// Decimal places of the minor unit: USD 2, JPY 0, BHD 3.
    pub minor_units: u32,
}

impl Currency {
    /// US dollar (2 decimal places).
    pub const USD: Currency = Currency::new(2);
    /// Euro (2 decimal places).
    pub const EUR: Currency = Currency::new(2);
    /// Japanese yen (no decimal places).
    pub const JPY: Currency = Currency::new(0);
    /// Bahraini dinar (3 decimal places).
    pub const BHD: Currency = Currency::new(3);

    /// A currency whose minor unit has `minor_units` decimal places.
    pub const fn new(minor_units: u32) -> Self {
        Currency { minor_units }
    }
}

const fn pow10_table() -> [i128; 29] {
    let mut table = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
}

/// `POW10[n] == 10^n` for every scale a `Decimal` can have.
const POW10: [i128; 29] = pow10_table();

/// Why a decimal amount cannot be expressed in whole minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MinorError {
    /// The amount is below zero.
    Negative,
    /// The amount has a non-zero digit below the minor unit.
    TooPrecise,
}

/// Converts a non-negative amount to whole minor units (`minor_units <= MAX_MINOR_UNITS`).
///
/// Trailing zeros are accepted (`1.500` USD is 150); a non-zero digit below the minor unit
/// (`1.005` USD) is not. Every `Decimal` fits: its mantissa is below 2^96.
pub(crate) fn to_minor(value: Decimal, minor_units: u32) -> Result<i128, MinorError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(MinorError::Negative);
    }
    let mantissa = value.mantissa().abs();
    let scale = value.scale();
    if scale <= minor_units {
        Ok(mantissa * POW10[(minor_units - scale) as usize])
    } else {
        let divisor = POW10[(scale - minor_units) as usize];
        if mantissa % divisor == 0 {
            Ok(mantissa / divisor)
        } else {
            Err(MinorError::TooPrecise)
        }
    }
}

/// Converts whole minor units back to a `Decimal` with exactly `minor_units` decimal places.
///
/// Engine outputs are at most 500 lines x 10^17 minor units, far inside `Decimal`'s 96-bit
/// range, so the saturating fallback is never taken.
pub(crate) fn from_minor(value: i128, minor_units: u32) -> Decimal {
    Decimal::try_from_i128_with_scale(value, minor_units).unwrap_or(Decimal::MAX)
}

/// A validated percentage in `0..=100`, held as the exact fraction `num / den` of the base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Percent {
    num: u128,
    den: u128,
}

/// Why a decimal is not a usable percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PercentError {
    /// Below 0 or above 100.
    OutOfRange,
    /// More than `MAX_PERCENT_DECIMALS` decimal places.
    TooPrecise,
}

impl Percent {
    /// Validates `value` as a percentage.
    pub(crate) fn new(value: Decimal) -> Result<Self, PercentError> {
        if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            return Err(PercentError::OutOfRange);
        }
        let value = value.normalize();
        let scale = value.scale();
        if scale > MAX_PERCENT_DECIMALS {
            return Err(PercentError::TooPrecise);
        }
        Ok(Percent {
            num: value.mantissa().unsigned_abs(),
            den: 100 * POW10[scale as usize] as u128,
        })
    }

    /// `base * percent / 100` in minor units, rounded half away from zero.
    ///
    /// `base` is at most 5 * 10^19 and `num` at most 10^8, so the product fits in a `u128`.
    pub(crate) fn of(self, base: u128) -> u128 {
        div_round_half_up(base * self.num, self.den)
    }
}

/// `n / d` rounded half up (half away from zero, as both are non-negative); `d > 0`.
pub(crate) fn div_round_half_up(n: u128, d: u128) -> u128 {
    let (q, r) = div_rem(n, d);
    if r >= d - r {
        q + 1
    } else {
        q
    }
}

/// Quotient and remainder of `n / d` (`d > 0`), using 64-bit division when both fit.
#[inline]
pub(crate) fn div_rem(n: u128, d: u128) -> (u128, u128) {
    if let (Ok(n), Ok(d)) = (u64::try_from(n), u64::try_from(d)) {
        ((n / d) as u128, (n % d) as u128)
    } else {
        (n / d, n % d)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn converts_to_minor_units() {
        assert_eq!(to_minor(dec("1.5"), 2), Ok(150));
        assert_eq!(to_minor(dec("1.500"), 2), Ok(150));
        assert_eq!(to_minor(dec("0"), 2), Ok(0));
        assert_eq!(to_minor(dec("-0.00"), 2), Ok(0));
        assert_eq!(to_minor(dec("150"), 0), Ok(150));
        assert_eq!(to_minor(dec("1.005"), 2), Err(MinorError::TooPrecise));
        assert_eq!(to_minor(dec("150.5"), 0), Err(MinorError::TooPrecise));
        assert_eq!(to_minor(dec("-0.01"), 2), Err(MinorError::Negative));
        assert_eq!(
            to_minor(Decimal::MAX, 4),
            Ok(Decimal::MAX.mantissa() * 10_000)
        );
    }

    #[test]
    fn converts_back_with_the_currency_scale() {
        assert_eq!(from_minor(150, 2).to_string(), "1.50");
        assert_eq!(from_minor(0, 2).to_string(), "0.00");
        assert_eq!(from_minor(150, 0).to_string(), "150");
        assert_eq!(from_minor(1, 3).to_string(), "0.001");
    }

    #[test]
    fn percent_rounds_half_away_from_zero() {
        let ten = Percent::new(dec("10")).unwrap();
        assert_eq!(ten.of(15), 2);
        assert_eq!(ten.of(14), 1);
        assert_eq!(ten.of(0), 0);
        let third = Percent::new(dec("33.333333")).unwrap();
        assert_eq!(third.of(300), 100);
        let half = Percent::new(dec("50.000000000")).unwrap();
        assert_eq!(half.of(1), 1);
        assert_eq!(half.of(3), 2);
        assert_eq!(
            Percent::new(dec("100")).unwrap().of(5 * 10u128.pow(19)),
            5 * 10u128.pow(19)
        );
    }

    #[test]
    fn rejects_bad_percentages() {
        assert_eq!(Percent::new(dec("-1")), Err(PercentError::OutOfRange));
        assert_eq!(Percent::new(dec("100.01")), Err(PercentError::OutOfRange));
        assert_eq!(
            Percent::new(dec("1.0000001")),
            Err(PercentError::TooPrecise)
        );
    }

    #[test]
    fn div_rem_agrees_on_both_paths() {
        assert_eq!(div_rem(7, 2), (3, 1));
        let big = u128::from(u64::MAX) * 3 + 1;
        assert_eq!(div_rem(big, 3), (u128::from(u64::MAX), 1));
        assert_eq!(div_round_half_up(big + 1, 2), big / 2 + 1);
    }
}
