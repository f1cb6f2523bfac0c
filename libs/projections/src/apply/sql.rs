//! Statements over many rows at once, built at run time for SQLite and Postgres alike:
//! multi-row upserts and inserts, `IN (...)` deletes and lookups, and the values they bind
//! (placeholders in each database's fastest form, see `dialect`). Table and column names come
//! only from constants of this crate, never from input.

use crate::dialect::Backend;
use crate::error::ProjectionError;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};
use std::fmt::Write;

/// Most values one statement binds: below SQLite's 32,766 and Postgres' 65,535, and small
/// enough that either plans it in well under a millisecond.
const MAX_PARAMETERS: usize = 4_000;
/// Most ids one `IN (...)` list holds.
const MAX_IN_LIST: usize = 512;
/// Most rows one upsert writes.
const MAX_ROWS: usize = 256;

/// A value bound to a statement.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// A `BIGINT`.
    Int(i64),
    /// A `TEXT`.
    Text(String),
    /// A `TEXT` that may be NULL.
    OptText(Option<String>),
    /// A `BIGINT` that may be NULL.
    OptInt(Option<i64>),
}

type Query = sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>;

fn bind(query: Query, value: Value) -> Query {
    match value {
        Value::Int(value) => query.bind(value),
        Value::Text(value) => query.bind(value),
        Value::OptText(value) => query.bind(value),
        Value::OptInt(value) => query.bind(value),
    }
}

fn statement(sql: String) -> Query {
    sqlx::query(AssertSqlSafe(sql))
}

/// Appends the placeholders of values `first .. first + count` (from 1), comma separated.
fn placeholders(backend: Backend, sql: &mut String, first: usize, count: usize) {
    for n in 0..count {
        if n > 0 {
            sql.push_str(", ");
        }
        backend.placeholder(sql, first + n);
    }
}

/// Inserts `rows` (each the values of `keys` then `columns`, in order) into `table`; a row
/// whose key is there already replaces its `columns` (or is left as it is when there are
/// none). Keys must be distinct within one call.
///
/// The rows go in statements of a power of two rows each (256, 128, ... as many as fit the
/// parameter limit), so that a handful of statement shapes recur: each stays prepared, and
/// Postgres plans it once instead of re-planning thousands of parameters per batch.
pub(crate) async fn upsert(
    tx: &mut AnyConnection,
    table: &str,
    keys: &[&str],
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), ProjectionError> {
    let backend = Backend::of(tx);
    let width = keys.len() + columns.len();
    let fit = (MAX_PARAMETERS / width.max(1)).clamp(1, MAX_ROWS);
    let largest = 1 << fit.ilog2();
    let mut rows = rows.into_iter();
    loop {
        let left = rows.len();
        if left == 0 {
            return Ok(());
        }
        let size = largest.min(1 << left.ilog2());
        let mut sql = format!("INSERT INTO {table} ({}", keys.join(", "));
        for column in columns {
            sql.push_str(", ");
            sql.push_str(column);
        }
        sql.push_str(") VALUES ");
        for n in 0..size {
            sql.push_str(if n == 0 { "(" } else { ", (" });
            placeholders(backend, &mut sql, n * width + 1, width);
            sql.push(')');
        }
        let _ = write!(sql, " ON CONFLICT ({}) DO ", keys.join(", "));
        if columns.is_empty() {
            sql.push_str("NOTHING");
        } else {
            sql.push_str("UPDATE SET ");
            for (n, column) in columns.iter().enumerate() {
                if n > 0 {
                    sql.push_str(", ");
                }
                let _ = write!(sql, "{column} = excluded.{column}");
            }
        }
        let mut query = statement(sql);
        for value in rows.by_ref().take(size).flatten() {
            query = bind(query, value);
        }
        query.execute(&mut *tx).await?;
    }
}

/// The rows of `table` of `account` whose id is one of `ids`: `id`, then `columns`. Lists are
/// padded to a power of two (repeating the last id), so that few statement shapes recur and
/// each stays prepared.
pub(crate) async fn select_by_ids(
    tx: &mut AnyConnection,
    table: &str,
    columns: &str,
    account: i64,
    ids: &[i64],
) -> Result<Vec<AnyRow>, ProjectionError> {
    let backend = Backend::of(tx);
    let mut found = Vec::new();
    for chunk in ids.chunks(MAX_IN_LIST) {
        let Some(&last) = chunk.last() else { continue };
        let padded = chunk.len().next_power_of_two();
        let mut query = statement(backend.select_by_ids(table, columns, padded)).bind(account);
        for n in 0..padded {
            query = query.bind(chunk.get(n).copied().unwrap_or(last));
        }
        found.extend(query.fetch_all(&mut *tx).await?);
    }
    Ok(found)
}

/// Deletes the rows of `table` whose `fixed` columns equal their values and whose
/// `in_column` is one of `ids`, in as many statements as the list needs (padded as in
/// [`select_by_ids`]).
pub(crate) async fn delete_in(
    tx: &mut AnyConnection,
    table: &str,
    fixed: &[(&str, Value)],
    in_column: &str,
    ids: &[i64],
) -> Result<(), ProjectionError> {
    let backend = Backend::of(tx);
    for chunk in ids.chunks(MAX_IN_LIST) {
        let Some(&last) = chunk.last() else { continue };
        let padded = chunk.len().next_power_of_two();
        let mut sql = format!("DELETE FROM {table} WHERE ");
        for (n, (column, _)) in fixed.iter().enumerate() {
            let _ = write!(sql, "{column} = ");
            backend.placeholder(&mut sql, n + 1);
            sql.push_str(" AND ");
        }
        let _ = write!(sql, "{in_column} IN (");
        placeholders(backend, &mut sql, fixed.len() + 1, padded);
        sql.push(')');
        let mut query = statement(sql);
        for (_, value) in fixed {
            query = bind(query, value.clone());
        }
        for n in 0..padded {
            query = query.bind(chunk.get(n).copied().unwrap_or(last));
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_from_first_or_positional() {
        let mut sql = String::new();
        placeholders(Backend::Postgres, &mut sql, 3, 3);
        assert_eq!(sql, "$3, $4, $5");
        sql.clear();
        placeholders(Backend::Sqlite, &mut sql, 3, 3);
        assert_eq!(sql, "?, ?, ?");
    }
}
