//! [`Views`]: the state of every account of a partition as of the last durable batch,
//! published by the actor and read on any thread without a lock or a trip to the actor, so
//! dry runs, eligibility, token checks and every other live read cost a map lookup and never
//! queue behind the partition's commands.
//!
//! The actor publishes the accounts a batch changed once the batch is durable and before it
//! answers any request of it (so a read after an acknowledged write sees the write), and every
//! account after a rebuild; so a view never shows an event the log does not hold. Publishing
//! clones an account's state, which costs reference counts: its collections are persistent
//! (see `domain::persistent`) and share everything with the state the actor goes on changing.

use arc_swap::ArcSwap;
use domain::ids::AccountId;
use domain::AccountState;
use std::collections::HashMap;
use std::sync::Arc;

/// The published accounts of one partition.
type Published = imbl::HashMap<AccountId, Arc<AccountState>>;

/// The accounts' states as of the last durable batch.
pub(super) struct Views {
    published: ArcSwap<Published>,
    empty: Arc<AccountState>,
}

impl Default for Views {
    fn default() -> Self {
        Self {
            published: ArcSwap::from_pointee(Published::default()),
            empty: Arc::new(AccountState::default()),
        }
    }
}

impl Views {
    /// The state of `account_id` as of the last durable batch: the empty state (before the
    /// account exists) when the partition holds no such account.
    pub(super) fn get(&self, account_id: AccountId) -> Arc<AccountState> {
        self.published
            .load()
            .get(&account_id)
            .map_or_else(|| Arc::clone(&self.empty), Arc::clone)
    }

    /// Replaces what is published with `accounts` (after a rebuild).
    pub(super) fn publish_all(&self, accounts: &HashMap<AccountId, AccountState>) {
        let published = accounts
            .iter()
            .map(|(account_id, state)| (*account_id, Arc::new(state.clone())))
            .collect();
        self.published.store(Arc::new(published));
    }

    /// Publishes the current states of `changed` (after a durable batch changed them). Only
    /// the actor publishes, so nothing published in between is lost.
    pub(super) fn publish(
        &self,
        changed: &[AccountId],
        accounts: &HashMap<AccountId, AccountState>,
    ) {
        if changed.is_empty() {
            return;
        }
        let mut published = Published::clone(&self.published.load());
        for account_id in changed {
            if let Some(state) = accounts.get(account_id) {
                published.insert(*account_id, Arc::new(state.clone()));
            }
        }
        self.published.store(Arc::new(published));
    }
}
