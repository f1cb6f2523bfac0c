//! How an offer and its channel links look on the wire (Sparkfly's field names, absent values
//! as `null`), and where the offer of an answer comes from: the read model for reads, the
//! partition's live state for the answer of a write.

use crate::http::{ApiError, Named, One};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use discount::OrderSpread;
use domain::channel::{LinkSecurity, OfferChannel};
use domain::ids::{
    AccountId, ChannelId, ItemSetId, MemberListId, MerchantId, OfferId, StoreListId,
};
use domain::offer::queries::{self, NamedLink};
use domain::offer::{Criteria, Offer, OfferFormatting, RewardKind};
use domain::time::format_timestamp;
use domain::DomainError;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Display;

/// A link of an offer to a channel, with the channel's name.
#[derive(Clone, Debug)]
pub(super) struct LinkView {
    /// The link.
    pub(super) link: OfferChannel,
    /// The channel's name, when known.
    pub(super) name: Option<String>,
}

/// A link as Sparkfly's `eligible_channel` (and the `channel` of an offer's `channels`): `id`
/// is the channel's id.
#[derive(Debug, Serialize, JsonSchema)]
pub(super) struct LinkBody<'a> {
    /// The channel's id.
    id: ChannelId,
    /// The channel's id.
    channel_id: ChannelId,
    /// Short id of the offer on the channel, unique in the account.
    xid: &'a str,
    /// The channel's name, when known.
    name: Option<&'a str>,
    /// The offer.
    offer_id: OfferId,
    /// Cap on the offer's redemptions through this channel.
    max_redemptions: Option<u32>,
    /// How the landing page is protected (`key`, `member`); left out when open to all.
    #[serde(skip_serializing_if = "Option::is_none")]
    security: Option<LinkSecurity>,
    /// The key a visit must carry under `key` security.
    #[serde(skip_serializing_if = "Option::is_none")]
    security_key: Option<&'a str>,
    /// The SMS keyword reaching the offer on this channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    sms_keyword: Option<&'a str>,
    /// Whether a visitor may come back to the page later.
    allow_return_later: bool,
    /// When the link was made.
    #[schemars(with = "DateTime<Utc>")]
    created_at: String,
}

impl Named for LinkBody<'_> {
    const ONE: &'static str = "channel";
    const MANY: &'static str = "channels";
}

impl LinkView {
    /// The link on the wire.
    pub(super) fn body(&self) -> LinkBody<'_> {
        let link = &self.link;
        LinkBody {
            id: link.channel_id,
            channel_id: link.channel_id,
            xid: &link.xid,
            name: self.name.as_deref(),
            offer_id: link.offer_id,
            max_redemptions: link.max_redemptions,
            security: Some(link.settings.security)
                .filter(|security| *security != LinkSecurity::None),
            security_key: link.settings.security_key.as_deref(),
            sms_keyword: link.settings.sms_keyword.as_deref(),
            allow_return_later: link.settings.allow_return_later,
            created_at: format_timestamp(&link.created_at),
        }
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

/// An exact decimal on the wire: a JSON number without trailing zeros (`20.00` is `20`), or
/// its text when JSON cannot hold it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum Amount {
    /// As a number.
    Number(serde_json::Number),
    /// As text.
    Text(String),
}

impl Amount {
    fn of(value: Option<impl Display>) -> Option<Self> {
        value.map(|value| {
            let mut text = value.to_string();
            if text.contains('.') {
                text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
            }
            text.parse::<serde_json::Number>()
                .map_or(Self::Text(text), Self::Number)
        })
    }
}

impl JsonSchema for Amount {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["number", "string"],
            "description": "An exact decimal: a number, or its text when JSON cannot hold it.",
        })
    }
}

/// The statuses a client sees (`expired` follows from the window).
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ShownStatus {
    Pending,
    Approved,
    Stopped,
    Expired,
}

