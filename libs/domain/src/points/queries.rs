//! What the API asks of a member's points in live state.

use super::{PointsLedger, PointsTransfer};
use crate::ids::MemberId;
use crate::state::AccountState;

/// Member `member`'s ledger; all zero when the member never had points.
pub fn ledger(state: &AccountState, member: MemberId) -> PointsLedger {
    state.points.get(&member).copied().unwrap_or_default()
}

/// The transfer recorded under `txid`, if any.
pub fn transfer<'s>(state: &'s AccountState, txid: &str) -> Option<&'s PointsTransfer> {
    state.points_transfers.get(txid)
}
