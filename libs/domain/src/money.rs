//! Currencies an account can price in, and their minor units (ISO 4217 exponents).

use discount::Currency;

/// ISO 4217 codes this product accepts, with the number of decimal places of their minor unit.
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PLN", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UGX", 0),
    ("USD", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// The currency with ISO code `code` (upper case), if supported.
pub fn currency(code: &str) -> Option<Currency> {
    CURRENCIES
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, minor_units)| Currency::new(*minor_units))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_follow_iso_4217() {
        assert_eq!(currency("USD"), Some(Currency::new(2)));
        assert_eq!(currency("JPY"), Some(Currency::new(0)));
        assert_eq!(currency("BHD"), Some(Currency::new(3)));
        assert_eq!(currency("usd"), None);
        assert_eq!(currency("XXX"), None);
    }
}
