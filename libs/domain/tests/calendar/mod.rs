//! A reference calendar for daily redemption limits, written without the domain's helpers.
//!
//! It answers two questions and nothing else:
//! - on which local calendar date an instant falls in a time zone ([`local_date`], chrono-tz
//!   straight, never `AccountState::day_of`), and
//! - whether a daily limit allows one more attempt ([`Ledger`]): the number of earlier redemptions
//!   of the same member that still hold capacity and count on the attempt's local date is below
//!   the limit.
//!
//! The rules the ledger encodes, chosen from what the domain documents (README "Limits": the day
//! is in the account's IANA time zone; `OfferApplication::day`: "the day it counts on, in the
//! account's time zone", fixed when the redemption is recorded):
//! - **Stamped days.** A redemption or reservation counts on the local date of the instant it
//!   was made, in the zone in force at that instant. The date is written down then and never
//!   recomputed: a later change of the account's zone does not move earlier redemptions to
//!   another day (no re-bucketing).
//! - **Reservations.** A reservation holds capacity on the date it was made until it lapses
//!   (`expires_at <= now`), is cancelled, or is confirmed; once confirmed it is a redemption of
//!   that same date, even when confirmed after local midnight.
//!
//! [`ANCHORS`] lists instants next to the 2026 offset changes of each zone the tests use, so
//! generated attempts straddle both daylight-saving transitions and local midnights.

#[cfg(test)]
mod examples;

use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// The local calendar date of `at` in `zone`.
pub fn local_date(zone: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// The first whole minute after `at` (itself on a whole minute) whose local date in `zone` is
/// later than `at`'s: the start of the next local day, found by walking the clock rather than
/// by building a local midnight (which some days lack: Santiago's 6 September 2026 starts at
/// 01:00).
pub fn next_local_day(zone: Tz, at: DateTime<Utc>) -> DateTime<Utc> {
    let today = local_date(zone, at);
    let mut probe = at;
    while local_date(zone, probe) == today {
        probe += Duration::minutes(1);
    }
    probe
}

/// The offset from UTC in force in `zone` at `at`, in seconds.
pub fn offset_seconds(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// A UTC instant from its parts (test data).
pub fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("a valid UTC instant")
}

/// A zone the tests run in and instants near which its interesting boundaries lie: its 2026
/// offset changes (the instant the clocks move) or, for zones without daylight saving time,
/// a local midnight.
pub struct Anchor {
    /// The IANA name, as the account is given it.
    pub name: &'static str,
    /// The zone.
    pub zone: Tz,
    /// Instants (UTC) of the zone's 2026 transitions, or of one local midnight.
    pub instants: &'static [(i32, u32, u32, u32, u32)],
    /// Whether `instants` are offset changes (checked by a test) rather than midnights.
    pub transitions: bool,
}

/// The zones under test. Derived by hand from the tz rules, then checked by
/// `anchors_are_offset_changes` against chrono-tz.
pub const ANCHORS: &[Anchor] = &[
    Anchor {
        // EST -> EDT on Sun 8 March 02:00 local; EDT -> EST on Sun 1 November 02:00 local.
        name: "America/New_York",
        zone: Tz::America__New_York,
        instants: &[(2026, 3, 8, 7, 0), (2026, 11, 1, 6, 0)],
        transitions: true,
    },
    Anchor {
        // GMT -> BST on Sun 29 March 01:00 UTC; BST -> GMT on Sun 25 October 01:00 UTC.
        name: "Europe/London",
        zone: Tz::Europe__London,
        instants: &[(2026, 3, 29, 1, 0), (2026, 10, 25, 1, 0)],
        transitions: true,
    },
    Anchor {
        // +11 -> +10:30 on Sun 5 April 02:00 local; +10:30 -> +11 on Sun 4 October 02:00 local:
        // a half-hour shift.
        name: "Australia/Lord_Howe",
        zone: Tz::Australia__Lord_Howe,
        instants: &[(2026, 4, 4, 15, 0), (2026, 10, 3, 15, 30)],
        transitions: true,
    },
    Anchor {
        // At local midnight: -03 -> -04 at the end of Sat 4 April (a 25-hour day);
        // -04 -> -03 at the end of Sat 5 September (Sun 6 September starts at 01:00).
        name: "America/Santiago",
        zone: Tz::America__Santiago,
        instants: &[(2026, 4, 5, 3, 0), (2026, 9, 6, 4, 0)],
        transitions: true,
    },
    Anchor {
        // +13:45 -> +12:45 on Sun 5 April 03:45 local; back on Sun 27 September 02:45 local.
        name: "Pacific/Chatham",
        zone: Tz::Pacific__Chatham,
        instants: &[(2026, 4, 4, 14, 0), (2026, 9, 26, 14, 0)],
        transitions: true,
    },
    Anchor {
        // +05:30 all year: local midnight of 1 June.
        name: "Asia/Kolkata",
        zone: Tz::Asia__Kolkata,
        instants: &[(2026, 5, 31, 18, 30)],
        transitions: false,
    },
    Anchor {
        // +14 all year: local midnight of 1 June is still 31 May in UTC.
        name: "Pacific/Kiritimati",
        zone: Tz::Pacific__Kiritimati,
        instants: &[(2026, 5, 31, 10, 0)],
        transitions: false,
    },
    Anchor {
        // The default zone: midnight of 1 June.
        name: "UTC",
        zone: Tz::UTC,
        instants: &[(2026, 6, 1, 0, 0)],
        transitions: false,
    },
];

impl Anchor {
    /// The `index`th anchor instant (wrapping).
    pub fn instant(&self, index: usize) -> DateTime<Utc> {
        let (year, month, day, hour, minute) = self.instants[index % self.instants.len()];
        utc(year, month, day, hour, minute)
    }
}

/// Where a recorded attempt is in its life, as far as capacity goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    /// A redemption (direct, or a confirmed reservation): holds its date for good.
    Committed,
    /// A reservation: holds its date until `expires_at` (exclusive).
    Reserved {
        /// When it lapses.
        expires_at: DateTime<Utc>,
    },
    /// Cancelled or lapsed: holds nothing.
    Released,
}

