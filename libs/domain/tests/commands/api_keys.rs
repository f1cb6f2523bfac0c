//! IssueApiKey, RotateApiKey and RevokeApiKey: a key is issued under an identity unique in the
//! account with its roles sorted, rotated with a bounded grace period for the old key, and
//! revoked once.

use chrono::Duration;
use domain::account::{ApiKey, Role};
use domain::event::{ApiKeyRef, ApiKeyRotated};
use domain::ids::ApiKeyId;
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::created;
use testkit::fixtures::scenario::{given, History};

/// Seconds in a week: the longest grace period.
const WEEK: u32 = 7 * 24 * 3_600;

fn issue_key(identity: &str, roles: &[Role]) -> Command {
    Command::IssueApiKey {
        identity: identity.into(),
        key_hash: "hash-1".into(),
        roles: roles.to_vec(),
    }
}

/// The shop's history with key "pos-1" issued: the history and the key's id.
fn with_key() -> (History, ApiKeyId) {
    let (mut history, _) = History::shop(None);
    let key = ApiKeyId(created(&history.record(issue_key("pos-1", &[Role::Pos]))));
    (history, key)
}

#[test]
fn an_issued_key_has_its_roles_sorted_and_once() {
    let given = given(History::shop(None).0);
    let id = ApiKeyId(given.next_id());
    let now = given.now();
    given
        .when(issue_key("pos-1", &[Role::Pos, Role::Admin, Role::Pos]))
        .then(vec![EventKind::ApiKeyIssued(ApiKey {
            id,
            identity: "pos-1".into(),
            key_hash: "hash-1".into(),
            roles: vec![Role::Admin, Role::Pos],
            previous_key_hash: None,
            previous_valid_until: None,
            revoked_at: None,
            created_at: now,
        })]);
}

#[test]
fn an_identity_already_issued_is_refused() {
    given(with_key().0)
        .when(issue_key("pos-1", &[Role::Admin]))
        .then_error(DomainError::Taken { field: "Identity" });
}

#[test]
fn a_key_without_roles_is_refused() {
    given(History::shop(None).0)
        .when(issue_key("pos-2", &[]))
        .then_error(DomainError::Blank { field: "Roles" });
}

#[test]
fn rotating_a_key_keeps_the_old_one_for_the_grace_period() {
    let (history, key) = with_key();
    let given = given(history);
    let now = given.now();
    given
        .when(Command::RotateApiKey {
            api_key_id: key,
            key_hash: "hash-2".into(),
            grace_seconds: 3_600,
        })
        .then(vec![EventKind::ApiKeyRotated(ApiKeyRotated {
            api_key_id: key,
            key_hash: "hash-2".into(),
            previous_key_hash: "hash-1".into(),
            previous_valid_until: now + Duration::hours(1),
        })]);
}

#[test]
fn a_grace_period_over_a_week_is_refused() {
    let (history, key) = with_key();
    given(history)
        .when(Command::RotateApiKey {
            api_key_id: key,
            key_hash: "hash-2".into(),
            grace_seconds: WEEK + 1,
        })
        .then_error(DomainError::Invalid {
            field: "Grace seconds",
            reason: "must be at most 604800".into(),
        });
}

#[test]
fn a_revoked_key_cannot_be_rotated() {
    let (mut history, key) = with_key();
    history.record(Command::RevokeApiKey { api_key_id: key });
    given(history)
        .when(Command::RotateApiKey {
            api_key_id: key,
            key_hash: "hash-2".into(),
            grace_seconds: 0,
        })
        .then_error(DomainError::WrongStatus {
            resource: "API key",
            action: "rotated",
            status: "revoked".into(),
        });
}

#[test]
fn revoking_a_key_records_it_once() {
    let (history, key) = with_key();
    given(history.clone())
        .when(Command::RevokeApiKey { api_key_id: key })
        .then(vec![EventKind::ApiKeyRevoked(ApiKeyRef {
            api_key_id: key,
        })]);

    let mut revoked = history;
    revoked.record(Command::RevokeApiKey { api_key_id: key });
    given(revoked)
        .when(Command::RevokeApiKey { api_key_id: key })
        .then_nothing();
}

#[test]
fn an_unknown_key_cannot_be_revoked() {
    given(History::shop(None).0)
        .when(Command::RevokeApiKey {
            api_key_id: ApiKeyId(999),
        })
        .then_error(DomainError::NotFound {
            resource: "API key",
        });
}
