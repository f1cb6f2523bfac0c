//! JSON Schemas of the stored events, one per type and version, as checked in under
//! `schemas/events/`.

use super::EventType;
use crate::idempotency::IdempotencyStamp;
use schemars::generate::SchemaSettings;
use serde_json::{json, Value};

/// `(file name, schema)` for every event type at its current version.
pub fn event_schemas() -> Vec<(String, Value)> {
    EventType::ALL
        .iter()
        .map(|event_type| {
            let name = event_type.name();
            let version = event_type.current_version();
            let mut generator = SchemaSettings::draft2020_12().into_generator();
            let data = event_type.payload_schema(&mut generator);
            let stamp = generator.subschema_for::<IdempotencyStamp>();
            let definitions = generator.take_definitions(true);
            let schema = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": format!("{name}.v{version}.json"),
                "title": format!("{name} v{version}"),
                "type": "object",
                "required": ["type", "version", "occurred_at", "data"],
                "additionalProperties": false,
                "properties": {
                    "type": { "const": name },
                    "version": { "const": version },
                    "occurred_at": { "type": "string", "format": "date-time" },
                    "idempotency": stamp,
                    "data": data,
                },
                "$defs": definitions,
            });
            (format!("{name}.v{version}.json"), schema)
        })
        .collect()
}
