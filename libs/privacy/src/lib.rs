//! Personal data in an append-only log, by crypto-shredding.
//!
//! The personal text an event carries (see `domain::privacy`) is written to the log sealed
//! (ChaCha20-Poly1305) under a key of its member's, kept outside the log in a [`KeyStore`]:
//! SQLite beside the log on the embedded default ([`SqliteKeys`]), a Postgres table in
//! production ([`PostgresKeys`]). Every reader of the log opens it with the member's keys;
//! once the member is erased (or deleted) its keys are destroyed ([`KeyStore::shred`]) and
//! the text can never be read again, while every count and amount beside it stays exact.
//!
//! - `cipher`: sealing and opening one text, bound to its account, member and key.
//! - `store`: the key stores.
//! - `events`: sealing an event (or any text of a member's) about to be written, opening what
//!   is read back.

mod cipher;
mod error;
mod events;
mod store;

pub use cipher::{open, seal, sealed_key, KeyRef, KeyRow, MemberKey};
pub use error::{KeyStoreError, SealError};
pub use events::{open_events, open_texts, seal_event, seal_texts, Opened};
pub use store::{BoxFuture, KeyStore, PostgresKeys, SqliteKeys};
