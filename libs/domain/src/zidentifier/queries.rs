//! What the API asks of zidentifiers in live state.

use super::Zidentifier;
use crate::credential::code::normalize;
use crate::ids::{ChannelId, MemberId, OfferId};
use crate::state::AccountState;

/// The zidentifier `zid` (as typed: case and surrounding spaces do not matter).
pub fn by_zid<'s>(state: &'s AccountState, zid: &str) -> Option<&'s Zidentifier> {
    state.zidentifiers.get(&normalize(zid))
}

/// The zidentifier of `member` for `offer` on `channel`, if one was issued.
pub fn of_link(
    state: &AccountState,
    member: MemberId,
    offer: OfferId,
    channel: ChannelId,
) -> Option<&Zidentifier> {
    let zid = state.zids_by_link.get(&(member, offer, channel))?;
    state.zidentifiers.get(zid)
}
