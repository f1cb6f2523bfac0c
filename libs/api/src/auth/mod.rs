//! Authentication and roles, Sparkfly style: `GET /auth` trades `X-Auth-Identity` and
//! `X-Auth-Key` for an `X-Auth-Token` valid 24 hours; every other guarded request sends that
//! token and is served as its [`Principal`].
//!
//! - `token`: [`TokenSecret`], signing and checking tokens (HMAC-SHA256, nothing stored),
//!   each bound to the key secret that obtained it ([`KeyBinding`]), never lasting longer
//!   than [`TOKEN_LIFETIME`].
//! - `principal`: [`Principal`], the extractor that checks the token and the key behind it.
//! - `limits`: [`AuthLimits`], the `GET /auth` attempts allowed per identity and per address.
//! - [`keys`]: issuing, rotating, revoking and listing an account's API keys.
//! - [`hash_key`]: how keys are hashed before they reach the engine or the read model.

pub mod keys;
pub(crate) mod limits;
mod principal;
mod token;

pub use limits::{AuthLimits, ADDRESS_BURST, ADDRESS_REFILL, IDENTITY_BURST, IDENTITY_REFILL};
pub use principal::{Principal, AUTH_TOKEN};
pub use token::{
    KeyBinding, KeySecrets, Token, TokenSecret, WeakSecret, CLOCK_SKEW, MIN_SECRET_BYTES,
    TOKEN_LIFETIME,
};

use sha2::{Digest, Sha256};

/// The stored form of an API key: SHA-256 of it, in lowercase hex.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hash_to_sha256_hex() {
        assert_eq!(
            hash_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
