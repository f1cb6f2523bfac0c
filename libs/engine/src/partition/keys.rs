//! [`KeyDirectory`]: the API keys of a partition's accounts as of the last durable batch,
//! readable from any thread without a trip to the actor or the read model, so checking a
//! request's token costs a map lookup.
//!
//! The actor publishes an account's keys after every batch that changed them is durable, and
//! every account's after a rebuild, so the directory never shows a key (or a revocation) that
//! the log does not hold.

use domain::account::ApiKey;
use domain::ids::{AccountId, ApiKeyId};
use domain::{AccountState, Event, EventKind};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

/// One account's keys by id.
type AccountKeys = HashMap<ApiKeyId, Arc<ApiKey>>;

/// The published API keys of every account of one partition.
#[derive(Debug, Default)]
pub(super) struct KeyDirectory {
    accounts: RwLock<HashMap<AccountId, AccountKeys>>,
}

impl KeyDirectory {
    /// The key `key_id` of `account_id`, as of the last durable batch.
    pub(super) fn get(&self, account_id: AccountId, key_id: ApiKeyId) -> Option<Arc<ApiKey>> {
        self.accounts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&account_id)?
            .get(&key_id)
            .cloned()
    }

    /// Replaces what is published with the keys of `accounts` (after a rebuild).
    pub(super) fn publish_all<'a>(
        &self,
        accounts: impl IntoIterator<Item = (&'a AccountId, &'a AccountState)>,
    ) {
        let published = accounts
            .into_iter()
            .map(|(account_id, state)| (*account_id, keys_of(state)))
            .collect();
        *self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner) = published;
    }

    /// Publishes the current keys of `account_id` (after a durable batch changed them).
    pub(super) fn publish(&self, account_id: AccountId, state: &AccountState) {
        let keys = keys_of(state);
        self.accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(account_id, keys);
    }
}

fn keys_of(state: &AccountState) -> AccountKeys {
    state
        .api_keys
        .values()
        .map(|key| (key.id, Arc::new(key.clone())))
        .collect()
}

/// Whether `events` change an account's API keys.
pub(super) fn change_keys(events: &[Event]) -> bool {
    events.iter().any(|event| {
        matches!(
            event.kind,
            EventKind::ApiKeyIssued(_) | EventKind::ApiKeyRotated(_) | EventKind::ApiKeyRevoked(_)
        )
    })
}
