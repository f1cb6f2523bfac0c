//! Upcasting: events stored under an older schema version are rewritten to the current shape
//! when read, never in the log. Each step takes one type from version N to N + 1. A step must
//! leave a redemption's `evaluation` alone: replay cuts it out unparsed (see `split`).

use serde_json::Value;

/// The payload of a `type_name` event of `version`, rewritten to the version after it.
///
/// - `channel_created` / `channel_updated` 1 -> 2: version 2 adds the optional `hmac_secret`;
///   a version 1 channel has none, so its payload is already a valid version 2 one.
/// - `redemption_committed` / `redemption_reserved` 1 -> 2: version 2 makes `store_id`
///   optional (a redemption by credential id away from any store); every version 1
///   redemption has one, so its payload is already a valid version 2 one.
/// - `item_set_created` / `item_set_updated` 1 -> 2: version 2 adds the optional
///   `manufacturer_id`; a version 1 set belongs to no manufacturer, so its payload is already
///   a valid version 2 one.
/// - `merchant_created` / `merchant_updated` 1 -> 2: version 2 adds the optional `logo`,
///   `billing_arrangement`, `supports_barcode`, `redemption_identifier_type` and `contacts`;
///   a version 1 merchant has none of them.
/// - `store_created` / `store_updated` 1 -> 2: version 2 adds the optional `description`,
///   `is_active` (a version 1 store trades), `phone`, the address's other lines,
///   `coordinates`, `icon_url` and `contacts`.
/// - `offer_created` / `offer_updated` 1 -> 2: version 2 adds the optional
///   `eligibility.item_set_rules`; a version 1 offer's item sets all follow the default rule.
fn step(type_name: &str, version: u16, payload: Value) -> Result<Value, String> {
    match (type_name, version) {
        ("channel_created" | "channel_updated", 1) => Ok(payload),
        ("redemption_committed" | "redemption_reserved", 1) => Ok(payload),
        ("item_set_created" | "item_set_updated", 1) => Ok(payload),
        ("offer_created" | "offer_updated", 1) => Ok(payload),
        ("merchant_created" | "merchant_updated" | "store_created" | "store_updated", 1) => {
            Ok(payload)
        }
        _ => Err(format!("no upcast for {type_name} version {version}")),
    }
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
