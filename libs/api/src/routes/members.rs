//! Members: `GET/POST /v1.0/members`, `GET/PUT/DELETE /v1.0/members/{id}` and
//! `GET /v1.0/members/search?identifier=`. Writes go through the engine and answer with the
//! member their events recorded; reads come from the read model once it holds the caller's
//! writes. Issuers (and admins) may do everything, reporting may read. A write with an
//! `Idempotency-Key` header answers a repeat with the first outcome and records nothing.

use super::common::{read_guard, write, ListQuery, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{Member, MemberFields};
use domain::ids::MemberId;
use domain::{Command, Event, EventKind};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get("/members", "listMembers", "The account's members")
                .roles(READ)
                .query::<ListQuery>()
                .answers::<Paged<Member>>(200, "A page of members"),
            list,
        )
        .add(
            Op::post("/members", "createMember", "Create a member")
                .roles(WRITE)
                .idempotent()
                .body::<MemberInput>()
                .answers::<One<Member>>(201, "The member created"),
            create,
        )
        .add(
            Op::get(
                "/members/search",
                "searchMembers",
                "The member with an identifier",
            )
            .roles(READ)
            .query::<SearchQuery>()
            .answers::<One<Member>>(200, "The member"),
            search,
        )
        .add(
            Op::get("/members/{id}", "getMember", "A member")
                .roles(READ)
                .answers::<One<Member>>(200, "The member"),
            get,
        )
        .add(
            Op::put("/members/{id}", "updateMember", "Change a member")
                .roles(WRITE)
                .idempotent()
                .body::<MemberInput>()
                .answers::<One<Member>>(200, "The member as changed"),
            update,
        )
        .add(
            Op::delete("/members/{id}", "deleteMember", "Delete a member")
                .roles(WRITE)
                .idempotent()
                .empty(200, "Deleted"),
            delete,
        );
}

impl Named for Member {
    const ONE: &'static str = "member";
    const MANY: &'static str = "members";
}

/// `{"member": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct MemberInput {
    member: FieldsInput,
}

/// A member's fields; absent ones stay as they are.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    identifier: Option<String>,
    notification_mode: Option<String>,
}

impl From<MemberInput> for MemberFields {
    fn from(input: MemberInput) -> Self {
        Self {
            identifier: input.member.identifier,
            notification_mode: input.member.notification_mode,
        }
    }
}

/// `?identifier=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct SearchQuery {
    identifier: Option<String>,
}

fn one(status: actix_web::http::StatusCode, member: &Member) -> HttpResponse {
    HttpResponse::build(status).json(One(member))
}

fn recorded(events: &[Event]) -> Result<&Member, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::MemberCreated(member) | EventKind::MemberUpdated(member) => Some(member),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no member"))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let page = state
        .store()
        .members(principal.account_id, query.request())
        .await?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<MemberInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::CreateMember {
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    Ok(one(
        actix_web::http::StatusCode::CREATED,
        recorded(&events)?,
    ))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let member = state
        .store()
        .member(principal.account_id, MemberId(id.into_inner()))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(one(actix_web::http::StatusCode::OK, &member))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<MemberInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::UpdateMember {
        member_id: MemberId(id.into_inner()),
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    Ok(one(actix_web::http::StatusCode::OK, recorded(&events)?))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::DeleteMember {
        member_id: MemberId(id.into_inner()),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}

async fn search(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let identifier = query
        .identifier
        .as_deref()
        .filter(|identifier| !identifier.is_empty())
        .ok_or_else(|| ApiError::BadRequest("identifier is required".into()))?;
    state.read_barrier(principal.account_id).await?;
    let member = state
        .store()
        .member_by_identifier(principal.account_id, identifier)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(one(actix_web::http::StatusCode::OK, &member))
}
