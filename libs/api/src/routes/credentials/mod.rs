//! Credentials: `GET/POST /v1.0/credentials`, `GET/PUT/DELETE /v1.0/credentials/{id}`,
//! `PUT|POST .../{id}/void`, `POST|PUT .../{id}/redeem` and `GET /v1.0/credentials/eligible`.
//!
//! Fields come from the query string (as in the seed: `?member_id=1009&offer_id=1701&
//! channel_id=456`, `offer_ids=1011,1116`) and from a JSON or form body
//! (`{"credential": {...}}`), merged with the body winning (see [`input`]). Writes go through
//! the engine and answer `{"credential": {...}, "errors": {}}` with the credential as the
//! account's live state holds it right after; reads come from the read model once it holds
//! the caller's writes. Names (offer, merchant) and the store's address are looked up in the
//! live state. Issuers (and admins) write and redeem, reporting reads.
//!
//! Update, void and redeem answer 201 Created, as the reference API does.
//!
//! `PUT /credentials/{id}` replaces the credential's offers with `offer_id`/`offer_ids`; when
//! neither is given it keeps them (and re-checks them). It also changes the credential's
//! `member_id` (only while it was never redeemed), `store_id`, `annotations` (replaced whole),
//! `reusable` and `printable` when the request names them; the offers are checked again for
//! the member and store after the change. A reusable credential's code redeems again and
//! again within its offers' limits. The list filters by `member_id`,
//! `offer_id`, `store_id` and `status`, every one given at once.
//!
//! `DELETE /credentials/{id}` voids an open credential and removes it: its code is never
//! redeemable again, reads and lists no longer find it, and its past redemptions stay counted
//! (reports, limits). A locked one (held by a reservation) is refused like a void. It answers
//! 200 with the credential as deleted, taken from the live state's deleted credentials, so a
//! keyed repeat answers the same.

mod eligible;
mod input;
mod redeem;
mod view;

use super::common::{path_id, read_guard, write, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Paged, Query, Reported};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use domain::credential::CredentialStatus;
use domain::ids::{AccountId, ChannelId, CredentialId, MemberId, OfferId, StoreId};
use domain::{Command, DomainError, Event, EventKind};
use input::{CredentialBody, CredentialQuery, Input, RedeemBody};
use projections::CredentialFilter;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
pub(in crate::routes) use view::CredentialView;

pub(super) fn routes(routes: &mut Routes) {
    let void_op = Op::put(
        "/credentials/{id}/void",
        "voidCredential",
        "Void a credential: never redeemable again",
    )
    .roles(WRITE)
    .idempotent()
    .answers::<Reported<CredentialView>>(201, "The credential as voided");
    let redeem_op = Op::post(
        "/credentials/{id}/redeem",
        "redeemCredential",
        "Redeem a credential's code at a store",
    )
    .roles(redeem::REDEEM)
    .idempotent()
    .query::<CredentialQuery>()
    .body::<RedeemBody>()
    .answers::<redeem::Redeemed>(201, "The credential as redeemed and the redemption");
    routes
        .add(
            Op::get(
                "/credentials",
                "listCredentials",
                "The account's credentials",
            )
            .roles(READ)
            .query::<ListFilter>()
            .answers::<Paged<CredentialView>>(200, "A page of credentials"),
            list,
        )
        .add(
            Op::post(
                "/credentials",
                "createCredential",
                "Issue a credential to a member",
            )
            .roles(WRITE)
            .idempotent()
            .query::<CredentialQuery>()
            .body::<CredentialBody>()
            .answers::<Reported<CredentialView>>(201, "The credential issued"),
            create,
        )
        .add(
            Op::get(
                "/credentials/eligible",
                "checkCredentialEligibility",
                "Whether a credential could be issued, and which offers would be refused",
            )
            .roles(READ)
            .query::<CredentialQuery>()
            .answers::<eligible::Eligibility>(200, "The outcome of the check"),
            eligible::eligible,
        )
        .add(
            Op::get("/credentials/{id}", "getCredential", "A credential")
                .roles(READ)
                .answers::<Reported<CredentialView>>(200, "The credential"),
            get,
        )
        .add(
            Op::put(
                "/credentials/{id}",
                "updateCredential",
                "Change a credential's offers, member, store, annotations or flags",
            )
            .roles(WRITE)
            .idempotent()
            .query::<CredentialQuery>()
            .body::<CredentialBody>()
            .answers::<Reported<CredentialView>>(201, "The credential as changed"),
            update,
        )
        .add(
            Op::delete(
                "/credentials/{id}",
                "deleteCredential",
                "Delete a credential: voided if open, never redeemable again, gone from reads",
            )
            .roles(WRITE)
            .idempotent()
            .answers::<Reported<CredentialView>>(200, "The credential as deleted"),
            void_or_delete,
        )
        .add(void_op.clone(), void_or_delete)
        .add(
            void_op.also(Method::POST, "voidCredentialPost"),
            void_or_delete,
        )
        .add(redeem_op.clone(), redeem::redeem)
        .add(
            redeem_op.also(Method::PUT, "redeemCredentialPut"),
            redeem::redeem,
        );
}

/// `?member_id=&offer_id=&store_id=&status=&page=&per_page=` of the list.
#[derive(Debug, Deserialize, JsonSchema)]
struct ListFilter {
    /// Only this member's credentials.
    member_id: Option<u64>,
    /// Only the credentials carrying this offer.
    offer_id: Option<u64>,
    /// Only the credentials issued for this store.
    store_id: Option<u64>,
    /// Only the credentials in this status.
    #[schemars(with = "Option<CredentialStatus>")]
    status: Option<String>,
    /// The page, from 1.
    page: Option<u32>,
    /// Credentials per page.
    per_page: Option<u32>,
}

