//! [`SqliteWriter`]: the fenced writer of one partition, and the batch insert it runs.

use std::ops::Range;
use std::sync::Arc;

use sqlx::{AssertSqlSafe, Connection, SqliteConnection};

use super::convert::{db_error, to_sql};
use super::{end_offset_on, Shared};
use crate::{AppendRecord, LogError, PartitionWriter};

/// Rows per INSERT statement: 3 bound values per row stays far below SQLite's limit on bound
/// variables, and a group-commit batch of up to this size is a single statement.
pub(super) const ROWS_PER_STATEMENT: usize = 256;

/// The single writer of one partition of a [`super::SqliteLog`], from a claim until a newer
/// claim fences it.
pub struct SqliteWriter {
    shared: Arc<Shared>,
    partition: u32,
    epoch: u64,
    /// The next offset, known while this writer is the partition's only writer; forgotten
    /// after any failed append and read again from the file.
    next: Option<u64>,
}

impl SqliteWriter {
    pub(super) fn new(shared: Arc<Shared>, partition: u32, epoch: u64, next: u64) -> Self {
        Self {
            shared,
            partition,
            epoch,
            next: Some(next),
        }
    }

    async fn append_locked(
        &self,
        conn: &mut SqliteConnection,
        records: &[AppendRecord],
    ) -> Result<Range<u64>, LogError> {
        let part = i64::from(self.partition);
        let first = match self.next {
            Some(next) => next,
            None => end_offset_on(&mut *conn, part).await?,
        };
        let count = u64::try_from(records.len())
            .map_err(|_| LogError::Storage("batch too large".into()))?;
        let end = first
            .checked_add(count)
            .ok_or_else(|| LogError::Storage("offset overflow".into()))?;
        let epoch = to_sql(self.epoch)?;
        if records.len() <= ROWS_PER_STATEMENT {
            if !records.is_empty() {
                let inserted = insert_rows(&mut *conn, part, epoch, first, records).await?;
                self.check_inserted(inserted, records.len())?;
            }
        } else {
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(db_error)?;
            let mut offset = first;
            for chunk in records.chunks(ROWS_PER_STATEMENT) {
                let inserted = insert_rows(&mut tx, part, epoch, offset, chunk).await?;
                self.check_inserted(inserted, chunk.len())?;
                offset += chunk.len() as u64;
            }
            tx.commit().await.map_err(db_error)?;
        }
        Ok(first..end)
    }

    fn check_inserted(&self, inserted: u64, expected: usize) -> Result<(), LogError> {
        if inserted == expected as u64 {
            return Ok(());
        }
        Err(LogError::Fenced {
            partition: self.partition,
            epoch: self.epoch,
        })
    }
}

impl PartitionWriter for SqliteWriter {
    fn partition(&self) -> u32 {
        self.partition
    }

    fn epoch(&self) -> u64 {
        self.epoch
    }

    async fn append(&mut self, records: &[AppendRecord]) -> Result<Range<u64>, LogError> {
        let shared = Arc::clone(&self.shared);
        let mut conn = shared.writer.lock().await;
        let result = self.append_locked(&mut conn, records).await;
        drop(conn);
        match &result {
            Ok(range) => {
                self.next = Some(range.end);
                shared
                    .recent
                    .remember(self.partition, self.epoch, range.clone().zip(records));
                shared.notify_end(self.partition, range.end);
                shared.checkpoints.committed();
            }
            Err(_) => {
                self.next = None;
                shared.recent.forget(self.partition);
            }
        }
        result
    }
}

impl std::fmt::Debug for SqliteWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteWriter")
            .field("partition", &self.partition)
            .field("epoch", &self.epoch)
            .field("next", &self.next)
            .finish()
    }
}

/// Inserts `records` at offsets `first..` in one statement, only while the claim still holds
/// `epoch`: returns the rows inserted, all of them or none (fenced).
async fn insert_rows(
    conn: &mut SqliteConnection,
    part: i64,
    epoch: i64,
    first: u64,
    records: &[AppendRecord],
) -> Result<u64, LogError> {
    let mut query = sqlx::query(AssertSqlSafe(insert_sql(records.len())))
        .bind(part)
        .bind(epoch);
    for (offset, record) in (to_sql(first)?..).zip(records) {
        query = query
            .bind(offset)
            .bind(record.key.as_str())
            .bind(record.payload.as_slice());
    }
    let done = query.execute(conn).await.map_err(db_error)?;
    Ok(done.rows_affected())
}

/// `INSERT ... SELECT` of `rows` rows from a VALUES list, guarded by the claim's epoch. The
/// text depends only on `rows`, so the connection's statement cache prepares it once.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::with_capacity(160 + rows * 24);
    sql.push_str(
        "INSERT INTO events (part, off, key, payload, epoch) \
         SELECT ?1, column1, column2, column3, ?2 FROM (VALUES ",
    );
    for row in 0..rows {
        let base = 3 + 3 * row;
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(?{base}, ?{}, ?{})", base + 1, base + 2));
    }
    sql.push_str(") WHERE EXISTS (SELECT 1 FROM claims WHERE part = ?1 AND epoch = ?2)");
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_sql_numbers_every_row() {
        assert_eq!(
            insert_sql(2),
            "INSERT INTO events (part, off, key, payload, epoch) SELECT ?1, column1, column2, \
             column3, ?2 FROM (VALUES (?3, ?4, ?5), (?6, ?7, ?8)) WHERE EXISTS (SELECT 1 FROM \
             claims WHERE part = ?1 AND epoch = ?2)"
        );
    }
}