/// An offer on the wire (what goes under `"offer"`): Sparkfly's field names. An absent value is
/// `null` where the reference API marks the field nullable (`merchant_id`, `pos_offer_code`)
/// and left out elsewhere (the reference types those fields as non-null; see README,
/// "Compatibility").
#[derive(Debug, Serialize, JsonSchema)]
pub(super) struct OfferBody<'a> {
    /// Its id.
    id: OfferId,
    /// `pending`, `approved`, `stopped`, or `expired` once past `expires_at`.
    #[schemars(with = "ShownStatus")]
    status: &'static str,
    /// The merchant running it, its id as decimal text: the reference types this field as a
    /// nullable string (the seed shows only `null`), so text is what both accept.
    merchant_id: Option<String>,
    /// Its name.
    name: &'a str,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    /// Sparkfly's offer type code.
    offer_type: u32,
    /// Category label.
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    /// Offer code shown to members.
    #[serde(skip_serializing_if = "Option::is_none")]
    offer_code: Option<&'a str>,
    /// Code the point of sale knows the offer by.
    pos_offer_code: Option<&'a str>,
    /// Terms and conditions.
    #[serde(skip_serializing_if = "Option::is_none")]
    terms_and_conditions: Option<&'a str>,
    /// Description of the reward item.
    #[serde(skip_serializing_if = "Option::is_none")]
    reward_item_description: Option<&'a str>,
    /// Start of the window (inclusive).
    #[schemars(with = "Option<DateTime<Utc>>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    activates_at: Option<String>,
    /// End of the window (exclusive).
    #[schemars(with = "Option<DateTime<Utc>>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    /// No new credentials from then on.
    #[schemars(with = "Option<DateTime<Utc>>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_offering_at: Option<String>,
    /// When it was approved.
    #[schemars(with = "Option<DateTime<Utc>>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_at: Option<String>,
    /// Redemptions in total.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_redemptions: Option<u32>,
    /// Redemptions per member.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_redemptions_per_member: Option<u32>,
    /// Redemptions per member per day.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_redemptions_per_member_per_day: Option<u32>,
    /// Kind of reward.
    reward_kind: RewardKind,
    /// Amount, percent or price of the reward, by kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    reward_value: Option<Amount>,
    /// Minimum basket subtotal.
    #[serde(skip_serializing_if = "Option::is_none")]
    min_spend_amount: Option<Amount>,
    /// Cap on the discount of one redemption.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_amount: Option<Amount>,
    /// Item set to buy from (buy N get M).
    #[serde(skip_serializing_if = "Option::is_none")]
    required_item_set_id: Option<ItemSetId>,
    /// N of buy N get M.
    #[serde(skip_serializing_if = "Option::is_none")]
    required_item_count: Option<u32>,
    /// Item set whose units are rewarded.
    #[serde(skip_serializing_if = "Option::is_none")]
    redemption_item_set_id: Option<ItemSetId>,
    /// M of buy N get M, or the most units rewarded without a requirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    redemption_item_count: Option<u32>,
    /// Points earned per redemption.
    #[serde(skip_serializing_if = "Option::is_none")]
    points_earning_value: Option<u64>,
    /// Points a member spends to get it.
    #[serde(skip_serializing_if = "Option::is_none")]
    points_required_value: Option<u64>,
    /// Most rounds of buy N get M one basket gets (our extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    max_reward_rounds: Option<u32>,
    /// How an order-level discount is spread across the lines (our extension).
    order_discount_spread: OrderSpread,
    /// Rank among the offers one basket meets, higher first (our extension).
    priority: i32,
    /// How it is shown, and whether it combines with other offers (`{}` when nothing is set).
    formatting: &'a OfferFormatting,
    /// Sparkfly's criteria: a free JSON object (`{}` when none).
    criteria: &'a Criteria,
    /// Offered only through quests; left out when false (the reference types it as a
    /// boolean in lists and as a string in one offer: see README, "Compatibility").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    quest_only: bool,
    /// A reward of a program.
    is_reward: bool,
    /// The reward's reference in another system.
    #[serde(skip_serializing_if = "Option::is_none")]
    external_reward: Option<&'a str>,
    /// The amount that triggers it, in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    trigger_amount: Option<u32>,
    /// The value of the reward item, in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    reward_item_value: Option<u32>,
    /// Redeemed until a remaining value is used up.
    redeem_until_depleted: bool,
    /// The value it starts with when redeemed until depleted, in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_remaining_value: Option<u32>,
    /// Its channel links.
    channels: Vec<One<LinkBody<'a>>>,
    /// Who may receive and redeem it.
    eligibility: EligibilityBody<'a>,
    /// When it was created.
    #[schemars(with = "DateTime<Utc>")]
    created_at: String,
    /// When it last changed.
    #[schemars(with = "DateTime<Utc>")]
    updated_at: String,
}

impl Named for OfferBody<'_> {
    const ONE: &'static str = "offer";
    const MANY: &'static str = "offers";
}

/// Who an offer is for, in Sparkfly's names (an empty list: no restriction).
#[derive(Debug, Serialize, JsonSchema)]
pub(super) struct EligibilityBody<'a> {
    /// Merchants whose stores may redeem.
    merchant_ids: &'a BTreeSet<MerchantId>,
    /// Store lists whose stores may redeem.
    store_list_ids: &'a BTreeSet<StoreListId>,
    /// Member lists whose members may receive and redeem.
    member_list_ids: &'a BTreeSet<MemberListId>,
    /// The channels it runs on.
    channel_ids: Vec<ChannelId>,
    /// Item sets of which a basket must contain at least one item.
    merchant_item_set_ids: &'a BTreeSet<ItemSetId>,
    /// Always empty: manufacturer item sets are not modelled.
    manufacturer_item_set_ids: [ItemSetId; 0],
}

