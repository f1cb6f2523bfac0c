//! Offers: `GET/POST /v1.0/offers` (with `?merchant_id=&name=&sort_by=&order=`),
//! `GET/PUT/DELETE /v1.0/offers/{id}`, the lifecycle actions
//! `PUT /v1.0/offers/{id}/actions/approve` and (our extension) `.../actions/stop`, and
//! `GET /v1.0/merchants/{merchant_id}/offers`. The offer's channel
//! links live in [`channels`], its eligibility in [`eligibility`] and [`item_sets`].
//!
//! Writes go through the engine and answer with the offer their events recorded (its channel
//! links, and the offer itself where the events do not carry it, from the partition's live
//! state); reads come from the read model once it holds the caller's writes. Issuers (and
//! admins) write, reporting reads.

mod channels;
mod eligibility;
mod item_sets;
mod passbook;
mod view;

use super::common::{paginate, read_guard, write, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, IdempotencyKey, One, Paged, Query, RequestId};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::{AccountId, MerchantId, OfferId};
use domain::offer::{Offer, OfferFields};
use domain::{Command, Event, EventKind};
use projections::{OfferListing, OfferRow, OfferSort, Page, PageRequest, MAX_PER_PAGE};
use schemars::JsonSchema;
use serde::Deserialize;
use view::{live, stored, with_live_links, ChannelNames, OfferBody, OfferView};

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get("/offers", "listOffers", "The account's offers")
                .roles(READ)
                .query::<OffersQuery>()
                .answers::<Paged<OfferBody>>(200, "A page of offers"),
            list,
        )
        .add(
            Op::post("/offers", "createOffer", "Create an offer (pending)")
                .roles(WRITE)
                .idempotent()
                .body::<OfferInput>()
                .answers::<One<OfferBody>>(201, "The offer created"),
            create,
        )
        .add(
            Op::get("/offers/{id}", "getOffer", "An offer")
                .roles(READ)
                .answers::<One<OfferBody>>(200, "The offer"),
            get,
        )
        .add(
            Op::put("/offers/{id}", "updateOffer", "Change an offer")
                .roles(WRITE)
                .idempotent()
                .body::<OfferInput>()
                .answers::<One<OfferBody>>(200, "The offer as changed"),
            update,
        )
        .add(
            Op::delete("/offers/{id}", "deleteOffer", "Delete an offer")
                .roles(WRITE)
                .idempotent()
                .empty(200, "Deleted"),
            delete,
        )
        .add(
            Op::put(
                "/offers/{id}/actions/approve",
                "approveOffer",
                "Approve an offer: it runs within its window",
            )
            .roles(WRITE)
            .idempotent()
            .answers::<One<OfferBody>>(200, "The offer as approved"),
            approve,
        )
        .add(
            Op::put(
                "/offers/{id}/actions/stop",
                "stopOffer",
                "Stop an offer: no new credentials, no redemptions",
            )
            .roles(WRITE)
            .idempotent()
            .answers::<One<OfferBody>>(200, "The offer as stopped"),
            stop,
        )
        .add(
            Op::get(
                "/merchants/{merchant_id}/offers",
                "listMerchantOffers",
                "The offers a merchant runs or whose stores may redeem",
            )
            .roles(READ)
            .query::<OffersQuery>()
            .answers::<Paged<OfferBody>>(200, "A page of offers"),
            merchant_offers,
        );
    channels::routes(routes);
    eligibility::routes(routes);
    item_sets::routes(routes);
    passbook::routes(routes);
}

/// `{"offer": {...}}`, the body of a create or update, in Sparkfly's field names (and the
/// domain's `reward_kind`, `reward_value`); unknown fields are ignored.
#[derive(Debug, Deserialize, JsonSchema)]
struct OfferInput {
    /// The offer's fields; absent ones stay as they are.
    offer: OfferFields,
}

/// `?page=&per_page=&merchant_id=&name=&sort_by=&order=` of the offer list.
#[derive(Debug, Deserialize, JsonSchema)]
struct OffersQuery {
    /// The page, from 1.
    page: Option<u32>,
    /// Offers per page.
    per_page: Option<u32>,
    /// Only the offers this merchant runs or whose stores may redeem.
    merchant_id: Option<u64>,
    /// Only the offers whose name holds this text (ASCII letters in either case).
    #[schemars(length(max = 255))]
    name: Option<String>,
    /// Sort by `name`, `start_running_at` (its window's start, else its approval, else its
    /// creation), `status` or `id` (the default); ties by id.
    #[schemars(with = "Option<SortBy>")]
    sort_by: Option<String>,
    /// `asc` (the default) or `desc`.
    #[schemars(with = "Option<SortOrder>")]
    order: Option<String>,
}

/// The keys an offer list sorts by.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum SortBy {
    Name,
    StartRunningAt,
    Status,
    Id,
}

/// The directions of a sort.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum SortOrder {
    Asc,
    Desc,
}

/// Longest name filter of a list.
const MAX_NAME_FILTER: usize = 255;

impl OffersQuery {
    fn request(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }

    /// The filter and order asked for, or why they are refused.
    fn listing(&self) -> Result<OfferListing, ApiError> {
        let name = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty());
        if name.is_some_and(|name| name.chars().count() > MAX_NAME_FILTER) {
            return Err(ApiError::BadRequest(format!(
                "name must be at most {MAX_NAME_FILTER} characters"
            )));
        }
        let sort = match self.sort_by.as_deref().map(str::trim) {
            None | Some("" | "id") => OfferSort::Id,
            Some("name") => OfferSort::Name,
            Some("start_running_at") => OfferSort::StartRunningAt,
            Some("status") => OfferSort::Status,
            Some(_) => {
                return Err(ApiError::BadRequest(
                    "sort_by must be one of name, start_running_at, status, id".into(),
                ))
            }
        };
        let descending = match self.order.as_deref().map(str::trim) {
            None | Some("") => false,
            Some(order) if order.eq_ignore_ascii_case("asc") => false,
            Some(order) if order.eq_ignore_ascii_case("desc") => true,
            Some(_) => return Err(ApiError::BadRequest("order must be asc or desc".into())),
        };
        Ok(OfferListing {
            name: name.map(str::to_owned),
            sort,
            descending,
        })
    }
}

