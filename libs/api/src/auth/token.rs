//! Tokens: `account.key_id.expires_at.signature`, the signature an HMAC-SHA256 of the rest
//! under the server's secret, so no token is stored and any server holding the secret can
//! check one.

use chrono::{DateTime, Duration, Utc};
use domain::ids::{AccountId, ApiKeyId};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::sync::Arc;

/// How long a token is valid.
pub const TOKEN_LIFETIME: Duration = Duration::hours(24);

/// What a valid token says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// The account it acts for.
    pub account_id: AccountId,
    /// The API key it was issued for.
    pub key_id: ApiKeyId,
    /// When it stops being valid.
    pub expires_at: DateTime<Utc>,
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
    /// A secret from its bytes.
    pub fn new(bytes: impl Into<Arc<[u8]>>) -> Self {
        Self(bytes.into())
    }

    fn mac(&self, message: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(message.as_bytes());
        mac
    }

    /// A token for `token`'s account and key, valid until its `expires_at`.
    pub fn sign(&self, token: Token) -> String {
        let message = format!(
            "{}.{}.{}",
            token.account_id.0,
            token.key_id.0,
            token.expires_at.timestamp()
        );
        let signature = hex::encode(self.mac(&message).finalize().into_bytes());
        format!("{message}.{signature}")
    }

    /// What `text` says, when it is a token signed with this secret and not expired at `now`.
    pub fn verify(&self, text: &str, now: DateTime<Utc>) -> Option<Token> {
        let (message, signature) = text.rsplit_once('.')?;
        let signature = hex::decode(signature).ok()?;
        self.mac(message).verify_slice(&signature).ok()?;
        let mut parts = message.split('.');
        let account = parts.next()?.parse().ok()?;
        let key = parts.next()?.parse().ok()?;
        let expires = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        let expires_at = DateTime::from_timestamp(expires, 0)?;
        (now < expires_at).then_some(Token {
            account_id: AccountId(account),
            key_id: ApiKeyId(key),
            expires_at,
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
        }
    }

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let secret = TokenSecret::new(b"secret".to_vec());
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let expires_at = DateTime::from_timestamp(now.timestamp() + 60, 0).unwrap_or(now);
        let text = secret.sign(token(expires_at));
        assert_eq!(secret.verify(&text, now), Some(token(expires_at)));
        assert_eq!(secret.verify(&text, expires_at), None);
    }

    #[test]
    fn a_changed_or_foreign_token_does_not_verify() {
        let secret = TokenSecret::new(b"secret".to_vec());
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let text = secret.sign(token(now + TOKEN_LIFETIME));
        let forged = text.replacen("7.", "8.", 1);
        assert_eq!(secret.verify(&forged, now), None);
        assert_eq!(TokenSecret::new(b"other".to_vec()).verify(&text, now), None);
        assert_eq!(secret.verify("garbage", now), None);
    }
}
