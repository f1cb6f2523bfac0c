//! An offer's passbook (Apple Wallet) configuration: `GET`, `POST` (made when missing),
//! `PUT` (404 when missing) and `DELETE` `/v1.0/offers/{id}/passbook_configuration`, with
//! `{"passbook_configuration": {"p12_certificate", "p12_password", "team_identifier",
//! "pass_type_id_name", "logo", "icon"}}` bodies. The certificate and its password are
//! secrets: the log holds them sealed (`domain::privacy::ACCOUNT_SECRETS`), only issuers and
//! admins write them, and no answer carries them (`p12_certificate_set` and
//! `p12_password_set`, additions, say whether they are). Writes answer 201 and the delete
//! 201, as the reference says.

use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One};
use crate::openapi::{Op, Routes};
use crate::routes::common::{path_id, read_guard, write, READ, WRITE};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::OfferId;
use domain::offer::{PassbookConfiguration, PassbookFields};
use domain::{Command, DomainError, EventKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(super) fn routes(routes: &mut Routes) {
    const PATH: &str = "/offers/{id}/passbook_configuration";
    routes
        .add(
            Op::get(
                PATH,
                "get_offer_passbook_configuration",
                "An offer's passbook configuration",
            )
            .roles(READ)
            .answers::<One<PassbookView>>(200, "The configuration, without its secrets"),
            show,
        )
        .add(
            Op::post(
                PATH,
                "create_offer_passbook_configuration",
                "Set an offer's passbook configuration",
            )
            .roles(WRITE)
            .idempotent()
            .body::<PassbookInput>()
            .answers::<One<PassbookView>>(201, "The configuration, without its secrets"),
            create,
        )
        .add(
            Op::put(
                PATH,
                "update_offer_passbook_configuration",
                "Change an offer's passbook configuration",
            )
            .roles(WRITE)
            .idempotent()
            .body::<PassbookInput>()
            .answers::<One<PassbookView>>(201, "The configuration, without its secrets"),
            update,
        )
        .add(
            Op::delete(
                PATH,
                "delete_offer_passbook_configuration",
                "Delete an offer's passbook configuration",
            )
            .roles(WRITE)
            .idempotent()
            .empty(201, "Deleted"),
            delete,
        );
}

/// `{"passbook_configuration": {...}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct PassbookInput {
    passbook_configuration: PassbookBody,
}

/// The fields a client sends; absent ones stay, empty text clears one.
#[derive(Debug, Default, Deserialize, JsonSchema)]
struct PassbookBody {
    p12_certificate: Option<String>,
    p12_password: Option<String>,
    team_identifier: Option<String>,
    pass_type_id_name: Option<String>,
    logo: Option<String>,
    icon: Option<String>,
}

/// The reference's `passbook_configuration`, without the secrets.
#[derive(Debug, Serialize, JsonSchema)]
struct PassbookView {
    offer_id: OfferId,
    serial_number: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    team_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pass_type_id_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<String>,
    /// Whether a certificate is set (an addition: the certificate is never answered).
    p12_certificate_set: bool,
    /// Whether a password is set (an addition: the password is never answered).
    p12_password_set: bool,
}

impl Named for PassbookView {
    const ONE: &'static str = "passbook_configuration";
    const MANY: &'static str = "passbook_configurations";
}

impl From<&PassbookConfiguration> for PassbookView {
    fn from(configuration: &PassbookConfiguration) -> Self {
        Self {
            offer_id: configuration.offer_id,
            serial_number: configuration.serial_number,
            team_identifier: configuration.team_identifier.clone(),
            pass_type_id_name: configuration.pass_type_id_name.clone(),
            logo: configuration.logo.clone(),
            icon: configuration.icon.clone(),
            p12_certificate_set: configuration.p12_certificate.is_some(),
            p12_password_set: configuration.p12_password.is_some(),
        }
    }
}

const NOT_CONFIGURED: DomainError = DomainError::NotFound {
    resource: "Passbook configuration",
};

async fn show(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let offer = OfferId(path_id(id.into_inner())?);
    let found = state.read(principal.account_id, move |live, _| {
        live.offer(offer)?;
        Some(live.passbook(offer).map(PassbookView::from))
    })?;
    match found {
        None => Err(ApiError::Domain(DomainError::NotFound {
            resource: "Offer",
        })),
        Some(None) => Err(ApiError::Domain(NOT_CONFIGURED)),
        Some(Some(view)) => Ok(HttpResponse::Ok().json(One(view))),
    }
}

async fn configure(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    id: u64,
    body: PassbookBody,
    create: bool,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(path_id(id)?);
    let fields = PassbookFields {
        p12_certificate: body.p12_certificate,
        p12_password: body.p12_password,
        team_identifier: body.team_identifier,
        pass_type_id_name: body.pass_type_id_name,
        logo: body.logo,
        icon: body.icon,
    };
    let command = Command::ConfigurePassbook {
        offer_id,
        fields,
        create,
    };
    let events = write(state, principal, request, command).await?;
    let view = events.iter().find_map(|event| match &event.kind {
        EventKind::PassbookConfigured(configured) => Some(PassbookView::from(configured)),
        _ => None,
    });
    let view = view.ok_or_else(|| ApiError::internal("no passbook configuration recorded"))?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(One(view)))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<PassbookInput>,
) -> Result<HttpResponse, ApiError> {
    let body = input.passbook_configuration;
    configure(&state, &principal, &request, id.into_inner(), body, true).await
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<PassbookInput>,
) -> Result<HttpResponse, ApiError> {
    let body = input.passbook_configuration;
    configure(&state, &principal, &request, id.into_inner(), body, false).await
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(path_id(id.into_inner())?);
    let command = Command::DeletePassbookConfiguration { offer_id };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).finish())
}
