//! JSON bodies decoded in one pass, straight into the handler's type, under the rule of
//! [`super::limits`]: a wrapper around serde_json's deserializer sees every value on its way
//! to the type (fields the type ignores included) and refuses nesting deeper than
//! [`MAX_DEPTH`] and text with a control character, as [`super::limits::check_value`] does
//! for a parsed [`serde_json::Value`], without building one.
//!
//! A refusal of the rule is kept aside (the first one) and answered as the rule words it;
//! any other failure is malformed JSON (400, without echoing the input) or a value the type
//! refuses (400, serde's message without its position, as it read when decoded from a
//! `Value`). Enums are read as strings or one-key objects, as `Value` reads them.

use super::limits::{check_text, too_deep, MAX_DEPTH};
use super::ApiError;
use serde::de::value::{
    BorrowedStrDeserializer, MapAccessDeserializer, StrDeserializer, StringDeserializer,
};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use std::cell::Cell;
use std::fmt;

/// Decodes `text` into `T` in one pass under the input rule.
pub(super) fn decode<T: DeserializeOwned>(text: &[u8]) -> Result<T, ApiError> {
    let guard = Guard::default();
    let mut json = serde_json::Deserializer::from_slice(text);
    let decoded = T::deserialize(Checked::new(&mut json, &guard, 0, Place::Value(None)))
        .and_then(|value| json.end().map(|()| value));
    if let Some(refusal) = guard.refusal.take() {
        return Err(refusal);
    }
    decoded.map_err(|error| refusal_of(&error))
}

/// The answer to a body serde_json could not decode into the type.
fn refusal_of(error: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Data => {
            let text = error.to_string();
            let position = format!(" at line {} column {}", error.line(), error.column());
            let text = text.strip_suffix(&position).unwrap_or(&text);
            return ApiError::invalid_input(text);
        }
        Category::Eof => "unexpected end",
        Category::Syntax => "syntax error",
        Category::Io => "unreadable body",
    };
    ApiError::BadRequest(format!(
        "Malformed JSON: {what} at line {} column {}",
        error.line(),
        error.column()
    ))
}

/// The first refusal of the input rule met while decoding.
#[derive(Default)]
struct Guard {
    refusal: Cell<Option<ApiError>>,
}

impl Guard {
    /// Keeps `refusal` (unless one came first) and stops the decode.
    fn refuse<E: de::Error>(&self, refusal: ApiError) -> E {
        let first = self.refusal.take().unwrap_or(refusal);
        self.refusal.set(Some(first));
        E::custom("refused by the input rule")
    }

    fn check<E: de::Error>(&self, place: &Place<'_>, text: &str) -> Result<(), E> {
        let field = match place {
            Place::Key(_) => "Field names",
            Place::Value(field) => field.filter(|name| !name.is_empty()).unwrap_or("Text"),
        };
        check_text(field, text).map_err(|refusal| self.refuse(refusal))
    }

    fn enter<E: de::Error>(&self, depth: usize) -> Result<(), E> {
        if depth >= MAX_DEPTH {
            return Err(self.refuse(too_deep()));
        }
        Ok(())
    }
}

