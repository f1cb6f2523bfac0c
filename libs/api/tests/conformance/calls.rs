//! How each reference operation is called: its path with the [`World`]'s ids in place of the
//! parameters, the query it needs, and a body in the reference's request shape.
//!
//! Calls that destroy a resource (deletes, void) act on one made for them
//! ([`World::doomed`]); calls that change an offer's channels or eligibility act on the
//! world's eligibility offer. The calls run in the reference's order with every delete moved
//! to the end (last first), so that removing a membership comes after every read of it.

use crate::reference::Operation;
use crate::world::World;
use serde_json::{json, Value};

/// One request.
#[derive(Debug)]
pub struct Call {
    /// The method.
    pub method: reqwest::Method,
    /// The path and query.
    pub path: String,
    /// The JSON body, if the operation takes one.
    pub body: Option<Value>,
}

/// The operations in the order they are called.
pub fn order(operations: Vec<Operation>) -> Vec<Operation> {
    let (mut deletes, mut rest): (Vec<_>, Vec<_>) = operations
        .into_iter()
        .partition(|operation| operation.method == "DELETE");
    deletes.reverse();
    rest.extend(deletes);
    rest
}

/// The name of the parameter whose resource `operation` destroys, if it does: the last
/// segment of a delete, the credential of a void.
pub fn destroys(operation: &Operation) -> Option<&str> {
    if operation.method == "DELETE" {
        let last = operation.path.rsplit('/').next()?;
        return last
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'));
    }
    let path = &operation.path;
    if path.ends_with("/{credential_id}/void") {
        Some("credential_id")
    } else if path.ends_with("/{offer_state_id}/void") {
        Some("offer_state_id")
    } else {
        None
    }
}

/// The request that exercises `operation` in `world`; `doomed`: the resource it destroys.
pub fn call(operation: &Operation, world: &World, doomed: Option<u64>) -> Call {
    let method = reqwest::Method::from_bytes(operation.method.as_bytes())
        .unwrap_or_else(|error| panic!("{}: {error}", operation.name()));
    let path = concrete_path(operation, world, doomed) + &query(operation, world);
    Call {
        method,
        path,
        body: body(operation, world),
    }
}

