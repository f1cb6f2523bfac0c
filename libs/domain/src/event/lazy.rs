//! A part of an event payload that replay does not need (a redemption's evaluation): parsed
//! when a decision makes it, kept as its JSON text when an event is read back, and parsed only
//! when someone asks for it. Replay then cuts it out of the text (see `split`) instead of
//! building it; text that was cut out unchecked is checked when it is parsed or written.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A value that is either parsed or still its stored JSON text.
#[derive(Clone)]
pub struct Lazy<T>(Form<T>);

#[derive(Clone)]
enum Form<T> {
    Parsed(T),
    /// Read back through the JSON parser, which checked it.
    Stored(Box<RawValue>),
    /// Cut out of an event's text unchecked (see `split`).
    Cut(Box<str>),
}

impl<T> Lazy<T> {
    /// Wraps a parsed value.
    pub fn new(value: T) -> Self {
        Self(Form::Parsed(value))
    }

    /// Wraps JSON text cut out of an event unchecked: checked when it is parsed or written.
    pub(super) fn cut(text: Box<str>) -> Self {
        Self(Form::Cut(text))
    }

    /// Whether this was read back as exactly `text`.
    pub(super) fn is_stored_text(&self, text: &str) -> bool {
        matches!(&self.0, Form::Stored(stored) if stored.get() == text)
    }
}

impl<T: DeserializeOwned + Clone> Lazy<T> {
    /// The value, parsed now if it was read back.
    pub fn get(&self) -> Result<Cow<'_, T>, serde_json::Error> {
        match &self.0 {
            Form::Parsed(value) => Ok(Cow::Borrowed(value)),
            Form::Stored(text) => serde_json::from_str(text.get()).map(Cow::Owned),
            Form::Cut(text) => serde_json::from_str(text).map(Cow::Owned),
        }
    }

    /// The value, parsed now if it was read back.
    pub fn into_inner(self) -> Result<T, serde_json::Error> {
        match self.0 {
            Form::Parsed(value) => Ok(value),
            Form::Stored(text) => serde_json::from_str(text.get()),
            Form::Cut(text) => serde_json::from_str(&text),
        }
    }
}

impl<T: Serialize> Lazy<T> {
    /// Its JSON text.
    fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Form::Parsed(value) => Cow::Owned(serde_json::to_string(value).unwrap_or_default()),
            Form::Stored(text) => Cow::Borrowed(text.get()),
            Form::Cut(text) => Cow::Borrowed(text),
        }
    }
}

impl<T: Serialize> Serialize for Lazy<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Form::Parsed(value) => value.serialize(serializer),
            Form::Stored(text) => text.serialize(serializer),
            Form::Cut(text) => RawValue::from_string(text.to_string())
                .map_err(S::Error::custom)?
                .serialize(serializer),
        }
    }
}

impl<'de, T> Deserialize<'de> for Lazy<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(|text| Self(Form::Stored(text)))
    }
}

/// Equal when their JSON texts are (both are written by the same serializer).
impl<T: Serialize> PartialEq for Lazy<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

impl<T: Serialize> Eq for Lazy<T> {}

impl<T: Serialize> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl<T: JsonSchema> JsonSchema for Lazy<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        amount: String,
    }

    #[test]
    fn read_back_stays_text_until_asked_and_equals_the_parsed_value() {
        let parsed = Lazy::new(Sample {
            amount: "1.00".into(),
        });
        let text = serde_json::to_string(&parsed).unwrap_or_default();
        assert_eq!(text, r#"{"amount":"1.00"}"#);
        let stored: Lazy<Sample> = serde_json::from_str(&text).unwrap_or_else(|_| {
            Lazy::new(Sample {
                amount: String::new(),
            })
        });
        assert!(matches!(stored.0, Form::Stored(_)));
        assert_eq!(stored, parsed);
        assert_eq!(
            stored.get().ok().map(Cow::into_owned),
            Some(Sample {
                amount: "1.00".into()
            })
        );
        assert_eq!(serde_json::to_string(&stored).unwrap_or_default(), text);
    }
}