/// What a value is: an object's key (kept in the slot, to name the value after it), or a
/// value under the field of the nearest enclosing object.
enum Place<'f> {
    Key(&'f mut String),
    Value(Option<&'f str>),
}

/// A deserializer that checks what passes through it.
struct Checked<'g, 'f, D> {
    inner: D,
    guard: &'g Guard,
    depth: usize,
    place: Place<'f>,
}

impl<'g, 'f, D> Checked<'g, 'f, D> {
    fn new(inner: D, guard: &'g Guard, depth: usize, place: Place<'f>) -> Self {
        Self {
            inner,
            guard,
            depth,
            place,
        }
    }

    fn watch<V>(self, visitor: V) -> (D, Watch<'g, 'f, V>) {
        let watch = Watch {
            visitor,
            guard: self.guard,
            depth: self.depth,
            place: self.place,
        };
        (self.inner, watch)
    }
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                let (inner, watch) = self.watch(visitor);
                inner.$method($($arg,)* watch)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'_, '_, D> {
    type Error = D::Error;

    forward! {
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(),
        deserialize_i32(), deserialize_i64(), deserialize_i128(), deserialize_u8(),
        deserialize_u16(), deserialize_u32(), deserialize_u64(), deserialize_u128(),
        deserialize_f32(), deserialize_f64(), deserialize_char(), deserialize_str(),
        deserialize_string(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_option(), deserialize_unit(), deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str), deserialize_seq(),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize), deserialize_map(),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_identifier(),
    }

    /// Read as a string or a one-key object, so the key and the value are checked like any.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, watch) = self.watch(AsEnum(visitor));
        inner.deserialize_any(watch)
    }

    /// Read in full, so what the type ignores passes the rule too.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.deserialize_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A visitor that checks text and nesting before handing them on.
struct Watch<'g, 'f, V> {
    visitor: V,
    guard: &'g Guard,
    depth: usize,
    place: Place<'f>,
}

impl<V> Watch<'_, '_, V> {
    /// Checks `text`, keeping it when it is a key.
    fn text<E: de::Error>(&mut self, text: &str) -> Result<(), E> {
        self.guard.check(&self.place, text)?;
        if let Place::Key(slot) = &mut self.place {
            slot.push_str(text);
        }
        Ok(())
    }
}

macro_rules! pass {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, value: $ty) -> Result<Self::Value, E> {
                self.visitor.$method(value)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Watch<'_, '_, V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(formatter)
    }

    pass! {
        visit_bool(bool), visit_i8(i8), visit_i16(i16), visit_i32(i32), visit_i64(i64),
        visit_i128(i128), visit_u8(u8), visit_u16(u16), visit_u32(u32), visit_u64(u64),
        visit_u128(u128), visit_f32(f32), visit_f64(f64),
    }

    fn visit_char<E: de::Error>(mut self, value: char) -> Result<Self::Value, E> {
        self.text(value.encode_utf8(&mut [0; 4]))?;
        self.visitor.visit_char(value)
    }

    fn visit_str<E: de::Error>(mut self, value: &str) -> Result<Self::Value, E> {
        self.text(value)?;
        self.visitor.visit_str(value)
    }

    fn visit_borrowed_str<E: de::Error>(mut self, value: &'de str) -> Result<Self::Value, E> {
        self.text(value)?;
        self.visitor.visit_borrowed_str(value)
    }

    fn visit_string<E: de::Error>(mut self, value: String) -> Result<Self::Value, E> {
        self.text(&value)?;
        self.visitor.visit_string(value)
    }

    fn visit_bytes<E: de::Error>(mut self, value: &[u8]) -> Result<Self::Value, E> {
        if let Ok(text) = std::str::from_utf8(value) {
            self.text(text)?;
        }
        self.visitor.visit_bytes(value)
    }

    fn visit_borrowed_bytes<E: de::Error>(mut self, value: &'de [u8]) -> Result<Self::Value, E> {
        if let Ok(text) = std::str::from_utf8(value) {
            self.text(text)?;
        }
        self.visitor.visit_borrowed_bytes(value)
    }

    fn visit_byte_buf<E: de::Error>(mut self, value: Vec<u8>) -> Result<Self::Value, E> {
        if let Ok(text) = std::str::from_utf8(&value) {
            self.text(text)?;
        }
        self.visitor.visit_byte_buf(value)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        let checked = Checked::new(inner, self.guard, self.depth, self.place);
        self.visitor.visit_some(checked)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        let checked = Checked::new(inner, self.guard, self.depth, self.place);
        self.visitor.visit_newtype_struct(checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, inner: A) -> Result<Self::Value, A::Error> {
        self.guard.enter(self.depth)?;
        let field = match self.place {
            Place::Key(_) => None,
            Place::Value(field) => field,
        };
        let seq = CheckedSeq {
            inner,
            guard: self.guard,
            depth: self.depth + 1,
            field,
        };
        self.visitor.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, inner: A) -> Result<Self::Value, A::Error> {
        self.guard.enter(self.depth)?;
        let map = CheckedMap {
            inner,
            guard: self.guard,
            depth: self.depth + 1,
            key: String::new(),
        };
        self.visitor.visit_map(map)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_enum(data)
    }
}

/// The elements of an array, each checked, under the array's field.
struct CheckedSeq<'g, 'f, A> {
    inner: A,
    guard: &'g Guard,
    depth: usize,
    field: Option<&'f str>,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CheckedSeq<'_, '_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.inner.next_element_seed(Seed {
            seed,
            guard: self.guard,
            depth: self.depth,
            place: Place::Value(self.field),
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// The entries of an object: keys checked as field names, values named after their key.
struct CheckedMap<'g, A> {
    inner: A,
    guard: &'g Guard,
    depth: usize,
    key: String,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.key.clear();
        self.inner.next_key_seed(Seed {
            seed,
            guard: self.guard,
            depth: self.depth,
            place: Place::Key(&mut self.key),
        })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.next_value_seed(Seed {
            seed,
            guard: self.guard,
            depth: self.depth,
            place: Place::Value(Some(&self.key)),
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A seed whose deserializer checks what it reads.
struct Seed<'g, 'f, T> {
    seed: T,
    guard: &'g Guard,
    depth: usize,
    place: Place<'f>,
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, '_, T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, inner: D) -> Result<T::Value, D::Error> {
        self.seed
            .deserialize(Checked::new(inner, self.guard, self.depth, self.place))
    }
}

/// An enum read from a string (a unit variant) or a one-key object, as `Value` reads one.
struct AsEnum<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for AsEnum<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("string or map")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        self.0.visit_enum(StrDeserializer::new(value))
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        self.0.visit_enum(BorrowedStrDeserializer::new(value))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        self.0.visit_enum(StringDeserializer::new(value))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(MapAccessDeserializer::new(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::{json, Value};

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Tagged(u32),
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Typed {
        name: String,
        kind: Kind,
        #[serde(default)]
        tags: Vec<String>,
        count: Option<u32>,
    }

    fn refusal<T: DeserializeOwned + fmt::Debug>(text: &str) -> String {
        match decode::<T>(text.as_bytes()) {
            Err(ApiError::BadRequest(message)) => message,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn decodes_like_a_value_would() {
        let text =
            r#"{"name": "a", "kind": {"tagged": 3}, "tags": ["x"], "extra": [1, {"b": null}]}"#;
        let typed: Result<Typed, _> = decode(text.as_bytes());
        assert!(matches!(
            typed,
            Ok(Typed {
                kind: Kind::Tagged(3),
                count: None,
                ..
            })
        ));
        let plain: Result<Typed, _> = decode(br#"{"name": "a", "kind": "plain"}"#);
        assert!(matches!(
            plain,
            Ok(Typed {
                kind: Kind::Plain,
                ..
            })
        ));
        let value: Result<Value, _> = decode(text.as_bytes());
        assert!(matches!(value, Ok(v) if v["extra"] == json!([1, {"b": null}])));
    }

    #[test]
    fn the_rule_reaches_fields_the_type_ignores() {
        assert_eq!(
            refusal::<Typed>(r#"{"name": "a", "kind": "plain", "x": {"y": ["a\u0000"]}}"#),
            "y must not contain control characters"
        );
        assert_eq!(
            refusal::<Typed>(r#"{"name": "a", "kind": "plain", "tags": ["ok", "\u001b"]}"#),
            "tags must not contain control characters"
        );
        assert_eq!(
            refusal::<Typed>(r#"{"na\u0001me": "a"}"#),
            "Field names must not contain control characters"
        );
        let deep = format!(r#"{{"x": {}1{}}}"#, "[".repeat(8), "]".repeat(8));
        assert_eq!(
            refusal::<Typed>(&deep),
            format!("The request nests deeper than {MAX_DEPTH} levels")
        );
        let within = format!(r#"{{"x": {}1{}}}"#, "[".repeat(7), "]".repeat(7));
        assert!(decode::<Value>(within.as_bytes()).is_ok());
    }

    #[test]
    fn type_errors_read_as_they_did_from_a_value() {
        assert_eq!(
            refusal::<Typed>(r#"{"kind": "plain"}"#),
            "missing field `name`"
        );
        assert_eq!(
            refusal::<Typed>(r#"{"name": 1, "kind": "plain"}"#),
            "invalid type: integer `1`, expected a string"
        );
        assert_eq!(
            refusal::<Typed>(r#"{"name": "a", "kind": 7}"#),
            "invalid type: integer `7`, expected string or map"
        );
        assert!(refusal::<Typed>(r#"{"name": "a", "kind": "#)
            .starts_with("Malformed JSON: unexpected end"));
        assert!(refusal::<Typed>(r#"{"name": "a", "kind": "plain"} x"#)
            .starts_with("Malformed JSON: syntax error"));
    }
}
