//! Decisions on offers: terms, lifecycle and eligibility.

use crate::error::{DomainError, DomainResult};
use crate::event::{EventKind, OfferRef};
use crate::ids::{ItemSetId, MemberListId, MerchantId, OfferId, StoreListId};
use crate::offer::{
    EligibilityDimension, ItemSetRule, Limits, Offer, OfferFields, OfferFormatting, OfferStatus,
    PassbookConfiguration, PassbookFields, ProgramFields, RewardTerms, MAX_REQUIRED_QUANTITY,
};
use crate::persistent::SharedMap;
use crate::points::MAX_TRANSFER;
use crate::state::AccountState;
use crate::validate::{
    existing, money, optional_text, percent, positive, replace_text, required_text, MAX_LONG_TEXT,
    MAX_TEXT,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::hash::{BuildHasher, Hash};

pub(super) fn create(
    state: &AccountState,
    fields: &OfferFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let offer = Offer {
        id: OfferId(state.next_id()),
        name: String::new(),
        description: None,
        merchant_id: None,
        status: OfferStatus::Pending,
        offer_type: 0,
        category: None,
        offer_code: None,
        pos_offer_code: None,
        terms_and_conditions: None,
        reward_item_description: None,
        activates_at: None,
        expires_at: None,
        stop_offering_at: None,
        limits: Limits::default(),
        reward: RewardTerms::default(),
        eligibility: Default::default(),
        formatting: OfferFormatting::default(),
        program: ProgramFields::default(),
        approved_at: None,
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::OfferCreated(Box::new(merge(
        state, offer, fields, now,
    )?))])
}

pub(super) fn update(
    state: &AccountState,
    id: OfferId,
    fields: &OfferFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let offer = existing(&state.offers, &id, "Offer")?.clone();
    Ok(vec![EventKind::OfferUpdated(Box::new(merge(
        state, offer, fields, now,
    )?))])
}

fn merge(
    state: &AccountState,
    mut offer: Offer,
    fields: &OfferFields,
    now: DateTime<Utc>,
) -> DomainResult<Offer> {
    offer.name = required_text(
        "Name",
        fields.name.as_deref().or(Some(&offer.name)),
        MAX_TEXT,
    )?;
    let text = |field, value: &Option<String>, current: &Option<String>, max| match value {
        Some(value) => optional_text(field, Some(value), max),
        None => Ok(current.clone()),
    };
    offer.description = text(
        "Description",
        &fields.description,
        &offer.description,
        MAX_LONG_TEXT,
    )?;
    offer.category = text("Category", &fields.category, &offer.category, MAX_TEXT)?;
    offer.offer_code = text(
        "Offer code",
        &fields.offer_code,
        &offer.offer_code,
        MAX_TEXT,
    )?;
    offer.pos_offer_code = text(
        "Pos offer code",
        &fields.pos_offer_code,
        &offer.pos_offer_code,
        MAX_TEXT,
    )?;
    offer.terms_and_conditions = text(
        "Terms and conditions",
        &fields.terms_and_conditions,
        &offer.terms_and_conditions,
        MAX_LONG_TEXT,
    )?;
    offer.reward_item_description = text(
        "Reward item description",
        &fields.reward_item_description,
        &offer.reward_item_description,
        MAX_TEXT,
    )?;
    if let Some(merchant_id) = fields.merchant_id {
        existing(&state.merchants, &merchant_id, "Merchant")?;
        offer.merchant_id = Some(merchant_id);
    }
    offer.offer_type = fields.offer_type.unwrap_or(offer.offer_type);
    merge_window(&mut offer, fields)?;
    merge_limits(&mut offer.limits, fields)?;
    merge_reward(state, &mut offer.reward, fields)?;
    if let Some(formatting) = &fields.formatting {
        offer.formatting.merge(formatting)?;
    }
    merge_program(&mut offer.program, fields)?;
    offer.updated_at = now;
    Ok(offer)
}

