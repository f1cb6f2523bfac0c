//! Campaigns:
//!
//! - `GET /v1.0/campaigns?external_id=`: the campaign with the account's external id (the
//!   reference's only read of the collection: there is no list).
//! - `POST /v1.0/campaigns`: `{"campaign": {"offer_id", "channel_name" or "channel_id",
//!   "external_id", "name", "description", "funding_source", "pos_offer_code",
//!   "start_display_at", "stop_display_at"}}`; answers 200 as the reference says.
//! - `GET /v1.0/campaigns/search?channel_id=`: the campaigns running on a channel now
//!   (displayed, with an offer redeemable now), as the reference's `campaign_simplified`.
//! - `GET/PUT/DELETE /v1.0/campaigns/{id}`.
//!
//! `name` and `channel_id` are additions: the reference's input has neither, so a campaign
//! without a name takes its offer's, and `channel_name` names the channel (it must name
//! exactly one). The reference's other inputs (code counts and refs, templates, store
//! numbers, reusable codes, security) are accepted and not kept. Answers are read from the
//! live state; what the offer says (window, per-member limit, terms, the xid on the channel)
//! is read from the offer. Issuers (and admins) write, reporting reads.

use super::common::{path_id, write, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, Query, Reported};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::campaign::{queries, Campaign, CampaignFields};
use domain::ids::{AccountId, CampaignId, ChannelId, OfferId};
use domain::offer::OfferStatus;
use domain::time::format_timestamp;
use domain::{AccountState, Command, EventKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/campaigns",
                "getCampaignByExternalId",
                "A campaign by external id",
            )
            .roles(READ)
            .query::<ExternalQuery>()
            .answers::<Reported<CampaignView>>(200, "The campaign"),
            by_external_id,
        )
        .add(
            Op::post("/campaigns", "createCampaign", "Create a campaign")
                .roles(WRITE)
                .idempotent()
                .body::<CampaignInput>()
                .answers::<Reported<CampaignView>>(200, "The campaign created"),
            create,
        )
        .add(
            Op::get(
                "/campaigns/search",
                "searchCampaigns",
                "Campaigns running on a channel",
            )
            .roles(READ)
            .query::<ChannelQuery>()
            .answers::<Vec<CampaignSimplified>>(200, "The running campaigns"),
            search,
        )
        .add(
            Op::get("/campaigns/{campaign_id}", "getCampaign", "A campaign")
                .roles(READ)
                .answers::<Reported<CampaignView>>(200, "The campaign"),
            get,
        )
        .add(
            Op::put(
                "/campaigns/{campaign_id}",
                "updateCampaign",
                "Change a campaign",
            )
            .roles(WRITE)
            .idempotent()
            .body::<CampaignInput>()
            .answers::<Reported<CampaignView>>(200, "The campaign as changed"),
            update,
        )
        .add(
            Op::delete(
                "/campaigns/{campaign_id}",
                "deleteCampaign",
                "Delete a campaign",
            )
            .roles(WRITE)
            .idempotent()
            .empty(200, "Deleted"),
            delete,
        );
}

/// `?external_id=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ExternalQuery {
    external_id: Option<String>,
}

/// `?channel_id=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ChannelQuery {
    channel_id: Option<u64>,
}

/// `{"campaign": {...}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct CampaignInput {
    campaign: CampaignBody,
}

/// A campaign as a client sends it; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
struct CampaignBody {
    name: Option<String>,
    external_id: Option<String>,
    offer_id: Option<u64>,
    channel_id: Option<u64>,
    channel_name: Option<String>,
    description: Option<String>,
    funding_source: Option<String>,
    pos_offer_code: Option<String>,
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    start_display_at: Option<DateTime<Utc>>,
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    stop_display_at: Option<DateTime<Utc>>,
}

/// A campaign in the reference's field names.
#[derive(Debug, Serialize, JsonSchema)]
struct CampaignView {
    id: u64,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offer_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    xid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    funding_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pos_offer_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_display_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_display_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    activation_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_redemptions_per_member: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    terms_and_conditions: Option<String>,
    /// `pending` (its offer is not approved), `scheduled` (before its display window),
    /// `ended` (after it, or its offer ended) or `active`.
    status: &'static str,
}

impl Named for CampaignView {
    const ONE: &'static str = "campaign";
    const MANY: &'static str = "campaigns";
}

/// A running campaign, as the reference's search lists it.
#[derive(Debug, Serialize, JsonSchema)]
struct CampaignSimplified {
    campaign_id: String,
    campaign_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

fn status(state: &AccountState, campaign: &Campaign, now: DateTime<Utc>) -> &'static str {
    let offer = campaign.offer_id.and_then(|offer| state.offer(offer));
    if offer.is_some_and(|offer| offer.status == OfferStatus::Pending) {
        "pending"
    } else if campaign.start_display_at.is_some_and(|start| now < start) {
        "scheduled"
    } else if !campaign.is_displayed_at(now)
        || offer.is_some_and(|offer| !offer.is_redeemable_at(now))
    {
        "ended"
    } else {
        "active"
    }
}

