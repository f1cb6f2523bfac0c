//! [`CallbackState`]: what the dispatcher keeps of one account to make its callbacks, folded
//! from the account's events: the callback settings of the account and its channels, the
//! xids of offer-channel links, members' identifiers, and per credential only its member,
//! channel, offers and the annotations callbacks render (`sf_uid`, `sf_ac`, `conv_ids`), with
//! the offers of each open reservation until it ends. The domain's whole `AccountState` is
//! not kept: the command side and the API already hold one, and a third of a pair's memory
//! was a second copy here.
//!
//! The fold names every family and event, so an event type added to the domain has to be
//! sorted here before the crate compiles.

use crate::conversion::Redeemed;
use domain::credential::{AnnotationValue, Annotations};
use domain::event::{
    AccountEvent, ChannelEvent, CredentialEvent, Family, MemberEvent, MemberRef, OfferChannelEvent,
    RedeemedOffer, RedemptionEvent,
};
use domain::ids::{ChannelId, CredentialId, MemberId, OfferId, RedemptionId, StoreId};
use domain::privacy::SEALED_PREFIX;
use domain::Event;
use std::collections::{BTreeMap, HashMap};

/// Where a channel sends its callbacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelCallbacks {
    /// Its `conversion_callback_url`.
    pub url: Option<String>,
    /// Whether it signs them (`allow_hmac`).
    pub sign: bool,
    /// Its HMAC secret.
    pub secret: Option<String>,
}

/// The annotations of a credential callbacks render.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallbackAnnotations {
    /// `sf_uid`, when given as text.
    pub sf_uid: Option<String>,
    /// `sf_ac`, when given as text.
    pub sf_ac: Option<String>,
    /// `conv_ids`, when given as a map.
    pub conv_ids: BTreeMap<String, String>,
}

impl CallbackAnnotations {
    /// What callbacks read of `annotations`; `None` when they hold none of it.
    fn of(annotations: &Annotations) -> Option<Box<Self>> {
        let text = |key: &str| match annotations.get(key) {
            Some(AnnotationValue::Text(text)) => Some(text.clone()),
            _ => None,
        };
        let kept = Self {
            sf_uid: text("sf_uid"),
            sf_ac: text("sf_ac"),
            conv_ids: match annotations.get("conv_ids") {
                Some(AnnotationValue::Map(map)) => map.clone(),
                _ => BTreeMap::new(),
            },
        };
        (kept != Self::default()).then(|| Box::new(kept))
    }
}

/// What callbacks need of a credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialFacts {
    /// Its member.
    pub member_id: MemberId,
    /// Its channel.
    pub channel_id: ChannelId,
    /// Its offers.
    pub offer_ids: Box<[OfferId]>,
    /// The annotations callbacks render, when it has any.
    pub annotations: Option<Box<CallbackAnnotations>>,
}

/// One account as its callbacks need it.
#[derive(Debug, Default)]
pub struct CallbackState {
    account_callbacks: Option<String>,
    channels: HashMap<ChannelId, ChannelCallbacks>,
    links: HashMap<(OfferId, ChannelId), Box<str>>,
    members: HashMap<MemberId, Box<str>>,
    credentials: HashMap<CredentialId, CredentialFacts>,
    reservations: HashMap<RedemptionId, (Option<StoreId>, Vec<RedeemedOffer>)>,
}

impl CallbackState {
    /// Folds `event` in; answers what it redeemed when it is a redemption (a direct one, or a
    /// confirmed reservation, whose offers it takes from the reservation).
    pub fn apply(&mut self, event: Event) -> Option<Redeemed> {
        match event.kind.into_family() {
            Family::Account(AccountEvent::Created(account) | AccountEvent::Updated(account)) => {
                self.account_callbacks = account
                    .credential_callback_url
                    .filter(|_| account.enable_callbacks);
            }
            Family::Channel(event) => self.apply_channel(event),
            Family::OfferChannel(event) => self.apply_link(event),
            Family::Member(event) => self.apply_member(event),
            Family::Credential(event) => self.apply_credential(event),
            Family::Redemption(event) => return self.apply_redemption(event),
            Family::ApiKey(_)
            | Family::Merchant(_)
            | Family::Manufacturer(_)
            | Family::Store(_)
            | Family::Counter(_)
            | Family::Occasion(_)
            | Family::PosOfferCode(_)
            | Family::StoreList(_)
            | Family::MemberList(_)
            | Family::Item(_)
            | Family::ItemSet(_)
            | Family::Offer(_)
            | Family::OfferState(_)
            | Family::Points(_)
            | Family::CheckIn(_)
            | Family::Impression(_)
            | Family::Campaign(_)
            | Family::Schedule(_)
            | Family::BulkJob(_)
            | Family::Zidentifier(_) => {}
        }
        None
    }

