//! Where members' keys are kept: [`KeyStore`], a table of keys by account, member and key id,
//! outside the event log so that destroying a key is a real delete. Backends: [`SqliteKeys`]
//! (a file of its own beside the log: `keys.db`) and [`PostgresKeys`] (a table of its own).
//!
//! The trait is object safe (boxed futures): the engine, the projectors and the dispatcher
//! hold any backend as `Arc<dyn KeyStore>`.

/// Implements [`KeyStore`] for a store whose inherent `put_now`, `get_now`, `shred_now` and
/// `count_now` do the work.
macro_rules! delegate_key_store {
    ($store:ty) => {
        impl KeyStore for $store {
            fn put<'a>(&'a self, rows: &'a [KeyRow]) -> BoxFuture<'a, Result<(), KeyStoreError>> {
                Box::pin(self.put_now(rows))
            }

            fn get<'a>(
                &'a self,
                refs: &'a [KeyRef],
            ) -> BoxFuture<'a, Result<Vec<KeyRow>, KeyStoreError>> {
                Box::pin(self.get_now(refs))
            }

            fn shred(
                &self,
                account: AccountId,
                member: MemberId,
            ) -> BoxFuture<'_, Result<u64, KeyStoreError>> {
                Box::pin(self.shred_now(account, member))
            }

            fn count(
                &self,
                account: AccountId,
                member: MemberId,
            ) -> BoxFuture<'_, Result<u64, KeyStoreError>> {
                Box::pin(self.count_now(account, member))
            }
        }
    };
}

mod postgres;
mod sqlite;

pub use postgres::PostgresKeys;
pub use sqlite::SqliteKeys;

use crate::cipher::{KeyRef, KeyRow};
use crate::error::KeyStoreError;
use domain::ids::{AccountId, MemberId};
use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future: what the store's methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A store of members' keys.
pub trait KeyStore: Send + Sync + std::fmt::Debug + 'static {
    /// Stores `rows` durably, in one transaction (a row already stored is left as it is).
    fn put<'a>(&'a self, rows: &'a [KeyRow]) -> BoxFuture<'a, Result<(), KeyStoreError>>;

    /// The stored keys among `refs` (a destroyed or unknown one is absent).
    fn get<'a>(&'a self, refs: &'a [KeyRef]) -> BoxFuture<'a, Result<Vec<KeyRow>, KeyStoreError>>;

    /// Destroys every key of member `member` of `account` (crypto-shredding), so that what was
    /// sealed under them never opens again; answers how many there were. Idempotent.
    fn shred(
        &self,
        account: AccountId,
        member: MemberId,
    ) -> BoxFuture<'_, Result<u64, KeyStoreError>>;

    /// How many keys member `member` of `account` has.
    fn count(
        &self,
        account: AccountId,
        member: MemberId,
    ) -> BoxFuture<'_, Result<u64, KeyStoreError>>;
}

/// `value` as a database integer.
pub(super) fn to_sql(what: &'static str, value: u64) -> Result<i64, KeyStoreError> {
    i64::try_from(value).map_err(|_| KeyStoreError::OutOfRange { what, value })
}

/// A stored id read back.
pub(super) fn from_sql(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

/// The columns of a stored key, as a [`KeyRow`].
pub(super) fn row(
    account: i64,
    member: i64,
    key_id: i64,
    key: &[u8],
) -> Result<KeyRow, KeyStoreError> {
    let bytes: [u8; 32] = key
        .try_into()
        .map_err(|_| KeyStoreError::BadKey(key.len()))?;
    Ok(KeyRow {
        at: KeyRef {
            account_id: AccountId(from_sql(account)),
            member_id: MemberId(from_sql(member)),
            key_id: from_sql(key_id),
        },
        key: crate::cipher::MemberKey::from_bytes(bytes),
    })
}

/// A key's place as database integers.
pub(super) fn place(at: &KeyRef) -> Result<(i64, i64, i64), KeyStoreError> {
    Ok((
        to_sql("account id", at.account_id.0)?,
        to_sql("member id", at.member_id.0)?,
        to_sql("key id", at.key_id)?,
    ))
}

/// A member's account and id as database integers.
pub(super) fn member_place(
    account: AccountId,
    member: MemberId,
) -> Result<(i64, i64), KeyStoreError> {
    let (account, member, _) = place(&KeyRef {
        account_id: account,
        member_id: member,
        key_id: 0,
    })?;
    Ok((account, member))
}