fn merge_window(offer: &mut Offer, fields: &OfferFields) -> DomainResult<()> {
    offer.activates_at = fields.activates_at.or(offer.activates_at);
    offer.expires_at = fields.expires_at.or(offer.expires_at);
    offer.stop_offering_at = fields.stop_offering_at.or(offer.stop_offering_at);
    check_window(offer.activates_at, offer.expires_at, offer.stop_offering_at)
}

/// Refuses an inverted window: it must expire after it activates, and stop offering no later
/// than it expires.
pub(super) fn check_window(
    activates_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    stop_offering_at: Option<DateTime<Utc>>,
) -> DomainResult<()> {
    let invalid = |field, reason: &str| DomainError::Invalid {
        field,
        reason: reason.into(),
    };
    if let (Some(start), Some(end)) = (activates_at, expires_at) {
        if end <= start {
            return Err(invalid("Expires at", "must be after activates at"));
        }
    }
    if let (Some(stop), Some(end)) = (stop_offering_at, expires_at) {
        if stop > end {
            return Err(invalid("Stop offering at", "must not be after expires at"));
        }
    }
    Ok(())
}

fn merge_limits(limits: &mut Limits, fields: &OfferFields) -> DomainResult<()> {
    if let Some(max) = positive("Max redemptions", fields.max_redemptions)? {
        limits.max_redemptions = Some(max);
    }
    if let Some(max) = positive(
        "Max redemptions per member",
        fields.max_redemptions_per_member,
    )? {
        limits.max_redemptions_per_member = Some(max);
    }
    let per_day = fields.max_redemptions_per_member_per_day;
    if let Some(max) = positive("Max redemptions per member per day", per_day)? {
        limits.max_redemptions_per_member_per_day = Some(max);
    }
    Ok(())
}

/// The largest program amount: Sparkfly types them as 32-bit integers.
const MAX_PROGRAM_AMOUNT: u32 = i32::MAX.unsigned_abs();

fn merge_program(program: &mut ProgramFields, fields: &OfferFields) -> DomainResult<()> {
    if let Some(criteria) = &fields.criteria {
        program.criteria = criteria.clone();
    }
    program.quest_only = fields.quest_only.unwrap_or(program.quest_only);
    program.is_reward = fields.is_reward.unwrap_or(program.is_reward);
    replace_text(
        "External reward",
        fields.external_reward.as_deref(),
        MAX_TEXT,
        &mut program.external_reward,
    )?;
    let amounts = [
        ("Trigger amount", fields.trigger_amount),
        ("Reward item value", fields.reward_item_value),
        ("Initial remaining value", fields.initial_remaining_value),
    ];
    for (field, amount) in amounts {
        if amount.is_some_and(|amount| amount > MAX_PROGRAM_AMOUNT) {
            return Err(DomainError::Invalid {
                field,
                reason: format!("must be at most {MAX_PROGRAM_AMOUNT}"),
            });
        }
    }
    program.trigger_amount = fields.trigger_amount.or(program.trigger_amount);
    program.reward_item_value = fields.reward_item_value.or(program.reward_item_value);
    program.redeem_until_depleted = fields
        .redeem_until_depleted
        .unwrap_or(program.redeem_until_depleted);
    program.initial_remaining_value = fields
        .initial_remaining_value
        .or(program.initial_remaining_value);
    Ok(())
}

