//! [`IdempotencyKey`]: the `Idempotency-Key` header of a write, read in one place. A key is
//! printable ASCII of 1 to [`MAX_KEY_LEN`] characters (Stripe's bound): the engine keeps
//! up to 100,000 of them per account for 24 hours, so their size is memory a caller spends.

use super::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{ready, Ready};

/// The header a client names a write's idempotency key in.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Longest idempotency key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// The request's idempotency key, when it sent one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdempotencyKey(pub Option<String>);

impl IdempotencyKey {
    /// The key of `request`: absent, or refused when it is not printable ASCII of 1 to
    /// [`MAX_KEY_LEN`] characters.
    pub fn of(request: &HttpRequest) -> Result<Self, ApiError> {
        let Some(value) = request.headers().get(IDEMPOTENCY_KEY) else {
            return Ok(Self(None));
        };
        let key = value
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|key| (1..=MAX_KEY_LEN).contains(&key.len()))
            .filter(|key| {
                key.bytes()
                    .all(|byte| byte.is_ascii_graphic() || byte == b' ')
            })
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "Idempotency-Key must be printable text of 1 to {MAX_KEY_LEN} characters"
                ))
            })?;
        Ok(Self(Some(key.to_owned())))
    }

    /// The key, refused when the request sent none.
    pub fn required(self) -> Result<String, ApiError> {
        self.0.ok_or_else(|| {
            ApiError::BadRequest(
                "Idempotency-Key header (the terminal's transaction id) is required".into(),
            )
        })
    }
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::of(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn key(value: &str) -> Result<IdempotencyKey, ApiError> {
        IdempotencyKey::of(
            &TestRequest::default()
                .insert_header((IDEMPOTENCY_KEY, value))
                .to_http_request(),
        )
    }

    #[test]
    fn keys_are_bounded_printable_text() {
        assert_eq!(
            key(" txn-1 ").ok(),
            Some(IdempotencyKey(Some("txn-1".into())))
        );
        assert!(key(&"k".repeat(MAX_KEY_LEN)).is_ok());
        assert!(key(&"k".repeat(MAX_KEY_LEN + 1)).is_err());
        assert!(key("   ").is_err());
        let absent = IdempotencyKey::of(&TestRequest::default().to_http_request());
        assert_eq!(absent.ok(), Some(IdempotencyKey(None)));
        assert!(IdempotencyKey(None).required().is_err());
    }
}
