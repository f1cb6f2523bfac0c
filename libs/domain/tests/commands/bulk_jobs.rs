//! CreateBulkJob, AdvanceBulkJob and CancelBulkJob: a job issues to a member list's members in
//! steps (each a single issuance: unique codes, the offer's limits), keeps the refusals with
//! their reasons, finishes at the last member, can be cancelled while it runs; an account runs
//! at most ten at once.

use domain::bulk::{queries, BulkJobFields, BulkStatus, BulkTargets, JOB_ANNOTATION};
use domain::catalog::ListFields;
use domain::ids::{BulkJobId, MemberId, MemberListId};
use domain::{Command, DomainError, EventKind};
use std::collections::HashSet;
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_member, created, Shop};

/// The shop (its offer at most `max_redemptions` times) with a list of `size` new members:
/// the history, the shop and the list.
fn with_members(size: usize, max_redemptions: Option<u32>) -> (History, Shop, MemberListId) {
    let (mut history, shop) = History::shop(max_redemptions);
    let list = MemberListId(created(&history.record(Command::CreateMemberList {
        fields: ListFields {
            name: Some("Everyone".into()),
        },
    })));
    let members: Vec<MemberId> = (0..size)
        .map(|index| {
            MemberId(created(
                &history.record(create_member(&format!("bulk-{index}"))),
            ))
        })
        .collect();
    history.record(Command::AddMembersToList {
        member_list_id: list,
        member_ids: members,
    });
    (history, shop, list)
}

fn job(shop: &Shop, targets: BulkTargets) -> Command {
    Command::CreateBulkJob {
        fields: BulkJobFields {
            offer_id: shop.offer,
            channel_id: shop.channel,
            targets,
        },
    }
}

fn issued_codes(events: &[domain::Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::CredentialIssued(credential) => {
                credential.identifier.as_deref().map(str::to_owned)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_job_issues_to_a_list_in_steps_and_finishes_at_the_last_member() {
    let (mut history, shop, list) = with_members(25, None);
    let id = BulkJobId(created(
        &history.record(job(&shop, BulkTargets::MemberList(list))),
    ));
    let created_job = queries::job(history.state(), id).unwrap();
    assert_eq!(
        (created_job.total, created_job.status),
        (25, BulkStatus::Running)
    );
    let mut codes = Vec::new();
    for step in 1..=3 {
        let events = history.record(Command::AdvanceBulkJob { max: 10 });
        codes.extend(issued_codes(&events));
        let progress = queries::job(history.state(), id).unwrap();
        assert_eq!(progress.processed, (step * 10).min(25));
        let finished = events
            .iter()
            .any(|event| matches!(event.kind, EventKind::BulkJobFinished(_)));
        assert_eq!(finished, step == 3, "step {step}");
    }
    let done = queries::job(history.state(), id).unwrap();
    assert_eq!(
        (done.issued, done.failed, done.status),
        (25, 0, BulkStatus::Finished)
    );
    assert_eq!(
        codes.iter().collect::<HashSet<_>>().len(),
        25,
        "unique codes"
    );
    let issued = queries::issued(history.state(), id);
    assert_eq!(issued.len(), 25);
    assert!(issued
        .iter()
        .all(|credential| credential.annotations.contains_key(JOB_ANNOTATION)));
    given(history.events().to_vec())
        .when(Command::AdvanceBulkJob { max: 10 })
        .then_nothing();
    let replayed = domain::evolve::replay(history.events().to_vec());
    assert_eq!(&replayed, history.state(), "replay equals live state");
}

#[test]
fn refusals_are_counted_with_their_reasons() {
    let (mut history, shop, _) = with_members(0, None);
    let known = history.record(create_member("known"));
    let known = MemberId(created(&known));
    let id = BulkJobId(created(&history.record(job(
        &shop,
        BulkTargets::Identifiers(vec!["known".into(), "nobody".into(), " known ".into()]),
    ))));
    history.record(Command::AdvanceBulkJob { max: 100 });
    let done = queries::job(history.state(), id).unwrap();
    assert_eq!((done.processed, done.issued, done.failed), (3, 2, 1));
    assert_eq!(done.status, BulkStatus::Finished);
    assert_eq!(done.failures.len(), 1);
    assert_eq!(done.failures[0].position, 1);
    assert_eq!(done.failures[0].reason, "Member not found");
    let members: Vec<MemberId> = queries::issued(history.state(), id)
        .iter()
        .map(|credential| credential.member_id)
        .collect();
    assert_eq!(members, vec![known, known]);
}

#[test]
fn a_cancelled_job_stops_where_it_was() {
    let (mut history, shop, list) = with_members(30, None);
    let id = BulkJobId(created(
        &history.record(job(&shop, BulkTargets::MemberList(list))),
    ));
    history.record(Command::AdvanceBulkJob { max: 10 });
    history.record(Command::CancelBulkJob { bulk_job_id: id });
    given(history.events().to_vec())
        .when(Command::AdvanceBulkJob { max: 10 })
        .then_nothing();
    let cancelled = queries::job(history.state(), id).unwrap();
    assert_eq!(
        (cancelled.processed, cancelled.status),
        (10, BulkStatus::Cancelled)
    );
    given(history.events().to_vec())
        .when(Command::CancelBulkJob { bulk_job_id: id })
        .then_error(DomainError::WrongStatus {
            resource: "Bulk job",
            action: "cancelled",
            status: "cancelled".into(),
        });
}

#[test]
fn a_job_needs_a_linked_offer_targets_and_room() {
    let (mut history, shop, list) = with_members(1, None);
    given(history.events().to_vec())
        .when(job(&shop, BulkTargets::Identifiers(Vec::new())))
        .then_error(DomainError::Blank {
            field: "Identifiers",
        });
    given(history.events().to_vec())
        .when(job(&shop, BulkTargets::MemberList(MemberListId(9_999))))
        .then_error(DomainError::NotFound {
            resource: "Member list",
        });
    for _ in 0..10 {
        history.record(job(&shop, BulkTargets::MemberList(list)));
    }
    given(history.events().to_vec())
        .when(job(&shop, BulkTargets::MemberList(list)))
        .then_error(DomainError::Invalid {
            field: "Bulk job",
            reason: "cannot start: 10 jobs are running".into(),
        });
}
