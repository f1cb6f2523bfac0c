//! API key management, one implementation for the keys routes (`/v1.0/api_keys`) and the
//! operators' command line (`server keys ...`): issuing a key with a fresh secret, rotating
//! its secret with a grace period, revoking it, and an account's keys as [`KeyView`]s.
//!
//! A secret is 32 bytes from the operating system's random source, in hex; it is answered
//! once, by the issue or the rotation that drew it, and only its hash ([`super::hash_key`])
//! reaches the engine. Views never carry a secret nor its hash.

use super::hash_key;
use crate::http::ApiError;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use domain::account::{ApiKey, Role};
use domain::ids::{AccountId, ApiKeyId};
use domain::{Command, EventKind};
use rand_core::{OsError, OsRng, TryRngCore};
use schemars::JsonSchema;
use serde::Serialize;

/// The grace period of a rotation that names none: an hour.
pub const DEFAULT_GRACE_SECONDS: u32 = 3_600;
/// Longest identity accepted, in characters.
pub const MAX_IDENTITY: usize = 128;

/// Where a key stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// Its current secret is accepted.
    Active,
    /// Rotated: the previous secret (and the tokens it obtained) is still accepted until
    /// `grace_ends_at`, beside the current one.
    Rotated,
    /// Accepts nothing.
    Revoked,
}

impl KeyStatus {
    /// The status as the API writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Rotated => "rotated",
            Self::Revoked => "revoked",
        }
    }
}

/// An API key as its account's admins see it: never its secret nor the secret's hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct KeyView {
    /// Its id.
    pub id: ApiKeyId,
    /// The public half (`X-Auth-Identity`).
    pub identity: String,
    /// What it may do.
    pub roles: Vec<Role>,
    /// Where it stands now.
    pub status: KeyStatus,
    /// When it was issued.
    #[serde(with = "domain::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// While rotated: when the previous secret stops being accepted.
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub grace_ends_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl KeyView {
    /// How `key` stands at `now`.
    pub fn of(key: &ApiKey, now: DateTime<Utc>) -> Self {
        let in_grace = key.previous_valid_until.filter(|until| now < *until);
        let status = match (key.is_revoked(now), in_grace) {
            (true, _) => KeyStatus::Revoked,
            (false, Some(_)) => KeyStatus::Rotated,
            (false, None) => KeyStatus::Active,
        };
        Self {
            id: key.id,
            identity: key.identity.clone(),
            roles: key.roles.clone(),
            status,
            created_at: key.created_at,
            grace_ends_at: in_grace.filter(|_| status == KeyStatus::Rotated),
            revoked_at: key.revoked_at,
        }
    }
}

/// A key with the secret just drawn for it: answer it once, never log it.
#[derive(Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct IssuedKey {
    /// The key.
    #[serde(flatten)]
    pub view: KeyView,
    /// Its new secret (`X-Auth-Key`).
    pub key: String,
}

impl crate::http::Named for KeyView {
    const ONE: &'static str = "api_key";
    const MANY: &'static str = "api_keys";
}

impl crate::http::Named for IssuedKey {
    const ONE: &'static str = "api_key";
    const MANY: &'static str = "api_keys";
}

impl std::fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedKey")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

/// 32 bytes from the operating system's random source.
pub fn random_bytes() -> Result<[u8; 32], OsError> {
    let mut bytes = [0u8; 32];
    OsRng.try_fill_bytes(&mut bytes)?;
    Ok(bytes)
}

fn new_secret() -> Result<String, ApiError> {
    Ok(hex::encode(random_bytes().map_err(ApiError::internal)?))
}

/// A chosen identity, checked: 1 to [`MAX_IDENTITY`] characters among letters, digits and
/// `. _ - @ + :` (it travels in a header).
fn checked_identity(identity: &str) -> Result<String, ApiError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._-@+:".contains(c);
    if (1..=MAX_IDENTITY).contains(&identity.chars().count()) && identity.chars().all(allowed) {
        Ok(identity.to_owned())
    } else {
        Err(ApiError::BadRequest(format!(
            "Identity must be 1 to {MAX_IDENTITY} letters, digits or . _ - @ + :"
        )))
    }
}

/// An identity for a key issued without one: `account-<id>-<roles>-<8 random hex digits>`.
fn generated_identity(account: AccountId, roles: &[Role]) -> Result<String, ApiError> {
    let roles: Vec<&str> = roles.iter().map(|role| role_name(*role)).collect();
    let bytes = random_bytes().map_err(ApiError::internal)?;
    Ok(format!(
        "account-{}-{}-{}",
        account.0,
        roles.join("-"),
        hex::encode(&bytes[..4])
    ))
}

/// A role as the API writes it.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Issuer => "issuer",
        Role::Pos => "pos",
        Role::Reporting => "reporting",
    }
}

/// The role named `name` (as the API writes it).
pub fn parse_role(name: &str) -> Result<Role, ApiError> {
    [Role::Admin, Role::Issuer, Role::Pos, Role::Reporting]
        .into_iter()
        .find(|role| role_name(*role) == name)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "Role {name:?} is not one of admin, issuer, pos, reporting"
            ))
        })
}

