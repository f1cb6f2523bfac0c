//! `GET /v1.0/credentials/eligible`: the explicit eligibility check before issuing, answered
//! by [`domain::credential::queries::eligibility`] on the account's live state (a dry run of
//! `IssueCredential`, nothing recorded): it names every offer that would be refused and why,
//! in the seed's words.

use super::input::Input;
use crate::auth::Principal;
use crate::http::ApiError;
use crate::routes::common::READ;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::credential::queries::eligibility;
use domain::ids::OfferId;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

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

impl From<domain::credential::queries::Eligibility> for Eligibility {
    fn from(answer: domain::credential::queries::Eligibility) -> Self {
        let eligible = answer.is_eligible();
        Self {
            eligible,
            is_eligible: eligible,
            status: if eligible { "eligible" } else { "ineligible" },
            offer_ids: answer.offer_ids,
            errors: answer.refusals.iter().map(ToString::to_string).collect(),
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
    let answer = state.read(principal.account_id, move |live, now| {
        Eligibility::from(eligibility(live, &issue, now))
    })?;
    Ok(HttpResponse::Ok().json(answer))
}
