//! Decisions on points: transfers to a member, from another member or granted by the account,
//! under a client's `txid`.

use crate::error::{DomainError, DomainResult};
use crate::event::EventKind;
use crate::ids::{ChannelId, MemberId};
use crate::points::queries::{ledger, transfer};
use crate::points::{PointsTransfer, MAX_TRANSFER, MAX_TXID};
use crate::state::AccountState;
use crate::validate::{required_text, MAX_TEXT};
use chrono::{DateTime, Utc};

/// What a transfer asks, as the command gives it.
pub(super) struct TransferAsked<'c> {
    pub(super) to_identifier: &'c str,
    pub(super) from_identifier: Option<&'c str>,
    pub(super) channel_id: Option<ChannelId>,
    pub(super) points: i64,
    pub(super) txid: &'c str,
}

pub(super) fn transfer_points(
    state: &AccountState,
    asked: &TransferAsked<'_>,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let txid = required_text("Txid", Some(asked.txid), MAX_TXID)?;
    let to_member_id = member_by_identifier(state, asked.to_identifier)?;
    asked
        .channel_id
        .filter(|id| state.channels.contains_key(id))
        .ok_or(DomainError::ChannelRequired)?;
    let points = u64::try_from(asked.points)
        .ok()
        .filter(|points| (1..=MAX_TRANSFER).contains(points))
        .ok_or_else(|| DomainError::Invalid {
            field: "Points",
            reason: format!("must be a whole number between 1 and {MAX_TRANSFER}"),
        })?;
    let from_member_id = asked
        .from_identifier
        .map(|identifier| member_by_identifier(state, identifier))
        .transpose()?;
    if from_member_id == Some(to_member_id) {
        return Err(DomainError::Invalid {
            field: "From identifier",
            reason: "must name another member".into(),
        });
    }
    if let Some(earlier) = transfer(state, &txid) {
        let same = earlier.to_member_id == to_member_id
            && earlier.from_member_id == from_member_id
            && earlier.points == points;
        return if same {
            Ok(Vec::new())
        } else {
            Err(DomainError::Taken { field: "Txid" })
        };
    }
    if let Some(from) = from_member_id {
        let balance = ledger(state, from).balance();
        if points > balance {
            return Err(DomainError::PointsShort {
                needed: points,
                balance,
            });
        }
    }
    Ok(vec![EventKind::PointsTransferred(PointsTransfer {
        txid,
        to_member_id,
        from_member_id,
        points,
        created_at: now,
    })])
}

fn member_by_identifier(state: &AccountState, identifier: &str) -> DomainResult<MemberId> {
    let identifier = required_text("Identifier", Some(identifier), MAX_TEXT)?;
    state
        .member_ids_by_identifier
        .get(identifier.as_str())
        .copied()
        .ok_or(DomainError::NotFound { resource: "Member" })
}
