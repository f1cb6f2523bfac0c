//! The resources the conformance calls act on, created over HTTP before the first call: a
//! merchant with a store and an item, a member, a channel, an item set, lists, a manufacturer
//! with an item and an item set of its own, a counter, an event, a POS offer code, an approved offer linked to the channel with a
//! credential for it and a wallet entry of the member for it, and an offer with every optional field set. A call that deletes or voids gets a resource of its own, made just before it
//! ([`World::doomed`]), so no call spoils another's.

use crate::support::{read, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// Every resource the calls name.
#[derive(Debug)]
pub struct World {
    pub merchant: u64,
    pub store: u64,
    pub member: u64,
    pub member_identifier: String,
    /// The identifier of a member only the points calls use (the member calls rename
    /// `member`).
    pub points_identifier: String,
    /// The identifier of a member only the deletion request names.
    pub erasure_identifier: String,
    pub channel: u64,
    pub item: u64,
    pub item_set: u64,
    pub member_list: u64,
    pub store_list: u64,
    pub manufacturer: u64,
    /// An item of `manufacturer`.
    pub manufacturer_item: u64,
    /// An item set of `manufacturer`.
    pub manufacturer_item_set: u64,
    pub counter: u64,
    pub event: u64,
    pub pos_offer_code: u64,
    /// Approved, linked to `channel`, redeemed by the calls: it gives points, so a redemption
    /// without a basket gives something.
    pub offer: u64,
    /// An approved offer with every optional field set, whose channels and eligibility the
    /// calls change.
    pub eligibility_offer: u64,
    /// Read, updated and redeemed.
    pub credential: u64,
    /// An entry of `member`'s wallet for `offer`: read and updated.
    pub offer_state: u64,
    /// The xid of `offer` on `channel`.
    pub xid: String,
    /// A campaign of `offer` on `channel`, with the external id `conformance-campaign`.
    pub campaign: u64,
    /// `member`'s zidentifier for `offer` on `channel`.
    pub zid: String,
}

impl World {
    /// Creates the resources through `client`.
    pub async fn create(client: &Client<'_>) -> Self {
        let merchant = client
            .create(
                "/v1.0/merchants",
                "merchant",
                json!({"name": "Merchant", "logo": "https://example.com/logo.png",
                       "supports_barcode": true, "redemption_identifier_type": 1,
                       "primary": {"name": "Bo", "phone": "555 0101"}}),
            )
            .await;
        let store = client
            .create(
                &format!("/v1.0/merchants/{merchant}/stores"),
                "store",
                json!({"name": "Store", "phone": "555 0100",
                       "location": {"address": "1 Broadway", "city": "New York",
                                    "lat": 40.7041, "lng": -74.0141},
                       "primary": {"name": "Ana", "email": "ana@example.com"}}),
            )
            .await;
        let member_identifier = "conformance-member".to_owned();
        let member = client
            .create(
                "/v1.0/members",
                "member",
                json!({"identifier": member_identifier}),
            )
            .await;
        let points_identifier = "conformance-points".to_owned();
        client
            .create(
                "/v1.0/members",
                "member",
                json!({"identifier": points_identifier}),
            )
            .await;
        let erasure_identifier = "conformance-erasure".to_owned();
        client
            .create(
                "/v1.0/members",
                "member",
                json!({"identifier": erasure_identifier}),
            )
            .await;
        let channel = client
            .create(
                "/v1.0/channels",
                "channel",
                json!({"name": "Channel", "allow_sms_keyword": true}),
            )
            .await;
        let item = client
            .create(
                &format!("/v1.0/merchants/{merchant}/items"),
                "item",
                json!({"name": "Item", "code": "ITEM-1"}),
            )
            .await;
        let item_set = client
            .create(
                "/v1.0/item_sets",
                "item_set",
                json!({"name": "Set", "merchant_id": merchant, "item_ids": [item]}),
            )
            .await;
        let member_list = client
            .create(
                "/v1.0/member_lists",
                "member_list",
                json!({"name": "Members"}),
            )
            .await;
        let store_list = client
            .create(
                &format!("/v1.0/merchants/{merchant}/store_lists"),
                "store_list",
                json!({"name": "Stores"}),
            )
            .await;
        let manufacturer = client
            .create(
                "/v1.0/manufacturers",
                "manufacturer",
                json!({"name": "Manufacturer"}),
            )
            .await;
        let manufacturer_item = client
            .create(
                &format!("/v1.0/manufacturers/{manufacturer}/items"),
                "item",
                json!({"name": "Item", "code": "ITEM-1"}),
            )
            .await;
        let manufacturer_item_set = client
            .create(
                &format!("/v1.0/manufacturers/{manufacturer}/item_sets"),
                "item_set",
                json!({"name": "Set", "item_ids": [manufacturer_item]}),
            )
            .await;
        let counter = client
            .create("/v1.0/counters", "counter", json!({"name": 1}))
            .await;
        let event = client
            .create("/v1.0/events", "event", json!({"name": "Event"}))
            .await;
        let code = json!({"code": "SAVE10", "description": "Ten off"});
        let pos_offer_code = client
            .create("/v1.0/pos_offer_codes", "pos_offer_code", code)
            .await;
        let points = json!({"name": "Points", "merchant_id": merchant, "reward_kind": "points",
            "points_earning_value": 10, "quest_only": true});
        let offer = client.create("/v1.0/offers", "offer", points).await;
        let eligibility_offer = client
            .create("/v1.0/offers", "offer", full_offer(merchant))
            .await;
        for id in [offer, eligibility_offer] {
            client
                .send(
                    Method::PUT,
                    &format!("/v1.0/offers/{id}/actions/approve"),
                    json!({}),
                )
                .await;
        }
        let link = json!({"offer": {"channel_ids": [channel]}});
        client
            .send(
                Method::POST,
                &format!("/v1.0/offers/{offer}/channels"),
                link,
            )
            .await;
        let world = Self {
            merchant,
            store,
            member,
            member_identifier,
            points_identifier,
            erasure_identifier,
            channel,
            item,
            item_set,
            member_list,
            store_list,
            manufacturer,
            manufacturer_item,
            manufacturer_item_set,
            counter,
            event,
            pos_offer_code,
            offer,
            eligibility_offer,
            credential: 0,
            offer_state: 0,
            xid: String::new(),
            campaign: 0,
            zid: String::new(),
        };
        let credential = world.credential(client).await;
        let offer_state = world.offer_state(client).await;
        let xid = world.xid(client).await;
        let campaign = world.campaign(client, "conformance-campaign").await;
        let path = format!(
            "/v1.0/members/{}/offers/{}/zidentifiers?x_channel_id={}",
            world.member, world.offer, world.channel
        );
        let issued = client.send(Method::GET, &path, json!({})).await;
        let zid = find_text(&issued, "zid").unwrap_or_else(|| panic!("no zid in {issued}"));
        let passbook = format!("/v1.0/offers/{}/passbook_configuration", world.offer);
        let configured = json!({"passbook_configuration": {"team_identifier": "TEAM"}});
        client.send(Method::POST, &passbook, configured).await;
        Self {
            credential,
            offer_state,
            xid,
            campaign,
            zid,
            ..world
        }
    }

    /// A credential for the world's offer, with annotations.
    async fn credential(&self, client: &Client<'_>) -> u64 {
        let fields = json!({"member_id": self.member, "offer_id": self.offer,
            "channel_id": self.channel, "annotations": {"conv_ids": {"click": "abc"}}});
        client
            .create("/v1.0/credentials", "credential", fields)
            .await
    }

    /// An entry of the member's wallet for the world's offer.
    async fn offer_state(&self, client: &Client<'_>) -> u64 {
        let path = format!(
            "/v1.0/members/{}/offer_states?channel_id={}&offer_id={}",
            self.member, self.channel, self.offer
        );
        let body = json!({"offer_state": {"expires_at": "2099-01-01T00:00:00Z",
            "external_ref_id": "conformance"}});
        let answer = client.send(Method::POST, &path, body).await;
        answer["offer_state"]["offer_state_id"]
            .as_u64()
            .unwrap_or_else(|| panic!("no offer state id in {answer}"))
    }

    /// The xid of the world's offer on its channel.
    async fn xid(&self, client: &Client<'_>) -> String {
        let path = format!("/v1.0/offers/{}/channels/{}", self.offer, self.channel);
        let answer = client.send(Method::GET, &path, json!({})).await;
        find_text(&answer, "xid").unwrap_or_else(|| panic!("no xid in {answer}"))
    }

    /// A campaign of the world's offer on its channel with `external_id`.
    async fn campaign(&self, client: &Client<'_>, external_id: &str) -> u64 {
        let fields = json!({"offer_id": self.offer, "channel_id": self.channel,
            "external_id": external_id});
        client.create("/v1.0/campaigns", "campaign", fields).await
    }

    /// An impression of the world's offer.
    async fn impression(&self, client: &Client<'_>) -> u64 {
        let fields = json!({"offer_xid": self.xid, "cookie_id": "doomed-visitor"});
        client
            .create("/v1.0/impressions", "impression", fields)
            .await
    }

    /// A fresh resource for a call that destroys the one its path's last parameter names
    /// (`{name}`), made under the world's parents; `None` when the name is no resource.
    pub async fn doomed(&self, client: &Client<'_>, name: &str, path: &str) -> Option<u64> {
        let merchant = self.merchant;
        let manufacturer = self.manufacturer;
        let under_manufacturer = path.starts_with("/v1.0/manufacturers/");
        let id = match name {
            "merchant_id" => {
                client
                    .create("/v1.0/merchants", "merchant", json!({"name": "Doomed"}))
                    .await
            }
            "store_id" => {
                let stores = format!("/v1.0/merchants/{merchant}/stores");
                client
                    .create(&stores, "store", json!({"name": "Doomed"}))
                    .await
            }
            "member_id" => {
                client
                    .create("/v1.0/members", "member", json!({"identifier": "doomed"}))
                    .await
            }
            "channel_id" => {
                client
                    .create("/v1.0/channels", "channel", json!({"name": "Doomed"}))
                    .await
            }
            "manufacturer_id" => {
                let fields = json!({"name": "Doomed"});
                client
                    .create("/v1.0/manufacturers", "manufacturer", fields)
                    .await
            }
            "item_id" => {
                let items = if path.starts_with("/v1.0/merchants/") {
                    format!("/v1.0/merchants/{merchant}/items")
                } else if under_manufacturer {
                    format!("/v1.0/manufacturers/{manufacturer}/items")
                } else {
                    "/v1.0/items".to_owned()
                };
                client
                    .create(&items, "item", json!({"name": "Doomed", "code": "DOOMED"}))
                    .await
            }
            "counter_id" => {
                client
                    .create("/v1.0/counters", "counter", json!({"name": 0}))
                    .await
            }
            "event_id" => {
                client
                    .create("/v1.0/events", "event", json!({"name": "Doomed"}))
                    .await
            }
            "item_set_id" if under_manufacturer => {
                let sets = format!("/v1.0/manufacturers/{manufacturer}/item_sets");
                let fields = json!({"name": "Doomed", "item_ids": [self.manufacturer_item]});
                client.create(&sets, "item_set", fields).await
            }
            "item_set_id" => self.doomed_item_set(client).await,
            "eligible_item_set_id" => {
                let item_set = self.doomed_item_set(client).await;
                let path = format!("/v1.0/offers/{}/eligible_item_sets", self.eligibility_offer);
                let fields = json!({"item_set_id": item_set, "list_type": 1});
                client.create(&path, "eligible_item_set", fields).await
            }
            "member_list_id" => {
                client
                    .create(
                        "/v1.0/member_lists",
                        "member_list",
                        json!({"name": "Doomed"}),
                    )
                    .await
            }
            "store_list_id" => {
                let lists = format!("/v1.0/merchants/{merchant}/store_lists");
                client
                    .create(&lists, "store_list", json!({"name": "Doomed"}))
                    .await
            }
            "offer_id" => {
                client
                    .create("/v1.0/offers", "offer", offer_fields(merchant, "Doomed"))
                    .await
            }
            "credential_id" => self.credential(client).await,
            "offer_state_id" => self.offer_state(client).await,
            "impression_id" => self.impression(client).await,
            "campaign_id" => self.campaign(client, "doomed-campaign").await,
            _ => return None,
        };
        Some(id)
    }

    async fn doomed_item_set(&self, client: &Client<'_>) -> u64 {
        let fields =
            json!({"name": "Doomed", "merchant_id": self.merchant, "item_ids": [self.item]});
        client.create("/v1.0/item_sets", "item_set", fields).await
    }
}

/// The first text under `key` anywhere in `value`.
fn find_text(value: &Value, key: &str) -> Option<String> {
    match value {
        Value::Object(map) => map
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| map.values().find_map(|inner| find_text(inner, key))),
        Value::Array(items) => items.iter().find_map(|inner| find_text(inner, key)),
        _ => None,
    }
}

