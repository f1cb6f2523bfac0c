//! The write-behind cache of a batch: the rows most events change (members, credentials,
//! redemptions), loaded in bulk before the batch is applied, changed in memory by the apply
//! logic, and written back at its end with multi-row upserts, so a batch of hundreds of events
//! costs a handful of statements per table instead of one to three per event.
//!
//! A row the bulk load missed is loaded on first use, so the result never depends on what was
//! prefetched, only the number of statements does.

use super::sql::{self, Value};
use crate::error::ProjectionError;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use std::collections::{BTreeMap, BTreeSet};

/// A row's key: `(account_id, id)`.
pub(crate) type Key = (i64, i64);

/// A row type the cache holds: its table, how it is read back and written.
pub(crate) trait CachedRow: Sized {
    /// Its table (rows keyed by `(account_id, id)`).
    const TABLE: &'static str;
    /// The columns written besides the key, in the order of [`CachedRow::values`].
    const COLUMNS: &'static [&'static str];
    /// The columns read back to rebuild a row, as a select list.
    const LOADED: &'static str;

    /// Rebuilds a row from a result whose column 0 is `id` and the rest are
    /// [`CachedRow::LOADED`].
    fn decode(row: &AnyRow) -> Result<Self, ProjectionError>;

    /// The values of [`CachedRow::COLUMNS`].
    fn values(&self) -> Result<Vec<Value>, ProjectionError>;

    /// The value of a column unique within the account, if the table has one: a row whose
    /// value changes is deleted before the rows are written back, so that rows trading values
    /// within a batch never collide.
    fn unique(&self) -> Option<&str> {
        None
    }
}

/// What the database held for a key when the batch began, as far as the cache knows.
#[derive(Debug, PartialEq, Eq)]
enum Stored {
    /// Not looked up (the row was written without being read).
    Unknown,
    /// Looked up and not there.
    Absent,
    /// Looked up and there, with this unique value.
    Present(Option<String>),
}

struct Entry<R> {
    row: Option<R>,
    stored: Stored,
    dirty: bool,
}

/// The rows of one table a batch has read or written.
pub(crate) struct RowCache<R> {
    entries: BTreeMap<Key, Entry<R>>,
}

impl<R> Default for RowCache<R> {
    fn default() -> Self {
        Self {
            entries: BTreeMap::new(),
        }
    }
}

impl<R: CachedRow> RowCache<R> {
    /// Loads the rows of `keys` not held yet, one statement per account (per few hundred ids).
    pub(crate) async fn load(
        &mut self,
        tx: &mut AnyConnection,
        keys: impl IntoIterator<Item = Key>,
    ) -> Result<(), ProjectionError> {
        let mut wanted: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        for key in keys {
            if !self.entries.contains_key(&key) {
                wanted.entry(key.0).or_default().insert(key.1);
            }
        }
        for (account, ids) in wanted {
            let ids: Vec<i64> = ids.into_iter().collect();
            for found in sql::select_by_ids(tx, R::TABLE, R::LOADED, account, &ids).await? {
                let id: i64 = sqlx::Row::try_get(&found, 0)?;
                let row = R::decode(&found)?;
                let unique = row.unique().map(str::to_string);
                self.entries.insert(
                    (account, id),
                    Entry {
                        row: Some(row),
                        stored: Stored::Present(unique),
                        dirty: false,
                    },
                );
            }
            for id in ids {
                self.entries.entry((account, id)).or_insert(Entry {
                    row: None,
                    stored: Stored::Absent,
                    dirty: false,
                });
            }
        }
        Ok(())
    }

    /// The row of `key` as the batch has it so far (loaded now if not held yet).
    pub(crate) async fn get(
        &mut self,
        tx: &mut AnyConnection,
        key: Key,
    ) -> Result<Option<&R>, ProjectionError> {
        self.load(tx, [key]).await?;
        Ok(self.entries.get(&key).and_then(|entry| entry.row.as_ref()))
    }

    /// Changes the row of `key` with `change`, if there is one; answers what `change` did.
    pub(crate) async fn update<T>(
        &mut self,
        tx: &mut AnyConnection,
        key: Key,
        change: impl FnOnce(&mut R) -> T,
    ) -> Result<Option<T>, ProjectionError> {
        self.load(tx, [key]).await?;
        let Some(entry) = self.entries.get_mut(&key) else {
            return Ok(None);
        };
        let Some(row) = entry.row.as_mut() else {
            return Ok(None);
        };
        entry.dirty = true;
        Ok(Some(change(row)))
    }

    /// Makes `row` the row of `key`.
    pub(crate) fn put(&mut self, key: Key, row: R) {
        let entry = self.entries.entry(key).or_insert(Entry {
            row: None,
            stored: Stored::Unknown,
            dirty: false,
        });
        entry.row = Some(row);
        entry.dirty = true;
    }

    /// Removes the row of `key`.
    pub(crate) fn remove(&mut self, key: Key) {
        let entry = self.entries.entry(key).or_insert(Entry {
            row: None,
            stored: Stored::Unknown,
            dirty: false,
        });
        entry.row = None;
        entry.dirty = true;
    }

    /// Writes every change back: deletes first (removed rows, and rows whose unique value
    /// changed), then one multi-row upsert for the rest.
    pub(crate) async fn flush(&mut self, tx: &mut AnyConnection) -> Result<(), ProjectionError> {
        let mut deleted: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        let mut written = Vec::new();
        for (&(account, id), entry) in &self.entries {
            if !entry.dirty {
                continue;
            }
            let delete = match (&entry.row, &entry.stored) {
                (None, Stored::Absent) => false,
                (None, _) => true,
                (Some(row), Stored::Present(unique)) => unique.as_deref() != row.unique(),
                (Some(_), _) => false,
            };
            if delete {
                deleted.entry(account).or_default().push(id);
            }
            if let Some(row) = &entry.row {
                let mut values = vec![Value::Int(account), Value::Int(id)];
                values.extend(row.values()?);
                written.push(values);
            }
        }
        for (account, ids) in deleted {
            let fixed = [("account_id", Value::Int(account))];
            sql::delete_in(tx, R::TABLE, &fixed, "id", &ids).await?;
        }
        sql::upsert(tx, R::TABLE, &["account_id", "id"], R::COLUMNS, written).await?;
        self.entries.clear();
        Ok(())
    }
}
