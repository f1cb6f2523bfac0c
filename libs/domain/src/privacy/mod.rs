//! Personal data and its erasure. The only personal field the model holds is a member's
//! `identifier` (the account's own id for a person); events carry it in `member_created` and
//! `member_updated`. An offer's passbook certificate and password are sealed the same way,
//! under keys of the account's own ([`ACCOUNT_SECRETS`]). Where it is stored, it is sealed under a key of the member's (see the
//! `privacy` crate); this module names, for any event, the personal text it carries and the
//! member whose keys it destroys, so the sealing and the shredding need not know event types.
//!
//! An erasure is asked for (`member_erasure_requested`: the member's wallet is voided at once)
//! and happens [`ERASURE_GRACE`] later, recorded by the partition's writer by itself
//! (`member_erased`), as the reference describes. A deleted member's keys are destroyed too:
//! once deleted, it can never be looked up, so nothing could ask for its erasure later.

pub mod queries;

use crate::event::{EventKind, MemberRef};
use crate::ids::MemberId;
use chrono::TimeDelta;

/// How long after an erasure request the member is erased (the reference's 7 days).
pub const ERASURE_GRACE: TimeDelta = TimeDelta::days(7);

/// What every sealed text starts with; no identifier may (it would read as sealed).
pub const SEALED_PREFIX: &str = "sealed:";

/// The owner of the keys of the account's own secrets (no member has id 0): an offer's
/// passbook certificate and its password are sealed under them.
pub const ACCOUNT_SECRETS: MemberId = MemberId(0);

/// Every text `kind` carries that the log must hold sealed, each with the owner of its key:
/// a member's identifier (the member) and an offer's passbook secrets
/// ([`ACCOUNT_SECRETS`]).
pub fn sealed_texts_mut(kind: &mut EventKind) -> Vec<(MemberId, &mut String)> {
    match kind {
        EventKind::PassbookConfigured(configuration) => configuration
            .secrets_mut()
            .map(|secret| (ACCOUNT_SECRETS, secret))
            .collect(),
        EventKind::MemberCreated(_) | EventKind::MemberUpdated(_) => {
            personal_text_mut(kind).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// Whether `kind` is of a type [`sealed_texts_mut`] may name texts of: the writer copies an
/// event to seal it only then, so every other event (a redemption, say) is written as it is.
pub fn carries_sealed_texts(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::PassbookConfigured(_)
            | EventKind::MemberCreated(_)
            | EventKind::MemberUpdated(_)
    )
}

/// The personal text `kind` carries, with the member it belongs to.
pub fn personal_text(kind: &EventKind) -> Option<(MemberId, &str)> {
    match kind {
        EventKind::MemberCreated(member) | EventKind::MemberUpdated(member) => {
            Some((member.id, &member.identifier))
        }
        _ => None,
    }
}

/// The personal text `kind` carries, to seal or open in place, with its member.
pub fn personal_text_mut(kind: &mut EventKind) -> Option<(MemberId, &mut String)> {
    match kind {
        EventKind::MemberCreated(member) | EventKind::MemberUpdated(member) => {
            Some((member.id, &mut member.identifier))
        }
        _ => None,
    }
}

/// The member whose keys are destroyed once `kind` is durable: an erased or deleted one.
pub fn shredded_member(kind: &EventKind) -> Option<MemberId> {
    match kind {
        EventKind::MemberErased(MemberRef { member_id })
        | EventKind::MemberDeleted(MemberRef { member_id }) => Some(*member_id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Member;
    use chrono::DateTime;

    fn member(id: u64) -> Member {
        let at = DateTime::from_timestamp(1_770_000_000, 0).unwrap_or_default();
        Member {
            id: MemberId(id),
            identifier: "ann@example.com".into(),
            notification_mode: "app".into(),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn member_events_carry_the_identifier_and_nothing_else_does() {
        let mut created = EventKind::MemberCreated(member(4));
        assert_eq!(
            personal_text(&created),
            Some((MemberId(4), "ann@example.com"))
        );
        if let Some((_, text)) = personal_text_mut(&mut created) {
            *text = "sealed:x".into();
        }
        assert_eq!(personal_text(&created), Some((MemberId(4), "sealed:x")));
        let deleted = EventKind::MemberDeleted(MemberRef {
            member_id: MemberId(4),
        });
        assert_eq!(personal_text(&deleted), None);
        assert_eq!(shredded_member(&deleted), Some(MemberId(4)));
        assert_eq!(shredded_member(&created), None);
    }
}
