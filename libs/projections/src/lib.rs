//! Read models in SQL, fed from the event log.
//!
//! What it owns:
//! - [`ReadStore`]: the read database, SQLite (the embedded default, [`ReadStore::open`]) or
//!   Postgres, chosen by URL ([`ReadStore::connect`], or [`ReadStore::open_url`] for a parsed
//!   [`eventlog::DbUrl`]), with one table per resource, each row
//!   keyed by `(account_id, id)`, and the [`Position`] of each partition (next offset and
//!   writer epoch), written in the same transaction as the rows ([`ReadStore::apply_batch`]).
//!   Lists and lookups read it; [`ReadStore::wait_until`] lets a client that just wrote wait
//!   for its own write; [`ReadStore::pair`] records the event log it is filled from. One
//!   query text serves both databases (sqlx's `Any` driver); what differs is in the
//!   `dialect` module, and the schema in `migrations/<database>/`.
//! - [`Projector`]: the loop that follows one partition of an [`eventlog::EventLog`] and
//!   applies what it reads, batch by batch: the hot rows of a batch are loaded in bulk, changed
//!   in memory and written back with multi-row upserts (`apply::cache`); [`ProjectorGroup`],
//!   one per partition, started and stopped together, each supervised: a run that fails is
//!   logged, counted ([`ProjectorMetrics`]) and started again from its stored position after a
//!   bounded exponential backoff ([`RestartPolicy`]); [`ReadStore::failing_projectors`] names
//!   the partitions failing meanwhile.
//!
//! - [`OfferActivity`]: members' offer activities (issued, saved, redeemed, voided, reversed,
//!   checked in), one row each, paged per member (`activities`).
//! - [`ApiKeyRow`]: API credentials as auth reads them (hashes only), by identity or id.
//! - Store lists, member lists (`lists`), items and item sets (`items`), manufacturers
//!   (`manufacturers`): each list, set or manufacturer with its ids, and pages of a list's
//!   stores, members or items ([`ItemFilter`], by owner, name or code).
//! - Counters, occasions (Sparkfly's events) and POS offer codes: one by id and pages of them
//!   (`query`).
//!
//! Projections know nothing of HTTP and have no side effects beyond their own tables.

mod activities;
mod api_keys;
mod apply;
mod dialect;
mod dump;
mod error;
mod follow;
mod group;
mod items;
mod lists;
mod manufacturers;
mod metrics;
mod migrate;
mod offers;
mod page;
mod projector;
mod query;
mod rows;
mod store;
mod supervise;

pub use activities::ActivityReportRow;
pub use api_keys::ApiKeyRow;
pub use error::ProjectionError;
pub use group::{ProjectorGroup, Supervision};
pub use items::ItemFilter;
pub use metrics::ProjectorMetrics;
pub use offers::{OfferListing, OfferSort};
pub use page::{Page, PageRequest, DEFAULT_PER_PAGE, MAX_PER_PAGE};
pub use projector::{Projector, ProjectorConfig};
pub use query::CredentialFilter;
pub use rows::{ActivityKind, OfferActivity, OfferChannelRow, OfferRow, RedemptionRow};
pub use store::{Position, ReadStore, CROSS_PROCESS_POLL};
pub use supervise::RestartPolicy;
