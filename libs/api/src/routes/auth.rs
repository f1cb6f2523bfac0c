//! `GET /auth`: `X-Auth-Identity` and `X-Auth-Key` for a 204 with an `X-Auth-Token` valid
//! [`TOKEN_LIFETIME`], bound to the secret presented. Every attempt first spends a unit of
//! the identity's and the client address's budgets ([`crate::auth::AuthLimits`]); past
//! them it answers 429 with `Retry-After`, whatever the credentials.

use crate::auth::keys::MAX_IDENTITY;
use crate::auth::{hash_key, KeyBinding, Token, TOKEN_LIFETIME};
use crate::http::ApiError;
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use projections::ApiKeyRow;

const IDENTITY: &str = "x-auth-identity";
const KEY: &str = "x-auth-key";
const BAD_CREDENTIALS: &str = "Invalid X-Auth-Identity or X-Auth-Key";

pub(super) fn routes(routes: &mut Routes) {
    routes.add(
        Op::get(
            "/auth",
            "authenticate",
            "Trade an identity and key for a token",
        )
        .public()
        .header("X-Auth-Identity", true, "The key's identity")
        .header("X-Auth-Key", true, "The key's secret")
        .empty(204, "The token, valid 24 hours, in the X-Auth-Token header")
        .refuses(401, "Unknown identity or wrong key")
        .refuses(
            429,
            "Too many attempts for the identity or from the address",
        ),
        authenticate,
    );
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
/// log, so a key issued just before is accepted; a key found is checked against the keys the
/// partition's actor published, so one revoked just before is not.
async fn authenticate(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let identity = header(&request, IDENTITY)?;
    let address = crate::cluster::client_address(&request);
    // No identity is longer: a longer one is budgeted by its start, so a flood of long
    // identities cannot grow the limiter's memory beyond that.
    let budgeted = identity.get(..=MAX_IDENTITY).unwrap_or(identity);
    state
        .auth_limits()
        .attempt(budgeted, address)
        .map_err(|retry_after| ApiError::TooManyRequests {
            message: "Too many authentication attempts",
            retry_after,
        })?;
    if identity.len() > MAX_IDENTITY {
        return Err(ApiError::Unauthorized(BAD_CREDENTIALS));
    }
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
    let token = Token {
        account_id: key.account_id,
        key_id: key.id,
        expires_at: now + TOKEN_LIFETIME,
        binding: KeyBinding::of(&key_hash),
    };
    // The read model may not show a revocation or rotation yet: the token is answered only
    // when the key as its actor published it accepts it, as every request will check.
    if state.api_key_roles(&token, now).await?.is_none() {
        return Err(ApiError::Unauthorized(BAD_CREDENTIALS));
    }
    Ok(HttpResponse::NoContent()
        .insert_header(("X-Auth-Token", state.secret().sign(token)))
        .finish())
}
