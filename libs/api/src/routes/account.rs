//! The account itself: `GET/PUT /v1.0/account` and `PUT /v1.0/account/callbacks/enable|disable`
//! (Sparkfly's account resource: `{"account": {...}, "errors": {}}`). `PUT /account` takes
//! `{"account": {"callbacks": {"credential_url": "..."}}}` and sets the account-level callback
//! url (an http or https url, not pointing at an internal address: see `callback_urls`; empty
//! removes it). Admins only; answered from the account's live state, so a change is seen at
//! once.

use super::callback_urls::vet_callback_url;
use super::common::write;
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, Reported};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use domain::account::{Account, AccountFields, Role};
use domain::ids::AccountId;
use domain::Command;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who may read and change the account: admins only.
const ADMIN: &[Role] = &[Role::Admin];

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get("/account", "getAccount", "The caller's account")
                .roles(ADMIN)
                .answers::<Reported<AccountView>>(200, "The account"),
            get,
        )
        .add(
            Op::put(
                "/account",
                "updateAccount",
                "Set the account-level callback url",
            )
            .roles(ADMIN)
            .idempotent()
            .body::<AccountInput>()
            .answers::<Reported<AccountView>>(200, "The account as changed"),
            update,
        )
        .add(
            Op::put(
                "/account/callbacks/enable",
                "enableAccountCallbacks",
                "Turn account-level callbacks on",
            )
            .roles(ADMIN)
            .idempotent()
            .answers::<Reported<AccountView>>(200, "The account as changed"),
            enable,
        )
        .add(
            Op::put(
                "/account/callbacks/disable",
                "disableAccountCallbacks",
                "Turn account-level callbacks off",
            )
            .roles(ADMIN)
            .idempotent()
            .answers::<Reported<AccountView>>(200, "The account as changed"),
            disable,
        );
}

/// `{"account": {"callbacks": {"credential_url": "..."}}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct AccountInput {
    /// The account's settings.
    account: AccountFieldsInput,
}

/// The account's settings; absent ones stay as they are.
#[derive(Debug, Deserialize, JsonSchema)]
struct AccountFieldsInput {
    /// Its callbacks.
    callbacks: Option<CallbacksInput>,
    /// Most offers one basket gets, the highest ranked that apply (our extension); 0 lifts
    /// the cap.
    max_offers_per_basket: Option<u32>,
}

/// The account's callbacks.
#[derive(Debug, Deserialize, JsonSchema)]
struct CallbacksInput {
    /// The account-level callback url: an http or https url that does not point at an
    /// internal address; empty removes it.
    credential_url: Option<String>,
}

/// The account in Sparkfly's shape.
#[derive(Debug, Serialize, JsonSchema)]
struct AccountView {
    /// Its id.
    id: AccountId,
    /// Its name.
    name: String,
    /// Whether account-level conversion callbacks are sent.
    enable_callbacks: bool,
    /// The account-level callback url.
    credential_callback_url: Option<String>,
    /// Most offers one basket gets (our extension); left out when there is no cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_offers_per_basket: Option<u32>,
    /// Always false: codes are not issued as barcodes.
    supports_barcode: bool,
    /// When it was created.
    #[schemars(with = "DateTime<Utc>")]
    created_at: String,
    /// When it last changed.
    #[schemars(with = "DateTime<Utc>")]
    updated_at: String,
}

impl Named for AccountView {
    const ONE: &'static str = "account";
    const MANY: &'static str = "accounts";
}

impl From<Account> for AccountView {
    fn from(account: Account) -> Self {
        let time = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Secs, true);
        Self {
            id: account.id,
            name: account.name,
            enable_callbacks: account.enable_callbacks,
            credential_callback_url: account.credential_callback_url,
            max_offers_per_basket: account.max_offers_per_basket,
            supports_barcode: false,
            created_at: time(account.created_at),
            updated_at: time(account.updated_at),
        }
    }
}

/// `{"account": {...}, "errors": {}}` in Sparkfly's account shape.
fn body(account: Account) -> HttpResponse {
    HttpResponse::Ok().json(Reported(AccountView::from(account)))
}

async fn current(state: &AppState, principal: &Principal) -> Result<Account, ApiError> {
    state
        .read(principal.account_id, |live, _| live.account().cloned())?
        .ok_or(ApiError::NotFound)
}

async fn change(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    fields: AccountFields,
) -> Result<HttpResponse, ApiError> {
    principal.require(ADMIN)?;
    write(state, principal, request, Command::UpdateAccount { fields }).await?;
    Ok(body(current(state, principal).await?))
}

async fn get(state: web::Data<AppState>, principal: Principal) -> Result<HttpResponse, ApiError> {
    principal.require(ADMIN)?;
    Ok(body(current(&state, &principal).await?))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<AccountInput>,
) -> Result<HttpResponse, ApiError> {
    let max_offers_per_basket = input.account.max_offers_per_basket;
    let url = input
        .account
        .callbacks
        .and_then(|callbacks| callbacks.credential_url);
    principal.require(ADMIN)?;
    vet_callback_url(&state, "Credential callback url", url.as_deref()).await?;
    let fields = AccountFields {
        credential_callback_url: url,
        max_offers_per_basket,
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
