//! What the API and the point of sale ask of check-ins in live state.

use super::CheckIns;
use crate::ids::{MemberId, OfferId, StoreId};
use crate::state::AccountState;
use chrono::{DateTime, Duration, Utc};

/// Member `member`'s check-ins at `store`, if any.
pub fn at_store(state: &AccountState, member: MemberId, store: StoreId) -> Option<CheckIns> {
    state.check_ins.get(&(member, store)).copied()
}

/// The minutes within which offer `offer` requires a check-in, if it does.
pub fn rule(state: &AccountState, offer: OfferId) -> Option<u32> {
    state.check_in_rules.get(&offer).copied()
}

/// Whether `member` satisfies offer `offer`'s check-in rule at `store` at `now`: the offer
/// has none, or the member checked in there within its minutes.
pub fn satisfied(
    state: &AccountState,
    offer: OfferId,
    member: MemberId,
    store: Option<StoreId>,
    now: DateTime<Utc>,
) -> bool {
    let Some(minutes) = rule(state, offer) else {
        return true;
    };
    let Some(store) = store else {
        return false;
    };
    at_store(state, member, store).is_some_and(|found| {
        found.last_at <= now && now - found.last_at <= Duration::minutes(i64::from(minutes))
    })
}

/// Member `member`'s check-ins at every store, by store (walks every check-in: for exports,
/// not hot paths).
pub fn of_member(state: &AccountState, member: MemberId) -> Vec<(StoreId, CheckIns)> {
    let mut found: Vec<(StoreId, CheckIns)> = state
        .check_ins
        .iter()
        .filter(|((who, _), _)| *who == member)
        .map(|((_, store), check_ins)| (*store, *check_ins))
        .collect();
    found.sort_unstable_by_key(|(store, _)| *store);
    found
}
