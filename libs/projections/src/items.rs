//! Reads of items and item sets: an item, pages of items (by owner, name or code), a set with
//! all its item ids, pages of sets (by owner), and pages of one set's items, ordered by id.

use crate::error::{int, uint, ProjectionError};
use crate::lists::parse;
use crate::page::{Page, PageRequest};
use crate::store::ReadStore;
use domain::catalog::{Item, ItemSet, Owner};
use domain::ids::{AccountId, ItemId, ItemSetId};

/// Which items an item list holds; absent fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemFilter {
    /// Only this merchant's or manufacturer's.
    pub owner: Option<Owner>,
    /// Only those with exactly this name.
    pub name: Option<String>,
    /// Only those with exactly this code.
    pub code: Option<String>,
}

/// The owner's merchant and manufacturer, as a list by owner binds them (`$2` and `$3`, each
/// ignored when NULL).
fn owner_columns(owner: Option<Owner>) -> Result<(Option<i64>, Option<i64>), ProjectionError> {
    let merchant = owner.and_then(Owner::merchant).map(|id| int(id.0));
    let manufacturer = owner.and_then(Owner::manufacturer).map(|id| int(id.0));
    Ok((merchant.transpose()?, manufacturer.transpose()?))
}

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
        let (merchant, manufacturer) = owner_columns(filter.owner)?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM items WHERE account_id = $1
             AND ($2 IS NULL OR merchant_id = $2) AND ($3 IS NULL OR manufacturer_id = $3)
             AND ($4 IS NULL OR name = $4) AND ($5 IS NULL OR code = $5)",
        )
        .bind(account)
        .bind(merchant)
        .bind(manufacturer)
        .bind(filter.name.as_deref())
        .bind(filter.code.as_deref())
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM items WHERE account_id = $1
             AND ($2 IS NULL OR merchant_id = $2) AND ($3 IS NULL OR manufacturer_id = $3)
             AND ($4 IS NULL OR name = $4) AND ($5 IS NULL OR code = $5)
             ORDER BY id LIMIT $6 OFFSET $7",
        )
        .bind(account)
        .bind(merchant)
        .bind(manufacturer)
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
        self.one_with_ids(account, id.0).await
    }

    /// A page of an account's item sets (only `owner`'s when given), each with its item ids.
    pub async fn item_sets(
        &self,
        account: AccountId,
        owner: Option<Owner>,
        page: PageRequest,
    ) -> Result<Page<ItemSet>, ProjectionError> {
        let account = int(account.0)?;
        let (merchant, manufacturer) = owner_columns(owner)?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM item_sets WHERE account_id = $1
             AND ($2 IS NULL OR merchant_id = $2) AND ($3 IS NULL OR manufacturer_id = $3)",
        )
        .bind(account)
        .bind(merchant)
        .bind(manufacturer)
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM item_sets WHERE account_id = $1
             AND ($2 IS NULL OR merchant_id = $2) AND ($3 IS NULL OR manufacturer_id = $3)
             ORDER BY id LIMIT $4 OFFSET $5",
        )
        .bind(account)
        .bind(merchant)
        .bind(manufacturer)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(bodies.len());
        for body in &bodies {
            items.push(self.with_ids(account, parse(body, "item_sets")?).await?);
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
}
