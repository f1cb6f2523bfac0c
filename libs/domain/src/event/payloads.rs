//! Payloads of the events that do not carry a whole entity: references and small changes.

use super::Lazy;
use crate::bulk::BulkFailure;
use crate::channel::LinkSettings;
use crate::credential::{Annotations, Credential, CredentialStatus};
use crate::ids::{
    ApiKeyId, BulkJobId, CampaignId, ChannelId, CounterId, CredentialId, ImpressionId, ItemId,
    ItemSetId, ManufacturerId, MemberId, MemberListId, MerchantId, OccasionId, OfferId,
    OfferStateId, PosOfferCodeId, RedemptionId, ScheduleId, StoreId, StoreListId,
};
use chrono::{DateTime, Utc};
use discount::Evaluation;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;
use std::collections::BTreeMap;

macro_rules! reference {
    ($($(#[$doc:meta])* $name:ident { $field:ident: $id:ty }),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        pub struct $name {
            /// The resource the event is about.
            pub $field: $id,
        }
    )*};
}

reference!(
    /// Names an API key.
    ApiKeyRef { api_key_id: ApiKeyId },
    /// Names a member.
    MemberRef { member_id: MemberId },
    /// Names a merchant.
    MerchantRef { merchant_id: MerchantId },
    /// Names a manufacturer.
    ManufacturerRef { manufacturer_id: ManufacturerId },
    /// Names a store.
    StoreRef { store_id: StoreId },
    /// Names a counter.
    CounterRef { counter_id: CounterId },
    /// Names an occasion (a Sparkfly event).
    OccasionRef { occasion_id: OccasionId },
    /// Names a POS offer code.
    PosOfferCodeRef { pos_offer_code_id: PosOfferCodeId },
    /// Names a store list.
    StoreListRef { store_list_id: StoreListId },
    /// Names a member list.
    MemberListRef { member_list_id: MemberListId },
    /// Names an item.
    ItemRef { item_id: ItemId },
    /// Names an item set.
    ItemSetRef { item_set_id: ItemSetId },
    /// Names an offer.
    OfferRef { offer_id: OfferId },
    /// Names a channel.
    ChannelRef { channel_id: ChannelId },
    /// Names a credential.
    CredentialRef { credential_id: CredentialId },
    /// Names a redemption or reservation.
    RedemptionRef { redemption_id: RedemptionId },
    /// Names an impression.
    ImpressionRef { impression_id: ImpressionId },
    /// Names a campaign.
    CampaignRef { campaign_id: CampaignId },
    /// Names a schedule.
    ScheduleRef { schedule_id: ScheduleId },
    /// Names a bulk job.
    BulkJobRef { bulk_job_id: BulkJobId },
);

/// A step of a bulk job: how many members it reached, issued to and failed, where it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BulkAdvance {
    /// The job.
    pub bulk_job_id: BulkJobId,
    /// Members reached.
    pub processed: u32,
    /// Credentials issued.
    pub issued: u32,
    /// Members refused.
    pub failed: u32,
    /// The last member of a member list reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<MemberId>,
    /// The refusals the job keeps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<BulkFailure>,
}

/// A schedule's action was refused when it fell due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScheduleFailure {
    /// The schedule.
    pub schedule_id: ScheduleId,
    /// Why, as the action's refusal says it.
    pub reason: String,
}

/// An API key's key was replaced; the previous one stays valid for a grace period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApiKeyRotated {
    /// The API key.
    pub api_key_id: ApiKeyId,
    /// Hash of the new key.
    pub key_hash: String,
    /// Hash of the replaced key.
    pub previous_key_hash: String,
    /// End of the replaced key's grace period.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub previous_valid_until: DateTime<Utc>,
}

/// A store list or member list was renamed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ListRenamed {
    /// The list.
    pub list_id: u64,
    /// Its new name.
    pub name: String,
}

/// Stores joined or left a store list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StoreListStores {
    /// The list.
    pub store_list_id: StoreListId,
    /// The stores.
    pub store_ids: Vec<StoreId>,
}

/// Members joined or left a member list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MemberListMembers {
    /// The list.
    pub member_list_id: MemberListId,
    /// The members.
    pub member_ids: Vec<MemberId>,
}

/// Merchants were named as carrying a manufacturer's products, or no longer are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ManufacturerMerchants {
    /// The manufacturer.
    pub manufacturer_id: ManufacturerId,
    /// The merchants.
    pub merchant_ids: Vec<MerchantId>,
}

/// Names the link of an offer to a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferChannelRef {
    /// The offer.
    pub offer_id: OfferId,
    /// The channel.
    pub channel_id: ChannelId,
}

