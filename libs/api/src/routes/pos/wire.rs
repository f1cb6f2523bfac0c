//! The wire shapes of the point-of-sale API: the request body a terminal sends, and the
//! redemption [`Redemption`] every answer carries, built alike from a recorded event, the
//! live state after an action, a read-model row or a dry run's plan. Money is written as strings in major units ("1.50"),
//! as the discount engine's evaluation holds it.

use crate::http::{ApiError, Named};
use chrono::{DateTime, Utc};
use discount::{Basket, Evaluation};
use domain::event::RecordedRedemption;
use domain::ids::{CredentialId, OfferId, RedemptionId, StoreId};
use domain::redemption::{Plan, PosRequest, RedemptionStatus};
use domain::time::format_timestamp;
use domain::{Event, EventKind};
use projections::RedemptionRow;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The body of evaluate, redeem and reserve: the request, and for reserve its TTL.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct PosBody {
    /// Where the sale happens: a terminal always names its store.
    store_id: StoreId,
    /// The codes presented, one per credential.
    codes: Vec<String>,
    /// The basket.
    basket: Basket,
    /// Seconds a reservation holds (reserve only, 1 to 3,600).
    pub(super) ttl_seconds: Option<u32>,
}

impl PosBody {
    /// The store the terminal named, and the request to decide.
    pub(super) fn request(self) -> (StoreId, PosRequest) {
        let request = PosRequest {
            store_id: Some(self.store_id),
            codes: self.codes,
            basket: self.basket,
        };
        (self.store_id, request)
    }
}

/// A redemption, a reservation or a dry run's plan, with the discount engine's evaluation.
#[derive(Debug, Serialize, JsonSchema)]
pub(super) struct Redemption<'a> {
    /// Its id (not for a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<RedemptionId>,
    /// Where it is in its life (not for a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<RedemptionStatus>,
    /// Where; left out for a redemption by credential id away from any store.
    #[serde(skip_serializing_if = "Option::is_none")]
    store_id: Option<StoreId>,
    /// The credentials redeemed, in the order presented.
    credential_ids: Vec<CredentialId>,
    /// The offers redeemed.
    offer_ids: Vec<OfferId>,
    /// Every line's discount, every offer's outcome and the totals.
    #[serde(flatten)]
    evaluation: Cow<'a, Evaluation>,
    /// When it was recorded (not for a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    created_at: Option<String>,
    /// When a reservation lapses.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    expires_at: Option<String>,
}

impl Named for Redemption<'_> {
    const ONE: &'static str = "redemption";
    const MANY: &'static str = "redemptions";
}

/// A dry run's answer: the redemption it would record, under `evaluation`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(transparent)]
pub(super) struct Planned<'a>(pub(super) Redemption<'a>);

impl Named for Planned<'_> {
    const ONE: &'static str = "evaluation";
    const MANY: &'static str = "evaluations";
}

/// The distinct credentials of `ids`, in their first order.
fn distinct(ids: impl Iterator<Item = CredentialId>) -> Vec<CredentialId> {
    let mut seen = std::collections::HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}

fn time(at: &DateTime<Utc>) -> Option<String> {
    Some(format_timestamp(at))
}

/// The redemption a dry run would record.
pub(super) fn planned(plan: &Plan) -> Planned<'_> {
    Planned(Redemption {
        id: None,
        status: None,
        store_id: plan.store_id,
        credential_ids: plan.credential_ids.clone(),
        offer_ids: plan
            .applications
            .iter()
            .map(|application| application.offer_id)
            .collect(),
        evaluation: Cow::Borrowed(&plan.evaluation),
        created_at: None,
        expires_at: None,
    })
}

/// A redemption or reservation as its event recorded it, in `status`, at `at`.
pub(super) fn recorded<'a>(
    redemption: &'a RecordedRedemption,
    status: RedemptionStatus,
    at: &DateTime<Utc>,
) -> Result<Redemption<'a>, ApiError> {
    Ok(Redemption {
        id: Some(redemption.redemption_id),
        status: Some(status),
        store_id: redemption.store_id,
        credential_ids: distinct(redemption.offers.iter().map(|offer| offer.credential_id)),
        offer_ids: redemption
            .offers
            .iter()
            .map(|offer| offer.offer_id)
            .collect(),
        evaluation: redemption.evaluation.get().map_err(ApiError::internal)?,
        created_at: time(at),
        expires_at: redemption.expires_at.as_ref().and_then(time),
    })
}

/// A redemption as the live state holds it, in `status`, with the evaluation it recorded.
pub(super) fn live(
    redemption: &domain::redemption::Redemption,
    status: RedemptionStatus,
    evaluation: Evaluation,
) -> Redemption<'static> {
    Redemption {
        id: Some(redemption.id),
        status: Some(status),
        store_id: redemption.store_id,
        credential_ids: redemption.credential_ids.clone(),
        offer_ids: redemption
            .applications
            .iter()
            .map(|application| application.offer_id)
            .collect(),
        evaluation: Cow::Owned(evaluation),
        created_at: time(&redemption.created_at),
        expires_at: redemption.expires_at.as_ref().and_then(time),
    }
}

/// The status an action recorded on `id` among `events`: what the action made of it, the
/// same for a keyed repeat (which answers the first outcome's events) whatever came after.
pub(super) fn acted(events: &[Event], id: RedemptionId) -> Option<RedemptionStatus> {
    events.iter().find_map(|event| match &event.kind {
        EventKind::ReservationConfirmed(acted) if acted.redemption_id == id => {
            Some(RedemptionStatus::Committed)
        }
        EventKind::ReservationCancelled(acted) if acted.redemption_id == id => {
            Some(RedemptionStatus::Cancelled)
        }
        EventKind::RedemptionVoided(acted) if acted.redemption_id == id => {
            Some(RedemptionStatus::Voided)
        }
        EventKind::RedemptionReversed(acted) if acted.redemption_id == id => {
            Some(RedemptionStatus::Reversed)
        }
        _ => None,
    })
}

/// The evaluation a read-model row holds, read from its column without copying it.
pub(super) fn evaluation(row: &RedemptionRow) -> Result<Evaluation, ApiError> {
    Evaluation::deserialize(&row.evaluation).map_err(ApiError::internal)
}

/// A redemption as the read model holds it.
pub(super) fn row(row: &RedemptionRow) -> Result<Redemption<'static>, ApiError> {
    Ok(Redemption {
        id: Some(row.id),
        status: Some(row.status),
        store_id: row.store_id,
        credential_ids: row.credential_ids.clone(),
        offer_ids: row.offers.iter().map(|offer| offer.offer_id).collect(),
        evaluation: Cow::Owned(evaluation(row)?),
        created_at: time(&row.created_at),
        expires_at: row.expires_at.as_ref().and_then(time),
    })
}
