//! CreateSchedule, CancelSchedule and schedules falling due in ExpireDue: a schedule is set
//! for the future on an existing offer; at its time it fires with its action's events, or
//! fails with the action's refusal; it fires once (a fired schedule is no longer due), in the
//! order schedules fall due, each seeing what the ones before it did; a cancelled one never
//! fires.

use chrono::{DateTime, Duration, Utc};
use domain::event::{OfferRef, ScheduleFailure, ScheduleRef};
use domain::ids::{OfferId, ScheduleId};
use domain::offer::OfferStatus;
use domain::schedule::{
    queries, OfferWindow, Schedule, ScheduleFields, ScheduleStatus, ScheduledAction,
};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_dollar_off, created};

fn schedule(action: ScheduledAction, fires_at: DateTime<Utc>) -> Command {
    Command::CreateSchedule {
        fields: ScheduleFields { action, fires_at },
    }
}

/// The shop with a second offer, still pending: the history and that offer.
fn pending_offer() -> (History, OfferId) {
    let (mut history, _) = History::shop(None);
    let offer = OfferId(created(&history.record(create_dollar_off("Later", None))));
    (history, offer)
}

fn approve(offer_id: OfferId) -> ScheduledAction {
    ScheduledAction::ApproveOffer { offer_id }
}

#[test]
fn a_schedule_is_set_pending_and_fires_at_its_time_with_its_action() {
    let (history, offer) = pending_offer();
    let now = history.now();
    let fires_at = now + Duration::minutes(5);
    let first = given(history.events().to_vec());
    let id = ScheduleId(first.next_id());
    first
        .when(schedule(approve(offer), fires_at))
        .then(vec![EventKind::ScheduleCreated(Schedule {
            id,
            action: approve(offer),
            fires_at,
            status: ScheduleStatus::Pending,
            settled_at: None,
            failure: None,
            created_at: now,
        })]);
    let mut history = history;
    history.record(schedule(approve(offer), fires_at));
    given(history.events().to_vec())
        .after(Duration::minutes(5) - Duration::milliseconds(1))
        .when(Command::ExpireDue)
        .then_nothing();
    given(history.events().to_vec())
        .after(Duration::minutes(5))
        .when(Command::ExpireDue)
        .then(vec![
            EventKind::ScheduleFired(ScheduleRef { schedule_id: id }),
            EventKind::OfferApproved(OfferRef { offer_id: offer }),
        ]);
    assert_eq!(
        history.state().next_expiry(),
        Some(fires_at),
        "the account is due when the schedule is"
    );
    history.advance(Duration::minutes(6));
    history.record(Command::ExpireDue);
    let state = history.state();
    let fired = queries::schedule(state, id).unwrap();
    assert_eq!(fired.status, ScheduleStatus::Fired);
    assert_eq!(fired.settled_at, Some(history.now()));
    assert_eq!(state.offer(offer).unwrap().status, OfferStatus::Approved);
    assert_eq!(
        state.next_expiry(),
        None,
        "a fired schedule is not due again"
    );
    given(history.events().to_vec())
        .after(Duration::days(1))
        .when(Command::ExpireDue)
        .then_nothing();
}

#[test]
fn schedules_due_together_fire_in_order_each_seeing_the_last() {
    let (mut history, offer) = pending_offer();
    let now = history.now();
    let approve_id = ScheduleId(created(
        &history.record(schedule(approve(offer), now + Duration::minutes(2))),
    ));
    let stop_id = ScheduleId(created(&history.record(schedule(
        ScheduledAction::StopOffer { offer_id: offer },
        now + Duration::minutes(1),
    ))));
    given(history.events().to_vec())
        .after(Duration::minutes(3))
        .when(Command::ExpireDue)
        .then(vec![
            EventKind::ScheduleFired(ScheduleRef {
                schedule_id: stop_id,
            }),
            EventKind::OfferStopped(OfferRef { offer_id: offer }),
            EventKind::ScheduleFailed(ScheduleFailure {
                schedule_id: approve_id,
                reason: "Offer cannot be approved while stopped".into(),
            }),
        ]);
}

#[test]
fn an_action_refused_at_its_time_fails_with_the_reason() {
    let (mut history, offer) = pending_offer();
    let now = history.now();
    let id = ScheduleId(created(
        &history.record(schedule(approve(offer), now + Duration::minutes(1))),
    ));
    history.record(Command::StopOffer { offer_id: offer });
    given(history.events().to_vec())
        .after(Duration::minutes(1))
        .when(Command::ExpireDue)
        .then(vec![EventKind::ScheduleFailed(ScheduleFailure {
            schedule_id: id,
            reason: "Offer cannot be approved while stopped".into(),
        })]);
    history.advance(Duration::minutes(1));
    history.record(Command::ExpireDue);
    let failed = queries::schedule(history.state(), id).unwrap();
    assert_eq!(failed.status, ScheduleStatus::Failed);
    assert_eq!(
        failed.failure.as_deref(),
        Some("Offer cannot be approved while stopped")
    );
}

