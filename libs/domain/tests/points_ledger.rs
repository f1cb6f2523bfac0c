//! Properties of the points ledger over any sequence of grants, transfers, redemptions of an
//! offer that earns points (committed, reserved then confirmed, voided, reversed) and wallet
//! saves and voids of an offer that costs them: every balance equals a model's earned - taken
//! back - spent + paid back + received - sent, never goes below zero, and replaying the events
//! rebuilds every ledger.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::command::MemberKey;
use domain::ids::{MemberId, OfferStateId, RedemptionId};
use domain::points::queries::ledger;
use domain::{decide, evolve, replay, Command, Context, Event, EventKind};
use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use testkit::fixtures::scenario::{wallet_shop, WalletShop};
use testkit::fixtures::{issue, issued_code, redeem, reserve, save_to_wallet, transfer_points};

const NAMES: [&str; 2] = ["alice", "bob"];

#[derive(Clone, Debug)]
enum Op {
    Grant { to: usize, points: i64 },
    Transfer { from: usize, points: i64 },
    Redeem { member: usize },
    ReserveAndConfirm { member: usize },
    Void(usize),
    Reverse(usize),
    Save { member: usize },
    VoidEntry(usize),
    RepeatTxid(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0..2usize, 0..40i64).prop_map(|(to, points)| Op::Grant { to, points }),
        2 => (0..2usize, 0..40i64).prop_map(|(from, points)| Op::Transfer { from, points }),
        3 => (0..2usize).prop_map(|member| Op::Redeem { member }),
        1 => (0..2usize).prop_map(|member| Op::ReserveAndConfirm { member }),
        1 => any::<usize>().prop_map(Op::Void),
        2 => any::<usize>().prop_map(Op::Reverse),
        3 => (0..2usize).prop_map(|member| Op::Save { member }),
        2 => any::<usize>().prop_map(Op::VoidEntry),
        1 => any::<usize>().prop_map(Op::RepeatTxid),
    ]
}

/// Every member's points as the model keeps them: what each operation should move.
#[derive(Default)]
struct Model {
    balance: HashMap<MemberId, u64>,
}

impl Model {
    fn get(&self, member: MemberId) -> u64 {
        self.balance.get(&member).copied().unwrap_or(0)
    }
    fn add(&mut self, member: MemberId, points: u64) {
        *self.balance.entry(member).or_default() += points;
    }
    fn take(&mut self, member: MemberId, points: u64) -> u64 {
        let taken = points.min(self.get(member));
        *self.balance.entry(member).or_default() -= taken;
        taken
    }
}

struct Run {
    state: domain::AccountState,
    events: Vec<Event>,
    shop: WalletShop,
    rng: ChaCha8Rng,
    now: chrono::DateTime<chrono::Utc>,
    model: Model,
    redemptions: Vec<(RedemptionId, MemberId)>,
    entries: Vec<(OfferStateId, MemberId, bool)>,
    txids: Vec<Command>,
}

impl Run {
    fn new() -> Self {
        let (history, shop) = wallet_shop();
        Self {
            state: history.state().clone(),
            now: history.now(),
            events: history.events().to_vec(),
            shop,
            rng: ChaCha8Rng::seed_from_u64(1),
            model: Model::default(),
            redemptions: Vec::new(),
            entries: Vec::new(),
            txids: Vec::new(),
        }
    }

    fn member(&self, index: usize) -> MemberId {
        [self.shop.member, self.shop.bob][index % 2]
    }

    /// Runs `command`: its events when accepted, `None` when refused.
    fn run(&mut self, command: &Command) -> Option<Vec<Event>> {
        self.now += chrono::Duration::seconds(1);
        let mut context = Context::new(self.now, &mut self.rng);
        let events = decide(&self.state, command, None, &mut context)
            .ok()?
            .into_new_events();
        for event in &events {
            evolve(&mut self.state, event.clone());
        }
        self.events.extend(events.iter().cloned());
        Some(events)
    }

