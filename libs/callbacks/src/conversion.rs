//! From the domain to callbacks: what a redemption redeemed ([`Redeemed`], answered by the
//! fold of [`CallbackState`]), the [`Conversion`]s it makes (one per redeemed offer of each
//! credential, read from that fold), the [`Target`]s each goes to
//! (the credential's channel's `conversion_callback_url`; the account's
//! `credential_callback_url` while `enable_callbacks` is on), the stable delivery id of each
//! pair and the JSON body partners receive.

use crate::fold::CallbackState;
use crate::render::Conversion;
use chrono::{DateTime, SecondsFormat, Utc};
use domain::credential::CredentialStatus;
use domain::event::RedeemedOffer;
use domain::ids::{AccountId, ChannelId, RedemptionId, StoreId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use ulid::Ulid;

/// The version of the callback body; partners can branch on it.
pub const BODY_VERSION: u16 = 1;

/// What a redemption redeemed, as callbacks need it: a direct redemption, or a confirmed
/// reservation with the offers it reserved (see [`CallbackState::apply`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redeemed {
    /// The redemption.
    pub redemption_id: RedemptionId,
    /// Where; `None` away from any store.
    pub store_id: Option<StoreId>,
    /// What it redeemed.
    pub offers: Vec<RedeemedOffer>,
}

impl Redeemed {
    /// The conversions it made, read from `state` once its event is applied; `at` is when it
    /// happened (the credentials' `redeemed_at`; their status is `redeemed`).
    pub fn conversions(
        &self,
        state: &CallbackState,
        account_id: AccountId,
        at: DateTime<Utc>,
    ) -> Vec<Conversion> {
        self.offers
            .iter()
            .filter_map(|redeemed| {
                let credential = state.credential(redeemed.credential_id)?;
                let annotations = credential.annotations.as_deref();
                Some(Conversion {
                    account_id,
                    redemption_id: self.redemption_id,
                    credential_id: redeemed.credential_id,
                    offer_id: redeemed.offer_id,
                    offer_ids: credential.offer_ids.to_vec(),
                    channel_id: credential.channel_id,
                    xid: state
                        .xid(redeemed.offer_id, credential.channel_id)
                        .map(str::to_owned),
                    store_id: self.store_id,
                    member_id: credential.member_id,
                    sf_uid: annotations
                        .and_then(|found| found.sf_uid.clone())
                        .or_else(|| {
                            state
                                .member_identifier(credential.member_id)
                                .map(str::to_owned)
                        }),
                    sf_ac: annotations.and_then(|found| found.sf_ac.clone()),
                    redeemed_at: at,
                    status: CredentialStatus::Redeemed.to_string(),
                    conv_ids: annotations
                        .map(|found| found.conv_ids.clone())
                        .unwrap_or_default(),
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
pub fn targets(state: &CallbackState, conversion: &Conversion) -> Vec<Target> {
    let mut targets = Vec::new();
    if let Some(channel) = state.channel_callbacks(conversion.channel_id) {
        if let Some(template) = &channel.url {
            targets.push(Target {
                kind: TargetKind::Channel {
                    channel_id: conversion.channel_id,
                },
                template: template.clone(),
                sign: channel.sign,
            });
        }
    }
    if let Some(template) = state.account_callbacks() {
        targets.push(Target {
            kind: TargetKind::Account,
            template: template.to_owned(),
            sign: false,
        });
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
