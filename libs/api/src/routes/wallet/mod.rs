//! Members' offer wallets (the reference's "Member Offers", offer states):
//!
//! - `GET /v1.0/members/offer_states?credential_identifier=&token=`: entries of the account,
//!   all of them or the one a code redeems (paged).
//! - `POST /v1.0/members/offer_states/{id}/void?member_identifier=`: void by the member's
//!   identifier.
//! - `GET|POST /v1.0/members/{member_id}/offer_states[?channel_id=&offer_id=]`: a member's
//!   entries (on one channel when `channel_id` is given), and saving an offer to the wallet
//!   (`{"offer_state": {"activates_at", "expires_at", "external_ref_id"}}`, all optional).
//! - `GET|PUT /v1.0/members/{member_id}/offer_states/{id}` and `POST .../{id}/void`.
//!
//! Saving issues the entry's credential (every check of issuing one applies) and pays the
//! offer's `points_required_value` from the member's points; voiding voids the code and pays
//! unused points back. Answers come from the live state right after the write; reads from the
//! latest published view. Issuers (and admins) write, reporting reads.
//!
//! Tokens: the reference lets a `token` move a transferable entry to another member. No entry
//! is transferable here (`transferable` is always false, no `token` is given), so a `token`
//! finds nothing: a search by it answers an empty page, a save with one answers 404.

mod view;

pub(in crate::routes) use view::OfferStateView;

use super::common::{paginate, path_id, write, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Paged, Query, Reported};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::command::MemberKey;
use domain::ids::{AccountId, ChannelId, MemberId, OfferId, OfferStateId};
use domain::wallet::{queries, OfferStateFields};
use domain::{Command, Event, EventKind};
use projections::PageRequest;
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/members/offer_states",
                "searchOfferStates",
                "Wallet entries of the account, or the one a code redeems",
            )
            .roles(READ)
            .query::<SearchQuery>()
            .answers::<Paged<OfferStateView>>(200, "A page of wallet entries"),
            search,
        )
        .add(
            Op::post(
                "/members/offer_states/{offer_state_id}/void",
                "voidOfferStateByIdentifier",
                "Void a wallet entry of the member with an identifier",
            )
            .roles(WRITE)
            .idempotent()
            .query::<IdentifierQuery>()
            .answers::<Reported<OfferStateView>>(200, "The entry as voided"),
            void_by_identifier,
        )
        .add(
            Op::get(
                "/members/{member_id}/offer_states",
                "listMemberOfferStates",
                "A member's wallet",
            )
            .roles(READ)
            .query::<WalletQuery>()
            .answers::<Paged<OfferStateView>>(200, "A page of the member's wallet"),
            list,
        )
        .add(
            Op::post(
                "/members/{member_id}/offer_states",
                "createMemberOfferState",
                "Save an offer to a member's wallet",
            )
            .roles(WRITE)
            .idempotent()
            .query::<SaveQuery>()
            .body::<OfferStateInput>()
            .answers::<Reported<OfferStateView>>(200, "The entry saved"),
            save,
        )
        .add(
            Op::get(
                "/members/{member_id}/offer_states/{offer_state_id}",
                "getMemberOfferState",
                "A wallet entry",
            )
            .roles(READ)
            .answers::<Reported<OfferStateView>>(200, "The entry"),
            get,
        )
        .add(
            Op::put(
                "/members/{member_id}/offer_states/{offer_state_id}",
                "updateMemberOfferState",
                "Change a wallet entry's availability",
            )
            .roles(WRITE)
            .idempotent()
            .body::<OfferStateInput>()
            .answers::<Reported<OfferStateView>>(200, "The entry as changed"),
            update,
        )
        .add(
            Op::post(
                "/members/{member_id}/offer_states/{offer_state_id}/void",
                "voidMemberOfferState",
                "Void a wallet entry",
            )
            .roles(WRITE)
            .idempotent()
            .answers::<Reported<OfferStateView>>(200, "The entry as voided"),
            void_by_id,
        );
}

/// `{"offer_state": {...}}`; the body may be absent.
#[derive(Debug, Default, Deserialize, JsonSchema)]
struct OfferStateInput {
    #[serde(default)]
    offer_state: OfferStateFields,
}

/// `?channel_id=&offer_id=&token=` of a save.
#[derive(Debug, Deserialize, JsonSchema)]
struct SaveQuery {
    channel_id: Option<u64>,
    offer_id: Option<u64>,
    token: Option<String>,
}

