//! Channels: `GET/POST /v1.0/channels` and `GET/PUT/DELETE /v1.0/channels/{id}`. Writes go
//! through the engine and answer with the channel their events recorded (`code_format` and
//! `code_lifetime` beside Sparkfly's fields); reads come from the read model once it holds the
//! caller's writes. Issuers (and admins) write, reporting reads.
//!
//! A `conversion_callback_url` that points at an internal address is refused (400, see
//! `callback_urls`).
//!
//! `hmac_secret` (the key callbacks are signed with while `allow_hmac` is on) is shown to those
//! who may write the channel, never to reporting; `"rotate_hmac_secret": true` in an update
//! draws a new one.

use super::callback_urls::vet_callback_url;
use super::common::{read_guard, write, ListQuery, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::channel::{Channel, ChannelFields, CodeFormat};
use domain::ids::ChannelId;
use domain::{Command, Event, EventKind};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get("/channels", "listChannels", "The account's channels")
                .roles(READ)
                .query::<ListQuery>()
                .answers::<Paged<Channel>>(200, "A page of channels"),
            list,
        )
        .add(
            Op::post("/channels", "createChannel", "Create a channel")
                .roles(WRITE)
                .idempotent()
                .body::<ChannelInput>()
                .answers::<One<Channel>>(201, "The channel created"),
            create,
        )
        .add(
            Op::get("/channels/{id}", "getChannel", "A channel")
                .roles(READ)
                .answers::<One<Channel>>(
                    200,
                    "The channel (without hmac_secret for those who may not write it)",
                ),
            get,
        )
        .add(
            Op::put("/channels/{id}", "updateChannel", "Change a channel")
                .roles(WRITE)
                .idempotent()
                .body::<ChannelInput>()
                .answers::<One<Channel>>(200, "The channel as changed"),
            update,
        )
        .add(
            Op::delete("/channels/{id}", "deleteChannel", "Delete a channel")
                .roles(WRITE)
                .idempotent()
                .empty(200, "Deleted"),
            delete,
        );
}

impl Named for Channel {
    const ONE: &'static str = "channel";
    const MANY: &'static str = "channels";
}

/// `{"channel": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct ChannelInput {
    /// The channel's fields.
    channel: FieldsInput,
}

/// A channel's fields; absent ones stay as they are.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name (required on create).
    name: Option<String>,
    /// Whether SMS keywords are allowed.
    allow_sms_keyword: Option<bool>,
    /// Whether conversion callbacks are signed (turning it on draws an `hmac_secret`).
    allow_hmac: Option<bool>,
    /// Url called on every redemption, with `%{...}` placeholders; an http or https url
    /// that does not point at an internal address.
    conversion_callback_url: Option<String>,
    /// How codes issued on it look.
    code_format: Option<CodeFormat>,
    /// Seconds a code issued on it lives (at most 3,600 with numeric codes).
    code_lifetime: Option<u32>,
    /// Draws a new `hmac_secret` (the old one stops signing at once).
    #[serde(default)]
    rotate_hmac_secret: bool,
}

/// The field's name in errors, as the domain's url rule names it.
const CALLBACK_URL: &str = "Conversion callback url";

/// Checks the callback url of `input`, once the principal may write channels.
async fn vet(
    state: &AppState,
    principal: &Principal,
    input: &ChannelInput,
) -> Result<(), ApiError> {
    principal.require(WRITE)?;
    let url = input.channel.conversion_callback_url.as_deref();
    vet_callback_url(state, CALLBACK_URL, url).await
}

impl From<ChannelInput> for ChannelFields {
    fn from(input: ChannelInput) -> Self {
        let fields = input.channel;
        Self {
            name: fields.name,
            allow_sms_keyword: fields.allow_sms_keyword,
            allow_hmac: fields.allow_hmac,
            conversion_callback_url: fields.conversion_callback_url,
            code_format: fields.code_format,
            code_lifetime: fields.code_lifetime,
            rotate_hmac_secret: fields.rotate_hmac_secret,
        }
    }
}

fn one(status: StatusCode, channel: &Channel) -> HttpResponse {
    HttpResponse::build(status).json(One(channel))
}

/// `channel` as `principal` may see it: without its secret unless they may write it.
fn shown(principal: &Principal, channel: &Channel) -> Channel {
    let mut channel = channel.clone();
    if principal.require(WRITE).is_err() {
        channel.hmac_secret = None;
    }
    channel
}

fn recorded(events: &[Event]) -> Result<&Channel, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::ChannelCreated(channel) | EventKind::ChannelUpdated(channel) => {
                Some(channel)
            }
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no channel"))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let page = state
        .store()
        .channels(principal.account_id, query.request())
        .await?;
    let rows = page
        .items
        .iter()
        .map(|channel| shown(&principal, channel))
        .collect();
    Ok(HttpResponse::Ok().json(Paged::of(&page, rows)))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<ChannelInput>,
) -> Result<HttpResponse, ApiError> {
    vet(&state, &principal, &input).await?;
    let command = Command::CreateChannel {
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    Ok(one(StatusCode::CREATED, recorded(&events)?))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let channel = state
        .store()
        .channel(principal.account_id, ChannelId(id.into_inner()))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(one(StatusCode::OK, &shown(&principal, &channel)))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<ChannelInput>,
) -> Result<HttpResponse, ApiError> {
    vet(&state, &principal, &input).await?;
    let command = Command::UpdateChannel {
        channel_id: ChannelId(id.into_inner()),
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    Ok(one(StatusCode::OK, recorded(&events)?))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::DeleteChannel {
        channel_id: ChannelId(id.into_inner()),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}
