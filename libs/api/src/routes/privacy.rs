//! Member privacy: `GET /v1.0/privacy/member/export?member_identifier=` (or
//! `?credential_identifier=`, the member whose credential holds the code): everything the
//! account holds about the member, as one JSON document.
//!
//! From the read model (after it holds the caller's writes): the member's credentials, offer
//! activities, and the redemptions of its credentials as the reference's `transactions`. From
//! the live state: the member, its wallet, points (ledger and transfers) and check-ins (the
//! additions to the reference's `member_export_data`). `impressions` is empty: none are
//! recorded yet. Only issuers (and admins) export: reporting keys read counts, not people.
//! A member not found answers 404 (the reference says 422).

use super::wallet::OfferStateView;
use crate::auth::Principal;
use crate::http::{ApiError, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use domain::account::Role;
use domain::catalog::Member;
use domain::check_in::CheckIns;
use domain::credential::{code, Credential};
use domain::ids::{AccountId, MemberId, RedemptionId, StoreId};
use domain::points::{PointsLedger, PointsTransfer};
use projections::{ActivityKind, OfferActivity};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who may export a member's data: issuers (admins always may).
const EXPORT: &[Role] = &[Role::Issuer];

pub(super) fn routes(routes: &mut Routes) {
    routes.add(
        Op::get(
            "/privacy/member/export",
            "exportMemberData",
            "Everything held about a member",
        )
        .roles(EXPORT)
        .query::<MemberQuery>()
        .answers::<serde_json::Value>(200, "The member's data"),
        export,
    );
}

/// `?member_identifier=` or `?credential_identifier=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct MemberQuery {
    member_identifier: Option<String>,
    credential_identifier: Option<String>,
}

/// One redemption of one of the member's credentials (the reference's `transaction`).
#[derive(Debug, Serialize)]
struct Transaction {
    id: RedemptionId,
    credential_id: Option<domain::ids::CredentialId>,
    member_id: MemberId,
    #[serde(skip_serializing_if = "Option::is_none")]
    store_id: Option<StoreId>,
    created_at: String,
}

/// A member's points: the ledger, the balance, and every transfer to or from them.
#[derive(Debug, Serialize)]
struct Points {
    balance: u64,
    ledger: PointsLedger,
    transfers: Vec<PointsTransfer>,
}

/// The member's check-ins at one store.
#[derive(Debug, Serialize)]
struct StoreCheckIns {
    store_id: StoreId,
    #[serde(flatten)]
    check_ins: CheckIns,
}

/// What the live state holds about the member.
struct Live {
    member: Member,
    offer_states: Vec<OfferStateView>,
    points: Points,
    check_ins: Vec<StoreCheckIns>,
}

/// The export document.
#[derive(Debug, Serialize)]
struct Export {
    member: Member,
    credentials: Vec<Credential>,
    offer_activities: Vec<OfferActivity>,
    transactions: Vec<Transaction>,
    impressions: Vec<serde_json::Value>,
    offer_states: Vec<OfferStateView>,
    points: Points,
    check_ins: Vec<StoreCheckIns>,
}

/// The member `query` names, with what the live state holds about them.
fn live(state: &AppState, account: AccountId, query: MemberQuery) -> Result<Live, ApiError> {
    let by_identifier = query
        .member_identifier
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    let by_code = query
        .credential_identifier
        .map(|text| code::normalize(&text))
        .filter(|text| !text.is_empty());
    if by_identifier.is_none() && by_code.is_none() {
        return Err(ApiError::BadRequest(
            "member_identifier or credential_identifier is required".into(),
        ));
    }
    let found = state.read(account, move |live, now| {
        let member_id = match (&by_identifier, &by_code) {
            (Some(identifier), _) => live.member_id_by_identifier(identifier)?,
            (None, Some(code)) => {
                live.credential(live.credential_id_by_code(code)?)?
                    .member_id
            }
            (None, None) => return None,
        };
        let member = live.member(member_id)?.clone();
        let ledger = domain::points::queries::ledger(live, member_id);
        Some(Live {
            member,
            offer_states: domain::wallet::queries::of_member(live, member_id, None)
                .iter()
                .map(|entry| OfferStateView::new(entry, now))
                .collect(),
            points: Points {
                balance: ledger.balance(),
                ledger,
                transfers: domain::points::queries::transfers_of(live, member_id)
                    .into_iter()
                    .cloned()
                    .collect(),
            },
            check_ins: domain::check_in::queries::of_member(live, member_id)
                .into_iter()
                .map(|(store_id, check_ins)| StoreCheckIns {
                    store_id,
                    check_ins,
                })
                .collect(),
        })
    })?;
    found.ok_or(ApiError::NotFound)
}

fn transactions(activities: &[OfferActivity]) -> Vec<Transaction> {
    let redeemed = ActivityKind::Redeemed.code();
    activities
        .iter()
        .filter(|activity| activity.activity_type == redeemed)
        .filter_map(|activity| {
            Some(Transaction {
                id: activity.transaction_id?,
                credential_id: activity.credential_id,
                member_id: activity.member_id,
                store_id: activity.store_id,
                created_at: domain::time::format_timestamp(&activity.created_at),
            })
        })
        .collect()
}

async fn export(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<MemberQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(EXPORT)?;
    let account = principal.account_id;
    state.read_barrier(account).await?;
    let live = live(&state, account, query.into_inner())?;
    let member = live.member.id;
    let store = state.store();
    let credentials = store.all_member_credentials(account, member).await?;
    let offer_activities = store.all_offer_activities(account, member).await?;
    let export = Export {
        member: live.member,
        credentials,
        transactions: transactions(&offer_activities),
        offer_activities,
        impressions: Vec::new(),
        offer_states: live.offer_states,
        points: live.points,
        check_ins: live.check_ins,
    };
    Ok(HttpResponse::Ok().json(export))
}
