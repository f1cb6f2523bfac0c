//! The checked-in JSON Schema of the dispatcher's records
//! (`schemas/callbacks/delivery_events.v1.json`) must equal the one generated from the Rust
//! types. Regenerate with `UPDATE_SCHEMAS=1 cargo test -p callbacks --test schemas`: that run
//! rewrites the file when it differs and fails saying so; the next run passes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use callbacks::record::DeliveryEvent;
use std::path::PathBuf;

/// The checked-in schema of the dispatcher's records is exactly the one generated from
/// them. With `UPDATE_SCHEMAS` set, a file that differed is rewritten and the test still
/// fails, saying so, so a run with the variable set cannot pass over a change. Fails if the
/// checked-in schema differs from the records (with or without `UPDATE_SCHEMAS`).
#[test]
fn the_checked_in_schema_matches_the_records() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/callbacks/delivery_events.v1.json");
    let text = serde_json::to_string_pretty(&DeliveryEvent::schema()).unwrap() + "\n";
    let checked_in = std::fs::read_to_string(&path).ok();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() && checked_in.as_deref() != Some(&text) {
        std::fs::write(&path, &text).unwrap();
        panic!(
            "UPDATE_SCHEMAS rewrote {} (it differed from the records): review it (records in \
             use need a new version), then run again without UPDATE_SCHEMAS",
            path.display()
        );
    }
    assert_eq!(
        checked_in.as_deref(),
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
