//! Timestamps and days as events store them: RFC 3339 in UTC ("2026-03-02T16:23:19Z", with
//! nanoseconds when there are any) and ISO dates ("2026-03-02"). Written as chrono writes
//! them; read with a fast path for exactly that shape (chrono's general parser costs several
//! hundred nanoseconds, which dominated replay), falling back to chrono's RFC 3339 parser for
//! any other valid form, such as an explicit offset.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{de, Deserialize, Deserializer, Serializer};

/// Parses an RFC 3339 timestamp.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    parse_utc_fast(text.as_bytes()).or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|at| at.to_utc())
    })
}

/// Writes a timestamp the way it is stored.
pub fn format_timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |value, byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u32::from(byte - b'0'))
    })
}

fn parse_date_fast(bytes: &[u8]) -> Option<NaiveDate> {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&bytes[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&bytes[5..7])?, digits(&bytes[8..10])?)
}

fn parse_utc_fast(bytes: &[u8]) -> Option<DateTime<Utc>> {
    if bytes.len() < 20 || bytes[10] != b'T' || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (&last, rest) = bytes.split_last()?;
    if last != b'Z' {
        return None;
    }
    let date = parse_date_fast(&rest[0..10])?;
    let nanos = match &rest[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            digits(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let time = date.and_hms_nano_opt(
        digits(&rest[11..13])?,
        digits(&rest[14..16])?,
        digits(&rest[17..19])?,
        nanos,
    )?;
    Some(time.and_utc())
}

/// Serde for a `DateTime<Utc>` field.
pub mod rfc3339 {
    use super::*;

    /// Writes the timestamp.
    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_timestamp(at))
    }

    /// Reads the timestamp.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        parse_timestamp(&text)
            .ok_or_else(|| de::Error::custom(format!("not an RFC 3339 timestamp: {text}")))
    }
}

/// Serde for an `Option<DateTime<Utc>>` field.
pub mod rfc3339_option {
    use super::*;

    /// Writes the timestamp or null.
    pub fn serialize<S: Serializer>(
        at: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => serializer.serialize_str(&format_timestamp(at)),
            None => serializer.serialize_none(),
        }
    }

    /// Reads the timestamp or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
        text.map(|text| {
            parse_timestamp(&text)
                .ok_or_else(|| de::Error::custom(format!("not an RFC 3339 timestamp: {text}")))
        })
        .transpose()
    }
}

/// Serde for a `NaiveDate` field.
pub mod date {
    use super::*;

    /// Writes the date.
    pub fn serialize<S: Serializer>(day: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(day)
    }

    /// Reads the date.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        parse_date_fast(text.as_bytes())
            .or_else(|| text.parse().ok())
            .ok_or_else(|| de::Error::custom(format!("not an ISO date: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fast_path_agrees_with_chrono() {
        for text in [
            "2026-03-02T16:23:19Z",
            "2026-03-02T16:23:19.5Z",
            "2026-03-02T16:23:19.123456789Z",
            "2024-02-29T00:00:00Z",
        ] {
            let expected = DateTime::parse_from_rfc3339(text)
                .map(|at| at.to_utc())
                .ok();
            assert_eq!(parse_utc_fast(text.as_bytes()), expected, "{text}");
            assert_eq!(parse_timestamp(text), expected, "{text}");
        }
    }

    #[test]
    fn other_forms_fall_back_and_garbage_is_refused() {
        let expected = Utc.with_ymd_and_hms(2026, 3, 2, 14, 23, 19).single();
        assert_eq!(parse_timestamp("2026-03-02T16:23:19+02:00"), expected);
        for text in [
            "2026-02-30T00:00:00Z",
            "2026-03-02",
            "nope",
            "2026-03-02T16:23:1xZ",
        ] {
            assert_eq!(parse_timestamp(text), None, "{text}");
        }
    }

    #[test]
    fn written_form_reads_back() {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 16, 23, 19)
            .single()
            .unwrap_or_default()
            + chrono::Duration::nanoseconds(1_500);
        assert_eq!(parse_timestamp(&format_timestamp(&at)), Some(at));
    }
}
