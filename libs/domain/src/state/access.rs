//! Reading an account's state from outside the domain: one named accessor per thing a
//! caller may look up or walk (the fields stay private, so how they are stored can change).
//! Lookups answer `None` for what the account does not hold; walks are in no set order unless
//! they say so.

use super::{AccountState, Settings};
use crate::account::{Account, ApiKey};
use crate::catalog::{
    Counter, Item, ItemSet, Manufacturer, Member, MemberList, Merchant, Occasion, PosOfferCode,
    Store, StoreList,
};
use crate::channel::{Channel, OfferChannel};
use crate::credential::Credential;
use crate::idempotency::IdempotencyMemory;
use crate::ids::{
    ApiKeyId, ChannelId, CounterId, CredentialId, ItemId, ItemSetId, ManufacturerId, MemberId,
    MemberListId, MerchantId, OccasionId, OfferId, PosOfferCodeId, RedemptionId, ScheduleId,
    StoreId, StoreListId,
};
use crate::offer::{Offer, PassbookConfiguration};
use crate::redemption::{Redemption, Usage};
use chrono::{DateTime, Utc};
use std::ops::Bound;
use std::sync::Arc;

impl AccountState {
    /// The account, once created.
    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }

    /// The account's parsed settings.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// API key `id`.
    pub fn api_key(&self, id: ApiKeyId) -> Option<&ApiKey> {
        self.api_keys.get(&id)
    }

    /// API key `id` as the state shares it (a reference count, no copy of the key).
    pub fn shared_api_key(&self, id: ApiKeyId) -> Option<&Arc<ApiKey>> {
        self.api_keys.get_shared(&id)
    }

    /// Every API key of the account (revoked ones too), by id.
    pub fn api_keys_by_id(&self) -> Vec<&ApiKey> {
        let mut keys: Vec<&ApiKey> = self.api_keys.values().collect();
        keys.sort_unstable_by_key(|key| key.id);
        keys
    }

    /// Member `id`.
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members.get(&id)
    }

    /// Every member.
    pub fn members(&self) -> impl Iterator<Item = &Member> + '_ {
        self.members.values()
    }

    /// The member whose identifier is `identifier`.
    pub fn member_id_by_identifier(&self, identifier: &str) -> Option<MemberId> {
        self.member_ids_by_identifier.get(identifier).copied()
    }

    /// Merchant `id`.
    pub fn merchant(&self, id: MerchantId) -> Option<&Merchant> {
        self.merchants.get(&id)
    }

    /// Every merchant.
    pub fn merchants(&self) -> impl Iterator<Item = &Merchant> + '_ {
        self.merchants.values()
    }

    /// Manufacturer `id`.
    pub fn manufacturer(&self, id: ManufacturerId) -> Option<&Manufacturer> {
        self.manufacturers.get(&id)
    }

    /// Counter `id`.
    pub fn counter(&self, id: CounterId) -> Option<&Counter> {
        self.counters.get(&id)
    }

    /// Occasion `id` (a Sparkfly event).
    pub fn occasion(&self, id: OccasionId) -> Option<&Occasion> {
        self.occasions.get(&id)
    }

    /// POS offer code `id`.
    pub fn pos_offer_code(&self, id: PosOfferCodeId) -> Option<&PosOfferCode> {
        self.pos_offer_codes.get(&id)
    }

    /// Store `id`.
    pub fn store(&self, id: StoreId) -> Option<&Store> {
        self.stores.get(&id)
    }

    /// Every store.
    pub fn stores(&self) -> impl Iterator<Item = &Store> + '_ {
        self.stores.values()
    }

    /// Store list `id`.
    pub fn store_list(&self, id: StoreListId) -> Option<&StoreList> {
        self.store_lists.get(&id)
    }

    /// Member list `id`.
    pub fn member_list(&self, id: MemberListId) -> Option<&MemberList> {
        self.member_lists.get(&id)
    }

    /// Item `id`.
    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.items.get(&id)
    }

    /// Item set `id`.
    pub fn item_set(&self, id: ItemSetId) -> Option<&ItemSet> {
        self.item_sets.get(&id)
    }

    /// Offer `id`.
    pub fn offer(&self, id: OfferId) -> Option<&Offer> {
        self.offers.get(&id)
    }

    /// Every offer.
    pub fn offers(&self) -> impl Iterator<Item = &Offer> + '_ {
        self.offers.values()
    }

    /// Channel `id`.
    pub fn channel(&self, id: ChannelId) -> Option<&Channel> {
        self.channels.get(&id)
    }

    /// Every channel.
    pub fn channels(&self) -> impl Iterator<Item = &Channel> + '_ {
        self.channels.values()
    }

    /// The link of offer `offer` to channel `channel`.
    pub fn offer_link(&self, offer: OfferId, channel: ChannelId) -> Option<&OfferChannel> {
        self.offer_channels.get(&(offer, channel))
    }

    /// The links of offer `offer` to its channels.
    pub fn offer_links(&self, offer: OfferId) -> impl Iterator<Item = &OfferChannel> + '_ {
        self.offer_channels
            .values()
            .filter(move |link| link.offer_id == offer)
    }

    /// The offer and channel linked under `xid`.
    pub fn link_by_xid(&self, xid: &str) -> Option<(OfferId, ChannelId)> {
        self.links_by_xid.get(xid).copied()
    }

    /// Credential `id`, unless deleted.
    pub fn credential(&self, id: CredentialId) -> Option<&Credential> {
        self.credentials.get(&id)
    }

    /// Every credential not deleted.
    pub fn credentials(&self) -> impl Iterator<Item = &Credential> + '_ {
        self.credentials.values()
    }

    /// Credential `id` as it was when deleted; only a delete's answer reads it.
    pub fn deleted_credential(&self, id: CredentialId) -> Option<&Credential> {
        self.deleted_credentials.get(&id)
    }

    /// The credential that last took code `code`.
    pub fn credential_id_by_code(&self, code: &str) -> Option<CredentialId> {
        self.credential_ids_by_code.get(code).copied()
    }

    /// The earliest end of a credential's code lifetime not yet recorded as expired.
    pub fn next_credential_expiry(&self) -> Option<DateTime<Utc>> {
        self.credential_expiry.get_min().map(|(at, _)| *at)
    }

    /// Redemption or reservation `id`.
    pub fn redemption(&self, id: RedemptionId) -> Option<&Redemption> {
        self.redemptions.get(&id)
    }

    /// Every redemption and reservation.
    pub fn redemptions(&self) -> impl Iterator<Item = &Redemption> + '_ {
        self.redemptions.values()
    }

    /// The earliest expiry of a live reservation.
    pub fn next_reservation_expiry(&self) -> Option<DateTime<Utc>> {
        self.reservation_expiry.get_min().map(|(at, _)| *at)
    }

    /// The earliest pending expiry: of a reservation, of a credential's code lifetime, of
    /// an erasure's grace, or a schedule's time.
    pub fn next_expiry(&self) -> Option<DateTime<Utc>> {
        let erasure = self.erasures_due.get_min().map(|(at, _)| *at);
        let schedule = self.schedules_due.get_min().map(|(at, _)| *at);
        earliest(
            earliest(
                self.next_reservation_expiry(),
                self.next_credential_expiry(),
            ),
            earliest(erasure, schedule),
        )
    }

    /// The earliest pending expiry strictly after `now`.
    pub fn next_expiry_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let reservation = self
            .reservation_expiry
            .range((
                Bound::Excluded((now, RedemptionId(u64::MAX))),
                Bound::Unbounded,
            ))
            .next()
            .map(|(at, _)| *at);
        let credential = self
            .credential_expiry
            .range((
                Bound::Excluded((now, CredentialId(u64::MAX))),
                Bound::Unbounded,
            ))
            .next()
            .map(|(at, _)| *at);
        let erasure = self
            .erasures_due
            .range((Bound::Excluded((now, MemberId(u64::MAX))), Bound::Unbounded))
            .next()
            .map(|(at, _)| *at);
        let schedule = self
            .schedules_due
            .range((
                Bound::Excluded((now, ScheduleId(u64::MAX))),
                Bound::Unbounded,
            ))
            .next()
            .map(|(at, _)| *at);
        earliest(
            earliest(reservation, credential),
            earliest(erasure, schedule),
        )
    }

    /// Members whose erasure is due at `now` and not yet recorded.
    pub fn due_erasures(&self, now: DateTime<Utc>) -> impl Iterator<Item = MemberId> + '_ {
        self.erasures_due
            .iter()
            .take_while(move |(at, _)| *at <= now)
            .map(|(_, member)| *member)
    }

    /// Offer `offer`'s passbook configuration.
    pub fn passbook(&self, offer: OfferId) -> Option<&PassbookConfiguration> {
        self.passbooks.get(&offer)
    }

    /// Capacity held against redemption limits.
    pub fn usage(&self) -> &Usage {
        &self.usage
    }

    /// The idempotency keys the account remembers.
    pub fn idempotency(&self) -> &IdempotencyMemory {
        &self.idempotency
    }
}

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
