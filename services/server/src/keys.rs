//! `server keys ...`: an operator's management of an account's API keys with the services
//! stopped (it opens the stack and claims every partition, like `create-account`), through
//! the same operations as the `/v1.0/api_keys` routes ([`api::auth::keys`]).

use crate::app::with_stack;
use crate::credentials::Credentials;
use crate::settings::Settings;
use crate::startup::Stack;
use api::auth::keys::{self, role_name, IssuedKey, KeyView};
use api::ApiError;
use domain::account::Role;
use domain::ids::{AccountId, ApiKeyId};
use domain::time::format_timestamp;
use std::fmt::Write as _;

/// What to do to an account's keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Issue a key with these roles, under this identity or a generated one.
    Issue {
        /// Its roles.
        roles: Vec<Role>,
        /// Its identity; generated when absent.
        identity: Option<String>,
    },
    /// List the keys.
    List,
    /// Draw a new secret, the previous one accepted for `grace_seconds`.
    Rotate {
        /// The key.
        id: ApiKeyId,
        /// Seconds the previous secret stays accepted.
        grace_seconds: u32,
    },
    /// Revoke a key at once.
    Revoke {
        /// The key.
        id: ApiKeyId,
    },
}

/// Runs `action` on the keys of `account` and answers what to print.
pub async fn manage(
    settings: Settings,
    account: AccountId,
    action: KeyAction,
) -> anyhow::Result<String> {
    with_stack(&settings, |stack| Box::pin(run(stack, account, action))).await
}

async fn run(stack: &Stack, account: AccountId, action: KeyAction) -> anyhow::Result<String> {
    if !stack.account_exists(account).await? {
        anyhow::bail!("the event log holds no account {}", account.0);
    }
    let state = stack.state();
    let printed = match action {
        KeyAction::Issue { roles, identity } => {
            let issued = keys::issue(state, account, identity.as_deref(), roles).await;
            secret_shown(account, &issued.map_err(failure)?)
        }
        KeyAction::List => {
            let listed = keys::list(state, account).await.map_err(failure)?;
            listed.iter().map(line).collect::<Vec<_>>().join("\n")
        }
        KeyAction::Rotate { id, grace_seconds } => {
            let rotated = keys::rotate(state, account, id, grace_seconds).await;
            secret_shown(account, &rotated.map_err(failure)?)
        }
        KeyAction::Revoke { id } => line(&keys::revoke(state, account, id).await.map_err(failure)?),
    };
    Ok(printed)
}

/// An API refusal as the operator reads it: the client's message, or the cause of an
/// internal failure (which a client would not be shown).
pub(crate) fn failure(error: ApiError) -> anyhow::Error {
    match error {
        ApiError::Internal(cause) | ApiError::LogUnavailable(cause) => anyhow::anyhow!(cause),
        other => anyhow::anyhow!(other.to_string()),
    }
}

/// One key on one line: id, identity, roles, status and its dates.
fn line(key: &KeyView) -> String {
    let roles: Vec<&str> = key.roles.iter().map(|role| role_name(*role)).collect();
    let mut line = format!(
        "id={} identity={} roles={} status={} created_at={}",
        key.id.0,
        key.identity,
        roles.join(","),
        key.status.name(),
        format_timestamp(&key.created_at)
    );
    if let Some(until) = key.grace_ends_at {
        let _ = write!(line, " grace_ends_at={}", format_timestamp(&until));
    }
    if let Some(at) = key.revoked_at {
        let _ = write!(line, " revoked_at={}", format_timestamp(&at));
    }
    line
}

/// A key with its new secret, in the shape the first start prints, then its line.
fn secret_shown(account: AccountId, issued: &IssuedKey) -> String {
    let credentials = Credentials {
        account,
        identity: issued.view.identity.clone(),
        key: issued.key.clone(),
    };
    format!("{credentials}\n{}", line(&issued.view))
}
