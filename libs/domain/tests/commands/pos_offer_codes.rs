//! CreatePosOfferCode, UpdatePosOfferCode, DeletePosOfferCode: a code is required, clean,
//! bounded and unique in its account; a description is optional and an empty one clears it;
//! another account's codes are not found.

use domain::catalog::{PosOfferCode, PosOfferCodeFields};
use domain::event::PosOfferCodeRef;
use domain::ids::PosOfferCodeId;
use domain::validate::MAX_TEXT;
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::created;
use testkit::fixtures::scenario::{given, History};

fn create(code: Option<&str>, description: Option<&str>) -> Command {
    Command::CreatePosOfferCode {
        fields: PosOfferCodeFields {
            code: code.map(Into::into),
            description: description.map(Into::into),
        },
    }
}

/// The shop's history with code "SAVE10": the history and the code's id.
fn with_code() -> (History, PosOfferCodeId) {
    let (mut history, _) = History::shop(None);
    let id = PosOfferCodeId(created(
        &history.record(create(Some("SAVE10"), Some("Ten off"))),
    ));
    (history, id)
}

#[test]
fn a_code_is_created_changed_and_deleted() {
    let first = given(History::shop(None).0);
    let id = PosOfferCodeId(first.next_id());
    let now = first.now();
    first
        .when(create(Some(" SAVE10 "), Some("Ten off")))
        .then(vec![EventKind::PosOfferCodeCreated(PosOfferCode {
            id,
            code: "SAVE10".into(),
            description: Some("Ten off".into()),
            created_at: now,
            updated_at: now,
        })]);

    let (history, id) = with_code();
    let at = history.now();
    given(history.events().to_vec())
        .when(Command::UpdatePosOfferCode {
            pos_offer_code_id: id,
            fields: PosOfferCodeFields {
                code: None,
                description: Some(String::new()),
            },
        })
        .then(vec![EventKind::PosOfferCodeUpdated(PosOfferCode {
            id,
            code: "SAVE10".into(),
            description: None,
            created_at: at,
            updated_at: at,
        })]);
    given(history.events().to_vec())
        .when(Command::DeletePosOfferCode {
            pos_offer_code_id: id,
        })
        .then(vec![EventKind::PosOfferCodeDeleted(PosOfferCodeRef {
            pos_offer_code_id: id,
        })]);
}

#[test]
fn bad_or_taken_codes_are_refused() {
    let refused = |code: Option<&str>, error: DomainError| {
        let (history, _) = with_code();
        given(history.events().to_vec())
            .when(create(code, None))
            .then_error(error);
    };
    refused(None, DomainError::Blank { field: "Code" });
    refused(Some(" "), DomainError::Blank { field: "Code" });
    refused(
        Some(&"x".repeat(MAX_TEXT + 1)),
        DomainError::TooLong {
            field: "Code",
            max: MAX_TEXT,
        },
    );
    refused(
        Some("a\u{1}b"),
        DomainError::Invalid {
            field: "Code",
            reason: "must not contain control characters".into(),
        },
    );
    refused(Some(" SAVE10"), DomainError::Taken { field: "Code" });

    let (mut history, id) = with_code();
    let other = PosOfferCodeId(created(&history.record(create(Some("SAVE20"), None))));
    let rename = |target, code: &str| Command::UpdatePosOfferCode {
        pos_offer_code_id: target,
        fields: PosOfferCodeFields {
            code: Some(code.into()),
            description: None,
        },
    };
    given(history.events().to_vec())
        .when(rename(other, "SAVE10"))
        .then_error(DomainError::Taken { field: "Code" });
    let when = given(history.events().to_vec()).when(rename(id, "SAVE10"));
    assert!(when.decision().is_ok(), "its own code is not taken");
}

#[test]
fn another_accounts_codes_are_not_found() {
    let (_, id) = with_code();
    given(History::shop(None).0.events().to_vec())
        .when(Command::DeletePosOfferCode {
            pos_offer_code_id: id,
        })
        .then_error(DomainError::NotFound {
            resource: "Pos offer code",
        });
}
