//! The wire shapes of the point-of-sale API: the request body a terminal sends, and the
//! redemption `R` every answer carries, built alike from a recorded event, a read-model row or
//! a dry run's plan. Money is written as strings in major units ("1.50"), as the discount
//! engine's evaluation holds it.

use crate::http::ApiError;
use domain::event::RecordedRedemption;
use domain::ids::{CredentialId, OfferId, StoreId};
use domain::redemption::{Plan, PosRequest, RedemptionStatus};
use domain::time::format_timestamp;
use projections::RedemptionRow;
use serde::Deserialize;
use serde_json::{Map, Value};

/// The body of evaluate, redeem and reserve: the request, and for reserve its TTL.
#[derive(Debug, Deserialize)]
pub(super) struct PosBody {
    /// Store, codes and basket.
    #[serde(flatten)]
    pub(super) request: PosRequest,
    /// Seconds a reservation holds (reserve only).
    pub(super) ttl_seconds: Option<u32>,
}

/// The evaluation fields of `R`, in the engine's shape.
const EVALUATION_FIELDS: [&str; 5] = [
    "subtotal",
    "total_discount",
    "total_points",
    "lines",
    "offers",
];

/// What `R` says besides its evaluation.
struct Head {
    store_id: StoreId,
    credential_ids: Vec<CredentialId>,
    offer_ids: Vec<OfferId>,
}

fn compose(head: Head, evaluation: Value) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(mut evaluation) = evaluation else {
        return Err(ApiError::internal(
            "a redemption's evaluation is not an object",
        ));
    };
    let mut body = Map::new();
    body.insert("store_id".into(), Value::from(head.store_id.0));
    body.insert(
        "credential_ids".into(),
        ids(head.credential_ids.iter().map(|id| id.0)),
    );
    body.insert(
        "offer_ids".into(),
        ids(head.offer_ids.iter().map(|id| id.0)),
    );
    for field in EVALUATION_FIELDS {
        let value = evaluation
            .remove(field)
            .ok_or_else(|| ApiError::internal(format!("evaluation without {field}")))?;
        body.insert(field.into(), value);
    }
    Ok(body)
}

fn ids(ids: impl Iterator<Item = u64>) -> Value {
    Value::Array(ids.map(Value::from).collect())
}

fn credential_ids(offers: impl Iterator<Item = CredentialId>) -> Vec<CredentialId> {
    let mut ids: Vec<CredentialId> = Vec::new();
    for id in offers {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// `R` of a dry run: no id, status or time.
pub(super) fn planned(plan: &Plan) -> Result<Value, ApiError> {
    let evaluation = serde_json::to_value(&plan.evaluation).map_err(ApiError::internal)?;
    let head = Head {
        store_id: plan.store_id,
        credential_ids: plan.credential_ids.clone(),
        offer_ids: plan
            .applications
            .iter()
            .map(|application| application.offer_id)
            .collect(),
    };
    compose(head, evaluation).map(Value::Object)
}

/// `R` of a redemption or reservation as its event recorded it, in `status`, at `at`.
pub(super) fn recorded(
    redemption: &RecordedRedemption,
    status: RedemptionStatus,
    at: &chrono::DateTime<chrono::Utc>,
) -> Result<Value, ApiError> {
    let evaluation = serde_json::to_value(&redemption.evaluation).map_err(ApiError::internal)?;
    let head = Head {
        store_id: redemption.store_id,
        credential_ids: credential_ids(redemption.offers.iter().map(|offer| offer.credential_id)),
        offer_ids: redemption
            .offers
            .iter()
            .map(|offer| offer.offer_id)
            .collect(),
    };
    let mut body = compose(head, evaluation)?;
    identify(
        &mut body,
        redemption.redemption_id.0,
        status,
        at,
        redemption.expires_at,
    );
    Ok(Value::Object(body))
}

/// `R` of a read-model row.
pub(super) fn row(row: &RedemptionRow) -> Result<Value, ApiError> {
    let head = Head {
        store_id: row.store_id,
        credential_ids: row.credential_ids.clone(),
        offer_ids: row.offers.iter().map(|offer| offer.offer_id).collect(),
    };
    let mut body = compose(head, row.evaluation.clone())?;
    identify(
        &mut body,
        row.id.0,
        row.status,
        &row.created_at,
        row.expires_at,
    );
    Ok(Value::Object(body))
}

fn identify(
    body: &mut Map<String, Value>,
    id: u64,
    status: RedemptionStatus,
    created_at: &chrono::DateTime<chrono::Utc>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
) {
    body.insert("id".into(), Value::from(id));
    body.insert("status".into(), Value::from(status.to_string()));
    body.insert(
        "created_at".into(),
        Value::from(format_timestamp(created_at)),
    );
    if let Some(expires_at) = expires_at {
        body.insert(
            "expires_at".into(),
            Value::from(format_timestamp(&expires_at)),
        );
    }
}
