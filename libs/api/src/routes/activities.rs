//! The offer engine: members at stores and what happened to their offers.
//!
//! - `POST /v1.0/members/{member_id}/stores/{store_id}/check-in?check_in[lat]=&check_in[lng]=`:
//!   a check-in, accepted within 1 km of a store that has coordinates (the point sent is
//!   checked, never kept); answers the member's store as the next operation does.
//! - `GET /v1.0/members/{member_id}/stores/{store_id}`: the store for the member: whether it
//!   takes check-ins (`can_check_in`, it trades) and how many the member made there.
//! - `GET /v1.0/activities/offers?member_id=`: the member's offer activities, oldest first
//!   (issued, saved to the wallet, redeemed, voided, redemption voided, reversed, checked in;
//!   `activity_type` 1 to 7 in that order, the name in `description`), from the read model.
//! - `GET /v1.0/members/{member_id}/activities/redemptions`: the member's redeemed
//!   credentials; `.../stores/{store_id}/activities/redemptions`: those redeemed at a store.
//! - `PUT /v1.0/offers/{offer_id}/check_in` (an addition to the reference):
//!   `{"check_in": {"within_minutes": 30}}` makes the offer redeem only for a member who checked
//!   in at the redeeming store within 30 minutes; `null` clears it.
//!
//! Issuers (and admins) check in and set rules, reporting reads.

use super::common::{path_id, read_guard, write, ListQuery, READ, WRITE};
use super::credentials::{answer_page, CredentialView};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::Coordinates;
use domain::check_in::queries;
use domain::credential::CredentialStatus;
use domain::ids::{AccountId, MemberId, OfferId, StoreId};
use domain::{Command, EventKind};
use projections::{CredentialFilter, OfferActivity, PageRequest};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::post(
                "/members/{member_id}/stores/{store_id}/check-in",
                "checkInMember",
                "Check a member in at a store",
            )
            .roles(WRITE)
            .idempotent()
            .query::<CheckInQuery>()
            .answers::<MemberStoreAnswer>(200, "The store for the member after it"),
            check_in,
        )
        .add(
            Op::get(
                "/members/{member_id}/stores/{store_id}",
                "getMemberStore",
                "A store for a member",
            )
            .roles(READ)
            .answers::<MemberStoreAnswer>(200, "The store for the member"),
            member_store,
        )
        .add(
            Op::get(
                "/activities/offers",
                "listOfferActivities",
                "A member's offer activities",
            )
            .roles(READ)
            .query::<ActivitiesQuery>()
            .answers::<Paged<ActivityView>>(200, "A page of the member's activities"),
            activities,
        )
        .add(
            Op::get(
                "/members/{member_id}/activities/redemptions",
                "listMemberRedemptions",
                "A member's redeemed credentials",
            )
            .roles(READ)
            .query::<ListQuery>()
            .answers::<Paged<CredentialView>>(200, "A page of credentials"),
            redemptions,
        )
        .add(
            Op::get(
                "/members/{member_id}/stores/{store_id}/activities/redemptions",
                "listMemberStoreRedemptions",
                "A member's credentials redeemed at a store",
            )
            .roles(READ)
            .query::<ListQuery>()
            .answers::<Paged<CredentialView>>(200, "A page of credentials"),
            store_redemptions,
        )
        .add(
            Op::put(
                "/offers/{offer_id}/check_in",
                "setOfferCheckInRule",
                "Require a recent check-in to redeem an offer",
            )
            .roles(WRITE)
            .idempotent()
            .body::<RuleInput>()
            .answers::<RuleAnswer>(200, "The offer's check-in rule"),
            set_rule,
        );
}

/// `?check_in[lat]=&check_in[lng]=` (or `lat`, `lng`).
#[derive(Debug, Deserialize, JsonSchema)]
struct CheckInQuery {
    #[serde(rename = "check_in[lat]", alias = "lat")]
    lat: Option<String>,
    #[serde(rename = "check_in[lng]", alias = "lng")]
    lng: Option<String>,
}

/// `?member_id=&page=&per_page=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ActivitiesQuery {
    member_id: Option<u64>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// `{"check_in": {"within_minutes": 30}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct RuleInput {
    check_in: RuleFields,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct RuleFields {
    within_minutes: Option<u32>,
}

/// `{"check_in": {"offer_id": 1, "within_minutes": 30}}`.
#[derive(Debug, Serialize, JsonSchema)]
struct RuleAnswer {
    check_in: RuleView,
}

#[derive(Debug, Serialize, JsonSchema)]
struct RuleView {
    offer_id: u64,
    within_minutes: Option<u32>,
}

/// `{"store": {...}}`.
#[derive(Debug, Serialize, JsonSchema)]
struct MemberStoreAnswer {
    store: MemberStoreView,
}

/// A store as a member sees it.
#[derive(Debug, Serialize, JsonSchema)]
struct MemberStoreView {
    id: u64,
    name: String,
    /// Whether it takes check-ins (it trades).
    can_check_in: bool,
    /// The member's check-ins there.
    total_check_ins: u32,
    /// The member's latest check-in there (an addition to the reference).
    #[serde(skip_serializing_if = "Option::is_none")]
    last_check_in_at: Option<String>,
}

