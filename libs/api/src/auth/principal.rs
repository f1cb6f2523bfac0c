//! [`Principal`]: who a request acts as. Extracting it checks the `X-Auth-Token` signature
//! and expiry, then that the key it was issued for still accepts the secret that obtained it
//! (not revoked, not rotated away past the grace period; as its partition's actor published
//! it, see [`AppState::api_key_roles`]); handlers then require roles and confine every read
//! and write to its account.

use super::token::Token;
use crate::http::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use domain::account::Role;
use domain::ids::{AccountId, ApiKeyId};
use futures_util::future::LocalBoxFuture;

/// The token header.
pub const AUTH_TOKEN: &str = "x-auth-token";

/// The authenticated caller of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The account every read and write of the request is confined to.
    pub account_id: AccountId,
    /// The API key the token was issued for.
    pub key_id: ApiKeyId,
    /// What the key may do.
    pub roles: Vec<Role>,
}

impl Principal {
    /// Succeeds when the caller holds one of `roles`; admin holds them all.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        let allowed = self
            .roles
            .iter()
            .any(|role| *role == Role::Admin || roles.contains(role));
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

async fn authenticate(state: AppState, header: Option<String>) -> Result<Principal, ApiError> {
    let text = header.ok_or(ApiError::Unauthorized("Missing X-Auth-Token"))?;
    let now = state.now();
    let token: Token = state
        .secret()
        .verify(&text, now)
        .ok_or(ApiError::Unauthorized("Invalid or expired token"))?;
    let roles = state
        .api_key_roles(&token, now)
        .await?
        .ok_or(ApiError::Unauthorized("Invalid or expired token"))?;
    Ok(Principal {
        account_id: token.account_id,
        key_id: token.key_id,
        roles,
    })
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let header = request
            .headers()
            .get(AUTH_TOKEN)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("no AppState registered"))?;
            authenticate(state.get_ref().clone(), header).await
        })
    }
}
