//! Decisions on zidentifiers: one per (member, offer, channel), the offer linked to the
//! channel; a repeat changes nothing (the API answers the one issued).

use super::channel::MAX_DRAWS;
use crate::context::Context;
use crate::credential::code;
use crate::error::{DomainError, DomainResult};
use crate::event::EventKind;
use crate::ids::{ChannelId, MemberId, OfferId, ZidentifierId};
use crate::state::AccountState;
use crate::validate::existing;
use crate::zidentifier::{queries, Zidentifier};

pub(super) fn issue(
    state: &AccountState,
    member_id: MemberId,
    offer_id: OfferId,
    channel_id: Option<ChannelId>,
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.members, &member_id, "Member")?;
    existing(&state.offers, &offer_id, "Offer")?;
    let channel_id = channel_id
        .filter(|channel| state.channels.contains_key(channel))
        .ok_or(DomainError::ChannelRequired)?;
    if !state.offer_channels.contains_key(&(offer_id, channel_id)) {
        return Err(DomainError::OffersNotFound {
            ids: offer_id.to_string(),
        });
    }
    if queries::of_link(state, member_id, offer_id, channel_id).is_some() {
        return Ok(Vec::new());
    }
    let zid = (0..MAX_DRAWS)
        .map(|_| code::secure_code(context.rng))
        .find(|zid| !state.zidentifiers.contains_key(zid))
        .ok_or(DomainError::CodeSpaceExhausted)?;
    Ok(vec![EventKind::ZidentifierIssued(Zidentifier {
        id: ZidentifierId(state.next_id()),
        zid,
        member_id,
        offer_id,
        channel_id,
        created_at: context.now,
    })])
}
