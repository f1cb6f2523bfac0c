//! Member lists: `GET/POST /v1.0/member_lists`, `GET/PUT/DELETE /v1.0/member_lists/{id}`, and
//! the members of one: `GET` (a page of ids), `PUT` (add), `DELETE` (remove), `POST` (set) on
//! `/v1.0/member_lists/{id}/members`, with `{"member_list": {"member_ids": [...]}}`.

use super::{body_refusal, set_step};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::{read_guard, write, ListQuery, READ, WRITE};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::queries::member_list_beyond;
use domain::catalog::{ListFields, MemberList};
use domain::ids::{MemberId, MemberListId};
use domain::{Command, DomainError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeSet;

const RESOURCE: &str = "Member list";

pub(super) fn routes(routes: &mut Routes) {
    const MEMBERS: &str = "/member_lists/{id}/members";
    routes
        .add(
            Op::get(
                "/member_lists",
                "listMemberLists",
                "The account's member lists",
            )
            .roles(READ)
            .query::<ListQuery>()
            .answers::<Paged<MemberList>>(200, "A page of member lists"),
            list,
        )
        .add(
            Op::post("/member_lists", "createMemberList", "Create a member list")
                .roles(WRITE)
                .idempotent()
                .body::<ListInput>()
                .answers::<One<MemberList>>(201, "The member list created"),
            create,
        )
        .add(
            Op::get("/member_lists/{id}", "getMemberList", "A member list")
                .roles(READ)
                .answers::<One<MemberList>>(200, "The member list"),
            get,
        )
        .add(
            Op::put(
                "/member_lists/{id}",
                "renameMemberList",
                "Rename a member list",
            )
            .roles(WRITE)
            .idempotent()
            .body::<ListInput>()
            .answers::<One<MemberList>>(200, "The member list as renamed"),
            rename,
        )
        .add(
            Op::delete(
                "/member_lists/{id}",
                "deleteMemberList",
                "Delete a member list",
            )
            .roles(WRITE)
            .idempotent()
            .empty(200, "Deleted"),
            delete,
        )
        .add(
            Op::get(
                MEMBERS,
                "listMemberListMembers",
                "A member list's member ids",
            )
            .roles(READ)
            .query::<ListQuery>()
            .answers::<MemberIdsPage>(200, "A page of the list's member ids"),
            members,
        )
        .add(
            Op::put(MEMBERS, "addMemberListMembers", "Add members to a list")
                .roles(WRITE)
                .idempotent()
                .body::<MembersInput>()
                .answers::<One<MemberIds>>(201, "The list's member ids now"),
            add,
        )
        .add(
            Op::delete(
                MEMBERS,
                "removeMemberListMembers",
                "Remove members from a list",
            )
            .roles(WRITE)
            .idempotent()
            .body::<MembersInput>()
            .answers::<One<MemberIds>>(200, "The list's member ids now"),
            remove,
        )
        .add(
            Op::post(
                MEMBERS,
                "setMemberListMembers",
                "Make the members the list's only ones",
            )
            .roles(WRITE)
            .body::<MembersInput>()
            .answers::<One<MemberIds>>(201, "The list's member ids now"),
            set,
        );
}

impl Named for MemberList {
    const ONE: &'static str = "member_list";
    const MANY: &'static str = "member_lists";
}

/// `{"member_list": {"name": ...}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ListInput {
    /// The list's fields.
    member_list: NameInput,
}

/// A list's name.
#[derive(Debug, Deserialize, JsonSchema)]
struct NameInput {
    /// Its name (required on create).
    name: Option<String>,
}

impl From<ListInput> for ListFields {
    fn from(input: ListInput) -> Self {
        Self {
            name: input.member_list.name,
        }
    }
}

/// `{"member_list": {"member_ids": [...]}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct MembersInput {
    /// The members of the change.
    member_list: IdsInput,
}

/// The members of a change.
#[derive(Debug, Deserialize, JsonSchema)]
struct IdsInput {
    /// Member ids (required).
    member_ids: Option<Vec<u64>>,
}

impl MembersInput {
    fn ids(self) -> Result<Vec<MemberId>, ApiError> {
        let ids = self
            .member_list
            .member_ids
            .ok_or(ApiError::Domain(DomainError::Blank {
                field: "Member ids",
            }))?;
        Ok(ids.into_iter().map(MemberId).collect())
    }
}

/// A list's member ids: `{"id", "member_ids"}`.
#[derive(Debug, Serialize, JsonSchema)]
struct MemberIds<'a> {
    /// The list's id.
    id: MemberListId,
    /// Its members.
    member_ids: Cow<'a, [MemberId]>,
}

