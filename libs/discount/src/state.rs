//! The running state of one basket line during an evaluation: what is left to discount, the
//! discount of the offer being applied, its unit bookkeeping, and the allocations so far.

use crate::result::Allocation;
use crate::validate::Line;

/// One line's state; lines are indexed in `line_id` order.
#[derive(Clone, Debug, Default)]
pub(crate) struct LineState {
    /// Units on the line.
    pub(crate) qty: u64,
    /// Unit price in minor units.
    pub(crate) price: i64,
    /// Amount left to discount: the line total minus earlier offers' discounts.
    pub(crate) remaining: i64,
    /// The discount of the offer being applied.
    pub(crate) current: i64,
    /// The line's item is in the offer's required set.
    pub(crate) required: bool,
    /// The line's item is in the offer's target set and the line has something left to discount.
    pub(crate) target: bool,
    /// Units not yet given a role (bought or rewarded) in the offer.
    pub(crate) avail: u64,
    /// Units the offer rewards on the line.
    pub(crate) rewarded: u64,
    /// The non-zero discounts of the offers applied so far.
    pub(crate) allocations: Vec<Allocation>,
}

impl LineState {
    /// The state of `line` before any offer.
    pub(crate) fn new(line: &Line<'_>) -> Self {
        LineState {
            qty: line.qty,
            price: line.price,
            remaining: line.total,
            ..LineState::default()
        }
    }
}
