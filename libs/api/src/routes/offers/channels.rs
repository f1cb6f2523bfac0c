//! An offer's channel links: `/v1.0/offers/{id}/channels` (`GET` the links with their `xid`,
//! `POST` sets the linked channels to `{"offer": {"channel_ids": [..]}}`, `PUT` adds them,
//! `DELETE` removes them) and `/v1.0/offers/{id}/channels/{channel_id}` (`GET` one link as
//! Sparkfly's `eligible_channel`, `PUT` its per-channel cap `max_redemptions`, `DELETE` it).

use super::view::{live, stored, LinkView};
use super::{follow_up, method_not_allowed};
use crate::auth::Principal;
use crate::http::{ApiError, Body};
use crate::routes::common::{read_guard, write};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::{ChannelId, OfferId};
use domain::{AccountState, Command, DomainError};
use serde::{Deserialize, Deserializer};
use serde_json::json;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/offers/{id}/channels")
            .get(list)
            .post(set)
            .put(add)
            .delete(remove)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/offers/{id}/channels/{channel_id}")
            .get(get)
            .put(cap)
            .delete(unlink)
            .default_service(web::to(method_not_allowed)),
    );
}

/// `{"offer": {"channel_ids": [..]}}`.
#[derive(Debug, Deserialize)]
struct ChannelIdsInput {
    offer: ChannelIds,
}

#[derive(Debug, Deserialize)]
struct ChannelIds {
    channel_ids: Vec<u64>,
}

impl ChannelIdsInput {
    fn ids(self) -> Vec<ChannelId> {
        self.offer.channel_ids.into_iter().map(ChannelId).collect()
    }
}

/// `{"eligible_channel": {"max_redemptions": 10}}` (or `{"channel": ...}`); `null` lifts the
/// cap, an absent `max_redemptions` leaves it as it is.
#[derive(Debug, Deserialize)]
struct CapInput {
    #[serde(alias = "channel")]
    eligible_channel: CapFields,
}

#[derive(Debug, Deserialize)]
struct CapFields {
    #[serde(default, deserialize_with = "present")]
    max_redemptions: Option<Option<u32>>,
}

fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<u32>>, D::Error> {
    Option::<u32>::deserialize(deserializer).map(Some)
}

/// `{"offer": {"channel_ids": [..], "id": ..}}` of offer `id` as it now is.
async fn linked(
    state: &AppState,
    principal: &Principal,
    id: OfferId,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let view = live(state, principal.account_id, id).await?;
    Ok(HttpResponse::build(status).json(json!({
        "offer": {"channel_ids": view.channel_ids(), "id": id}
    })))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let view = stored(&state, principal.account_id, OfferId(id.into_inner())).await?;
    let channels: Vec<_> = view
        .links
        .iter()
        .map(|link| json!({"channel": link.to_json()}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "offer": {
            "id": view.offer.id,
            "channel_ids": view.channel_ids(),
            "channels": channels,
        }
    })))
}

async fn set(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<ChannelIdsInput>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let channel_ids = input.ids();
    let command = Command::LinkOfferChannels {
        offer_id,
        channel_ids: channel_ids.clone(),
    };
    write(&state, &principal, &request, command).await?;
    let others = state
        .read(principal.account_id, move |live: &AccountState, _| {
            let mut others: Vec<ChannelId> = live
                .offer_channels
                .keys()
                .filter(|(offer, channel)| *offer == offer_id && !channel_ids.contains(channel))
                .map(|(_, channel)| *channel)
                .collect();
            others.sort();
            others
        })
        .await?;
    if !others.is_empty() {
        let command = Command::UnlinkOfferChannels {
            offer_id,
            channel_ids: others,
        };
        follow_up(&state, &principal, &request, command, ":unlink").await?;
    }
    linked(&state, &principal, offer_id, StatusCode::CREATED).await
}

async fn add(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<ChannelIdsInput>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let command = Command::LinkOfferChannels {
        offer_id,
        channel_ids: input.ids(),
    };
    write(&state, &principal, &request, command).await?;
    linked(&state, &principal, offer_id, StatusCode::CREATED).await
}

async fn remove(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<ChannelIdsInput>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let command = Command::UnlinkOfferChannels {
        offer_id,
        channel_ids: input.ids(),
    };
    write(&state, &principal, &request, command).await?;
    linked(&state, &principal, offer_id, StatusCode::CREATED).await
}

fn one(status: StatusCode, link: &LinkView) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "eligible_channel": link.to_json() }))
}

const NO_LINK: DomainError = DomainError::NotFound {
    resource: "Offer channel",
};

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let (offer_id, channel_id) = path.into_inner();
    let view = stored(&state, principal.account_id, OfferId(offer_id)).await?;
    let link = view
        .links
        .iter()
        .find(|link| link.link.channel_id == ChannelId(channel_id))
        .ok_or(ApiError::NotFound)?;
    Ok(one(StatusCode::OK, link))
}

async fn cap(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    Body(input): Body<CapInput>,
) -> Result<HttpResponse, ApiError> {
    let (offer_id, channel_id) = path.into_inner();
    let (offer_id, channel_id) = (OfferId(offer_id), ChannelId(channel_id));
    if let Some(max_redemptions) = input.eligible_channel.max_redemptions {
        let command = Command::SetOfferChannelCap {
            offer_id,
            channel_id,
            max_redemptions,
        };
        write(&state, &principal, &request, command).await?;
    } else {
        principal.require(crate::routes::common::WRITE)?;
    }
    let view = live(&state, principal.account_id, offer_id).await?;
    let link = view
        .links
        .iter()
        .find(|link| link.link.channel_id == channel_id)
        .ok_or(ApiError::Domain(NO_LINK))?;
    Ok(one(StatusCode::CREATED, link))
}

async fn unlink(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    let (offer_id, channel_id) = path.into_inner();
    let offer_id = OfferId(offer_id);
    let command = Command::UnlinkOfferChannels {
        offer_id,
        channel_ids: vec![ChannelId(channel_id)],
    };
    if write(&state, &principal, &request, command)
        .await?
        .is_empty()
    {
        return Err(ApiError::Domain(NO_LINK));
    }
    linked(&state, &principal, offer_id, StatusCode::OK).await
}
