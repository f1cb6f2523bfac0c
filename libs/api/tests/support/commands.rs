//! Fixtures written through the engine, as the server binary's bootstrap does: commands
//! (built or as JSON) run in an account, and the shared shop of `testkit` set up from its
//! [`ShopData`].

use super::TestApp;
use domain::ids::AccountId;
use domain::offer::OfferFields;
use domain::{Command, Event};
use serde_json::{json, Value};
use testkit::fixtures::{created, Shop, ShopData, ShopSetup};

/// Runs `command` through the engine for `account`; panics when it is refused.
pub async fn execute(app: &TestApp, account: u64, command: Command) -> Vec<Event> {
    app.state
        .execute(AccountId(account), command, None, None)
        .await
        .unwrap()
}

/// Runs a command given as JSON (`{"command": "create_member", ...}`) through the engine.
pub async fn run(app: &TestApp, account: u64, command: Value) -> Vec<Event> {
    execute(app, account, serde_json::from_value(command).unwrap()).await
}

/// Runs a command given as JSON that creates an entity; answers its id.
pub async fn create(app: &TestApp, account: u64, command: Value) -> u64 {
    created(&run(app, account, command).await)
}

/// Sets up the shop `data` describes in a new `account` through the engine, then logs in
/// with an admin key of the account: the shop and the token.
pub async fn open_shop(app: &TestApp, account: u64, data: ShopData) -> (Shop, String) {
    let mut setup = ShopSetup::of(AccountId(account), data);
    let mut events = Vec::new();
    while let Some(command) = setup.next(&events) {
        events = execute(app, account, command).await;
    }
    let token = app.login(account).await;
    (setup.shop(), token)
}

/// The seed's shop in account 1: merchant "Q Burger" with store "Main Street", channel "Cool
/// Mobile App", member `member` and an offer named `offer` with no reward terms.
pub fn seed_shop(member: &str, offer: &str) -> ShopData {
    let mut data = ShopData::new(None);
    data.member.identifier = Some(member.into());
    data.merchant.name = Some("Q Burger".into());
    data.store.name = Some("Main Street".into());
    data.channel.name = Some("Cool Mobile App".into());
    data.offer = OfferFields {
        name: Some(offer.into()),
        ..OfferFields::default()
    };
    data
}

/// A shop's ids as numbers, as requests carry them, and an admin token of its account.
pub struct World {
    pub token: String,
    pub member: u64,
    pub merchant: u64,
    pub store: u64,
    pub channel: u64,
    pub offer: u64,
}

/// Sets up the shop `data` describes in account 1 (see [`open_shop`]).
pub async fn world(app: &TestApp, data: ShopData) -> World {
    let (shop, token) = open_shop(app, 1, data).await;
    World {
        token,
        member: shop.member.0,
        merchant: shop.merchant.0,
        store: shop.store.0,
        channel: shop.channel.0,
        offer: shop.offer.0,
    }
}

/// An offer with `fields` (JSON offer fields) linked to `channel`, approved first when
/// `approve`; answers its id.
pub async fn linked_offer(
    app: &TestApp,
    account: u64,
    fields: Value,
    channel: u64,
    approve: bool,
) -> u64 {
    let offer = create(
        app,
        account,
        json!({"command": "create_offer", "fields": fields}),
    )
    .await;
    if approve {
        run(
            app,
            account,
            json!({"command": "approve_offer", "offer_id": offer}),
        )
        .await;
    }
    let link =
        json!({"command": "link_offer_channels", "offer_id": offer, "channel_ids": [channel]});
    run(app, account, link).await;
    offer
}

/// Redeems `code` at `world`'s store against one $10.00 line of item "X", under the terminal's
/// transaction id `txn`: the status and JSON answer.
pub async fn redeem_at_store(app: &TestApp, world: &World, code: &str, txn: &str) -> (u16, Value) {
    let lines = json!([{"line_id": "1", "item_code": "X", "quantity": 1, "unit_price": "10.00"}]);
    redeem_basket(app, world, code, txn, lines).await
}

/// Redeems `code` at `world`'s store against the basket `lines` (JSON basket lines), under
/// the terminal's transaction id `txn`: the status and JSON answer.
pub async fn redeem_basket(
    app: &TestApp,
    world: &World,
    code: &str,
    txn: &str,
    lines: Value,
) -> (u16, Value) {
    let body = json!({"store_id": world.store, "codes": [code], "basket": {"lines": lines}});
    let request = app
        .client
        .post(app.url("/v1.0/pos/redemptions"))
        .header("X-Auth-Token", &world.token)
        .header("Idempotency-Key", txn)
        .json(&body)
        .send();
    super::read(request.await.unwrap()).await
}

/// Acts on redemption `id` (`reverse`, `void`, ...) under the transaction id `txn`.
pub async fn act_on_redemption(
    app: &TestApp,
    world: &World,
    id: u64,
    action: &str,
    txn: &str,
) -> (u16, Value) {
    let request = app
        .client
        .post(app.url(&format!("/v1.0/pos/redemptions/{id}/{action}")))
        .header("X-Auth-Token", &world.token)
        .header("Idempotency-Key", txn)
        .send();
    super::read(request.await.unwrap()).await
}
