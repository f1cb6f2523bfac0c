//! Reading an event with its [`Lazy`] part (a redemption's evaluation) cut out of the stored
//! text by a structural scan instead of passed over by the JSON parser, which checks every
//! byte of it on the way and spent more than half of a redemption's decoding there. The cut
//! text is kept as it is and checked when it is parsed or written again.
//!
//! The part is found by its key: in valid JSON the bytes `"evaluation":` with an unescaped
//! first quote can only be that key. Whatever the scan cannot vouch for (no such key, a value
//! that is not an object or array, unbalanced brackets, the key found elsewhere than in a
//! redemption's payload) goes through the parser whole. The result is the parser's, except
//! that a malformed evaluation is found when it is read rather than here.
//!
//! The cut part skips upcasting: an upcast must not change a redemption's evaluation.

use super::{Event, EventKind, Lazy};
use discount::Evaluation;
use memchr::memmem::Finder;
use std::ops::Range;
use std::sync::LazyLock;

/// The key of the part that is cut out.
const KEY: &[u8] = br#""evaluation":"#;
/// What stands in the cut part's place while the rest is parsed.
const PLACEHOLDER: &str = "null";

static FIND_KEY: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(KEY));

impl Event {
    /// An event from its stored JSON text: what `serde_json::from_str` gives, faster for
    /// redemptions, whose evaluation is checked only when it is read.
    pub fn from_json(text: &str) -> Result<Event, serde_json::Error> {
        if let Some(event) = lazy_part_range(text.as_bytes()).and_then(|cut| with_cut(text, cut)) {
            return Ok(event);
        }
        serde_json::from_str(text)
    }
}

/// The event with the text in `cut` kept unparsed as its lazy part, or `None` if the rest does
/// not parse or the cut was not its lazy part.
fn with_cut(text: &str, cut: Range<usize>) -> Option<Event> {
    let (head, tail) = (text.get(..cut.start)?, text.get(cut.end..)?);
    let mut rest = String::with_capacity(head.len() + PLACEHOLDER.len() + tail.len());
    rest.push_str(head);
    rest.push_str(PLACEHOLDER);
    rest.push_str(tail);
    let mut event: Event = serde_json::from_str(&rest).ok()?;
    let lazy = lazy_part_mut(&mut event.kind)?;
    if !lazy.is_stored_text(PLACEHOLDER) {
        return None;
    }
    *lazy = Lazy::cut(text.get(cut)?.into());
    Some(event)
}

fn lazy_part_mut(kind: &mut EventKind) -> Option<&mut Lazy<Evaluation>> {
    match kind {
        EventKind::RedemptionCommitted(recorded) | EventKind::RedemptionReserved(recorded) => {
            Some(&mut recorded.evaluation)
        }
        _ => None,
    }
}

/// Where the object or array under the first `"evaluation":` key of `text` starts and ends.
fn lazy_part_range(text: &[u8]) -> Option<Range<usize>> {
    let mut from = 0;
    loop {
        let at = from + FIND_KEY.find(text.get(from..)?)?;
        if escaped(text, at) {
            from = at + 1;
            continue;
        }
        let mut start = at + KEY.len();
        while text.get(start).is_some_and(u8::is_ascii_whitespace) {
            start += 1;
        }
        return container_end(text, start).map(|end| start..end);
    }
}

/// Whether the byte at `at` is escaped (preceded by an odd number of backslashes).
fn escaped(text: &[u8], at: usize) -> bool {
    let backslashes = text[..at]
        .iter()
        .rev()
        .take_while(|&&byte| byte == b'\\')
        .count();
    backslashes % 2 == 1
}

/// The end (exclusive) of the object or array that starts at `start`, found by counting the
/// brackets outside strings; `None` if there is none there. Whether each bracket closes its
/// own kind is left to the parser, when the part is read.
///
/// Eight bytes are looked at together, without a branch per byte (branches on this text are
/// as unpredictable as the text): a chunk is taken byte by byte only when it holds a
/// backslash or could close the outermost bracket.
fn container_end(text: &[u8], start: usize) -> Option<usize> {
    if !matches!(text.get(start), Some(b'{' | b'[')) {
        return None;
    }
    let mut scan = Scan {
        at: start,
        depth: 0,
        in_string: false,
    };
    while let Some(chunk) = text.get(scan.at..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*chunk);
        if !scan.skip_chunk(word) {
            let end = scan.at + 8;
            if let Some(found) = scan.bytes(text, end) {
                return Some(found);
            }
        }
    }
    scan.bytes(text, text.len())
}