fn merge_reward(
    state: &AccountState,
    reward: &mut RewardTerms,
    fields: &OfferFields,
) -> DomainResult<()> {
    let currency = state.settings.currency;
    reward.kind = fields.reward_kind.unwrap_or(reward.kind);
    reward.value = fields.reward_value.or(reward.value);
    reward.min_spend_amount = fields.min_spend_amount.or(reward.min_spend_amount);
    reward.max_amount = fields.max_amount.or(reward.max_amount);
    reward.required_item_set_id = fields.required_item_set_id.or(reward.required_item_set_id);
    reward.redemption_item_set_id = fields
        .redemption_item_set_id
        .or(reward.redemption_item_set_id);
    reward.required_item_count = fields.required_item_count.or(reward.required_item_count);
    reward.redemption_item_count = fields
        .redemption_item_count
        .or(reward.redemption_item_count);
    reward.points_earning_value = fields.points_earning_value.or(reward.points_earning_value);
    reward.points_required_value = fields
        .points_required_value
        .or(reward.points_required_value);
    if let Some(rounds) = fields.max_reward_rounds {
        reward.max_rounds = (rounds > 0).then_some(rounds);
    }
    reward.order_spread = fields.order_discount_spread.unwrap_or(reward.order_spread);
    reward.priority = fields.priority.unwrap_or(reward.priority);
    if reward.max_rounds.is_some() && reward.required_item_set_id.is_none() {
        return Err(DomainError::Invalid {
            field: "Max reward rounds",
            reason: "needs a required item set (buy N get M)".into(),
        });
    }

    money("Min spend amount", reward.min_spend_amount, currency)?;
    money("Max amount", reward.max_amount, currency)?;
    positive("Required item count", reward.required_item_count)?;
    positive("Redemption item count", reward.redemption_item_count)?;
    points_value("Points earning value", reward.points_earning_value)?;
    points_value("Points required value", reward.points_required_value)?;
    let kind = reward.kind;
    match reward.value {
        None if kind.needs_value() => {
            return Err(DomainError::Blank {
                field: "Reward value",
            })
        }
        Some(value) if kind.is_percent() => percent("Reward value", value)?,
        value => money("Reward value", value, currency)?,
    }
    if kind.is_item_level() {
        let set = reward.redemption_item_set_id.ok_or(DomainError::Blank {
            field: "Redemption item set",
        })?;
        existing(&state.item_sets, &set, "Redemption item set")?;
        if let Some(required) = reward.required_item_set_id {
            existing(&state.item_sets, &required, "Required item set")?;
        }
    } else if reward.required_item_set_id.is_some() {
        return Err(DomainError::Invalid {
            field: "Required item set",
            reason: "needs an item-level reward kind".into(),
        });
    }
    Ok(())
}

pub(super) fn approve(state: &AccountState, id: OfferId) -> DomainResult<Vec<EventKind>> {
    let offer = existing(&state.offers, &id, "Offer")?;
    match offer.status {
        OfferStatus::Pending => Ok(vec![EventKind::OfferApproved(OfferRef { offer_id: id })]),
        OfferStatus::Approved => Ok(Vec::new()),
        OfferStatus::Stopped => Err(DomainError::WrongStatus {
            resource: "Offer",
            action: "approved",
            status: "stopped".into(),
        }),
    }
}

pub(super) fn stop(state: &AccountState, id: OfferId) -> DomainResult<Vec<EventKind>> {
    let offer = existing(&state.offers, &id, "Offer")?;
    if offer.status == OfferStatus::Stopped {
        return Ok(Vec::new());
    }
    Ok(vec![EventKind::OfferStopped(OfferRef { offer_id: id })])
}

pub(super) fn delete(state: &AccountState, id: OfferId) -> DomainResult<Vec<EventKind>> {
    let offer = existing(&state.offers, &id, "Offer")?;
    if offer.status != OfferStatus::Pending {
        return Err(DomainError::WrongStatus {
            resource: "Offer",
            action: "deleted",
            status: offer.status_at(offer.updated_at).into(),
        });
    }
    Ok(vec![EventKind::OfferDeleted(OfferRef { offer_id: id })])
}

pub(super) fn change_eligibility(
    state: &AccountState,
    id: OfferId,
    dimension: EligibilityDimension,
    ids: &[u64],
    add: bool,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let mut offer = existing(&state.offers, &id, "Offer")?.clone();
    let eligibility = &mut offer.eligibility;
    let changed = match dimension {
        EligibilityDimension::Merchants => apply(
            &mut eligibility.merchant_ids,
            ids,
            MerchantId,
            add,
            &state.merchants,
            "Merchant",
        )?,
        EligibilityDimension::StoreLists => apply(
            &mut eligibility.store_list_ids,
            ids,
            StoreListId,
            add,
            &state.store_lists,
            "Store list",
        )?,
        EligibilityDimension::MemberLists => apply(
            &mut eligibility.member_list_ids,
            ids,
            MemberListId,
            add,
            &state.member_lists,
            "Member list",
        )?,
        EligibilityDimension::ItemSets => apply(
            &mut eligibility.item_set_ids,
            ids,
            ItemSetId,
            add,
            &state.item_sets,
            "Item set",
        )?,
    };
    let rules = &mut eligibility.item_set_rules;
    let kept = &eligibility.item_set_ids;
    rules.retain(|set, _| kept.contains(set));
    if !changed {
        return Ok(Vec::new());
    }
    offer.updated_at = now;
    Ok(vec![EventKind::OfferUpdated(Box::new(offer))])
}

