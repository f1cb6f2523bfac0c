//! The world the calendar properties drive: an account with a per-member-per-day limit run
//! through the real `decide` and `evolve` (via `support`), a reference `Ledger` beside it, the
//! generated steps, and a tally of outcomes. Every attempt's answer is checked against the
//! reference as it happens.

use crate::calendar::{self, local_date, next_local_day, Anchor, Ledger, ANCHORS};
use crate::support::{pos, Account};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use domain::account::AccountFields;
use domain::error::LimitKind;
use domain::ids::{MemberId, OfferId, RedemptionId, StoreId};
use domain::offer::OfferFields;
use domain::{Command, DomainError, EventKind};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::cell::Cell;

/// Members per world.
pub const MEMBERS: usize = 2;

/// One step of a generated sequence.
#[derive(Clone, Debug)]
pub enum Op {
    /// Move the clock forward.
    Advance { minutes: i64 },
    /// A member redeems a fresh credential.
    Redeem { member: usize },
    /// A member reserves a fresh credential for `ttl` seconds.
    Reserve { member: usize, ttl: u32 },
    /// Confirm the `n`th reservation still reserved in the ledger.
    Confirm(usize),
    /// Cancel the `n`th reservation still reserved in the ledger.
    Cancel(usize),
    /// Jump to `before` minutes ahead of the next local midnight (stays put when that is past).
    NearMidnight { before: i64 },
    /// Reserve `before` minutes ahead of the next local midnight (for as long as needed) and
    /// confirm `after` minutes past it.
    AcrossMidnight {
        member: usize,
        before: i64,
        after: i64,
    },
    /// Change the account's zone to `ANCHORS[n]`'s.
    SetZone(usize),
}

impl Op {
    /// The member whose fresh credential the op presents, if it presents one.
    fn spends_code_of(&self) -> Option<usize> {
        match self {
            Op::Redeem { member }
            | Op::Reserve { member, .. }
            | Op::AcrossMidnight { member, .. } => Some(*member),
            _ => None,
        }
    }
}

/// Gaps mostly short (several attempts a local day) with some long jumps across days.
pub fn advance() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..=90i64).prop_map(|minutes| Op::Advance { minutes }),
        2 => (90..=600i64).prop_map(|minutes| Op::Advance { minutes }),
    ]
}

/// Redemptions and clock moves only (jumps to just before a local midnight among them).
pub fn redemption_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..MEMBERS).prop_map(|member| Op::Redeem { member }),
        2 => advance(),
        2 => (0..=45i64).prop_map(|before| Op::NearMidnight { before }),
    ]
}

/// Redemptions and clock moves (jumps to just before a local midnight among them), reservations
/// (up to the one-hour maximum, some made just before midnight and confirmed after it), their
/// confirmation or cancellation, and changes of zone.
pub fn mixed_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..MEMBERS).prop_map(|member| Op::Redeem { member }),
        2 => (0..MEMBERS, 60..=3_600u32).prop_map(|(member, ttl)| Op::Reserve { member, ttl }),
        2 => any::<usize>().prop_map(Op::Confirm),
        1 => any::<usize>().prop_map(Op::Cancel),
        1 => (0..ANCHORS.len()).prop_map(Op::SetZone),
        1 => (0..MEMBERS, 1..=30i64, 0..=25i64)
            .prop_map(|(member, before, after)| Op::AcrossMidnight { member, before, after }),
        3 => advance(),
        2 => (0..=45i64).prop_map(|before| Op::NearMidnight { before }),
    ]
}

/// Counts over a whole run, so a domain that accepts or refuses everything cannot pass.
#[derive(Default)]
pub struct Tally {
    /// Attempts (redemptions and reservations) the domain accepted.
    pub accepted: Cell<u32>,
    /// Attempts the domain refused with the per-member-per-day limit.
    pub refused: Cell<u32>,
    /// Attempts the reference decides differently when it counts UTC dates instead of local
    /// ones: the cases where the zone matters.
    pub zone_matters: Cell<u32>,
    /// Reservations confirmed on a later local date than the one they count on.
    pub confirmed_after_midnight: Cell<u32>,
    /// Changes of zone that took effect.
    pub zone_changes: Cell<u32>,
}

impl Tally {
    /// Adds one to `cell`.
    pub fn bump(cell: &Cell<u32>) {
        cell.set(cell.get() + 1);
    }

    /// Attempts decided either way.
    pub fn attempts(&self) -> u32 {
        self.accepted.get() + self.refused.get()
    }
}

