//! Planning a point-of-sale request: resolve the codes, check every credential and offer
//! (status, window, channel, store, member, basket), run the discount engine, then check the
//! limits of each offer that gives something. The same plan serves evaluate (dry run),
//! reserve and redeem.
//!
//! A request without a store (a redemption by credential id away from any store) is refused
//! `Store can't be blank` by an offer restricted to merchants or store lists: only a store
//! can show it is eligible.
//!
//! All or nothing: any failed check refuses the whole request. Offers the engine finds nothing
//! to give for (minimum spend not met, no qualifying item) are left unredeemed and their
//! credentials stay open; when no offer gives anything the request is refused.

use super::{lapsed_applications, reached, used, OfferApplication, PosRequest, MAX_CODES};
use crate::catalog::Store;
use crate::check_in;
use crate::credential::{code, Credential, CredentialStatus};
use crate::error::{DomainError, DomainResult};
use crate::event::{Lazy, RecordedRedemption, RedeemedOffer};
use crate::ids::{CredentialId, OfferId, RedemptionId, StoreId};
use crate::offer::Offer;
use crate::state::AccountState;
use crate::validate::existing;
use crate::wallet;
use chrono::{DateTime, Utc};
use discount::{Basket, Evaluation, OfferInput, OfferOutcome, Stacking, StackingRules};
use std::num::NonZeroU32;

/// What a request would redeem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Where; `None` away from any store.
    pub store_id: Option<StoreId>,
    /// Credentials that would be redeemed.
    pub credential_ids: Vec<CredentialId>,
    /// Offers that would be redeemed.
    pub applications: Vec<OfferApplication>,
    /// The engine's answer for the basket.
    pub evaluation: Evaluation,
}

impl Plan {
    /// The event payload recording this plan as redemption `id`.
    pub fn into_recorded(
        self,
        id: RedemptionId,
        expires_at: Option<DateTime<Utc>>,
    ) -> RecordedRedemption {
        RecordedRedemption {
            redemption_id: id,
            store_id: self.store_id,
            expires_at,
            offers: self
                .applications
                .iter()
                .map(|application| RedeemedOffer {
                    credential_id: application.credential_id,
                    offer_id: application.offer_id,
                })
                .collect(),
            evaluation: Lazy::new(self.evaluation),
        }
    }
}

/// Plans `request` against `state` at `now`.
pub fn plan(state: &AccountState, request: &PosRequest, now: DateTime<Utc>) -> DomainResult<Plan> {
    let store = request
        .store_id
        .map(|store| existing(&state.stores, &store, "Store"))
        .transpose()?;
    let credentials = resolve_codes(state, &request.codes, now)?;
    let mut owners: Vec<(&Credential, &Offer)> = Vec::with_capacity(credentials.len());
    let mut inputs = Vec::with_capacity(credentials.len());
    for credential in &credentials {
        for offer_id in &credential.offer_ids {
            let offer = check_offer(state, credential, *offer_id, store, &request.basket, now)?;
            if owners.iter().any(|(_, other)| other.id == offer.id) {
                return Err(DomainError::Invalid {
                    field: "Codes",
                    reason: format!("carry offer {} more than once", offer.id),
                });
            }
            owners.push((credential, offer));
            inputs.push(OfferInput {
                offer_id: offer.id.0,
                reward: offer.reward.to_engine(|set| state.item_set_codes(set)),
                min_spend: offer.reward.min_spend_amount,
                max_amount: offer.reward.max_amount,
                points: offer.reward.points_earning_value.unwrap_or(0),
                spread: offer.reward.order_spread,
                stacking: Stacking {
                    exclusive: offer.formatting.is_exclusive(),
                    priority: offer.reward.priority,
                },
            });
        }
    }
    let rules = StackingRules {
        max_offers: state
            .account
            .as_ref()
            .and_then(|account| account.max_offers_per_basket)
            .and_then(NonZeroU32::new),
    };
    let evaluation = discount::evaluate(&request.basket, &inputs, state.settings.currency, rules)?;
    let applications = applications(state, &owners, &evaluation, now)?;
    let credential_ids = credentials
        .iter()
        .map(|credential| credential.id)
        .filter(|id| {
            applications
                .iter()
                .any(|application| application.credential_id == *id)
        })
        .collect();
    Ok(Plan {
        store_id: store.map(|store| store.id),
        credential_ids,
        applications,
        evaluation,
    })
}

fn resolve_codes<'s>(
    state: &'s AccountState,
    codes: &[String],
    now: DateTime<Utc>,
) -> DomainResult<Vec<&'s Credential>> {
    if codes.is_empty() {
        return Err(DomainError::Blank { field: "Codes" });
    }
    if codes.len() > MAX_CODES {
        return Err(DomainError::Invalid {
            field: "Codes",
            reason: format!("must be at most {MAX_CODES}"),
        });
    }
    let mut credentials: Vec<&Credential> = Vec::with_capacity(codes.len());
    for raw in codes {
        let trimmed = raw.trim();
        let id = if !code::is_plausible(trimmed) {
            None
        } else if trimmed.bytes().any(|byte| byte.is_ascii_lowercase()) {
            state
                .credential_ids_by_code
                .get(code::normalize(trimmed).as_str())
        } else {
            state.credential_ids_by_code.get(trimmed)
        };
        let credential = id.and_then(|id| state.credentials.get(id)).ok_or_else(|| {
            DomainError::CodeNotValid {
                code: trimmed.chars().take(64).collect(),
            }
        })?;
        if credentials.iter().any(|seen| seen.id == credential.id) {
            return Err(DomainError::Invalid {
                field: "Codes",
                reason: "must not repeat".into(),
            });
        }
        match credential.status_at(now) {
            CredentialStatus::Open => {}
            CredentialStatus::Locked => return Err(DomainError::CredentialLocked),
            status => {
                return Err(DomainError::CredentialNotRedeemable {
                    credential_id: credential.id,
                    status: status.to_string(),
                })
            }
        }
        check_wallet_window(state, credential, now)?;
        if credential.offer_ids.is_empty() {
            return Err(DomainError::CredentialHasNoOffers {
                credential_id: credential.id,
            });
        }
        credentials.push(credential);
    }
    Ok(credentials)
}

