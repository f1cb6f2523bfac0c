//! The five operations of a plain catalog family, declared and served once for every family
//! that is only these: `GET/POST /<base>` and `GET/PUT/DELETE /<base>/{id}` (merchants,
//! manufacturers, counters, events, POS offer codes). A family says what its commands, events and reads are ([`Resource`]).
//! Writes go through the engine (issuers and admins) and answer with the entity their events
//! recorded; one entity is read from the live state (every answered write included), pages
//! from the read model once it holds the caller's writes (issuers, reporting and admins).

use super::common::{read_guard, write, ListQuery, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::AccountId;
use domain::{AccountState, Command, EventKind};
use projections::{Page, PageRequest, ProjectionError, ReadStore};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// The operation ids of a resource's five operations at one base.
pub(super) struct OperationIds {
    pub(super) list: &'static str,
    pub(super) create: &'static str,
    pub(super) get: &'static str,
    pub(super) update: &'static str,
    pub(super) delete: &'static str,
}

/// What the OpenAPI document says each of the five operations does.
pub(super) struct Summaries {
    pub(super) list: &'static str,
    pub(super) create: &'static str,
    pub(super) get: &'static str,
    pub(super) update: &'static str,
    pub(super) delete: &'static str,
}

/// A plain catalog family.
pub(super) trait Resource: 'static {
    /// What is answered, under its [`Named`] keys.
    type Entity: Serialize + Named + JsonSchema + Clone;
    /// The body of a create or update (`{"<one>": {...}}`).
    type Input: DeserializeOwned + JsonSchema + 'static;
    /// The collection's path, below `/v1.0` (`/merchants`).
    const BASE: &'static str;
    /// The operations' ids.
    const IDS: OperationIds;
    /// The operations' summaries.
    const SUMMARIES: Summaries;

    /// The command that creates one from `input`.
    fn create(input: Self::Input) -> Command;
    /// The command that changes one, `id`, with `input`.
    fn update(id: u64, input: Self::Input) -> Command;
    /// The command that deletes one.
    fn delete(id: u64) -> Command;
    /// The entity an event of a create or update recorded, if it is one.
    fn recorded(kind: &EventKind) -> Option<&Self::Entity>;
    /// Entity `id` in an account's live state.
    fn live(state: &AccountState, id: u64) -> Option<&Self::Entity>;
    /// A page of an account's entities from the read model.
    fn page(
        store: &ReadStore,
        account: AccountId,
        page: PageRequest,
    ) -> impl Future<Output = Result<Page<Self::Entity>, ProjectionError>>;
}

/// Declares and serves the five operations of `R`.
pub(super) fn routes<R: Resource>(routes: &mut Routes) {
    let (ids, summaries) = (R::IDS, R::SUMMARIES);
    let one = format!("{}/{{id}}", R::BASE);
    routes
        .add(
            Op::get(R::BASE, ids.list, summaries.list)
                .roles(READ)
                .query::<ListQuery>()
                .answers::<Paged<R::Entity>>(200, "A page of them"),
            list::<R>,
        )
        .add(
            Op::post(R::BASE, ids.create, summaries.create)
                .roles(WRITE)
                .idempotent()
                .body::<R::Input>()
                .answers::<One<R::Entity>>(201, "The one created"),
            create::<R>,
        )
        .add(
            Op::get(&one, ids.get, summaries.get)
                .roles(READ)
                .answers::<One<R::Entity>>(200, "The one asked for"),
            get::<R>,
        )
        .add(
            Op::put(&one, ids.update, summaries.update)
                .roles(WRITE)
                .idempotent()
                .body::<R::Input>()
                .answers::<One<R::Entity>>(200, "The one as changed"),
            update::<R>,
        )
        .add(
            Op::delete(&one, ids.delete, summaries.delete)
                .roles(WRITE)
                .idempotent()
                .empty(200, "Deleted"),
            delete::<R>,
        );
}

/// `{"<one>": entity}` with `status`.
pub(super) fn one<T: Serialize + Named>(status: StatusCode, entity: &T) -> HttpResponse {
    HttpResponse::build(status).json(One(entity))
}

/// Entity `id` of `R` in the caller's account, as its live state holds it, or 404.
pub(super) fn found<R: Resource>(
    state: &AppState,
    principal: &Principal,
    id: u64,
) -> Result<R::Entity, ApiError> {
    principal.require(READ)?;
    state
        .read(principal.account_id, |live, _| R::live(live, id).cloned())?
        .ok_or(ApiError::NotFound)
}

/// Runs `command` and answers `status` with the entity its events recorded.
async fn recorded<R: Resource>(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    command: Command,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let events = write(state, principal, request, command).await?;
    let entity = events
        .iter()
        .find_map(|event| R::recorded(&event.kind))
        .ok_or_else(|| ApiError::internal(format!("the command recorded no {}", R::Entity::ONE)))?;
    Ok(one(status, entity))
}

async fn list<R: Resource>(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let page = R::page(state.store(), principal.account_id, query.request()).await?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn create<R: Resource>(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<R::Input>,
) -> Result<HttpResponse, ApiError> {
    let command = R::create(input);
    recorded::<R>(&state, &principal, &request, command, StatusCode::CREATED).await
}

async fn get<R: Resource>(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let entity = found::<R>(&state, &principal, id.into_inner())?;
    Ok(one(StatusCode::OK, &entity))
}

async fn update<R: Resource>(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<R::Input>,
) -> Result<HttpResponse, ApiError> {
    let command = R::update(id.into_inner(), input);
    recorded::<R>(&state, &principal, &request, command, StatusCode::OK).await
}

async fn delete<R: Resource>(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    write(&state, &principal, &request, R::delete(id.into_inner())).await?;
    Ok(HttpResponse::Ok().finish())
}
