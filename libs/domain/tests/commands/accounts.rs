//! CreateAccount and UpdateAccount: an account is created once, with default settings for
//! what is not given, and changes only the settings a command names.

use chrono::Duration;
use domain::account::{Account, AccountFields};
use domain::ids::AccountId;
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::create_account;
use testkit::fixtures::scenario::{given, start, History, ACCOUNT};

#[test]
fn creating_an_account_records_it_with_default_settings() {
    given([])
        .when(create_account(AccountId(9), "Q Burger"))
        .then(vec![EventKind::AccountCreated(Account {
            id: AccountId(9),
            name: "Q Burger".into(),
            time_zone: "UTC".into(),
            currency: "USD".into(),
            enable_callbacks: false,
            credential_callback_url: None,
            max_offers_per_basket: None,
            created_at: start(),
            updated_at: start(),
        })]);
}

#[test]
fn an_account_is_created_only_once() {
    given(History::shop(None).0)
        .when(create_account(ACCOUNT, "Q Burger again"))
        .then_error(DomainError::AccountExists);
}

#[test]
fn updating_an_account_changes_only_the_settings_named() {
    let given = given(History::shop(None).0).after(Duration::hours(1));
    let account = given.state().account().cloned().unwrap();
    let now = given.now();
    given
        .when(Command::UpdateAccount {
            fields: AccountFields {
                time_zone: Some("Europe/Paris".into()),
                currency: Some("EUR".into()),
                ..Default::default()
            },
        })
        .then(vec![EventKind::AccountUpdated(Account {
            time_zone: "Europe/Paris".into(),
            currency: "EUR".into(),
            updated_at: now,
            ..account
        })]);
}

#[test]
fn an_unknown_time_zone_is_refused() {
    given(History::shop(None).0)
        .when(Command::UpdateAccount {
            fields: AccountFields {
                time_zone: Some("Mars/Olympus_Mons".into()),
                ..Default::default()
            },
        })
        .then_error(DomainError::Invalid {
            field: "Time zone",
            reason: "is not a known IANA time zone".into(),
        });
}

#[test]
fn an_account_that_does_not_exist_cannot_be_updated() {
    given([])
        .when(Command::UpdateAccount {
            fields: AccountFields::default(),
        })
        .then_error(DomainError::AccountNotFound);
}
