//! CreateChannel, UpdateChannel and DeleteChannel: a channel makes secure codes unless told
//! otherwise, draws an HMAC secret when HMAC is on, needs a short lifetime for numeric codes,
//! and cannot be deleted while offers run on it.

use chrono::Duration;
use domain::channel::{Channel, ChannelFields, CodeFormat};
use domain::event::ChannelRef;
use domain::ids::ChannelId;
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_channel, created};

#[test]
fn a_new_channel_makes_secure_codes_and_has_no_secret() {
    let given = given(History::shop(None).0);
    let id = ChannelId(given.next_id());
    let now = given.now();
    given
        .when(create_channel("Web"))
        .then(vec![EventKind::ChannelCreated(Channel {
            id,
            name: "Web".into(),
            allow_sms_keyword: false,
            allow_hmac: false,
            conversion_callback_url: None,
            hmac_secret: None,
            code_format: CodeFormat::Secure,
            code_lifetime: None,
            created_at: now,
            updated_at: now,
        })]);
}

#[test]
fn a_channel_with_hmac_draws_a_secret() {
    let given = given(History::shop(None).0);
    let id = ChannelId(given.next_id());
    let now = given.now();
    let when = given.when(Command::CreateChannel {
        fields: ChannelFields {
            name: Some("Partner".into()),
            allow_hmac: Some(true),
            ..Default::default()
        },
    });
    let EventKind::ChannelCreated(drawn) = &when.emitted()[0].kind else {
        panic!("no channel in {:?}", when.emitted())
    };
    let secret = drawn.hmac_secret.clone().unwrap_or_default();
    assert_eq!(secret.len(), 64, "{secret}");
    assert!(
        secret.bytes().all(|byte| byte.is_ascii_hexdigit()),
        "{secret}"
    );
    when.then(vec![EventKind::ChannelCreated(Channel {
        id,
        name: "Partner".into(),
        allow_sms_keyword: false,
        allow_hmac: true,
        conversion_callback_url: None,
        hmac_secret: Some(secret),
        code_format: CodeFormat::Secure,
        code_lifetime: None,
        created_at: now,
        updated_at: now,
    })]);
}

#[test]
fn numeric_codes_without_a_lifetime_are_refused() {
    given(History::shop(None).0)
        .when(Command::CreateChannel {
            fields: ChannelFields {
                name: Some("Kiosk".into()),
                code_format: Some(CodeFormat::Numeric { digits: 6 }),
                ..Default::default()
            },
        })
        .then_error(DomainError::Invalid {
            field: "Code lifetime",
            reason: "is required with numeric codes and must be at most 3600 seconds".into(),
        });
}

#[test]
fn an_update_sets_the_callback_url() {
    let (history, shop) = History::shop(None);
    let given = given(history).after(Duration::minutes(5));
    let channel = given.state().channel(shop.channel).unwrap().clone();
    let now = given.now();
    let url = "https://partner.example/conv?c=%{credential_id}";
    given
        .when(Command::UpdateChannel {
            channel_id: shop.channel,
            fields: ChannelFields {
                conversion_callback_url: Some(url.into()),
                ..Default::default()
            },
        })
        .then(vec![EventKind::ChannelUpdated(Channel {
            conversion_callback_url: Some(url.into()),
            updated_at: now,
            ..channel
        })]);
}

#[test]
fn a_callback_url_that_is_not_http_is_refused() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::UpdateChannel {
            channel_id: shop.channel,
            fields: ChannelFields {
                conversion_callback_url: Some("ftp://partner.example/".into()),
                ..Default::default()
            },
        })
        .then_error(DomainError::Invalid {
            field: "Conversion callback url",
            reason: "must be an http or https url".into(),
        });
}

#[test]
fn a_channel_no_offer_runs_on_can_be_deleted() {
    let (mut history, _) = History::shop(None);
    let web = ChannelId(created(&history.record(create_channel("Web"))));
    given(history)
        .when(Command::DeleteChannel { channel_id: web })
        .then(vec![EventKind::ChannelDeleted(ChannelRef {
            channel_id: web,
        })]);
}

#[test]
fn a_channel_an_offer_runs_on_cannot_be_deleted() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::DeleteChannel {
            channel_id: shop.channel,
        })
        .then_error(DomainError::WrongStatus {
            resource: "Channel",
            action: "deleted",
            status: "offers run on it".into(),
        });
}
