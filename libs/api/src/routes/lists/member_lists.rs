//! Member lists: `GET/POST /v1.0/member_lists`, `GET/PUT/DELETE /v1.0/member_lists/{id}`, and
//! the members of one: `GET` (a page of ids), `PUT` (add), `DELETE` (remove), `POST` (set) on
//! `/v1.0/member_lists/{id}/members`, with `{"member_list": {"member_ids": [...]}}`.

use super::{body_refusal, set_step};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Query};
use crate::routes::common::{page_body, read_guard, write, ListQuery, WRITE};
use crate::routes::method_not_allowed;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{ListFields, MemberList};
use domain::ids::{MemberId, MemberListId};
use domain::validate::existing;
use domain::{Command, DomainError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;

const RESOURCE: &str = "Member list";

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/member_lists")
            .get(list)
            .post(create)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/member_lists/{id}")
            .get(get)
            .put(rename)
            .delete(delete)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/member_lists/{id}/members")
            .get(members)
            .put(add)
            .delete(remove)
            .post(set)
            .default_service(web::to(method_not_allowed)),
    );
}

/// `{"member_list": {"name": ...}}`.
#[derive(Debug, Deserialize)]
struct ListInput {
    member_list: NameInput,
}

#[derive(Debug, Deserialize)]
struct NameInput {
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
#[derive(Debug, Deserialize)]
struct MembersInput {
    member_list: IdsInput,
}

#[derive(Debug, Deserialize)]
struct IdsInput {
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

#[derive(Serialize)]
struct Wrapped<'a> {
    member_list: &'a MemberList,
}

/// The list `id` of the caller's account as the read model holds it, or 404.
async fn found(state: &AppState, principal: &Principal, id: u64) -> Result<MemberList, ApiError> {
    read_guard(state, principal).await?;
    state
        .store()
        .member_list(principal.account_id, MemberListId(id))
        .await?
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
    page_body(&page, "member_lists", "member_list", &page.items)
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
    Ok(HttpResponse::Created().json(Wrapped {
        member_list: created,
    }))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let member_list = found(&state, &principal, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Wrapped {
        member_list: &member_list,
    }))
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
    let member_list = found(&state, &principal, id).await?;
    Ok(HttpResponse::Ok().json(Wrapped {
        member_list: &member_list,
    }))
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
    found(&state, &principal, id).await?;
    let page = state
        .store()
        .member_list_members(principal.account_id, MemberListId(id), query.request())
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "page": page.page,
        "per_page": page.per_page,
        "total_entries": page.total_entries,
        "total_pages": page.total_pages,
        "member_list": {"id": id, "member_ids": page.items},
    })))
}

/// The list's ids after a change, `{"member_list": {"id", "member_ids"}}`.
async fn changed(
    state: &AppState,
    principal: &Principal,
    id: u64,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let member_list = found(state, principal, id).await?;
    Ok(HttpResponse::build(status).json(json!({
        "member_list": {"id": id, "member_ids": member_list.member_ids},
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
    changed(&state, &principal, id, StatusCode::CREATED).await
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
    changed(&state, &principal, id, StatusCode::OK).await
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
        .read(principal.account_id, move |account, _| {
            let list = existing(&account.member_lists, &list_id, RESOURCE)?;
            for member in &checked {
                existing(&account.members, member, "Member")?;
            }
            Ok::<Vec<MemberId>, DomainError>(
                list.member_ids.difference(&checked).copied().collect(),
            )
        })
        .await?
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
    changed(&state, &principal, id, StatusCode::CREATED).await
}
