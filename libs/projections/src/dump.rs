//! Every row of every read table as text, in key order: for comparing two projections of the
//! same log (after a crash, after a rebuild).

use crate::error::ProjectionError;
use crate::store::ReadStore;
use sqlx::Row;

const TABLES: &[(&str, &str)] = &[
    (
        "impressions",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), body
         FROM impressions ORDER BY account_id, id",
    ),
    (
        "offer_activities",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), CAST(member_id AS TEXT),
                CAST(store_id AS TEXT), activity, CAST(credential_id AS TEXT), body
         FROM offer_activities ORDER BY account_id, id",
    ),
    (
        "members",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), identifier, body
         FROM members ORDER BY account_id, id",
    ),
    (
        "merchants",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), name, body
         FROM merchants ORDER BY account_id, id",
    ),
    (
        "stores",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), CAST(merchant_id AS TEXT), name, body
         FROM stores ORDER BY account_id, id",
    ),
    (
        "channels",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), name, body
         FROM channels ORDER BY account_id, id",
    ),
    (
        "offers",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), name, status,
                CAST(merchant_id AS TEXT), expires_at, body
         FROM offers ORDER BY account_id, id",
    ),
    (
        "offer_channels",
        "SELECT CAST(account_id AS TEXT), CAST(offer_id AS TEXT), CAST(channel_id AS TEXT), xid,
                body
         FROM offer_channels ORDER BY account_id, offer_id, channel_id",
    ),
    (
        "credentials",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), identifier, status,
                CAST(member_id AS TEXT), CAST(channel_id AS TEXT), offer_ids, body
         FROM credentials ORDER BY account_id, id",
    ),
    (
        "redemptions",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), CAST(store_id AS TEXT), status,
                credential_ids, evaluation, body
         FROM redemptions ORDER BY account_id, id",
    ),
    (
        "api_keys",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), identity, key_hash,
                previous_key_hash, previous_valid_until, revoked_at,
                roles
         FROM api_keys ORDER BY account_id, id",
    ),
    (
        "store_lists",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), CAST(merchant_id AS TEXT), name, body
         FROM store_lists ORDER BY account_id, id",
    ),
    (
        "store_list_stores",
        "SELECT CAST(account_id AS TEXT), CAST(store_list_id AS TEXT), CAST(store_id AS TEXT)
         FROM store_list_stores ORDER BY account_id, store_list_id, store_id",
    ),
    (
        "member_lists",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), name, body
         FROM member_lists ORDER BY account_id, id",
    ),
    (
        "member_list_members",
        "SELECT CAST(account_id AS TEXT), CAST(member_list_id AS TEXT), CAST(member_id AS TEXT)
         FROM member_list_members ORDER BY account_id, member_list_id, member_id",
    ),
    (
        "items",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), CAST(merchant_id AS TEXT),
                CAST(manufacturer_id AS TEXT), name, code, body
         FROM items ORDER BY account_id, id",
    ),
    (
        "item_sets",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), CAST(merchant_id AS TEXT),
                CAST(manufacturer_id AS TEXT), name, body
         FROM item_sets ORDER BY account_id, id",
    ),
    (
        "item_set_items",
        "SELECT CAST(account_id AS TEXT), CAST(item_set_id AS TEXT), CAST(item_id AS TEXT)
         FROM item_set_items ORDER BY account_id, item_set_id, item_id",
    ),
    (
        "manufacturers",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), name, body
         FROM manufacturers ORDER BY account_id, id",
    ),
    (
        "manufacturer_merchants",
        "SELECT CAST(account_id AS TEXT), CAST(manufacturer_id AS TEXT),
                CAST(merchant_id AS TEXT)
         FROM manufacturer_merchants ORDER BY account_id, manufacturer_id, merchant_id",
    ),
    (
        "counters",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), body
         FROM counters ORDER BY account_id, id",
    ),
    (
        "occasions",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), body
         FROM occasions ORDER BY account_id, id",
    ),
    (
        "pos_offer_codes",
        "SELECT CAST(account_id AS TEXT), CAST(id AS TEXT), body
         FROM pos_offer_codes ORDER BY account_id, id",
    ),
    (
        "projection_offsets",
        r#"SELECT CAST("partition" AS TEXT), CAST(next_offset AS TEXT)
           FROM projection_offsets ORDER BY "partition""#,
    ),
];

impl ReadStore {
    /// Every row of every read table, one line each (`table|column|column|...`), tables in a
    /// fixed order and rows in key order.
    pub async fn dump(&self) -> Result<Vec<String>, ProjectionError> {
        let mut lines = Vec::new();
        for (table, query) in TABLES {
            for row in sqlx::query(*query).fetch_all(&self.pool).await? {
                let mut line = (*table).to_string();
                for column in 0..row.len() {
                    let value: Option<String> = row.try_get(column)?;
                    line.push('|');
                    line.push_str(value.as_deref().unwrap_or("NULL"));
                }
                lines.push(line);
            }
        }
        Ok(lines)
    }
}
