//! What planning a point-of-sale request checks beyond the limits. Its codes: codes of
//! different offers are planned together and the plan names only the credentials whose offers
//! give something; a repeated code, two codes carrying one offer, and more than `MAX_CODES`
//! codes are refused. An offer's member lists, checked again at redemption.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::credential::Credential;
use domain::ids::OfferId;
use domain::offer::{EligibilityDimension, OfferFields};
use domain::redemption::MAX_CODES;
use domain::{evaluate, Command, DomainError};
use support::{dec, pos, redeem, Account, Shop};

/// A shop with a "$1 off" offer and a "$1 off from $20" offer, and a credential of its member
/// for each: the account, the shop, the first offer and the two credentials with their codes.
fn two_offers() -> (Account, Shop, OfferId, [(Credential, String); 2]) {
    let (mut account, shop, offer) = Account::shop_with_offer("Dollar off", Default::default());
    let spend_20 = account.dollar_off(
        "Spend 20",
        shop.channel,
        OfferFields {
            min_spend_amount: Some(dec("20.00")),
            ..Default::default()
        },
    );
    let credentials =
        [offer, spend_20].map(|id| account.credential(shop.member, shop.channel, &[id]));
    (account, shop, offer, credentials)
}

fn codes_invalid(reason: &str) -> DomainError {
    DomainError::Invalid {
        field: "Codes",
        reason: reason.into(),
    }
}

/// Two codes of two offers on a $10.00 basket: the plan applies the first offer only (the
/// second needs $20.00) and names only the first credential. Mutations checked, each refusing
/// the request or naming the wrong credential: `other.id == offer.id` made `!=` in
/// `redemption::plan::plan` (every second offer taken for a repeat), `application.credential_id
/// == *id` made `!=` there (the credentials that give nothing named instead), and
/// `seen.id == credential.id` made `!=` in `resolve_codes` (every second code a repeat).
#[test]
fn codes_of_two_offers_are_planned_together_naming_the_credentials_that_give() {
    let (account, shop, offer, [(first, first_code), (_, second_code)]) = two_offers();
    let request = pos(shop.store, &[&first_code, &second_code], Vec::new());
    let plan = evaluate(&account.state, &request, account.now).unwrap();
    let offers: Vec<OfferId> = plan.applications.iter().map(|a| a.offer_id).collect();
    assert_eq!(offers, [offer]);
    assert_eq!(plan.credential_ids, [first.id]);
}

/// The same code twice, and two codes carrying the same offer, are refused as such (mutations
/// checked: `seen.id == credential.id` made `!=` in `redemption::plan::resolve_codes`, and
/// `other.id == offer.id` made `!=` in `redemption::plan::plan`; under either the request
/// fails later, with another error).
#[test]
fn a_repeated_code_or_offer_is_refused() {
    let (mut account, shop, offer, [(_, code), _]) = two_offers();
    let twice = Command::Redeem {
        request: pos(shop.store, &[&code, &code], Vec::new()),
    };
    assert_eq!(account.error(twice), codes_invalid("must not repeat"));
    let (_, again) = account.credential(shop.member, shop.channel, &[offer]);
    let same_offer = Command::Redeem {
        request: pos(shop.store, &[&code, &again], Vec::new()),
    };
    let repeat = format!("carry offer {offer} more than once");
    assert_eq!(account.error(same_offer), codes_invalid(&repeat));
}

/// `MAX_CODES` codes are read (the first unknown one is named), one more is refused before
/// any is read (mutations checked: `codes.len() > MAX_CODES` made `>=` and `==` in
/// `redemption::plan::resolve_codes`).
#[test]
fn at_most_max_codes_are_read() {
    let (mut account, shop) = Account::shop();
    let codes: Vec<String> = (0..=MAX_CODES).map(|n| format!("NOPE{n}")).collect();
    let mut request = |count: usize| {
        let codes: Vec<&str> = codes[..count].iter().map(String::as_str).collect();
        account.error(Command::Redeem {
            request: pos(shop.store, &codes, Vec::new()),
        })
    };
    assert_eq!(
        request(MAX_CODES),
        DomainError::CodeNotValid {
            code: "NOPE0".into()
        }
    );
    let limit = format!("must be at most {MAX_CODES}");
    assert_eq!(request(MAX_CODES + 1), codes_invalid(&limit));
}

/// An offer for a member list is checked again at redemption: the listed member's code is
/// redeemed, and once the member is taken off the list the next code is refused (mutation
/// checked: `!state.member_on_lists(..)` made `state.member_on_lists(..)` in
/// `redemption::plan::check_offer`).
#[test]
fn a_member_list_is_checked_again_at_redemption() {
    let (mut account, shop, offer) = Account::shop_with_offer("VIP", Default::default());
    let list = account.member_list("VIPs", &[shop.member]);
    account.ok(Command::AddOfferEligibility {
        offer_id: offer,
        dimension: EligibilityDimension::MemberLists,
        ids: vec![list.0],
    });
    let first = account.code(shop.member, shop.channel, &[offer]);
    let second = account.code(shop.member, shop.channel, &[offer]);
    account.redeem(shop.store, &first);
    account.ok(Command::RemoveMembersFromList {
        member_list_id: list,
        member_ids: vec![shop.member],
    });
    assert_eq!(
        account.error(redeem(shop.store, &second)),
        DomainError::MemberNotEligible {
            offer_name: "VIP".into()
        }
    );
}
