//! Payloads of the events that do not carry a whole entity: references and small changes.

use crate::ids::{
    ApiKeyId, ChannelId, CredentialId, ItemId, ItemSetId, MemberId, MemberListId, MerchantId,
    OfferId, RedemptionId, StoreId, StoreListId,
};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    /// Names a store.
    StoreRef { store_id: StoreId },
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
);

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
    pub max_redemptions: Option<u32>,
}

/// A credential's offers changed, and with them possibly its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CredentialOffersChanged {
    /// The credential.
    pub credential_id: CredentialId,
    /// Its offers now.
    pub offer_ids: Vec<OfferId>,
    /// Its code now.
    pub identifier: Option<String>,
    /// When its code stops being redeemable.
    pub expires_at: Option<DateTime<Utc>>,
}
