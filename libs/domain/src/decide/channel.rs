//! Decisions on channels and on the links of offers to channels.

use crate::channel::{
    sms_keyword, Channel, ChannelFields, CodeFormat, LinkSecurity, LinkSettings,
    LinkSettingsFields, OfferChannel, MAX_NUMERIC_CODE_LIFETIME,
};
use crate::context::Context;
use crate::credential::code;
use crate::error::{DomainError, DomainResult};
use crate::event::{
    ChannelRef, EventKind, OfferChannelCapSet, OfferChannelConfigured, OfferChannelRef,
};
use crate::ids::{ChannelId, OfferId};
use crate::state::AccountState;
use crate::validate::{existing, positive, replace_url, required_text, MAX_TEXT};
use rand_core::RngCore;
use std::collections::HashSet;

/// Characters of an xid.
const XID_ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Length of an xid (about 41 bits).
const XID_LEN: usize = 7;
/// Length of a link's security key (about 119 bits).
const SECURITY_KEY_LEN: usize = 20;
/// Draws before giving up on finding an unused code or xid.
pub(super) const MAX_DRAWS: usize = 32;

/// Bytes of a channel's HMAC secret.
const HMAC_SECRET_BYTES: usize = 32;

pub(super) fn create(
    state: &AccountState,
    fields: &ChannelFields,
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    let now = context.now;
    let channel = Channel {
        id: ChannelId(state.next_id()),
        name: String::new(),
        allow_sms_keyword: false,
        allow_hmac: false,
        conversion_callback_url: None,
        hmac_secret: None,
        code_format: CodeFormat::Secure,
        code_lifetime: None,
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::ChannelCreated(merge(
        channel, fields, context,
    )?)])
}

pub(super) fn update(
    state: &AccountState,
    id: ChannelId,
    fields: &ChannelFields,
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    let channel = existing(&state.channels, &id, "Channel")?.clone();
    Ok(vec![EventKind::ChannelUpdated(merge(
        channel, fields, context,
    )?)])
}

fn merge(
    mut channel: Channel,
    fields: &ChannelFields,
    context: &mut Context<'_>,
) -> DomainResult<Channel> {
    let now = context.now;
    channel.name = required_text(
        "Name",
        fields.name.as_deref().or(Some(&channel.name)),
        MAX_TEXT,
    )?;
    channel.allow_sms_keyword = fields
        .allow_sms_keyword
        .unwrap_or(channel.allow_sms_keyword);
    channel.allow_hmac = fields.allow_hmac.unwrap_or(channel.allow_hmac);
    if fields.rotate_hmac_secret || (channel.allow_hmac && channel.hmac_secret.is_none()) {
        channel.hmac_secret = Some(hmac_secret(context.rng));
    }
    replace_url(
        "Conversion callback url",
        fields.conversion_callback_url.as_deref(),
        &mut channel.conversion_callback_url,
    )?;
    channel.code_format = fields.code_format.unwrap_or(channel.code_format);
    channel.code_lifetime =
        positive("Code lifetime", fields.code_lifetime)?.or(channel.code_lifetime);
    if let CodeFormat::Numeric { digits } = channel.code_format {
        if !code::NUMERIC_DIGITS.contains(&digits) {
            return Err(DomainError::Invalid {
                field: "Code format",
                reason: "numeric codes must have 4 to 8 digits".into(),
            });
        }
        if channel
            .code_lifetime
            .is_none_or(|lifetime| lifetime > MAX_NUMERIC_CODE_LIFETIME)
        {
            return Err(DomainError::Invalid {
                field: "Code lifetime",
                reason: format!(
                    "is required with numeric codes and must be at most {MAX_NUMERIC_CODE_LIFETIME} seconds"
                ),
            });
        }
    }
    channel.updated_at = now;
    Ok(channel)
}

/// A fresh HMAC secret: random bytes as lowercase hex.
fn hmac_secret(rng: &mut dyn RngCore) -> String {
    let mut bytes = [0u8; HMAC_SECRET_BYTES];
    rng.fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub(super) fn delete(state: &AccountState, id: ChannelId) -> DomainResult<Vec<EventKind>> {
    existing(&state.channels, &id, "Channel")?;
    if state
        .offer_channels
        .keys()
        .any(|(_, channel)| *channel == id)
    {
        return Err(DomainError::WrongStatus {
            resource: "Channel",
            action: "deleted",
            status: "offers run on it".into(),
        });
    }
    Ok(vec![EventKind::ChannelDeleted(ChannelRef {
        channel_id: id,
    })])
}

pub(super) fn link(
    state: &AccountState,
    offer_id: OfferId,
    channel_ids: &[ChannelId],
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.offers, &offer_id, "Offer")?;
    let mut events = Vec::new();
    let mut drawn = HashSet::new();
    let mut seen = HashSet::new();
    for channel_id in channel_ids {
        existing(&state.channels, channel_id, "Channel")?;
        if state.offer_channels.contains_key(&(offer_id, *channel_id)) || !seen.insert(*channel_id)
        {
            continue;
        }
        let xid = draw_xid(state, &drawn, context.rng)?;
        drawn.insert(xid.clone());
        events.push(EventKind::OfferChannelLinked(OfferChannel {
            offer_id,
            channel_id: *channel_id,
            xid,
            max_redemptions: None,
            settings: LinkSettings::default(),
            created_at: context.now,
        }));
    }
    Ok(events)
}

