//! Membership rows shared by store lists, member lists, item sets and the merchants of
//! manufacturers: one row per (list, id), added, removed, replaced, and forgotten when the list
//! or the member goes.

use super::sql::{self, Value};
use crate::error::{int, ProjectionError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::{AnyConnection, AssertSqlSafe};
use std::collections::BTreeSet;

/// A list table and the table of its memberships.
pub(super) struct Lists {
    /// The table of the lists themselves (rows keyed by `(account_id, id)`, JSON in `body`).
    pub(super) table: &'static str,
    /// The table of memberships.
    pub(super) memberships: &'static str,
    /// The column of `memberships` naming the list.
    pub(super) list_column: &'static str,
    /// The column of `memberships` naming the member.
    pub(super) member_column: &'static str,
}

pub(super) const STORE_LISTS: Lists = Lists {
    table: "store_lists",
    memberships: "store_list_stores",
    list_column: "store_list_id",
    member_column: "store_id",
};

pub(super) const MEMBER_LISTS: Lists = Lists {
    table: "member_lists",
    memberships: "member_list_members",
    list_column: "member_list_id",
    member_column: "member_id",
};

pub(super) const ITEM_SETS: Lists = Lists {
    table: "item_sets",
    memberships: "item_set_items",
    list_column: "item_set_id",
    member_column: "item_id",
};

pub(super) const MANUFACTURER_MERCHANTS: Lists = Lists {
    table: "manufacturers",
    memberships: "manufacturer_merchants",
    list_column: "manufacturer_id",
    member_column: "merchant_id",
};

impl Lists {
    /// Writes the row of `list` of a table of `(account_id, id, name, body)`: `entity` (its
    /// members taken out, they are rows of their own) and its `name`.
    pub(super) async fn put<T: Serialize>(
        &self,
        tx: &mut AnyConnection,
        account: i64,
        (list, name): (u64, &str),
        entity: &T,
    ) -> Result<(), ProjectionError> {
        let sql = format!(
            "INSERT INTO {} (account_id, id, name, body) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name, body = excluded.body",
            self.table
        );
        sqlx::query(audited(&sql))
            .bind(account)
            .bind(int(list)?)
            .bind(name)
            .bind(super::json(entity)?)
            .execute(tx)
            .await?;
        Ok(())
    }

    /// Adds `ids` to `list` (those already there stay once), in one statement.
    pub(super) async fn add(
        &self,
        tx: &mut AnyConnection,
        account: i64,
        list: u64,
        ids: &[u64],
    ) -> Result<(), ProjectionError> {
        let list = int(list)?;
        let mut rows = Vec::with_capacity(ids.len());
        for &id in ids.iter().collect::<BTreeSet<_>>() {
            rows.push(vec![
                Value::Int(account),
                Value::Int(list),
                Value::Int(int(id)?),
            ]);
        }
        let keys = ["account_id", self.list_column, self.member_column];
        sql::upsert(tx, self.memberships, &keys, &[], rows).await
    }

    /// Removes `ids` from `list`, in one statement.
    pub(super) async fn remove(
        &self,
        tx: &mut AnyConnection,
        account: i64,
        list: u64,
        ids: &[u64],
    ) -> Result<(), ProjectionError> {
        let fixed = [
            ("account_id", Value::Int(account)),
            (self.list_column, Value::Int(int(list)?)),
        ];
        let ids = ids
            .iter()
            .map(|&id| int(id))
            .collect::<Result<Vec<_>, _>>()?;
        sql::delete_in(tx, self.memberships, &fixed, self.member_column, &ids).await
    }

    /// Makes `ids` the whole membership of `list`.
    pub(super) async fn replace(
        &self,
        tx: &mut AnyConnection,
        account: i64,
        list: u64,
        ids: &[u64],
    ) -> Result<(), ProjectionError> {
        let sql = format!(
            "DELETE FROM {} WHERE account_id = $1 AND {} = $2",
            self.memberships, self.list_column
        );
        sqlx::query(audited(&sql))
            .bind(account)
            .bind(int(list)?)
            .execute(&mut *tx)
            .await?;
        self.add(tx, account, list, ids).await
    }

    /// Removes `member` from every list of the account.
    pub(super) async fn forget_member(
        &self,
        tx: &mut AnyConnection,
        account: i64,
        member: u64,
    ) -> Result<(), ProjectionError> {
        let sql = format!(
            "DELETE FROM {} WHERE account_id = $1 AND {} = $2",
            self.memberships, self.member_column
        );
        sqlx::query(audited(&sql))
            .bind(account)
            .bind(int(member)?)
            .execute(tx)
            .await?;
        Ok(())
    }

    /// Deletes `list` and its memberships.
    pub(super) async fn delete(
        &self,
        tx: &mut AnyConnection,
        account: i64,
        list: u64,
    ) -> Result<(), ProjectionError> {
        self.replace(&mut *tx, account, list, &[]).await?;
        let sql = format!(
            "DELETE FROM {} WHERE account_id = $1 AND id = $2",
            self.table
        );
        sqlx::query(audited(&sql))
            .bind(account)
            .bind(int(list)?)
            .execute(tx)
            .await?;
        Ok(())
    }

    /// Rewrites the body of `list` (a `T`) with `change` applied, and its `name` column.
    /// A list that is not there is left alone.
    pub(super) async fn touch<T: Serialize + DeserializeOwned>(
        &self,
        tx: &mut AnyConnection,
        account: i64,
        list: u64,
        change: impl FnOnce(&mut T) -> String,
    ) -> Result<(), ProjectionError> {
        let select = format!(
            "SELECT body FROM {} WHERE account_id = $1 AND id = $2",
            self.table
        );
        let body: Option<String> = sqlx::query_scalar(audited(&select))
            .bind(account)
            .bind(int(list)?)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(body) = body else { return Ok(()) };
        let mut value: T =
            serde_json::from_str(&body).map_err(ProjectionError::decode(self.table))?;
        let name = change(&mut value);
        let update = format!(
            "UPDATE {} SET name = $3, body = $4 WHERE account_id = $1 AND id = $2",
            self.table
        );
        sqlx::query(audited(&update))
            .bind(account)
            .bind(int(list)?)
            .bind(name)
            .bind(super::json(&value)?)
            .execute(tx)
            .await?;
        Ok(())
    }
}

/// SQL built only from the table and column names of the constants above, never from input.
fn audited(sql: &str) -> AssertSqlSafe<&str> {
    AssertSqlSafe(sql)
}
