//! The dispatcher's slim fold ([`CallbackState`]) against the domain's whole state: over any
//! sequence of issues (with and without callback annotations), offer changes, redemptions,
//! reservations confirmed or cancelled, voids, reversals, deletions, member renames, channel
//! unlinks and relinks and account callback switches, every redemption makes the same
//! conversions and targets from the slim fold as from the domain's `AccountState` (read as the
//! dispatcher read it before it kept its own fold).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use callbacks::conversion::{targets, Redeemed, Target, TargetKind};
use callbacks::fold::CallbackState;
use callbacks::Conversion;
use chrono::{DateTime, Utc};
use domain::account::AccountFields;
use domain::catalog::MemberFields;
use domain::channel::ChannelFields;
use domain::command::CredentialRequest;
use domain::credential::{AnnotationValue, Annotations};
use domain::ids::{AccountId, ChannelId, CredentialId, OfferId, RedemptionId};
use domain::{decide, evolve, AccountState, Command, Context, Event};
use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use testkit::fixtures::scenario::{wallet_shop, WalletShop};
use testkit::fixtures::{issued_code, redeem, reserve};

const ACCOUNT: AccountId = AccountId(1);

#[derive(Clone, Debug)]
enum Op {
    Issue { bob: bool, annotated: bool },
    ChangeOffers(usize),
    Redeem(usize),
    Reserve(usize),
    Confirm(usize),
    Cancel(usize),
    Void(usize),
    Reverse(usize),
    Delete(usize),
    Rename { bob: bool },
    Unlink,
    Relink,
    AccountCallbacks(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<bool>(), any::<bool>()).prop_map(|(bob, annotated)| Op::Issue { bob, annotated }),
        1 => any::<usize>().prop_map(Op::ChangeOffers),
        4 => any::<usize>().prop_map(Op::Redeem),
        2 => any::<usize>().prop_map(Op::Reserve),
        2 => any::<usize>().prop_map(Op::Confirm),
        1 => any::<usize>().prop_map(Op::Cancel),
        1 => any::<usize>().prop_map(Op::Void),
        1 => any::<usize>().prop_map(Op::Reverse),
        1 => any::<usize>().prop_map(Op::Delete),
        1 => any::<bool>().prop_map(|bob| Op::Rename { bob }),
        1 => Just(Op::Unlink),
        1 => Just(Op::Relink),
        1 => any::<bool>().prop_map(Op::AccountCallbacks),
    ]
}

/// The conversions of a redemption as the dispatcher read them from the domain's state.
fn oracle(
    state: &AccountState,
    redeemed: &Redeemed,
    at: DateTime<Utc>,
) -> Vec<(Conversion, Vec<Target>)> {
    redeemed
        .offers
        .iter()
        .filter_map(|offer| {
            let credential = state.credential(offer.credential_id)?;
            let text = |key: &str| match credential.annotations.get(key) {
                Some(AnnotationValue::Text(text)) => Some(text.clone()),
                _ => None,
            };
            let conversion = Conversion {
                account_id: ACCOUNT,
                redemption_id: redeemed.redemption_id,
                credential_id: credential.id,
                offer_id: offer.offer_id,
                offer_ids: credential.offer_ids.clone(),
                channel_id: credential.channel_id,
                xid: state
                    .offer_link(offer.offer_id, credential.channel_id)
                    .map(|link| link.xid.clone()),
                store_id: redeemed.store_id,
                member_id: credential.member_id,
                sf_uid: text("sf_uid").or_else(|| {
                    state
                        .member(credential.member_id)
                        .map(|member| member.identifier.clone())
                }),
                sf_ac: text("sf_ac"),
                redeemed_at: credential.redeemed_at.unwrap_or(at),
                status: credential.status.to_string(),
                conv_ids: match credential.annotations.get("conv_ids") {
                    Some(AnnotationValue::Map(map)) => map.clone(),
                    _ => BTreeMap::new(),
                },
            };
            let mut found = Vec::new();
            if let Some(channel) = state.channel(credential.channel_id) {
                if let Some(url) = &channel.conversion_callback_url {
                    found.push(Target {
                        kind: TargetKind::Channel {
                            channel_id: channel.id,
                        },
                        template: url.clone(),
                        sign: channel.allow_hmac,
                    });
                }
            }
            if let Some(account) = state.account() {
                if let (true, Some(url)) =
                    (account.enable_callbacks, &account.credential_callback_url)
                {
                    found.push(Target {
                        kind: TargetKind::Account,
                        template: url.clone(),
                        sign: false,
                    });
                }
            }
            Some((conversion, found))
        })
        .collect()
}

struct Run {
    state: AccountState,
    slim: CallbackState,
    shop: WalletShop,
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
    codes: Vec<(CredentialId, String)>,
    redemptions: Vec<RedemptionId>,
    renames: usize,
    conversions: usize,
}

impl Run {
    fn new() -> Self {
        let (history, shop) = wallet_shop();
        let mut run = Self {
            state: AccountState::default(),
            slim: CallbackState::default(),
            shop,
            rng: ChaCha8Rng::seed_from_u64(3),
            now: history.now(),
            codes: Vec::new(),
            redemptions: Vec::new(),
            renames: 0,
            conversions: 0,
        };
        for event in history.events().iter().cloned() {
            run.fold(event);
        }
        run.run(&Command::UpdateChannel {
            channel_id: shop.channel,
            fields: ChannelFields {
                conversion_callback_url: Some("https://partner.example/c?u=%{sf_uid}".into()),
                allow_hmac: Some(true),
                ..ChannelFields::default()
            },
        });
        run
    }

