//! What the API asks of members' wallets in live state: a member's entries, an entry with its
//! offer and credential, lookups by credential code, and the status a client sees.

use super::OfferState;
use crate::credential::code::normalize;
use crate::credential::{Credential, CredentialStatus};
use crate::ids::{ChannelId, CredentialId, MemberId, OfferStateId};
use crate::offer::Offer;
use crate::state::AccountState;
use chrono::{DateTime, Utc};
use std::ops::Bound;

/// A wallet entry with what answers about it need.
#[derive(Clone, Copy, Debug)]
pub struct WalletEntry<'s> {
    /// The entry.
    pub offer_state: &'s OfferState,
    /// Its offer.
    pub offer: Option<&'s Offer>,
    /// Its credential.
    pub credential: Option<&'s Credential>,
}

impl WalletEntry<'_> {
    /// The status a client sees at `now`: `voided`, `redeemed`, `reversed`, `expired`,
    /// `pending` (before its activation) or `active`.
    pub fn status_at(&self, now: DateTime<Utc>) -> &'static str {
        let entry = self.offer_state;
        if entry.voided_at.is_some() {
            return "voided";
        }
        match self.credential.map(|credential| credential.status_at(now)) {
            Some(CredentialStatus::Redeemed) => return "redeemed",
            Some(CredentialStatus::Reversed) => return "reversed",
            Some(CredentialStatus::Voided) | None => return "voided",
            Some(CredentialStatus::Expired) => return "expired",
            Some(CredentialStatus::Open | CredentialStatus::Locked) => {}
        }
        let offer_ended = self
            .offer
            .is_none_or(|offer| offer.expires_at.is_some_and(|end| end <= now));
        if offer_ended || entry.expires_at.is_some_and(|end| end <= now) {
            "expired"
        } else if entry.activates_at.is_some_and(|start| now < start) {
            "pending"
        } else {
            "active"
        }
    }

    /// Whether a point-of-sale reservation holds its credential at `now`.
    pub fn is_locked_at(&self, now: DateTime<Utc>) -> bool {
        self.credential
            .is_some_and(|credential| credential.status_at(now) == CredentialStatus::Locked)
    }
}

/// Entry `id` with its offer and credential.
pub fn entry(state: &AccountState, id: OfferStateId) -> Option<WalletEntry<'_>> {
    state
        .offer_states
        .get(&id)
        .map(|offer_state| with_parts(state, offer_state))
}

/// Entry `id` when member `member` holds it.
pub fn entry_of(
    state: &AccountState,
    member: MemberId,
    id: OfferStateId,
) -> Option<WalletEntry<'_>> {
    entry(state, id).filter(|entry| entry.offer_state.member_id == member)
}

/// Member `member`'s entries, oldest first, on `channel` when given.
pub fn of_member(
    state: &AccountState,
    member: MemberId,
    channel: Option<ChannelId>,
) -> Vec<WalletEntry<'_>> {
    let range = (
        Bound::Included((member, OfferStateId(0))),
        Bound::Included((member, OfferStateId(u64::MAX))),
    );
    state
        .wallets
        .range(range)
        .filter_map(|(_, id)| entry(state, *id))
        .filter(|entry| channel.is_none_or(|channel| entry.offer_state.channel_id == channel))
        .collect()
}

/// Every entry of the account, oldest first.
pub fn all(state: &AccountState) -> Vec<WalletEntry<'_>> {
    let mut entries: Vec<WalletEntry<'_>> = state
        .offer_states
        .values()
        .map(|offer_state| with_parts(state, offer_state))
        .collect();
    entries.sort_unstable_by_key(|entry| entry.offer_state.id);
    entries
}

/// The entry redeemed by the credential holding `code` (as typed: case and surrounding spaces
/// do not matter), if that credential is a wallet's.
pub fn by_code<'s>(state: &'s AccountState, code: &str) -> Option<WalletEntry<'s>> {
    let credential = state.credential_ids_by_code.get(normalize(code).as_str())?;
    by_credential(state, *credential)
}

/// The entry redeemed by credential `credential`, if it is a wallet's.
pub fn by_credential(state: &AccountState, credential: CredentialId) -> Option<WalletEntry<'_>> {
    let id = state.offer_state_by_credential.get(&credential)?;
    entry(state, *id)
}

fn with_parts<'s>(state: &'s AccountState, offer_state: &'s OfferState) -> WalletEntry<'s> {
    WalletEntry {
        offer_state,
        offer: state.offers.get(&offer_state.offer_id),
        credential: state.credentials.get(&offer_state.credential_id),
    }
}
