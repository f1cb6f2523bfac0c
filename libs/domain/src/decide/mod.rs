//! `decide`: checks a command against an account's state and answers with the events it causes
//! or the reason it is refused. Pure: time and randomness come in the context.

mod account;
mod bulk;
mod campaigns;
mod catalog;
mod channel;
mod check_in;
mod credential;
mod impressions;
mod items;
mod lists;
mod manufacturers;
mod offer;
mod plain;
mod points;
mod pos;
mod pos_codes;
mod privacy;
mod schedules;
mod wallet;
mod zidentifiers;

use crate::catalog::queries::Change;
use crate::command::Command;
use crate::context::Context;
use crate::error::{DomainError, DomainResult};
use crate::event::{Event, EventKind};
use crate::idempotency::{fingerprint, IdempotencyStamp};
use crate::state::AccountState;

pub use pos::evaluate;

/// Longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// The outcome of an accepted command.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// A new command: these events are to be recorded.
    Accepted(Vec<Event>),
    /// A repeat of a keyed command: the events the first one recorded; nothing new to record.
    Repeated(Vec<Event>),
}

impl Decision {
    /// The events to record now (none for a repeat).
    pub fn new_events(&self) -> &[Event] {
        match self {
            Self::Accepted(events) => events,
            Self::Repeated(_) => &[],
        }
    }

    /// The events that answer the command: the new ones, or the first outcome of a repeat.
    pub fn outcome(&self) -> &[Event] {
        match self {
            Self::Accepted(events) | Self::Repeated(events) => events,
        }
    }

    /// Takes the events to record now.
    pub fn into_new_events(self) -> Vec<Event> {
        match self {
            Self::Accepted(events) => events,
            Self::Repeated(_) => Vec::new(),
        }
    }
}

/// Decides `command` against `state` at `context.now`, with an optional client idempotency key.
pub fn decide(
    state: &AccountState,
    command: &Command,
    idempotency_key: Option<&str>,
    context: &mut Context<'_>,
) -> DomainResult<Decision> {
    let idempotency = match idempotency_key {
        None => None,
        Some(key) => {
            let key =
                crate::validate::required_text("Idempotency key", Some(key), MAX_IDEMPOTENCY_KEY)?;
            let fingerprint = fingerprint(command);
            if let Some(remembered) = state.idempotency.recall(&key) {
                return if remembered.fingerprint == fingerprint {
                    Ok(Decision::Repeated(remembered.events.clone()))
                } else {
                    Err(DomainError::IdempotencyKeyReused)
                };
            }
            Some(IdempotencyStamp { key, fingerprint })
        }
    };
    let kinds = decide_kinds(state, command, context)?;
    let occurred_at = context.now;
    Ok(Decision::Accepted(
        kinds
            .into_iter()
            .map(|kind| Event {
                occurred_at,
                idempotency: idempotency.clone(),
                kind,
            })
            .collect(),
    ))
}

