//! Commands: every change a client can ask of an account. Data a command needs from outside
//! (a hashed key, a chosen account id) is put into it by the caller; time and randomness come
//! with the [`Context`](crate::Context).

use crate::account::{AccountFields, Role};
use crate::bulk::BulkJobFields;
use crate::campaign::CampaignFields;
use crate::catalog::{
    Coordinates, CounterFields, ItemFields, ItemSetFields, ListFields, ManufacturerFields,
    MemberFields, MerchantFields, OccasionFields, PosOfferCodeFields, StoreFields,
};
use crate::channel::{ChannelFields, LinkSettingsFields};
use crate::credential::Annotations;
use crate::idempotency::hash_given;
use crate::ids::{
    AccountId, ApiKeyId, BulkJobId, CampaignId, ChannelId, CounterId, CredentialId, ImpressionId,
    ItemId, ItemSetId, ManufacturerId, MemberId, MemberListId, MerchantId, OccasionId, OfferId,
    OfferStateId, PosOfferCodeId, RedemptionId, ScheduleId, StoreId, StoreListId,
};
use crate::impression::ImpressionFields;
use crate::offer::{EligibilityDimension, ItemSetRule, OfferFields, PassbookFields};
use crate::redemption::PosRequest;
use crate::schedule::ScheduleFields;
use crate::wallet::OfferStateFields;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// What a client asks to issue a credential.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRequest {
    /// The member it is for (required).
    pub member_id: Option<MemberId>,
    /// The channel it is issued on (required).
    pub channel_id: Option<ChannelId>,
    /// Its offers; it gets a code once it has one.
    pub offer_ids: Vec<OfferId>,
    /// The store it is issued for, if any.
    pub store_id: Option<StoreId>,
    /// Free annotations.
    pub annotations: Annotations,
    /// Seconds the code lives; the channel's lifetime when absent.
    pub code_lifetime: Option<u32>,
    /// Whether the code redeems more than once (false when absent).
    #[serde(default)]
    pub reusable: Option<bool>,
    /// Whether it is issued to be printed (false when absent).
    #[serde(default)]
    pub printable: Option<bool>,
}

/// Written by hand to keep the idempotency fingerprint of a request naming neither flag what
/// it was before credentials had them (the derived hash of the other fields, in order), so a
/// retry sent across an upgrade still matches its first request.
impl Hash for CredentialRequest {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let CredentialRequest {
            member_id,
            channel_id,
            offer_ids,
            store_id,
            annotations,
            code_lifetime,
            reusable,
            printable,
        } = self;
        member_id.hash(state);
        channel_id.hash(state);
        offer_ids.hash(state);
        store_id.hash(state);
        annotations.hash(state);
        code_lifetime.hash(state);
        hash_given(state, 0, reusable);
        hash_given(state, 1, printable);
    }
}

/// What a client asks to change of a credential beside its offers; absent fields stay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialChanges {
    /// Its member from now on (only while it was never redeemed).
    pub member_id: Option<MemberId>,
    /// The store it is for from now on.
    pub store_id: Option<StoreId>,
    /// Its annotations from now on (replacing them all).
    pub annotations: Option<Annotations>,
    /// Whether its code redeems more than once.
    pub reusable: Option<bool>,
    /// Whether it is printable.
    pub printable: Option<bool>,
}

impl CredentialChanges {
    /// Whether nothing is asked.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Hashes nothing when nothing is asked, so the fingerprint of an update naming only offers is
/// what it was before credentials could change otherwise; each field given is hashed with its
/// position.
impl Hash for CredentialChanges {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let CredentialChanges {
            member_id,
            store_id,
            annotations,
            reusable,
            printable,
        } = self;
        hash_given(state, 0, member_id);
        hash_given(state, 1, store_id);
        hash_given(state, 2, annotations);
        hash_given(state, 3, reusable);
        hash_given(state, 4, printable);
    }
}

