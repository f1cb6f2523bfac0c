//! Reads of store lists and member lists: a list with all its ids, pages of lists, and pages
//! of one list's stores or members, ordered by id.

use crate::error::{int, uint, ProjectionError};
use crate::page::{Page, PageRequest};
use crate::store::ReadStore;
use domain::catalog::{MemberList, Store, StoreList};
use domain::ids::{AccountId, MemberId, MemberListId, MerchantId, StoreId, StoreListId};
use serde::de::DeserializeOwned;

/// Decodes a `body` column.
pub(crate) fn parse<T: DeserializeOwned>(
    body: &str,
    what: &'static str,
) -> Result<T, ProjectionError> {
    serde_json::from_str(body).map_err(ProjectionError::decode(what))
}

/// Every id of a list's memberships, ascending.
pub(crate) async fn member_ids(
    store: &ReadStore,
    sql: &'static str,
    account: i64,
    list: u64,
) -> Result<Vec<u64>, ProjectionError> {
    let ids: Vec<i64> = sqlx::query_scalar(sql)
        .bind(account)
        .bind(int(list)?)
        .fetch_all(&store.pool)
        .await?;
    Ok(ids.into_iter().map(uint).collect())
}

const STORE_IDS: &str = "SELECT store_id FROM store_list_stores
     WHERE account_id = $1 AND store_list_id = $2 ORDER BY store_id";
const MEMBER_IDS: &str = "SELECT member_id FROM member_list_members
     WHERE account_id = $1 AND member_list_id = $2 ORDER BY member_id";

impl ReadStore {
    /// A store list by id, with its stores.
    pub async fn store_list(
        &self,
        account: AccountId,
        id: StoreListId,
    ) -> Result<Option<StoreList>, ProjectionError> {
        let account = int(account.0)?;
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM store_lists WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(id.0)?)
                .fetch_optional(&self.pool)
                .await?;
        let Some(body) = body else { return Ok(None) };
        Ok(Some(
            self.with_stores(account, parse(&body, "store_lists")?)
                .await?,
        ))
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
            items.push(
                self.with_stores(account, parse(body, "store_lists")?)
                    .await?,
            );
        }
        Ok(Page::new(page, uint(total), items))
    }

    /// A page of the stores on a store list.
    pub async fn store_list_stores(
        &self,
        account: AccountId,
        id: StoreListId,
        page: PageRequest,
    ) -> Result<Page<Store>, ProjectionError> {
        let account = int(account.0)?;
        let list = int(id.0)?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM store_list_stores WHERE account_id = $1 AND store_list_id = $2",
        )
        .bind(account)
        .bind(list)
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT s.body FROM store_list_stores l
             JOIN stores s ON s.account_id = l.account_id AND s.id = l.store_id
             WHERE l.account_id = $1 AND l.store_list_id = $2
             ORDER BY l.store_id LIMIT $3 OFFSET $4",
        )
        .bind(account)
        .bind(list)
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
        let account = int(account.0)?;
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM member_lists WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(id.0)?)
                .fetch_optional(&self.pool)
                .await?;
        let Some(body) = body else { return Ok(None) };
        Ok(Some(
            self.with_members(account, parse(&body, "member_lists")?)
                .await?,
        ))
    }

    /// A page of an account's member lists, each with its members.
    pub async fn member_lists(
        &self,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<MemberList>, ProjectionError> {
        let account = int(account.0)?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM member_lists WHERE account_id = $1")
                .bind(account)
                .fetch_one(&self.pool)
                .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM member_lists WHERE account_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(account)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(bodies.len());
        for body in &bodies {
            items.push(
                self.with_members(account, parse(body, "member_lists")?)
                    .await?,
            );
        }
        Ok(Page::new(page, uint(total), items))
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

    async fn with_stores(
        &self,
        account: i64,
        mut list: StoreList,
    ) -> Result<StoreList, ProjectionError> {
        let ids = member_ids(self, STORE_IDS, account, list.id.0).await?;
        list.store_ids = ids.into_iter().map(StoreId).collect();
        Ok(list)
    }

    async fn with_members(
        &self,
        account: i64,
        mut list: MemberList,
    ) -> Result<MemberList, ProjectionError> {
        let ids = member_ids(self, MEMBER_IDS, account, list.id.0).await?;
        list.member_ids = ids.into_iter().map(MemberId).collect();
        Ok(list)
    }
}