impl ListFilter {
    fn page(&self) -> projections::PageRequest {
        projections::PageRequest::new(self.page, self.per_page)
    }

    fn filter(&self) -> Result<CredentialFilter, ApiError> {
        let status = self
            .status
            .as_deref()
            .filter(|status| !status.is_empty())
            .map(|status| {
                serde_json::from_value::<CredentialStatus>(Value::String(status.to_owned()))
                    .map_err(|_| {
                        ApiError::BadRequest(
                            "status must be one of open, locked, redeemed, voided, expired, reversed"
                                .into(),
                        )
                    })
            })
            .transpose()?;
        for (name, id) in [
            ("member_id", self.member_id),
            ("offer_id", self.offer_id),
            ("store_id", self.store_id),
        ] {
            if id.is_some_and(|id| i64::try_from(id).is_err()) {
                return Err(ApiError::BadRequest(format!("{name} is out of range")));
            }
        }
        Ok(CredentialFilter {
            member_id: self.member_id.map(MemberId),
            status,
            offer_id: self.offer_id.map(OfferId),
            store_id: self.store_id.map(StoreId),
        })
    }
}

/// `{"credential": view, "errors": {}}` with `status`.
fn one(status: StatusCode, credential: &CredentialView) -> HttpResponse {
    HttpResponse::build(status).json(Reported(credential))
}

/// Where the live state holds a credential: among the account's credentials, or, once
/// deleted, among the deleted ones (read only to answer the delete).
#[derive(Clone, Copy, Debug)]
enum Held {
    /// Among the account's credentials.
    Live,
    /// Among the deleted ones.
    Deleted,
}

/// The credential `id` of `account` as its live state holds it now, where `held` says.
async fn view_of(
    state: &AppState,
    account: AccountId,
    id: CredentialId,
    held: Held,
) -> Result<CredentialView, ApiError> {
    state
        .read(account, move |live, now| {
            let credential = match held {
                Held::Live => live.credential(id),
                Held::Deleted => live.deleted_credential(id),
            };
            credential
                .cloned()
                .map(|credential| CredentialView::new(account, credential, live, now))
        })?
        .ok_or(ApiError::Domain(DomainError::NotFound {
            resource: "Credential",
        }))
}

/// The credential `id` of `account` as its live state holds it now.
async fn live_view(
    state: &AppState,
    account: AccountId,
    id: CredentialId,
) -> Result<CredentialView, ApiError> {
    view_of(state, account, id, Held::Live).await
}

fn issued(events: &[Event]) -> Result<CredentialId, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::CredentialIssued(issued) => Some(issued.credential_id),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no credential"))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ListFilter>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.filter()?;
    read_guard(&state, &principal).await?;
    let account = principal.account_id;
    let page = state
        .store()
        .credentials(account, filter, query.page())
        .await?;
    answer_page(&state, account, page)
}

/// The answer listing `page` of `account`'s credentials, with names from the live state.
pub(super) fn answer_page(
    state: &AppState,
    account: AccountId,
    mut page: projections::Page<domain::credential::Credential>,
) -> Result<HttpResponse, ApiError> {
    let credentials = std::mem::take(&mut page.items);
    let views = state.read(account, move |live, now| {
        CredentialView::all(account, credentials, live, now)
    })?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, views)))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(body): Body<Value>,
) -> Result<HttpResponse, ApiError> {
    let input = Input::merge(request.query_string(), body)?;
    let command = Command::IssueCredential {
        request: input.credential_request()?,
    };
    let events = write(&state, &principal, &request, command).await?;
    let view = live_view(&state, principal.account_id, issued(&events)?).await?;
    Ok(one(StatusCode::CREATED, &view))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let account = principal.account_id;
    let id = path_id(id.into_inner())?;
    let credential = state
        .store()
        .credential(account, CredentialId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let view = state.read(account, move |live, now| {
        CredentialView::new(account, credential, live, now)
    })?;
    Ok(one(StatusCode::OK, &view))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(body): Body<Value>,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    let account = principal.account_id;
    let id = CredentialId(id.into_inner());
    let input = Input::merge(request.query_string(), body)?;
    let channel_id = input.id("channel_id")?.map(ChannelId);
    let offer_ids = match input.offer_ids()? {
        Some(offer_ids) => offer_ids,
        None => live_view(&state, account, id).await?.offer_ids().to_vec(),
    };
    let command = Command::UpdateCredential {
        credential_id: id,
        channel_id,
        offer_ids,
        changes: input.credential_changes()?,
    };
    write(&state, &principal, &request, command).await?;
    Ok(one(
        StatusCode::CREATED,
        &live_view(&state, account, id).await?,
    ))
}

/// Voids credential `id` (`PUT|POST .../void`, 201 with it as voided) or deletes it
/// (`DELETE`, 200 with it as deleted), reading the answer back from the live state.
async fn void_or_delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let credential_id = CredentialId(id.into_inner());
    let (command, status, held) = if request.method() == Method::DELETE {
        let command = Command::DeleteCredential { credential_id };
        (command, StatusCode::OK, Held::Deleted)
    } else {
        let command = Command::VoidCredential { credential_id };
        (command, StatusCode::CREATED, Held::Live)
    };
    write(&state, &principal, &request, command).await?;
    let view = view_of(&state, principal.account_id, credential_id, held).await?;
    Ok(one(status, &view))
}