/// An account with a per-member-per-day limit, a pool of credentials per member issued up
/// front (issuing checks limits too, so issuing before any redemption keeps it out of the way),
/// and the reference ledger beside it.
pub struct World {
    account: Account,
    store: StoreId,
    codes: Vec<Vec<String>>,
    ledger: Ledger,
    /// Reservations: the domain's id and the ledger's index.
    reservations: Vec<(RedemptionId, usize)>,
}

impl World {
    pub fn new(anchor: &Anchor, limit: u32, ops: &[Op], start: DateTime<Utc>) -> Self {
        let mut account = Account::with_fields(AccountFields {
            name: Some("Calendar".into()),
            time_zone: Some(anchor.name.into()),
            ..Default::default()
        });
        let members: Vec<MemberId> = (0..MEMBERS)
            .map(|n| account.member(&format!("m{n}")))
            .collect();
        let channel = account.named_channel("App");
        let merchant = account.merchant("M");
        let store = account.store(merchant, "S");
        let offer: OfferId = account.dollar_off(
            "Daily",
            channel,
            OfferFields {
                max_redemptions_per_member_per_day: Some(limit),
                ..Default::default()
            },
        );
        let codes = members
            .iter()
            .enumerate()
            .map(|(index, member)| {
                let wanted = ops
                    .iter()
                    .filter(|op| op.spends_code_of() == Some(index))
                    .count();
                (0..wanted)
                    .map(|_| account.code(*member, channel, &[offer]))
                    .collect()
            })
            .collect();
        assert!(
            start >= account.now,
            "anchors lie after the harness's start"
        );
        account.now = start;
        Self {
            account,
            store,
            codes,
            ledger: Ledger::new(anchor.zone, limit),
            reservations: Vec::new(),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.account.now
    }

    /// Runs one op, checking the domain's answer against the reference.
    pub fn step(&mut self, op: &Op, tally: &Tally) -> Result<(), TestCaseError> {
        match op {
            Op::Advance { minutes } => self.account.advance(Duration::minutes(*minutes)),
            Op::NearMidnight { before } => {
                let target =
                    next_local_day(self.ledger.zone, self.now()) - Duration::minutes(*before);
                if target > self.now() {
                    self.account.now = target;
                }
            }
            Op::AcrossMidnight {
                member,
                before,
                after,
            } => {
                self.step(&Op::NearMidnight { before: *before }, tally)?;
                let ttl = u32::try_from((before + after + 1) * 60).expect("under an hour");
                let reserved = self.reservations.len();
                self.attempt(*member, Some(ttl), tally)?;
                self.account.advance(Duration::minutes(before + after));
                if self.reservations.len() > reserved {
                    let live = self.live_index(reserved);
                    self.confirm(live, tally)?;
                }
            }
            Op::Redeem { member } => self.attempt(*member, None, tally)?,
            Op::Reserve { member, ttl } => self.attempt(*member, Some(*ttl), tally)?,
            Op::Confirm(n) => self.confirm(*n, tally)?,
            Op::Cancel(n) => {
                if let Some((id, index)) = self.live_reservation(*n) {
                    self.account
                        .ok(Command::CancelReservation { redemption_id: id });
                    self.ledger.release(index);
                }
            }
            Op::SetZone(n) => {
                let anchor = &ANCHORS[*n];
                self.account.ok(Command::UpdateAccount {
                    fields: AccountFields {
                        time_zone: Some(anchor.name.into()),
                        ..Default::default()
                    },
                });
                if self.ledger.zone != anchor.zone {
                    Tally::bump(&tally.zone_changes);
                }
                self.ledger.zone = anchor.zone;
            }
        }
        Ok(())
    }

    /// A redemption (`ttl` none) or reservation by `member` now.
    fn attempt(
        &mut self,
        member: usize,
        ttl: Option<u32>,
        tally: &Tally,
    ) -> Result<(), TestCaseError> {
        let now = self.now();
        let allowed = self.ledger.allows(member, now);
        if allowed != self.allowed_in_utc(member, now) {
            Tally::bump(&tally.zone_matters);
        }
        let code = self.codes[member].pop().expect("a code per attempt");
        let request = pos(self.store, &[&code], vec![]);
        let command = match ttl {
            None => Command::Redeem { request },
            Some(ttl_seconds) => Command::Reserve {
                request,
                ttl_seconds,
            },
        };
        let context = format!(
            "member {member} at {now} ({} local, zone {}), limit {}, ledger {:?}",
            now.with_timezone(&self.ledger.zone),
            self.ledger.zone,
            self.ledger.limit,
            self.ledger.entries,
        );
        match self.account.run(command) {
            Ok(events) => {
                prop_assert!(allowed, "domain accepted, reference refuses: {}", context);
                Tally::bump(&tally.accepted);
                let expires_at = ttl.map(|ttl| now + Duration::seconds(i64::from(ttl)));
                let index = self.ledger.accept(member, now, expires_at);
                if ttl.is_some() {
                    let id = events
                        .iter()
                        .find_map(|event| match &event.kind {
                            EventKind::RedemptionReserved(r) => Some(r.redemption_id),
                            _ => None,
                        })
                        .expect("a reservation event");
                    self.reservations.push((id, index));
                }
            }
            Err(DomainError::LimitReached {
                limit: LimitKind::PerMemberPerDay,
                ..
            }) => {
                prop_assert!(!allowed, "domain refused, reference allows: {}", context);
                Tally::bump(&tally.refused);
            }
            Err(other) => prop_assert!(false, "unexpected refusal {:?}: {}", other, context),
        }
        Ok(())
    }

    /// The reference's answer if days were UTC dates (only to measure where the zone matters).
    fn allowed_in_utc(&self, member: usize, now: DateTime<Utc>) -> bool {
        let mut utc_ledger = self.ledger.clone();
        utc_ledger.zone = Tz::UTC;
        for entry in &mut utc_ledger.entries {
            entry.date = entry.at.date_naive();
        }
        utc_ledger.allows(member, now)
    }

    /// The reservations the ledger still counts as reserved.
    fn live_reservations(&self) -> Vec<(RedemptionId, usize)> {
        self.reservations
            .iter()
            .copied()
            .filter(|(_, index)| {
                matches!(
                    self.ledger.entries[*index].hold,
                    calendar::Hold::Reserved { .. }
                )
            })
            .collect()
    }

    /// The `n`th (wrapping) reservation the ledger still counts as reserved.
    fn live_reservation(&self, n: usize) -> Option<(RedemptionId, usize)> {
        let live = self.live_reservations();
        (!live.is_empty()).then(|| live[n % live.len()])
    }

    /// Where the `reserved`th reservation made stands among the live ones.
    fn live_index(&self, reserved: usize) -> usize {
        let wanted = self.reservations[reserved];
        self.live_reservations()
            .iter()
            .position(|live| *live == wanted)
            .expect("the reservation just made is live")
    }

    fn confirm(&mut self, n: usize, tally: &Tally) -> Result<(), TestCaseError> {
        let Some((id, index)) = self.live_reservation(n) else {
            return Ok(());
        };
        let now = self.now();
        let expected = self.ledger.confirmable(index, now);
        match self
            .account
            .run(Command::ConfirmReservation { redemption_id: id })
        {
            Ok(_) => {
                prop_assert!(expected, "confirmed a lapsed reservation {} at {}", id, now);
                if local_date(self.ledger.zone, now) > self.ledger.entries[index].date {
                    Tally::bump(&tally.confirmed_after_midnight);
                }
                self.ledger.confirm(index);
            }
            Err(DomainError::ReservationExpired { .. }) => {
                prop_assert!(!expected, "refused to confirm live reservation {}", id);
                self.ledger.release(index);
            }
            Err(other) => prop_assert!(false, "unexpected refusal {:?} confirming {}", other, id),
        }
        Ok(())
    }
}

/// Runs `test` over `cases` cases of `strategy`, panicking with the minimal failing input.
/// The cases come from a fixed seed: the callers also assert how the cases fall (enough
/// accepted, enough refused, a zone that changes some answer), and a fresh random draw of 24
/// cases sometimes missed a zone's offset change altogether, failing a correct build.
pub fn check<S: Strategy>(
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    if let Err(error) = runner.run(&strategy, test) {
        panic!("{error}");
    }
}

/// Prints a tally and checks it has enough attempts, and at least `min_percent` of them
/// accepted and as many refused.
pub fn assert_both_outcomes(label: &str, tally: &Tally, min_attempts: u32, min_percent: u32) {
    let (accepted, refused, attempts) =
        (tally.accepted.get(), tally.refused.get(), tally.attempts());
    eprintln!(
        "{label}: {attempts} attempts, {accepted} accepted, {refused} refused, \
         zone mattered in {}, {} confirmed after midnight, {} zone changes",
        tally.zone_matters.get(),
        tally.confirmed_after_midnight.get(),
        tally.zone_changes.get(),
    );
    assert!(
        attempts >= min_attempts,
        "{label}: too few attempts ({attempts})"
    );
    assert!(
        accepted * 100 >= attempts * min_percent,
        "{label}: under {min_percent}% accepted"
    );
    assert!(
        refused * 100 >= attempts * min_percent,
        "{label}: under {min_percent}% refused"
    );
}
