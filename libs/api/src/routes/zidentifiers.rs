//! Zidentifiers: `GET /v1.0/members/{member_id}/offers/{offer_id}/zidentifiers?x_channel_id=`
//! issues the member's zidentifier for the offer on the channel (the reference makes this
//! read create one; asking again answers the same one), and
//! `GET /v1.0/members/zidentifiers/{zid}` reads one back.
//!
//! The answer is the zidentifier under `z_identifier` and, for clients generated from the
//! reference (whose answer names it `manufacturer`, a slip kept for compatibility), under
//! `manufacturer` as well. Since the first read writes, it needs an issuer (or admin) key;
//! reading one back needs an issuer or reporting key. A zid is drawn like a secure credential
//! code (about 54 bits), so links carrying one cannot be enumerated.

use super::common::{write, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::{AccountId, ChannelId, MemberId, OfferId};
use domain::zidentifier::{queries, Zidentifier};
use domain::{AccountState, Command};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/members/zidentifiers/{zid}",
                "getZidentifier",
                "A zidentifier",
            )
            .roles(READ)
            .answers::<ZidentifierAnswer>(200, "The zidentifier"),
            get,
        )
        .add(
            Op::get(
                "/members/{member_id}/offers/{offer_id}/zidentifiers",
                "issueZidentifier",
                "The member's zidentifier for an offer on a channel, issued on first ask",
            )
            .roles(WRITE)
            .query::<ChannelQuery>()
            .answers::<ZidentifierAnswer>(200, "The zidentifier"),
            issue,
        );
}

/// `?x_channel_id=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ChannelQuery {
    x_channel_id: Option<u64>,
}

/// A zidentifier in the reference's field names.
#[derive(Clone, Debug, Serialize, JsonSchema)]
struct ZidentifierView {
    id: u64,
    zid: String,
    member_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    member_identifier: Option<String>,
    offer_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    offer_xid: Option<String>,
    /// The channel (an addition to the reference).
    channel_id: u64,
}

/// The answer: the zidentifier under both keys (see the module documentation).
#[derive(Debug, Serialize, JsonSchema)]
struct ZidentifierAnswer {
    z_identifier: ZidentifierView,
    manufacturer: ZidentifierView,
}

fn answer(
    state: &AppState,
    account: AccountId,
    find: impl FnOnce(&AccountState) -> Option<&Zidentifier>,
) -> Result<HttpResponse, ApiError> {
    let view = state.read(account, move |live, _| {
        find(live).map(|found| ZidentifierView {
            id: found.id.0,
            zid: found.zid.clone(),
            member_id: found.member_id.0,
            member_identifier: live
                .member(found.member_id)
                .map(|member| member.identifier.clone()),
            offer_id: found.offer_id.0,
            offer_xid: live
                .offer_link(found.offer_id, found.channel_id)
                .map(|link| link.xid.clone()),
            channel_id: found.channel_id.0,
        })
    })?;
    let view = view.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(ZidentifierAnswer {
        z_identifier: view.clone(),
        manufacturer: view,
    }))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    zid: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let zid = zid.into_inner();
    answer(&state, principal.account_id, move |live| {
        queries::by_zid(live, &zid)
    })
}

async fn issue(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    query: Query<ChannelQuery>,
) -> Result<HttpResponse, ApiError> {
    let (member, offer) = path.into_inner();
    let (member, offer) = (MemberId(member), OfferId(offer));
    let channel = query.x_channel_id.map(ChannelId);
    let command = Command::IssueZidentifier {
        member_id: member,
        offer_id: offer,
        channel_id: channel,
    };
    write(&state, &principal, &request, command).await?;
    let channel = channel.unwrap_or(ChannelId(0));
    answer(&state, principal.account_id, move |live| {
        queries::of_link(live, member, offer, channel)
    })
}
