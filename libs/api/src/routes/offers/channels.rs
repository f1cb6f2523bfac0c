//! An offer's channel links: `/v1.0/offers/{id}/channels` (`GET` the links with their `xid`,
//! `POST` sets the linked channels to `{"offer": {"channel_ids": [..]}}`, `PUT` adds them,
//! `DELETE` removes them) and `/v1.0/offers/{id}/channels/{channel_id}` (`GET` one link as
//! Sparkfly's `eligible_channel`, `PUT` its per-channel cap `max_redemptions`, `DELETE` it).

use super::follow_up;
use super::view::{live, stored, LinkBody, LinkView};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One};
use crate::openapi::{Op, Routes};
use crate::routes::common::{read_guard, write, READ, WRITE};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::channel::{LinkSecurity, LinkSettingsFields};
use domain::ids::{ChannelId, OfferId};
use domain::offer::queries::channels_beyond;
use domain::{Command, DomainError};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

pub(super) fn routes(routes: &mut Routes) {
    const LINKS: &str = "/offers/{id}/channels";
    const LINK: &str = "/offers/{id}/channels/{channel_id}";
    routes
        .add(
            Op::get(LINKS, "listOfferChannels", "An offer's channel links")
                .roles(READ)
                .answers::<One<OfferChannels>>(200, "The offer's channels and links"),
            list,
        )
        .add(
            Op::post(
                LINKS,
                "setOfferChannels",
                "Make the channels the offer's only ones",
            )
            .roles(WRITE)
            .idempotent()
            .body::<ChannelIdsInput>()
            .answers::<One<OfferChannelIds>>(201, "The offer's channels now"),
            set,
        )
        .add(
            Op::put(LINKS, "addOfferChannels", "Link channels to an offer")
                .roles(WRITE)
                .idempotent()
                .body::<ChannelIdsInput>()
                .answers::<One<OfferChannelIds>>(201, "The offer's channels now"),
            add,
        )
        .add(
            Op::delete(
                LINKS,
                "removeOfferChannels",
                "Unlink channels from an offer",
            )
            .roles(WRITE)
            .idempotent()
            .body::<ChannelIdsInput>()
            .answers::<One<OfferChannelIds>>(201, "The offer's channels now"),
            remove,
        )
        .add(
            Op::get(LINK, "getOfferChannel", "One channel link of an offer")
                .roles(READ)
                .answers::<One<EligibleChannel>>(200, "The link"),
            get,
        )
        .add(
            Op::put(
                LINK,
                "capOfferChannel",
                "Set a link's cap on redemptions, landing-page security, SMS keyword and \
                 return-later flag",
            )
            .roles(WRITE)
            .idempotent()
            .body::<LinkInput>()
            .answers::<One<EligibleChannel>>(201, "The link as changed"),
            cap,
        )
        .add(
            Op::delete(
                LINK,
                "unlinkOfferChannel",
                "Unlink one channel from an offer",
            )
            .roles(WRITE)
            .idempotent()
            .answers::<One<OfferChannelIds>>(200, "The offer's channels now"),
            unlink,
        );
}

/// `{"offer": {"channel_ids": [..]}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ChannelIdsInput {
    /// The channels.
    offer: ChannelIds,
}

/// The channels of a change.
#[derive(Debug, Deserialize, JsonSchema)]
struct ChannelIds {
    /// Channel ids.
    channel_ids: Vec<u64>,
}

impl ChannelIdsInput {
    fn ids(self) -> Vec<ChannelId> {
        self.offer.channel_ids.into_iter().map(ChannelId).collect()
    }
}

/// `{"eligible_channel": {"max_redemptions": 10, "security": "key", "sms_keyword": "BURGER",
/// "allow_return_later": false}}` (or `{"channel": ...}`); absent fields stay as they are.
#[derive(Debug, Deserialize, JsonSchema)]
struct LinkInput {
    /// The link's fields (also read as `channel`).
    #[serde(alias = "channel")]
    eligible_channel: LinkFields,
}