/// An offer's required fields.
fn offer_fields(merchant: u64, name: &str) -> Value {
    json!({"name": name, "merchant_id": merchant, "reward_kind": "order_percent_off",
        "reward_value": "10"})
}

/// An offer with every optional field the reference names set, so that their types are
/// checked too.
fn full_offer(merchant: u64) -> Value {
    let mut offer = offer_fields(merchant, "Offer 1");
    let optional = json!({
        "description": "Ten percent off", "category": "food", "offer_code": "TEN",
        "pos_offer_code": "POS-TEN", "terms_and_conditions": "One per visit",
        "reward_item_description": "Anything", "activates_at": "2020-01-01T00:00:00Z",
        "expires_at": "2099-01-01T00:00:00Z", "stop_offering_at": "2098-01-01T00:00:00Z",
        "max_redemptions": 1000, "max_redemptions_per_member": 100,
        "max_redemptions_per_member_per_day": 10, "min_spend_amount": "5", "max_amount": "50",
        "points_earning_value": 10, "points_required_value": 5,
        "criteria": {"visits": 3}, "quest_only": true, "is_reward": true,
        "external_reward": "RW-1", "trigger_amount": 2500, "reward_item_value": 399,
        "redeem_until_depleted": true, "initial_remaining_value": 5000,
    });
    if let (Some(offer), Some(optional)) = (offer.as_object_mut(), optional.as_object()) {
        offer.extend(optional.clone());
        offer.insert("formatting".into(), full_formatting());
    }
    offer
}

