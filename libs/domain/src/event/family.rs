//! Event families: every event sorted by the entity it concerns, so that code routing events
//! (`evolve`, projections, callbacks) names each family and each event by name, with no `_`
//! arm over event kinds.
//!
//! One list (the `event_families!` invocation below) declares every family: its owned enum
//! (`MemberEvent`, moved out of an [`EventKind`] by [`EventKind::into_family`]) and its
//! borrowed twin (`MemberEventRef`, from [`EventKind::family`]). Both conversions are
//! exhaustive matches over [`EventKind`] without a wildcard, so an event type added to the
//! list of kinds and not to a family does not compile ("non-exhaustive patterns"), and a
//! handler that matches its family enum without a wildcard stops compiling when the family
//! grows:
//!
//! ```compile_fail,E0004
//! use domain::event::MemberEvent;
//!
//! fn forgets_deletions(event: MemberEvent) {
//!     match event {
//!         MemberEvent::Created(_) | MemberEvent::Updated(_) => {}
//!     }
//! }
//! ```

use super::kinds::{EventKind, EventType};
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

/// The type a borrowed twin holds for a payload: the payload itself, or what it derefs to
/// when the list says `as` (a `&Box<Offer>` is held as `&Offer`).
macro_rules! borrowed_payload {
    ($payload:ty) => {
        $payload
    };
    ($payload:ty, $view:ty) => {
        $view
    };
}

