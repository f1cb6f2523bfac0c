//! What the API asks of live state about erasures.

use crate::ids::MemberId;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

/// When member `member` is to be erased, if its erasure was asked for and is pending.
pub fn erasure_due(state: &AccountState, member: MemberId) -> Option<DateTime<Utc>> {
    state
        .erasures_due
        .iter()
        .find(|(_, pending)| *pending == member)
        .map(|(at, _)| *at)
}
