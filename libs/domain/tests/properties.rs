//! Properties over any sequence of commands (bulk jobs' steps among them), on credentials
//! reusable or not: limits are never exceeded, replaying the events (through their JSON form)
//! rebuilds the live state, repeats of a keyed command emit nothing and answer the first
//! outcome, no two live credentials share a code and no two issuances share a credential id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::Duration;
use domain::account::AccountFields;
use domain::bulk::{BulkJobFields, BulkTargets};
use domain::channel::{ChannelFields, CodeFormat};
use domain::ids::{ChannelId, CredentialId, MemberId, OfferId, RedemptionId, StoreId};
use domain::offer::OfferFields;
use domain::redemption::RedemptionStatus;
use domain::{replay, Command, Decision, Event, EventKind};
use proptest::prelude::*;
use std::collections::HashMap;
use support::{pos, Account};

#[derive(Clone, Debug)]
enum Op {
    Issue {
        member: usize,
        channel: usize,
        reusable: bool,
    },
    Redeem {
        credential: usize,
    },
    Reserve {
        credential: usize,
        ttl: u32,
    },
    Confirm(usize),
    Cancel(usize),
    Void(usize),
    Reverse(usize),
    Delete(usize),
    Advance {
        minutes: u32,
    },
    ExpireDue,
    Repeat(usize),
    /// A bulk job to the members at these indices (3: an identifier that names no member).
    Bulk(Vec<usize>),
    BulkStep {
        max: u32,
    },
}

fn op(max_advance_minutes: u32) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 0..2usize, any::<bool>())
            .prop_map(|(member, channel, reusable)| Op::Issue { member, channel, reusable }),
        4 => any::<usize>().prop_map(|credential| Op::Redeem { credential }),
        2 => (any::<usize>(), 1..120u32).prop_map(|(credential, ttl)| Op::Reserve { credential, ttl }),
        1 => any::<usize>().prop_map(Op::Confirm),
        1 => any::<usize>().prop_map(Op::Cancel),
        1 => any::<usize>().prop_map(Op::Void),
        1 => any::<usize>().prop_map(Op::Reverse),
        1 => any::<usize>().prop_map(Op::Delete),
        2 => (0..=max_advance_minutes).prop_map(|minutes| Op::Advance { minutes }),
        1 => Just(Op::ExpireDue),
        2 => any::<usize>().prop_map(Op::Repeat),
        1 => prop::collection::vec(0..4usize, 1..6).prop_map(Op::Bulk),
        2 => (1..4u32).prop_map(|max| Op::BulkStep { max }),
    ]
}

#[derive(Clone, Debug)]
struct Caps {
    total: Option<u32>,
    per_member: Option<u32>,
    per_day: Option<u32>,
    channel: Option<u32>,
}

fn caps() -> impl Strategy<Value = Caps> {
    (
        prop::option::of(1..8u32),
        prop::option::of(1..4u32),
        prop::option::of(1..3u32),
        prop::option::of(1..5u32),
    )
        .prop_map(|(total, per_member, per_day, channel)| Caps {
            total,
            per_member,
            per_day,
            channel,
        })
}

struct World {
    account: Account,
    members: Vec<MemberId>,
    channels: Vec<ChannelId>,
    store: StoreId,
    offer: OfferId,
    caps: Caps,
    credentials: Vec<CredentialId>,
    redemptions: Vec<RedemptionId>,
    keyed: Vec<(String, Command, Vec<Event>)>,
}

impl World {
    fn new(caps: Caps, code_format: CodeFormat, seed: u64) -> Self {
        let fields = AccountFields {
            name: Some("Property".into()),
            ..Default::default()
        };
        let mut account = Account::seeded(fields, seed);
        let members = (0..3).map(|n| account.member(&format!("m{n}"))).collect();
        let lifetime = matches!(code_format, CodeFormat::Numeric { .. }).then_some(3_600);
        let channels: Vec<ChannelId> = (0..2)
            .map(|n| {
                account.channel(ChannelFields {
                    name: Some(format!("c{n}")),
                    code_format: Some(code_format),
                    code_lifetime: lifetime,
                    ..Default::default()
                })
            })
            .collect();
        let merchant = account.merchant("M");
        let store = account.store(merchant, "S");
        let offer = account.dollar_off(
            "Limited",
            channels[0],
            OfferFields {
                max_redemptions: caps.total,
                max_redemptions_per_member: caps.per_member,
                max_redemptions_per_member_per_day: caps.per_day,
                ..Default::default()
            },
        );
        account.ok(Command::LinkOfferChannels {
            offer_id: offer,
            channel_ids: vec![channels[1]],
        });
        account.ok(Command::SetOfferChannelCap {
            offer_id: offer,
            channel_id: channels[0],
            max_redemptions: caps.channel,
        });
        Self {
            account,
            members,
            channels,
            store,
            offer,
            caps,
            credentials: Vec::new(),
            redemptions: Vec::new(),
            keyed: Vec::new(),
        }
    }