/// One accepted attempt.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Whose.
    pub member: usize,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The local date it counts on, stamped when it was made.
    pub date: NaiveDate,
    /// Its hold.
    pub hold: Hold,
}

/// The accepted attempts of one offer, in order, with the account's current zone.
#[derive(Clone, Debug)]
pub struct Ledger {
    /// The zone in force now.
    pub zone: Tz,
    /// The per-member-per-day limit.
    pub limit: u32,
    /// Accepted attempts.
    pub entries: Vec<Entry>,
}

impl Ledger {
    /// An empty ledger in `zone` with a daily `limit`.
    pub fn new(zone: Tz, limit: u32) -> Self {
        Self {
            zone,
            limit,
            entries: Vec::new(),
        }
    }

    /// The entries of `member` that hold capacity on `date` at `now`.
    pub fn held_on(&self, member: usize, date: NaiveDate, now: DateTime<Utc>) -> u32 {
        let count = self
            .entries
            .iter()
            .filter(|entry| entry.member == member && entry.date == date)
            .filter(|entry| match entry.hold {
                Hold::Committed => true,
                Hold::Reserved { expires_at } => now < expires_at,
                Hold::Released => false,
            })
            .count();
        u32::try_from(count).expect("a small count")
    }

    /// Whether an attempt by `member` at `now` fits the daily limit.
    pub fn allows(&self, member: usize, now: DateTime<Utc>) -> bool {
        self.held_on(member, local_date(self.zone, now), now) < self.limit
    }

    /// Records an accepted attempt at `now`; `expires_at` for a reservation. Returns its index.
    pub fn accept(
        &mut self,
        member: usize,
        now: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    ) -> usize {
        let hold = expires_at.map_or(Hold::Committed, |expires_at| Hold::Reserved { expires_at });
        self.entries.push(Entry {
            member,
            at: now,
            date: local_date(self.zone, now),
            hold,
        });
        self.entries.len() - 1
    }

    /// Whether the reservation at `index` can be confirmed at `now` (live, not lapsed).
    pub fn confirmable(&self, index: usize, now: DateTime<Utc>) -> bool {
        matches!(self.entries[index].hold, Hold::Reserved { expires_at } if now < expires_at)
    }

    /// Confirms the reservation at `index`: it keeps the date it was made on.
    pub fn confirm(&mut self, index: usize) {
        self.entries[index].hold = Hold::Committed;
    }

    /// Releases the reservation at `index` (cancelled, or found lapsed).
    pub fn release(&mut self, index: usize) {
        self.entries[index].hold = Hold::Released;
    }
}
