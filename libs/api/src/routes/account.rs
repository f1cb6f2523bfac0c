//! The account itself: `GET/PUT /v1.0/account` and `PUT /v1.0/account/callbacks/enable|disable`
//! (Sparkfly's account resource: `{"account": {...}, "errors": {}}`). `PUT /account` takes
//! `{"account": {"callbacks": {"credential_url": "..."}}}` and sets the account-level callback
//! url (an http or https url, not pointing at an internal address: see `callback_urls`; empty
//! removes it). Admins only; answered from the account's live state, so a change is seen at
//! once.

use super::callback_urls::vet_callback_url;
use super::common::write;
use super::method_not_allowed;
use crate::auth::Principal;
use crate::http::{ApiError, Body};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::SecondsFormat;
use domain::account::{Account, AccountFields, Role};
use domain::Command;
use serde::Deserialize;
use serde_json::json;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/account")
            .get(get)
            .put(update)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/account/callbacks/enable")
            .put(enable)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/account/callbacks/disable")
            .put(disable)
            .default_service(web::to(method_not_allowed)),
    );
}

#[derive(Debug, Deserialize)]
struct AccountInput {
    account: AccountFieldsInput,
}

#[derive(Debug, Deserialize)]
struct AccountFieldsInput {
    callbacks: Option<CallbacksInput>,
}

#[derive(Debug, Deserialize)]
struct CallbacksInput {
    credential_url: Option<String>,
}

/// `{"account": {...}, "errors": {}}` in Sparkfly's account shape.
fn body(account: &Account) -> HttpResponse {
    let time = |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(SecondsFormat::Secs, true);
    HttpResponse::Ok().json(json!({
        "account": {
            "id": account.id.0,
            "name": account.name,
            "enable_callbacks": account.enable_callbacks,
            "credential_callback_url": account.credential_callback_url,
            "supports_barcode": false,
            "created_at": time(account.created_at),
            "updated_at": time(account.updated_at),
        },
        "errors": {},
    }))
}

async fn current(state: &AppState, principal: &Principal) -> Result<Account, ApiError> {
    state
        .read(principal.account_id, |state, _| state.account.clone())
        .await?
        .ok_or(ApiError::NotFound)
}

async fn change(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    fields: AccountFields,
) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::Admin])?;
    write(state, principal, request, Command::UpdateAccount { fields }).await?;
    Ok(body(&current(state, principal).await?))
}

async fn get(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, ApiError> {
    principal.require(&[Role::Admin])?;
    Ok(body(&current(&state, &principal).await?))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<AccountInput>,
) -> Result<HttpResponse, ApiError> {
    let url = input
        .account
        .callbacks
        .and_then(|callbacks| callbacks.credential_url);
    principal.require(&[Role::Admin])?;
    vet_callback_url(&state, "Credential callback url", url.as_deref()).await?;
    let fields = AccountFields {
        credential_callback_url: url,
        ..AccountFields::default()
    };
    change(&state, &principal, &request, fields).await
}

async fn enable(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let fields = AccountFields {
        enable_callbacks: Some(true),
        ..AccountFields::default()
    };
    change(&state, &principal, &request, fields).await
}

async fn disable(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let fields = AccountFields {
        enable_callbacks: Some(false),
        ..AccountFields::default()
    };
    change(&state, &principal, &request, fields).await
}
