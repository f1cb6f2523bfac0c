//! The state of one account: everything `decide` needs to check a command, rebuilt by folding
//! `evolve` over the account's events. Its fields are the domain's own; other crates read it
//! through its accessor methods and the named queries beside each concept (such as
//! [`crate::credential::queries`]).

mod access;

use crate::account::{Account, ApiKey};
use crate::bulk::BulkJob;
use crate::campaign::Campaign;
use crate::catalog::{
    Counter, Item, ItemSet, Manufacturer, Member, MemberList, Merchant, Occasion, PosOfferCode,
    Store, StoreList,
};
use crate::channel::{Channel, OfferChannel};
use crate::check_in::CheckIns;
use crate::credential::Credential;
use crate::idempotency::IdempotencyMemory;
use crate::ids::{
    ApiKeyId, BulkJobId, CampaignId, ChannelId, CounterId, CredentialId, ItemId, ItemSetId,
    ManufacturerId, MemberId, MemberListId, MerchantId, OccasionId, OfferId, OfferStateId,
    PosOfferCodeId, RedemptionId, ScheduleId, StoreId, StoreListId,
};
use crate::offer::{Offer, PassbookConfiguration};
use crate::persistent::{InlineMap, OrdSet, SharedMap};
use crate::points::{PointsLedger, PointsTransfer};
use crate::redemption::{Redemption, Usage};
use crate::schedule::Schedule;
use crate::wallet::OfferState;
use crate::zidentifier::Zidentifier;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use discount::Currency;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;
use std::collections::BTreeSet;
use std::hash::RandomState;

/// A map of entities keyed by server-allocated ids: FxHash, fast, with no attacker-chosen keys
/// inserted. Maps keyed by client-chosen text use the default, DoS-resistant hasher.
pub type IdMap<K, V> = SharedMap<K, V>;

/// Settings derived from the account, parsed once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The account's currency.
    pub currency: Currency,
    /// The account's time zone.
    #[serde(with = "tz_name")]
    pub time_zone: Tz,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            currency: Currency::USD,
            time_zone: Tz::UTC,
        }
    }
}