/// Every field of Sparkfly's `offer_formatting`.
fn full_formatting() -> Value {
    json!({"bg_color": "#FF00AA", "bg_image": "https://example.com/banner.png",
        "custom_credential_content": "Show at the till", "in_store_only": true,
        "extra_content": "More", "highest_value_to_customer": true,
        "instructions": "Scan the code", "mobile_thumb_url": "https://example.com/mt.png",
        "mobile_url": "https://example.com/m.png",
        "multiple_offers_can_be_combined_on_an_order": true, "no_printable": false,
        "online_offer_code": "WEB10", "reduces_taxable_amount": false,
        "short_name": "Ten off", "text_message": "Ten off today",
        "web_thumb_url": "https://example.com/wt.png", "web_url": "https://example.com/w.png"})
}

/// Requests with the account's token.
pub struct Client<'a> {
    pub app: &'a TestApp,
    pub token: &'a str,
}

impl Client<'_> {
    /// `method path` with `body`; panics unless it answers 2xx.
    pub async fn send(&self, method: Method, path: &str, body: Value) -> Value {
        let (status, answer) = read(
            self.app
                .send_json(method.clone(), self.token, path, &body)
                .await,
        )
        .await;
        assert!(
            (200..300).contains(&status),
            "{method} {path} {body}: {status} {answer}"
        );
        answer
    }

    /// Creates one `name` at `collection` from `fields`; answers its id.
    pub async fn create(&self, collection: &str, name: &str, fields: Value) -> u64 {
        let answer = self
            .send(Method::POST, collection, json!({ name: fields }))
            .await;
        answer[name]["id"]
            .as_u64()
            .unwrap_or_else(|| panic!("no {name} id in {answer}"))
    }
}