/// `?channel_id=&page=&per_page=` of a member's wallet.
#[derive(Debug, Deserialize, JsonSchema)]
struct WalletQuery {
    channel_id: Option<u64>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// `?credential_identifier=&token=&page=&per_page=` of the account-wide search.
#[derive(Debug, Deserialize, JsonSchema)]
struct SearchQuery {
    credential_identifier: Option<String>,
    token: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// `?member_identifier=` of a void by identifier.
#[derive(Debug, Deserialize, JsonSchema)]
struct IdentifierQuery {
    member_identifier: Option<String>,
}

/// The entry `id` as the live state holds it, for member `member` when given.
fn answer(
    state: &AppState,
    account: AccountId,
    member: Option<MemberId>,
    id: OfferStateId,
) -> Result<HttpResponse, ApiError> {
    let view = state.read(account, move |live, now| {
        let entry = match member {
            Some(member) => queries::entry_of(live, member, id),
            None => queries::entry(live, id),
        };
        entry.map(|entry| OfferStateView::new(&entry, now))
    })?;
    let view = view.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(Reported(view)))
}

/// The entry `events` recorded.
fn recorded(events: &[Event]) -> Result<OfferStateId, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::OfferStateCreated(entry) | EventKind::OfferStateUpdated(entry) => {
                Some(entry.id)
            }
            EventKind::OfferStateVoided(voided) => Some(voided.offer_state_id),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no wallet entry"))
}

async fn search(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let query = query.into_inner();
    let code = query.credential_identifier;
    let by_token = query.token.is_some();
    let views = state.read(principal.account_id, move |live, now| {
        if by_token {
            return Vec::new();
        }
        let entries = match &code {
            Some(code) => queries::by_code(live, code).into_iter().collect(),
            None => queries::all(live),
        };
        entries
            .iter()
            .map(|entry| OfferStateView::new(entry, now))
            .collect()
    })?;
    let page = paginate(views, PageRequest::new(query.page, query.per_page))?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    member: web::Path<u64>,
    query: Query<WalletQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let member = MemberId(path_id(member.into_inner())?);
    let channel = query.channel_id.map(ChannelId);
    let views = state.read(principal.account_id, move |live, now| {
        live.member(member).map(|_| {
            queries::of_member(live, member, channel)
                .iter()
                .map(|entry| OfferStateView::new(entry, now))
                .collect::<Vec<_>>()
        })
    })?;
    let views = views.ok_or(ApiError::NotFound)?;
    let page = paginate(views, PageRequest::new(query.page, query.per_page))?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn save(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    member: web::Path<u64>,
    query: Query<SaveQuery>,
    Body(input): Body<OfferStateInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    if query.token.is_some() {
        return Err(ApiError::NotFound);
    }
    let command = Command::SaveOfferToWallet {
        member_id: MemberId(path_id(member.into_inner())?),
        channel_id: query.channel_id.map(ChannelId),
        offer_id: query.offer_id.map(OfferId),
        fields: input.offer_state,
    };
    let events = write(&state, &principal, &request, command).await?;
    answer(&state, principal.account_id, None, recorded(&events)?)
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let (member, id) = path.into_inner();
    let member = MemberId(path_id(member)?);
    answer(
        &state,
        principal.account_id,
        Some(member),
        OfferStateId(path_id(id)?),
    )
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    Body(input): Body<OfferStateInput>,
) -> Result<HttpResponse, ApiError> {
    let (member, id) = path.into_inner();
    let command = Command::UpdateOfferState {
        member_id: MemberId(path_id(member)?),
        offer_state_id: OfferStateId(path_id(id)?),
        fields: input.offer_state,
    };
    let events = write(&state, &principal, &request, command).await?;
    answer(&state, principal.account_id, None, recorded(&events)?)
}

async fn void_by_id(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    let (member, id) = path.into_inner();
    let member = MemberKey::Id(MemberId(path_id(member)?));
    void(&state, &principal, &request, member, id).await
}

async fn void_by_identifier(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    query: Query<IdentifierQuery>,
) -> Result<HttpResponse, ApiError> {
    let identifier = query
        .into_inner()
        .member_identifier
        .filter(|identifier| !identifier.trim().is_empty())
        .ok_or_else(|| ApiError::BadRequest("member_identifier is required".into()))?;
    let member = MemberKey::Identifier(identifier);
    void(&state, &principal, &request, member, id.into_inner()).await
}

async fn void(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    member: MemberKey,
    id: u64,
) -> Result<HttpResponse, ApiError> {
    let command = Command::VoidOfferState {
        member,
        offer_state_id: OfferStateId(path_id(id)?),
    };
    let events = write(state, principal, request, command).await?;
    answer(state, principal.account_id, None, recorded(&events)?)
}
