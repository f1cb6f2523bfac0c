//! The list of event types: one line each, naming the payload, the stored type name and the
//! current schema version. Everything per type (codec dispatch, schemas) is generated here.

use super::payloads::*;
use crate::account::{Account, ApiKey};
use crate::bulk::BulkJob;
use crate::campaign::Campaign;
use crate::catalog::{
    Counter, Item, ItemSet, Manufacturer, Member, MemberList, Merchant, Occasion, PosOfferCode,
    Store, StoreList,
};
use crate::channel::{Channel, OfferChannel};
use crate::check_in::{CheckInRule, CheckedIn};
use crate::impression::Impression;
use crate::offer::{Offer, PassbookConfiguration};
use crate::points::PointsTransfer;
use crate::schedule::Schedule;
use crate::wallet::OfferState;
use crate::zidentifier::Zidentifier;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{DeserializeOwned, Error as _, MapAccess};
use serde::ser::SerializeMap;
use serde::Deserialize;

macro_rules! event_kinds {
    ($($(#[$doc:meta])* $variant:ident($payload:ty) = $name:literal @ $version:literal,)*) => {
        /// What happened.
        #[derive(Clone, Debug, PartialEq)]
        pub enum EventKind {
            $($(#[$doc])* $variant($payload),)*
        }

        /// The type of an event, without its payload.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
        pub enum EventType {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)*
        }

        impl EventType {
            /// Every event type.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant,)*];

            /// The stored type name.
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The schema version events of this type are written with.
            pub fn current_version(self) -> u16 {
                match self { $(Self::$variant => $version,)* }
            }

            /// The payload schema of this type, registered in `generator`.
            pub(super) fn payload_schema(self, generator: &mut SchemaGenerator) -> Schema {
                match self { $(Self::$variant => generator.subschema_for::<$payload>(),)* }
            }

            /// Reads the payload of an event of this type and `version` from `map`.
            pub(super) fn read_payload<'de, A: MapAccess<'de>>(
                self,
                version: u16,
                map: &mut A,
            ) -> Result<EventKind, A::Error> {
                if version != self.current_version() {
                    let stored: serde_json::Value = map.next_value()?;
                    return self.parse_stored(version, stored).map_err(A::Error::custom);
                }
                match self { $(Self::$variant => map.next_value().map(EventKind::$variant),)* }
            }

            /// Builds the payload of an event of this type and `version` from a JSON value.
            pub(super) fn parse_stored(
                self,
                version: u16,
                stored: serde_json::Value,
            ) -> Result<EventKind, String> {
                let current = super::upcast::upgrade(self.name(), version, self.current_version(), stored)?;
                match self { $(Self::$variant => parse(current).map(EventKind::$variant),)* }
            }
        }

        impl EventKind {
            /// The type of this event.
            pub fn event_type(&self) -> EventType {
                match self { $(Self::$variant(_) => EventType::$variant,)* }
            }

            /// Writes the payload as the `data` entry of `map`.
            pub(super) fn write_payload<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                match self { $(Self::$variant(payload) => map.serialize_entry("data", payload),)* }
            }
        }

        #[allow(dead_code)]
        fn assert_payloads_have_schemas() {
            fn has_schema<T: JsonSchema>() {}
            $(has_schema::<$payload>();)*
        }
    };
}

/// Parses a buffered payload. Through its text, not `from_value`: a [`super::Lazy`] part keeps
/// its JSON text, which only a text deserializer can give.
fn parse<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
    serde_json::from_str(&value.to_string()).map_err(|error| error.to_string())
}

event_kinds! {
    /// An account was created.
    AccountCreated(Account) = "account_created" @ 2,
    /// An account's settings changed.
    AccountUpdated(Account) = "account_updated" @ 2,
    /// An API credential was issued.
    ApiKeyIssued(ApiKey) = "api_key_issued" @ 1,
    /// An API credential's key was rotated.
    ApiKeyRotated(ApiKeyRotated) = "api_key_rotated" @ 1,
    /// An API credential was revoked.
    ApiKeyRevoked(ApiKeyRef) = "api_key_revoked" @ 1,
    /// A member was created.
    MemberCreated(Member) = "member_created" @ 1,
    /// A member changed.
    MemberUpdated(Member) = "member_updated" @ 1,
    /// A member was deleted.
    MemberDeleted(MemberRef) = "member_deleted" @ 1,
    /// A member's erasure was asked for: its wallet was voided, and it is erased at `erase_at`.
    MemberErasureRequested(ErasureRequested) = "member_erasure_requested" @ 1,
    /// A member was erased: it is gone, and its keys are destroyed (crypto-shredding).
    MemberErased(MemberRef) = "member_erased" @ 1,
    /// A merchant was created.
    MerchantCreated(Merchant) = "merchant_created" @ 2,
    /// A merchant changed.
    MerchantUpdated(Merchant) = "merchant_updated" @ 2,
    /// A merchant was deleted.
    MerchantDeleted(MerchantRef) = "merchant_deleted" @ 1,
    /// A store was created.
    StoreCreated(Box<Store>) = "store_created" @ 2,
    /// A store changed.
    StoreUpdated(Box<Store>) = "store_updated" @ 2,
    /// A store was deleted.
    StoreDeleted(StoreRef) = "store_deleted" @ 1,
    /// A store list was created.
    StoreListCreated(StoreList) = "store_list_created" @ 1,
    /// A store list was renamed.
    StoreListRenamed(ListRenamed) = "store_list_renamed" @ 1,
    /// Stores joined a store list.
    StoresAddedToList(StoreListStores) = "stores_added_to_list" @ 1,
    /// Stores left a store list.
    StoresRemovedFromList(StoreListStores) = "stores_removed_from_list" @ 1,
    /// A store list was deleted.
    StoreListDeleted(StoreListRef) = "store_list_deleted" @ 1,
    /// A member list was created.
    MemberListCreated(MemberList) = "member_list_created" @ 1,
    /// A member list was renamed.
    MemberListRenamed(ListRenamed) = "member_list_renamed" @ 1,
    /// Members joined a member list.
    MembersAddedToList(MemberListMembers) = "members_added_to_list" @ 1,
    /// Members left a member list.
    MembersRemovedFromList(MemberListMembers) = "members_removed_from_list" @ 1,
    /// A member list was deleted.
    MemberListDeleted(MemberListRef) = "member_list_deleted" @ 1,
    /// An item was created.
    ItemCreated(Item) = "item_created" @ 1,
    /// An item changed.
    ItemUpdated(Item) = "item_updated" @ 1,
    /// An item was deleted.
    ItemDeleted(ItemRef) = "item_deleted" @ 1,
    /// An item set was created.
    ItemSetCreated(ItemSet) = "item_set_created" @ 2,
    /// An item set changed.
    ItemSetUpdated(ItemSet) = "item_set_updated" @ 2,
    /// An item set was deleted.
    ItemSetDeleted(ItemSetRef) = "item_set_deleted" @ 1,
    /// An offer was created.
    OfferCreated(Box<Offer>) = "offer_created" @ 3,
    /// An offer's terms or eligibility changed.
    OfferUpdated(Box<Offer>) = "offer_updated" @ 3,
    /// An offer was approved.
    OfferApproved(OfferRef) = "offer_approved" @ 1,
    /// An offer was stopped.
    OfferStopped(OfferRef) = "offer_stopped" @ 1,
    /// A pending offer was deleted.
    OfferDeleted(OfferRef) = "offer_deleted" @ 1,
    /// An offer's passbook configuration was set (its secrets sealed in the log).
    PassbookConfigured(PassbookConfiguration) = "passbook_configured" @ 1,
    /// An offer's passbook configuration was deleted.
    PassbookConfigurationDeleted(OfferRef) = "passbook_configuration_deleted" @ 1,
    /// An offer was linked to a channel.
    OfferChannelLinked(OfferChannel) = "offer_channel_linked" @ 2,
    /// An offer was unlinked from a channel.
    OfferChannelUnlinked(OfferChannelRef) = "offer_channel_unlinked" @ 1,
    /// The cap of an offer on a channel changed.
    OfferChannelCapSet(OfferChannelCapSet) = "offer_channel_cap_set" @ 1,
    /// The settings of an offer's link to a channel changed.
    OfferChannelConfigured(OfferChannelConfigured) = "offer_channel_configured" @ 1,
    /// A channel was created.
    ChannelCreated(Channel) = "channel_created" @ 2,
    /// A channel changed.
    ChannelUpdated(Channel) = "channel_updated" @ 2,
    /// A channel was deleted.
    ChannelDeleted(ChannelRef) = "channel_deleted" @ 1,
    /// A credential was issued.
    CredentialIssued(IssuedCredential) = "credential_issued" @ 2,
    /// A credential's offers changed.
    CredentialOffersChanged(CredentialOffersChanged) = "credential_offers_changed" @ 1,
    /// A credential was voided.
    CredentialVoided(CredentialRef) = "credential_voided" @ 1,
    /// A credential's code lifetime ended.
    CredentialExpired(CredentialRef) = "credential_expired" @ 1,
    /// A credential was deleted: its code is never redeemable again.
    CredentialDeleted(CredentialRef) = "credential_deleted" @ 1,
    /// A credential's member, store, annotations or flags changed.
    CredentialChanged(CredentialChanged) = "credential_changed" @ 1,
    /// Codes were redeemed at a point of sale.
    RedemptionCommitted(RecordedRedemption) = "redemption_committed" @ 3,
    /// Codes were reserved at a point of sale.
    RedemptionReserved(RecordedRedemption) = "redemption_reserved" @ 3,
    /// A reservation was confirmed.
    ReservationConfirmed(RedemptionRef) = "reservation_confirmed" @ 1,
    /// A reservation was cancelled.
    ReservationCancelled(RedemptionRef) = "reservation_cancelled" @ 1,
    /// A reservation lapsed.
    ReservationExpired(RedemptionRef) = "reservation_expired" @ 1,
    /// A redemption was voided.
    RedemptionVoided(RedemptionRef) = "redemption_voided" @ 1,
    /// A redemption was reversed.
    RedemptionReversed(RedemptionRef) = "redemption_reversed" @ 1,
    /// A manufacturer was created.
    ManufacturerCreated(Manufacturer) = "manufacturer_created" @ 1,
    /// A manufacturer changed.
    ManufacturerUpdated(Manufacturer) = "manufacturer_updated" @ 1,
    /// A manufacturer was deleted.
    ManufacturerDeleted(ManufacturerRef) = "manufacturer_deleted" @ 1,
    /// Merchants were named as carrying a manufacturer's products.
    MerchantsAddedToManufacturer(ManufacturerMerchants) = "merchants_added_to_manufacturer" @ 1,
    /// Merchants were no longer named as carrying a manufacturer's products.
    MerchantsRemovedFromManufacturer(ManufacturerMerchants) = "merchants_removed_from_manufacturer" @ 1,
    /// A counter was created.
    CounterCreated(Counter) = "counter_created" @ 1,
    /// A counter changed.
    CounterUpdated(Counter) = "counter_updated" @ 1,
    /// A counter was deleted.
    CounterDeleted(CounterRef) = "counter_deleted" @ 1,
    /// An occasion (a Sparkfly event) was created.
    OccasionCreated(Occasion) = "occasion_created" @ 1,
    /// An occasion changed.
    OccasionUpdated(Occasion) = "occasion_updated" @ 1,
    /// An occasion was deleted.
    OccasionDeleted(OccasionRef) = "occasion_deleted" @ 1,
    /// A POS offer code was created.
    PosOfferCodeCreated(PosOfferCode) = "pos_offer_code_created" @ 1,
    /// A POS offer code changed.
    PosOfferCodeUpdated(PosOfferCode) = "pos_offer_code_updated" @ 1,
    /// A POS offer code was deleted.
    PosOfferCodeDeleted(PosOfferCodeRef) = "pos_offer_code_deleted" @ 1,
    /// An offer was saved to a member's wallet (and paid for in points when it costs some).
    OfferStateCreated(OfferState) = "offer_state_created" @ 1,
    /// A wallet entry's availability or reference changed.
    OfferStateUpdated(OfferState) = "offer_state_updated" @ 1,
    /// A wallet entry was voided.
    OfferStateVoided(OfferStateVoided) = "offer_state_voided" @ 1,
    /// Points were transferred to a member.
    PointsTransferred(PointsTransfer) = "points_transferred" @ 1,
    /// A member checked in at a store.
    MemberCheckedIn(CheckedIn) = "member_checked_in" @ 1,
    /// An offer's check-in rule was set or cleared.
    OfferCheckInRuleSet(CheckInRule) = "offer_check_in_rule_set" @ 1,
    /// An offer was seen through a channel link.
    ImpressionRecorded(Impression) = "impression_recorded" @ 1,
    /// An impression was deleted.
    ImpressionDeleted(ImpressionRef) = "impression_deleted" @ 1,
    /// A campaign was created.
    CampaignCreated(Campaign) = "campaign_created" @ 1,
    /// A campaign changed.
    CampaignUpdated(Campaign) = "campaign_updated" @ 1,
    /// A campaign was deleted.
    CampaignDeleted(CampaignRef) = "campaign_deleted" @ 1,
    /// A zidentifier was issued for a member, an offer and a channel.
    ZidentifierIssued(Zidentifier) = "zidentifier_issued" @ 1,
    /// An action was scheduled.
    ScheduleCreated(Schedule) = "schedule_created" @ 1,
    /// A pending schedule was cancelled.
    ScheduleCancelled(ScheduleRef) = "schedule_cancelled" @ 1,
    /// A schedule fell due and its action was taken: the action's events follow it.
    ScheduleFired(ScheduleRef) = "schedule_fired" @ 1,
    /// A schedule fell due and its action was refused.
    ScheduleFailed(ScheduleFailure) = "schedule_failed" @ 1,
    /// A bulk issuance job was created.
    BulkJobCreated(BulkJob) = "bulk_job_created" @ 1,
    /// A bulk job issued to its next members.
    BulkJobAdvanced(BulkAdvance) = "bulk_job_advanced" @ 1,
    /// A bulk job reached its last member.
    BulkJobFinished(BulkJobRef) = "bulk_job_finished" @ 1,
    /// A bulk job was cancelled.
    BulkJobCancelled(BulkJobRef) = "bulk_job_cancelled" @ 1,
}
