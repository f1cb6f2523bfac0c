//! What any request may hold, whatever its format (JSON body, form body, query string): one
//! rule for all of them, checked before a value reaches a handler.
//!
//! - A body is at most [`MAX_BODY_BYTES`]; a larger one answers 413 before it is parsed.
//! - Objects and arrays nest at most [`MAX_DEPTH`] levels (form and query keys as many
//!   `[...]` segments). serde_json stops at 128 levels on its own; the form parser had no
//!   bound, and 100,000 `[` in one key overflowed a worker's stack.
//! - No text (a value or a field name) holds a control character other than tab, line feed
//!   and carriage return: a NUL in an event reaches Postgres, which refuses it and stops the
//!   projector for good, and the other controls have no business in a promotions record.
//!
//! The walk over a parsed value is iterative, so no input can make it recurse.

use super::ApiError;
use serde_json::{Map, Value};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Deepest nesting of objects and arrays (or of `[...]` segments in a form key) accepted.
pub const MAX_DEPTH: usize = 8;

/// Whether `text` holds a control character other than tab, line feed and carriage return.
///
/// Unicode's controls are U+0000 to U+001F, U+007F and U+0080 to U+009F; the last are
/// written in UTF-8 as 0xC2 followed by 0x80 to 0x9F, so the check reads bytes and decodes
/// nothing (every request's text passes through it).
pub fn has_control(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| match byte {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        0xc2 => bytes
            .get(at + 1)
            .is_some_and(|next| (0x80..=0x9f).contains(next)),
        _ => false,
    })
}

/// `text` when it holds no forbidden control character; `field` names it in the refusal.
pub fn check_text(field: &str, text: &str) -> Result<(), ApiError> {
    if has_control(text) {
        return Err(control_error(field));
    }
    Ok(())
}

/// Checks every field name and text of `value` and how deep it nests.
pub fn check_value(value: &Value) -> Result<(), ApiError> {
    walk(vec![(value, 0, None)])
}

/// [`check_value`] for the fields of an object.
pub fn check_fields(fields: &Map<String, Value>) -> Result<(), ApiError> {
    let mut pending = Vec::with_capacity(fields.len());
    for (name, item) in fields {
        check_text("Field names", name)?;
        pending.push((item, 1, Some(name.as_str())));
    }
    walk(pending)
}

fn walk<'a>(mut pending: Vec<(&'a Value, usize, Option<&'a str>)>) -> Result<(), ApiError> {
    while let Some((value, depth, field)) = pending.pop() {
        match value {
            Value::String(text) => check_text(field.unwrap_or("Text"), text)?,
            Value::Array(items) => {
                nested(depth)?;
                pending.extend(items.iter().map(|item| (item, depth + 1, field)));
            }
            Value::Object(fields) => {
                nested(depth)?;
                for (name, item) in fields {
                    check_text("Field names", name)?;
                    pending.push((item, depth + 1, Some(name)));
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    Ok(())
}

fn nested(depth: usize) -> Result<(), ApiError> {
    if depth >= MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(())
}

/// The refusal of input nested deeper than [`MAX_DEPTH`].
pub fn too_deep() -> ApiError {
    ApiError::BadRequest(format!("The request nests deeper than {MAX_DEPTH} levels"))
}

fn control_error(field: &str) -> ApiError {
    let field: String = field.chars().take(64).collect();
    let field = if has_control(&field) { "Text" } else { &field };
    ApiError::BadRequest(format!("{field} must not contain control characters"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn nest(depth: usize) -> Value {
        (0..depth).fold(json!("x"), |inner, _| json!({ "a": inner }))
    }

    #[test]
    fn nesting_is_bounded() {
        assert!(check_value(&nest(MAX_DEPTH)).is_ok());
        assert!(check_value(&nest(MAX_DEPTH + 1)).is_err());
        let arrays = (0..=MAX_DEPTH).fold(json!(1), |inner, _| json!([inner]));
        assert!(check_value(&arrays).is_err());
    }

    #[test]
    fn control_characters_are_refused_in_names_and_values() {
        assert!(check_value(&json!({"member": {"identifier": "a\u{0}b"}})).is_err());
        assert!(check_value(&json!({"a\u{1}": "x"})).is_err());
        assert!(check_value(&json!(["\u{7f}"])).is_err());
        assert!(check_value(&json!({"terms": "line one\r\n\tline two"})).is_ok());
        let refused = check_value(&json!({"identifier": "\u{0}"}));
        assert!(
            matches!(refused, Err(ApiError::BadRequest(text)) if text == "identifier must not contain control characters")
        );
    }

    proptest! {
        #[test]
        fn the_byte_scan_agrees_with_unicode(
            chars in prop::collection::vec(
                prop_oneof![any::<char>(), (0u32..0xa0).prop_map(|c| char::from_u32(c).unwrap_or('a'))],
                0..16,
            )
        ) {
            let text: String = chars.into_iter().collect();
            let by_chars = text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
            prop_assert_eq!(has_control(&text), by_chars);
        }

        #[test]
        fn any_text_with_a_forbidden_control_is_refused(
            before in "\\PC{0,8}",
            control in prop_oneof![0u32..9, 11u32..13, 14u32..32, 127u32..160],
            after in "\\PC{0,8}",
        ) {
            let control = char::from_u32(control).unwrap_or('\0');
            let text = format!("{before}{control}{after}");
            let clean = format!("{before}{after}");
            let refused = check_value(&json!({ "name": text })).is_err();
            let accepted = check_value(&json!({ "name": clean })).is_ok();
            prop_assert!(refused);
            prop_assert!(accepted);
        }
    }
}
