//! From the domain to callbacks: which events are conversions ([`Redeemed`], taken before
//! `evolve` consumes the event), the [`Conversion`]s they make once applied (one per redeemed
//! offer of each credential, read from the account's state), the [`Target`]s each goes to
//! (the credential's channel's `conversion_callback_url`; the account's
//! `credential_callback_url` while `enable_callbacks` is on), the stable delivery id of each
//! pair and the JSON body partners receive.

use crate::render::Conversion;
use chrono::{DateTime, SecondsFormat, Utc};
use domain::credential::AnnotationValue;
use domain::event::{FamilyRef, RedeemedOffer, RedemptionEventRef};
use domain::ids::{AccountId, ChannelId, RedemptionId, StoreId};
use domain::{AccountState, EventKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use ulid::Ulid;

/// The version of the callback body; partners can branch on it.
pub const BODY_VERSION: u16 = 1;

/// A redemption event, as far as callbacks need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redeemed {
    /// Codes were redeemed directly.
    Committed {
        /// The redemption.
        redemption_id: RedemptionId,
        /// Where; `None` away from any store.
        store_id: Option<StoreId>,
        /// What it redeemed.
        offers: Vec<RedeemedOffer>,
    },
    /// A reservation was confirmed: its offers are redeemed now.
    Confirmed(RedemptionId),
}

impl Redeemed {
    /// What `kind` redeemed, if it is a redemption.
    pub fn of(kind: &EventKind) -> Option<Self> {
        match kind.family() {
            FamilyRef::Redemption(event) => Self::of_redemption(event),
            FamilyRef::Account(_)
            | FamilyRef::ApiKey(_)
            | FamilyRef::Member(_)
            | FamilyRef::Merchant(_)
            | FamilyRef::Manufacturer(_)
            | FamilyRef::Counter(_)
            | FamilyRef::Occasion(_)
            | FamilyRef::PosOfferCode(_)
            | FamilyRef::Store(_)
            | FamilyRef::StoreList(_)
            | FamilyRef::MemberList(_)
            | FamilyRef::Item(_)
            | FamilyRef::ItemSet(_)
            | FamilyRef::Offer(_)
            | FamilyRef::OfferChannel(_)
            | FamilyRef::Channel(_)
            | FamilyRef::OfferState(_)
            | FamilyRef::Points(_)
            | FamilyRef::CheckIn(_)
            | FamilyRef::Credential(_) => None,
        }
    }

    /// What a redemption event redeemed: a direct redemption or a confirmed reservation; the
    /// other steps redeem nothing.
    fn of_redemption(event: RedemptionEventRef) -> Option<Self> {
        match event {
            RedemptionEventRef::Committed(recorded) => Some(Self::Committed {
                redemption_id: recorded.redemption_id,
                store_id: recorded.store_id,
                offers: recorded.offers.clone(),
            }),
            RedemptionEventRef::ReservationConfirmed(confirmed) => {
                Some(Self::Confirmed(confirmed.redemption_id))
            }
            RedemptionEventRef::Reserved(_)
            | RedemptionEventRef::ReservationCancelled(_)
            | RedemptionEventRef::ReservationExpired(_)
            | RedemptionEventRef::Voided(_)
            | RedemptionEventRef::Reversed(_) => None,
        }
    }

    /// The conversions it made, read from `state` once the event is applied; `at` is when it
    /// happened.
    pub fn conversions(
        &self,
        state: &AccountState,
        account_id: AccountId,
        at: DateTime<Utc>,
    ) -> Vec<Conversion> {
        let (redemption_id, store_id, offers) = match self {
            Self::Committed {
                redemption_id,
                store_id,
                offers,
            } => (*redemption_id, *store_id, offers.clone()),
            Self::Confirmed(id) => match state.redemption(*id) {
                Some(redemption) => (
                    *id,
                    redemption.store_id,
                    redemption
                        .applications
                        .iter()
                        .map(|application| RedeemedOffer {
                            credential_id: application.credential_id,
                            offer_id: application.offer_id,
                        })
                        .collect(),
                ),
                None => return Vec::new(),
            },
        };
        offers
            .iter()
            .filter_map(|redeemed| {
                let credential = state.credential(redeemed.credential_id)?;
                let annotation = |key: &str| match credential.annotations.get(key) {
                    Some(AnnotationValue::Text(text)) => Some(text.clone()),
                    _ => None,
                };
                let conv_ids = match credential.annotations.get("conv_ids") {
                    Some(AnnotationValue::Map(map)) => map.clone(),
                    _ => BTreeMap::new(),
                };
                Some(Conversion {
                    account_id,
                    redemption_id,
                    credential_id: credential.id,
                    offer_id: redeemed.offer_id,
                    offer_ids: credential.offer_ids.clone(),
                    channel_id: credential.channel_id,
                    xid: state
                        .offer_link(redeemed.offer_id, credential.channel_id)
                        .map(|link| link.xid.clone()),
                    store_id,
                    member_id: credential.member_id,
                    sf_uid: annotation("sf_uid").or_else(|| {
                        state
                            .member(credential.member_id)
                            .map(|member| member.identifier.clone())
                    }),
                    sf_ac: annotation("sf_ac"),
                    redeemed_at: credential.redeemed_at.unwrap_or(at),
                    status: credential.status.to_string(),
                    conv_ids,
                })
            })
            .collect()
    }
}

