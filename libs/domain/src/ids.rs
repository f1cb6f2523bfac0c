//! Identifiers of every resource. Sparkfly exposes integer ids, so each is a `u64` newtype,
//! allocated per account from a counter in the account's state (see `AccountState::next_id`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id_type!(
    /// A tenant. Chosen by whoever creates the account; every other id is allocated inside it.
    AccountId,
    /// An API credential (identity and key) of an account.
    ApiKeyId,
    /// A member (a shopper known to the account).
    MemberId,
    /// A merchant.
    MerchantId,
    /// A manufacturer (makes items that merchants sell).
    ManufacturerId,
    /// A store of a merchant.
    StoreId,
    /// A named list of stores.
    StoreListId,
    /// A named list of members.
    MemberListId,
    /// An item (a product code sold by a merchant or made by a manufacturer).
    ItemId,
    /// A named set of items.
    ItemSetId,
    /// An offer.
    OfferId,
    /// A channel (where members come from).
    ChannelId,
    /// A credential (a member's redeemable code).
    CredentialId,
    /// A redemption or reservation made at a point of sale.
    RedemptionId,
    /// A counter (Sparkfly's `/counters`).
    CounterId,
    /// An occasion (Sparkfly's `/events`).
    OccasionId,
    /// A POS offer code (Sparkfly's `/pos_offer_codes`).
    PosOfferCodeId,
    /// An offer in a member's wallet (Sparkfly's member offer state).
    OfferStateId,
    /// A recorded view of an offer.
    ImpressionId,
    /// A campaign (a named grouping of an offer on a channel).
    CampaignId,
    /// An action scheduled for a time.
    ScheduleId,
    /// A bulk issuance job.
    BulkJobId,
    /// A member's id for an offer on a channel (Sparkfly's zidentifier).
    ZidentifierId,
);
