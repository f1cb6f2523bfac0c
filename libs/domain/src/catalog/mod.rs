//! The account's reference data: members, merchants and their stores (with contacts and
//! coordinates), manufacturers, counters, occasions (Sparkfly's events), POS offer codes, store and member lists, items and item sets (each owned by a
//! merchant, a manufacturer or the account); `queries` checks and plans changes of lists and
//! item sets.

mod items;
mod lists;
mod manufacturer;
mod member;
mod merchant;
mod place;
mod plain;
mod pos_code;
pub mod queries;

pub use items::{Item, ItemFields, ItemSet, ItemSetFields, Owner};
pub use lists::{ListFields, MemberList, StoreList};
pub use manufacturer::{Manufacturer, ManufacturerFields};
pub use member::{Member, MemberFields};
pub use merchant::{LocationFields, Merchant, MerchantFields, Store, StoreFields};
pub use place::{nearest, Contact, Contacts, Coordinates, Near};
pub use plain::{Counter, CounterFields, Occasion, OccasionFields};
pub use pos_code::{PosOfferCode, PosOfferCodeFields};
