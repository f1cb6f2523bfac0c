//! Reads of store lists and member lists: a list with all its ids, pages of lists, and pages
//! of one list's stores or members, ordered by id; and how any entity with membership rows
//! (lists, item sets, manufacturers) is read with its ids ([`WithIds`]).

use crate::error::{int, uint, ProjectionError};
use crate::page::{Page, PageRequest};
use crate::query::contains_pattern;
use crate::store::ReadStore;
use domain::catalog::{ItemSet, Manufacturer, MemberList, Store, StoreList};
use domain::ids::{AccountId, ItemId, MemberId, MemberListId, MerchantId, StoreId, StoreListId};
use serde::de::DeserializeOwned;
use sqlx::AssertSqlSafe;

/// Decodes a `body` column.
pub(crate) fn parse<T: DeserializeOwned>(
    body: &str,
    what: &'static str,
) -> Result<T, ProjectionError> {
    serde_json::from_str(body).map_err(ProjectionError::decode(what))
}

impl ReadStore {
    /// `entity` of `account` with its member ids.
    pub(crate) async fn with_ids<T: WithIds>(
        &self,
        account: i64,
        mut entity: T,
    ) -> Result<T, ProjectionError> {
        let ids: Vec<i64> = sqlx::query_scalar(T::IDS)
            .bind(account)
            .bind(int(entity.id())?)
            .fetch_all(&self.pool)
            .await?;
        entity.set_ids(ids.into_iter().map(uint).collect());
        Ok(entity)
    }

    /// The `T` `id` of `account` with its member ids, if there is one.
    pub(crate) async fn one_with_ids<T: WithIds>(
        &self,
        account: AccountId,
        id: u64,
    ) -> Result<Option<T>, ProjectionError> {
        let account = int(account.0)?;
        let body: Option<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT body FROM {} WHERE account_id = $1 AND id = $2",
            T::TABLE
        )))
        .bind(account)
        .bind(int(id)?)
        .fetch_optional(&self.pool)
        .await?;
        let Some(body) = body else { return Ok(None) };
        Ok(Some(self.with_ids(account, parse(&body, T::TABLE)?).await?))
    }

    /// A page of an account's `T`s in id order, each with its member ids.
    pub(crate) async fn page_with_ids<T: WithIds>(
        &self,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<T>, ProjectionError> {
        let account = int(account.0)?;
        let table = T::TABLE;
        let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE account_id = $1"
        )))
        .bind(account)
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT body FROM {table} WHERE account_id = $1 ORDER BY id LIMIT $2 OFFSET $3"
        )))
        .bind(account)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(bodies.len());
        for body in &bodies {
            items.push(self.with_ids(account, parse(body, table)?).await?);
        }
        Ok(Page::new(page, uint(total), items))
    }
}

/// An entity read with the ids of its members: a list's stores or members, a set's items, a
/// manufacturer's merchants (membership rows of their own, see `apply::memberships`).
pub(crate) trait WithIds: DeserializeOwned {
    /// The table of its rows, the entity's JSON in `body`.
    const TABLE: &'static str;
    /// Its member ids, ascending: `$1` the account, `$2` its id.
    const IDS: &'static str;
    /// Its id.
    fn id(&self) -> u64;
    /// Gives it `ids` as its members.
    fn set_ids(&mut self, ids: Vec<u64>);
}

/// Implements [`WithIds`] for entities whose `id` and member ids are id newtypes: the entity,
/// its table, the query of its member ids, and the field and id type of its members.
macro_rules! with_ids {
    ($($entity:ty: $table:literal, $ids:literal => $field:ident of $id:ident;)*) => {$(
        impl WithIds for $entity {
            const TABLE: &'static str = $table;
            const IDS: &'static str = $ids;
            fn id(&self) -> u64 {
                self.id.0
            }
            fn set_ids(&mut self, ids: Vec<u64>) {
                self.$field = ids.into_iter().map($id).collect();
            }
        }
    )*};
}

