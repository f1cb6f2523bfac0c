//! Where offers can be redeemed, answered from the account's live state (serialised straight
//! from the published view, nothing copied) by the domain's own rule
//! (`domain::redemption::{stores_redeeming, offers_redeemable_at, stores_with_offers}`), so
//! they say exactly what a terminal at that store would be allowed now:
//!
//! - `GET /v1.0/merchants/stores/index`: the stores with at least one redeemable offer;
//! - `GET /v1.0/merchants/stores/nearby/index?lat=&lng=` and
//!   `GET /v1.0/merchants/stores/nearby/{lat}/{lng}/index`: those within `radius` metres of
//!   the point (50 km unless given), nearest first;
//! - `GET /v1.0/merchants/stores/{store_id}`: a store by id, whatever its merchant;
//! - `GET /v1.0/merchants/{merchant_id}/stores/{store_id}/offers`: `{"offer_ids": [...]}`, the
//!   offers redeemable at that store of that merchant;
//! - `GET /v1.0/offers/{offer_id}/stores`: the stores an offer is redeemable at.
//!
//! The lists page as every list does (`page`, `per_page`), in id order; given a point
//! (`lat`, `lng`), nearest first with each store's distance (see `near`). Tags and `sort_by`
//! are not served (stores carry no tags). Issuers and reporting read.

mod near;

use super::common::READ;
use super::stores::{view, StoreView};
use crate::auth::Principal;
use crate::http::{ApiError, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use domain::ids::{MerchantId, OfferId, StoreId};
use domain::redemption::{
    offers_redeemable_at_store_of, stores_redeeming_offer, stores_with_offers,
};
use near::{NearQuery, RadiusQuery};
use schemars::JsonSchema;
use serde::Serialize;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/merchants/stores/index",
                "listStoresWithOffers",
                "The stores at which at least one offer is redeemable now",
            )
            .roles(READ)
            .query::<NearQuery>()
            .answers::<Paged<StoreView>>(200, "A page of stores"),
            with_offers,
        )
        .add(
            Op::get(
                "/merchants/stores/nearby/index",
                "listNearbyStoresWithOffers",
                "The stores near a point at which at least one offer is redeemable now",
            )
            .roles(READ)
            .query::<NearQuery>()
            .answers::<Paged<StoreView>>(200, "A page of stores, nearest first"),
            nearby,
        )
        .add(
            Op::get(
                "/merchants/stores/nearby/{lat}/{lng}/index",
                "listStoresWithOffersNear",
                "The stores near the point of the path at which an offer is redeemable now",
            )
            .roles(READ)
            .query::<RadiusQuery>()
            .answers::<Paged<StoreView>>(200, "A page of stores, nearest first"),
            nearby_path,
        )
        .add(
            Op::get(
                "/merchants/stores/{store_id}",
                "getStoreById",
                "A store by id, whatever its merchant",
            )
            .roles(READ)
            .answers::<One<StoreView>>(200, "The store"),
            store,
        )
        .add(
            Op::get(
                "/merchants/{merchant_id}/stores/{store_id}/offers",
                "listStoreOffers",
                "The offers redeemable now at a store of a merchant",
            )
            .roles(READ)
            .answers::<OfferIds>(200, "Their ids"),
            store_offers,
        )
        .add(
            Op::get(
                "/offers/{offer_id}/stores",
                "listOfferStores",
                "The stores an offer is redeemable at now",
            )
            .roles(READ)
            .query::<NearQuery>()
            .answers::<Paged<StoreView>>(200, "A page of stores"),
            offer_stores,
        );
}

/// `{"offer_ids": [...]}`.
#[derive(Debug, Serialize, JsonSchema)]
struct OfferIds {
    /// The offers, by id.
    offer_ids: Vec<OfferId>,
}

async fn with_offers(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<NearQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    state.read(principal.account_id, |live, now| {
        query.answer(stores_with_offers(live, now))
    })?
}

async fn nearby(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<NearQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let search = query.required_search()?;
    state.read(principal.account_id, |live, now| {
        search.answer(stores_with_offers(live, now), query.request())
    })?
}

async fn nearby_path(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    query: Query<RadiusQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let (lat, lng) = path.into_inner();
    let search = query.search(&lat, &lng)?;
    state.read(principal.account_id, |live, now| {
        search.answer(stores_with_offers(live, now), query.request())
    })?
}

async fn store(
    state: web::Data<AppState>,
    principal: Principal,
    store: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let id = StoreId(store.into_inner());
    state
        .read(principal.account_id, move |live, _| {
            live.store(id)
                .map(|store| HttpResponse::Ok().json(One(view(store))))
        })?
        .ok_or(ApiError::NotFound)
}

async fn store_offers(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let (merchant, store) = path.into_inner();
    let (merchant, store) = (MerchantId(merchant), StoreId(store));
    let offer_ids = state
        .read(principal.account_id, move |live, now| {
            offers_redeemable_at_store_of(live, merchant, store, now)
        })?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(OfferIds { offer_ids }))
}

async fn offer_stores(
    state: web::Data<AppState>,
    principal: Principal,
    offer: web::Path<u64>,
    query: Query<NearQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let offer = OfferId(offer.into_inner());
    state
        .read(principal.account_id, move |live, now| {
            stores_redeeming_offer(live, offer, now).map(|stores| query.answer(stores))
        })?
        .ok_or(ApiError::NotFound)?
}