/// A wallet credential redeems only inside its entry's window.
fn check_wallet_window(
    state: &AccountState,
    credential: &Credential,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let Some(entry) = wallet::queries::by_credential(state, credential.id) else {
        return Ok(());
    };
    let entry = entry.offer_state;
    match (entry.activates_at, entry.expires_at) {
        (Some(start), _) if now < start => Err(DomainError::OfferStateNotActive {
            offer_state_id: entry.id,
            activates_at: crate::time::format_timestamp(&start),
        }),
        (_, Some(end)) if end <= now => Err(DomainError::CredentialNotRedeemable {
            credential_id: credential.id,
            status: "expired".into(),
        }),
        _ => Ok(()),
    }
}

fn check_offer<'s>(
    state: &'s AccountState,
    credential: &Credential,
    offer_id: OfferId,
    store: Option<&Store>,
    basket: &Basket,
    now: DateTime<Utc>,
) -> DomainResult<&'s Offer> {
    let offer = state
        .offers
        .get(&offer_id)
        .filter(|offer| offer.is_redeemable_at(now))
        .ok_or(DomainError::OfferNotActive { offer_id })?;
    if !state
        .offer_channels
        .contains_key(&(offer_id, credential.channel_id))
    {
        return Err(DomainError::OffersNotFound {
            ids: offer_id.to_string(),
        });
    }
    match store {
        Some(store) if !store_eligible(state, offer, store) => {
            return Err(DomainError::StoreNotEligible {
                offer_name: offer.name.clone(),
            });
        }
        None if offer.eligibility.restricts_stores() => {
            return Err(DomainError::Blank { field: "Store" });
        }
        _ => {}
    }
    let store_id = store.map(|store| store.id);
    if !check_in::queries::satisfied(state, offer.id, credential.member_id, store_id, now) {
        return Err(DomainError::CheckInRequired {
            offer_name: offer.name.clone(),
        });
    }
    let member_lists = &offer.eligibility.member_list_ids;
    if !member_lists.is_empty() && !state.member_on_lists(credential.member_id, member_lists) {
        return Err(DomainError::MemberNotEligible {
            offer_name: offer.name.clone(),
        });
    }
    let units = |set| {
        let codes = state.item_set_codes(set);
        basket
            .lines
            .iter()
            .filter(|line| codes.contains(&line.item_code))
            .map(|line| u64::from(line.quantity))
            .sum()
    };
    if !offer.eligibility.basket_qualifies(units) {
        return Err(DomainError::BasketNotEligible {
            offer_name: offer.name.clone(),
        });
    }
    Ok(offer)
}

/// Whether `store` may redeem `offer`: it and its merchant trade (`is_active`), and its
/// merchant and its store lists are the offer's, when the offer restricts them.
pub fn store_eligible(state: &AccountState, offer: &Offer, store: &Store) -> bool {
    let eligibility = &offer.eligibility;
    store.is_active
        && state
            .merchant(store.merchant_id)
            .is_some_and(|merchant| merchant.is_active)
        && (eligibility.merchant_ids.is_empty()
            || eligibility.merchant_ids.contains(&store.merchant_id))
        && (eligibility.store_list_ids.is_empty()
            || state.store_on_lists(store.id, &eligibility.store_list_ids))
}

fn applications(
    state: &AccountState,
    owners: &[(&Credential, &Offer)],
    evaluation: &Evaluation,
    now: DateTime<Utc>,
) -> DomainResult<Vec<OfferApplication>> {
    let lapsed = lapsed_applications(state, now);
    let day = state.day_of(now);
    let mut applications: Vec<OfferApplication> = Vec::with_capacity(owners.len());
    for result in &evaluation.offers {
        if result.outcome != OfferOutcome::Applied {
            continue;
        }
        let Some((credential, offer)) = owners
            .iter()
            .find(|(_, offer)| offer.id.0 == result.offer_id)
        else {
            continue;
        };
        let application = OfferApplication {
            credential_id: credential.id,
            offer_id: offer.id,
            member_id: credential.member_id,
            channel_id: credential.channel_id,
            day,
            points: offer.reward.points_earning_value.unwrap_or(0),
        };
        let cap = state
            .offer_channels
            .get(&(offer.id, credential.channel_id))
            .and_then(|link| link.max_redemptions);
        if let Some(limit) = reached(
            offer,
            cap,
            used(state, &application, &lapsed, &applications),
        ) {
            return Err(DomainError::LimitReached {
                offer_name: offer.name.clone(),
                limit,
            });
        }
        applications.push(application);
    }
    if applications.is_empty() {
        return Err(DomainError::NothingApplies);
    }
    Ok(applications)
}
