//! CreateCampaign, UpdateCampaign and DeleteCampaign: a name is required, an external id is
//! unique in the account (and follows renames in the index), the offer must be linked to the
//! channel when both are named, the display window is not inverted; running campaigns are
//! those displayed with an offer redeemable now.

use chrono::Duration;
use domain::campaign::{queries, Campaign, CampaignFields};
use domain::event::CampaignRef;
use domain::ids::{CampaignId, ChannelId, OfferId};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_channel, created};

fn create(fields: CampaignFields) -> Command {
    Command::CreateCampaign { fields }
}

fn named(name: &str, external: &str, offer: OfferId, channel: ChannelId) -> CampaignFields {
    CampaignFields {
        name: Some(name.into()),
        external_id: Some(external.into()),
        offer_id: Some(offer),
        channel_id: Some(channel),
        ..CampaignFields::default()
    }
}

#[test]
fn a_campaign_is_created_found_by_external_id_changed_and_deleted() {
    let (mut history, shop) = History::shop(None);
    let first = given(history.events().to_vec());
    let (id, now) = (CampaignId(first.next_id()), first.now());
    first
        .when(create(named(" Summer ", "ext-1", shop.offer, shop.channel)))
        .then(vec![EventKind::CampaignCreated(Campaign {
            id,
            name: "Summer".into(),
            external_id: Some("ext-1".into()),
            offer_id: Some(shop.offer),
            channel_id: Some(shop.channel),
            description: None,
            funding_source: None,
            pos_offer_code: None,
            start_display_at: None,
            stop_display_at: None,
            created_at: now,
            updated_at: now,
        })]);
    let id = CampaignId(created(&history.record(create(named(
        "Summer",
        "ext-1",
        shop.offer,
        shop.channel,
    )))));
    given(history.events().to_vec())
        .when(create(named("Other", "ext-1", shop.offer, shop.channel)))
        .then_error(DomainError::Taken { field: "External" });
    history.record(Command::UpdateCampaign {
        campaign_id: id,
        fields: CampaignFields {
            external_id: Some("ext-2".into()),
            ..CampaignFields::default()
        },
    });
    let state = history.state();
    assert!(queries::by_external_id(state, "ext-1").is_none());
    let found = queries::by_external_id(state, " ext-2 ").map(|campaign| campaign.id);
    assert_eq!(found, Some(id));
    assert_eq!(
        queries::running_on(state, shop.channel, history.now())
            .iter()
            .map(|campaign| campaign.id)
            .collect::<Vec<_>>(),
        vec![id]
    );
    given(history.events().to_vec())
        .when(Command::DeleteCampaign { campaign_id: id })
        .then(vec![EventKind::CampaignDeleted(CampaignRef {
            campaign_id: id,
        })]);
    history.record(Command::DeleteCampaign { campaign_id: id });
    assert!(queries::by_external_id(history.state(), "ext-2").is_none());
    given(history.events().to_vec())
        .when(Command::DeleteCampaign { campaign_id: id })
        .then_error(DomainError::NotFound {
            resource: "Campaign",
        });
}

#[test]
fn a_campaign_needs_a_name_a_linked_offer_and_an_upright_window() {
    let (mut history, shop) = History::shop(None);
    let other = ChannelId(created(&history.record(create_channel("Other"))));
    given(history.events().to_vec())
        .when(create(CampaignFields::default()))
        .then_error(DomainError::Blank { field: "Name" });
    given(history.events().to_vec())
        .when(create(named("C", "x", shop.offer, other)))
        .then_error(DomainError::OffersNotFound {
            ids: shop.offer.to_string(),
        });
    given(history.events().to_vec())
        .when(create(named("C", "x", OfferId(9_999), shop.channel)))
        .then_error(DomainError::NotFound { resource: "Offer" });
    let now = history.now();
    given(history.events().to_vec())
        .when(create(CampaignFields {
            start_display_at: Some(now + Duration::days(2)),
            stop_display_at: Some(now + Duration::days(1)),
            ..named("C", "x", shop.offer, shop.channel)
        }))
        .then_error(DomainError::Invalid {
            field: "Stop display at",
            reason: "must be after start display at".into(),
        });
    let later = CampaignId(created(&history.record(create(CampaignFields {
        start_display_at: Some(now + Duration::days(1)),
        ..named("Later", "later", shop.offer, shop.channel)
    }))));
    assert!(queries::running_on(history.state(), shop.channel, now).is_empty());
    let tomorrow = now + Duration::days(1);
    let running: Vec<CampaignId> = queries::running_on(history.state(), shop.channel, tomorrow)
        .iter()
        .map(|campaign| campaign.id)
        .collect();
    assert_eq!(running, vec![later]);
}
