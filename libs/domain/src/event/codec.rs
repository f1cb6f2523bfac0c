//! JSON form of an event. Written in the order type, version, occurred_at, idempotency, data,
//! so a reader knows the payload's type before reaching it and parses it in one pass; a
//! payload met before its type is buffered and parsed after.

use super::{Event, EventType};
use crate::idempotency::IdempotencyStamp;
use crate::time::format_timestamp;
use chrono::{DateTime, Utc};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = 4 + usize::from(self.idempotency.is_some());
        let mut map = serializer.serialize_map(Some(entries))?;
        let event_type = self.kind.event_type();
        map.serialize_entry("type", event_type.name())?;
        map.serialize_entry("version", &event_type.current_version())?;
        map.serialize_entry("occurred_at", &format_timestamp(&self.occurred_at))?;
        if let Some(stamp) = &self.idempotency {
            map.serialize_entry("idempotency", stamp)?;
        }
        self.kind.write_payload(&mut map)?;
        map.end()
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Field {
    Type,
    Version,
    OccurredAt,
    Idempotency,
    Data,
    #[serde(other)]
    Unknown,
}

#[derive(Deserialize)]
struct Timestamp(#[serde(with = "crate::time::rfc3339")] DateTime<Utc>);

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = Event;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an event object with type, version, occurred_at and data")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
        let mut event_type: Option<EventType> = None;
        let mut version: Option<u16> = None;
        let mut occurred_at: Option<DateTime<Utc>> = None;
        let mut idempotency: Option<IdempotencyStamp> = None;
        let mut kind = None;
        let mut buffered: Option<serde_json::Value> = None;
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Type => event_type = Some(map.next_value()?),
                Field::Version => version = Some(map.next_value()?),
                Field::OccurredAt => occurred_at = Some(map.next_value::<Timestamp>()?.0),
                Field::Idempotency => idempotency = map.next_value()?,
                Field::Data => match (event_type, version) {
                    (Some(event_type), Some(version)) => {
                        kind = Some(event_type.read_payload(version, &mut map)?)
                    }
                    _ => buffered = Some(map.next_value()?),
                },
                Field::Unknown => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let event_type = event_type.ok_or_else(|| de::Error::missing_field("type"))?;
        let version = version.ok_or_else(|| de::Error::missing_field("version"))?;
        let kind = match (kind, buffered) {
            (Some(kind), _) => kind,
            (None, Some(stored)) => event_type
                .parse_stored(version, stored)
                .map_err(de::Error::custom)?,
            (None, None) => return Err(de::Error::missing_field("data")),
        };
        Ok(Event {
            occurred_at: occurred_at.ok_or_else(|| de::Error::missing_field("occurred_at"))?,
            idempotency,
            kind,
        })
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EventVisitor)
    }
}
