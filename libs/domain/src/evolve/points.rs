//! Applying what moves points: redemptions committed (earned) and voided or reversed (taken
//! back, no further than the balance), wallet entries saved (spent) and voided (paid back),
//! and transfers.

use crate::event::PointsEvent;
use crate::ids::{MemberId, RedemptionId};
use crate::points::{PointsLedger, PointsTransfer};
use crate::redemption::OfferApplication;
use crate::state::AccountState;

pub(super) fn apply(state: &mut AccountState, event: PointsEvent) {
    match event {
        PointsEvent::Transferred(transfer) => transferred(state, transfer),
    }
}

/// Credits each application's member with the points it earns.
pub(super) fn earn(state: &mut AccountState, applications: &[OfferApplication]) {
    for application in applications.iter().filter(|found| found.points > 0) {
        change(state, application.member_id, |ledger| {
            ledger.earned = ledger.earned.saturating_add(application.points);
        });
    }
}

/// Credits what redemption `id` earns (a reservation confirmed).
pub(super) fn earn_for(state: &mut AccountState, id: RedemptionId) {
    let Some(redemption) = state.redemptions.get_shared(&id).cloned() else {
        return;
    };
    earn(state, &redemption.applications);
}

/// Takes back what redemption `id` earned, from each member no further than their balance.
pub(super) fn claw_back_for(state: &mut AccountState, id: RedemptionId) {
    let Some(redemption) = state.redemptions.get_shared(&id).cloned() else {
        return;
    };
    for application in redemption
        .applications
        .iter()
        .filter(|found| found.points > 0)
    {
        change(state, application.member_id, |ledger| {
            let taken = application.points.min(ledger.balance());
            ledger.clawed_back = ledger.clawed_back.saturating_add(taken);
        });
    }
}

/// Debits `points` spent by `member`.
pub(super) fn spend(state: &mut AccountState, member: MemberId, points: u64) {
    if points > 0 {
        change(state, member, |ledger| {
            let taken = points.min(ledger.balance());
            ledger.spent = ledger.spent.saturating_add(taken);
        });
    }
}

/// Credits `points` paid back to `member`.
pub(super) fn refund(state: &mut AccountState, member: MemberId, points: u64) {
    if points > 0 {
        change(state, member, |ledger| {
            ledger.refunded = ledger.refunded.saturating_add(points);
        });
    }
}

fn transferred(state: &mut AccountState, transfer: PointsTransfer) {
    if let Some(from) = transfer.from_member_id {
        change(state, from, |ledger| {
            let taken = transfer.points.min(ledger.balance());
            ledger.sent = ledger.sent.saturating_add(taken);
        });
    }
    change(state, transfer.to_member_id, |ledger| {
        ledger.received = ledger.received.saturating_add(transfer.points);
    });
    state
        .points_transfers
        .insert(transfer.txid.clone(), transfer);
}

fn change(state: &mut AccountState, member: MemberId, apply: impl FnOnce(&mut PointsLedger)) {
    let mut ledger = state.points.get(&member).copied().unwrap_or_default();
    apply(&mut ledger);
    state.points.insert(member, ledger);
}
