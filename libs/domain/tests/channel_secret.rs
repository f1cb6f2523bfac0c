//! A channel's HMAC secret: drawn when `allow_hmac` is first turned on, kept when it is turned
//! off, replaced on request; and version 1 channel events (without one) still read back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::channel::{Channel, ChannelFields};
use domain::ids::ChannelId;
use domain::{Command, Event};
use support::Account;

fn secret(account: &Account, channel: ChannelId) -> Option<String> {
    account.state.channel(channel).unwrap().hmac_secret.clone()
}

fn update(account: &mut Account, channel: ChannelId, fields: ChannelFields) {
    account.ok(Command::UpdateChannel {
        channel_id: channel,
        fields,
    });
}

#[test]
fn a_channel_without_hmac_has_no_secret() {
    let mut account = Account::new();
    let channel = account.named_channel("Email");
    assert_eq!(secret(&account, channel), None);
}

#[test]
fn turning_hmac_on_draws_a_secret_that_stays_until_rotated() {
    let mut account = Account::new();
    let channel = account.channel(ChannelFields {
        name: Some("App".into()),
        allow_hmac: Some(true),
        ..Default::default()
    });
    let first = secret(&account, channel).unwrap();
    assert_eq!(first.len(), 64);
    assert!(first.bytes().all(|byte| byte.is_ascii_hexdigit()));

    update(
        &mut account,
        channel,
        ChannelFields {
            name: Some("App 2".into()),
            ..Default::default()
        },
    );
    assert_eq!(secret(&account, channel).as_ref(), Some(&first));
    update(
        &mut account,
        channel,
        ChannelFields {
            allow_hmac: Some(false),
            ..Default::default()
        },
    );
    assert_eq!(secret(&account, channel).as_ref(), Some(&first));

    update(
        &mut account,
        channel,
        ChannelFields {
            rotate_hmac_secret: true,
            ..Default::default()
        },
    );
    let rotated = secret(&account, channel).unwrap();
    assert_ne!(rotated, first);
    assert_eq!(rotated.len(), 64);
}

#[test]
fn a_version_1_channel_event_reads_back_without_a_secret() {
    let stored = r#"{"type":"channel_created","version":1,"occurred_at":"2026-03-02T15:00:00Z",
        "data":{"id":5,"name":"Email","allow_sms_keyword":false,"allow_hmac":true,
        "conversion_callback_url":"https://partner.example/cb","code_format":{"type":"secure"},
        "created_at":"2026-03-02T15:00:00Z","updated_at":"2026-03-02T15:00:00Z"}}"#;
    let event: Event = serde_json::from_str(stored).unwrap();
    let domain::EventKind::ChannelCreated(channel) = event.kind else {
        panic!("not a channel: {event:?}");
    };
    let channel: Channel = channel;
    assert_eq!(channel.id, ChannelId(5));
    assert!(channel.allow_hmac);
    assert_eq!(channel.hmac_secret, None);
    let written = serde_json::to_value(&Event {
        kind: domain::EventKind::ChannelCreated(channel),
        ..event
    })
    .unwrap();
    assert_eq!(written["version"], 2);
}