/// Where the scan is: the next byte, how many brackets are open, whether inside a string.
struct Scan {
    at: usize,
    depth: usize,
    in_string: bool,
}

impl Scan {
    /// Takes the eight bytes of `word` at once if none of them is a backslash and they cannot
    /// close the outermost bracket; says whether it did.
    fn skip_chunk(&mut self, word: u64) -> bool {
        if bytes_equal(word, b'\\') != 0 {
            return false;
        }
        // Bytes 0x5B/0x7B and 0x5D/0x7D differ only in 0x20: `[`/`{` and `]`/`}`.
        let folded = word | (ONES * 0x20);
        let quotes = bytes_equal(word, b'"');
        // Every byte after an odd number of quotes in this chunk, then flipped if the chunk
        // starts inside a string: the bytes inside strings.
        let mut parity = quotes >> 7;
        parity ^= parity << 8;
        parity ^= parity << 16;
        parity ^= parity << 32;
        let inside = (parity * 0xFF) ^ if self.in_string { u64::MAX } else { 0 };
        let opens = count_bytes(bytes_equal(folded, b'{') & !inside);
        let closes = count_bytes(bytes_equal(folded, b'}') & !inside);
        if closes >= self.depth {
            return false;
        }
        self.depth = self.depth + opens - closes;
        self.in_string = inside >> 63 == 1;
        self.at += 8;
        true
    }

