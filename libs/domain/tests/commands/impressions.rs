//! RecordImpression and DeleteImpression: an impression is recorded through a live offer-channel
//! link's xid with a well-formed cookie digest, for a known member when one is named; a delete
//! is recorded as asked (the read model, not the state, knows impressions).

use domain::event::ImpressionRef;
use domain::ids::{ImpressionId, MemberId};
use domain::impression::{Impression, ImpressionFields};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};

const DIGEST: &str = "a3f1c9e0b2d4f6a8c0e2a4b6d8f0a1c3e5a7b9d1f3a5c7e9b1d3f5a7c9e1b3d5";

fn record(xid: &str, digest: &str, member: Option<MemberId>) -> Command {
    Command::RecordImpression {
        fields: ImpressionFields {
            xid: Some(xid.into()),
            cookie_digest: Some(digest.into()),
            member_id: member,
            creative: Some(" banner ".into()),
        },
    }
}

#[test]
fn an_impression_is_recorded_through_a_links_xid() {
    let (history, shop) = History::shop(None);
    let xid = history
        .state()
        .offer_link(shop.offer, shop.channel)
        .map(|link| link.xid.clone())
        .unwrap();
    let first = given(history.events().to_vec());
    let (id, now) = (ImpressionId(first.next_id()), first.now());
    first
        .when(record(&xid, DIGEST, Some(shop.member)))
        .then(vec![EventKind::ImpressionRecorded(Impression {
            id,
            offer_id: shop.offer,
            channel_id: shop.channel,
            xid: xid.clone(),
            cookie_digest: DIGEST.into(),
            member_id: Some(shop.member),
            creative: Some("banner".into()),
            created_at: now,
        })]);
    given(history.events().to_vec())
        .when(record("nope", DIGEST, None))
        .then_error(DomainError::NotFound { resource: "Offer" });
    for digest in ["abc", &DIGEST.replace('a', "z")] {
        given(history.events().to_vec())
            .when(record(&xid, digest, None))
            .then_error(DomainError::Invalid {
                field: "Cookie",
                reason: "must be a SHA-256 digest in hex".into(),
            });
    }
    given(history.events().to_vec())
        .when(record(&xid, DIGEST, Some(MemberId(9_999))))
        .then_error(DomainError::NotFound { resource: "Member" });
    given(history.events().to_vec())
        .when(Command::DeleteImpression {
            impression_id: ImpressionId(5),
        })
        .then(vec![EventKind::ImpressionDeleted(ImpressionRef {
            impression_id: ImpressionId(5),
        })]);
}