    fn pick<T: Copy>(items: &[T], index: usize) -> Option<T> {
        (!items.is_empty()).then(|| items[index % items.len()])
    }

    fn code(&self, index: usize) -> Option<String> {
        let id = Self::pick(&self.credentials, index)?;
        self.account
            .state
            .credential(id)?
            .identifier
            .as_deref()
            .map(str::to_owned)
    }

    fn command(&self, op: &Op) -> Option<Command> {
        let redemption = |index| Self::pick(&self.redemptions, index);
        Some(match op {
            Op::Issue {
                member,
                channel,
                reusable,
            } => Command::IssueCredential {
                request: domain::command::CredentialRequest {
                    member_id: Some(self.members[*member]),
                    channel_id: Some(self.channels[*channel]),
                    offer_ids: vec![self.offer],
                    reusable: Some(*reusable),
                    ..Default::default()
                },
            },
            Op::Redeem { credential } => Command::Redeem {
                request: pos(self.store, &[&self.code(*credential)?], vec![]),
            },
            Op::Reserve { credential, ttl } => Command::Reserve {
                request: pos(self.store, &[&self.code(*credential)?], vec![]),
                ttl_seconds: *ttl,
            },
            Op::Confirm(index) => Command::ConfirmReservation {
                redemption_id: redemption(*index)?,
            },
            Op::Cancel(index) => Command::CancelReservation {
                redemption_id: redemption(*index)?,
            },
            Op::Void(index) => Command::VoidRedemption {
                redemption_id: redemption(*index)?,
            },
            Op::Reverse(index) => Command::ReverseRedemption {
                redemption_id: redemption(*index)?,
            },
            Op::Delete(index) => Command::DeleteCredential {
                credential_id: Self::pick(&self.credentials, *index)?,
            },
            Op::ExpireDue => Command::ExpireDue,
            Op::Bulk(members) => Command::CreateBulkJob {
                fields: BulkJobFields {
                    offer_id: self.offer,
                    channel_id: self.channels[0],
                    targets: BulkTargets::Identifiers(
                        members
                            .iter()
                            .map(|index| match index {
                                0..=2 => format!("m{index}"),
                                _ => "nobody".to_owned(),
                            })
                            .collect(),
                    ),
                },
            },
            Op::BulkStep { max } => Command::AdvanceBulkJob { max: *max },
            Op::Advance { .. } | Op::Repeat(_) => return None,
        })
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match op {
            Op::Advance { minutes } => self.account.advance(Duration::minutes(i64::from(*minutes))),
            Op::Repeat(index) => self.repeat(*index)?,
            _ => {
                let Some(command) = self.command(op) else {
                    return Ok(());
                };
                let key = format!("k{}", self.account.events.len());
                if let Ok(decision) = self.account.decide(command.clone(), Some(&key)) {
                    let events = decision.outcome().to_vec();
                    for event in &events {
                        match &event.kind {
                            EventKind::CredentialIssued(credential) => {
                                self.credentials.push(credential.credential_id)
                            }
                            EventKind::RedemptionCommitted(r)
                            | EventKind::RedemptionReserved(r) => {
                                self.redemptions.push(r.redemption_id)
                            }
                            _ => {}
                        }
                    }
                    if !events.is_empty() {
                        self.keyed.push((key, command, events));
                    }
                }
            }
        }
        Ok(())
    }

    fn repeat(&mut self, index: usize) -> Result<(), TestCaseError> {
        let Some((key, command, first)) =
            (!self.keyed.is_empty()).then(|| self.keyed[index % self.keyed.len()].clone())
        else {
            return Ok(());
        };
        if self.account.state.idempotency().recall(&key).is_none() {
            return Ok(());
        }
        let before = self.account.state.clone();
        let recorded = self.account.events.len();
        let decision = self.account.decide(command, Some(&key));
        prop_assert_eq!(decision, Ok(Decision::Repeated(first)));
        prop_assert_eq!(self.account.events.len(), recorded);
        prop_assert!(self.account.state == before, "a repeat changed the state");
        Ok(())
    }