fn draw_xid(
    state: &AccountState,
    drawn: &HashSet<String>,
    rng: &mut dyn RngCore,
) -> DomainResult<String> {
    for _ in 0..MAX_DRAWS {
        let xid = random_text(rng, XID_LEN);
        if !state.links_by_xid.contains_key(&xid) && !drawn.contains(&xid) {
            return Ok(xid);
        }
    }
    Err(DomainError::CodeSpaceExhausted)
}

/// `len` random letters and digits, each equally likely.
fn random_text(rng: &mut dyn RngCore, len: usize) -> String {
    let mut text = String::with_capacity(len);
    while text.len() < len {
        // 248 = 4 * 62: rejecting bytes above it keeps every character equally likely.
        let byte = (rng.next_u32() & 0xff) as u8;
        if byte < 248 {
            text.push(char::from(XID_ALPHABET[usize::from(byte % 62)]));
        }
    }
    text
}

/// Changes the settings of the link of `offer_id` to `channel_id`: a key is drawn when key
/// security is first chosen; an SMS keyword needs a channel that allows them and must be the
/// account's only link with it. Nothing is recorded when nothing changes.
pub(super) fn configure_link(
    state: &AccountState,
    offer_id: OfferId,
    channel_id: ChannelId,
    fields: &LinkSettingsFields,
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    let key = (offer_id, channel_id);
    let link = existing(&state.offer_channels, &key, "Offer channel")?;
    let mut settings = link.settings.clone();
    if let Some(security) = fields.security {
        settings.security = security;
        if security == LinkSecurity::Key && settings.security_key.is_none() {
            settings.security_key = Some(random_text(context.rng, SECURITY_KEY_LEN));
        }
    }
    if let Some(keyword) = &fields.sms_keyword {
        settings.sms_keyword = sms_keyword(keyword)?;
        if let Some(keyword) = &settings.sms_keyword {
            check_sms_keyword(state, key, keyword)?;
        }
    }
    settings.allow_return_later = fields
        .allow_return_later
        .unwrap_or(settings.allow_return_later);
    if settings == link.settings {
        return Ok(Vec::new());
    }
    Ok(vec![EventKind::OfferChannelConfigured(
        OfferChannelConfigured {
            offer_id,
            channel_id,
            settings,
        },
    )])
}

/// An SMS keyword for link `key`: its channel must allow them, and no other link may have it.
fn check_sms_keyword(
    state: &AccountState,
    key: (OfferId, ChannelId),
    keyword: &str,
) -> DomainResult<()> {
    let channel = existing(&state.channels, &key.1, "Channel")?;
    if !channel.allow_sms_keyword {
        return Err(DomainError::Invalid {
            field: "Sms keyword",
            reason: "is not allowed on this channel".into(),
        });
    }
    let taken = state.offer_channels.iter().any(|(other, link)| {
        *other != key && link.settings.sms_keyword.as_deref() == Some(keyword)
    });
    if taken {
        return Err(DomainError::Invalid {
            field: "Sms keyword",
            reason: "is taken by another offer".into(),
        });
    }
    Ok(())
}

pub(super) fn unlink(
    state: &AccountState,
    offer_id: OfferId,
    channel_ids: &[ChannelId],
) -> DomainResult<Vec<EventKind>> {
    existing(&state.offers, &offer_id, "Offer")?;
    let mut seen = HashSet::new();
    Ok(channel_ids
        .iter()
        .filter(|channel| state.offer_channels.contains_key(&(offer_id, **channel)))
        .filter(|channel| seen.insert(**channel))
        .map(|channel_id| {
            EventKind::OfferChannelUnlinked(OfferChannelRef {
                offer_id,
                channel_id: *channel_id,
            })
        })
        .collect())
}

pub(super) fn set_cap(
    state: &AccountState,
    offer_id: OfferId,
    channel_id: ChannelId,
    max_redemptions: Option<u32>,
) -> DomainResult<Vec<EventKind>> {
    existing(
        &state.offer_channels,
        &(offer_id, channel_id),
        "Offer channel",
    )?;
    Ok(vec![EventKind::OfferChannelCapSet(OfferChannelCapSet {
        offer_id,
        channel_id,
        max_redemptions: positive("Max redemptions", max_redemptions)?,
    })])
}
