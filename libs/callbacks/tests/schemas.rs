//! The checked-in JSON Schema of the dispatcher's records
//! (`schemas/callbacks/delivery_events.v1.json`) must equal the one generated from the Rust
//! types. Regenerate with `UPDATE_SCHEMAS=1 cargo test -p callbacks --test schemas`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use callbacks::record::DeliveryEvent;
use std::path::PathBuf;

#[test]
fn the_checked_in_schema_matches_the_records() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/callbacks/delivery_events.v1.json");
    let text = serde_json::to_string_pretty(&DeliveryEvent::schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).ok().as_deref(),
        Some(text.as_str()),
        "the callbacks records changed: add a version, or regenerate"
    );
    let schema = DeliveryEvent::schema();
    let text = schema.to_string();
    for name in [
        "delivery_scheduled",
        "delivery_attempt_failed",
        "delivery_delivered",
        "delivery_timed_out",
        "delivery_refused",
        "delivery_replay_requested",
        "source_reached",
    ] {
        assert!(text.contains(name), "{name} missing from the schema");
    }
}
