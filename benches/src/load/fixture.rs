//! [`PosFixture`]: an account set up over HTTP for point-of-sale load: a merchant with a
//! store, a channel, an approved 10%-off offer linked to it, members, and one credential
//! (code) per redemption to come; and the helpers other fixtures build on it with (a fresh
//! offer on the same channel, more members, credentials for given members and offers).

use super::client::answer;
use super::{Api, LoadError};
use futures_util::{stream, StreamExt, TryStreamExt};
use reqwest::Method;
use serde_json::{json, Value};

/// Members the credentials are spread over.
const MEMBERS: usize = 1_000;

/// What a POS load redeems against.
#[derive(Clone, Debug)]
pub struct PosFixture {
    /// The merchant running the offers.
    pub merchant_id: u64,
    /// The store the terminals are in.
    pub store_id: u64,
    /// The offer every credential carries.
    pub offer_id: u64,
    /// The channel the credentials are issued on.
    pub channel_id: u64,
    /// The members, by id.
    pub member_ids: Vec<u64>,
    /// One code per redemption.
    pub codes: Vec<String>,
}

impl PosFixture {
    /// Creates the catalog and `credentials` codes, `concurrency` requests at a time. `offer`
    /// holds extra offer fields (limits, say) merged into the 10%-off offer.
    pub async fn create(
        api: &Api,
        credentials: usize,
        concurrency: usize,
        offer: Value,
    ) -> Result<Self, LoadError> {
        let mut fixture = Self::catalog(api, offer).await?;
        let members = MEMBERS.min(credentials.max(1));
        fixture.add_members(api, members, concurrency).await?;
        fixture.codes = fixture.issue(api, credentials, concurrency).await?;
        Ok(fixture)
    }

    /// Creates `count` more members (`load-member-<n>`, numbered on from those it has),
    /// `concurrency` requests at a time, and answers their ids (also added to `member_ids`).
    pub async fn add_members(
        &mut self,
        api: &Api,
        count: usize,
        concurrency: usize,
    ) -> Result<Vec<u64>, LoadError> {
        let first = self.member_ids.len();
        let ids: Vec<u64> = stream::iter(first..first + count)
            .map(|index| {
                let body = json!({"member": {"identifier": format!("load-member-{index}")}});
                async move { api.create("/v1.0/members", "member", &body).await }
            })
            .buffered(concurrency.max(1))
            .try_collect()
            .await?;
        self.member_ids.extend(&ids);
        Ok(ids)
    }

    /// The same account, store, channel and members with a fresh approved offer (the 10%-off
    /// one with `offer`'s fields merged in) linked to the channel, and no codes yet.
    pub async fn with_new_offer(&self, api: &Api, offer: Value) -> Result<Self, LoadError> {
        let offer_id = create_offer(api, self.merchant_id, self.channel_id, offer).await?;
        Ok(Self {
            offer_id,
            codes: Vec::new(),
            ..self.clone()
        })
    }

    async fn catalog(api: &Api, offer: Value) -> Result<Self, LoadError> {
        let merchant = json!({"merchant": {"name": "Load merchant"}});
        let merchant_id = api.create("/v1.0/merchants", "merchant", &merchant).await?;
        let store = json!({"store": {"name": "Lane store", "number": "1"}});
        let stores = format!("/v1.0/merchants/{merchant_id}/stores");
        let store_id = api.create(&stores, "store", &store).await?;
        let channel = json!({"channel": {"name": "POS load"}});
        let channel_id = api.create("/v1.0/channels", "channel", &channel).await?;
        let offer_id = create_offer(api, merchant_id, channel_id, offer).await?;
        Ok(Self {
            merchant_id,
            store_id,
            offer_id,
            channel_id,
            member_ids: Vec::new(),
            codes: Vec::new(),
        })
    }

