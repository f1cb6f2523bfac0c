//! The account's reference data: members, merchants and their stores, store and member lists,
//! items and item sets; `queries` checks and plans changes of lists and item sets.

mod items;
mod lists;
mod member;
mod merchant;
pub mod queries;

pub use items::{Item, ItemFields, ItemSet, ItemSetFields};
pub use lists::{ListFields, MemberList, StoreList};
pub use member::{Member, MemberFields};
pub use merchant::{Merchant, MerchantFields, Store, StoreFields};
