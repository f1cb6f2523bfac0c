//! Reads of items and item sets: an item, pages of items (by merchant, name or code), a set
//! with all its item ids, pages of sets, and pages of one set's items, ordered by id.

use crate::error::{int, uint, ProjectionError};
use crate::lists::{member_ids, parse};
use crate::page::{Page, PageRequest};
use crate::store::ReadStore;
use domain::catalog::{Item, ItemSet};
use domain::ids::{AccountId, ItemId, ItemSetId, MerchantId};

/// Which items an item list holds; absent fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemFilter {
    /// Only this merchant's.
    pub merchant_id: Option<MerchantId>,
    /// Only those with exactly this name.
    pub name: Option<String>,
    /// Only those with exactly this code.
    pub code: Option<String>,
}

const ITEM_IDS: &str = "SELECT item_id FROM item_set_items
     WHERE account_id = $1 AND item_set_id = $2 ORDER BY item_id";

impl ReadStore {
    /// An item by id.
    pub async fn item(
        &self,
        account: AccountId,
        id: ItemId,
    ) -> Result<Option<Item>, ProjectionError> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM items WHERE account_id = $1 AND id = $2")
                .bind(int(account.0)?)
                .bind(int(id.0)?)
                .fetch_optional(&self.pool)
                .await?;
        body.map(|body| parse(&body, "items")).transpose()
    }

    /// A page of an account's items that pass `filter`.
    pub async fn items(
        &self,
        account: AccountId,
        filter: &ItemFilter,
        page: PageRequest,
    ) -> Result<Page<Item>, ProjectionError> {
        let account = int(account.0)?;
        let merchant = filter.merchant_id.map(|id| int(id.0)).transpose()?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM items WHERE account_id = $1
             AND ($2 IS NULL OR merchant_id = $2) AND ($3 IS NULL OR name = $3)
             AND ($4 IS NULL OR code = $4)",
        )
        .bind(account)
        .bind(merchant)
        .bind(filter.name.as_deref())
        .bind(filter.code.as_deref())
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM items WHERE account_id = $1
             AND ($2 IS NULL OR merchant_id = $2) AND ($3 IS NULL OR name = $3)
             AND ($4 IS NULL OR code = $4)
             ORDER BY id LIMIT $5 OFFSET $6",
        )
        .bind(account)
        .bind(merchant)
        .bind(filter.name.as_deref())
        .bind(filter.code.as_deref())
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = bodies
            .iter()
            .map(|body| parse(body, "items"))
            .collect::<Result<_, _>>()?;
        Ok(Page::new(page, uint(total), items))
    }

    /// An item set by id, with its item ids.
    pub async fn item_set(
        &self,
        account: AccountId,
        id: ItemSetId,
    ) -> Result<Option<ItemSet>, ProjectionError> {
        let account = int(account.0)?;
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM item_sets WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(id.0)?)
                .fetch_optional(&self.pool)
                .await?;
        let Some(body) = body else { return Ok(None) };
        Ok(Some(
            self.with_items(account, parse(&body, "item_sets")?).await?,
        ))
    }

    /// A page of an account's item sets (only `merchant`'s when given), each with its item ids.
    pub async fn item_sets(
        &self,
        account: AccountId,
        merchant: Option<MerchantId>,
        page: PageRequest,
    ) -> Result<Page<ItemSet>, ProjectionError> {
        let account = int(account.0)?;
        let merchant = merchant.map(|id| int(id.0)).transpose()?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM item_sets
             WHERE account_id = $1 AND ($2 IS NULL OR merchant_id = $2)",
        )
        .bind(account)
        .bind(merchant)
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM item_sets WHERE account_id = $1 AND ($2 IS NULL OR merchant_id = $2)
             ORDER BY id LIMIT $3 OFFSET $4",
        )
        .bind(account)
        .bind(merchant)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(bodies.len());
        for body in &bodies {
            items.push(self.with_items(account, parse(body, "item_sets")?).await?);
        }
        Ok(Page::new(page, uint(total), items))
    }

    /// A page of the items in an item set.
    pub async fn item_set_items(
        &self,
        account: AccountId,
        id: ItemSetId,
        page: PageRequest,
    ) -> Result<Page<Item>, ProjectionError> {
        let account = int(account.0)?;
        let set = int(id.0)?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM item_set_items WHERE account_id = $1 AND item_set_id = $2",
        )
        .bind(account)
        .bind(set)
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT i.body FROM item_set_items s
             JOIN items i ON i.account_id = s.account_id AND i.id = s.item_id
             WHERE s.account_id = $1 AND s.item_set_id = $2
             ORDER BY s.item_id LIMIT $3 OFFSET $4",
        )
        .bind(account)
        .bind(set)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = bodies
            .iter()
            .map(|body| parse(body, "items"))
            .collect::<Result<_, _>>()?;
        Ok(Page::new(page, uint(total), items))
    }

    async fn with_items(&self, account: i64, mut set: ItemSet) -> Result<ItemSet, ProjectionError> {
        let ids = member_ids(self, ITEM_IDS, account, set.id.0).await?;
        set.item_ids = ids.into_iter().map(ItemId).collect();
        Ok(set)
    }
}