impl Named for MemberIds<'_> {
    const ONE: &'static str = "member_list";
    const MANY: &'static str = "member_lists";
}

/// A page of a list's member ids.
#[derive(Debug, Serialize, JsonSchema)]
struct MemberIdsPage<'a> {
    /// The page number, from 1.
    page: u32,
    /// Ids per page.
    per_page: u32,
    /// Ids in all pages.
    total_entries: u64,
    /// Pages in all.
    total_pages: u64,
    /// The list and this page's ids.
    member_list: MemberIds<'a>,
}

/// The list `id` of the caller's account as its live state holds it (every write the caller
/// was answered included, without waiting for the read model), or 404.
fn found(state: &AppState, principal: &Principal, id: u64) -> Result<MemberList, ApiError> {
    principal.require(READ)?;
    state
        .read(principal.account_id, |live, _| {
            live.member_list(MemberListId(id)).cloned()
        })?
        .ok_or(ApiError::NotFound)
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let page = state
        .store()
        .member_lists(principal.account_id, query.request())
        .await?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<ListInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::CreateMemberList {
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    let created = events
        .iter()
        .find_map(|event| match &event.kind {
            domain::EventKind::MemberListCreated(list) => Some(list),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no member list"))?;
    Ok(HttpResponse::Created().json(One(created)))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let member_list = found(&state, &principal, id.into_inner())?;
    Ok(HttpResponse::Ok().json(One(&member_list)))
}

async fn rename(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<ListInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let command = Command::RenameMemberList {
        member_list_id: MemberListId(id),
        fields: input.into(),
    };
    write(&state, &principal, &request, command).await?;
    let member_list = found(&state, &principal, id)?;
    Ok(HttpResponse::Ok().json(One(&member_list)))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::DeleteMemberList {
        member_list_id: MemberListId(id.into_inner()),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}

async fn members(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    found(&state, &principal, id)?;
    read_guard(&state, &principal).await?;
    let page = state
        .store()
        .member_list_members(principal.account_id, MemberListId(id), query.request())
        .await?;
    Ok(HttpResponse::Ok().json(MemberIdsPage {
        page: page.page,
        per_page: page.per_page,
        total_entries: page.total_entries,
        total_pages: page.total_pages,
        member_list: MemberIds {
            id: MemberListId(id),
            member_ids: Cow::Borrowed(&page.items),
        },
    }))
}

/// The list's ids after a change, `{"member_list": {"id", "member_ids"}}`.
fn changed(
    state: &AppState,
    principal: &Principal,
    id: u64,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let member_list = found(state, principal, id)?;
    Ok(HttpResponse::build(status).json(One(MemberIds {
        id: MemberListId(id),
        member_ids: member_list.member_ids.into_iter().collect(),
    })))
}

async fn add(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<MembersInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let command = Command::AddMembersToList {
        member_list_id: MemberListId(id),
        member_ids: input.ids()?,
    };
    write(&state, &principal, &request, command)
        .await
        .map_err(|error| body_refusal(error, RESOURCE))?;
    changed(&state, &principal, id, StatusCode::CREATED)
}

async fn remove(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<MembersInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let command = Command::RemoveMembersFromList {
        member_list_id: MemberListId(id),
        member_ids: input.ids()?,
    };
    write(&state, &principal, &request, command).await?;
    changed(&state, &principal, id, StatusCode::OK)
}

/// Makes the ids the whole list: checks them against the live state first, then removes the
/// others and adds the missing ones (both changes are idempotent, so a retry converges).
async fn set(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<MembersInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    let id = id.into_inner();
    let list_id = MemberListId(id);
    let wanted: BTreeSet<MemberId> = input.ids()?.into_iter().collect();
    let checked = wanted.clone();
    let others = state
        .read(principal.account_id, move |live, _| {
            member_list_beyond(live, list_id, &checked)
        })?
        .map_err(|error| body_refusal(ApiError::Domain(error), RESOURCE))?;
    if !others.is_empty() {
        let command = Command::RemoveMembersFromList {
            member_list_id: list_id,
            member_ids: others,
        };
        set_step(&state, &principal, &request, command).await?;
    }
    let command = Command::AddMembersToList {
        member_list_id: list_id,
        member_ids: wanted.into_iter().collect(),
    };
    set_step(&state, &principal, &request, command)
        .await
        .map_err(|error| body_refusal(error, RESOURCE))?;
    changed(&state, &principal, id, StatusCode::CREATED)
}
