//! Decisions on impressions: record one through a live link; delete one (the read model says
//! whether it exists: impressions are not in the state).

use crate::error::{DomainError, DomainResult};
use crate::event::{EventKind, ImpressionRef};
use crate::ids::ImpressionId;
use crate::impression::{Impression, ImpressionFields};
use crate::state::AccountState;
use crate::validate::{existing, optional_text, required_text, MAX_TEXT};
use chrono::{DateTime, Utc};

/// Length of a cookie digest: hex of SHA-256.
const DIGEST_HEX: usize = 64;

pub(super) fn record(
    state: &AccountState,
    fields: &ImpressionFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let xid = required_text("Offer xid", fields.xid.as_deref(), MAX_TEXT)?;
    let (offer_id, channel_id) = state
        .links_by_xid
        .get(&xid)
        .copied()
        .ok_or(DomainError::NotFound { resource: "Offer" })?;
    let cookie_digest = required_text("Cookie", fields.cookie_digest.as_deref(), DIGEST_HEX)?;
    if cookie_digest.len() != DIGEST_HEX
        || !cookie_digest.bytes().all(|byte| byte.is_ascii_hexdigit())
    {
        return Err(DomainError::Invalid {
            field: "Cookie",
            reason: "must be a SHA-256 digest in hex".into(),
        });
    }
    if let Some(member) = fields.member_id {
        existing(&state.members, &member, "Member")?;
    }
    let creative = optional_text("Creative", fields.creative.as_deref(), MAX_TEXT)?;
    Ok(vec![EventKind::ImpressionRecorded(Impression {
        id: ImpressionId(state.next_id()),
        offer_id,
        channel_id,
        xid,
        cookie_digest,
        member_id: fields.member_id,
        creative,
        created_at: now,
    })])
}

pub(super) fn delete(impression_id: ImpressionId) -> DomainResult<Vec<EventKind>> {
    Ok(vec![EventKind::ImpressionDeleted(ImpressionRef {
        impression_id,
    })])
}
