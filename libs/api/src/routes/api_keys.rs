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

use super::common::ListQuery;
use crate::auth::keys::{self, IssuedKey, KeyView, DEFAULT_GRACE_SECONDS};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use domain::account::Role;
use domain::ids::ApiKeyId;
use projections::Page;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who may manage keys.
const ADMIN: &[Role] = &[Role::Admin];

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/api_keys",
                "listApiKeys",
                "The account's API keys (never their secrets)",
            )
            .roles(ADMIN)
            .query::<ListQuery>()
            .answers::<Paged<KeyView>>(200, "A page of keys"),
            list,
        )
        .add(
            Op::post("/api_keys", "issueApiKey", "Issue a key with roles")
                .roles(ADMIN)
                .body::<IssueInput>()
                .answers::<One<IssuedKey>>(201, "The key, with its secret shown this once"),
            issue,
        )
        .add(
            Op::get("/api_keys/{id}", "getApiKey", "An API key")
                .roles(ADMIN)
                .answers::<One<KeyView>>(200, "The key"),
            get,
        )
        .add(
            Op::delete("/api_keys/{id}", "deleteApiKey", "Revoke a key at once")
                .roles(ADMIN)
                .empty(200, "Revoked"),
            delete,
        )
        .add(
            Op::post(
                "/api_keys/{id}/rotate",
                "rotateApiKey",
                "Draw a new secret; the previous one works until the grace ends",
            )
            .roles(ADMIN)
            .body::<RotateInput>()
            .answers::<One<IssuedKey>>(200, "The key, with its new secret shown this once"),
            rotate,
        )
        .add(
            Op::post(
                "/api_keys/{id}/revoke",
                "revokeApiKey",
                "Revoke a key at once",
            )
            .roles(ADMIN)
            .answers::<One<KeyView>>(200, "The key, revoked"),
            revoke,
        );
}

/// `{"api_key": {...}}`, what to issue.
#[derive(Debug, Deserialize, JsonSchema)]
struct IssueInput {
    api_key: IssueFields,
}

/// A key to issue.
#[derive(Debug, Deserialize, JsonSchema)]
struct IssueFields {
    /// Its public half (`X-Auth-Identity`), 1 to 128 of `A-Za-z0-9._-@+:`; generated when
    /// absent.
    identity: Option<String>,
    /// What it may do: `admin`, `issuer`, `pos`, `reporting`.
    roles: Option<Vec<String>>,
}

/// `{"api_key": {"grace_seconds": ...}}`, how to rotate.
#[derive(Debug, Deserialize, JsonSchema)]
struct RotateInput {
    api_key: Option<RotateFields>,
}

/// A rotation.
#[derive(Debug, Deserialize, JsonSchema)]
struct RotateFields {
    /// Seconds the previous secret keeps working (default 3,600, at most 604,800; 0 ends it
    /// now).
    grace_seconds: Option<u32>,
}

fn key_body<T: Serialize + Named>(status: actix_web::http::StatusCode, key: T) -> HttpResponse {
    HttpResponse::build(status).json(One(key))
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
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(ADMIN)?;
    let all = keys::list(&state, principal.account_id).await?;
    let page = Page::of_all(query.request(), all);
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
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