/// The cap of an offer on one channel changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferChannelCapSet {
    /// The offer.
    pub offer_id: OfferId,
    /// The channel.
    pub channel_id: ChannelId,
    /// The new cap; none = no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_redemptions: Option<u32>,
}

/// The settings of an offer's link to a channel changed: `settings` are the new ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferChannelConfigured {
    /// The offer.
    pub offer_id: OfferId,
    /// The channel.
    pub channel_id: ChannelId,
    /// The link's settings now.
    pub settings: LinkSettings,
}

/// A credential's offers changed, and with them possibly its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CredentialOffersChanged {
    /// The credential.
    pub credential_id: CredentialId,
    /// Its offers now.
    pub offer_ids: Vec<OfferId>,
    /// Its code now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<SmolStr>,
    /// When its code stops being redeemable.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A credential's member, store, annotations or flags changed: each field given is its new
/// value, absent ones stay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CredentialChanged {
    /// The credential.
    pub credential_id: CredentialId,
    /// Its member now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
    /// The store it is for now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<StoreId>,
    /// Its annotations now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
    /// Whether it redeems more than once now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reusable: Option<bool>,
    /// Whether it is printable now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printable: Option<bool>,
}

impl CredentialChanged {
    /// No change yet of credential `credential_id`.
    pub fn none(credential_id: CredentialId) -> Self {
        Self {
            credential_id,
            member_id: None,
            store_id: None,
            annotations: None,
            reusable: None,
            printable: None,
        }
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::none(self.credential_id)
    }

    /// Applies the change to `credential` at `at`.
    pub fn apply_to(&self, credential: &mut Credential, at: DateTime<Utc>) {
        if let Some(member_id) = self.member_id {
            credential.member_id = member_id;
        }
        if let Some(store_id) = self.store_id {
            credential.store_id = Some(store_id);
        }
        if let Some(annotations) = &self.annotations {
            credential.annotations = annotations.clone();
        }
        credential.reusable = self.reusable.unwrap_or(credential.reusable);
        credential.printable = self.printable.unwrap_or(credential.printable);
        credential.updated_at = at;
    }
}

/// A credential was issued. Only what the decision chose is stored; the rest of the credential
/// follows (status open, created and updated when the event occurred).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IssuedCredential {
    /// The credential.
    pub credential_id: CredentialId,
    /// Its member.
    pub member_id: MemberId,
    /// Its channel.
    pub channel_id: ChannelId,
    /// The store it was issued for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<StoreId>,
    /// Its offers.
    pub offer_ids: Vec<OfferId>,
    /// Its code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<SmolStr>,
    /// Seconds its code lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_lifetime: Option<u32>,
    /// When its code stops being redeemable.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Its annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: Annotations,
    /// Whether its code redeems more than once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reusable: bool,
    /// Whether it was issued to be printed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub printable: bool,
}

impl IssuedCredential {
    /// The credential as issued at `at`.
    pub fn into_credential(self, at: DateTime<Utc>) -> Credential {
        Credential {
            id: self.credential_id,
            member_id: self.member_id,
            channel_id: self.channel_id,
            store_id: self.store_id,
            offer_ids: self.offer_ids,
            identifier: self.identifier,
            code_lifetime: self.code_lifetime,
            expires_at: self.expires_at,
            annotations: self.annotations,
            reusable: self.reusable,
            printable: self.printable,
            status: CredentialStatus::Open,
            lock: None,
            redeemed_at: None,
            voided_at: None,
            reversed_at: None,
            created_at: at,
            updated_at: at,
        }
    }
}

/// One offer of one credential that a redemption redeemed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RedeemedOffer {
    /// The credential.
    pub credential_id: CredentialId,
    /// The offer.
    pub offer_id: OfferId,
}

/// A redemption or reservation was recorded. Only the facts are stored: members and channels
/// follow from the credentials, the day from when it occurred (in the account's time zone),
/// each offer's discount and points from the evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecordedRedemption {
    /// The redemption.
    pub redemption_id: RedemptionId,
    /// Where; absent for a redemption by credential id away from any store (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<StoreId>,
    /// When a reservation lapses.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The offers redeemed.
    pub offers: Vec<RedeemedOffer>,
    /// The discount engine's answer for the basket (read back lazily: replay skips it).
    pub evaluation: Lazy<Evaluation>,
}

/// A wallet entry was voided (its credential is voided beside it when still open).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferStateVoided {
    /// The entry.
    pub offer_state_id: OfferStateId,
    /// The member it belonged to.
    pub member_id: MemberId,
    /// Points paid back to the member: what the entry cost, when it was never redeemed.
    #[serde(default)]
    pub points_refunded: u64,
}

/// A member's erasure was asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErasureRequested {
    /// The member.
    pub member_id: MemberId,
    /// When it is erased.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub erase_at: DateTime<Utc>,
}
