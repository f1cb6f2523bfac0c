//! Redemption limits: whether one more application of an offer fits, counting committed
//! redemptions and live reservations, less reservations that have lapsed but not yet been
//! expired by an event, plus what the same request already takes.

use super::usage::Counts;
use super::OfferApplication;
use crate::error::LimitKind;
use crate::offer::Offer;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

/// The applications of reservations lapsed at `now` (they hold no capacity any more).
pub fn lapsed_applications(state: &AccountState, now: DateTime<Utc>) -> Vec<&OfferApplication> {
    state
        .lapsed_reservations(now)
        .flat_map(|reservation| reservation.applications.iter())
        .collect()
}

/// The capacity already used in the dimensions of `probe`.
pub fn used(
    state: &AccountState,
    probe: &OfferApplication,
    lapsed: &[&OfferApplication],
    pending: &[OfferApplication],
) -> Counts {
    let released = lapsed.iter().fold(Counts::default(), |sum, other| {
        sum.plus(Counts::shared(probe, other))
    });
    let taken = pending.iter().fold(Counts::default(), |sum, other| {
        sum.plus(Counts::shared(probe, other))
    });
    state.usage.counts(probe).minus(released).plus(taken)
}

/// The first limit of `offer` (and the channel cap) that one more application would exceed.
pub fn reached(offer: &Offer, channel_cap: Option<u32>, used: Counts) -> Option<LimitKind> {
    let limits = &offer.limits;
    let full = |max: Option<u32>, count: u32| max.is_some_and(|max| count >= max);
    if full(limits.max_redemptions, used.total) {
        Some(LimitKind::Total)
    } else if full(limits.max_redemptions_per_member, used.per_member) {
        Some(LimitKind::PerMember)
    } else if full(
        limits.max_redemptions_per_member_per_day,
        used.per_member_day,
    ) {
        Some(LimitKind::PerMemberPerDay)
    } else if full(channel_cap, used.per_channel) {
        Some(LimitKind::PerChannel)
    } else {
        None
    }
}
