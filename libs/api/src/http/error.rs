//! [`ApiError`]: every way a request can fail, mapped to a status and a Sparkfly-style body
//! `{"error": "..."}` here and nowhere else. Internal failures answer an opaque 500 and log
//! their cause.

use actix_web::http::header::RETRY_AFTER;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use domain::{DomainError, ErrorKind};
use serde_json::json;
use std::time::Duration;

/// The cause of a failure the client is not told about: kept whole, with its own sources, for
/// the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Most characters of a parser's message a refusal repeats.
const MAX_ECHO: usize = 200;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// No valid token, or wrong credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// The credential's roles do not allow the request.
    #[error("Forbidden")]
    Forbidden,
    /// Nothing at this path, or no such resource in the account.
    #[error("Not found")]
    NotFound,
    /// The path exists, not with this method.
    #[error("Method not allowed")]
    MethodNotAllowed,
    /// The body is larger than the API accepts.
    #[error(
        "The request body is larger than {} bytes",
        super::limits::MAX_BODY_BYTES
    )]
    PayloadTooLarge,
    /// The body is neither JSON nor form-urlencoded.
    #[error("Content-Type must be application/json or application/x-www-form-urlencoded")]
    UnsupportedMediaType,
    /// Too many wrong codes or sign-in attempts: refused whatever the request holds until
    /// `retry_after` has passed (answered in whole seconds, at least 1, in `Retry-After`; the
    /// body does not repeat it, so refusals of right and wrong guesses read alike).
    #[error("{message}")]
    TooManyRequests {
        /// What was limited.
        message: &'static str,
        /// How long until the caller may try again.
        retry_after: Duration,
    },
    /// A conflict outside the domain (a replay of a delivery still pending).
    #[error("{0}")]
    Conflict(String),
    /// The part of the service this route needs does not run in this process.
    #[error("{0}")]
    Unavailable(&'static str),
    /// The domain refused the command; its message is the client's.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The event log cannot take writes here now (this process lost its partition to a newer
    /// writer, or an append failed): the client may retry, with the same idempotency key.
    /// The cause is logged, never sent.
    #[error("Service unavailable, retry later")]
    LogUnavailable(#[source] Cause),
    /// The account's partition is served by another instance (`owner`, its address), or by
    /// none while it moves (`owner` is `None`). The forwarding middleware sends the request
    /// to the owner; answered as it is (a 503 the client may retry with the same idempotency
    /// key) when there is no owner, or the request was already forwarded once.
    #[error("The account's partition is moving; retry shortly")]
    Misrouted {
        /// The partition the request needs.
        partition: u32,
        /// Where its owner is reached, when known.
        owner: Option<std::sync::Arc<str>>,
    },
    /// Something failed inside; the cause is logged, never sent.
    #[error("Internal server error")]
    Internal(#[source] Cause),
}

impl ApiError {
    /// An internal failure with its cause (kept for the logs).
    pub fn internal(cause: impl Into<Cause>) -> Self {
        Self::Internal(cause.into())
    }

    /// Input that does not read as the request's type: the parser's message, cut to a few
    /// hundred characters so a refusal never echoes a large input back.
    pub fn invalid_input(error: impl std::fmt::Display) -> Self {
        let text = error.to_string();
        match text.char_indices().nth(MAX_ECHO) {
            Some((end, _)) => Self::BadRequest(format!("{}...", &text[..end])),
            None => Self::BadRequest(text),
        }
    }

    /// The log unavailable, with its cause (kept for the logs).
    pub fn log_unavailable(cause: impl Into<Cause>) -> Self {
        Self::LogUnavailable(cause.into())
    }
}

impl From<projections::ProjectionError> for ApiError {
    /// A number that no row can hold (an id past the database's integers) names nothing:
    /// 404. Any other failure of the read side is internal.
    fn from(error: projections::ProjectionError) -> Self {
        match error {
            projections::ProjectionError::OutOfRange(_) => Self::NotFound,
            other => Self::internal(other),
        }
    }
}

impl From<callbacks::ReplayError> for ApiError {
    fn from(error: callbacks::ReplayError) -> Self {
        match error {
            callbacks::ReplayError::NotFound => Self::NotFound,
            callbacks::ReplayError::Pending => Self::Conflict(error.to_string()),
            callbacks::ReplayError::Stopped => Self::Unavailable("Callbacks are stopping"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Domain(DomainError::Taken { .. }) => StatusCode::BAD_REQUEST,
            Self::Domain(error) => match error.kind() {
                ErrorKind::Invalid => StatusCode::BAD_REQUEST,
                ErrorKind::NotFound => StatusCode::NOT_FOUND,
                ErrorKind::Conflict => StatusCode::CONFLICT,
            },
            Self::LogUnavailable(_) | Self::Misrouted { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => {
                tracing::error!(cause = %chain(cause.as_ref()), "request failed")
            }
            Self::LogUnavailable(cause) => {
                tracing::warn!(cause = %chain(cause.as_ref()), "request refused")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::TooManyRequests { retry_after, .. } => {
                response.insert_header((RETRY_AFTER, retry_seconds(*retry_after).to_string()));
            }
            Self::Misrouted { .. } => {
                response.insert_header((RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.json(json!({ "error": self.to_string() }))
    }
}

/// `error` and its sources, outermost first: `a: b: c`.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `wait` in whole seconds, rounded up, at least 1.
fn retry_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    async fn body(error: ApiError) -> (u16, String) {
        let response = error.error_response();
        let status = response.status().as_u16();
        let bytes = to_bytes(response.into_body()).await.unwrap_or_default();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[actix_web::test]
    async fn internal_failures_are_opaque() {
        let (status, text) = body(ApiError::internal("disk /var/db is full")).await;
        assert_eq!(status, 500);
        assert_eq!(text, r#"{"error":"Internal server error"}"#);
    }

    /// An error that says what failed and keeps what made it fail.
    #[derive(Debug, thiserror::Error)]
    #[error("reading the members page")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn an_internal_failure_keeps_its_cause_and_the_cause_s_sources() {
        let error = ApiError::internal(Outer(std::io::Error::other("disk full")));
        let cause = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("reading the members page"));
        let ApiError::Internal(cause) = &error else {
            panic!("not internal: {error:?}");
        };
        assert_eq!(chain(cause.as_ref()), "reading the members page: disk full");
    }

    #[actix_web::test]
    async fn an_unavailable_log_answers_503_without_its_cause() {
        let (status, text) = body(ApiError::log_unavailable("partition 3 fenced")).await;
        assert_eq!(status, 503);
        assert_eq!(text, r#"{"error":"Service unavailable, retry later"}"#);
    }

    #[actix_web::test]
    async fn too_many_attempts_answer_429_with_retry_after_in_whole_seconds() {
        let error = ApiError::TooManyRequests {
            message: "Too many attempts",
            retry_after: Duration::from_millis(5_200),
        };
        let response = error.error_response();
        assert_eq!(response.status().as_u16(), 429);
        assert_eq!(
            response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("6")
        );
        let bytes = to_bytes(response.into_body()).await.unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            r#"{"error":"Too many attempts"}"#
        );
    }

    #[actix_web::test]
    async fn domain_errors_keep_their_message_and_kind() {
        let taken = ApiError::Domain(DomainError::Taken {
            field: "Identifier",
        });
        assert_eq!(
            body(taken).await,
            (
                400,
                r#"{"error":"Identifier has already been taken"}"#.into()
            )
        );
        let (status, _) = body(ApiError::Domain(DomainError::AccountExists)).await;
        assert_eq!(status, 409);
        let (status, _) = body(ApiError::Domain(DomainError::AccountNotFound)).await;
        assert_eq!(status, 404);
    }
}
