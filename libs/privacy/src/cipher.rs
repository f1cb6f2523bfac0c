//! One text sealed under one member key: `sealed:1:<key id, 16 hex>:<hex of nonce and
//! ciphertext>`. The account, the member and the key id are the cipher's associated data, so a
//! sealed text moved to another member or key does not open.

use crate::error::SealError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use domain::ids::{AccountId, MemberId};
use domain::privacy::SEALED_PREFIX;
use std::fmt;

/// Bytes of a key.
const KEY_BYTES: usize = 32;
/// Bytes of a nonce.
const NONCE_BYTES: usize = 12;
/// The sealed form's version, after the prefix.
const VERSION: &str = "1:";
/// What the associated data starts with.
const DOMAIN: &[u8] = b"promo/member-text/v1";

/// A member's key: 32 random bytes. Its `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct MemberKey([u8; KEY_BYTES]);

impl MemberKey {
    /// The key made of `bytes`.
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Self {
        Self(bytes)
    }

    /// The key as stored.
    pub fn as_bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }
}

impl fmt::Debug for MemberKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MemberKey(..)")
    }
}

/// Which key: its account, member and id (unique for the member).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyRef {
    /// The account.
    pub account_id: AccountId,
    /// The member it belongs to.
    pub member_id: MemberId,
    /// The key's id (below 2^63, so it fits the databases' integers).
    pub key_id: u64,
}

/// A key with where it belongs, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRow {
    /// Where it belongs.
    pub at: KeyRef,
    /// The key.
    pub key: MemberKey,
}

fn associated_data(at: KeyRef) -> Vec<u8> {
    let mut data = Vec::with_capacity(DOMAIN.len() + 24);
    data.extend_from_slice(DOMAIN);
    data.extend_from_slice(&at.account_id.0.to_be_bytes());
    data.extend_from_slice(&at.member_id.0.to_be_bytes());
    data.extend_from_slice(&at.key_id.to_be_bytes());
    data
}

/// `text` sealed under `key` (which sits at `at`) with `nonce` (never reused with one key:
/// the caller draws it at random).
pub fn seal(
    key: &MemberKey,
    at: KeyRef,
    nonce: [u8; NONCE_BYTES],
    text: &str,
) -> Result<String, SealError> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_bytes()));
    let aad = associated_data(at);
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: text.as_bytes(),
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Cipher)?;
    let mut body = Vec::with_capacity(NONCE_BYTES + sealed.len());
    body.extend_from_slice(&nonce);
    body.extend_from_slice(&sealed);
    Ok(format!(
        "{SEALED_PREFIX}{VERSION}{:016x}:{}",
        at.key_id,
        hex::encode(body)
    ))
}

/// The key id a sealed text names, and its sealed bytes; `None` for any other text.
fn parts(text: &str) -> Option<(u64, Vec<u8>)> {
    let rest = text.strip_prefix(SEALED_PREFIX)?.strip_prefix(VERSION)?;
    let (key_id, body) = rest.split_once(':')?;
    if key_id.len() != 16 {
        return None;
    }
    let key_id = u64::from_str_radix(key_id, 16).ok()?;
    let body = hex::decode(body).ok()?;
    (body.len() > NONCE_BYTES).then_some((key_id, body))
}

/// The id of the key `text` is sealed under, when it is a sealed text.
pub fn sealed_key(text: &str) -> Option<u64> {
    parts(text).map(|(key_id, _)| key_id)
}

/// The text `sealed` holds, opened with `key` (which sits at `at`).
pub fn open(key: &MemberKey, at: KeyRef, sealed: &str) -> Result<String, SealError> {
    let (key_id, body) = parts(sealed).ok_or(SealError::NotSealed)?;
    if key_id != at.key_id {
        return Err(SealError::Unauthentic);
    }
    let (nonce, ciphertext) = body.split_at(NONCE_BYTES);
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_bytes()));
    let aad = associated_data(at);
    let opened = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Unauthentic)?;
    String::from_utf8(opened).map_err(|_| SealError::Unauthentic)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(member: u64, key_id: u64) -> KeyRef {
        KeyRef {
            account_id: AccountId(3),
            member_id: MemberId(member),
            key_id,
        }
    }

    #[test]
    fn a_sealed_text_opens_with_its_key_only() {
        let key = MemberKey::from_bytes([7; 32]);
        let sealed = seal(&key, at(5, 9), [1; 12], "ann@example.com").unwrap();
        assert!(sealed.starts_with("sealed:1:0000000000000009:"), "{sealed}");
        assert!(!sealed.contains("ann"));
        assert_eq!(sealed_key(&sealed), Some(9));
        assert_eq!(open(&key, at(5, 9), &sealed).unwrap(), "ann@example.com");
        let other = MemberKey::from_bytes([8; 32]);
        assert_eq!(open(&other, at(5, 9), &sealed), Err(SealError::Unauthentic));
        assert_eq!(open(&key, at(6, 9), &sealed), Err(SealError::Unauthentic));
        assert_eq!(open(&key, at(5, 10), &sealed), Err(SealError::Unauthentic));
        let mut tampered = sealed.clone();
        let last = if tampered.ends_with('0') { "1" } else { "0" };
        tampered.replace_range(tampered.len() - 1.., last);
        assert_eq!(open(&key, at(5, 9), &tampered), Err(SealError::Unauthentic));
        assert_eq!(open(&key, at(5, 9), "ann"), Err(SealError::NotSealed));
        assert_eq!(sealed_key("sealed:1:zz:00"), None);
    }
}
