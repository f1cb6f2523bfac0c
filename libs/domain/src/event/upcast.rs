//! Upcasting: events stored under an older schema version are rewritten to the current shape
//! when read, never in the log. Each step takes one type from version N to N + 1.

use serde_json::Value;

/// The payload of a `type_name` event of `version`, rewritten to the version after it.
fn step(type_name: &str, version: u16, _payload: Value) -> Result<Value, String> {
    Err(format!("no upcast for {type_name} version {version}"))
}

/// The payload of a `type_name` event stored at `version`, rewritten to `current`.
pub fn upgrade(
    type_name: &str,
    version: u16,
    current: u16,
    mut payload: Value,
) -> Result<Value, String> {
    if version > current {
        return Err(format!(
            "{type_name} version {version} is newer than this build knows ({current})"
        ));
    }
    let mut at = version;
    while at < current {
        payload = step(type_name, at, payload)?;
        at += 1;
    }
    Ok(payload)
}
