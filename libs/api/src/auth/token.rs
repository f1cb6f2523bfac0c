//! Tokens: `account.key_id.expires_at.binding.signature`, the signature an HMAC-SHA256 of the
//! rest under the server's secret, so no token is stored and any server holding the secret can
//! check one. The binding names which secret of the key obtained the token ([`KeyBinding`]):
//! a token works while that secret would still be accepted, so a token obtained with a secret
//! rotated away stops when the rotation's grace period ends, like the secret itself.
//!
//! A token never lasts longer than [`TOKEN_LIFETIME`]: one whose expiry lies further ahead
//! than that (plus [`CLOCK_SKEW`]) is refused even when its signature is right, so a leaked
//! secret cannot mint tokens for years.

use chrono::{DateTime, Duration, Utc};
use domain::ids::{AccountId, ApiKeyId};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How long a token is valid.
pub const TOKEN_LIFETIME: Duration = Duration::hours(24);
/// How much further than [`TOKEN_LIFETIME`] ahead a token's expiry may lie: servers sharing
/// a secret may have clocks a little apart.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// The shortest token secret a server starts with, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
/// What the example manifests (`k8s/config.yaml`) hold where the secret goes; any secret
/// containing it is a placeholder left in place.
const PLACEHOLDER: &str = "change-me";

/// What a valid token says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// The account it acts for.
    pub account_id: AccountId,
    /// The API key it was issued for.
    pub key_id: ApiKeyId,
    /// When it stops being valid.
    pub expires_at: DateTime<Utc>,
    /// Which of the key's secrets obtained it.
    pub binding: KeyBinding,
}

/// Which secret of an API key obtained a token: 8 bytes of SHA-256 over a label and the
/// secret's stored hash, so a token tells the key's current and previous secrets apart
/// without carrying either hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyBinding([u8; 8]);

impl KeyBinding {
    /// The binding of the secret whose stored hash is `key_hash` (see [`super::hash_key`]).
    pub fn of(key_hash: &str) -> Self {
        let digest = Sha256::new()
            .chain_update(b"promo token binding\0")
            .chain_update(key_hash.as_bytes())
            .finalize();
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&digest[..8]);
        Self(bytes)
    }

    fn parse(text: &str) -> Option<Self> {
        let mut bytes = [0; 8];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }
}

/// The secrets of an API key as a token check needs them: the key the engine publishes, or
/// its row in the read model.
pub trait KeySecrets {
    /// The stored hashes of its current secret and of the one the last rotation replaced.
    fn hashes(&self) -> [Option<&str>; 2];
    /// Whether the secret with hash `key_hash` authenticates the key at `now` (not revoked;
    /// the current one, or the previous one within its grace period).
    fn accepts(&self, key_hash: &str, now: DateTime<Utc>) -> bool;
}

impl KeySecrets for domain::account::ApiKey {
    fn hashes(&self) -> [Option<&str>; 2] {
        [Some(&self.key_hash), self.previous_key_hash.as_deref()]
    }

    fn accepts(&self, key_hash: &str, now: DateTime<Utc>) -> bool {
        domain::account::ApiKey::accepts(self, key_hash, now)
    }
}

impl KeySecrets for projections::ApiKeyRow {
    fn hashes(&self) -> [Option<&str>; 2] {
        [Some(&self.key_hash), self.previous_key_hash.as_deref()]
    }

    fn accepts(&self, key_hash: &str, now: DateTime<Utc>) -> bool {
        projections::ApiKeyRow::accepts(self, key_hash, now)
    }
}

impl Token {
    /// Whether `key` (the key the token names) still accepts the secret that obtained the
    /// token at `now`: it is not revoked, and the secret is its current one, or the previous
    /// one within the grace period of the rotation that replaced it.
    pub fn accepted_by(&self, key: &impl KeySecrets, now: DateTime<Utc>) -> bool {
        key.hashes()
            .into_iter()
            .flatten()
            .any(|hash| KeyBinding::of(hash) == self.binding && key.accepts(hash, now))
    }
}

/// Why a configured token secret is refused.
#[derive(Debug, thiserror::Error)]
pub enum WeakSecret {
    /// Too short to resist guessing.
    #[error(
        "the token secret is {0} bytes long; it needs at least {MIN_SECRET_BYTES} \
         (for example `openssl rand -hex 32`)"
    )]
    TooShort(usize),
    /// The example manifests' placeholder, never replaced.
    #[error(
        "the token secret is the placeholder of the example manifests; set a random one \
         (for example `openssl rand -hex 32`)"
    )]
    Placeholder,
}

/// The secret tokens are signed with. Its bytes are never printed.
#[derive(Clone)]
pub struct TokenSecret(Arc<[u8]>);

impl std::fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSecret(..)")
    }
}

impl TokenSecret {
    /// A secret from its bytes, whatever their length (tests); servers use
    /// [`TokenSecret::strong`].
    pub fn new(bytes: impl Into<Arc<[u8]>>) -> Self {
        Self(bytes.into())
    }