    /// Takes bytes one by one up to `end` (or one past it after an escape); the end of the
    /// outermost bracket if it is met.
    fn bytes(&mut self, text: &[u8], end: usize) -> Option<usize> {
        while self.at < end {
            let byte = *text.get(self.at)?;
            self.at += 1;
            if self.in_string {
                match byte {
                    b'"' => self.in_string = false,
                    b'\\' => self.at += 1,
                    _ => {}
                }
                continue;
            }
            match byte {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.checked_sub(1)?;
                    if self.depth == 0 {
                        return Some(self.at);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

const ONES: u64 = u64::MAX / 255;

/// How many bytes have their high bit set in `marks` (a mask from [`bytes_equal`]): the bytes
/// summed into the top one by a multiplication (the baseline x86-64 has no `popcnt`).
fn count_bytes(marks: u64) -> usize {
    ((marks >> 7).wrapping_mul(ONES) >> 56) as usize
}

/// The high bit of every byte of `word` equal to `byte`, and no other bit.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW_SEVEN: u64 = ONES * 0x7F;
    let zero_where_equal = word ^ (ONES * u64::from(byte));
    !(((zero_where_equal & LOW_SEVEN) + LOW_SEVEN) | zero_where_equal | LOW_SEVEN)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::event::{RecordedRedemption, RedeemedOffer};
    use crate::idempotency::IdempotencyStamp;
    use crate::ids::{CredentialId, OfferId, RedemptionId, StoreId};
    use chrono::{TimeZone, Utc};
    use discount::{Allocation, LineResult};
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn redemption(key: String, line_ids: Vec<String>, reserved: bool) -> Event {
        let lines = line_ids
            .into_iter()
            .map(|line_id| LineResult {
                line_id,
                line_total: Decimal::new(450, 2),
                discount: Decimal::new(45, 2),
                allocations: vec![Allocation {
                    offer_id: 7,
                    amount: Decimal::new(45, 2),
                }],
            })
            .collect();
        let recorded = RecordedRedemption {
            redemption_id: RedemptionId(1),
            store_id: Some(StoreId(2)),
            expires_at: None,
            offers: vec![RedeemedOffer {
                credential_id: CredentialId(3),
                offer_id: OfferId(7),
            }],
            evaluation: Lazy::new(Evaluation {
                lines,
                offers: Vec::new(),
                subtotal: Decimal::new(450, 2),
                total_discount: Decimal::new(45, 2),
                total_points: 0,
            }),
        };
        Event {
            occurred_at: Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
            idempotency: Some(IdempotencyStamp {
                key,
                fingerprint: 9,
            }),
            kind: if reserved {
                EventKind::RedemptionReserved(recorded)
            } else {
                EventKind::RedemptionCommitted(recorded)
            },
        }
    }

    fn awkward_text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(r#""evaluation":{"#.to_string()),
            Just(r#"\"evaluation":["#.to_string()),
            Just("}]\\\"".to_string()),
            any::<String>(),
        ]
    }

    proptest! {
        #[test]
        fn cutting_gives_what_the_parser_gives(
            key in awkward_text(),
            line_ids in prop::collection::vec(awkward_text(), 0..4),
            reserved in any::<bool>(),
        ) {
            let event = redemption(key, line_ids, reserved);
            let text = serde_json::to_string(&event).unwrap();
            let parsed: Event = serde_json::from_str(&text).unwrap();
            let cut = Event::from_json(&text).unwrap();
            prop_assert!(lazy_part_range(text.as_bytes()).is_some());
            prop_assert_eq!(&cut, &parsed);
            prop_assert_eq!(&cut, &event);
            prop_assert_eq!(serde_json::to_string(&cut).unwrap(), text);
        }
    }

    #[test]
    fn an_evaluation_key_outside_a_redemption_goes_through_the_parser() {
        let text = r#"{"type":"member_deleted","version":1,"occurred_at":"2023-11-14T22:13:20Z","data":{"member_id":5,"evaluation":{"a":1}}}"#;
        assert!(matches!(
            Event::from_json(text).map(|event| event.kind),
            Ok(EventKind::MemberDeleted(_))
        ));
        assert_eq!(
            Event::from_json(text).map_err(|error| error.to_string()),
            serde_json::from_str::<Event>(text).map_err(|error| error.to_string())
        );
    }

    #[test]
    fn a_broken_cut_part_fails_when_it_is_read() {
        let event = redemption("k".into(), vec!["1".into()], false);
        let text = serde_json::to_string(&event)
            .unwrap()
            .replace(r#""subtotal":"4.50""#, r#""subtotal":tru"#);
        let cut = Event::from_json(&text).unwrap();
        let EventKind::RedemptionCommitted(recorded) = &cut.kind else {
            panic!("not a redemption: {cut:?}");
        };
        assert!(recorded.evaluation.get().is_err());
        assert!(serde_json::to_string(&cut).is_err());
        assert!(serde_json::from_str::<Event>(&text).is_err());
    }

    #[test]
    fn the_range_covers_the_value_under_the_key_with_strings_and_nesting() {
        let text =
            br#"{"a":"\"evaluation\":[1]","evaluation": {"x":["}",{"y":"\\"}],"z":1},"b":2}"#;
        let range = lazy_part_range(text).unwrap();
        assert_eq!(&text[range], br#"{"x":["}",{"y":"\\"}],"z":1}"#.as_slice());
    }

    #[test]
    fn an_escaped_key_inside_a_string_is_not_the_key() {
        assert_eq!(lazy_part_range(br#"{"k":"\"evaluation\":{}"}"#), None);
    }

    #[test]
    fn a_scalar_or_unbalanced_value_is_left_to_the_parser() {
        assert_eq!(lazy_part_range(br#"{"evaluation":null}"#), None);
        assert_eq!(lazy_part_range(br#"{"evaluation":{"a":"x}"#), None);
        assert_eq!(lazy_part_range(br#"{"evaluation":[[["#), None);
        assert_eq!(lazy_part_range(br#"{"evaluation":{"a":"\"#), None);
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let text = prop_oneof![
            Just("\\\"{[".to_string()),
            Just("}]\"".to_string()),
            "[a-z\\\\\"{}\\[\\] ]{0,12}",
            any::<String>(),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            text.clone().prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((text.clone(), inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_range_is_exactly_the_value_for_any_object_or_array(
            value in json_value(),
            prefix in "[ ]{0,9}",
            pretty in any::<bool>(),
        ) {
            let value = serde_json::json!({ "lines": [value] });
            let written = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let text = format!(r#"{{"a":1,{prefix}"evaluation": {written} ,"b":[2]}}"#);
            let range = lazy_part_range(text.as_bytes()).unwrap();
            prop_assert_eq!(&text[range], written.as_str());
        }
    }
}