/// Runs `command`, the follow-up of a request's first write, under the request's
/// `Idempotency-Key` with `suffix` appended, so a retry of the request repeats it as well.
pub(super) async fn follow_up(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    command: Command,
    suffix: &str,
) -> Result<Vec<Event>, ApiError> {
    principal.require(WRITE)?;
    let IdempotencyKey(key) = IdempotencyKey::of(request)?;
    let key = key.map(|key| format!("{key}{suffix}"));
    state
        .execute(principal.account_id, command, key, RequestId::of(request))
        .await
}

fn recorded(events: Vec<Event>) -> Result<Offer, ApiError> {
    events
        .into_iter()
        .find_map(|event| match event.kind {
            EventKind::OfferCreated(offer) | EventKind::OfferUpdated(offer) => Some(*offer),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no offer"))
}

/// The Sparkfly list body of `page`, each offer with its named channel links.
async fn offers_page(
    state: &AppState,
    account: AccountId,
    page: Page<OfferRow>,
) -> Result<HttpResponse, ApiError> {
    let now = state.now();
    let mut names = ChannelNames::default();
    let mut views = Vec::with_capacity(page.items.len());
    for row in &page.items {
        let links = names.name(state, account, row.channels.clone()).await?;
        views.push(OfferView {
            offer: row.offer.clone(),
            links,
        });
    }
    let bodies = views.iter().map(|view| view.body(now)).collect();
    Ok(HttpResponse::Ok().json(Paged::of(&page, bodies)))
}

/// Every offer of the account in `listing`, from the read model.
async fn all_offers(
    state: &AppState,
    account: AccountId,
    listing: &OfferListing,
) -> Result<Vec<OfferRow>, ApiError> {
    let mut all = Vec::new();
    let mut number = 1;
    loop {
        let request = PageRequest::new(Some(number), Some(MAX_PER_PAGE));
        let page = state.store().offers(account, listing, request).await?;
        let last = u64::from(number) >= page.total_pages;
        all.extend(page.items);
        if last {
            return Ok(all);
        }
        number += 1;
    }
}

/// The page `request` of the offers run by `merchant` or restricted to its stores.
async fn merchant_page(
    state: &AppState,
    account: AccountId,
    merchant: MerchantId,
    listing: &OfferListing,
    request: PageRequest,
) -> Result<Page<OfferRow>, ApiError> {
    let matching: Vec<OfferRow> = all_offers(state, account, listing)
        .await?
        .into_iter()
        .filter(|row| {
            row.offer.merchant_id == Some(merchant)
                || row.offer.eligibility.merchant_ids.contains(&merchant)
        })
        .collect();
    paginate(matching, request)
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<OffersQuery>,
) -> Result<HttpResponse, ApiError> {
    let listing = query.listing()?;
    read_guard(&state, &principal).await?;
    let account = principal.account_id;
    let request = query.request();
    let page = match query.merchant_id {
        Some(merchant) => {
            merchant_page(&state, account, MerchantId(merchant), &listing, request).await?
        }
        None => state.store().offers(account, &listing, request).await?,
    };
    offers_page(&state, account, page).await
}

async fn merchant_offers(
    state: web::Data<AppState>,
    principal: Principal,
    merchant: web::Path<u64>,
    query: Query<OffersQuery>,
) -> Result<HttpResponse, ApiError> {
    let listing = query.listing()?;
    read_guard(&state, &principal).await?;
    let account = principal.account_id;
    let merchant = MerchantId(merchant.into_inner());
    state
        .store()
        .merchant(account, merchant)
        .await?
        .ok_or(ApiError::NotFound)?;
    let page = merchant_page(&state, account, merchant, &listing, query.request()).await?;
    offers_page(&state, account, page).await
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<OfferInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::CreateOffer {
        fields: input.offer,
    };
    let offer = recorded(write(&state, &principal, &request, command).await?)?;
    let view = with_live_links(&state, principal.account_id, offer).await?;
    Ok(view.respond(StatusCode::CREATED, state.now()))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let view = stored(&state, principal.account_id, OfferId(id.into_inner())).await?;
    Ok(view.respond(StatusCode::OK, state.now()))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<OfferInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::UpdateOffer {
        offer_id: OfferId(id.into_inner()),
        fields: input.offer,
    };
    let offer = recorded(write(&state, &principal, &request, command).await?)?;
    let view = with_live_links(&state, principal.account_id, offer).await?;
    Ok(view.respond(StatusCode::OK, state.now()))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::DeleteOffer {
        offer_id: OfferId(id.into_inner()),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}

/// Runs a lifecycle command on offer `id` and answers with the offer as it now is.
async fn act(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    id: OfferId,
    command: Command,
) -> Result<HttpResponse, ApiError> {
    write(state, principal, request, command).await?;
    let view = live(state, principal.account_id, id).await?;
    Ok(view.respond(StatusCode::OK, state.now()))
}

async fn approve(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let command = Command::ApproveOffer { offer_id };
    act(&state, &principal, &request, offer_id, command).await
}

async fn stop(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let command = Command::StopOffer { offer_id };
    act(&state, &principal, &request, offer_id, command).await
}
