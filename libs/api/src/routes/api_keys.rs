//! The account's API keys, admins only, confined to the caller's account
//! (see [`crate::auth::keys`]):
//!
//! - `POST /v1.0/api_keys` `{"api_key": {"identity": "...", "roles": ["pos"]}}`: 201 with the
//!   key and its secret `key`, answered only here. Without an identity one is generated
//!   (`account-<id>-<roles>-<8 hex digits>`).
//! - `GET /v1.0/api_keys` (a Sparkfly page of `{"api_key": {...}}`) and
//!   `GET /v1.0/api_keys/{id}`: id, identity, roles, status (`active`, `rotated` with
//!   `grace_ends_at`, `revoked` with `revoked_at`), `created_at`; never a secret nor its hash.
//! - `POST /v1.0/api_keys/{id}/rotate` `{"api_key": {"grace_seconds": 3600}}`: 200 with the
//!   new secret, answered only here; the previous secret, and the tokens it obtained, keep
//!   working until the grace period ends (default one hour, at most 7 days; 0 ends them now).
//! - `DELETE /v1.0/api_keys/{id}` (200, empty) or `POST /v1.0/api_keys/{id}/revoke` (200 with
//!   the key): revoked at once, with every token it obtained.
//!
//! Writes take no `Idempotency-Key`: a repeat could not answer the secret again (only its
//! hash is recorded), so a retried issue is told its identity is taken instead.

use super::common::{page_body, ListQuery};
use super::method_not_allowed;
use crate::auth::keys::{self, DEFAULT_GRACE_SECONDS};
use crate::auth::Principal;
use crate::http::{ApiError, Body};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use domain::account::Role;
use domain::ids::ApiKeyId;
use projections::Page;
use serde::Deserialize;
use serde_json::json;

/// Who may manage keys.
const ADMIN: &[Role] = &[Role::Admin];

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api_keys")
            .get(list)
            .post(issue)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/api_keys/{id}")
            .get(get)
            .delete(delete)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/api_keys/{id}/rotate")
            .post(rotate)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/api_keys/{id}/revoke")
            .post(revoke)
            .default_service(web::to(method_not_allowed)),
    );
}

#[derive(Debug, Deserialize)]
struct IssueInput {
    api_key: IssueFields,
}

#[derive(Debug, Deserialize)]
struct IssueFields {
    identity: Option<String>,
    roles: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct RotateInput {
    api_key: Option<RotateFields>,
}

#[derive(Debug, Deserialize)]
struct RotateFields {
    grace_seconds: Option<u32>,
}

fn key_body(status: actix_web::http::StatusCode, key: impl serde::Serialize) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "api_key": key }))
}

async fn issue(
    state: web::Data<AppState>,
    principal: Principal,
    Body(input): Body<IssueInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(ADMIN)?;
    let roles = input
        .api_key
        .roles
        .filter(|roles| !roles.is_empty())
        .ok_or_else(|| ApiError::BadRequest("Roles can't be blank".into()))?
        .iter()
        .map(|name| keys::parse_role(name))
        .collect::<Result<Vec<Role>, _>>()?;
    let identity = input.api_key.identity.as_deref();
    let issued = keys::issue(&state, principal.account_id, identity, roles).await?;
    Ok(key_body(actix_web::http::StatusCode::CREATED, &issued))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(ADMIN)?;
    let all = keys::list(&state, principal.account_id).await?;
    let page = Page::of_all(query.request(), all);
    page_body(&page, "api_keys", "api_key", &page.items)
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    principal.require(ADMIN)?;
    let key = keys::get(&state, principal.account_id, ApiKeyId(*id)).await?;
    Ok(key_body(actix_web::http::StatusCode::OK, key))
}

async fn rotate(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
    Body(input): Body<RotateInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(ADMIN)?;
    let grace = input
        .api_key
        .and_then(|fields| fields.grace_seconds)
        .unwrap_or(DEFAULT_GRACE_SECONDS);
    let rotated = keys::rotate(&state, principal.account_id, ApiKeyId(*id), grace).await?;
    Ok(key_body(actix_web::http::StatusCode::OK, &rotated))
}

async fn revoke(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    principal.require(ADMIN)?;
    let key = keys::revoke(&state, principal.account_id, ApiKeyId(*id)).await?;
    Ok(key_body(actix_web::http::StatusCode::OK, key))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    principal.require(ADMIN)?;
    keys::revoke(&state, principal.account_id, ApiKeyId(*id)).await?;
    Ok(HttpResponse::Ok().finish())
}
