//! Decisions on members' erasure: a request voids the member's wallet at once and schedules
//! the erasure (the writer records `member_erased` once the grace has passed, see
//! `pos::expire_due`). A repeated request while one is pending records nothing.

use super::wallet;
use crate::command::MemberKey;
use crate::error::DomainResult;
use crate::event::{ErasureRequested, EventKind};
use crate::ids::MemberId;
use crate::privacy::{queries::erasure_due, ERASURE_GRACE};
use crate::state::AccountState;
use crate::validate::existing;
use crate::wallet::queries::of_member;
use chrono::{DateTime, Utc};

pub(super) fn request_erasure(
    state: &AccountState,
    member_id: MemberId,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.members, &member_id, "Member")?;
    if erasure_due(state, member_id).is_some() {
        return Ok(Vec::new());
    }
    let mut events = Vec::new();
    for entry in of_member(state, member_id, None) {
        if entry.offer_state.voided_at.is_some() {
            continue;
        }
        // An entry held by a point-of-sale reservation stays: the member is erased anyway.
        if let Ok(voided) =
            wallet::void(state, &MemberKey::Id(member_id), entry.offer_state.id, now)
        {
            events.extend(voided);
        }
    }
    events.push(EventKind::MemberErasureRequested(ErasureRequested {
        member_id,
        erase_at: now + ERASURE_GRACE,
    }));
    Ok(events)
}
