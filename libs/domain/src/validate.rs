//! Field rules shared by every resource: required text, lengths, positive counts.

use crate::error::{DomainError, DomainResult};
use crate::persistent::SharedMap;
use discount::Currency;
use rust_decimal::Decimal;
use std::hash::{BuildHasher, Hash};

/// Longest name or identifier accepted.
pub const MAX_TEXT: usize = 255;
/// The largest counter name (and the smallest, negated): 2^53 - 1, the largest integer every
/// JSON client reads exactly.
pub const MAX_COUNTER_NAME: i64 = (1 << 53) - 1;
/// Longest free text (descriptions, terms) accepted.
pub const MAX_LONG_TEXT: usize = 10_000;

/// `value` trimmed, required to be present and non-empty, at most `max` characters.
pub fn required_text(field: &'static str, value: Option<&str>, max: usize) -> DomainResult<String> {
    let trimmed = value.map(str::trim).unwrap_or_default();
    if trimmed.is_empty() {
        return Err(DomainError::Blank { field });
    }
    bounded_text(field, trimmed, max)
}

/// `value` trimmed, when present; empty becomes absent.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> DomainResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => bounded_text(field, text, max).map(Some),
    }
}

/// An update's rule for an optional text field: `given` replaces `kept` once checked as
/// [`optional_text`] (empty text clears it); absent, `kept` stays.
pub fn replace_text(
    field: &'static str,
    given: Option<&str>,
    max: usize,
    kept: &mut Option<String>,
) -> DomainResult<()> {
    if given.is_some() {
        *kept = optional_text(field, given, max)?;
    }
    Ok(())
}

/// [`replace_text`] for a url field, checked as [`optional_url`].
pub fn replace_url(
    field: &'static str,
    given: Option<&str>,
    kept: &mut Option<String>,
) -> DomainResult<()> {
    if given.is_some() {
        *kept = optional_url(field, given)?;
    }
    Ok(())
}

fn bounded_text(field: &'static str, text: &str, max: usize) -> DomainResult<String> {
    if text.chars().count() > max {
        return Err(DomainError::TooLong { field, max });
    }
    clean_text(field, text)?;
    Ok(text.to_owned())
}

/// Refuses text holding a control character other than tab, line feed and carriage return:
/// a NUL cannot be stored by Postgres, and none belongs in a promotions record.
pub fn clean_text(field: &'static str, text: &str) -> DomainResult<()> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(DomainError::Invalid {
            field,
            reason: "must not contain control characters".into(),
        });
    }
    Ok(())
}

/// An error for a count that must be at least one.
pub fn positive(field: &'static str, value: Option<u32>) -> DomainResult<Option<u32>> {
    match value {
        Some(0) => Err(DomainError::Invalid {
            field,
            reason: "must be greater than 0".into(),
        }),
        other => Ok(other),
    }
}

/// An optional url, which must be http or https.
pub fn optional_url(field: &'static str, value: Option<&str>) -> DomainResult<Option<String>> {
    let url = optional_text(field, value, 2_048)?;
    if let Some(url) = &url {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(DomainError::Invalid {
                field,
                reason: "must be an http or https url".into(),
            });
        }
    }
    Ok(url)
}

/// An amount of money: not negative, no finer than the currency's minor unit.
pub fn money(field: &'static str, value: Option<Decimal>, currency: Currency) -> DomainResult<()> {
    let Some(value) = value else { return Ok(()) };
    if value.is_sign_negative() && !value.is_zero() {
        return Err(DomainError::Invalid {
            field,
            reason: "must be greater than or equal to 0".into(),
        });
    }
    if value.normalize().scale() > currency.minor_units {
        return Err(DomainError::Invalid {
            field,
            reason: format!("must have at most {} decimal places", currency.minor_units),
        });
    }
    Ok(())
}

/// A percentage: above 0, at most 100.
pub fn percent(field: &'static str, value: Decimal) -> DomainResult<()> {
    if value <= Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        return Err(DomainError::Invalid {
            field,
            reason: "must be greater than 0 and at most 100".into(),
        });
    }
    Ok(())
}

/// Most ids one request may list before any of them is looked at.
pub const MAX_LISTED_IDS: usize = 1_000;

/// The distinct ids of `ids` in their first order, found in linear time: refused when the
/// list is longer than [`MAX_LISTED_IDS`] (before any work) or names more than `max`
/// distinct ids.
pub fn distinct<T: Copy + Eq + Hash>(
    field: &'static str,
    ids: &[T],
    max: usize,
) -> DomainResult<Vec<T>> {
    let too_many = || DomainError::Invalid {
        field,
        reason: format!("must name at most {max} distinct ids"),
    };
    if ids.len() > MAX_LISTED_IDS {
        return Err(too_many());
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    let unique: Vec<T> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
    if unique.len() > max {
        return Err(too_many());
    }
    Ok(unique)
}

/// The value stored under `id` in `map`, or a not-found error naming `resource`.
pub fn existing<'a, K: Eq + Hash + Clone, V: Clone, S: BuildHasher + Clone>(
    map: &'a SharedMap<K, V, S>,
    id: &K,
    resource: &'static str,
) -> DomainResult<&'a V> {
    map.get(id).ok_or(DomainError::NotFound { resource })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(required_text("Name", Some("  a "), 3), Ok("a".into()));
        assert_eq!(
            required_text("Name", Some("   "), 3),
            Err(DomainError::Blank { field: "Name" })
        );
        assert_eq!(
            required_text("Name", Some("abcd"), 3),
            Err(DomainError::TooLong {
                field: "Name",
                max: 3
            })
        );
        assert_eq!(optional_text("Name", Some(""), 3), Ok(None));
        assert!(required_text("Name", Some("a\u{0}b"), 9).is_err());
        assert!(optional_text("Terms", Some("one\r\n\ttwo"), 99).is_ok());
        assert!(positive("Count", Some(0)).is_err());
        assert_eq!(distinct("Ids", &[3, 1, 3, 2, 1], 3), Ok(vec![3, 1, 2]));
        assert!(distinct("Ids", &[1, 2, 3], 2).is_err());
        assert!(distinct("Ids", &vec![7; MAX_LISTED_IDS + 1], 1).is_err());
        assert_eq!(distinct("Ids", &vec![7; MAX_LISTED_IDS], 1), Ok(vec![7]));
        assert_eq!(positive("Count", Some(2)), Ok(Some(2)));
    }
}