macro_rules! event_families {
    ($(
        $(#[$family_doc:meta])*
        $family:ident($owned:ident, $borrowed:ident) {
            $($(#[$doc:meta])* $variant:ident($payload:ty $(as $view:ty)?) = $kind:ident,)*
        }
    )*) => {
        $(
            $(#[$family_doc])*
            #[derive(Clone, Debug, PartialEq)]
            pub enum $owned {
                $($(#[$doc])* $variant($payload),)*
            }

            $(#[$family_doc])*
            ///
            /// Borrowed from an [`EventKind`] by [`EventKind::family`].
            #[derive(Clone, Copy, Debug, PartialEq)]
            pub enum $borrowed<'a> {
                $($(#[$doc])* $variant(&'a borrowed_payload!($payload $(, $view)?)),)*
            }
        )*

        /// An event sorted into the family of entities it concerns, its payload moved.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Family {
            $($(#[$family_doc])* $family($owned),)*
        }

        /// An event sorted into the family of entities it concerns, its payload borrowed.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum FamilyRef<'a> {
            $($(#[$family_doc])* $family($borrowed<'a>),)*
        }

        impl Family {
            /// Every family by name, with the event types it holds, in declaration order.
            pub const ALL: &'static [(&'static str, &'static [EventType])] = &[
                $((stringify!($family), &[$(EventType::$kind,)*]),)*
            ];
        }

        impl EventType {
            /// The name of the family events of this type belong to (see [`Family::ALL`]).
            pub fn family_name(self) -> &'static str {
                match self {
                    $($(Self::$kind => stringify!($family),)*)*
                }
            }
        }

        impl EventKind {
            /// This event sorted into its family, moving the payload (no copy of its data).
            pub fn into_family(self) -> Family {
                match self {
                    $($(Self::$kind(payload) => Family::$family($owned::$variant(payload)),)*)*
                }
            }

            /// This event sorted into its family, borrowing the payload.
            pub fn family(&self) -> FamilyRef<'_> {
                match self {
                    $($(Self::$kind(payload) => FamilyRef::$family($borrowed::$variant(payload)),)*)*
                }
            }
        }
    };
}

event_families! {
    /// Events of the account itself (its settings).
    Account(AccountEvent, AccountEventRef) {
        /// The account was created.
        Created(Account) = AccountCreated,
        /// The account's settings changed.
        Updated(Account) = AccountUpdated,
    }
    /// Events of API credentials.
    ApiKey(ApiKeyEvent, ApiKeyEventRef) {
        /// A credential was issued.
        Issued(ApiKey) = ApiKeyIssued,
        /// A credential's key was rotated.
        Rotated(ApiKeyRotated) = ApiKeyRotated,
        /// A credential was revoked.
        Revoked(ApiKeyRef) = ApiKeyRevoked,
    }
    /// Events of members.
    Member(MemberEvent, MemberEventRef) {
        /// A member was created.
        Created(Member) = MemberCreated,
        /// A member changed.
        Updated(Member) = MemberUpdated,
        /// A member was deleted.
        Deleted(MemberRef) = MemberDeleted,
        /// A member's erasure was asked for.
        ErasureRequested(ErasureRequested) = MemberErasureRequested,
        /// A member was erased.
        Erased(MemberRef) = MemberErased,
    }
    /// Events of merchants.
    Merchant(MerchantEvent, MerchantEventRef) {
        /// A merchant was created.
        Created(Merchant) = MerchantCreated,
        /// A merchant changed.
        Updated(Merchant) = MerchantUpdated,
        /// A merchant was deleted.
        Deleted(MerchantRef) = MerchantDeleted,
    }
    /// Events of manufacturers and the merchants they name.
    Manufacturer(ManufacturerEvent, ManufacturerEventRef) {
        /// A manufacturer was created.
        Created(Manufacturer) = ManufacturerCreated,
        /// A manufacturer changed.
        Updated(Manufacturer) = ManufacturerUpdated,
        /// A manufacturer was deleted.
        Deleted(ManufacturerRef) = ManufacturerDeleted,
        /// Merchants were named as carrying its products.
        MerchantsAdded(ManufacturerMerchants) = MerchantsAddedToManufacturer,
        /// Merchants were no longer named.
        MerchantsRemoved(ManufacturerMerchants) = MerchantsRemovedFromManufacturer,
    }
    /// Events of counters.
    Counter(CounterEvent, CounterEventRef) {
        /// A counter was created.
        Created(Counter) = CounterCreated,
        /// A counter changed.
        Updated(Counter) = CounterUpdated,
        /// A counter was deleted.
        Deleted(CounterRef) = CounterDeleted,
    }
    /// Events of occasions (Sparkfly's events).
    Occasion(OccasionEvent, OccasionEventRef) {
        /// An occasion was created.
        Created(Occasion) = OccasionCreated,
        /// An occasion changed.
        Updated(Occasion) = OccasionUpdated,
        /// An occasion was deleted.
        Deleted(OccasionRef) = OccasionDeleted,
    }
    /// Events of POS offer codes.
    PosOfferCode(PosOfferCodeEvent, PosOfferCodeEventRef) {
        /// A POS offer code was created.
        Created(PosOfferCode) = PosOfferCodeCreated,
        /// A POS offer code changed.
        Updated(PosOfferCode) = PosOfferCodeUpdated,
        /// A POS offer code was deleted.
        Deleted(PosOfferCodeRef) = PosOfferCodeDeleted,
    }
    /// Events of members' offer wallets.
    OfferState(OfferStateEvent, OfferStateEventRef) {
        /// An offer was saved to a wallet.
        Created(OfferState) = OfferStateCreated,
        /// A wallet entry changed.
        Updated(OfferState) = OfferStateUpdated,
        /// A wallet entry was voided.
        Voided(OfferStateVoided) = OfferStateVoided,
    }
    /// Events of members' points (beside those redemptions earn, which follow from them).
    Points(PointsEvent, PointsEventRef) {
        /// Points were transferred to a member.
        Transferred(PointsTransfer) = PointsTransferred,
    }
    /// Check-ins of members at stores, and offers' check-in rules.
    CheckIn(CheckInEvent, CheckInEventRef) {
        /// A member checked in at a store.
        CheckedIn(CheckedIn) = MemberCheckedIn,
        /// An offer's check-in rule was set or cleared.
        RuleSet(CheckInRule) = OfferCheckInRuleSet,
    }
    /// Impressions: views of offers through channel links.
    Impression(ImpressionEvent, ImpressionEventRef) {
        /// An impression was recorded.
        Recorded(Impression) = ImpressionRecorded,
        /// An impression was deleted.
        Deleted(ImpressionRef) = ImpressionDeleted,
    }
    /// Events of campaigns.
    Campaign(CampaignEvent, CampaignEventRef) {
        /// A campaign was created.
        Created(Campaign) = CampaignCreated,
        /// A campaign changed.
        Updated(Campaign) = CampaignUpdated,
        /// A campaign was deleted.
        Deleted(CampaignRef) = CampaignDeleted,
    }
    /// Scheduled actions.
    Schedule(ScheduleEvent, ScheduleEventRef) {
        /// An action was scheduled.
        Created(Schedule) = ScheduleCreated,
        /// A pending schedule was cancelled.
        Cancelled(ScheduleRef) = ScheduleCancelled,
        /// A schedule fired.
        Fired(ScheduleRef) = ScheduleFired,
        /// A schedule's action was refused.
        Failed(ScheduleFailure) = ScheduleFailed,
    }
    /// Bulk issuance jobs.
    BulkJob(BulkJobEvent, BulkJobEventRef) {
        /// A job was created.
        Created(BulkJob) = BulkJobCreated,
        /// A job issued to its next members.
        Advanced(BulkAdvance) = BulkJobAdvanced,
        /// A job finished.
        Finished(BulkJobRef) = BulkJobFinished,
        /// A job was cancelled.
        Cancelled(BulkJobRef) = BulkJobCancelled,
    }
    /// Zidentifiers.
    Zidentifier(ZidentifierEvent, ZidentifierEventRef) {
        /// A zidentifier was issued.
        Issued(Zidentifier) = ZidentifierIssued,
    }
    /// Events of stores.
    Store(StoreEvent, StoreEventRef) {
        /// A store was created.
        Created(Box<Store> as Store) = StoreCreated,
        /// A store changed.
        Updated(Box<Store> as Store) = StoreUpdated,
        /// A store was deleted.
        Deleted(StoreRef) = StoreDeleted,
    }
    /// Events of store lists and their stores.
    StoreList(StoreListEvent, StoreListEventRef) {
        /// A store list was created.
        Created(StoreList) = StoreListCreated,
        /// A store list was renamed.
        Renamed(ListRenamed) = StoreListRenamed,
        /// Stores joined a store list.
        StoresAdded(StoreListStores) = StoresAddedToList,
        /// Stores left a store list.
        StoresRemoved(StoreListStores) = StoresRemovedFromList,
        /// A store list was deleted.
        Deleted(StoreListRef) = StoreListDeleted,
    }
    /// Events of member lists and their members.
    MemberList(MemberListEvent, MemberListEventRef) {
        /// A member list was created.
        Created(MemberList) = MemberListCreated,
        /// A member list was renamed.
        Renamed(ListRenamed) = MemberListRenamed,
        /// Members joined a member list.
        MembersAdded(MemberListMembers) = MembersAddedToList,
        /// Members left a member list.
        MembersRemoved(MemberListMembers) = MembersRemovedFromList,
        /// A member list was deleted.
        Deleted(MemberListRef) = MemberListDeleted,
    }
    /// Events of items.
    Item(ItemEvent, ItemEventRef) {
        /// An item was created.
        Created(Item) = ItemCreated,
        /// An item changed.
        Updated(Item) = ItemUpdated,
        /// An item was deleted.
        Deleted(ItemRef) = ItemDeleted,
    }
    /// Events of item sets.
    ItemSet(ItemSetEvent, ItemSetEventRef) {
        /// An item set was created.
        Created(ItemSet) = ItemSetCreated,
        /// An item set changed.
        Updated(ItemSet) = ItemSetUpdated,
        /// An item set was deleted.
        Deleted(ItemSetRef) = ItemSetDeleted,
    }
    /// Events of offers.
    Offer(OfferEvent, OfferEventRef) {
        /// An offer was created.
        Created(Box<Offer> as Offer) = OfferCreated,
        /// An offer's terms or eligibility changed.
        Updated(Box<Offer> as Offer) = OfferUpdated,
        /// An offer was approved.
        Approved(OfferRef) = OfferApproved,
        /// An offer was stopped.
        Stopped(OfferRef) = OfferStopped,
        /// A pending offer was deleted.
        Deleted(OfferRef) = OfferDeleted,
        /// An offer's passbook configuration was set.
        PassbookConfigured(PassbookConfiguration) = PassbookConfigured,
        /// An offer's passbook configuration was deleted.
        PassbookDeleted(OfferRef) = PassbookConfigurationDeleted,
    }
    /// Events of the links between offers and channels.
    OfferChannel(OfferChannelEvent, OfferChannelEventRef) {
        /// An offer was linked to a channel.
        Linked(OfferChannel) = OfferChannelLinked,
        /// An offer was unlinked from a channel.
        Unlinked(OfferChannelRef) = OfferChannelUnlinked,
        /// The cap of an offer on a channel changed.
        CapSet(OfferChannelCapSet) = OfferChannelCapSet,
        /// The settings of an offer's link to a channel changed.
        Configured(OfferChannelConfigured) = OfferChannelConfigured,
    }
    /// Events of channels.
    Channel(ChannelEvent, ChannelEventRef) {
        /// A channel was created.
        Created(Channel) = ChannelCreated,
        /// A channel changed.
        Updated(Channel) = ChannelUpdated,
        /// A channel was deleted.
        Deleted(ChannelRef) = ChannelDeleted,
    }
    /// Events of credentials (redeemable codes) outside redemptions.
    Credential(CredentialEvent, CredentialEventRef) {
        /// A credential was issued.
        Issued(IssuedCredential) = CredentialIssued,
        /// A credential's offers changed.
        OffersChanged(CredentialOffersChanged) = CredentialOffersChanged,
        /// A credential was voided.
        Voided(CredentialRef) = CredentialVoided,
        /// A credential's code lifetime ended.
        Expired(CredentialRef) = CredentialExpired,
        /// A credential was deleted.
        Deleted(CredentialRef) = CredentialDeleted,
        /// A credential's member, store, annotations or flags changed.
        Changed(CredentialChanged) = CredentialChanged,
    }
    /// Events of redemptions and reservations at a point of sale.
    Redemption(RedemptionEvent, RedemptionEventRef) {
        /// Codes were redeemed.
        Committed(RecordedRedemption) = RedemptionCommitted,
        /// Codes were reserved.
        Reserved(RecordedRedemption) = RedemptionReserved,
        /// A reservation was confirmed.
        ReservationConfirmed(RedemptionRef) = ReservationConfirmed,
        /// A reservation was cancelled.
        ReservationCancelled(RedemptionRef) = ReservationCancelled,
        /// A reservation lapsed.
        ReservationExpired(RedemptionRef) = ReservationExpired,
        /// A redemption was voided.
        Voided(RedemptionRef) = RedemptionVoided,
        /// A redemption was reversed.
        Reversed(RedemptionRef) = RedemptionReversed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn every_event_type_lands_in_exactly_one_family() {
        let mut families_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (family, types) in Family::ALL {
            for event_type in *types {
                families_of
                    .entry(event_type.name())
                    .or_default()
                    .push(family);
                assert_eq!(event_type.family_name(), *family, "{}", event_type.name());
            }
        }
        for event_type in EventType::ALL {
            let families = families_of.get(event_type.name()).cloned();
            assert_eq!(families.map(|found| found.len()), Some(1), "{event_type:?}");
        }
        let sorted: usize = Family::ALL.iter().map(|(_, types)| types.len()).sum();
        assert_eq!(sorted, EventType::ALL.len());
    }

    #[test]
    fn owned_and_borrowed_families_agree() {
        let events = [
            EventKind::MemberDeleted(MemberRef {
                member_id: crate::ids::MemberId(7),
            }),
            EventKind::OfferStopped(OfferRef {
                offer_id: crate::ids::OfferId(8),
            }),
            EventKind::ReservationExpired(RedemptionRef {
                redemption_id: crate::ids::RedemptionId(9),
            }),
        ];
        for kind in events {
            let family_name = kind.event_type().family_name();
            let borrowed = format!("{:?}", kind.family());
            let owned = format!("{:?}", kind.into_family());
            assert_eq!(borrowed, owned);
            assert!(owned.starts_with(&format!("{family_name}(")), "{owned}");
        }
    }
}
