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
/// - `redemption_committed` / `redemption_reserved` 2 -> 3: version 3 adds the outcomes
///   `excluded` and `cap_reached` of the stacking rules; no version 2 evaluation has them.
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
/// - `offer_created` / `offer_updated` 2 -> 3: version 3 adds the optional `formatting`,
///   `program` and the reward's `max_rounds`, `order_spread` and `priority`; a version 2
///   offer has none of them (it combines with others, at priority 0, without a cap on rounds).
/// - `offer_channel_linked` 1 -> 2: version 2 adds the optional `settings`; a version 1
///   link has the settings of a new link.
/// - `account_created` / `account_updated` 1 -> 2: version 2 adds the optional
///   `max_offers_per_basket`; a version 1 account has no cap.
/// - `credential_issued` 1 -> 2: version 2 adds the optional `reusable` and `printable`; a
///   version 1 credential is neither.
fn step(type_name: &str, version: u16, payload: Value) -> Result<Value, String> {
    match (type_name, version) {
        ("channel_created" | "channel_updated", 1) => Ok(payload),
        ("redemption_committed" | "redemption_reserved", 1 | 2) => Ok(payload),
        ("item_set_created" | "item_set_updated", 1) => Ok(payload),
        ("offer_created" | "offer_updated", 1 | 2) => Ok(payload),
        ("credential_issued" | "offer_channel_linked", 1) => Ok(payload),
        ("account_created" | "account_updated", 1) => Ok(payload),
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
