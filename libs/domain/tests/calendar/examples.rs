//! Checks of the reference calendar itself, against dates worked out by hand from the tz
//! rules, so the reference is not trusted merely because it calls chrono-tz.

use super::{local_date, next_local_day, offset_seconds, utc, ANCHORS};
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;

/// The reference calendar's dates at hand-computed boundaries: the last minute of a local day
/// and the first of the next, before and after each kind of offset change. Independent of
/// chrono-tz's answers, so the reference is itself checked.
#[test]
fn reference_dates_match_worked_examples() {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let cases = [
        // New York, EST (-5) then EDT (-4).
        (
            Tz::America__New_York,
            utc(2026, 3, 8, 4, 59),
            date(2026, 3, 7),
        ),
        (
            Tz::America__New_York,
            utc(2026, 3, 8, 5, 0),
            date(2026, 3, 8),
        ),
        (
            Tz::America__New_York,
            utc(2026, 3, 9, 3, 59),
            date(2026, 3, 8),
        ),
        (
            Tz::America__New_York,
            utc(2026, 3, 9, 4, 0),
            date(2026, 3, 9),
        ),
        // London: GMT, then BST (+1).
        (
            Tz::Europe__London,
            utc(2026, 3, 28, 23, 59),
            date(2026, 3, 28),
        ),
        (
            Tz::Europe__London,
            utc(2026, 3, 29, 0, 0),
            date(2026, 3, 29),
        ),
        (
            Tz::Europe__London,
            utc(2026, 6, 1, 22, 59),
            date(2026, 6, 1),
        ),
        (Tz::Europe__London, utc(2026, 6, 1, 23, 0), date(2026, 6, 2)),
        // Lord Howe: +11, then +10:30.
        (
            Tz::Australia__Lord_Howe,
            utc(2026, 4, 3, 12, 59),
            date(2026, 4, 3),
        ),
        (
            Tz::Australia__Lord_Howe,
            utc(2026, 4, 3, 13, 0),
            date(2026, 4, 4),
        ),
        (
            Tz::Australia__Lord_Howe,
            utc(2026, 4, 5, 13, 29),
            date(2026, 4, 5),
        ),
        (
            Tz::Australia__Lord_Howe,
            utc(2026, 4, 5, 13, 30),
            date(2026, 4, 6),
        ),
        // Santiago: 4 April lasts 25 hours (-03 then -04); 6 September starts at 01:00 -03.
        (
            Tz::America__Santiago,
            utc(2026, 4, 4, 2, 59),
            date(2026, 4, 3),
        ),
        (
            Tz::America__Santiago,
            utc(2026, 4, 4, 3, 0),
            date(2026, 4, 4),
        ),
        (
            Tz::America__Santiago,
            utc(2026, 4, 5, 3, 59),
            date(2026, 4, 4),
        ),
        (
            Tz::America__Santiago,
            utc(2026, 4, 5, 4, 0),
            date(2026, 4, 5),
        ),
        (
            Tz::America__Santiago,
            utc(2026, 9, 6, 3, 59),
            date(2026, 9, 5),
        ),
        (
            Tz::America__Santiago,
            utc(2026, 9, 6, 4, 0),
            date(2026, 9, 6),
        ),
        // Chatham: +13:45 in January, +12:45 in June.
        (
            Tz::Pacific__Chatham,
            utc(2026, 1, 10, 10, 14),
            date(2026, 1, 10),
        ),
        (
            Tz::Pacific__Chatham,
            utc(2026, 1, 10, 10, 15),
            date(2026, 1, 11),
        ),
        (
            Tz::Pacific__Chatham,
            utc(2026, 6, 1, 11, 14),
            date(2026, 6, 1),
        ),
        (
            Tz::Pacific__Chatham,
            utc(2026, 6, 1, 11, 15),
            date(2026, 6, 2),
        ),
        // Kolkata +05:30, Kiritimati +14, UTC.
        (Tz::Asia__Kolkata, utc(2026, 6, 1, 18, 29), date(2026, 6, 1)),
        (Tz::Asia__Kolkata, utc(2026, 6, 1, 18, 30), date(2026, 6, 2)),
        (
            Tz::Pacific__Kiritimati,
            utc(2026, 6, 1, 9, 59),
            date(2026, 6, 1),
        ),
        (
            Tz::Pacific__Kiritimati,
            utc(2026, 6, 1, 10, 0),
            date(2026, 6, 2),
        ),
        (Tz::UTC, utc(2026, 6, 1, 23, 59), date(2026, 6, 1)),
        (Tz::UTC, utc(2026, 6, 2, 0, 0), date(2026, 6, 2)),
    ];
    for (zone, at, expected) in cases {
        assert_eq!(local_date(zone, at), expected, "{zone} at {at}");
    }
    assert_eq!(
        next_local_day(Tz::America__Santiago, utc(2026, 9, 5, 20, 0)),
        utc(2026, 9, 6, 4, 0),
        "Santiago's 6 September starts at 01:00 local"
    );
    assert_eq!(
        next_local_day(Tz::America__Santiago, utc(2026, 4, 4, 12, 0)) - utc(2026, 4, 4, 3, 0),
        Duration::hours(25),
        "Santiago's 4 April lasts 25 hours"
    );
}

/// Every anchor is where the test says: an offset change (the offset a minute before differs
/// from the one at the instant) or a local midnight.
#[test]
fn anchors_are_offset_changes_or_midnights() {
    for anchor in ANCHORS {
        for index in 0..anchor.instants.len() {
            let at = anchor.instant(index);
            if anchor.transitions {
                assert_ne!(
                    offset_seconds(anchor.zone, at - Duration::minutes(1)),
                    offset_seconds(anchor.zone, at),
                    "{} at {at}",
                    anchor.name
                );
            } else {
                let local = at.with_timezone(&anchor.zone);
                assert_eq!(
                    local.time(),
                    chrono::NaiveTime::MIN,
                    "{} at {at}",
                    anchor.name
                );
            }
        }
    }
}
