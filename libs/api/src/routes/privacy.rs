//! Member privacy: `GET /v1.0/privacy/member/export?member_identifier=` (or
//! `?credential_identifier=`, the member whose credential holds the code): everything the
//! account holds about the member, as one JSON document; and
//! `POST /v1.0/privacy/member/delete_request` with the same parameters: the member's wallet
//! is voided at once and the member is erased 7 days later (`domain::privacy`), its keys
//! destroyed so that its identifier can never be read again (the `privacy` crate). Answers
//! `{"member_deletion_request": {"member_id", "erase_at", "offer_states_voided"}}`; a repeat
//! while one is pending answers the pending one.
//!
//! From the read model (after it holds the caller's writes): the member's credentials, offer
//! activities, and the redemptions of its credentials as the reference's `transactions`. From
//! the live state: the member, its wallet, points (ledger and transfers) and check-ins (the
//! additions to the reference's `member_export_data`). `impressions` is empty: none are
//! recorded yet. Only issuers (and admins) export: reporting keys read counts, not people.
//! A member not found answers 404 (the reference says 422).

use super::common::write;
use super::wallet::OfferStateView;
use crate::auth::Principal;
use crate::http::{ApiError, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::account::Role;
use domain::catalog::Member;
use domain::check_in::CheckIns;
use domain::credential::{code, Credential};
use domain::ids::{AccountId, MemberId, RedemptionId, StoreId};
use domain::points::{PointsLedger, PointsTransfer};
use domain::{Command, EventKind};
use projections::{ActivityKind, OfferActivity};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who may export a member's data: issuers (admins always may).
const EXPORT: &[Role] = &[Role::Issuer];

pub(super) fn routes(routes: &mut Routes) {
    routes.add(
        Op::post(
            "/privacy/member/delete_request",
            "create_member_deletion_request",
            "Ask for a member's erasure",
        )
        .roles(EXPORT)
        .query::<MemberQuery>()
        .answers::<DeletionAnswer>(200, "The erasure asked for"),
        delete_request,
    );
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

/// Who a query names: by the member's identifier or by a code of theirs.
#[derive(Clone)]
struct MemberLookup {
    by_identifier: Option<String>,
    by_code: Option<String>,
}

impl MemberLookup {
    /// The lookup `query` asks for; one of its parameters is required.
    fn of(query: MemberQuery) -> Result<Self, ApiError> {
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
        Ok(Self {
            by_identifier,
            by_code,
        })
    }

    /// The member it names in `live`.
    fn member_in(&self, live: &domain::AccountState) -> Option<MemberId> {
        match (&self.by_identifier, &self.by_code) {
            (Some(identifier), _) => live.member_id_by_identifier(identifier),
            (None, Some(code)) => Some(
                live.credential(live.credential_id_by_code(code)?)?
                    .member_id,
            ),
            (None, None) => None,
        }
    }
}

/// The member `query` names, with what the live state holds about them.
fn live(state: &AppState, account: AccountId, query: MemberQuery) -> Result<Live, ApiError> {
    let lookup = MemberLookup::of(query)?;
    let found = state.read(account, move |live, now| {
        let member_id = lookup.member_in(live)?;
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

/// The answer to an erasure request.
#[derive(Debug, Serialize, JsonSchema)]
struct DeletionAnswer {
    member_deletion_request: DeletionRequest,
}

/// An erasure asked for.
#[derive(Debug, Serialize, JsonSchema)]
struct DeletionRequest {
    member_id: MemberId,
    /// When the member is erased.
    erase_at: String,
    /// Wallet entries this request voided (0 for a repeat).
    offer_states_voided: usize,
}

async fn delete_request(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: Query<MemberQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(EXPORT)?;
    let account = principal.account_id;
    let lookup = MemberLookup::of(query.into_inner())?;
    let member_id = state
        .read(account, move |live, _| lookup.member_in(live))?
        .ok_or(ApiError::NotFound)?;
    let command = Command::RequestMemberErasure { member_id };
    let events = write(&state, &principal, &request, command).await?;
    let requested = events.iter().find_map(|event| match &event.kind {
        EventKind::MemberErasureRequested(requested) => Some(requested.erase_at),
        _ => None,
    });
    let erase_at = match requested {
        Some(at) => at,
        None => state
            .read(account, move |live, _| {
                domain::privacy::queries::erasure_due(live, member_id)
            })?
            .ok_or(ApiError::NotFound)?,
    };
    let voided = events
        .iter()
        .filter(|event| matches!(event.kind, EventKind::OfferStateVoided(_)))
        .count();
    Ok(HttpResponse::Ok().json(DeletionAnswer {
        member_deletion_request: DeletionRequest {
            member_id,
            erase_at: domain::time::format_timestamp(&erase_at),
            offer_states_voided: voided,
        },
    }))
}
