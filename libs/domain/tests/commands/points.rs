//! TransferPoints and the points that redemptions and wallets move: earned on a committed
//! redemption (not on a reservation until confirmed), taken back by a void or reversal no
//! further than the balance, spent by saving a costly offer (refused when short); a `txid`
//! makes a repeat a no-op and refuses its reuse for another transfer.

use domain::event::EventKind;
use domain::ids::{ChannelId, RedemptionId};
use domain::points::queries::ledger;
use domain::points::{PointsTransfer, MAX_TRANSFER};
use domain::{Command, DomainError};
use testkit::fixtures::scenario::{given, wallet_shop};
use testkit::fixtures::{
    created, issue, issued_code, redeem, reserve, save_to_wallet, transfer_points,
};

#[test]
fn a_grant_and_a_transfer_move_points_and_a_repeat_changes_nothing() {
    let (mut history, shop) = wallet_shop();
    let now = history.now();
    given(history.events().to_vec())
        .at(now)
        .when(transfer_points(" alice ", None, shop.channel, 40, "t-1"))
        .then(vec![EventKind::PointsTransferred(PointsTransfer {
            txid: "t-1".into(),
            to_member_id: shop.member,
            from_member_id: None,
            points: 40,
            created_at: now,
        })]);
    history.record(transfer_points("alice", None, shop.channel, 40, "t-1"));
    history.record(transfer_points(
        "bob",
        Some("alice"),
        shop.channel,
        15,
        "t-2",
    ));
    assert_eq!(ledger(history.state(), shop.member).balance(), 25);
    assert_eq!(ledger(history.state(), shop.bob).balance(), 15);
    given(history.events().to_vec())
        .when(transfer_points(
            "bob",
            Some("alice"),
            shop.channel,
            15,
            "t-2",
        ))
        .then_nothing();
    given(history.events().to_vec())
        .when(transfer_points(
            "bob",
            Some("alice"),
            shop.channel,
            16,
            "t-2",
        ))
        .then_error(DomainError::Taken { field: "Txid" });
    given(history.events().to_vec())
        .when(transfer_points(
            "bob",
            Some("alice"),
            shop.channel,
            26,
            "t-3",
        ))
        .then_error(DomainError::PointsShort {
            needed: 26,
            balance: 25,
        });
}

#[test]
fn a_transfer_refuses_what_it_cannot_carry_out() {
    let (history, shop) = wallet_shop();
    let refused = |command, error| {
        given(history.events().to_vec())
            .when(command)
            .then_error(error)
    };
    let points_rule = || DomainError::Invalid {
        field: "Points",
        reason: format!("must be a whole number between 1 and {MAX_TRANSFER}"),
    };
    refused(
        transfer_points("alice", None, shop.channel, 0, "t"),
        points_rule(),
    );
    refused(
        transfer_points("alice", None, shop.channel, -5, "t"),
        points_rule(),
    );
    refused(
        transfer_points("alice", None, shop.channel, MAX_TRANSFER as i64 + 1, "t"),
        points_rule(),
    );
    refused(
        transfer_points("nobody", None, shop.channel, 5, "t"),
        DomainError::NotFound { resource: "Member" },
    );
    refused(
        transfer_points("alice", Some("alice"), shop.channel, 5, "t"),
        DomainError::Invalid {
            field: "From identifier",
            reason: "must name another member".into(),
        },
    );
    refused(
        transfer_points("alice", None, ChannelId(9_999), 5, "t"),
        DomainError::ChannelRequired,
    );
    refused(
        transfer_points("alice", None, shop.channel, 5, "  "),
        DomainError::Blank { field: "Txid" },
    );
}

#[test]
fn a_committed_redemption_earns_and_a_reversal_takes_back_no_more_than_is_left() {
    let (mut history, shop) = wallet_shop();
    let issued = history.record(issue(shop.member, shop.channel, shop.earner));
    let redemption = RedemptionId(created(
        &history.record(redeem(shop.store, &issued_code(&issued))),
    ));
    assert_eq!(ledger(history.state(), shop.member).balance(), 10);
    history.record(transfer_points(
        "bob",
        Some("alice"),
        shop.channel,
        8,
        "t-1",
    ));
    history.record(Command::ReverseRedemption {
        redemption_id: redemption,
    });
    let after = ledger(history.state(), shop.member);
    assert_eq!(
        (after.balance(), after.earned, after.clawed_back),
        (0, 10, 2)
    );
}

#[test]
fn a_reservation_earns_when_confirmed_and_a_void_takes_it_back() {
    let (mut history, shop) = wallet_shop();
    let issued = history.record(issue(shop.member, shop.channel, shop.earner));
    let reservation = RedemptionId(created(&history.record(reserve(
        shop.store,
        &issued_code(&issued),
        60,
    ))));
    assert_eq!(ledger(history.state(), shop.member).balance(), 0);
    history.record(Command::ConfirmReservation {
        redemption_id: reservation,
    });
    assert_eq!(ledger(history.state(), shop.member).balance(), 10);
    history.record(Command::VoidRedemption {
        redemption_id: reservation,
    });
    assert_eq!(ledger(history.state(), shop.member).balance(), 0);
}

#[test]
fn saving_a_costly_offer_spends_and_a_short_balance_is_refused() {
    let (mut history, shop) = wallet_shop();
    history.record(transfer_points("alice", None, shop.channel, 30, "t-1"));
    history.record(save_to_wallet(shop.member, shop.channel, shop.reward));
    assert_eq!(ledger(history.state(), shop.member).balance(), 5);
    given(history.events().to_vec())
        .when(save_to_wallet(shop.member, shop.channel, shop.reward))
        .then_error(DomainError::PointsShort {
            needed: 25,
            balance: 5,
        });
}
