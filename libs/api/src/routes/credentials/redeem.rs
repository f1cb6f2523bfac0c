//! `POST|PUT /v1.0/credentials/{id}/redeem`: redeems this credential's code at a store, the way
//! a point-of-sale terminal would, under the `Idempotency-Key` header when one is sent.
//!
//! - `store_id` (query or body) names the store; without it the credential's own store is used;
//!   without either the code is redeemed away from any store, which an offer restricted to
//!   merchants or store lists refuses (`Store can't be blank`): only a store shows it is
//!   eligible. The seed calls the store optional, and the reference's redeem takes no
//!   parameters.
//! - `basket` (`{"basket": {"lines": [{"line_id", "item_code", "quantity", "unit_price"}]}}`)
//!   is the sale. Without one (Sparkfly's redeem takes no body) the code is redeemed against a
//!   one-line basket of one zero-priced unit of item `credential-<id>`: offers that give points
//!   or nothing measurable redeem; offers that need items or spend (discounts, item sets,
//!   minimum spend) answer the domain's refusal and need a real basket.
//! - The answer (201) is the credential as it is now (`redeemed`, `redeemed_at`) and the
//!   redemption: its id, store, offers and the discount engine's evaluation.

use super::input::Input;
use super::view::CredentialView;
use crate::auth::Principal;
use crate::http::{ApiError, Body, IdempotencyKey, NoErrors, RequestId};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use discount::Evaluation;
use domain::account::Role;
use domain::event::RecordedRedemption;
use domain::ids::{AccountId, CredentialId, OfferId, RedemptionId, StoreId};
use domain::redemption::PosRequest;
use domain::{Command, DomainError, Event, EventKind};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{json, Value};
use std::borrow::Cow;

/// Who may redeem by credential id: issuers (admins always may). Terminals redeem by code
/// (`/v1.0/pos/...`), under the wrong-code allowances: a credential id is a small counter,
/// so a `pos` key redeeming by id would step around them.
pub(super) const REDEEM: &[Role] = &[Role::Issuer];

/// The answer: the credential, the redemption and Sparkfly's empty `errors`.
#[derive(Serialize, JsonSchema)]
pub(super) struct Redeemed<'a> {
    /// The credential as it is now.
    credential: &'a CredentialView,
    /// The redemption recorded.
    redemption: RedemptionView<'a>,
    /// Always empty.
    errors: NoErrors,
}

/// A recorded redemption as clients read it, with the discount engine's evaluation.
#[derive(Serialize, JsonSchema)]
struct RedemptionView<'a> {
    /// Its id.
    id: RedemptionId,
    /// Where; left out when redeemed away from any store.
    #[serde(skip_serializing_if = "Option::is_none")]
    store_id: Option<StoreId>,
    /// The offers redeemed.
    offer_ids: Vec<OfferId>,
    /// Every line's discount, every offer's outcome and the totals.
    evaluation: Cow<'a, Evaluation>,
}

impl<'a> RedemptionView<'a> {
    fn new(recorded: &'a RecordedRedemption) -> Result<Self, ApiError> {
        Ok(Self {
            id: recorded.redemption_id,
            store_id: recorded.store_id,
            offer_ids: recorded.offers.iter().map(|offer| offer.offer_id).collect(),
            evaluation: recorded.evaluation.get().map_err(ApiError::internal)?,
        })
    }
}

/// What redeeming needs to know of the credential before the command is sent.
struct Target {
    code: Option<String>,
    store_id: Option<StoreId>,
}

pub(super) async fn redeem(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(body): Body<Value>,
) -> Result<HttpResponse, ApiError> {
    principal.require(REDEEM)?;
    let account = principal.account_id;
    let id = CredentialId(id.into_inner());
    let input = Input::merge(request.query_string(), body)?;
    let target = target(&state, account, id).await?;
    let store_id = input.id("store_id")?.map(StoreId).or(target.store_id);
    let code = target
        .code
        .ok_or(DomainError::CredentialHasNoOffers { credential_id: id })?;
    let basket = input
        .basket()
        .cloned()
        .unwrap_or_else(|| default_basket(id));
    let pos = pos_request(store_id, code, basket)?;
    let IdempotencyKey(key) = IdempotencyKey::of(&request)?;
    let command = Command::Redeem { request: pos };
    let events = state
        .execute(account, command, key, RequestId::of(&request))
        .await?;
    let redemption = recorded(&events)?;
    let credential = super::live_view(&state, account, id).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(Redeemed {
        credential: &credential,
        redemption: RedemptionView::new(redemption)?,
        errors: NoErrors {},
    }))
}

async fn target(
    state: &AppState,
    account: AccountId,
    id: CredentialId,
) -> Result<Target, ApiError> {
    state
        .read(account, move |live, _| {
            live.credential(id).map(|credential| Target {
                code: credential.identifier.as_deref().map(str::to_owned),
                store_id: credential.store_id,
            })
        })?
        .ok_or(ApiError::Domain(DomainError::NotFound {
            resource: "Credential",
        }))
}

/// One zero-priced unit: what a redemption without a sale redeems against.
fn default_basket(id: CredentialId) -> Value {
    json!({"lines": [{
        "line_id": "1",
        "item_code": format!("credential-{id}"),
        "quantity": 1,
        "unit_price": "0",
    }]})
}

fn pos_request(
    store_id: Option<StoreId>,
    code: String,
    basket: Value,
) -> Result<PosRequest, ApiError> {
    let basket = serde_json::from_value(basket)
        .map_err(|error| ApiError::BadRequest(format!("Basket is invalid: {error}")))?;
    Ok(PosRequest {
        store_id,
        codes: vec![code],
        basket,
    })
}

fn recorded(events: &[Event]) -> Result<&RecordedRedemption, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::RedemptionCommitted(redemption) => Some(redemption),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the redemption recorded nothing"))
}