/// A change asked of an account. New commands go last: the fingerprint of a keyed request
/// hashes the variant's position, so every command already stored keeps its place.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Create the account.
    CreateAccount {
        /// Its id, chosen by the caller.
        account_id: AccountId,
        /// Its settings.
        fields: AccountFields,
    },
    /// Change account settings.
    UpdateAccount {
        /// The settings to change.
        fields: AccountFields,
    },
    /// Issue an API credential.
    IssueApiKey {
        /// Its public identity, unique in the account.
        identity: String,
        /// Hash of its key.
        key_hash: String,
        /// Its roles.
        roles: Vec<Role>,
    },
    /// Replace an API credential's key, keeping the old one valid for a grace period.
    RotateApiKey {
        /// The credential.
        api_key_id: ApiKeyId,
        /// Hash of the new key.
        key_hash: String,
        /// Seconds the old key stays valid.
        grace_seconds: u32,
    },
    /// Revoke an API credential.
    RevokeApiKey {
        /// The credential.
        api_key_id: ApiKeyId,
    },
    /// Create a member.
    CreateMember {
        /// Its fields.
        fields: MemberFields,
    },
    /// Change a member.
    UpdateMember {
        /// The member.
        member_id: MemberId,
        /// The fields to change.
        fields: MemberFields,
    },
    /// Delete a member.
    DeleteMember {
        /// The member.
        member_id: MemberId,
    },
    /// Create a merchant.
    CreateMerchant {
        /// Its fields.
        fields: MerchantFields,
    },
    /// Change a merchant.
    UpdateMerchant {
        /// The merchant.
        merchant_id: MerchantId,
        /// The fields to change.
        fields: MerchantFields,
    },
    /// Delete a merchant that has no stores.
    DeleteMerchant {
        /// The merchant.
        merchant_id: MerchantId,
    },
    /// Create a store of a merchant.
    CreateStore {
        /// The merchant.
        merchant_id: MerchantId,
        /// Its fields.
        fields: StoreFields,
    },
    /// Change a store.
    UpdateStore {
        /// The store.
        store_id: StoreId,
        /// The fields to change.
        fields: StoreFields,
    },
    /// Delete a store.
    DeleteStore {
        /// The store.
        store_id: StoreId,
    },
    /// Create a store list.
    CreateStoreList {
        /// The merchant it belongs to, if any.
        merchant_id: Option<MerchantId>,
        /// Its fields.
        fields: ListFields,
    },
    /// Rename a store list.
    RenameStoreList {
        /// The list.
        store_list_id: StoreListId,
        /// Its new fields.
        fields: ListFields,
    },
    /// Add stores to a store list.
    AddStoresToList {
        /// The list.
        store_list_id: StoreListId,
        /// The stores.
        store_ids: Vec<StoreId>,
    },
    /// Remove stores from a store list.
    RemoveStoresFromList {
        /// The list.
        store_list_id: StoreListId,
        /// The stores.
        store_ids: Vec<StoreId>,
    },
    /// Delete a store list.
    DeleteStoreList {
        /// The list.
        store_list_id: StoreListId,
    },
    /// Create a member list.
    CreateMemberList {
        /// Its fields.
        fields: ListFields,
    },
    /// Rename a member list.
    RenameMemberList {
        /// The list.
        member_list_id: MemberListId,
        /// Its new fields.
        fields: ListFields,
    },
    /// Add members to a member list.
    AddMembersToList {
        /// The list.
        member_list_id: MemberListId,
        /// The members.
        member_ids: Vec<MemberId>,
    },
    /// Remove members from a member list.
    RemoveMembersFromList {
        /// The list.
        member_list_id: MemberListId,
        /// The members.
        member_ids: Vec<MemberId>,
    },
    /// Delete a member list.
    DeleteMemberList {
        /// The list.
        member_list_id: MemberListId,
    },
    /// Create an item.
    CreateItem {
        /// Its fields.
        fields: ItemFields,
    },
    /// Change an item.
    UpdateItem {
        /// The item.
        item_id: ItemId,
        /// The fields to change.
        fields: ItemFields,
    },
    /// Delete an item.
    DeleteItem {
        /// The item.
        item_id: ItemId,
    },
    /// Create an item set.
    CreateItemSet {
        /// Its fields.
        fields: ItemSetFields,
    },
    /// Change an item set.
    UpdateItemSet {
        /// The set.
        item_set_id: ItemSetId,
        /// The fields to change.
        fields: ItemSetFields,
    },
    /// Delete an item set.
    DeleteItemSet {
        /// The set.
        item_set_id: ItemSetId,
    },
    /// Create an offer (pending).
    CreateOffer {
        /// Its fields.
        fields: OfferFields,
    },
    /// Change an offer.
    UpdateOffer {
        /// The offer.
        offer_id: OfferId,
        /// The fields to change.
        fields: OfferFields,
    },
    /// Approve a pending offer.
    ApproveOffer {
        /// The offer.
        offer_id: OfferId,
    },
    /// Stop an offer: no new credentials, no redemptions.
    StopOffer {
        /// The offer.
        offer_id: OfferId,
    },
    /// Delete a pending offer.
    DeleteOffer {
        /// The offer.
        offer_id: OfferId,
    },
    /// Restrict an offer to more merchants, store lists, member lists or item sets.
    AddOfferEligibility {
        /// The offer.
        offer_id: OfferId,
        /// The dimension.
        dimension: EligibilityDimension,
        /// Ids of that dimension.
        ids: Vec<u64>,
    },
    /// Lift restrictions of an offer.
    RemoveOfferEligibility {
        /// The offer.
        offer_id: OfferId,
        /// The dimension.
        dimension: EligibilityDimension,
        /// Ids of that dimension.
        ids: Vec<u64>,
    },
    /// Run an offer on channels (each link gets an xid).
    LinkOfferChannels {
        /// The offer.
        offer_id: OfferId,
        /// The channels.
        channel_ids: Vec<ChannelId>,
    },
    /// Stop running an offer on channels.
    UnlinkOfferChannels {
        /// The offer.
        offer_id: OfferId,
        /// The channels.
        channel_ids: Vec<ChannelId>,
    },
    /// Cap an offer's redemptions on one channel.
    SetOfferChannelCap {
        /// The offer.
        offer_id: OfferId,
        /// The channel.
        channel_id: ChannelId,
        /// The cap; none lifts it.
        max_redemptions: Option<u32>,
    },
    /// Create a channel.
    CreateChannel {
        /// Its fields.
        fields: ChannelFields,
    },
    /// Change a channel.
    UpdateChannel {
        /// The channel.
        channel_id: ChannelId,
        /// The fields to change.
        fields: ChannelFields,
    },
    /// Delete a channel with no offer linked.
    DeleteChannel {
        /// The channel.
        channel_id: ChannelId,
    },
    /// Issue a credential to a member.
    IssueCredential {
        /// What is asked.
        request: CredentialRequest,
    },
    /// Change a credential: its offers (it gets a code with its first offer), and its member,
    /// store, annotations and flags when `changes` names them.
    #[serde(rename = "update_credential_offers")]
    UpdateCredential {
        /// The credential.
        credential_id: CredentialId,
        /// The channel named by the request (must be the credential's).
        channel_id: Option<ChannelId>,
        /// Its offers from now on.
        offer_ids: Vec<OfferId>,
        /// The other fields to change.
        #[serde(default)]
        changes: CredentialChanges,
    },
    /// Void a credential.
    VoidCredential {
        /// The credential.
        credential_id: CredentialId,
    },
    /// Redeem codes against a basket.
    Redeem {
        /// The terminal's request.
        request: PosRequest,
    },
    /// Reserve codes against a basket, holding them and their capacity for `ttl_seconds`.
    Reserve {
        /// The terminal's request.
        request: PosRequest,
        /// Seconds the reservation holds.
        ttl_seconds: u32,
    },
    /// Confirm a reservation: its codes are redeemed.
    ConfirmReservation {
        /// The reservation.
        redemption_id: RedemptionId,
    },
    /// Cancel a reservation: its codes and capacity are released.
    CancelReservation {
        /// The reservation.
        redemption_id: RedemptionId,
    },
    /// Void a redemption (sale cancelled): limits back, codes open again.
    VoidRedemption {
        /// The redemption.
        redemption_id: RedemptionId,
    },
    /// Reverse a redemption (refund): limits back, codes reversed.
    ReverseRedemption {
        /// The redemption.
        redemption_id: RedemptionId,
    },
    /// Record what time has made due: the expiry of every reservation and code lifetime that
    /// has passed, erasures past their grace, and schedules whose time has come.
    ExpireDue,
    /// Delete a credential: voided first when open, then gone from reads and lookups; its past
    /// redemptions stay counted.
    DeleteCredential {
        /// The credential.
        credential_id: CredentialId,
    },
    /// Create a manufacturer.
    CreateManufacturer {
        /// Its fields.
        fields: ManufacturerFields,
    },
    /// Change a manufacturer.
    UpdateManufacturer {
        /// The manufacturer.
        manufacturer_id: ManufacturerId,
        /// The fields to change.
        fields: ManufacturerFields,
    },
    /// Delete a manufacturer that owns no items and no item sets.
    DeleteManufacturer {
        /// The manufacturer.
        manufacturer_id: ManufacturerId,
    },
    /// Name more merchants as carrying a manufacturer's products.
    AddManufacturerMerchants {
        /// The manufacturer.
        manufacturer_id: ManufacturerId,
        /// The merchants.
        merchant_ids: Vec<MerchantId>,
    },
    /// Stop naming merchants as carrying a manufacturer's products.
    RemoveManufacturerMerchants {
        /// The manufacturer.
        manufacturer_id: ManufacturerId,
        /// The merchants.
        merchant_ids: Vec<MerchantId>,
    },
    /// Make these merchants the only ones carrying a manufacturer's products.
    SetManufacturerMerchants {
        /// The manufacturer.
        manufacturer_id: ManufacturerId,
        /// The merchants.
        merchant_ids: Vec<MerchantId>,
    },
    /// Create a counter.
    CreateCounter {
        /// Its fields.
        fields: CounterFields,
    },
    /// Change a counter.
    UpdateCounter {
        /// The counter.
        counter_id: CounterId,
        /// The fields to change.
        fields: CounterFields,
    },
    /// Delete a counter.
    DeleteCounter {
        /// The counter.
        counter_id: CounterId,
    },
    /// Create an occasion (a Sparkfly event).
    CreateOccasion {
        /// Its fields.
        fields: OccasionFields,
    },
    /// Change an occasion.
    UpdateOccasion {
        /// The occasion.
        occasion_id: OccasionId,
        /// The fields to change.
        fields: OccasionFields,
    },
    /// Delete an occasion.
    DeleteOccasion {
        /// The occasion.
        occasion_id: OccasionId,
    },
    /// Create a POS offer code.
    CreatePosOfferCode {
        /// Its fields.
        fields: PosOfferCodeFields,
    },
    /// Change a POS offer code.
    UpdatePosOfferCode {
        /// The code.
        pos_offer_code_id: PosOfferCodeId,
        /// The fields to change.
        fields: PosOfferCodeFields,
    },
    /// Delete a POS offer code.
    DeletePosOfferCode {
        /// The code.
        pos_offer_code_id: PosOfferCodeId,
    },
    /// Save an offer to a member's wallet, paying its points when it costs some.
    SaveOfferToWallet {
        /// The member.
        member_id: MemberId,
        /// The channel it is saved on (required).
        channel_id: Option<ChannelId>,
        /// The offer (required).
        offer_id: Option<OfferId>,
        /// Its availability and reference.
        fields: OfferStateFields,
    },
    /// Change a wallet entry's availability or reference.
    UpdateOfferState {
        /// The member holding it.
        member_id: MemberId,
        /// The entry.
        offer_state_id: OfferStateId,
        /// The fields to change.
        fields: OfferStateFields,
    },
    /// Void a wallet entry (and its credential), paying back its points when unused.
    VoidOfferState {
        /// The member holding it.
        member: MemberKey,
        /// The entry.
        offer_state_id: OfferStateId,
    },
    /// Transfer points to a member, from another member or granted by the account.
    TransferPoints {
        /// The identifier of the member receiving them.
        to_identifier: String,
        /// The identifier of the member giving them; the account grants them when absent.
        from_identifier: Option<String>,
        /// The channel the transfer is made on (required).
        channel_id: Option<ChannelId>,
        /// How many (a whole number above zero).
        points: i64,
        /// The client's transaction id: a repeat under it changes nothing.
        txid: String,
    },
    /// Check a member in at a store.
    CheckIn {
        /// The member.
        member_id: MemberId,
        /// The store.
        store_id: StoreId,
        /// Where the member says they are (checked against the store's coordinates, never
        /// recorded).
        at: Coordinates,
    },
    /// Require (or stop requiring) a recent check-in at the redeeming store for an offer.
    SetOfferCheckInRule {
        /// The offer.
        offer_id: OfferId,
        /// Minutes within which the check-in must precede a redemption; `None` clears.
        within_minutes: Option<u32>,
    },
    /// Record a view of an offer through a channel link.
    RecordImpression {
        /// What was seen, and by whom.
        fields: ImpressionFields,
    },
    /// Delete an impression.
    DeleteImpression {
        /// The impression.
        impression_id: ImpressionId,
    },
    /// Create a campaign.
    CreateCampaign {
        /// Its fields.
        fields: CampaignFields,
    },
    /// Change a campaign.
    UpdateCampaign {
        /// The campaign.
        campaign_id: CampaignId,
        /// The fields to change.
        fields: CampaignFields,
    },
    /// Delete a campaign.
    DeleteCampaign {
        /// The campaign.
        campaign_id: CampaignId,
    },
    /// Issue a member's zidentifier for an offer on a channel (nothing when there is one).
    IssueZidentifier {
        /// The member.
        member_id: MemberId,
        /// The offer.
        offer_id: OfferId,
        /// The channel (required).
        channel_id: Option<ChannelId>,
    },
    // New variants go last: a variant's position is hashed into the fingerprint of every
    // keyed request (see `idempotency`), so one inserted earlier would change theirs.
    /// Ask for a member's erasure: its wallet is voided now and the member is erased after
    /// [`crate::privacy::ERASURE_GRACE`].
    RequestMemberErasure {
        /// The member.
        member_id: MemberId,
    },
    /// Set an offer's passbook configuration: `create` makes one when there is none (and
    /// changes it otherwise); without it one must exist.
    ConfigurePassbook {
        /// The offer.
        offer_id: OfferId,
        /// The fields to set.
        fields: PassbookFields,
        /// Whether a missing configuration is made.
        create: bool,
    },
    /// Delete an offer's passbook configuration.
    DeletePassbookConfiguration {
        /// The offer.
        offer_id: OfferId,
    },
    /// Make an item set one of an offer's eligible item sets with `rule` (or change its rule).
    SetOfferItemSetRule {
        /// The offer.
        offer_id: OfferId,
        /// The item set.
        item_set_id: ItemSetId,
        /// Its role and required quantity.
        rule: ItemSetRule,
    },
    /// Change the settings of an offer's link to a channel (its landing page's security, its
    /// SMS keyword, whether a visitor may come back later).
    ConfigureOfferChannel {
        /// The offer.
        offer_id: OfferId,
        /// The channel.
        channel_id: ChannelId,
        /// The settings to change.
        fields: LinkSettingsFields,
    },
    /// Schedule an action for a time.
    CreateSchedule {
        /// What and when.
        fields: ScheduleFields,
    },
    /// Cancel a pending schedule.
    CancelSchedule {
        /// The schedule.
        schedule_id: ScheduleId,
    },
    /// Start a bulk issuance job.
    CreateBulkJob {
        /// What to issue, to whom.
        fields: BulkJobFields,
    },
    /// Cancel a running bulk job.
    CancelBulkJob {
        /// The job.
        bulk_job_id: BulkJobId,
    },
    /// Take one step of the account's oldest running bulk job: issue to its next `max`
    /// members (the partition writer decides it by itself).
    AdvanceBulkJob {
        /// Members to reach in this step.
        max: u32,
    },
}

/// A member named by id or by the account's identifier for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberKey {
    /// By id.
    Id(MemberId),
    /// By identifier.
    Identifier(String),
}
