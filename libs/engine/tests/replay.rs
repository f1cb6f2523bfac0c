//! Replay from JSON on decoder threads gives exactly the state of decoding and folding one by
//! one, whatever the number of decoders, and names the first bad event.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::account::AccountFields;
use domain::catalog::MemberFields;
use domain::ids::AccountId;
use domain::{decide, evolve, replay, AccountState, Command, Context, Event};
use engine::replay_json;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn stored_events(members: usize) -> Vec<String> {
    let mut state = AccountState::default();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut now = chrono::DateTime::from_timestamp(1_770_000_000, 0).unwrap();
    let mut stored = Vec::new();
    let mut commands = vec![Command::CreateAccount {
        account_id: AccountId(7),
        fields: AccountFields {
            name: Some("Replay".into()),
            ..Default::default()
        },
    }];
    commands.extend((0..members).map(|n| Command::CreateMember {
        fields: MemberFields {
            identifier: Some(format!("m{n}")),
            notification_mode: None,
        },
    }));
    for (n, command) in commands.iter().enumerate() {
        now += chrono::Duration::seconds(1);
        let key = format!("key-{n}");
        let mut context = Context::new(now, &mut rng);
        for event in decide(&state, command, Some(&key), &mut context)
            .unwrap()
            .into_new_events()
        {
            stored.push(serde_json::to_string(&event).unwrap());
            evolve(&mut state, event);
        }
    }
    stored
}

#[test]
fn decoder_threads_rebuild_the_same_state_as_a_fold() {
    let stored = stored_events(3_000);
    let folded = replay(
        stored
            .iter()
            .map(|line| serde_json::from_str::<Event>(line).unwrap()),
    );
    assert_eq!(folded.members().count(), 3_000);
    for decoders in [1, 2, 3, 8] {
        let replayed = replay_json(&stored, decoders).unwrap();
        assert!(replayed == folded, "{decoders} decoders");
    }
}

#[test]
fn an_empty_log_is_the_empty_state() {
    let empty: [&str; 0] = [];
    assert!(replay_json(&empty, 2).unwrap() == AccountState::default());
}

#[test]
fn the_first_bad_event_is_named() {
    let mut stored = stored_events(1_200);
    stored[700] = "{\"type\":\"member_created\",\"version\":1}".into();
    stored[1_100] = "not json".into();
    for decoders in [1, 2, 4] {
        let error = replay_json(&stored, decoders).unwrap_err();
        assert_eq!(error.position, 700, "{error}");
    }
}
