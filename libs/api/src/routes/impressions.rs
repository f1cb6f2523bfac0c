//! Impressions: `GET/POST /v1.0/impressions` and `DELETE /v1.0/impressions/{id}`.
//!
//! `POST {"impression": {"offer_xid", "cookie_id", "annotations", "member_id",
//! "creative_name"}}` records a view of the offer behind the xid (404 when no link has it).
//! The cookie is not kept: the impression holds the hex SHA-256 of the account id and the
//! cookie, answered as `cookie_id`, so visits can be told apart and counted without storing
//! the visitor's identifier. The creative is `creative_name`, else `annotations.sf_ac`; no
//! other annotation is kept. `member_id` (an addition) names a known member. Pages read the
//! read model once it holds the caller's writes; a delete of an impression the read model does
//! not hold answers 404. Issuers (and admins) record and delete, reporting reads.

use super::common::{path_id, read_guard, write, ListQuery, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::{AccountId, ImpressionId, MemberId};
use domain::impression::{Impression, ImpressionFields};
use domain::time::format_timestamp;
use domain::{Command, EventKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Longest cookie id accepted.
const MAX_COOKIE: usize = 255;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/impressions",
                "listImpressions",
                "The account's impressions",
            )
            .roles(READ)
            .query::<ListQuery>()
            .answers::<Paged<ImpressionView>>(200, "A page of impressions"),
            list,
        )
        .add(
            Op::post("/impressions", "createImpression", "Record an impression")
                .roles(WRITE)
                .idempotent()
                .body::<ImpressionInput>()
                .answers::<One<ImpressionView>>(201, "The impression recorded"),
            create,
        )
        .add(
            Op::delete(
                "/impressions/{impression_id}",
                "deleteImpression",
                "Delete an impression",
            )
            .roles(WRITE)
            .idempotent()
            .empty(200, "Deleted"),
            delete,
        );
}

/// `{"impression": {...}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ImpressionInput {
    impression: ImpressionBody,
}

/// An impression as a client sends it.
#[derive(Debug, Deserialize, JsonSchema)]
struct ImpressionBody {
    offer_xid: Option<String>,
    cookie_id: Option<String>,
    #[serde(default)]
    annotations: BTreeMap<String, serde_json::Value>,
    member_id: Option<u64>,
    creative_name: Option<String>,
}

/// An impression in the reference's field names.
#[derive(Clone, Debug, Serialize, JsonSchema)]
struct ImpressionView {
    id: u64,
    account_id: u64,
    offer_xid: String,
    /// The offer (an addition to the reference).
    offer_id: u64,
    channel_id: u64,
    /// The hex SHA-256 of the account id and the cookie sent.
    cookie_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    creative_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    member_id: Option<u64>,
    created_at: String,
    updated_at: String,
}

impl Named for ImpressionView {
    const ONE: &'static str = "impression";
    const MANY: &'static str = "impressions";
}

impl ImpressionView {
    fn new(account: AccountId, impression: &Impression) -> Self {
        let at = format_timestamp(&impression.created_at);
        Self {
            id: impression.id.0,
            account_id: account.0,
            offer_xid: impression.xid.clone(),
            offer_id: impression.offer_id.0,
            channel_id: impression.channel_id.0,
            cookie_id: impression.cookie_digest.clone(),
            creative_name: impression.creative.clone(),
            member_id: impression.member_id.map(|member| member.0),
            created_at: at.clone(),
            updated_at: at,
        }
    }
}

/// The digest an impression keeps of `cookie`, in `account`.
fn cookie_digest(account: AccountId, cookie: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(account.0.to_string().as_bytes());
    hash.update(b":");
    hash.update(cookie.as_bytes());
    hex::encode(hash.finalize())
}

fn fields(account: AccountId, body: ImpressionBody) -> Result<ImpressionFields, ApiError> {
    let cookie = body
        .cookie_id
        .as_deref()
        .map(str::trim)
        .filter(|cookie| !cookie.is_empty())
        .ok_or_else(|| ApiError::BadRequest("Cookie can't be blank".into()))?;
    if cookie.chars().count() > MAX_COOKIE {
        return Err(ApiError::BadRequest(format!(
            "Cookie is too long (maximum is {MAX_COOKIE} characters)"
        )));
    }
    let from_annotations = match body.annotations.get("sf_ac") {
        Some(serde_json::Value::String(creative)) => Some(creative.clone()),
        _ => None,
    };
    Ok(ImpressionFields {
        xid: body.offer_xid,
        cookie_digest: Some(cookie_digest(account, cookie)),
        member_id: body.member_id.map(MemberId),
        creative: body.creative_name.or(from_annotations),
    })
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let account = principal.account_id;
    let page = state.store().impressions(account, query.request()).await?;
    let views: Vec<ImpressionView> = page
        .items
        .iter()
        .map(|impression| ImpressionView::new(account, impression))
        .collect();
    Ok(HttpResponse::Ok().json(Paged::of(&page, views)))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<ImpressionInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    let account = principal.account_id;
    let command = Command::RecordImpression {
        fields: fields(account, input.impression)?,
    };
    let events = write(&state, &principal, &request, command).await?;
    let impression = events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::ImpressionRecorded(impression) => Some(impression),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no impression"))?;
    Ok(
        HttpResponse::build(StatusCode::CREATED)
            .json(One(ImpressionView::new(account, impression))),
    )
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    principal.require(WRITE)?;
    let id = ImpressionId(path_id(id.into_inner())?);
    state
        .store()
        .impression(principal.account_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    write(
        &state,
        &principal,
        &request,
        Command::DeleteImpression { impression_id: id },
    )
    .await?;
    Ok(HttpResponse::Ok().finish())
}
