//! IssueZidentifier: one zid per member, offer and linked channel, drawn like a secure code;
//! asking again changes nothing; an unlinked or missing channel and unknown members or offers
//! are refused.

use domain::ids::{ChannelId, MemberId, OfferId, ZidentifierId};
use domain::zidentifier::{queries, Zidentifier};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_channel, created};

fn issue(member: MemberId, offer: OfferId, channel: Option<ChannelId>) -> Command {
    Command::IssueZidentifier {
        member_id: member,
        offer_id: offer,
        channel_id: channel,
    }
}

#[test]
fn a_zidentifier_is_issued_once_per_member_offer_and_channel() {
    let (mut history, shop) = History::shop(None);
    let first = given(history.events().to_vec());
    let (id, now) = (ZidentifierId(first.next_id()), first.now());
    let when = first.when(issue(shop.member, shop.offer, Some(shop.channel)));
    let EventKind::ZidentifierIssued(issued) = &when.emitted()[0].kind else {
        panic!("no zid in {:?}", when.emitted());
    };
    assert!(domain::credential::code::is_well_formed_secure(&issued.zid));
    when.then(vec![EventKind::ZidentifierIssued(Zidentifier {
        id,
        zid: issued.zid.clone(),
        member_id: shop.member,
        offer_id: shop.offer,
        channel_id: shop.channel,
        created_at: now,
    })]);
    history.record(issue(shop.member, shop.offer, Some(shop.channel)));
    given(history.events().to_vec())
        .when(issue(shop.member, shop.offer, Some(shop.channel)))
        .then_nothing();
    let found = queries::of_link(history.state(), shop.member, shop.offer, shop.channel)
        .map(|found| found.zid.clone())
        .unwrap();
    assert_eq!(
        queries::by_zid(history.state(), &format!(" {} ", found.to_lowercase())).map(|z| z.id),
        Some(ZidentifierId(id.0))
    );
}

#[test]
fn a_zidentifier_needs_a_member_an_offer_and_a_linked_channel() {
    let (mut history, shop) = History::shop(None);
    let other = ChannelId(created(&history.record(create_channel("Other"))));
    given(history.events().to_vec())
        .when(issue(shop.member, shop.offer, None))
        .then_error(DomainError::ChannelRequired);
    given(history.events().to_vec())
        .when(issue(shop.member, shop.offer, Some(other)))
        .then_error(DomainError::OffersNotFound {
            ids: shop.offer.to_string(),
        });
    given(history.events().to_vec())
        .when(issue(MemberId(9_999), shop.offer, Some(shop.channel)))
        .then_error(DomainError::NotFound { resource: "Member" });
    given(history.events().to_vec())
        .when(issue(shop.member, OfferId(9_999), Some(shop.channel)))
        .then_error(DomainError::NotFound { resource: "Offer" });
}
