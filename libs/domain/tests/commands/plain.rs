//! CreateCounter, UpdateCounter, DeleteCounter and the same three for occasions (Sparkfly's
//! events): a name is required on create and kept by an update without one; a counter's name
//! is an integer a JSON client reads exactly, an occasion's clean bounded text; another
//! account's records are not found.

use chrono::Duration;
use domain::catalog::{Counter, CounterFields, Occasion, OccasionFields};
use domain::event::{CounterRef, OccasionRef};
use domain::ids::{CounterId, OccasionId};
use domain::validate::{MAX_COUNTER_NAME, MAX_TEXT};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::created;
use testkit::fixtures::scenario::{given, History};

fn create_counter(name: Option<i64>) -> Command {
    Command::CreateCounter {
        fields: CounterFields { name },
    }
}

fn create_occasion(name: Option<&str>) -> Command {
    Command::CreateOccasion {
        fields: OccasionFields {
            name: name.map(Into::into),
        },
    }
}

#[test]
fn a_counter_is_created_changed_and_deleted() {
    let first = given(History::shop(None).0);
    let id = CounterId(first.next_id());
    let now = first.now();
    first
        .when(create_counter(Some(-7)))
        .then(vec![EventKind::CounterCreated(Counter {
            id,
            name: -7,
            created_at: now,
            updated_at: now,
        })]);

    let (mut history, _) = History::shop(None);
    let id = CounterId(created(&history.record(create_counter(Some(1)))));
    let created_at = history.now();
    let later = created_at + Duration::minutes(1);
    let update = |name| Command::UpdateCounter {
        counter_id: id,
        fields: CounterFields { name },
    };
    for (name, kept) in [(Some(42), 42), (None, 1)] {
        given(history.events().to_vec())
            .after(Duration::minutes(1))
            .when(update(name))
            .then(vec![EventKind::CounterUpdated(Counter {
                id,
                name: kept,
                created_at,
                updated_at: later,
            })]);
    }
    given(history.events().to_vec())
        .when(Command::DeleteCounter { counter_id: id })
        .then(vec![EventKind::CounterDeleted(CounterRef {
            counter_id: id,
        })]);
}

#[test]
fn a_counter_needs_a_name_a_client_reads_exactly() {
    let refused = |name, error: DomainError| {
        given(History::shop(None).0)
            .when(create_counter(name))
            .then_error(error);
    };
    refused(None, DomainError::Blank { field: "Name" });
    for name in [MAX_COUNTER_NAME + 1, -MAX_COUNTER_NAME - 1, i64::MIN] {
        refused(
            Some(name),
            DomainError::Invalid {
                field: "Name",
                reason: format!("must be between -{MAX_COUNTER_NAME} and {MAX_COUNTER_NAME}"),
            },
        );
    }
    for name in [MAX_COUNTER_NAME, -MAX_COUNTER_NAME, 0] {
        let when = given(History::shop(None).0).when(create_counter(Some(name)));
        assert!(when.decision().is_ok(), "{name} is a name");
    }
}

#[test]
fn an_occasion_is_created_changed_and_deleted() {
    let first = given(History::shop(None).0);
    let id = OccasionId(first.next_id());
    let now = first.now();
    first
        .when(create_occasion(Some(" Launch ")))
        .then(vec![EventKind::OccasionCreated(Occasion {
            id,
            name: "Launch".into(),
            created_at: now,
            updated_at: now,
        })]);

    let (mut history, _) = History::shop(None);
    let id = OccasionId(created(&history.record(create_occasion(Some("Launch")))));
    let created_at = history.now();
    for (name, kept) in [(Some("Relaunch"), "Relaunch"), (None, "Launch")] {
        given(history.events().to_vec())
            .when(Command::UpdateOccasion {
                occasion_id: id,
                fields: OccasionFields {
                    name: name.map(Into::into),
                },
            })
            .then(vec![EventKind::OccasionUpdated(Occasion {
                id,
                name: kept.into(),
                created_at,
                updated_at: created_at,
            })]);
    }
    given(history.events().to_vec())
        .when(Command::DeleteOccasion { occasion_id: id })
        .then(vec![EventKind::OccasionDeleted(OccasionRef {
            occasion_id: id,
        })]);
}

#[test]
fn an_occasion_needs_a_clean_bounded_name() {
    let refused = |name: Option<&str>, error: DomainError| {
        given(History::shop(None).0)
            .when(create_occasion(name))
            .then_error(error);
    };
    refused(None, DomainError::Blank { field: "Name" });
    refused(Some("  "), DomainError::Blank { field: "Name" });
    refused(
        Some(&"x".repeat(MAX_TEXT + 1)),
        DomainError::TooLong {
            field: "Name",
            max: MAX_TEXT,
        },
    );
    refused(
        Some("bad\u{0}name"),
        DomainError::Invalid {
            field: "Name",
            reason: "must not contain control characters".into(),
        },
    );
    let (mut history, _) = History::shop(None);
    let id = OccasionId(created(&history.record(create_occasion(Some("Launch")))));
    given(history.events().to_vec())
        .when(Command::UpdateOccasion {
            occasion_id: id,
            fields: OccasionFields {
                name: Some(String::new()),
            },
        })
        .then_error(DomainError::Blank { field: "Name" });
}

#[test]
fn another_accounts_records_are_not_found() {
    let (mut history, _) = History::shop(None);
    let counter = CounterId(created(&history.record(create_counter(Some(1)))));
    let occasion = OccasionId(created(&history.record(create_occasion(Some("Launch")))));
    let commands = [
        (
            Command::UpdateCounter {
                counter_id: counter,
                fields: CounterFields { name: Some(2) },
            },
            "Counter",
        ),
        (
            Command::DeleteCounter {
                counter_id: counter,
            },
            "Counter",
        ),
        (
            Command::DeleteOccasion {
                occasion_id: occasion,
            },
            "Event",
        ),
    ];
    for (command, resource) in commands {
        given(History::shop(None).0.events().to_vec())
            .when(command)
            .then_error(DomainError::NotFound { resource });
    }
}
