//! Fixtures of the point-of-sale tests: commands run through the engine (built or from
//! JSON), a shop (member, channel, merchant, store, item set), offers and credentials, and the
//! requests.
#![allow(dead_code)]

use super::support::{read, TestApp};
use domain::credential::CredentialStatus;
use domain::ids::{AccountId, CredentialId, ItemId, MerchantId};
use serde_json::{json, Value};
use testkit::fixtures::{
    create_channel, create_item, create_item_set, create_member, create_merchant, create_store,
    issued_code,
};

pub use super::support::commands::{execute, run};
pub use testkit::fixtures::created;

/// An account with a member, a channel, a merchant with a store, and item sets.
pub struct Shop {
    pub account: u64,
    pub member: u64,
    pub channel: u64,
    pub merchant: u64,
    pub store: u64,
    pub burgers: u64,
}

impl Shop {
    pub async fn open(app: &TestApp, account: u64) -> (Self, String) {
        let token = app.login(account).await;
        let member = created(&execute(app, account, create_member("m-1")).await);
        let channel = created(&execute(app, account, create_channel("App")).await);
        let merchant = MerchantId(created(
            &execute(app, account, create_merchant("Q Burger")).await,
        ));
        let store = created(&execute(app, account, create_store(merchant, "Main St")).await);
        let item = ItemId(created(
            &execute(app, account, create_item("Burger", "BURGER")).await,
        ));
        let burgers = created(&execute(app, account, create_item_set("Burgers", &[item])).await);
        let shop = Self {
            account,
            member,
            channel,
            merchant: merchant.0,
            store,
            burgers,
        };
        (shop, token)
    }

    /// An approved offer with `fields` (a name is added), linked to the channel.
    pub async fn offer(&self, app: &TestApp, mut fields: Value) -> u64 {
        fields["name"] = json!(fields.get("name").cloned().unwrap_or(json!("Offer")));
        let offer = created(
            &run(
                app,
                self.account,
                json!({"command": "create_offer", "fields": fields}),
            )
            .await,
        );
        run(
            app,
            self.account,
            json!({"command": "approve_offer", "offer_id": offer}),
        )
        .await;
        run(
            app,
            self.account,
            json!({"command": "link_offer_channels", "offer_id": offer, "channel_ids": [self.channel]}),
        )
        .await;
        offer
    }

    /// "$1.00 off every burger".
    pub async fn burger_offer(&self, app: &TestApp, extra: Value) -> u64 {
        let mut fields = json!({"name": "Burger dollar", "reward_kind": "item_amount_off",
            "reward_value": "1.00", "redemption_item_set_id": self.burgers});
        for (key, value) in extra.as_object().unwrap() {
            fields[key] = value.clone();
        }
        self.offer(app, fields).await
    }

    /// A credential of the member for `offers`: its id and code.
    pub async fn credential(&self, app: &TestApp, offers: &[u64]) -> (u64, String) {
        let events = run(
            app,
            self.account,
            json!({"command": "issue_credential", "request": {"member_id": self.member,
                "channel_id": self.channel, "offer_ids": offers, "annotations": {}}}),
        )
        .await;
        (created(&events), issued_code(&events))
    }

    pub async fn credential_status(&self, app: &TestApp, id: u64) -> CredentialStatus {
        app.state
            .read(AccountId(self.account), move |state, now| {
                state.credential(CredentialId(id)).unwrap().status_at(now)
            })
            .unwrap()
    }

    /// Asserts credential `id` is still open and no redemption was recorded.
    pub async fn assert_nothing_recorded(&self, app: &TestApp, token: &str, id: u64) {
        assert_eq!(
            self.credential_status(app, id).await,
            CredentialStatus::Open
        );
        assert_eq!(redemption_count(app, token).await, 0);
    }

    pub fn basket(&self, codes: &[&str]) -> Value {
        json!({"store_id": self.store, "codes": codes, "basket": {"lines": [
            {"line_id": "1", "item_code": "BURGER", "quantity": 2, "unit_price": "4.99"},
            {"line_id": "2", "item_code": "FRIES", "quantity": 1, "unit_price": 2.5}
        ]}})
    }
}

/// POSTs `body` with an optional idempotency key and terminal.
pub async fn pos(
    app: &TestApp,
    token: &str,
    path: &str,
    key: Option<&str>,
    terminal: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url(path))
        .header("X-Auth-Token", token)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    if let Some(terminal) = terminal {
        request = request.header("X-Terminal-Id", terminal);
    }
    read(request.send().await.unwrap()).await
}

pub async fn redeem(app: &TestApp, token: &str, key: &str, body: &Value) -> (u16, Value) {
    pos(app, token, "/v1.0/pos/redemptions", Some(key), None, body).await
}

pub async fn action(app: &TestApp, token: &str, id: &Value, action: &str) -> (u16, Value) {
    let path = format!("/v1.0/pos/redemptions/{id}/{action}");
    pos(app, token, &path, None, None, &json!({})).await
}

pub async fn redemption_count(app: &TestApp, token: &str) -> u64 {
    let (status, body) = read(app.get(token, "/v1.0/pos/redemptions").await).await;
    assert_eq!(status, 200, "{body}");
    body["total_entries"].as_u64().unwrap()
}