impl CampaignView {
    fn new(state: &AccountState, campaign: &Campaign, now: DateTime<Utc>) -> Self {
        let offer = campaign.offer_id.and_then(|offer| state.offer(offer));
        let xid = campaign
            .offer_id
            .zip(campaign.channel_id)
            .and_then(|(offer, channel)| state.offer_link(offer, channel))
            .map(|link| link.xid.clone());
        Self {
            id: campaign.id.0,
            name: campaign.name.clone(),
            external_id: campaign.external_id.clone(),
            offer_id: campaign.offer_id.map(|offer| offer.0),
            channel_id: campaign.channel_id.map(|channel| channel.0),
            channel_name: campaign
                .channel_id
                .and_then(|channel| state.channel(channel))
                .map(|channel| channel.name.clone()),
            xid,
            description: campaign.description.clone(),
            funding_source: campaign.funding_source.clone(),
            pos_offer_code: campaign.pos_offer_code.clone(),
            start_display_at: campaign.start_display_at.as_ref().map(format_timestamp),
            stop_display_at: campaign.stop_display_at.as_ref().map(format_timestamp),
            activation_date: offer
                .and_then(|offer| offer.activates_at.as_ref().map(format_timestamp)),
            expiration_date: offer
                .and_then(|offer| offer.expires_at.as_ref().map(format_timestamp)),
            max_redemptions_per_member: offer
                .and_then(|offer| offer.limits.max_redemptions_per_member)
                .map(|limit| limit.to_string()),
            terms_and_conditions: offer.and_then(|offer| offer.terms_and_conditions.clone()),
            status: status(state, campaign, now),
        }
    }
}

/// The campaign `find` picks from the live state, answered.
fn answer(
    state: &AppState,
    account: AccountId,
    find: impl FnOnce(&AccountState) -> Option<&Campaign>,
) -> Result<HttpResponse, ApiError> {
    let view = state.read(account, move |live, now| {
        find(live).map(|campaign| CampaignView::new(live, campaign, now))
    })?;
    Ok(HttpResponse::Ok().json(Reported(view.ok_or(ApiError::NotFound)?)))
}

/// The domain's fields of `body`, its `channel_name` resolved in the live state.
fn fields(
    state: &AppState,
    account: AccountId,
    body: CampaignBody,
) -> Result<CampaignFields, ApiError> {
    let channel_id = match (body.channel_id, body.channel_name) {
        (Some(id), _) => Some(ChannelId(id)),
        (None, Some(name)) => Some(channel_named(state, account, name)?),
        (None, None) => None,
    };
    Ok(CampaignFields {
        name: body.name,
        external_id: body.external_id,
        offer_id: body.offer_id.map(OfferId),
        channel_id,
        description: body.description,
        funding_source: body.funding_source,
        pos_offer_code: body.pos_offer_code,
        start_display_at: body.start_display_at,
        stop_display_at: body.stop_display_at,
    })
}

fn channel_named(
    state: &AppState,
    account: AccountId,
    name: String,
) -> Result<ChannelId, ApiError> {
    let wanted = name.trim().to_owned();
    let found = state.read(account, move |live, _| {
        live.channels()
            .filter(|channel| channel.name == wanted)
            .map(|channel| channel.id)
            .take(2)
            .collect::<Vec<_>>()
    })?;
    match found.as_slice() {
        [id] => Ok(*id),
        [] => Err(ApiError::BadRequest("channel_name names no channel".into())),
        _ => Err(ApiError::BadRequest(
            "channel_name names several channels: give channel_id".into(),
        )),
    }
}

fn recorded(events: &[domain::Event]) -> Result<CampaignId, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::CampaignCreated(campaign) | EventKind::CampaignUpdated(campaign) => {
                Some(campaign.id)
            }
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no campaign"))
}

async fn by_external_id(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ExternalQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let external = query
        .into_inner()
        .external_id
        .filter(|external| !external.trim().is_empty())
        .ok_or_else(|| ApiError::BadRequest("external_id is required".into()))?;
    answer(&state, principal.account_id, move |live| {
        queries::by_external_id(live, &external)
    })
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<CampaignInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    let account = principal.account_id;
    let command = Command::CreateCampaign {
        fields: fields(&state, account, input.campaign)?,
    };
    let id = recorded(&write(&state, &principal, &request, command).await?)?;
    answer(&state, account, move |live| queries::campaign(live, id))
}

async fn search(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ChannelQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let channel = ChannelId(
        query
            .channel_id
            .ok_or_else(|| ApiError::BadRequest("channel_id is required".into()))?,
    );
    let found = state.read(principal.account_id, move |live, now| {
        queries::running_on(live, channel, now)
            .into_iter()
            .map(|campaign| CampaignSimplified {
                campaign_id: campaign.id.to_string(),
                campaign_name: campaign.name.clone(),
                expires_at: campaign
                    .offer_id
                    .and_then(|offer| live.offer(offer))
                    .and_then(|offer| offer.expires_at.as_ref().map(format_timestamp)),
            })
            .collect::<Vec<_>>()
    })?;
    Ok(HttpResponse::Ok().json(found))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let id = CampaignId(path_id(id.into_inner())?);
    answer(&state, principal.account_id, move |live| {
        queries::campaign(live, id)
    })
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<CampaignInput>,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    let account = principal.account_id;
    let command = Command::UpdateCampaign {
        campaign_id: CampaignId(path_id(id.into_inner())?),
        fields: fields(&state, account, input.campaign)?,
    };
    let id = recorded(&write(&state, &principal, &request, command).await?)?;
    answer(&state, account, move |live| queries::campaign(live, id))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::DeleteCampaign {
        campaign_id: CampaignId(path_id(id.into_inner())?),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}