    /// The account's `credential_callback_url`, while callbacks are enabled.
    pub fn account_callbacks(&self) -> Option<&str> {
        self.account_callbacks.as_deref()
    }

    /// Channel `id`'s callback settings.
    pub fn channel_callbacks(&self, id: ChannelId) -> Option<&ChannelCallbacks> {
        self.channels.get(&id)
    }

    /// The xid of `offer` on `channel`.
    pub fn xid(&self, offer: OfferId, channel: ChannelId) -> Option<&str> {
        self.links.get(&(offer, channel)).map(AsRef::as_ref)
    }

    /// Member `id`'s identifier.
    pub fn member_identifier(&self, id: MemberId) -> Option<&str> {
        self.members.get(&id).map(AsRef::as_ref)
    }

    /// Credential `id`, unless deleted.
    pub fn credential(&self, id: CredentialId) -> Option<&CredentialFacts> {
        self.credentials.get(&id)
    }

    fn apply_channel(&mut self, event: ChannelEvent) {
        match event {
            ChannelEvent::Created(channel) | ChannelEvent::Updated(channel) => {
                self.channels.insert(
                    channel.id,
                    ChannelCallbacks {
                        url: channel.conversion_callback_url,
                        sign: channel.allow_hmac,
                        secret: channel.hmac_secret,
                    },
                );
            }
            ChannelEvent::Deleted(deleted) => {
                self.channels.remove(&deleted.channel_id);
            }
        }
    }

    fn apply_link(&mut self, event: OfferChannelEvent) {
        match event {
            OfferChannelEvent::Linked(link) => {
                self.links
                    .insert((link.offer_id, link.channel_id), link.xid.into());
            }
            OfferChannelEvent::Unlinked(link) => {
                self.links.remove(&(link.offer_id, link.channel_id));
            }
            OfferChannelEvent::CapSet(_) | OfferChannelEvent::Configured(_) => {}
        }
    }

    fn apply_member(&mut self, event: MemberEvent) {
        match event {
            // A text still sealed belongs to an erased member: it is never rendered.
            MemberEvent::Created(member) | MemberEvent::Updated(member)
                if !member.identifier.starts_with(SEALED_PREFIX) =>
            {
                self.members.insert(member.id, member.identifier.into());
            }
            MemberEvent::Created(member) | MemberEvent::Updated(member) => {
                self.members.remove(&member.id);
            }
            MemberEvent::Deleted(MemberRef { member_id })
            | MemberEvent::Erased(MemberRef { member_id }) => {
                self.members.remove(&member_id);
            }
            MemberEvent::ErasureRequested(_) => {}
        }
    }

    fn apply_credential(&mut self, event: CredentialEvent) {
        match event {
            CredentialEvent::Issued(issued) => {
                let facts = CredentialFacts {
                    member_id: issued.member_id,
                    channel_id: issued.channel_id,
                    offer_ids: issued.offer_ids.into(),
                    annotations: CallbackAnnotations::of(&issued.annotations),
                };
                self.credentials.insert(issued.credential_id, facts);
            }
            CredentialEvent::OffersChanged(change) => {
                if let Some(facts) = self.credentials.get_mut(&change.credential_id) {
                    facts.offer_ids = change.offer_ids.into();
                }
            }
            CredentialEvent::Deleted(deleted) => {
                self.credentials.remove(&deleted.credential_id);
            }
            CredentialEvent::Changed(change) => {
                if let Some(facts) = self.credentials.get_mut(&change.credential_id) {
                    if let Some(member_id) = change.member_id {
                        facts.member_id = member_id;
                    }
                    if let Some(annotations) = &change.annotations {
                        facts.annotations = CallbackAnnotations::of(annotations);
                    }
                }
            }
            CredentialEvent::Voided(_) | CredentialEvent::Expired(_) => {}
        }
    }

    fn apply_redemption(&mut self, event: RedemptionEvent) -> Option<Redeemed> {
        match event {
            RedemptionEvent::Committed(recorded) => Some(Redeemed {
                redemption_id: recorded.redemption_id,
                store_id: recorded.store_id,
                offers: recorded.offers,
            }),
            RedemptionEvent::Reserved(recorded) => {
                self.reservations
                    .insert(recorded.redemption_id, (recorded.store_id, recorded.offers));
                None
            }
            RedemptionEvent::ReservationConfirmed(confirmed) => {
                let id = confirmed.redemption_id;
                let (store_id, offers) = self.reservations.remove(&id)?;
                Some(Redeemed {
                    redemption_id: id,
                    store_id,
                    offers,
                })
            }
            RedemptionEvent::ReservationCancelled(ended)
            | RedemptionEvent::ReservationExpired(ended) => {
                self.reservations.remove(&ended.redemption_id);
                None
            }
            RedemptionEvent::Voided(_) | RedemptionEvent::Reversed(_) => None,
        }
    }
}