/// Makes `set` one of the offer's eligible item sets with `rule` (a default rule is not
/// stored); nothing when it already is, with that rule.
pub(super) fn set_item_set_rule(
    state: &AccountState,
    id: OfferId,
    set: ItemSetId,
    rule: ItemSetRule,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let mut offer = existing(&state.offers, &id, "Offer")?.clone();
    existing(&state.item_sets, &set, "Item set")?;
    if !(1..=MAX_REQUIRED_QUANTITY).contains(&rule.required_quantity) {
        return Err(DomainError::Invalid {
            field: "Req qty",
            reason: format!("must be from 1 to {MAX_REQUIRED_QUANTITY}"),
        });
    }
    let eligibility = &mut offer.eligibility;
    let added = eligibility.item_set_ids.insert(set);
    let changed = if rule == ItemSetRule::default() {
        eligibility.item_set_rules.remove(&set).is_some()
    } else {
        eligibility.item_set_rules.insert(set, rule) != Some(rule)
    };
    if !added && !changed {
        return Ok(Vec::new());
    }
    offer.updated_at = now;
    Ok(vec![EventKind::OfferUpdated(Box::new(offer))])
}

/// Adds (checking each exists) or removes `ids` in `set`; whether anything changed.
fn apply<Id: Copy + Ord + Hash, V: Clone, S: BuildHasher + Clone>(
    set: &mut BTreeSet<Id>,
    ids: &[u64],
    wrap: fn(u64) -> Id,
    add: bool,
    known: &SharedMap<Id, V, S>,
    resource: &'static str,
) -> DomainResult<bool> {
    let mut changed = false;
    for id in ids.iter().copied().map(wrap) {
        if add {
            existing(known, &id, resource)?;
            changed |= set.insert(id);
        } else {
            changed |= set.remove(&id);
        }
    }
    Ok(changed)
}

/// A points value of an offer: at most [`MAX_TRANSFER`], the most any one movement of points
/// may carry, so that ledgers stay far from overflowing.
fn points_value(field: &'static str, value: Option<u64>) -> DomainResult<()> {
    match value {
        Some(points) if points > MAX_TRANSFER => Err(DomainError::Invalid {
            field,
            reason: format!("must be at most {MAX_TRANSFER}"),
        }),
        _ => Ok(()),
    }
}

/// Sets offer `id`'s passbook configuration from `fields` (made when missing and `create`).
pub(super) fn configure_passbook(
    state: &AccountState,
    id: OfferId,
    fields: &PassbookFields,
    create: bool,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.offers, &id, "Offer")?;
    let current = match state.passbook(id) {
        Some(current) => current.clone(),
        None if create => PassbookConfiguration::empty(id, now),
        None => {
            return Err(DomainError::NotFound {
                resource: "Passbook configuration",
            })
        }
    };
    let configured = current.merged(fields, now)?;
    Ok(vec![EventKind::PassbookConfigured(configured)])
}

/// Deletes offer `id`'s passbook configuration.
pub(super) fn delete_passbook(state: &AccountState, id: OfferId) -> DomainResult<Vec<EventKind>> {
    existing(&state.offers, &id, "Offer")?;
    if state.passbook(id).is_none() {
        return Err(DomainError::NotFound {
            resource: "Passbook configuration",
        });
    }
    Ok(vec![EventKind::PassbookConfigurationDeleted(OfferRef {
        offer_id: id,
    })])
}
