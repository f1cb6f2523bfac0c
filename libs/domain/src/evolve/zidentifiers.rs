//! Applying zidentifiers: the entity by zid and the index by link move together.

use crate::event::ZidentifierEvent;
use crate::state::AccountState;

pub(super) fn apply(state: &mut AccountState, event: ZidentifierEvent) {
    match event {
        ZidentifierEvent::Issued(issued) => {
            state.last_id = state.last_id.max(issued.id.0);
            let link = (issued.member_id, issued.offer_id, issued.channel_id);
            state.zids_by_link.insert(link, issued.zid.clone());
            state.zidentifiers.insert(issued.zid.clone(), issued);
        }
    }
}
