//! [`EvaluateFixture`]: what a dry-run load (`POST /v1.0/pos/evaluate`) sends, set up over
//! HTTP on a [`PosFixture`]'s merchant, channel and store: items and two item sets, three
//! approved offers (20 % off the snacks, buy 2 sodas get 1 free, 10.00 off an order over
//! 50.00), one code of each issued to the fixture's first member, and a 10-line basket
//! (subtotal 59.98) that every offer applies to. A dry run changes nothing, so the same three
//! codes serve every request.

use super::{Api, LoadError, PosFixture};
use serde_json::{json, Value};

/// The basket: item code, quantity, unit price.
const LINES: [(&str, u32, &str); 10] = [
    ("SODA-001", 2, "1.99"),
    ("SODA-007", 1, "2.49"),
    ("SNACK-004", 2, "3.49"),
    ("MILK-1L", 1, "1.29"),
    ("SNACK-010", 1, "4.99"),
    ("BREAD-WH", 1, "2.79"),
    ("SODA-012", 3, "0.99"),
    ("COFFEE-L", 2, "3.25"),
    ("SNACK-031", 2, "1.50"),
    ("WINE-RED", 1, "24.99"),
];

/// The item codes of the sodas' set (buy 2 get 1 free).
const SODAS: [&str; 3] = ["SODA-001", "SODA-007", "SODA-012"];
/// The item codes of the snacks' set (20 % off).
const SNACKS: [&str; 3] = ["SNACK-004", "SNACK-010", "SNACK-031"];

/// A dry run's request and the codes it presents.
#[derive(Clone, Debug)]
pub struct EvaluateFixture {
    /// The three offers, in the order above.
    pub offer_ids: Vec<u64>,
    /// One code per offer, all the first member's.
    pub codes: Vec<String>,
    /// The body of `POST /v1.0/pos/evaluate`.
    pub body: Value,
}

impl EvaluateFixture {
    /// Creates the items, item sets, offers and codes on `pos`'s merchant and channel, for
    /// the store of `pos`; `pos` needs a member.
    pub async fn create(api: &Api, pos: &PosFixture) -> Result<Self, LoadError> {
        let member = *pos
            .member_ids
            .first()
            .ok_or_else(|| LoadError::Unexpected {
                what: "an evaluate fixture needs a member".into(),
                status: 0,
                body: String::new(),
            })?;
        let sodas = item_set(api, pos.merchant_id, "Sodas", &SODAS).await?;
        let snacks = item_set(api, pos.merchant_id, "Snacks", &SNACKS).await?;
        let offers = [
            json!({
                "name": "Twenty percent off snacks",
                "reward_kind": "item_percent_off",
                "reward_value": "20",
                "redemption_item_set_id": snacks,
            }),
            json!({
                "name": "Buy 2 sodas get 1 free",
                "reward_kind": "item_free",
                "required_item_set_id": sodas,
                "required_item_count": 2,
                "redemption_item_set_id": sodas,
                "redemption_item_count": 1,
            }),
            json!({
                "name": "Ten off an order over fifty",
                "reward_kind": "order_amount_off",
                "reward_value": "10",
                "min_spend_amount": "50",
            }),
        ];
        let mut offer_ids = Vec::new();
        let mut codes = Vec::new();
        for offer in offers {
            let with_offer = pos.with_new_offer(api, offer).await?;
            let issued = pos.issue_to(api, [member], with_offer.offer_id, 1).await?;
            offer_ids.push(with_offer.offer_id);
            codes.extend(issued);
        }
        let body = json!({"store_id": pos.store_id, "codes": codes, "basket": basket()});
        Ok(Self {
            offer_ids,
            codes,
            body,
        })
    }
}

/// Creates an item per code of `merchant_id` and a set of them named `name`; the set's id.
async fn item_set(
    api: &Api,
    merchant_id: u64,
    name: &str,
    codes: &[&str],
) -> Result<u64, LoadError> {
    let mut item_ids = Vec::new();
    for code in codes {
        let item = json!({"item": {"name": code, "code": code, "merchant_id": merchant_id}});
        item_ids.push(api.create("/v1.0/items", "item", &item).await?);
    }
    let set = json!({"item_set": {"name": name, "merchant_id": merchant_id, "item_ids": item_ids}});
    api.create("/v1.0/item_sets", "item_set", &set).await
}

/// The 10-line basket (subtotal 59.98).
pub fn basket() -> Value {
    let lines: Vec<Value> = LINES
        .iter()
        .enumerate()
        .map(|(index, (code, quantity, price))| {
            json!({
                "line_id": (index + 1).to_string(),
                "item_code": code,
                "quantity": quantity,
                "unit_price": price,
            })
        })
        .collect();
    json!({ "lines": lines })
}