/// What a link's update may set.
#[derive(Debug, Deserialize, JsonSchema)]
struct LinkFields {
    /// Most redemptions of the offer through the channel; `null` lifts the cap, absent
    /// leaves it as it is.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<u32>")]
    max_redemptions: Option<Option<u32>>,
    /// How the landing page is protected: `none` (or empty), `key` (a visit must carry the
    /// link's `security_key`, drawn by the server) or `member` (a visit must name a known
    /// member).
    #[serde(default)]
    security: Option<String>,
    /// The SMS keyword reaching the offer on this channel (letters and digits, unique in the
    /// account; empty clears it). The channel must allow SMS keywords.
    #[serde(default)]
    sms_keyword: Option<String>,
    /// Whether a visitor may come back to the page later.
    #[serde(default)]
    allow_return_later: Option<bool>,
}

impl LinkFields {
    /// The settings named, or why the security is refused.
    fn settings(&self) -> Result<LinkSettingsFields, ApiError> {
        let security = match self.security.as_deref().map(str::trim) {
            None => None,
            Some("" | "none") => Some(LinkSecurity::None),
            Some("key") => Some(LinkSecurity::Key),
            Some("member") => Some(LinkSecurity::Member),
            Some(_) => {
                return Err(ApiError::BadRequest(
                    "security must be one of none, key, member".into(),
                ))
            }
        };
        Ok(LinkSettingsFields {
            security,
            sms_keyword: self.sms_keyword.clone(),
            allow_return_later: self.allow_return_later,
        })
    }
}

/// An offer's channels: `{"id", "channel_ids"}`.
#[derive(Debug, Serialize, JsonSchema)]
struct OfferChannelIds {
    /// The offer's id.
    id: OfferId,
    /// The channels it runs on.
    channel_ids: Vec<ChannelId>,
}

impl Named for OfferChannelIds {
    const ONE: &'static str = "offer";
    const MANY: &'static str = "offers";
}

/// An offer's channels and their links.
#[derive(Debug, Serialize, JsonSchema)]
struct OfferChannels<'a> {
    /// The offer's id.
    id: OfferId,
    /// The channels it runs on.
    channel_ids: Vec<ChannelId>,
    /// Its links, with each channel's name.
    channels: Vec<One<LinkBody<'a>>>,
}

impl Named for OfferChannels<'_> {
    const ONE: &'static str = "offer";
    const MANY: &'static str = "offers";
}

/// A link, answered as Sparkfly's `eligible_channel`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(transparent)]
struct EligibleChannel<'a>(LinkBody<'a>);

impl Named for EligibleChannel<'_> {
    const ONE: &'static str = "eligible_channel";
    const MANY: &'static str = "eligible_channels";
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
    Ok(HttpResponse::build(status).json(One(OfferChannelIds {
        id,
        channel_ids: view.channel_ids(),
    })))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let view = stored(&state, principal.account_id, OfferId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(One(OfferChannels {
        id: view.offer.id,
        channel_ids: view.channel_ids(),
        channels: view.links.iter().map(|link| One(link.body())).collect(),
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
    let others = state.read(principal.account_id, move |live, _| {
        channels_beyond(live, offer_id, &channel_ids)
    })?;
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
    HttpResponse::build(status).json(One(EligibleChannel(link.body())))
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
    Body(input): Body<LinkInput>,
) -> Result<HttpResponse, ApiError> {
    let (offer_id, channel_id) = path.into_inner();
    let (offer_id, channel_id) = (OfferId(offer_id), ChannelId(channel_id));
    let fields = input.eligible_channel;
    let settings = fields.settings()?;
    principal.require(WRITE)?;
    let mut wrote = false;
    if let Some(max_redemptions) = fields.max_redemptions {
        let command = Command::SetOfferChannelCap {
            offer_id,
            channel_id,
            max_redemptions,
        };
        write(&state, &principal, &request, command).await?;
        wrote = true;
    }
    if settings != LinkSettingsFields::default() {
        let command = Command::ConfigureOfferChannel {
            offer_id,
            channel_id,
            fields: settings,
        };
        if wrote {
            follow_up(&state, &principal, &request, command, ":settings").await?;
        } else {
            write(&state, &principal, &request, command).await?;
        }
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
