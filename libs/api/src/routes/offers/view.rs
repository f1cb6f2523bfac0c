//! How an offer and its channel links look on the wire (Sparkfly's field names, absent values
//! as `null`), and where the offer of an answer comes from: the read model for reads, the
//! partition's live state for the answer of a write.

use crate::http::ApiError;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use domain::channel::OfferChannel;
use domain::ids::{AccountId, ChannelId, OfferId};
use domain::offer::Offer;
use domain::time::format_timestamp;
use domain::{AccountState, DomainError};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::fmt::Display;

/// A link of an offer to a channel, with the channel's name.
#[derive(Clone, Debug)]
pub(super) struct LinkView {
    /// The link.
    pub(super) link: OfferChannel,
    /// The channel's name, when known.
    pub(super) name: Option<String>,
}

impl LinkView {
    /// The link as Sparkfly's `eligible_channel` (and the `channel` of an offer's `channels`):
    /// `id` is the channel's id.
    pub(super) fn to_json(&self) -> Value {
        let link = &self.link;
        json!({
            "id": link.channel_id,
            "channel_id": link.channel_id,
            "xid": link.xid,
            "name": self.name,
            "offer_id": link.offer_id,
            "max_redemptions": link.max_redemptions,
            "created_at": format_timestamp(&link.created_at),
        })
    }
}

/// An offer with its channel links, ready to be answered.
#[derive(Clone, Debug)]
pub(super) struct OfferView {
    /// The offer.
    pub(super) offer: Offer,
    /// Its channel links, by channel id.
    pub(super) links: Vec<LinkView>,
}

fn at(value: Option<DateTime<Utc>>) -> Value {
    value.map_or(Value::Null, |at| Value::String(format_timestamp(&at)))
}

/// An exact decimal as a JSON number without trailing zeros (`20.00` is `20`), or as its
/// text when JSON cannot hold it.
fn number(value: Option<impl Display>) -> Value {
    value.map_or(Value::Null, |value| {
        let mut text = value.to_string();
        if text.contains('.') {
            text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
        }
        text.parse::<serde_json::Number>()
            .map_or(Value::String(text), Value::Number)
    })
}

fn ids<T: Serialize>(ids: impl IntoIterator<Item = T>) -> Value {
    Value::Array(ids.into_iter().map(|id| json!(id)).collect())
}

fn merge(parts: impl IntoIterator<Item = Value>) -> Value {
    let mut all = Map::new();
    for part in parts {
        if let Value::Object(fields) = part {
            all.extend(fields);
        }
    }
    Value::Object(all)
}

impl OfferView {
    /// The offer's body (what goes under `"offer"`), its status as a client sees it at `now`.
    pub(super) fn to_json(&self, now: DateTime<Utc>) -> Value {
        let offer = &self.offer;
        merge([
            self.terms(now),
            self.window(),
            self.reward(),
            json!({
                "channels": self.links.iter()
                    .map(|link| json!({"channel": link.to_json()}))
                    .collect::<Vec<_>>(),
                "eligibility": self.eligibility(),
                "created_at": format_timestamp(&offer.created_at),
                "updated_at": format_timestamp(&offer.updated_at),
            }),
        ])
    }

    fn terms(&self, now: DateTime<Utc>) -> Value {
        let offer = &self.offer;
        json!({
            "id": offer.id,
            "status": offer.status_at(now),
            "merchant_id": offer.merchant_id,
            "name": offer.name,
            "description": offer.description,
            "offer_type": offer.offer_type,
            "category": offer.category,
            "offer_code": offer.offer_code,
            "pos_offer_code": offer.pos_offer_code,
            "terms_and_conditions": offer.terms_and_conditions,
            "reward_item_description": offer.reward_item_description,
        })
    }

    fn window(&self) -> Value {
        let offer = &self.offer;
        let limits = &offer.limits;
        json!({
            "activates_at": at(offer.activates_at),
            "expires_at": at(offer.expires_at),
            "stop_offering_at": at(offer.stop_offering_at),
            "approved_at": at(offer.approved_at),
            "max_redemptions": limits.max_redemptions,
            "max_redemptions_per_member": limits.max_redemptions_per_member,
            "max_redemptions_per_member_per_day": limits.max_redemptions_per_member_per_day,
        })
    }

