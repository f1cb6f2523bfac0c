//! The checked-in JSON Schemas under `schemas/events/` must equal the ones generated from the
//! Rust event types: a change to an event type without a new schema (and version) fails here.
//! Regenerate with `UPDATE_SCHEMAS=1 cargo test -p domain --test schemas`: that run rewrites
//! the files that differ and fails naming them; once they are reviewed, the next run passes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::event::event_schemas;
use domain::EventType;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/events")
}

/// Every event type's schema file holds exactly the schema generated from the type. With
/// `UPDATE_SCHEMAS` set, a file that differed is rewritten and the test still fails, naming
/// it, so a run with the variable set (in CI, say) cannot pass over a change; the next run
/// passes once the rewrite is reviewed. Fails if a checked-in schema differs from its type
/// (with or without `UPDATE_SCHEMAS`).
#[test]
fn checked_in_schemas_match_the_event_types() {
    let dir = schema_dir();
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let generated = event_schemas();
    assert_eq!(generated.len(), EventType::ALL.len());
    let mut mismatched = Vec::new();
    for (file, schema) in &generated {
        let path = dir.join(file);
        let text = serde_json::to_string_pretty(schema).unwrap() + "\n";
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if update {
                std::fs::write(&path, &text).unwrap();
            }
            mismatched.push(file.clone());
        }
    }
    if update {
        assert!(
            mismatched.is_empty(),
            "UPDATE_SCHEMAS rewrote these schemas in {} (they differed from the event types): \
             {mismatched:?}; review them (a type already in use needs a new version), then \
             run again without UPDATE_SCHEMAS",
            dir.display()
        );
    }
    assert!(
        mismatched.is_empty(),
        "schemas differ from the event types (add a new version, or regenerate): {mismatched:?}"
    );
    let mut expected: BTreeSet<String> = generated.into_iter().map(|(file, _)| file).collect();
    expected.extend(older_versions());
    let present: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(present, expected, "stale or missing schema files");
}

/// The files of the versions before each type's current one: kept as they were, since events
/// stored under them are still read (upcast).
fn older_versions() -> Vec<String> {
    EventType::ALL
        .iter()
        .flat_map(|event_type| {
            (1..event_type.current_version())
                .map(move |version| format!("{}.v{version}.json", event_type.name()))
        })
        .collect()
}

#[test]
fn every_schema_names_its_type_and_version() {
    for (file, schema) in event_schemas() {
        let name = schema["properties"]["type"]["const"].as_str().unwrap();
        let version = schema["properties"]["version"]["const"].as_u64().unwrap();
        assert_eq!(file, format!("{name}.v{version}.json"));
        assert!(schema["properties"]["data"].is_object(), "{file}");
    }
}
