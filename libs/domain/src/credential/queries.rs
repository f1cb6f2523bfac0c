//! What the API may ask of an account's live state about credentials: whether a credential
//! request would be issued, and for which of its offers ([`eligibility`]), and what a
//! credential's view shows beside the credential itself ([`related`]).

use super::Credential;
use crate::catalog::{Merchant, Store};
use crate::command::{Command, CredentialRequest};
use crate::context::Context;
use crate::decide::decide;
use crate::error::DomainError;
use crate::ids::{MerchantId, OfferId};
use crate::offer::Offer;
use crate::state::AccountState;
use chrono::{DateTime, Utc};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

/// Most offers checked one by one (as many as one credential may carry); beyond it the
/// request is checked as a whole.
pub const MAX_OFFERS_CHECKED: usize = 20;
/// The seed of the dry runs' random source: the codes they draw are thrown away, so a fixed
/// seed keeps the query a pure function of its arguments.
const DRY_RUN_SEED: u64 = 0x5eed;

/// Whether a credential request would be issued, offer by offer.
#[derive(Clone, Debug, PartialEq)]
pub struct Eligibility {
    /// The requested offers (each once, in the order asked) that would be accepted.
    pub offer_ids: Vec<OfferId>,
    /// Why the others, or the request as a whole, would be refused: one error per distinct
    /// message, in the order met.
    pub refusals: Vec<DomainError>,
}

impl Eligibility {
    /// Whether the credential would be issued with every requested offer.
    pub fn is_eligible(&self) -> bool {
        self.refusals.is_empty()
    }

    fn refused(error: DomainError) -> Self {
        Self {
            offer_ids: Vec::new(),
            refusals: vec![error],
        }
    }
}

/// Whether `request` would be issued at `now`: `IssueCredential` decided as a dry run
/// against `state` (nothing recorded), first without offers (channel, member, store,
/// annotations, code lifetime), then once per requested offer, so the answer names every
/// offer that would be refused and why. Past [`MAX_OFFERS_CHECKED`] offers the request is
/// checked as a whole.
pub fn eligibility(
    state: &AccountState,
    request: &CredentialRequest,
    now: DateTime<Utc>,
) -> Eligibility {
    let mut offer_ids: Vec<OfferId> = Vec::with_capacity(request.offer_ids.len());
    for id in &request.offer_ids {
        if !offer_ids.contains(id) {
            offer_ids.push(*id);
        }
    }
    if let Err(error) = dry_run(state, request, &[], now) {
        return Eligibility::refused(error);
    }
    if offer_ids.len() > MAX_OFFERS_CHECKED {
        return match dry_run(state, request, &request.offer_ids, now) {
            Ok(()) => Eligibility {
                offer_ids,
                refusals: Vec::new(),
            },
            Err(error) => Eligibility::refused(error),
        };
    }
    let mut accepted = Vec::with_capacity(offer_ids.len());
    let mut refusals: Vec<DomainError> = Vec::new();
    for id in offer_ids {
        match dry_run(state, request, &[id], now) {
            Ok(()) => accepted.push(id),
            Err(error) => {
                let message = error.to_string();
                if !refusals.iter().any(|seen| seen.to_string() == message) {
                    refusals.push(error);
                }
            }
        }
    }
    Eligibility {
        offer_ids: accepted,
        refusals,
    }
}

/// Decides `request` with `offer_ids` for its offers, recording nothing.
fn dry_run(
    state: &AccountState,
    request: &CredentialRequest,
    offer_ids: &[OfferId],
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let mut rng = ChaCha8Rng::seed_from_u64(DRY_RUN_SEED);
    let command = Command::IssueCredential {
        request: CredentialRequest {
            offer_ids: offer_ids.to_vec(),
            ..request.clone()
        },
    };
    decide(state, &command, None, &mut Context::new(now, &mut rng)).map(|_| ())
}

/// What a credential's view shows beside the credential: its first offer, its store and the
/// merchant of either, each as the state holds it (absent when gone or never named).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Related<'a> {
    /// Its first offer.
    pub offer: Option<&'a Offer>,
    /// The store it was issued for.
    pub store: Option<&'a Store>,
    /// The store's merchant, or else the first offer's.
    pub merchant_id: Option<MerchantId>,
    /// That merchant.
    pub merchant: Option<&'a Merchant>,
}

/// What `credential`'s view shows beside it, from `state`.
pub fn related<'a>(state: &'a AccountState, credential: &Credential) -> Related<'a> {
    let offer = credential.offer_ids.first().and_then(|id| state.offer(*id));
    let store = credential.store_id.and_then(|id| state.store(id));
    let merchant_id = store
        .map(|store| store.merchant_id)
        .or_else(|| offer.and_then(|offer| offer.merchant_id));
    Related {
        offer,
        store,
        merchant_id,
        merchant: merchant_id.and_then(|id| state.merchant(id)),
    }
}
