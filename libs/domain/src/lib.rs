//! The Sparkfly promotions model, pure: accounts and their API credentials, members, merchants,
//! manufacturers, stores, lists, items, offers, channels, credentials and point-of-sale
//! redemptions, members' offer wallets and loyalty points, with the commands that change them, the events that record each change,
//! `decide` and `evolve`.
//!
//! No IO, no async, no clock, no randomness of its own: the time and a random source come in a
//! [`Context`] with each command. The state of one account is the aggregate: every invariant
//! (unique identifiers and codes, redemption limits, idempotency) is checked within it.

pub mod account;
pub mod bulk;
pub mod campaign;
pub mod catalog;
pub mod channel;
pub mod check_in;
pub mod command;
pub mod context;
pub mod credential;
pub mod decide;
pub mod error;
pub mod event;
pub mod evolve;
pub mod idempotency;
pub mod ids;
pub mod impression;
pub mod money;
pub mod offer;
pub mod persistent;
pub mod points;
pub mod privacy;
pub mod redemption;
pub mod schedule;
pub mod state;
pub mod time;
pub mod validate;
pub mod wallet;
pub mod zidentifier;

pub use command::Command;
pub use context::Context;
pub use decide::{decide, evaluate, Decision};
pub use error::{DomainError, DomainResult, ErrorKind, LimitKind};
pub use event::{Event, EventKind, EventType};
pub use evolve::{evolve, replay};
pub use state::AccountState;