    /// Applies `event` to both folds and checks the conversions it makes agree.
    fn fold(&mut self, event: Event) {
        let at = event.occurred_at;
        evolve(&mut self.state, event.clone());
        let Some(redeemed) = self.slim.apply(event) else {
            return;
        };
        let slim: Vec<(Conversion, Vec<Target>)> = redeemed
            .conversions(&self.slim, ACCOUNT, at)
            .into_iter()
            .map(|conversion| {
                let found = targets(&self.slim, &conversion);
                (conversion, found)
            })
            .collect();
        assert_eq!(slim, oracle(&self.state, &redeemed, at));
        self.conversions += slim.len();
    }

    fn run(&mut self, command: &Command) -> Option<Vec<Event>> {
        self.now += chrono::Duration::seconds(1);
        let mut context = Context::new(self.now, &mut self.rng);
        let events = decide(&self.state, command, None, &mut context)
            .ok()?
            .into_new_events();
        for event in events.iter().cloned() {
            self.fold(event);
        }
        Some(events)
    }

    fn code(&self, index: usize) -> Option<(CredentialId, String)> {
        (!self.codes.is_empty()).then(|| self.codes[index % self.codes.len()].clone())
    }

    fn redemption(&self, index: usize) -> Option<RedemptionId> {
        (!self.redemptions.is_empty()).then(|| self.redemptions[index % self.redemptions.len()])
    }

    fn step(&mut self, op: &Op) {
        let store = self.shop.store;
        match op {
            Op::Issue { bob, annotated } => {
                let member = if *bob {
                    self.shop.bob
                } else {
                    self.shop.member
                };
                let mut annotations = Annotations::new();
                if *annotated {
                    annotations.insert("sf_ac".into(), AnnotationValue::Text("creative".into()));
                    annotations.insert(
                        "conv_ids".into(),
                        AnnotationValue::Map(BTreeMap::from([("click".into(), "c-1".into())])),
                    );
                    annotations.insert("sf_uid".into(), AnnotationValue::Text("partner-7".into()));
                }
                let command = Command::IssueCredential {
                    request: CredentialRequest {
                        member_id: Some(member),
                        channel_id: Some(self.shop.channel),
                        offer_ids: vec![self.shop.offer, self.shop.earner],
                        annotations,
                        ..CredentialRequest::default()
                    },
                };
                if let Some(events) = self.run(&command) {
                    let id = CredentialId(testkit::fixtures::created(&events));
                    self.codes.push((id, issued_code(&events)));
                }
            }
            Op::ChangeOffers(index) => {
                if let Some((id, _)) = self.code(*index) {
                    self.run(&Command::UpdateCredential {
                        credential_id: id,
                        channel_id: Some(self.shop.channel),
                        offer_ids: vec![self.shop.offer],
                        changes: Default::default(),
                    });
                }
            }
            Op::Redeem(index) | Op::Reserve(index) => {
                let Some((_, code)) = self.code(*index) else {
                    return;
                };
                let command = if matches!(op, Op::Redeem(_)) {
                    redeem(store, &code)
                } else {
                    reserve(store, &code, 600)
                };
                if let Some(events) = self.run(&command) {
                    self.redemptions
                        .push(RedemptionId(testkit::fixtures::created(&events)));
                }
            }
            Op::Confirm(index) | Op::Cancel(index) | Op::Void(index) | Op::Reverse(index) => {
                let Some(redemption_id) = self.redemption(*index) else {
                    return;
                };
                let command = match op {
                    Op::Confirm(_) => Command::ConfirmReservation { redemption_id },
                    Op::Cancel(_) => Command::CancelReservation { redemption_id },
                    Op::Void(_) => Command::VoidRedemption { redemption_id },
                    _ => Command::ReverseRedemption { redemption_id },
                };
                self.run(&command);
            }
            Op::Delete(index) => {
                if let Some((credential_id, _)) = self.code(*index) {
                    self.run(&Command::DeleteCredential { credential_id });
                }
            }
            Op::Rename { bob } => {
                self.renames += 1;
                let member_id = if *bob {
                    self.shop.bob
                } else {
                    self.shop.member
                };
                self.run(&Command::UpdateMember {
                    member_id,
                    fields: MemberFields {
                        identifier: Some(format!("renamed-{}", self.renames)),
                        notification_mode: None,
                    },
                });
            }
            Op::Unlink | Op::Relink => {
                let offer_id: OfferId = self.shop.offer;
                let channel_ids: Vec<ChannelId> = vec![self.shop.channel];
                let command = if matches!(op, Op::Unlink) {
                    Command::UnlinkOfferChannels {
                        offer_id,
                        channel_ids,
                    }
                } else {
                    Command::LinkOfferChannels {
                        offer_id,
                        channel_ids,
                    }
                };
                self.run(&command);
            }
            Op::AccountCallbacks(enabled) => {
                self.run(&Command::UpdateAccount {
                    fields: AccountFields {
                        enable_callbacks: Some(*enabled),
                        credential_callback_url: Some("https://account.example/cb".into()),
                        ..AccountFields::default()
                    },
                });
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_slim_fold_makes_the_conversions_the_domain_state_makes(
        ops in prop::collection::vec(op(), 1..80)
    ) {
        let mut run = Run::new();
        for op in &ops {
            run.step(op);
        }
    }
}

#[test]
fn a_plain_sequence_makes_conversions_at_all() {
    let mut run = Run::new();
    for op in [
        Op::AccountCallbacks(true),
        Op::Issue {
            bob: false,
            annotated: true,
        },
        Op::Issue {
            bob: true,
            annotated: false,
        },
        Op::Redeem(0),
        Op::Reserve(1),
        Op::Confirm(1),
    ] {
        run.step(&op);
    }
    assert_eq!(run.conversions, 4, "two credentials of two offers each");
}