with_ids! {
    StoreList: "store_lists", "SELECT store_id FROM store_list_stores
        WHERE account_id = $1 AND store_list_id = $2 ORDER BY store_id" => store_ids of StoreId;
    MemberList: "member_lists", "SELECT member_id FROM member_list_members
        WHERE account_id = $1 AND member_list_id = $2 ORDER BY member_id"
        => member_ids of MemberId;
    ItemSet: "item_sets", "SELECT item_id FROM item_set_items
        WHERE account_id = $1 AND item_set_id = $2 ORDER BY item_id" => item_ids of ItemId;
    Manufacturer: "manufacturers", "SELECT merchant_id FROM manufacturer_merchants
        WHERE account_id = $1 AND manufacturer_id = $2 ORDER BY merchant_id"
        => merchant_ids of MerchantId;
}

impl ReadStore {
    /// A store list by id, with its stores.
    pub async fn store_list(
        &self,
        account: AccountId,
        id: StoreListId,
    ) -> Result<Option<StoreList>, ProjectionError> {
        self.one_with_ids(account, id.0).await
    }

    /// A page of an account's store lists (only `merchant`'s when given), each with its stores.
    pub async fn store_lists(
        &self,
        account: AccountId,
        merchant: Option<MerchantId>,
        page: PageRequest,
    ) -> Result<Page<StoreList>, ProjectionError> {
        let account = int(account.0)?;
        let merchant = merchant.map(|id| int(id.0)).transpose()?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM store_lists
             WHERE account_id = $1 AND ($2 IS NULL OR merchant_id = $2)",
        )
        .bind(account)
        .bind(merchant)
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM store_lists WHERE account_id = $1 AND ($2 IS NULL OR merchant_id = $2)
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
            items.push(self.with_ids(account, parse(body, "store_lists")?).await?);
        }
        Ok(Page::new(page, uint(total), items))
    }

    /// A page of the stores on a store list.
    pub async fn store_list_stores(
        &self,
        account: AccountId,
        id: StoreListId,
        name: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Store>, ProjectionError> {
        let account = int(account.0)?;
        let list = int(id.0)?;
        let pattern = name.map(contains_pattern);
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM store_list_stores l
             JOIN stores s ON s.account_id = l.account_id AND s.id = l.store_id
             WHERE l.account_id = $1 AND l.store_list_id = $2
             AND ($3 IS NULL OR LOWER(s.name) LIKE $3 ESCAPE '\\')",
        )
        .bind(account)
        .bind(list)
        .bind(pattern.as_deref())
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT s.body FROM store_list_stores l
             JOIN stores s ON s.account_id = l.account_id AND s.id = l.store_id
             WHERE l.account_id = $1 AND l.store_list_id = $2
             AND ($3 IS NULL OR LOWER(s.name) LIKE $3 ESCAPE '\\')
             ORDER BY l.store_id LIMIT $4 OFFSET $5",
        )
        .bind(account)
        .bind(list)
        .bind(pattern.as_deref())
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = bodies
            .iter()
            .map(|body| parse(body, "stores"))
            .collect::<Result<_, _>>()?;
        Ok(Page::new(page, uint(total), items))
    }

    /// A member list by id, with its members.
    pub async fn member_list(
        &self,
        account: AccountId,
        id: MemberListId,
    ) -> Result<Option<MemberList>, ProjectionError> {
        self.one_with_ids(account, id.0).await
    }

    /// A page of an account's member lists, each with its members.
    pub async fn member_lists(
        &self,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<MemberList>, ProjectionError> {
        self.page_with_ids(account, page).await
    }

    /// A page of the ids of the members on a member list.
    pub async fn member_list_members(
        &self,
        account: AccountId,
        id: MemberListId,
        page: PageRequest,
    ) -> Result<Page<MemberId>, ProjectionError> {
        let account = int(account.0)?;
        let list = int(id.0)?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM member_list_members
             WHERE account_id = $1 AND member_list_id = $2",
        )
        .bind(account)
        .bind(list)
        .fetch_one(&self.pool)
        .await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT member_id FROM member_list_members
             WHERE account_id = $1 AND member_list_id = $2
             ORDER BY member_id LIMIT $3 OFFSET $4",
        )
        .bind(account)
        .bind(list)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = ids.into_iter().map(|id| MemberId(uint(id))).collect();
        Ok(Page::new(page, uint(total), items))
    }
}
