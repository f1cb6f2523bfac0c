//! Daily redemption limits checked against an independent calendar (`calendar/`), in zones with
//! daylight saving time, half-hour and quarter-hour offsets, and across local midnights.
//!
//! The existing properties run in UTC and take the day from the domain itself, so a wrong day
//! boundary cannot fail them. Here the reference decides every attempt from chrono-tz alone
//! (the local date of the instant, counted over earlier accepted redemptions of the member)
//! and the real domain, driven through `decide` and `evolve`, must agree: accepted when the
//! reference allows it, refused with `LimitKind::PerMemberPerDay` when it does not.
//!
//! Mutations each property was seen to fail under (then reverted):
//! - M1 `AccountState::day_of` takes the UTC date (`at.date_naive()`) instead of the account's
//!   zone;
//! - M2 `AccountState::day_of` is one hour late (`at + 1h` before converting);
//! - M3 `limits::reached` lets one more through (`count > max` for `count >= max`);
//! - M4 `evolve::redemptions::derive` stamps a reservation with the day it expires instead of
//!   the day it was made.
//!
//! Under M1 the existing `properties.rs` still passes: it runs in UTC and reads the day back
//! from the domain.
//!
//! The domain also supports only a per-member-per-day limit (no per-offer-per-day), so that is
//! the limit under test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod calendar;
mod calendar_world;
mod support;

use calendar::{next_local_day, utc, Anchor, ANCHORS};
use calendar_world::{assert_both_outcomes, check, mixed_op, redemption_op, Op, Tally, World};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

/// In every zone, over random redemption sequences starting up to 36 hours before a 2026
/// offset change (or a local midnight) and running across several local days, the domain
/// accepts exactly the attempts the reference calendar allows and refuses the others with the
/// per-member-per-day limit. 24 cases per zone, limits 1 to 3, two members; over all zones at
/// least a fifth of the attempts must be accepted and a fifth refused (a tenth in each zone),
/// and in every zone but UTC the zone must change the answer of some attempts. Fails under M1,
/// M2 and M3.
#[test]
fn daily_limits_follow_the_local_calendar() {
    let total = Tally::default();
    for anchor in ANCHORS {
        let tally = Tally::default();
        let strategy = (
            0..anchor.instants.len(),
            0..=36 * 60i64,
            1..=3u32,
            prop::collection::vec(redemption_op(), 4..=40),
        );
        check(24, strategy, |(instant, lead, limit, ops)| {
            let start = anchor.instant(instant) - Duration::minutes(lead);
            let mut world = World::new(anchor, limit, &ops, start);
            for op in &ops {
                world.step(op, &tally)?;
            }
            Ok(())
        });
        assert_both_outcomes(anchor.name, &tally, 150, 10);
        for (sum, part) in [
            (&total.accepted, &tally.accepted),
            (&total.refused, &tally.refused),
            (&total.zone_matters, &tally.zone_matters),
        ] {
            sum.set(sum.get() + part.get());
        }
        if anchor.zone != Tz::UTC {
            assert!(
                tally.zone_matters.get() > 0,
                "{}: the zone never mattered",
                anchor.name
            );
        }
    }
    assert_both_outcomes("all zones", &total, 1_500, 20);
}

/// With reservations (confirmed, cancelled or left to lapse, some across local midnight) and
/// changes of the account's zone mixed in, the domain still agrees with the reference: a
/// redemption counts on the local date of the instant it was made, in the zone in force then,
/// and keeps that date through a later zone change (no re-bucketing) and through a confirmation
/// after midnight. 160 cases, zones drawn at random. Fails under M1, M2, M3 and M4.
#[test]
fn reservations_and_zone_changes_follow_the_reference() {
    let tally = Tally::default();
    let strategy = (
        0..ANCHORS.len(),
        0..2usize,
        0..=36 * 60i64,
        1..=3u32,
        prop::collection::vec(mixed_op(), 4..=40),
    );
    check(160, strategy, |(zone, instant, lead, limit, ops)| {
        let anchor = &ANCHORS[zone];
        let start = anchor.instant(instant) - Duration::minutes(lead);
        let mut world = World::new(anchor, limit, &ops, start);
        for op in &ops {
            world.step(op, &tally)?;
        }
        Ok(())
    });
    assert_both_outcomes("mixed", &tally, 1_000, 15);
    assert!(tally.zone_changes.get() >= 20, "too few zone changes");
    assert!(
        tally.confirmed_after_midnight.get() >= 10,
        "too few reservations confirmed after midnight"
    );
}

/// Runs `ops` from `start` in `anchor`'s zone with a daily `limit`, checking every step
/// against the reference, and returns the tally.
fn scenario(anchor: &Anchor, limit: u32, start: DateTime<Utc>, ops: &[Op]) -> Tally {
    let tally = Tally::default();
    let mut world = World::new(anchor, limit, ops, start);
    for op in ops {
        world.step(op, &tally).unwrap();
    }
    tally
}

/// A reservation made before local midnight and confirmed after it counts on the day it was
/// made, in every zone: with a limit of 2, a reservation and a redemption fill the old day, and
/// the new day still has room for two redemptions after the confirmation. (Were the day
/// restamped at confirmation, the second redemption of the new day would be refused.) Fails
/// under M1, M2, M3 and M4.
#[test]
fn a_reservation_confirmed_after_midnight_counts_on_the_day_it_was_made() {
    use Op::*;
    for anchor in ANCHORS {
        let midnight = next_local_day(anchor.zone, anchor.instant(0));
        let ops = [
            Reserve {
                member: 0,
                ttl: 1_800,
            },
            Advance { minutes: 5 },
            Redeem { member: 0 },
            Advance { minutes: 2 },
            Redeem { member: 0 },
            Advance { minutes: 8 },
            Redeem { member: 0 },
            Confirm(0),
            Redeem { member: 0 },
            Redeem { member: 0 },
        ];
        let tally = scenario(anchor, 2, midnight - Duration::minutes(10), &ops);
        assert_eq!(
            (tally.accepted.get(), tally.refused.get()),
            (4, 2),
            "{}",
            anchor.name
        );
        assert_eq!(tally.confirmed_after_midnight.get(), 1, "{}", anchor.name);
    }
}

/// A change of the account's zone applies to attempts from then on; earlier redemptions keep
/// the date they were stamped with. Kiritimati (+14) to New York (-4), limit 1: a redemption at
/// 01:00 on 1 June in Kiritimati (11:00Z on 31 May, 07:00 on 31 May in New York) counts on
/// 1 June. After the change, an attempt at 08:00 on 31 May New York time is accepted
/// (re-bucketing would refuse it) and one at 10:00 on 1 June New York time is refused
/// (re-bucketing would accept it).
/// Fails under M1 and M3.
#[test]
fn a_zone_change_keeps_the_days_already_counted() {
    use Op::*;
    let kiritimati = ANCHORS
        .iter()
        .position(|anchor| anchor.zone == Tz::Pacific__Kiritimati)
        .unwrap();
    let new_york = ANCHORS
        .iter()
        .position(|anchor| anchor.zone == Tz::America__New_York)
        .unwrap();
    let ops = [
        Redeem { member: 0 },
        Advance { minutes: 30 },
        SetZone(new_york),
        Advance { minutes: 30 },
        Redeem { member: 0 },
        Advance { minutes: 26 * 60 },
        Redeem { member: 0 },
    ];
    let tally = scenario(&ANCHORS[kiritimati], 1, utc(2026, 5, 31, 11, 0), &ops);
    assert_eq!((tally.accepted.get(), tally.refused.get()), (2, 1));
}
