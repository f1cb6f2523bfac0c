//! SetOfferItemSetRule: an item set becomes eligible with a role and a quantity (the offer is
//! recorded updated), a repeat records nothing, bad quantities and unknown sets are refused,
//! and removing the set from the offer drops its rule.

use domain::ids::{ItemId, ItemSetId, OfferId};
use domain::offer::{EligibilityDimension, ItemSetRole, ItemSetRule};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_item, create_item_set, created};

fn shop_with_set() -> (History, OfferId, ItemSetId) {
    let (mut history, shop) = History::shop(None);
    let item = ItemId(created(&history.record(create_item("Burger", "BURGER"))));
    let set = ItemSetId(created(
        &history.record(create_item_set("Burgers", &[item])),
    ));
    (history, shop.offer, set)
}

fn set_rule(
    offer_id: OfferId,
    item_set_id: ItemSetId,
    role: ItemSetRole,
    quantity: u32,
) -> Command {
    Command::SetOfferItemSetRule {
        offer_id,
        item_set_id,
        rule: ItemSetRule {
            role,
            required_quantity: quantity,
        },
    }
}

#[test]
fn a_rule_makes_the_set_eligible_and_a_repeat_records_nothing() {
    let (mut history, offer, set) = shop_with_set();
    let when =
        given(history.events().to_vec()).when(set_rule(offer, set, ItemSetRole::Required, 2));
    let [EventKind::OfferUpdated(updated)] =
        when.emitted().iter().map(|e| &e.kind).collect::<Vec<_>>()[..]
    else {
        panic!("{:?}", when.emitted());
    };
    assert!(updated.eligibility.item_set_ids.contains(&set));
    assert_eq!(
        updated.eligibility.item_set_rule(set),
        ItemSetRule {
            role: ItemSetRole::Required,
            required_quantity: 2
        }
    );
    history.record(set_rule(offer, set, ItemSetRole::Required, 2));
    given(history.events().to_vec())
        .when(set_rule(offer, set, ItemSetRole::Required, 2))
        .then_nothing();
    history.record(Command::RemoveOfferEligibility {
        offer_id: offer,
        dimension: EligibilityDimension::ItemSets,
        ids: vec![set.0],
    });
    let offer_now = history.state().offer(offer).unwrap();
    assert!(
        offer_now.eligibility.item_set_rules.is_empty(),
        "the rule goes with the set"
    );
    let replayed = domain::evolve::replay(history.events().to_vec());
    assert_eq!(&replayed, history.state());
}

#[test]
fn bad_quantities_and_unknown_sets_or_offers_are_refused() {
    let (history, offer, set) = shop_with_set();
    for quantity in [0, 10_001] {
        given(history.events().to_vec())
            .when(set_rule(offer, set, ItemSetRole::Any, quantity))
            .then_error(DomainError::Invalid {
                field: "Req qty",
                reason: "must be from 1 to 10000".into(),
            });
    }
    given(history.events().to_vec())
        .when(set_rule(offer, ItemSetId(999_999), ItemSetRole::Any, 1))
        .then_error(DomainError::NotFound {
            resource: "Item set",
        });
    given(history.events().to_vec())
        .when(set_rule(OfferId(999_999), set, ItemSetRole::Any, 1))
        .then_error(DomainError::NotFound { resource: "Offer" });
}