    /// Issues `count` credentials of its offer round-robin over the members and answers
    /// their codes.
    pub async fn issue(
        &self,
        api: &Api,
        count: usize,
        concurrency: usize,
    ) -> Result<Vec<String>, LoadError> {
        let members = self.member_ids.iter().copied().cycle().take(count);
        self.issue_to(api, members, self.offer_id, concurrency)
            .await
    }

    /// Issues one credential of `offer_id` on the channel to each of `members`, `concurrency`
    /// requests at a time, and answers their codes (in no particular order).
    pub async fn issue_to(
        &self,
        api: &Api,
        members: impl IntoIterator<Item = u64>,
        offer_id: u64,
        concurrency: usize,
    ) -> Result<Vec<String>, LoadError> {
        let channel_id = self.channel_id;
        stream::iter(members)
            .map(|member| {
                let path = format!(
                    "/v1.0/credentials?member_id={member}&offer_id={offer_id}&channel_id={channel_id}"
                );
                async move {
                    let body = api.expect(Method::POST, &path, None, 201).await?;
                    body["credential"]["identifier"]
                        .as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| LoadError::Unexpected {
                            what: format!("POST {path}: no identifier"),
                            status: 201,
                            body: body.to_string(),
                        })
                }
            })
            .buffer_unordered(concurrency.max(1))
            .try_collect()
            .await
    }

    /// Redeems code `index` with its own Idempotency-Key (`txn-<index>`): the status and JSON
    /// answer.
    pub async fn redeem(&self, api: &Api, index: usize) -> Result<(u16, Value), LoadError> {
        self.redeem_keyed(api, index, &format!("txn-{index}")).await
    }

    /// Redeems code `index` with the Idempotency-Key `key`: the status and JSON answer.
    pub async fn redeem_keyed(
        &self,
        api: &Api,
        index: usize,
        key: &str,
    ) -> Result<(u16, Value), LoadError> {
        let request = api
            .request(Method::POST, "/v1.0/pos/redemptions")
            .header("Idempotency-Key", key)
            .json(&self.redeem_body(&self.codes[index]));
        answer(request.send().await?).await
    }

    /// The redeem request body for `code` with the standard basket.
    pub fn redeem_body(&self, code: &str) -> Value {
        json!({"store_id": self.store_id, "codes": [code], "basket": basket()})
    }
}

/// Creates the 10%-off offer of `merchant_id` with `offer`'s fields merged in, approves it
/// and links it to `channel_id`; its id.
pub async fn create_offer(
    api: &Api,
    merchant_id: u64,
    channel_id: u64,
    offer: Value,
) -> Result<u64, LoadError> {
    let mut fields = json!({
        "name": "Ten percent off",
        "merchant_id": merchant_id,
        "reward_kind": "order_percent_off",
        "reward_value": "10",
    });
    if let (Some(fields), Value::Object(extra)) = (fields.as_object_mut(), offer) {
        fields.extend(extra);
    }
    let offer_id = api
        .create("/v1.0/offers", "offer", &json!({ "offer": fields }))
        .await?;
    let approve = format!("/v1.0/offers/{offer_id}/actions/approve");
    api.expect(Method::PUT, &approve, None, 200).await?;
    let link = json!({"offer": {"channel_ids": [channel_id]}});
    let channels = format!("/v1.0/offers/{offer_id}/channels");
    api.expect(Method::POST, &channels, Some(&link), 201)
        .await?;
    Ok(offer_id)
}

/// A three-line basket: 2 burgers at 5.99, fries at 2.49, 2 sodas at 1.99 (subtotal 18.45).
pub fn basket() -> Value {
    json!({"lines": [
        {"line_id": "1", "item_code": "BURGER", "quantity": 2, "unit_price": "5.99"},
        {"line_id": "2", "item_code": "FRIES", "quantity": 1, "unit_price": "2.49"},
        {"line_id": "3", "item_code": "SODA", "quantity": 2, "unit_price": "1.99"},
    ]})
}