fn concrete_path(operation: &Operation, world: &World, doomed: Option<u64>) -> String {
    let segments: Vec<&str> = operation.path.split('/').collect();
    let destroyed = destroys(operation);
    let manufacturer = under_manufacturer(&operation.path);
    segments
        .iter()
        .enumerate()
        .map(|(index, segment)| {
            let Some(name) = segment
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            else {
                return (*segment).to_owned();
            };
            match doomed {
                Some(id) if Some(name) == destroyed => id.to_string(),
                _ => parameter(name, &segments[index + 1..], manufacturer, world),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `path` is below a manufacturer (whose items and item sets are its own).
fn under_manufacturer(path: &str) -> bool {
    path.starts_with("/v1.0/manufacturers/")
}

/// The value of path parameter `name`; `rest`: the segments after it; `manufacturer`: whether
/// the path is below a manufacturer.
fn parameter(name: &str, rest: &[&str], manufacturer: bool, world: &World) -> String {
    let id = match name {
        "merchant_id" => world.merchant,
        "manufacturer_id" => world.manufacturer,
        "item_id" if manufacturer => world.manufacturer_item,
        "item_set_id" if manufacturer => world.manufacturer_item_set,
        "store_id" => world.store,
        "member_id" => world.member,
        "channel_id" => world.channel,
        "item_id" => world.item,
        "item_set_id" | "eligible_item_set_id" => world.item_set,
        "member_list_id" => world.member_list,
        "store_list_id" => world.store_list,
        "credential_id" => world.credential,
        "counter_id" => world.counter,
        "event_id" => world.event,
        "pos_offer_code_id" => world.pos_offer_code,
        "offer_state_id" => world.offer_state,
        "campaign_id" => world.campaign,
        "offer_id" if changes_eligibility(rest) => world.eligibility_offer,
        "offer_id" => world.offer,
        "zid" => return world.zid.clone(),
        "lat" => return "40.7".into(),
        "lng" => return "-74.0".into(),
        other => return format!("unknown-{other}"),
    };
    id.to_string()
}

/// Whether the path below an offer names its channels or eligibility.
fn changes_eligibility(rest: &[&str]) -> bool {
    matches!(
        rest.first(),
        Some(&("channels" | "eligible_item_sets" | "member_lists" | "merchants" | "store_lists"))
    )
}

fn query(operation: &Operation, world: &World) -> String {
    match (operation.method.as_str(), operation.path.as_str()) {
        ("GET", "/v1.0/members/search") => format!("?identifier={}", world.member_identifier),
        ("GET", "/v1.0/credentials") => format!(
            "?member_id={}&offer_id={}&store_id={}",
            world.member, world.offer, world.store
        ),
        ("GET", "/v1.0/credentials/eligible") => format!(
            "?member_id={}&offer_id={}&channel_id={}",
            world.member, world.offer, world.channel
        ),
        ("GET", "/v1.0/merchants/stores/index" | "/v1.0/merchants/stores/nearby/index")
        | ("GET", "/v1.0/offers/{offer_id}/stores") => "?lat=40.7&lng=-74.0".into(),
        ("GET", "/v1.0/members/{member_id}/offer_states") => {
            format!("?channel_id={}", world.channel)
        }
        ("POST", "/v1.0/members/{member_id}/offer_states") => {
            format!("?channel_id={}&offer_id={}", world.channel, world.offer)
        }
        ("POST", "/v1.0/members/offer_states/{offer_state_id}/void") => {
            format!("?member_identifier={}", world.member_identifier)
        }
        ("POST", "/v1.0/members/{member_id}/stores/{store_id}/check-in") => {
            "?check_in%5Blat%5D=40.7045&check_in%5Blng%5D=-74.0140".into()
        }
        ("GET", "/v1.0/members/{member_id}/stores/{store_id}") => {
            format!("?x_channel_id={}", world.channel)
        }
        ("GET", "/v1.0/privacy/member/export") => {
            format!("?member_identifier={}", world.points_identifier)
        }
        (
            "GET",
            "/v1.0/reports/account_level"
            | "/v1.0/merchants/{merchant_id}/reports/full"
            | "/v1.0/merchants/{merchant_id}/reports/impressions",
        ) => {
            "?from=0&to=4102444800".into()
        }
        ("GET", "/v1.0/reports/redemptions") => {
            "?from_redemption_datetime=2000-01-01T00:00:00Z&to_redemption_datetime=2100-01-01T00:00:00Z"
                .into()
        }
        ("POST", "/v1.0/privacy/member/delete_request") => {
            format!("?member_identifier={}", world.erasure_identifier)
        }
        ("GET", "/v1.0/members/{member_id}/offers/{offer_id}/zidentifiers") => {
            format!("?x_channel_id={}", world.channel)
        }
        ("GET", "/v1.0/campaigns") => "?external_id=conformance-campaign".into(),
        ("GET", "/v1.0/campaigns/search") => format!("?channel_id={}", world.channel),
        ("GET", "/v1.0/activities/offers") => format!("?member_id={}", world.member),
        ("GET", "/v1.0/points/card_status") => format!(
            "?identifier={}&channel_id={}",
            world.points_identifier, world.channel
        ),
        ("POST", "/v1.0/points/transfer") => format!(
            "?identifier={}&points=5&txid=conformance-1&channel_id={}",
            world.points_identifier, world.channel
        ),
        _ => String::new(),
    }
}

fn body(operation: &Operation, world: &World) -> Option<Value> {
    let path = operation.path.as_str();
    let body = match operation.method.as_str() {
        "POST" | "PUT" => write_body(operation.method == "POST", path, world)?,
        "DELETE" => membership(path, world)?,
        _ => return None,
    };
    Some(body)
}

/// The body of a create (`create`) or an update.
fn write_body(create: bool, path: &str, world: &World) -> Option<Value> {
    let suffix = if create { "created" } else { "updated" };
    if let Some(body) = membership(path, world) {
        return Some(body);
    }
    let last = path.rsplit('/').find(|segment| !segment.starts_with('{'))?;
    let body = match last {
        "account" => {
            json!({"account": {"callbacks": {"credential_url": "https://partner.example/c"}}})
        }
        "channels" if path.starts_with("/v1.0/offers/") && path.ends_with("{channel_id}") => {
            json!({"eligible_channel": {"security": "key", "sms_keyword": "SAVE",
                "allow_return_later": true}})
        }
        "channels" => json!({"channel": {"name": format!("Channel {suffix}")}}),
        "passbook_configuration" => json!({"passbook_configuration": {
            "team_identifier": format!("TEAM-{suffix}"), "pass_type_id_name": "pass.example",
            "p12_certificate": "MIIB", "p12_password": "secret"}}),
        "credentials" => json!({"credential": {"member_id": world.member,
            "offer_id": world.offer, "channel_id": world.channel}}),
        "items" => {
            json!({"item": {"name": format!("Item {suffix}"), "code": format!("ITEM-{suffix}")}})
        }
        "item_sets" if under_manufacturer(path) => json!({"item_set": {
            "name": format!("Set {suffix}"), "item_ids": [world.manufacturer_item]}}),
        "item_sets" => json!({"item_set": {"name": format!("Set {suffix}"),
            "merchant_id": world.merchant, "item_ids": [world.item]}}),
        "manufacturers" => json!({"manufacturer": {"name": format!("Manufacturer {suffix}")}}),
        "counters" => json!({"counter": {"name": if create { 2 } else { 3 }}}),
        "events" => json!({"event": {"name": format!("Event {suffix}")}}),
        "member_lists" => json!({"member_list": {"name": format!("Members {suffix}")}}),
        "members" => json!({"member": {"identifier": format!("conformance-member-{suffix}")}}),
        "merchants" => json!({"merchant": {"name": format!("Merchant {suffix}")}}),
        "stores" => json!({"store": {"name": format!("Store {suffix}")}}),
        "store_lists" => json!({"store_list": {"name": format!("Stores {suffix}")}}),
        "offers" => json!({"offer": {"name": format!("Offer {suffix}"),
            "merchant_id": world.merchant, "reward_kind": "order_percent_off",
            "reward_value": "10"}}),
        "campaigns" => json!({"campaign": {"offer_id": world.offer,
            "channel_name": "Channel", "external_id": format!("campaign-{suffix}"),
            "description": format!("Campaign {suffix}"), "funding_source": "brand"}}),
        "impressions" => json!({"impression": {"offer_xid": world.xid,
            "cookie_id": format!("visitor-{suffix}"), "annotations": {"sf_ac": "banner-1"}}}),
        "offer_states" => json!({"offer_state": {"expires_at": "2098-01-01T00:00:00Z",
            "external_ref_id": format!("ref {suffix}")}}),
        "eligible_item_sets" => json!({"eligible_item_set": {"item_set_id": world.item_set,
            "list_type": 1, "req_qty": 1}}),
        _ => return None,
    };
    Some(body)
}

/// The body of a call that adds, sets or removes members of a collection.
fn membership(path: &str, world: &World) -> Option<Value> {
    let body = if path.ends_with("/member_lists/{member_list_id}/members") {
        json!({"member_list": {"member_ids": [world.member]}})
    } else if path.ends_with("/store_lists/{store_list_id}/stores") {
        json!({"store_list": {"store_ids": [world.store]}})
    } else if path.ends_with("/offers/{offer_id}/channels") {
        json!({"offer": {"channel_ids": [world.channel]}})
    } else if path.ends_with("/offers/{offer_id}/member_lists") {
        json!({"offer": {"member_list_ids": [world.member_list]}})
    } else if path.ends_with("/offers/{offer_id}/merchants") {
        json!({"offer": {"merchant_ids": [world.merchant]}})
    } else if path.ends_with("/offers/{offer_id}/store_lists") {
        json!({"offer": {"store_list_ids": [world.store_list]}})
    } else if path.ends_with("/manufacturers/{manufacturer_id}/merchants") {
        json!({"manufacturer": {"merchant_ids": [world.merchant]}})
    } else {
        return None;
    };
    Some(body)
}
