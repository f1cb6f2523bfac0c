//! Signing of callback bodies, and the recipe a partner follows to verify them.
//!
//! When the channel has `allow_hmac`, every attempt carries:
//! - `X-Signature-Timestamp`: the attempt's time, Unix seconds;
//! - `X-Signature`: lowercase hex of HMAC-SHA256, keyed with the channel's `hmac_secret` (the
//!   64-character text as shown by the channel API, its ASCII bytes as the key), over the
//!   timestamp text, a `.`, then the raw body bytes: `hex(hmac(secret, "{timestamp}.{body}"))`.
//!
//! A partner recomputes it over the body exactly as received, compares in constant time, and
//! refuses a timestamp further than a few minutes from its own clock (replays). The body holds
//! the `delivery_id`, so the signature covers it; de-duplicate on it. [`verify`] is that
//! recipe in code.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Signature";
/// The header carrying the signed timestamp (Unix seconds).
pub const TIMESTAMP_HEADER: &str = "X-Signature-Timestamp";
/// The header carrying the stable delivery id (the same on every attempt and replay).
pub const DELIVERY_ID_HEADER: &str = "X-Delivery-Id";
/// The header carrying the attempt number, from 1.
pub const ATTEMPT_HEADER: &str = "X-Delivery-Attempt";

/// Why a signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The timestamp is not Unix seconds.
    #[error("the timestamp is not a number")]
    BadTimestamp,
    /// The timestamp is too far from now: a replay, or a wrong clock.
    #[error("the timestamp is outside the tolerance")]
    Stale,
    /// The signature is not hex of the right length.
    #[error("the signature is malformed")]
    Malformed,
    /// The signature does not match the body.
    #[error("the signature does not match")]
    Mismatch,
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length: new_from_slice cannot fail here.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable_key(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

#[cold]
fn unreachable_key() -> ! {
    unreachable!("HMAC takes keys of any length")
}

/// The signature of `body` at `timestamp` (Unix seconds) under `secret`: lowercase hex.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
}

/// Checks a received callback: `timestamp` and `signature` as the headers carried them,
/// `body` as received, `now` in Unix seconds, `tolerance` in seconds.
pub fn verify(
    secret: &[u8],
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), VerifyError> {
    let timestamp: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::BadTimestamp)?;
    if (now - timestamp).abs() > tolerance {
        return Err(VerifyError::Stale);
    }
    let expected = hex::decode(signature.trim()).map_err(|_| VerifyError::Malformed)?;
    mac(secret, timestamp, body)
        .verify_slice(&expected)
        .map_err(|_| VerifyError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn a_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // printf '1772463600.{"a":1}' | openssl dgst -sha256 -hmac "$SECRET"
        assert_eq!(
            sign(SECRET, 1_772_463_600, br#"{"a":1}"#),
            "d95853e5dd17513466ccd1d1b167b805ea09a91182bf706993d5b05d2e2ed353"
        );
    }

    #[test]
    fn verify_accepts_the_signed_body_only() {
        let body = br#"{"delivery_id":"x"}"#;
        let signature = sign(SECRET, 1_000, body);
        assert_eq!(verify(SECRET, "1000", &signature, body, 1_010, 300), Ok(()));
        assert_eq!(
            verify(SECRET, "1000", &signature, b"{}", 1_010, 300),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(b"other", "1000", &signature, body, 1_010, 300),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, "1001", &signature, body, 1_010, 300),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, "1000", &signature, body, 2_000, 300),
            Err(VerifyError::Stale)
        );
        assert_eq!(
            verify(SECRET, "x", &signature, body, 1_000, 300),
            Err(VerifyError::BadTimestamp)
        );
        assert_eq!(
            verify(SECRET, "1000", "zz", body, 1_000, 300),
            Err(VerifyError::Malformed)
        );
    }
}