#[test]
fn a_window_change_replaces_the_times_it_gives() {
    let (mut history, offer) = pending_offer();
    let now = history.now();
    let expires_at = now + Duration::days(30);
    let window = OfferWindow {
        expires_at: Some(expires_at),
        ..OfferWindow::default()
    };
    history.record(schedule(
        ScheduledAction::ChangeOfferWindow {
            offer_id: offer,
            window,
        },
        now + Duration::hours(1),
    ));
    history.advance(Duration::hours(1));
    history.record(Command::ExpireDue);
    let changed = history.state().offer(offer).unwrap();
    assert_eq!(changed.expires_at, Some(expires_at));
    assert_eq!(changed.status, OfferStatus::Pending);
}

#[test]
fn a_cancelled_schedule_never_fires_and_cannot_be_cancelled_again() {
    let (mut history, offer) = pending_offer();
    let now = history.now();
    let id = ScheduleId(created(
        &history.record(schedule(approve(offer), now + Duration::minutes(1))),
    ));
    given(history.events().to_vec())
        .when(Command::CancelSchedule { schedule_id: id })
        .then(vec![EventKind::ScheduleCancelled(ScheduleRef {
            schedule_id: id,
        })]);
    history.record(Command::CancelSchedule { schedule_id: id });
    assert_eq!(history.state().next_expiry(), None);
    given(history.events().to_vec())
        .after(Duration::minutes(2))
        .when(Command::ExpireDue)
        .then_nothing();
    given(history.events().to_vec())
        .when(Command::CancelSchedule { schedule_id: id })
        .then_error(DomainError::WrongStatus {
            resource: "Schedule",
            action: "cancelled",
            status: "cancelled".into(),
        });
    given(history.events().to_vec())
        .when(Command::CancelSchedule {
            schedule_id: ScheduleId(9_999),
        })
        .then_error(DomainError::NotFound {
            resource: "Schedule",
        });
    let listed = queries::listed(history.state(), Some(ScheduleStatus::Cancelled), None);
    assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), vec![id]);
}

#[test]
fn a_schedule_needs_a_future_time_an_offer_and_an_upright_window() {
    let (history, offer) = pending_offer();
    let now = history.now();
    let refused = |command: Command, error: DomainError| {
        given(history.events().to_vec())
            .when(command)
            .then_error(error);
    };
    let invalid = |field, reason: &str| DomainError::Invalid {
        field,
        reason: reason.into(),
    };
    refused(
        schedule(approve(offer), now),
        invalid("Fires at", "must be in the future"),
    );
    refused(
        schedule(approve(offer), now + Duration::days(5 * 366 + 1)),
        invalid("Fires at", "must be within 5 years"),
    );
    refused(
        schedule(approve(OfferId(9_999)), now + Duration::minutes(1)),
        DomainError::NotFound { resource: "Offer" },
    );
    let window = |window| ScheduledAction::ChangeOfferWindow {
        offer_id: offer,
        window,
    };
    refused(
        schedule(window(OfferWindow::default()), now + Duration::minutes(1)),
        DomainError::Blank { field: "Window" },
    );
    refused(
        schedule(
            window(OfferWindow {
                activates_at: Some(now + Duration::days(2)),
                expires_at: Some(now + Duration::days(1)),
                stop_offering_at: None,
            }),
            now + Duration::minutes(1),
        ),
        invalid("Expires at", "must be after activates at"),
    );
}

#[test]
fn an_account_has_at_most_a_thousand_pending_schedules() {
    let (mut history, offer) = pending_offer();
    let now = history.now();
    for minutes in 1..=1_000 {
        history.record(schedule(approve(offer), now + Duration::minutes(minutes)));
    }
    given(history.events().to_vec())
        .when(schedule(approve(offer), now + Duration::minutes(1)))
        .then_error(DomainError::Invalid {
            field: "Schedule",
            reason: "cannot be set: the account has the most pending schedules it may have".into(),
        });
}

#[test]
fn a_scheduled_bulk_job_starts_at_its_time() {
    use domain::bulk::{queries as bulk, BulkJobFields, BulkStatus, BulkTargets};
    let (mut history, shop) = History::shop(None);
    let now = history.now();
    let job = BulkJobFields {
        offer_id: shop.offer,
        channel_id: shop.channel,
        targets: BulkTargets::Identifiers(vec!["nobody".into()]),
    };
    let action = ScheduledAction::StartBulkJob { job: job.clone() };
    let id = ScheduleId(created(
        &history.record(schedule(action, now + Duration::minutes(1))),
    ));
    let unlinked = BulkJobFields {
        channel_id: domain::ids::ChannelId(9_999),
        ..job
    };
    given(history.events().to_vec())
        .when(schedule(
            ScheduledAction::StartBulkJob { job: unlinked },
            now + Duration::minutes(1),
        ))
        .then_error(DomainError::NotFound {
            resource: "Channel",
        });
    history.advance(Duration::minutes(1));
    history.record(Command::ExpireDue);
    assert_eq!(
        queries::schedule(history.state(), id).unwrap().status,
        ScheduleStatus::Fired
    );
    let jobs = bulk::jobs(history.state());
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].status, BulkStatus::Running);
}