/// Issues a key with `roles` to `account`, under `identity` or a generated one.
pub async fn issue(
    state: &AppState,
    account: AccountId,
    identity: Option<&str>,
    roles: Vec<Role>,
) -> Result<IssuedKey, ApiError> {
    let identity = match identity {
        Some(identity) => checked_identity(identity)?,
        None => generated_identity(account, &roles)?,
    };
    let key = new_secret()?;
    let command = Command::IssueApiKey {
        identity,
        key_hash: hash_key(&key),
        roles,
    };
    let events = state.execute(account, command, None, None).await?;
    let issued = events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::ApiKeyIssued(issued) => Some(issued),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("issuing a key recorded no key"))?;
    Ok(IssuedKey {
        view: KeyView::of(issued, state.now()),
        key,
    })
}

/// Draws a new secret for key `id` of `account`; the previous one (and the tokens it
/// obtained) stays accepted for `grace_seconds` (at most the domain's 7 days).
pub async fn rotate(
    state: &AppState,
    account: AccountId,
    id: ApiKeyId,
    grace_seconds: u32,
) -> Result<IssuedKey, ApiError> {
    let key = new_secret()?;
    let command = Command::RotateApiKey {
        api_key_id: id,
        key_hash: hash_key(&key),
        grace_seconds,
    };
    state.execute(account, command, None, None).await?;
    Ok(IssuedKey {
        view: get(state, account, id).await?,
        key,
    })
}

/// Revokes key `id` of `account` at once (revoking a revoked key changes nothing).
pub async fn revoke(
    state: &AppState,
    account: AccountId,
    id: ApiKeyId,
) -> Result<KeyView, ApiError> {
    let command = Command::RevokeApiKey { api_key_id: id };
    state.execute(account, command, None, None).await?;
    get(state, account, id).await
}

/// Every key of `account`, by id, as it stands now (read from the account's live state).
pub async fn list(state: &AppState, account: AccountId) -> Result<Vec<KeyView>, ApiError> {
    let keys = state.read(account, |live, _| {
        live.api_keys_by_id()
            .into_iter()
            .cloned()
            .collect::<Vec<ApiKey>>()
    })?;
    let now = state.now();
    Ok(keys.iter().map(|key| KeyView::of(key, now)).collect())
}

/// Key `id` of `account` as it stands now.
pub async fn get(state: &AppState, account: AccountId, id: ApiKeyId) -> Result<KeyView, ApiError> {
    let key = state
        .read(account, move |live, _| live.api_key(id).cloned())?
        .ok_or(ApiError::NotFound)?;
    Ok(KeyView::of(&key, state.now()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn key(now: DateTime<Utc>) -> ApiKey {
        ApiKey {
            id: ApiKeyId(4),
            identity: "till-1".into(),
            key_hash: "new".into(),
            roles: vec![Role::Pos],
            previous_key_hash: None,
            previous_valid_until: None,
            revoked_at: None,
            created_at: now,
        }
    }

    #[test]
    fn a_key_is_active_rotated_within_its_grace_then_active_or_revoked() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut rotated = key(now);
        assert_eq!(KeyView::of(&rotated, now).status, KeyStatus::Active);
        rotated.previous_key_hash = Some("old".into());
        rotated.previous_valid_until = Some(now + Duration::hours(1));
        let view = KeyView::of(&rotated, now);
        assert_eq!(view.status, KeyStatus::Rotated);
        assert_eq!(view.grace_ends_at, rotated.previous_valid_until);
        let later = KeyView::of(&rotated, now + Duration::hours(2));
        assert_eq!(
            (later.status, later.grace_ends_at),
            (KeyStatus::Active, None)
        );
        rotated.revoked_at = Some(now);
        let revoked = KeyView::of(&rotated, now);
        assert_eq!(
            (revoked.status, revoked.grace_ends_at),
            (KeyStatus::Revoked, None)
        );
    }

    #[test]
    fn identities_are_header_safe() {
        assert!(checked_identity("pos.store-9@acme").is_ok());
        for bad in [
            "",
            "with space",
            "new\nline",
            "é",
            &"x".repeat(MAX_IDENTITY + 1),
        ] {
            assert!(checked_identity(bad).is_err(), "{bad:?}");
        }
        let generated = generated_identity(AccountId(3), &[Role::Issuer, Role::Pos]);
        let generated = generated.unwrap_or_default();
        assert!(
            generated.starts_with("account-3-issuer-pos-"),
            "{generated}"
        );
        assert!(checked_identity(&generated).is_ok());
    }

    #[test]
    fn roles_parse_by_their_api_names() {
        for role in [Role::Admin, Role::Issuer, Role::Pos, Role::Reporting] {
            assert_eq!(parse_role(role_name(role)).ok(), Some(role));
        }
        assert!(parse_role("root").is_err());
    }
}