    /// Counts applications holding capacity straight from the redemption records.
    fn check_limits(&self) -> Result<(), TestCaseError> {
        let state = &self.account.state;
        let now = self.account.now;
        let mut total = 0;
        let mut per_member: HashMap<MemberId, u32> = HashMap::new();
        let mut per_day: HashMap<(MemberId, chrono::NaiveDate), u32> = HashMap::new();
        let mut per_channel: HashMap<ChannelId, u32> = HashMap::new();
        for redemption in state.redemptions() {
            let holds = redemption.status == RedemptionStatus::Committed
                || (redemption.status == RedemptionStatus::Reserved
                    && !redemption.is_lapsed_at(now));
            if !holds {
                continue;
            }
            for application in &redemption.applications {
                total += 1;
                *per_member.entry(application.member_id).or_default() += 1;
                *per_day
                    .entry((application.member_id, application.day))
                    .or_default() += 1;
                *per_channel.entry(application.channel_id).or_default() += 1;
            }
        }
        let within = |cap: Option<u32>, count: u32| cap.is_none_or(|cap| count <= cap);
        prop_assert!(
            within(self.caps.total, total),
            "total {} > {:?}",
            total,
            self.caps.total
        );
        for count in per_member.values() {
            prop_assert!(within(self.caps.per_member, *count), "per member {}", count);
        }
        for count in per_day.values() {
            prop_assert!(within(self.caps.per_day, *count), "per day {}", count);
        }
        let on_capped = per_channel.get(&self.channels[0]).copied().unwrap_or(0);
        prop_assert!(
            within(self.caps.channel, on_capped),
            "channel {}",
            on_capped
        );
        Ok(())
    }

    /// No two issuances (single or a bulk step's) took the same credential id.
    fn check_ids_unique(&self) -> Result<(), TestCaseError> {
        let mut seen = std::collections::HashSet::new();
        for event in &self.account.events {
            if let EventKind::CredentialIssued(credential) = &event.kind {
                prop_assert!(
                    seen.insert(credential.credential_id),
                    "credential {} issued twice",
                    credential.credential_id
                );
            }
        }
        Ok(())
    }

    fn check_codes_unique(&self) -> Result<(), TestCaseError> {
        let state = &self.account.state;
        let mut holders: HashMap<&str, CredentialId> = HashMap::new();
        for credential in state.credentials() {
            if !credential.holds_code_at(self.account.now) {
                continue;
            }
            let Some(code) = credential.identifier.as_deref() else {
                continue;
            };
            if let Some(other) = holders.insert(code, credential.id) {
                prop_assert!(
                    false,
                    "code {} held by {} and {}",
                    code,
                    other,
                    credential.id
                );
            }
            prop_assert_eq!(state.credential_id_by_code(code), Some(credential.id));
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn limits_are_never_exceeded(caps in caps(), seed in any::<u64>(), ops in prop::collection::vec(op(36 * 60), 1..80)) {
        let mut world = World::new(caps, CodeFormat::Secure, seed);
        for op in &ops {
            world.step(op)?;
            world.check_limits()?;
        }
    }

    #[test]
    fn replaying_the_events_from_json_rebuilds_the_state(caps in caps(), seed in any::<u64>(), ops in prop::collection::vec(op(36 * 60), 1..80)) {
        let mut world = World::new(caps, CodeFormat::Secure, seed);
        for op in &ops {
            world.step(op)?;
        }
        let decoded: Vec<Event> = world
            .account
            .events
            .iter()
            .map(|event| Event::from_json(&serde_json::to_string(event).unwrap()).unwrap())
            .collect();
        prop_assert_eq!(&decoded, &world.account.events);
        prop_assert!(replay(decoded.clone()) == world.account.state, "replayed state differs from the live one");
    }

    #[test]
    fn keyed_repeats_emit_nothing_and_answer_the_first_outcome(
        caps in caps(),
        seed in any::<u64>(),
        ops in prop::collection::vec(op(30), 1..80),
    ) {
        let mut world = World::new(caps, CodeFormat::Secure, seed);
        for op in &ops {
            world.step(op)?;
        }
        for index in 0..world.keyed.len() {
            world.repeat(index)?;
        }
    }

    #[test]
    fn live_codes_are_unique(seed in any::<u64>(), ops in prop::collection::vec(op(2), 1..300)) {
        let caps = Caps { total: None, per_member: None, per_day: None, channel: None };
        let mut world = World::new(caps, CodeFormat::Numeric { digits: 4 }, seed);
        for op in &ops {
            world.step(op)?;
            world.check_codes_unique()?;
            world.check_ids_unique()?;
        }
    }
}