    /// A secret a server may sign with: at least [`MIN_SECRET_BYTES`] bytes, and not the
    /// example manifests' placeholder.
    pub fn strong(bytes: impl Into<Arc<[u8]>>) -> Result<Self, WeakSecret> {
        let bytes: Arc<[u8]> = bytes.into();
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        if text.contains(PLACEHOLDER) {
            return Err(WeakSecret::Placeholder);
        }
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(WeakSecret::TooShort(bytes.len()));
        }
        Ok(Self(bytes))
    }

    fn mac(&self, message: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(message.as_bytes());
        mac
    }

    /// The HMAC of `message` under this secret, in hex: how instances sharing the secret
    /// vouch for what they tell each other (see `crate::cluster`).
    pub(crate) fn tag(&self, message: &str) -> String {
        hex::encode(self.mac(message).finalize().into_bytes())
    }

    /// Whether `tag` is [`TokenSecret::tag`] of `message` (compared in constant time).
    pub(crate) fn has_tag(&self, message: &str, tag: &str) -> bool {
        hex::decode(tag).is_ok_and(|tag| self.mac(message).verify_slice(&tag).is_ok())
    }

    /// A token for `token`'s account, key and binding, valid until its `expires_at`.
    pub fn sign(&self, token: Token) -> String {
        let message = format!(
            "{}.{}.{}.{}",
            token.account_id.0,
            token.key_id.0,
            token.expires_at.timestamp(),
            hex::encode(token.binding.0)
        );
        let signature = hex::encode(self.mac(&message).finalize().into_bytes());
        format!("{message}.{signature}")
    }

    /// What `text` says, when it is a token signed with this secret, not expired at `now`,
    /// and not meant to last past `now` + [`TOKEN_LIFETIME`] + [`CLOCK_SKEW`].
    pub fn verify(&self, text: &str, now: DateTime<Utc>) -> Option<Token> {
        let (message, signature) = text.rsplit_once('.')?;
        let signature = hex::decode(signature).ok()?;
        self.mac(message).verify_slice(&signature).ok()?;
        let mut parts = message.split('.');
        let account = parts.next()?.parse().ok()?;
        let key = parts.next()?.parse().ok()?;
        let expires = parts.next()?.parse().ok()?;
        let binding = KeyBinding::parse(parts.next()?)?;
        if parts.next().is_some() {
            return None;
        }
        let expires_at = DateTime::from_timestamp(expires, 0)?;
        let latest = now + TOKEN_LIFETIME + CLOCK_SKEW;
        (now < expires_at && expires_at <= latest).then_some(Token {
            account_id: AccountId(account),
            key_id: ApiKeyId(key),
            expires_at,
            binding,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires_at: DateTime<Utc>) -> Token {
        Token {
            account_id: AccountId(7),
            key_id: ApiKeyId(3),
            expires_at,
            binding: KeyBinding::of("hash"),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let secret = TokenSecret::new(b"secret".to_vec());
        let expires_at = now() + Duration::seconds(60);
        let text = secret.sign(token(expires_at));
        assert_eq!(secret.verify(&text, now()), Some(token(expires_at)));
        assert_eq!(secret.verify(&text, expires_at), None);
    }

    #[test]
    fn a_changed_or_foreign_token_does_not_verify() {
        let secret = TokenSecret::new(b"secret".to_vec());
        let text = secret.sign(token(now() + TOKEN_LIFETIME));
        let forged = text.replacen("7.", "8.", 1);
        assert_eq!(secret.verify(&forged, now()), None);
        assert_eq!(
            TokenSecret::new(b"other".to_vec()).verify(&text, now()),
            None
        );
        assert_eq!(secret.verify("garbage", now()), None);
    }

    #[test]
    fn a_token_meant_to_last_past_the_lifetime_is_refused() {
        let secret = TokenSecret::new(b"secret".to_vec());
        let longest = secret.sign(token(now() + TOKEN_LIFETIME + CLOCK_SKEW));
        assert!(secret.verify(&longest, now()).is_some());
        let too_long = secret.sign(token(
            now() + TOKEN_LIFETIME + CLOCK_SKEW + Duration::seconds(1),
        ));
        assert_eq!(secret.verify(&too_long, now()), None);
        let two_days = secret.sign(token(now() + Duration::hours(48)));
        assert_eq!(secret.verify(&two_days, now()), None);
    }

    #[test]
    fn short_and_placeholder_secrets_are_refused() {
        assert!(matches!(
            TokenSecret::strong(b"short secret".to_vec()),
            Err(WeakSecret::TooShort(12))
        ));
        assert!(matches!(
            TokenSecret::strong(b"change-me-to-64-random-hex-characters".to_vec()),
            Err(WeakSecret::Placeholder)
        ));
        assert!(TokenSecret::strong([7u8; MIN_SECRET_BYTES].to_vec()).is_ok());
    }

    #[test]
    fn bindings_tell_secrets_apart() {
        assert_eq!(KeyBinding::of("a"), KeyBinding::of("a"));
        assert_ne!(KeyBinding::of("a"), KeyBinding::of("b"));
    }
}