/// One activity, under `offer_activity`; a page of them lists under `collection`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(transparent)]
struct ActivityView(#[schemars(with = "serde_json::Value")] OfferActivity);

impl Named for ActivityView {
    const ONE: &'static str = "offer_activity";
    const MANY: &'static str = "collection";
}

fn coordinate(value: Option<&str>, name: &str) -> Result<Decimal, ApiError> {
    let text = value
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .ok_or_else(|| ApiError::BadRequest(format!("check_in[{name}] is required")))?;
    Decimal::from_str(text)
        .map_err(|_| ApiError::BadRequest(format!("check_in[{name}] must be a number")))
}

/// The store `store` as member `member` sees it in the live state.
fn store_view(
    state: &AppState,
    account: AccountId,
    member: MemberId,
    store: StoreId,
) -> Result<MemberStoreAnswer, ApiError> {
    let view = state.read(account, move |live, _| {
        live.member(member)?;
        let found = live.store(store)?;
        let check_ins = queries::at_store(live, member, store);
        Some(MemberStoreView {
            id: found.id.0,
            name: found.name.clone(),
            can_check_in: found.is_active,
            total_check_ins: check_ins.map_or(0, |found| found.count),
            last_check_in_at: check_ins.map(|found| domain::time::format_timestamp(&found.last_at)),
        })
    })?;
    Ok(MemberStoreAnswer {
        store: view.ok_or(ApiError::NotFound)?,
    })
}

async fn check_in(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    query: Query<CheckInQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    let (member, store) = path.into_inner();
    let (member, store) = (MemberId(path_id(member)?), StoreId(path_id(store)?));
    let at = Coordinates::new(
        coordinate(query.lat.as_deref(), "lat")?,
        coordinate(query.lng.as_deref(), "lng")?,
    )?;
    let command = Command::CheckIn {
        member_id: member,
        store_id: store,
        at,
    };
    write(&state, &principal, &request, command).await?;
    let answer = store_view(&state, principal.account_id, member, store)?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn member_store(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let (member, store) = path.into_inner();
    let (member, store) = (MemberId(path_id(member)?), StoreId(path_id(store)?));
    let answer = store_view(&state, principal.account_id, member, store)?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Checks that member `member` exists in the live state.
fn existing_member(
    state: &AppState,
    account: AccountId,
    member: u64,
) -> Result<MemberId, ApiError> {
    let member = MemberId(path_id(member)?);
    let exists = state.read(account, move |live, _| live.member(member).is_some())?;
    exists.then_some(member).ok_or(ApiError::NotFound)
}

async fn activities(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ActivitiesQuery>,
) -> Result<HttpResponse, ApiError> {
    let account = principal.account_id;
    let member = query
        .member_id
        .ok_or_else(|| ApiError::BadRequest("member_id is required".into()))?;
    read_guard(&state, &principal).await?;
    let member = existing_member(&state, account, member)?;
    let page = state
        .store()
        .offer_activities(
            account,
            member,
            PageRequest::new(query.page, query.per_page),
        )
        .await?;
    let views: Vec<ActivityView> = page.items.iter().cloned().map(ActivityView).collect();
    Ok(HttpResponse::Ok().json(Paged::of(&page, views)))
}

async fn redemptions(
    state: web::Data<AppState>,
    principal: Principal,
    member: web::Path<u64>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let account = principal.account_id;
    read_guard(&state, &principal).await?;
    let member = existing_member(&state, account, member.into_inner())?;
    let filter = CredentialFilter {
        member_id: Some(member),
        status: Some(CredentialStatus::Redeemed),
        offer_id: None,
        store_id: None,
    };
    let page = state
        .store()
        .credentials(account, filter, query.request())
        .await?;
    answer_page(&state, account, page)
}

async fn store_redemptions(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let account = principal.account_id;
    read_guard(&state, &principal).await?;
    let (member, store) = path.into_inner();
    let member = existing_member(&state, account, member)?;
    let store = StoreId(path_id(store)?);
    let page = state
        .store()
        .redeemed_at_store(account, member, store, query.request())
        .await?;
    answer_page(&state, account, page)
}

async fn set_rule(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    offer: web::Path<u64>,
    Body(input): Body<RuleInput>,
) -> Result<HttpResponse, ApiError> {
    let offer = OfferId(path_id(offer.into_inner())?);
    let command = Command::SetOfferCheckInRule {
        offer_id: offer,
        within_minutes: input.check_in.within_minutes,
    };
    let events = write(&state, &principal, &request, command).await?;
    let within_minutes = events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::OfferCheckInRuleSet(rule) => Some(rule.within_minutes),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no check-in rule"))?;
    Ok(HttpResponse::Ok().json(RuleAnswer {
        check_in: RuleView {
            offer_id: offer.0,
            within_minutes,
        },
    }))
}
