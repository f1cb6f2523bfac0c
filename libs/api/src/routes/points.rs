//! Loyalty points: `GET /v1.0/points/card_status?identifier=&channel_id=` and
//! `POST /v1.0/points/transfer?identifier=&points=&txid=&channel_id=[&from_identifier=]`.
//!
//! A transfer credits the member with `identifier`: from the member with `from_identifier`
//! (an addition to the reference; refused when that member's balance is short) or, without
//! it, granted by the account (a partner's program converting its points, a goodwill credit).
//! The `txid` makes a repeat a no-op that answers the current balance; the same `txid` for a
//! different transfer is refused (400, as a taken unique field is). Both answer Sparkfly's `points_card_status` (its
//! `message`) with the member's balance and ledger beside it, from the live state. Issuers
//! (and admins) transfer, reporting reads.

use super::common::{write, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::{AccountId, ChannelId};
use domain::points::queries::ledger;
use domain::Command;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/points/card_status",
                "getPointsCardStatus",
                "A member's points",
            )
            .roles(READ)
            .query::<StatusQuery>()
            .answers::<CardStatus>(200, "The member's points"),
            card_status,
        )
        .add(
            Op::post(
                "/points/transfer",
                "transferLoyaltyPoints",
                "Transfer points",
            )
            .roles(WRITE)
            .idempotent()
            .query::<TransferQuery>()
            .answers::<CardStatus>(201, "The receiving member's points after it"),
            transfer,
        );
}

/// `?identifier=&channel_id=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct StatusQuery {
    identifier: Option<String>,
    channel_id: Option<u64>,
}

/// `?identifier=&points=&txid=&channel_id=&from_identifier=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct TransferQuery {
    identifier: Option<String>,
    points: Option<i64>,
    txid: Option<String>,
    channel_id: Option<u64>,
    from_identifier: Option<String>,
}

/// A member's points: the reference's `message`, and the ledger beside it.
#[derive(Debug, Serialize, JsonSchema)]
struct CardStatus {
    message: String,
    identifier: String,
    member_id: u64,
    /// Points available.
    points: u64,
    earned: u64,
    clawed_back: u64,
    spent: u64,
    refunded: u64,
    received: u64,
    sent: u64,
}

fn required<'q>(value: &'q Option<String>, name: &str) -> Result<&'q str, ApiError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| ApiError::BadRequest(format!("{name} is required")))
}

/// The points of the member known as `identifier`, after a check that `channel` exists.
fn status(
    state: &AppState,
    account: AccountId,
    identifier: &str,
    channel: Option<ChannelId>,
    message: String,
) -> Result<CardStatus, ApiError> {
    let identifier = identifier.to_owned();
    state.read(account, move |live, _| {
        if channel.is_none_or(|channel| live.channel(channel).is_none()) {
            return Err(ApiError::Domain(domain::DomainError::ChannelRequired));
        }
        let member = live
            .member_id_by_identifier(&identifier)
            .ok_or(ApiError::NotFound)?;
        let found = ledger(live, member);
        Ok(CardStatus {
            message,
            identifier,
            member_id: member.0,
            points: found.balance(),
            earned: found.earned,
            clawed_back: found.clawed_back,
            spent: found.spent,
            refunded: found.refunded,
            received: found.received,
            sent: found.sent,
        })
    })?
}

async fn card_status(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<StatusQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let identifier = required(&query.identifier, "identifier")?;
    let channel = query.channel_id.map(ChannelId);
    let answer = status(
        &state,
        principal.account_id,
        identifier,
        channel,
        "Card is active".into(),
    )?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn transfer(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: Query<TransferQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    let query = query.into_inner();
    let identifier = required(&query.identifier, "identifier")?.to_owned();
    let points = query
        .points
        .ok_or_else(|| ApiError::BadRequest("points is required".into()))?;
    let channel = query.channel_id.map(ChannelId);
    let command = Command::TransferPoints {
        to_identifier: identifier.clone(),
        from_identifier: query.from_identifier,
        channel_id: channel,
        points,
        txid: query.txid.unwrap_or_default(),
    };
    let events = write(&state, &principal, &request, command).await?;
    let message = if events.is_empty() {
        "Transfer already made under this txid".to_owned()
    } else {
        format!("Transferred {points} points")
    };
    let answer = status(&state, principal.account_id, &identifier, channel, message)?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(answer))
}