    fn step(&mut self, op: &Op) {
        let channel = self.shop.channel;
        match op {
            Op::Grant { to, points } => {
                let txid = format!("grant-{}", self.txids.len());
                let command = transfer_points(NAMES[*to], None, channel, *points, &txid);
                if self.run(&command).is_some() {
                    self.model.add(self.member(*to), *points as u64);
                    self.txids.push(command);
                }
            }
            Op::Transfer { from, points } => {
                let txid = format!("move-{}", self.txids.len());
                let to = from + 1;
                let command =
                    transfer_points(NAMES[to % 2], Some(NAMES[*from]), channel, *points, &txid);
                let short = (*points as u64) > self.model.get(self.member(*from));
                if self.run(&command).is_some() {
                    assert!(!short, "a transfer beyond the balance was accepted");
                    self.model.take(self.member(*from), *points as u64);
                    self.model.add(self.member(to), *points as u64);
                    self.txids.push(command);
                }
            }
            Op::Redeem { member } | Op::ReserveAndConfirm { member } => {
                let member_id = self.member(*member);
                let issued = self
                    .run(&issue(member_id, channel, self.shop.earner))
                    .expect("issued");
                let code = issued_code(&issued);
                let redemption = if matches!(op, Op::Redeem { .. }) {
                    self.run(&redeem(self.shop.store, &code)).expect("redeemed")
                } else {
                    let reserved = self
                        .run(&reserve(self.shop.store, &code, 60))
                        .expect("reserved");
                    let id = RedemptionId(testkit::fixtures::created(&reserved));
                    assert_eq!(
                        self.model.get(member_id),
                        ledger(&self.state, member_id).balance()
                    );
                    self.run(&Command::ConfirmReservation { redemption_id: id })
                        .expect("confirmed");
                    reserved
                };
                let id = RedemptionId(testkit::fixtures::created(&redemption));
                self.model.add(member_id, 10);
                self.redemptions.push((id, member_id));
            }
            Op::Void(index) | Op::Reverse(index) => {
                let Some(&(id, member)) =
                    self.redemptions.get(index % self.redemptions.len().max(1))
                else {
                    return;
                };
                let command = if matches!(op, Op::Void(_)) {
                    Command::VoidRedemption { redemption_id: id }
                } else {
                    Command::ReverseRedemption { redemption_id: id }
                };
                if self.run(&command).is_some() {
                    self.model.take(member, 10);
                }
            }
            Op::Save { member } => {
                let member_id = self.member(*member);
                let short = self.model.get(member_id) < 25;
                match self.run(&save_to_wallet(member_id, channel, self.shop.reward)) {
                    Some(events) => {
                        assert!(!short, "a save beyond the balance was accepted");
                        let id = OfferStateId(testkit::fixtures::created(&events[1..]));
                        self.model.take(member_id, 25);
                        self.entries.push((id, member_id, false));
                    }
                    None => assert!(short, "a save within the balance was refused"),
                }
            }
            Op::VoidEntry(index) => {
                let count = self.entries.len().max(1);
                let Some(&(id, member, voided)) = self.entries.get(index % count) else {
                    return;
                };
                let command = Command::VoidOfferState {
                    member: MemberKey::Id(member),
                    offer_state_id: id,
                };
                match self.run(&command) {
                    Some(events) => {
                        assert!(!voided, "an entry was voided twice");
                        assert_eq!(refunded(&events), 25, "an unused entry pays back its cost");
                        self.model.add(member, 25);
                        self.entries[index % count].2 = true;
                    }
                    None => assert!(voided, "a saved entry could not be voided"),
                }
            }
            Op::RepeatTxid(index) => {
                let Some(command) = self.txids.get(index % self.txids.len().max(1)).cloned() else {
                    return;
                };
                let events = self.run(&command).expect("a repeat is accepted");
                assert!(events.is_empty(), "a repeated txid moved points again");
            }
        }
    }

    fn check(&self) -> Result<(), TestCaseError> {
        for member in [self.shop.member, self.shop.bob] {
            let found = ledger(&self.state, member);
            let incoming = found.earned + found.refunded + found.received;
            let outgoing = found.clawed_back + found.spent + found.sent;
            prop_assert!(incoming >= outgoing, "{member}: below zero: {found:?}");
            prop_assert_eq!(found.balance(), incoming - outgoing);
            prop_assert_eq!(found.balance(), self.model.get(member), "{:?}", found);
        }
        Ok(())
    }
}

fn refunded(events: &[Event]) -> u64 {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::OfferStateVoided(voided) => Some(voided.points_refunded),
            _ => None,
        })
        .unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn balances_follow_the_model_and_never_go_below_zero(ops in prop::collection::vec(op(), 1..60)) {
        let mut run = Run::new();
        for op in &ops {
            run.step(op);
            run.check()?;
        }
        let replayed = replay(run.events.clone());
        for member in [run.shop.member, run.shop.bob] {
            prop_assert_eq!(ledger(&replayed, member), ledger(&run.state, member));
        }
    }
}
