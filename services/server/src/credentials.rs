//! [`Credentials`]: a new account with an admin API key, created through the engine, and
//! the file a first start keeps them in.

use crate::files::write_private;
use crate::keys::failure;
use anyhow::Context as _;
use api::auth::keys;
use api::AppState;
use domain::account::{AccountFields, Role};
use domain::ids::AccountId;
use domain::Command;
use std::fmt;
use std::path::Path;

/// The file in the data folder holding the first start's credentials (mode 0600).
pub const CREDENTIALS_FILE: &str = "admin_credentials";

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
    /// Creates account `account` named `name` and an admin API key for it
    /// (`account-<id>-admin`); only the key's hash reaches the engine.
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
            .map_err(failure)
            .with_context(|| format!("creating account {}", account.0))?;
        let identity = format!("account-{}-admin", account.0);
        let issued = keys::issue(state, account, Some(&identity), vec![Role::Admin])
            .await
            .map_err(failure)
            .context("issuing a key: the account exists but has no key")?;
        Ok(Self {
            account,
            identity,
            key: issued.key,
        })
    }

    /// Keeps them in `<data_dir>/admin_credentials`, readable by the owner only.
    pub fn save(&self, data_dir: &Path) -> anyhow::Result<()> {
        write_private(&data_dir.join(CREDENTIALS_FILE), &format!("{self}\n"))
            .context("keeping the first credentials")
    }
}
