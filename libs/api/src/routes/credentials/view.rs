//! [`CredentialView`]: a credential as Sparkfly clients read it, with the names of its first
//! offer and its merchant and the address of its store looked up in the account's live state.
//! A field without a value is left out (the reference API types them all as non-null; see
//! README, "Compatibility"), except `offer_id` and the times, which answer null; empty
//! annotations are left out too.

use crate::http::Named;
use chrono::{DateTime, Utc};
use domain::credential::queries::{related, Related};
use domain::credential::{Annotations, Credential, CredentialStatus};
use domain::ids::{AccountId, ChannelId, CredentialId, MemberId, MerchantId, OfferId, StoreId};
use domain::AccountState;
use schemars::JsonSchema;
use serde::Serialize;

/// The wire shape of a credential.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(in crate::routes) struct CredentialView {
    /// Its id.
    id: CredentialId,
    /// The account it belongs to.
    account_id: AccountId,
    /// The code; none until it has an offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<String>,
    /// Where it is in its life, as of now.
    status: CredentialStatus,
    /// The member it was issued to.
    member_id: MemberId,
    /// Its first offer.
    offer_id: Option<OfferId>,
    /// The offers it redeems, in the order given.
    offer_ids: Vec<OfferId>,
    /// The store it was issued for, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    store_id: Option<StoreId>,
    /// The channel it was issued on.
    channel_id: ChannelId,
    /// The merchant of its store, or of its first offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    merchant_id: Option<MerchantId>,
    /// The name of its first offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    offer_name: Option<String>,
    /// The merchant's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    merchant_name: Option<String>,
    /// When it was redeemed.
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    redeemed_at: Option<DateTime<Utc>>,
    /// When it was voided.
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    voided_at: Option<DateTime<Utc>>,
    /// When the code stops being redeemable, if limited.
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    expires_at: Option<DateTime<Utc>>,
    /// Free annotations; keys under `conv_ids` feed conversion callbacks. Left out while
    /// empty: the reference types this field as a string, the seed shows an object, and an
    /// absent field reads the same to clients written against either.
    #[serde(skip_serializing_if = "Annotations::is_empty")]
    annotations: Annotations,
    /// Seconds the code lives, if limited.
    #[serde(skip_serializing_if = "Option::is_none")]
    code_lifetime: Option<u32>,
    /// Whether its code redeems more than once (our extension; left out when false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    reusable: bool,
    /// Whether it was issued to be printed (our extension; left out when false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    printable: bool,
    /// Always false: codes are not issued as barcodes.
    supports_barcode: bool,
    /// The address of its store.
    #[serde(skip_serializing_if = "Option::is_none")]
    location_address: Option<String>,
    /// Always null: credentials have no landing url.
    #[schemars(with = "()")]
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// When it was issued.
    #[serde(with = "domain::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "domain::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    updated_at: DateTime<Utc>,
}

impl Named for CredentialView {
    const ONE: &'static str = "credential";
    const MANY: &'static str = "credentials";
}

impl CredentialView {
    /// `credential` of `account` as seen at `now`, decorated from `state`.
    pub(super) fn new(
        account: AccountId,
        credential: Credential,
        state: &AccountState,
        now: DateTime<Utc>,
    ) -> Self {
        let Related {
            offer,
            store,
            merchant_id,
            merchant,
        } = related(state, &credential);
        Self {
            id: credential.id,
            account_id: account,
            status: credential.status_at(now),
            member_id: credential.member_id,
            offer_id: credential.offer_ids.first().copied(),
            store_id: credential.store_id,
            channel_id: credential.channel_id,
            merchant_id,
            offer_name: offer.map(|offer| offer.name.clone()),
            merchant_name: merchant.map(|merchant| merchant.name.clone()),
            redeemed_at: credential.redeemed_at,
            voided_at: credential.voided_at,
            expires_at: credential.expires_at,
            code_lifetime: credential.code_lifetime,
            reusable: credential.reusable,
            printable: credential.printable,
            supports_barcode: false,
            location_address: store.and_then(|store| store.address.clone()),
            url: None,
            created_at: credential.created_at,
            updated_at: credential.updated_at,
            identifier: credential.identifier.as_deref().map(str::to_owned),
            offer_ids: credential.offer_ids,
            annotations: credential.annotations,
        }
    }

    /// Its offers.
    pub(super) fn offer_ids(&self) -> &[OfferId] {
        &self.offer_ids
    }

    /// Every one of `credentials`, decorated from `state`.
    pub(super) fn all(
        account: AccountId,
        credentials: Vec<Credential>,
        state: &AccountState,
        now: DateTime<Utc>,
    ) -> Vec<Self> {
        credentials
            .into_iter()
            .map(|credential| Self::new(account, credential, state, now))
            .collect()
    }
}