/// Where a callback goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetKind {
    /// A channel's `conversion_callback_url`.
    Channel {
        /// The channel.
        channel_id: ChannelId,
    },
    /// The account's `credential_callback_url`.
    Account,
}

impl TargetKind {
    /// The channel, for a channel target.
    pub fn channel(self) -> Option<ChannelId> {
        match self {
            Self::Channel { channel_id } => Some(channel_id),
            Self::Account => None,
        }
    }

    /// `channel` or `account`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Channel { .. } => "channel",
            Self::Account => "account",
        }
    }
}

/// One callback of a conversion: where, the url template, and whether to sign it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Where it goes.
    pub kind: TargetKind,
    /// The url with its `%{...}` placeholders.
    pub template: String,
    /// Whether the channel signs its callbacks (`allow_hmac`).
    pub sign: bool,
}

/// The callbacks `conversion` goes to under `state`: its channel's url if it has one, and the
/// account's while account callbacks are enabled (account callbacks are not signed: the
/// account has no secret).
pub fn targets(state: &AccountState, conversion: &Conversion) -> Vec<Target> {
    let mut targets = Vec::new();
    if let Some(channel) = state.channel(conversion.channel_id) {
        if let Some(template) = &channel.conversion_callback_url {
            targets.push(Target {
                kind: TargetKind::Channel {
                    channel_id: channel.id,
                },
                template: template.clone(),
                sign: channel.allow_hmac,
            });
        }
    }
    if let Some(account) = state.account() {
        if let (true, Some(template)) = (account.enable_callbacks, &account.credential_callback_url)
        {
            targets.push(Target {
                kind: TargetKind::Account,
                template: template.clone(),
                sign: false,
            });
        }
    }
    targets
}

/// The stable id of the callback of `conversion` to `target` made by event `event_id`: a ULID
/// with the event's time and 80 bits of SHA-256 of (event, credential, offer, target), so a
/// re-scheduling after a crash gets the same id and ids sort by time.
pub fn delivery_id(event_id: Ulid, conversion: &Conversion, target: TargetKind) -> String {
    let mut hash = Sha256::new();
    hash.update(event_id.to_string().as_bytes());
    hash.update(format!(
        "/{}/{}/",
        conversion.credential_id.0, conversion.offer_id.0
    ));
    match target {
        TargetKind::Channel { channel_id } => hash.update(format!("channel/{}", channel_id.0)),
        TargetKind::Account => hash.update("account"),
    }
    let digest = hash.finalize();
    let mut random = [0u8; 16];
    random[6..].copy_from_slice(&digest[..10]);
    Ulid::from_parts(event_id.timestamp_ms(), u128::from_be_bytes(random)).to_string()
}

/// The JSON body of a callback: the delivery id, the conversion's facts and the target.
#[derive(Clone, Debug, Serialize)]
pub struct CallbackBody<'a> {
    /// [`BODY_VERSION`].
    pub version: u16,
    /// Always `conversion`.
    pub event: &'static str,
    /// The stable delivery id to de-duplicate on.
    pub delivery_id: &'a str,
    /// `channel` or `account`.
    pub target: &'static str,
    /// The account.
    pub account_id: u64,
    /// The redemption.
    pub redemption_id: u64,
    /// The credential.
    pub credential_id: u64,
    /// The offer redeemed.
    pub offer_id: u64,
    /// Every offer of the credential.
    pub offer_ids: Vec<u64>,
    /// The credential's channel.
    pub channel_id: u64,
    /// The xid of the offer on the channel.
    pub xid: Option<&'a str>,
    /// Where it was redeemed; left out for a redemption away from any store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_id: Option<u64>,
    /// The member.
    pub member_id: u64,
    /// The member's external identifier.
    pub sf_uid: Option<&'a str>,
    /// The creative.
    pub sf_ac: Option<&'a str>,
    /// When it was redeemed (RFC 3339, UTC, milliseconds).
    pub redeemed_at: String,
    /// The credential's status.
    pub status: &'a str,
    /// The credential's `annotations.conv_ids`.
    pub conv_ids: &'a BTreeMap<String, String>,
}

impl<'a> CallbackBody<'a> {
    /// The body of delivery `delivery_id` of `conversion` to `target`.
    pub fn new(delivery_id: &'a str, conversion: &'a Conversion, target: TargetKind) -> Self {
        Self {
            version: BODY_VERSION,
            event: "conversion",
            delivery_id,
            target: target.name(),
            account_id: conversion.account_id.0,
            redemption_id: conversion.redemption_id.0,
            credential_id: conversion.credential_id.0,
            offer_id: conversion.offer_id.0,
            offer_ids: conversion.offer_ids.iter().map(|offer| offer.0).collect(),
            channel_id: conversion.channel_id.0,
            xid: conversion.xid.as_deref(),
            store_id: conversion.store_id.map(|store| store.0),
            member_id: conversion.member_id.0,
            sf_uid: conversion.sf_uid.as_deref(),
            sf_ac: conversion.sf_ac.as_deref(),
            redeemed_at: conversion
                .redeemed_at
                .to_rfc3339_opts(SecondsFormat::Millis, true),
            status: &conversion.status,
            conv_ids: &conversion.conv_ids,
        }
    }

    /// The body as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
