//! [`CredentialView`]: a credential as Sparkfly clients read it, with the names of its first
//! offer and its merchant and the address of its store looked up in the account's live state.
//! Fields we do not model answer null, false or `{}`.

use chrono::{DateTime, Utc};
use domain::credential::{Annotations, Credential, CredentialStatus};
use domain::ids::{AccountId, ChannelId, CredentialId, MemberId, MerchantId, OfferId, StoreId};
use domain::AccountState;
use serde::Serialize;

/// The empty `errors` object of Sparkfly's single-resource bodies.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub(super) struct NoErrors {}

/// `{"credential": {...}, "errors": {}}`: the body of one credential.
#[derive(Debug, Serialize)]
pub(super) struct One<'a> {
    pub(super) credential: &'a CredentialView,
    pub(super) errors: NoErrors,
}

/// The wire shape of a credential.
#[derive(Clone, Debug, Serialize)]
pub(super) struct CredentialView {
    id: CredentialId,
    account_id: AccountId,
    identifier: Option<String>,
    status: CredentialStatus,
    member_id: MemberId,
    offer_id: Option<OfferId>,
    offer_ids: Vec<OfferId>,
    store_id: Option<StoreId>,
    channel_id: ChannelId,
    merchant_id: Option<MerchantId>,
    offer_name: Option<String>,
    merchant_name: Option<String>,
    #[serde(with = "domain::time::rfc3339_option")]
    redeemed_at: Option<DateTime<Utc>>,
    #[serde(with = "domain::time::rfc3339_option")]
    voided_at: Option<DateTime<Utc>>,
    #[serde(with = "domain::time::rfc3339_option")]
    expires_at: Option<DateTime<Utc>>,
    annotations: Annotations,
    code_lifetime: Option<u32>,
    supports_barcode: bool,
    location_address: Option<String>,
    url: Option<String>,
    #[serde(with = "domain::time::rfc3339")]
    created_at: DateTime<Utc>,
    #[serde(with = "domain::time::rfc3339")]
    updated_at: DateTime<Utc>,
}

impl CredentialView {
    /// `credential` of `account` as seen at `now`, decorated from `state`.
    pub(super) fn new(
        account: AccountId,
        credential: Credential,
        state: &AccountState,
        now: DateTime<Utc>,
    ) -> Self {
        let offer = credential
            .offer_ids
            .first()
            .and_then(|id| state.offers.get(id));
        let store = credential.store_id.and_then(|id| state.stores.get(&id));
        let merchant_id = store
            .map(|store| store.merchant_id)
            .or_else(|| offer.and_then(|offer| offer.merchant_id));
        let merchant = merchant_id.and_then(|id| state.merchants.get(&id));
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
            supports_barcode: false,
            location_address: store.and_then(|store| store.address.clone()),
            url: None,
            created_at: credential.created_at,
            updated_at: credential.updated_at,
            identifier: credential.identifier,
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
