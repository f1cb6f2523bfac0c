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

/// Every transfer to or from member `member`, oldest first (walks every transfer: for
/// exports, not hot paths).
pub fn transfers_of(state: &AccountState, member: MemberId) -> Vec<&PointsTransfer> {
    let mut found: Vec<&PointsTransfer> = state
        .points_transfers
        .values()
        .filter(|transfer| {
            transfer.to_member_id == member || transfer.from_member_id == Some(member)
        })
        .collect();
    found.sort_unstable_by(|a, b| (a.created_at, &a.txid).cmp(&(b.created_at, &b.txid)));
    found
}
