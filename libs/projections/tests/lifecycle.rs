//! Every status move a read needs, checked against the engine's own state: after reserving,
//! confirming, cancelling, voiding, reversing, updating and deleting, each projected row equals
//! the entity the engine holds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use domain::catalog::MemberFields;
use domain::ids::{CredentialId, RedemptionId};
use domain::Command;
use projections::PageRequest;
use support::{created, redeem, seed, Backend, Setup, ACCOUNT};

async fn projected_rows_match_the_engine_state(backend: Backend) {
    let setup = Setup::new(backend).await;
    let seeded = seed(&setup).await;
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(
            setup
                .credential(seeded.member, seeded.channel, seeded.offer)
                .await,
        );
    }
    let reserve = |code: &str| Command::Reserve {
        request: match redeem(seeded.store, code) {
            Command::Redeem { request } => request,
            _ => unreachable!(),
        },
        ttl_seconds: 300,
    };
    let confirmed = RedemptionId(created(&setup.ok(reserve(&codes[0].1)).await));
    setup
        .ok(Command::ConfirmReservation {
            redemption_id: confirmed,
        })
        .await;
    let cancelled = RedemptionId(created(&setup.ok(reserve(&codes[1].1)).await));
    setup
        .ok(Command::CancelReservation {
            redemption_id: cancelled,
        })
        .await;
    let voided = RedemptionId(setup.redeem(seeded.store, &codes[2].1).await);
    setup
        .ok(Command::VoidRedemption {
            redemption_id: voided,
        })
        .await;
    let reversed = RedemptionId(setup.redeem(seeded.store, &codes[3].1).await);
    setup
        .ok(Command::ReverseRedemption {
            redemption_id: reversed,
        })
        .await;
    setup
        .ok(Command::VoidCredential {
            credential_id: CredentialId(codes[4].0),
        })
        .await;
    setup
        .ok(Command::UpdateMember {
            member_id: seeded.member,
            fields: MemberFields {
                identifier: Some("alice-2".into()),
                notification_mode: None,
            },
        })
        .await;
    let gone = setup.member("bob").await;
    setup.ok(Command::DeleteMember { member_id: gone }).await;
    setup
        .ok(Command::StopOffer {
            offer_id: seeded.offer,
        })
        .await;

    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();
    let state = setup.actor.account_state(ACCOUNT).await.unwrap().unwrap();

    let members = store
        .members(ACCOUNT, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(members.total_entries, state.members().count() as u64);
    for member in state.members() {
        assert_eq!(
            store.member(ACCOUNT, member.id).await.unwrap().as_ref(),
            Some(member)
        );
    }
    assert!(store.member(ACCOUNT, gone).await.unwrap().is_none());
    assert!(store
        .member_by_identifier(ACCOUNT, "alice-2")
        .await
        .unwrap()
        .is_some());

    for offer in state.offers() {
        let row = store.offer(ACCOUNT, offer.id).await.unwrap().unwrap();
        assert_eq!(&row.offer, offer);
        let links: Vec<_> = state.offer_links(offer.id).cloned().collect();
        assert_eq!(row.channels, links);
    }

    let credentials = store
        .credentials(ACCOUNT, Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        credentials.total_entries,
        state.credentials().count() as u64
    );
    for credential in state.credentials() {
        assert_eq!(
            store
                .credential(ACCOUNT, credential.id)
                .await
                .unwrap()
                .as_ref(),
            Some(credential),
            "credential {}",
            credential.id.0
        );
    }

    let redemptions = store
        .redemptions(ACCOUNT, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        redemptions.total_entries,
        state.redemptions().count() as u64
    );
    for redemption in state.redemptions() {
        let row = store
            .redemption(ACCOUNT, redemption.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.status, redemption.status,
            "redemption {}",
            redemption.id.0
        );
        assert_eq!(row.store_id, redemption.store_id);
        assert_eq!(row.credential_ids, redemption.credential_ids);
        assert_eq!(row.expires_at, redemption.expires_at);
        assert_eq!(row.created_at, redemption.created_at);
        assert_eq!(row.updated_at, redemption.updated_at);
    }
}

/// Two members trade identifiers (through a third name) within one batch: the rows are written
/// back at the batch's end, and the unique index on identifiers must not see both at once.
async fn identifiers_traded_within_a_batch_are_projected(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    let ann = setup.member("x").await;
    let ben = setup.member("y").await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();
    let rename = |member_id, identifier: &str| Command::UpdateMember {
        member_id,
        fields: MemberFields {
            identifier: Some(identifier.into()),
            notification_mode: None,
        },
    };
    setup.ok(rename(ann, "swap")).await;
    setup.ok(rename(ben, "x")).await;
    setup.ok(rename(ann, "y")).await;
    let next = setup.projector(&store).catch_up().await.unwrap();
    assert_eq!(next, setup.records().await.len() as u64);
    let by = |identifier: &'static str| {
        let store = store.clone();
        async move {
            store
                .member_by_identifier(ACCOUNT, identifier)
                .await
                .unwrap()
                .map(|member| member.id)
        }
    };
    assert_eq!(by("x").await, Some(ben));
    assert_eq!(by("y").await, Some(ann));
    assert_eq!(by("swap").await, None);
}

per_backend!(
    projected_rows_match_the_engine_state,
    identifiers_traded_within_a_batch_are_projected,
);