fn decide_kinds(
    state: &AccountState,
    command: &Command,
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    use Command as C;
    if let C::CreateAccount { account_id, fields } = command {
        return account::create(state, *account_id, fields, context.now);
    }
    if state.account.is_none() {
        return Err(DomainError::AccountNotFound);
    }
    let now = context.now;
    match command {
        C::CreateAccount { .. } => Err(DomainError::AccountExists),
        C::UpdateAccount { fields } => account::update(state, fields, now),
        C::IssueApiKey {
            identity,
            key_hash,
            roles,
        } => account::issue_key(state, identity, key_hash, roles, now),
        C::RotateApiKey {
            api_key_id,
            key_hash,
            grace_seconds,
        } => account::rotate_key(state, *api_key_id, key_hash, *grace_seconds, now),
        C::RevokeApiKey { api_key_id } => account::revoke_key(state, *api_key_id),
        C::CreateMember { fields } => catalog::create_member(state, fields, now),
        C::UpdateMember { member_id, fields } => {
            catalog::update_member(state, *member_id, fields, now)
        }
        C::DeleteMember { member_id } => catalog::delete_member(state, *member_id),
        C::CreateMerchant { fields } => catalog::create_merchant(state, fields, now),
        C::UpdateMerchant {
            merchant_id,
            fields,
        } => catalog::update_merchant(state, *merchant_id, fields, now),
        C::DeleteMerchant { merchant_id } => catalog::delete_merchant(state, *merchant_id),
        C::CreateStore {
            merchant_id,
            fields,
        } => catalog::create_store(state, *merchant_id, fields, now),
        C::UpdateStore { store_id, fields } => catalog::update_store(state, *store_id, fields, now),
        C::DeleteStore { store_id } => catalog::delete_store(state, *store_id),
        C::CreateStoreList {
            merchant_id,
            fields,
        } => lists::create_store_list(state, *merchant_id, fields, now),
        C::RenameStoreList {
            store_list_id,
            fields,
        } => lists::rename_store_list(state, *store_list_id, fields),
        C::AddStoresToList {
            store_list_id,
            store_ids,
        } => lists::add_stores(state, *store_list_id, store_ids),
        C::RemoveStoresFromList {
            store_list_id,
            store_ids,
        } => lists::remove_stores(state, *store_list_id, store_ids),
        C::DeleteStoreList { store_list_id } => lists::delete_store_list(state, *store_list_id),
        C::CreateMemberList { fields } => lists::create_member_list(state, fields, now),
        C::RenameMemberList {
            member_list_id,
            fields,
        } => lists::rename_member_list(state, *member_list_id, fields),
        C::AddMembersToList {
            member_list_id,
            member_ids,
        } => lists::add_members(state, *member_list_id, member_ids),
        C::RemoveMembersFromList {
            member_list_id,
            member_ids,
        } => lists::remove_members(state, *member_list_id, member_ids),
        C::DeleteMemberList { member_list_id } => lists::delete_member_list(state, *member_list_id),
        C::CreateItem { fields } => items::create_item(state, fields, now),
        C::UpdateItem { item_id, fields } => items::update_item(state, *item_id, fields, now),
        C::DeleteItem { item_id } => items::delete_item(state, *item_id),
        C::CreateItemSet { fields } => items::create_item_set(state, fields, now),
        C::UpdateItemSet {
            item_set_id,
            fields,
        } => items::update_item_set(state, *item_set_id, fields, now),
        C::DeleteItemSet { item_set_id } => items::delete_item_set(state, *item_set_id),
        C::CreateOffer { fields } => offer::create(state, fields, now),
        C::UpdateOffer { offer_id, fields } => offer::update(state, *offer_id, fields, now),
        C::ApproveOffer { offer_id } => offer::approve(state, *offer_id),
        C::StopOffer { offer_id } => offer::stop(state, *offer_id),
        C::DeleteOffer { offer_id } => offer::delete(state, *offer_id),
        C::AddOfferEligibility {
            offer_id,
            dimension,
            ids,
        } => offer::change_eligibility(state, *offer_id, *dimension, ids, true, now),
        C::ConfigurePassbook {
            offer_id,
            fields,
            create,
        } => offer::configure_passbook(state, *offer_id, fields, *create, now),
        C::DeletePassbookConfiguration { offer_id } => offer::delete_passbook(state, *offer_id),
        C::SetOfferItemSetRule {
            offer_id,
            item_set_id,
            rule,
        } => offer::set_item_set_rule(state, *offer_id, *item_set_id, *rule, now),
        C::CreateSchedule { fields } => schedules::create(state, fields, now),
        C::CancelSchedule { schedule_id } => schedules::cancel(state, *schedule_id),
        C::CreateBulkJob { fields } => bulk::create(state, fields, now),
        C::CancelBulkJob { bulk_job_id } => bulk::cancel(state, *bulk_job_id),
        C::AdvanceBulkJob { max } => bulk::advance(state, *max, context),
        C::ConfigureOfferChannel {
            offer_id,
            channel_id,
            fields,
        } => channel::configure_link(state, *offer_id, *channel_id, fields, context),
        C::RemoveOfferEligibility {
            offer_id,
            dimension,
            ids,
        } => offer::change_eligibility(state, *offer_id, *dimension, ids, false, now),
        C::LinkOfferChannels {
            offer_id,
            channel_ids,
        } => channel::link(state, *offer_id, channel_ids, context),
        C::UnlinkOfferChannels {
            offer_id,
            channel_ids,
        } => channel::unlink(state, *offer_id, channel_ids),
        C::SetOfferChannelCap {
            offer_id,
            channel_id,
            max_redemptions,
        } => channel::set_cap(state, *offer_id, *channel_id, *max_redemptions),
        C::CreateChannel { fields } => channel::create(state, fields, context),
        C::UpdateChannel { channel_id, fields } => {
            channel::update(state, *channel_id, fields, context)
        }
        C::DeleteChannel { channel_id } => channel::delete(state, *channel_id),
        C::IssueCredential { request } => credential::issue(state, request, context),
        C::UpdateCredential {
            credential_id,
            channel_id,
            offer_ids,
            changes,
        } => credential::update(
            state,
            *credential_id,
            *channel_id,
            offer_ids,
            changes,
            context,
        ),
        C::VoidCredential { credential_id } => credential::void(state, *credential_id, now),
        C::DeleteCredential { credential_id } => credential::delete(state, *credential_id, now),
        C::Redeem { request } => pos::redeem(state, request, now),
        C::Reserve {
            request,
            ttl_seconds,
        } => pos::reserve(state, request, *ttl_seconds, now),
        C::ConfirmReservation { redemption_id } => pos::confirm(state, *redemption_id, now),
        C::CancelReservation { redemption_id } => pos::cancel(state, *redemption_id),
        C::VoidRedemption { redemption_id } => pos::void(state, *redemption_id),
        C::ReverseRedemption { redemption_id } => pos::reverse(state, *redemption_id),
        C::ExpireDue => {
            let mut kinds = pos::expire_due(state, now);
            kinds.extend(schedules::fire_due(state, now));
            Ok(kinds)
        }
        C::RequestMemberErasure { member_id } => privacy::request_erasure(state, *member_id, now),
        C::CreateManufacturer { fields } => manufacturers::create(state, fields, now),
        C::UpdateManufacturer {
            manufacturer_id,
            fields,
        } => manufacturers::update(state, *manufacturer_id, fields, now),
        C::DeleteManufacturer { manufacturer_id } => manufacturers::delete(state, *manufacturer_id),
        C::AddManufacturerMerchants {
            manufacturer_id,
            merchant_ids,
        } => manufacturers::change_merchants(state, *manufacturer_id, merchant_ids, Change::Add),
        C::RemoveManufacturerMerchants {
            manufacturer_id,
            merchant_ids,
        } => manufacturers::change_merchants(state, *manufacturer_id, merchant_ids, Change::Remove),
        C::SetManufacturerMerchants {
            manufacturer_id,
            merchant_ids,
        } => manufacturers::change_merchants(state, *manufacturer_id, merchant_ids, Change::Set),
        C::CreateCounter { fields } => plain::create_counter(state, fields, now),
        C::UpdateCounter { counter_id, fields } => {
            plain::update_counter(state, *counter_id, fields, now)
        }
        C::DeleteCounter { counter_id } => plain::delete_counter(state, *counter_id),
        C::CreateOccasion { fields } => plain::create_occasion(state, fields, now),
        C::UpdateOccasion {
            occasion_id,
            fields,
        } => plain::update_occasion(state, *occasion_id, fields, now),
        C::DeleteOccasion { occasion_id } => plain::delete_occasion(state, *occasion_id),
        C::CreatePosOfferCode { fields } => pos_codes::create(state, fields, now),
        C::UpdatePosOfferCode {
            pos_offer_code_id,
            fields,
        } => pos_codes::update(state, *pos_offer_code_id, fields, now),
        C::DeletePosOfferCode { pos_offer_code_id } => pos_codes::delete(state, *pos_offer_code_id),
        C::SaveOfferToWallet {
            member_id,
            channel_id,
            offer_id,
            fields,
        } => wallet::save(state, *member_id, *channel_id, *offer_id, fields, context),
        C::UpdateOfferState {
            member_id,
            offer_state_id,
            fields,
        } => wallet::update(state, *member_id, *offer_state_id, fields, now),
        C::VoidOfferState {
            member,
            offer_state_id,
        } => wallet::void(state, member, *offer_state_id, now),
        C::TransferPoints {
            to_identifier,
            from_identifier,
            channel_id,
            points,
            txid,
        } => points::transfer_points(
            state,
            &points::TransferAsked {
                to_identifier,
                from_identifier: from_identifier.as_deref(),
                channel_id: *channel_id,
                points: *points,
                txid,
            },
            now,
        ),
        C::CheckIn {
            member_id,
            store_id,
            at,
        } => check_in::check_in(state, *member_id, *store_id, at),
        C::SetOfferCheckInRule {
            offer_id,
            within_minutes,
        } => check_in::set_rule(state, *offer_id, *within_minutes),
        C::RecordImpression { fields } => impressions::record(state, fields, now),
        C::DeleteImpression { impression_id } => impressions::delete(*impression_id),
        C::CreateCampaign { fields } => campaigns::create(state, fields, now),
        C::UpdateCampaign {
            campaign_id,
            fields,
        } => campaigns::update(state, *campaign_id, fields, now),
        C::DeleteCampaign { campaign_id } => campaigns::delete(state, *campaign_id),
        C::IssueZidentifier {
            member_id,
            offer_id,
            channel_id,
        } => zidentifiers::issue(state, *member_id, *offer_id, *channel_id, context),
    }
}
