//! Sealing the personal text of an event about to be written, and opening it in events read
//! back. Each sealing draws a fresh key (events with personal text are rare: a member's
//! creation and updates), so the writer never has to look a key up; an erasure destroys every
//! key of the member.

use crate::cipher::{open, seal, sealed_key, KeyRef, KeyRow, MemberKey};
use crate::error::{KeyStoreError, SealError};
use crate::store::KeyStore;
use domain::ids::{AccountId, MemberId};
use domain::privacy::{carries_sealed_texts, sealed_texts_mut, SEALED_PREFIX};
use domain::Event;
use rand_core::RngCore;
use std::collections::{BTreeMap, HashMap};

/// Seals every text of `texts` in place under one new key of member `member_id` of
/// `account_id`, drawn from `rng`; answers the key, to be stored durably before the texts are
/// written anywhere.
pub fn seal_texts(
    account_id: AccountId,
    member_id: MemberId,
    texts: &mut [&mut String],
    rng: &mut dyn RngCore,
) -> Result<KeyRow, SealError> {
    let mut key = [0u8; 32];
    rng.fill_bytes(&mut key);
    let at = KeyRef {
        account_id,
        member_id,
        key_id: rng.next_u64() >> 1,
    };
    let key = MemberKey::from_bytes(key);
    for text in texts.iter_mut() {
        let mut nonce = [0u8; 12];
        rng.fill_bytes(&mut nonce);
        **text = seal(&key, at, nonce, text)?;
    }
    Ok(KeyRow { at, key })
}

/// The copy of `event` to write, with every text it must not hold in the clear sealed
/// (`domain::privacy::sealed_texts_mut`) under a new key per owner drawn from `rng`, and those
/// keys (to be stored durably before the copy is written); `None` when there is nothing to
/// seal.
pub fn seal_event(
    event: &Event,
    account_id: AccountId,
    rng: &mut dyn RngCore,
) -> Result<Option<(Event, Vec<KeyRow>)>, SealError> {
    if !carries_sealed_texts(&event.kind) {
        return Ok(None);
    }
    let mut sealed = event.clone();
    let mut by_owner: BTreeMap<MemberId, Vec<&mut String>> = BTreeMap::new();
    for (owner, text) in sealed_texts_mut(&mut sealed.kind) {
        if !text.is_empty() && !text.starts_with(SEALED_PREFIX) {
            by_owner.entry(owner).or_default().push(text);
        }
    }
    if by_owner.is_empty() {
        return Ok(None);
    }
    let mut keys = Vec::with_capacity(by_owner.len());
    for (owner, mut texts) in by_owner {
        keys.push(seal_texts(account_id, owner, &mut texts, rng)?);
    }
    Ok(Some((sealed, keys)))
}

/// What opening a set of texts did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Opened {
    /// Texts opened.
    pub opened: usize,
    /// Sealed texts whose key is gone (an erased or deleted member): left sealed.
    pub unreadable: usize,
}

/// Opens, in place, the sealed texts of `events` (each with its account); see [`open_texts`].
pub async fn open_events<'a>(
    store: &dyn KeyStore,
    events: impl IntoIterator<Item = (AccountId, &'a mut Event)>,
) -> Result<Opened, KeyStoreError> {
    let mut texts: Vec<(AccountId, MemberId, &'a mut String)> = Vec::new();
    for (account_id, event) in events {
        for (owner, text) in sealed_texts_mut(&mut event.kind) {
            texts.push((account_id, owner, text));
        }
    }
    open_texts(store, texts).await
}

/// Opens, in place, those of `texts` (each with its account and member) that are sealed, with
/// keys fetched from `store` in one call; other texts are left as they are. A text whose key
/// is destroyed stays sealed: the sealed text names no one, and is unique, so it can still
/// serve as an index key until the erasure that follows it in the log removes the member.
pub async fn open_texts<'a>(
    store: &dyn KeyStore,
    texts: impl IntoIterator<Item = (AccountId, MemberId, &'a mut String)>,
) -> Result<Opened, KeyStoreError> {
    let mut sealed: Vec<(KeyRef, &'a mut String)> = Vec::new();
    for (account_id, member_id, text) in texts {
        if let Some(key_id) = sealed_key(text) {
            let at = KeyRef {
                account_id,
                member_id,
                key_id,
            };
            sealed.push((at, text));
        }
    }
    let mut outcome = Opened::default();
    if sealed.is_empty() {
        return Ok(outcome);
    }
    let wanted: Vec<KeyRef> = sealed.iter().map(|(at, _)| *at).collect();
    let keys: HashMap<KeyRef, MemberKey> = store
        .get(&wanted)
        .await?
        .into_iter()
        .map(|row| (row.at, row.key))
        .collect();
    for (at, text) in sealed {
        match keys.get(&at).map(|key| open(key, at, text)) {
            Some(Ok(opened)) => {
                *text = opened;
                outcome.opened += 1;
            }
            Some(Err(error)) => {
                tracing::warn!(account = at.account_id.0, member = at.member_id.0, %error,
                    "a sealed text does not open with its key");
                outcome.unreadable += 1;
            }
            None => outcome.unreadable += 1,
        }
    }
    Ok(outcome)
}