/// One account's state. `Default` is the state before the account exists.
///
/// Its collections are persistent (see [`crate::persistent`]): a clone costs a few reference
/// counts and shares everything with the original, which the writer keeps changing; so a
/// partition can publish its accounts' states to readers after every durable batch.
///
/// Serialises whole (for partition snapshots): reading it back gives a state equal to the one
/// written, so decisions after a snapshot are the decisions after a full replay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountState {
    /// The account, once created.
    pub(crate) account: Option<Account>,
    /// Parsed settings.
    pub(crate) settings: Settings,
    /// Last id allocated in the account.
    pub(crate) last_id: u64,
    /// API credentials.
    pub(crate) api_keys: IdMap<ApiKeyId, ApiKey>,
    /// Members.
    pub(crate) members: IdMap<MemberId, Member>,
    /// Member ids by identifier.
    pub(crate) member_ids_by_identifier: InlineMap<SmolStr, MemberId, RandomState>,
    /// Merchants.
    pub(crate) merchants: IdMap<MerchantId, Merchant>,
    /// Stores.
    pub(crate) stores: IdMap<StoreId, Store>,
    /// Store lists.
    pub(crate) store_lists: IdMap<StoreListId, StoreList>,
    /// Member lists.
    pub(crate) member_lists: IdMap<MemberListId, MemberList>,
    /// Items.
    pub(crate) items: IdMap<ItemId, Item>,
    /// Item sets.
    pub(crate) item_sets: IdMap<ItemSetId, ItemSet>,
    /// The item codes of each item set, as the discount engine reads them.
    pub(crate) item_set_codes: IdMap<ItemSetId, discount::ItemSet>,
    /// Offers.
    pub(crate) offers: IdMap<OfferId, Offer>,
    /// Channels.
    pub(crate) channels: IdMap<ChannelId, Channel>,
    /// Links of offers to channels.
    pub(crate) offer_channels: IdMap<(OfferId, ChannelId), OfferChannel>,
    /// Links by xid.
    pub(crate) links_by_xid: InlineMap<String, (OfferId, ChannelId)>,
    /// Credentials.
    pub(crate) credentials: IdMap<CredentialId, Credential>,
    /// Deleted credentials as they were when deleted: found by no read or code, kept only so
    /// that a delete (and its keyed repeat) can answer with the credential it removed.
    #[serde(default)]
    pub(crate) deleted_credentials: IdMap<CredentialId, Credential>,
    /// The credential that last took each code.
    pub(crate) credential_ids_by_code: InlineMap<SmolStr, CredentialId>,
    /// Credentials whose code lifetime ends, by end.
    pub(crate) credential_expiry: OrdSet<(DateTime<Utc>, CredentialId)>,
    /// Redemptions and reservations.
    pub(crate) redemptions: IdMap<RedemptionId, Redemption>,
    /// Live reservations by expiry.
    pub(crate) reservation_expiry: OrdSet<(DateTime<Utc>, RedemptionId)>,
    /// Capacity held against redemption limits.
    pub(crate) usage: Usage,
    /// Remembered idempotency keys.
    pub(crate) idempotency: IdempotencyMemory,
    /// Manufacturers (absent from snapshots written before there were any).
    #[serde(default)]
    pub(crate) manufacturers: IdMap<ManufacturerId, Manufacturer>,
    /// Counters (absent from snapshots written before there were any).
    #[serde(default)]
    pub(crate) counters: IdMap<CounterId, Counter>,
    /// Occasions, Sparkfly's events (absent from snapshots written before there were any).
    #[serde(default)]
    pub(crate) occasions: IdMap<OccasionId, Occasion>,
    /// POS offer codes (absent from snapshots written before there were any).
    #[serde(default)]
    pub(crate) pos_offer_codes: IdMap<PosOfferCodeId, PosOfferCode>,
    /// Offers in members' wallets (absent from snapshots written before there were any).
    #[serde(default)]
    pub(crate) offer_states: IdMap<OfferStateId, OfferState>,
    /// The wallet entry each wallet credential redeems.
    #[serde(default)]
    pub(crate) offer_state_by_credential: InlineMap<CredentialId, OfferStateId>,
    /// Wallet entries by member, for walking one member's wallet in order.
    #[serde(default)]
    pub(crate) wallets: OrdSet<(MemberId, OfferStateId)>,
    /// Points ledgers of the members that ever had points.
    #[serde(default)]
    pub(crate) points: InlineMap<MemberId, PointsLedger>,
    /// Points transfers by the client's `txid`.
    #[serde(default)]
    pub(crate) points_transfers: InlineMap<String, PointsTransfer, RandomState>,
    /// Members' check-ins by store.
    #[serde(default)]
    pub(crate) check_ins: InlineMap<(MemberId, StoreId), CheckIns>,
    /// Offers' check-in rules: minutes within which a check-in must precede a redemption.
    #[serde(default)]
    pub(crate) check_in_rules: InlineMap<OfferId, u32>,
    /// Campaigns.
    #[serde(default)]
    pub(crate) campaigns: IdMap<CampaignId, Campaign>,
    /// Campaign ids by the account's external id.
    #[serde(default)]
    pub(crate) campaign_ids_by_external_id: InlineMap<String, CampaignId, RandomState>,
    /// Zidentifiers by zid (client-chosen text at lookup, so the DoS-resistant hasher).
    #[serde(default)]
    pub(crate) zidentifiers: SharedMap<String, Zidentifier, RandomState>,
    /// The zid of each (member, offer, channel).
    #[serde(default)]
    pub(crate) zids_by_link: InlineMap<(MemberId, OfferId, ChannelId), String>,
    /// Offers' passbook configurations.
    #[serde(default)]
    pub(crate) passbooks: InlineMap<OfferId, PassbookConfiguration>,
    /// Members whose erasure was asked for, by when they are erased.
    #[serde(default)]
    pub(crate) erasures_due: OrdSet<(DateTime<Utc>, MemberId)>,
    /// Scheduled actions, pending or settled.
    #[serde(default)]
    pub(crate) schedules: IdMap<ScheduleId, Schedule>,
    /// Pending schedules by the time they are due.
    #[serde(default)]
    pub(crate) schedules_due: OrdSet<(DateTime<Utc>, ScheduleId)>,
    /// Bulk issuance jobs.
    #[serde(default)]
    pub(crate) bulk_jobs: IdMap<BulkJobId, BulkJob>,
    /// The running ones.
    #[serde(default)]
    pub(crate) running_bulk_jobs: OrdSet<BulkJobId>,
    #[serde(skip)]
    empty_item_set: discount::ItemSet,
}

impl AccountState {
    /// The id the next created resource gets (ids are shared by every kind of resource).
    pub fn next_id(&self) -> u64 {
        self.last_id + 1
    }

    /// The item codes of `item_set`; empty when it does not exist.
    pub fn item_set_codes(&self, item_set: ItemSetId) -> &discount::ItemSet {
        self.item_set_codes
            .get(&item_set)
            .unwrap_or(&self.empty_item_set)
    }

    /// The day `at` falls on in the account's time zone.
    pub fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.settings.time_zone).date_naive()
    }

    /// Reservations past their expiry at `now` that no event has expired yet.
    pub fn lapsed_reservations(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Redemption> {
        self.reservation_expiry
            .iter()
            .take_while(move |(expires_at, _)| *expires_at <= now)
            .filter_map(|(_, id)| self.redemptions.get(id))
    }

    /// Credentials past their code lifetime at `now` that no event has expired yet.
    pub fn lapsed_credentials(
        &self,
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = CredentialId> + '_ {
        self.credential_expiry
            .iter()
            .take_while(move |(expires_at, _)| *expires_at <= now)
            .map(|(_, id)| *id)
    }

    /// Whether `member` is on one of `lists`.
    pub fn member_on_lists(&self, member: MemberId, lists: &BTreeSet<MemberListId>) -> bool {
        lists.iter().any(|list| {
            self.member_lists
                .get(list)
                .is_some_and(|list| list.member_ids.contains(&member))
        })
    }

    /// Whether `store` is on one of `lists`.
    pub fn store_on_lists(&self, store: StoreId, lists: &BTreeSet<StoreListId>) -> bool {
        lists.iter().any(|list| {
            self.store_lists
                .get(list)
                .is_some_and(|list| list.store_ids.contains(&store))
        })
    }
}

/// A time zone as its IANA name.
mod tz_name {
    use chrono_tz::Tz;
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(zone: &Tz, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(zone.name())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Tz, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        name.parse::<Tz>()
            .map_err(|_| de::Error::custom(format!("unknown time zone: {name}")))
    }
}