fn at(value: Option<DateTime<Utc>>) -> Option<String> {
    value.map(|at| format_timestamp(&at))
}

impl OfferView {
    /// The offer on the wire, its status as a client sees it at `now`.
    pub(super) fn body(&self, now: DateTime<Utc>) -> OfferBody<'_> {
        let offer = &self.offer;
        let limits = &offer.limits;
        let reward = &offer.reward;
        let eligibility = &offer.eligibility;
        let program = &offer.program;
        OfferBody {
            id: offer.id,
            status: offer.status_at(now),
            merchant_id: offer.merchant_id.map(|merchant| merchant.0.to_string()),
            name: &offer.name,
            description: offer.description.as_deref(),
            offer_type: offer.offer_type,
            category: offer.category.as_deref(),
            offer_code: offer.offer_code.as_deref(),
            pos_offer_code: offer.pos_offer_code.as_deref(),
            terms_and_conditions: offer.terms_and_conditions.as_deref(),
            reward_item_description: offer.reward_item_description.as_deref(),
            activates_at: at(offer.activates_at),
            expires_at: at(offer.expires_at),
            stop_offering_at: at(offer.stop_offering_at),
            approved_at: at(offer.approved_at),
            max_redemptions: limits.max_redemptions,
            max_redemptions_per_member: limits.max_redemptions_per_member,
            max_redemptions_per_member_per_day: limits.max_redemptions_per_member_per_day,
            reward_kind: reward.kind,
            reward_value: Amount::of(reward.value),
            min_spend_amount: Amount::of(reward.min_spend_amount),
            max_amount: Amount::of(reward.max_amount),
            required_item_set_id: reward.required_item_set_id,
            required_item_count: reward.required_item_count,
            redemption_item_set_id: reward.redemption_item_set_id,
            redemption_item_count: reward.redemption_item_count,
            points_earning_value: reward.points_earning_value,
            points_required_value: reward.points_required_value,
            max_reward_rounds: reward.max_rounds,
            order_discount_spread: reward.order_spread,
            priority: reward.priority,
            formatting: &offer.formatting,
            criteria: &program.criteria,
            quest_only: program.quest_only,
            is_reward: program.is_reward,
            external_reward: program.external_reward.as_deref(),
            trigger_amount: program.trigger_amount,
            reward_item_value: program.reward_item_value,
            redeem_until_depleted: program.redeem_until_depleted,
            initial_remaining_value: program.initial_remaining_value,
            channels: self.links.iter().map(|link| One(link.body())).collect(),
            eligibility: EligibilityBody {
                merchant_ids: &eligibility.merchant_ids,
                store_list_ids: &eligibility.store_list_ids,
                member_list_ids: &eligibility.member_list_ids,
                channel_ids: self.channel_ids(),
                merchant_item_set_ids: &eligibility.item_set_ids,
                manufacturer_item_set_ids: [],
            },
            created_at: format_timestamp(&offer.created_at),
            updated_at: format_timestamp(&offer.updated_at),
        }
    }

    /// The ids of the channels the offer runs on.
    pub(super) fn channel_ids(&self) -> Vec<ChannelId> {
        self.links.iter().map(|link| link.link.channel_id).collect()
    }

    /// `{"offer": {...}}` with `status`.
    pub(super) fn respond(&self, status: StatusCode, now: DateTime<Utc>) -> HttpResponse {
        HttpResponse::build(status).json(One(self.body(now)))
    }
}

/// The offer `id` as the account's live state holds it, after every write before this call.
pub(super) async fn live(
    state: &AppState,
    account: AccountId,
    id: OfferId,
) -> Result<OfferView, ApiError> {
    state
        .read(account, move |live, _| {
            queries::with_links(live, id).map(|found| OfferView {
                offer: found.offer.clone(),
                links: owned(found.links),
            })
        })?
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
    let links = state.read(account, move |live, _| owned(queries::links(live, id)))?;
    Ok(OfferView { offer, links })
}

/// `links` as views that outlive the state they were read from.
fn owned(links: Vec<NamedLink<'_>>) -> Vec<LinkView> {
    links
        .into_iter()
        .map(|named| LinkView {
            link: named.link.clone(),
            name: named.channel_name.map(str::to_owned),
        })
        .collect()
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
