//! `GET /auth`: `X-Auth-Identity` and `X-Auth-Key` for a 204 with an `X-Auth-Token` valid
//! [`TOKEN_LIFETIME`].

use crate::auth::{hash_key, Token, TOKEN_LIFETIME};
use crate::http::ApiError;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use projections::ApiKeyRow;

const IDENTITY: &str = "x-auth-identity";
const KEY: &str = "x-auth-key";
const BAD_CREDENTIALS: &str = "Invalid X-Auth-Identity or X-Auth-Key";

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth", web::get().to(authenticate));
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> Result<&'a str, ApiError> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .ok_or(ApiError::Unauthorized(BAD_CREDENTIALS))
}

/// The key of `identity` that `key_hash` opens at `now`, as the read model has it.
async fn accepting_key(
    state: &AppState,
    identity: &str,
    key_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<ApiKeyRow>, ApiError> {
    Ok(state
        .store()
        .api_keys_by_identity(identity)
        .await?
        .into_iter()
        .find(|key| key.accepts(key_hash, now)))
}

/// A key not found at once is looked for again once the read model has caught up with the
/// log, so a key issued just before is accepted.
async fn authenticate(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let identity = header(&request, IDENTITY)?;
    let key_hash = hash_key(header(&request, KEY)?);
    let now = state.now();
    let key = match accepting_key(&state, identity, &key_hash, now).await? {
        Some(key) => key,
        None => {
            state.read_barrier_all().await?;
            accepting_key(&state, identity, &key_hash, now)
                .await?
                .ok_or(ApiError::Unauthorized(BAD_CREDENTIALS))?
        }
    };
    let token = state.secret().sign(Token {
        account_id: key.account_id,
        key_id: key.id,
        expires_at: now + TOKEN_LIFETIME,
    });
    Ok(HttpResponse::NoContent()
        .insert_header(("X-Auth-Token", token))
        .finish())
}