    fn reward(&self) -> Value {
        let reward = &self.offer.reward;
        json!({
            "reward_kind": reward.kind,
            "reward_value": number(reward.value),
            "min_spend_amount": number(reward.min_spend_amount),
            "max_amount": number(reward.max_amount),
            "required_item_set_id": reward.required_item_set_id,
            "required_item_count": reward.required_item_count,
            "redemption_item_set_id": reward.redemption_item_set_id,
            "redemption_item_count": reward.redemption_item_count,
            "points_earning_value": reward.points_earning_value,
            "points_required_value": reward.points_required_value,
        })
    }

    fn eligibility(&self) -> Value {
        let eligibility = &self.offer.eligibility;
        json!({
            "merchant_ids": ids(&eligibility.merchant_ids),
            "store_list_ids": ids(&eligibility.store_list_ids),
            "member_list_ids": ids(&eligibility.member_list_ids),
            "channel_ids": self.channel_ids(),
            "merchant_item_set_ids": ids(&eligibility.item_set_ids),
            "manufacturer_item_set_ids": [],
        })
    }

    /// The ids of the channels the offer runs on.
    pub(super) fn channel_ids(&self) -> Value {
        ids(self.links.iter().map(|link| link.link.channel_id))
    }

    /// `{"offer": {...}}` with `status`.
    pub(super) fn respond(&self, status: StatusCode, now: DateTime<Utc>) -> HttpResponse {
        HttpResponse::build(status).json(json!({ "offer": self.to_json(now) }))
    }
}

/// The offer `id` as the account's live state holds it, after every write before this call.
pub(super) async fn live(
    state: &AppState,
    account: AccountId,
    id: OfferId,
) -> Result<OfferView, ApiError> {
    state
        .read(account, move |live: &AccountState, _| {
            let offer = live.offers.get(&id)?.clone();
            Some(OfferView {
                links: live_links(live, id),
                offer,
            })
        })
        .await?
        .ok_or(ApiError::Domain(DomainError::NotFound {
            resource: "Offer",
        }))
}

/// `offer` (as a write recorded it) with its channel links from the live state.
pub(super) async fn with_live_links(
    state: &AppState,
    account: AccountId,
    offer: Offer,
) -> Result<OfferView, ApiError> {
    let id = offer.id;
    let links = state
        .read(account, move |live: &AccountState, _| live_links(live, id))
        .await?;
    Ok(OfferView { offer, links })
}

fn live_links(live: &AccountState, id: OfferId) -> Vec<LinkView> {
    let mut links: Vec<LinkView> = live
        .offer_channels
        .values()
        .filter(|link| link.offer_id == id)
        .map(|link| LinkView {
            link: link.clone(),
            name: live
                .channels
                .get(&link.channel_id)
                .map(|channel| channel.name.clone()),
        })
        .collect();
    links.sort_by_key(|link| link.link.channel_id);
    links
}

/// Channel names read from the read model, each looked up once per request.
#[derive(Default)]
pub(super) struct ChannelNames(HashMap<ChannelId, Option<String>>);

impl ChannelNames {
    /// `links` with their channels' names.
    pub(super) async fn name(
        &mut self,
        state: &AppState,
        account: AccountId,
        links: Vec<OfferChannel>,
    ) -> Result<Vec<LinkView>, ApiError> {
        let mut named = Vec::with_capacity(links.len());
        for link in links {
            let name = match self.0.get(&link.channel_id) {
                Some(name) => name.clone(),
                None => {
                    let name = state
                        .store()
                        .channel(account, link.channel_id)
                        .await?
                        .map(|channel| channel.name);
                    self.0.insert(link.channel_id, name.clone());
                    name
                }
            };
            named.push(LinkView { link, name });
        }
        Ok(named)
    }
}

/// The offer `id` as the read model holds it (the caller has passed the read guard).
pub(super) async fn stored(
    state: &AppState,
    account: AccountId,
    id: OfferId,
) -> Result<OfferView, ApiError> {
    let row = state
        .store()
        .offer(account, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let links = ChannelNames::default()
        .name(state, account, row.channels)
        .await?;
    Ok(OfferView {
        offer: row.offer,
        links,
    })
}
