//! [`Credentials`]: a new account with an admin API key, created through the engine.

use crate::secret::random_bytes;
use anyhow::Context as _;
use api::{hash_key, AppState};
use domain::account::{AccountFields, Role};
use domain::ids::AccountId;
use domain::Command;
use std::fmt;

/// An account's first API key. `Display` prints the key: show it once, never log it.
pub struct Credentials {
    /// The account.
    pub account: AccountId,
    /// The key's public identity.
    pub identity: String,
    /// The key itself (32 random bytes, hex).
    pub key: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("account", &self.account.0)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "=== API credentials (shown once; keep the key) ===")?;
        writeln!(f, "account:  {}", self.account.0)?;
        writeln!(f, "identity: {}", self.identity)?;
        writeln!(f, "key:      {}", self.key)?;
        write!(f, "===================================================")
    }
}

impl Credentials {
    /// Creates account `account` named `name` and an admin API key for it; only the key's
    /// hash reaches the engine.
    pub async fn create(state: &AppState, account: AccountId, name: &str) -> anyhow::Result<Self> {
        let fields = AccountFields {
            name: Some(name.to_owned()),
            ..AccountFields::default()
        };
        state
            .execute(
                account,
                Command::CreateAccount {
                    account_id: account,
                    fields,
                },
                None,
                None,
            )
            .await
            .map_err(|error| anyhow::anyhow!("creating account {}: {error}", account.0))?;
        let identity = format!("account-{}-admin", account.0);
        let key = hex::encode(random_bytes()?);
        state
            .execute(
                account,
                Command::IssueApiKey {
                    identity: identity.clone(),
                    key_hash: hash_key(&key),
                    roles: vec![Role::Admin],
                },
                None,
                None,
            )
            .await
            .map_err(|error| anyhow::anyhow!("issuing a key: {error}"))
            .context("the account exists but has no key")?;
        Ok(Self {
            account,
            identity,
            key,
        })
    }
}
