//! `GET /v1.0/credentials/eligible`: the explicit eligibility check before issuing. It decides
//! `IssueCredential` as a dry run on the account's live state (in order with its writes,
//! nothing recorded): first without offers (channel, member, store, annotations, code
//! lifetime), then once per requested offer, so the answer names every offer that would be
//! refused and why, in the seed's words.

use super::input::Input;
use crate::auth::Principal;
use crate::http::ApiError;
use crate::routes::common::READ;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::command::CredentialRequest;
use domain::ids::OfferId;
use domain::{AccountState, Command, Context, DomainError};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// Most offers checked one by one (as many as one credential may carry); beyond it the
/// request is checked as a whole.
const MAX_OFFERS_CHECKED: usize = 20;
/// The seed of the dry run's random source: its codes are drawn and thrown away.
const DRY_RUN_SEED: u64 = 0x5eed;

/// The answer: `eligible` (and `is_eligible`/`status`, the OpenAPI names), the offers that
/// would be accepted and the messages of those that would not.
#[derive(Debug, Serialize, JsonSchema)]
pub(super) struct Eligibility {
    /// Whether the credential would be issued with every offer.
    eligible: bool,
    /// The same as `eligible`.
    is_eligible: bool,
    /// `eligible` or `ineligible`.
    #[schemars(with = "Verdict")]
    status: &'static str,
    /// The offers that would be accepted.
    offer_ids: Vec<OfferId>,
    /// Why the others (or the request) would be refused.
    errors: Vec<String>,
}

/// The schema of [`Eligibility::status`].
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Verdict {
    Eligible,
    Ineligible,
}

impl Eligibility {
    fn new(offer_ids: Vec<OfferId>, errors: Vec<String>) -> Self {
        let eligible = errors.is_empty();
        Self {
            eligible,
            is_eligible: eligible,
            status: if eligible { "eligible" } else { "ineligible" },
            offer_ids,
            errors,
        }
    }
}

pub(super) async fn eligible(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let input = Input::merge(request.query_string(), Value::Object(Default::default()))?;
    let issue = input.credential_request()?;
    let answer = state.read(principal.account_id, move |account, now| {
        check(account, issue, now)
    })?;
    Ok(HttpResponse::Ok().json(answer))
}

fn check(state: &AccountState, request: CredentialRequest, now: DateTime<Utc>) -> Eligibility {
    let mut offer_ids: Vec<OfferId> = Vec::with_capacity(request.offer_ids.len());
    for id in &request.offer_ids {
        if !offer_ids.contains(id) {
            offer_ids.push(*id);
        }
    }
    let without_offers = CredentialRequest {
        offer_ids: Vec::new(),
        ..request.clone()
    };
    if let Err(error) = dry_run(state, without_offers, now) {
        return Eligibility::new(Vec::new(), vec![error.to_string()]);
    }
    if offer_ids.len() > MAX_OFFERS_CHECKED {
        return match dry_run(state, request, now) {
            Ok(()) => Eligibility::new(offer_ids, Vec::new()),
            Err(error) => Eligibility::new(Vec::new(), vec![error.to_string()]),
        };
    }
    let mut accepted = Vec::with_capacity(offer_ids.len());
    let mut errors: Vec<String> = Vec::new();
    for id in offer_ids {
        let one = CredentialRequest {
            offer_ids: vec![id],
            ..request.clone()
        };
        match dry_run(state, one, now) {
            Ok(()) => accepted.push(id),
            Err(error) => {
                let message = error.to_string();
                if !errors.contains(&message) {
                    errors.push(message);
                }
            }
        }
    }
    Eligibility::new(accepted, errors)
}

fn dry_run(
    state: &AccountState,
    request: CredentialRequest,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let mut rng = ChaCha8Rng::seed_from_u64(DRY_RUN_SEED);
    let command = Command::IssueCredential { request };
    domain::decide(state, &command, None, &mut Context::new(now, &mut rng)).map(|_| ())
}
