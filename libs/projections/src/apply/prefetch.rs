//! What a batch loads before it is applied: every cached row an event of the batch reads
//! (rows it creates itself excepted), including the credentials of redemptions that a later
//! event closes, so that applying the batch reads nothing more.

use super::cache::Key;
use super::{Decoded, Rows};
use crate::error::{int, ProjectionError};
use domain::event::{CredentialEventRef, FamilyRef, MemberEventRef, RedemptionEventRef};
use domain::EventKind;
use sqlx::AnyConnection;
use std::collections::BTreeSet;

/// Keys a batch reads, minus those it creates before reading.
#[derive(Default)]
struct Wanted {
    read: BTreeSet<Key>,
    created: BTreeSet<Key>,
}

impl Wanted {
    fn read(&mut self, account: i64, id: u64) -> Result<(), ProjectionError> {
        let key = (account, int(id)?);
        if !self.created.contains(&key) {
            self.read.insert(key);
        }
        Ok(())
    }

    fn created(&mut self, account: i64, id: u64) -> Result<(), ProjectionError> {
        self.created.insert((account, int(id)?));
        Ok(())
    }
}

/// What a batch reads, per cached table.
#[derive(Default)]
struct Reads {
    members: Wanted,
    credentials: Wanted,
    redemptions: Wanted,
}

impl Reads {
    /// Adds what applying `kind` of `account` reads; only members, credentials and
    /// redemptions are cached.
    fn of(&mut self, account: i64, kind: &EventKind) -> Result<(), ProjectionError> {
        match kind.family() {
            FamilyRef::Member(event) => self.of_member(account, event),
            FamilyRef::Credential(event) => self.of_credential(account, event),
            FamilyRef::Redemption(event) => self.of_redemption(account, event),
            FamilyRef::Account(_)
            | FamilyRef::ApiKey(_)
            | FamilyRef::Merchant(_)
            | FamilyRef::Manufacturer(_)
            | FamilyRef::Counter(_)
            | FamilyRef::Occasion(_)
            | FamilyRef::PosOfferCode(_)
            | FamilyRef::Store(_)
            | FamilyRef::StoreList(_)
            | FamilyRef::MemberList(_)
            | FamilyRef::Item(_)
            | FamilyRef::ItemSet(_)
            | FamilyRef::Offer(_)
            | FamilyRef::OfferChannel(_)
            | FamilyRef::OfferState(_)
            | FamilyRef::Points(_)
            | FamilyRef::CheckIn(_)
            | FamilyRef::Impression(_)
            | FamilyRef::Campaign(_)
            | FamilyRef::Schedule(_)
            | FamilyRef::BulkJob(_)
            | FamilyRef::Zidentifier(_)
            | FamilyRef::Channel(_) => Ok(()),
        }
    }

    fn of_member(&mut self, account: i64, event: MemberEventRef) -> Result<(), ProjectionError> {
        match event {
            MemberEventRef::Created(member) => self.members.created(account, member.id.0),
            MemberEventRef::Updated(member) => self.members.read(account, member.id.0),
            MemberEventRef::Deleted(gone) | MemberEventRef::Erased(gone) => {
                self.members.read(account, gone.member_id.0)
            }
            MemberEventRef::ErasureRequested(_) => Ok(()),
        }
    }

    fn of_credential(
        &mut self,
        account: i64,
        event: CredentialEventRef,
    ) -> Result<(), ProjectionError> {
        let credentials = &mut self.credentials;
        match event {
            CredentialEventRef::Issued(issued) => {
                credentials.created(account, issued.credential_id.0)
            }
            CredentialEventRef::OffersChanged(change) => {
                credentials.read(account, change.credential_id.0)
            }
            CredentialEventRef::Voided(voided) => credentials.read(account, voided.credential_id.0),
            CredentialEventRef::Expired(expired) => {
                credentials.read(account, expired.credential_id.0)
            }
            CredentialEventRef::Deleted(deleted) => {
                credentials.read(account, deleted.credential_id.0)
            }
            CredentialEventRef::Changed(change) => {
                credentials.read(account, change.credential_id.0)
            }
        }
    }

    fn of_redemption(
        &mut self,
        account: i64,
        event: RedemptionEventRef,
    ) -> Result<(), ProjectionError> {
        match event {
            RedemptionEventRef::Committed(recorded) | RedemptionEventRef::Reserved(recorded) => {
                self.redemptions
                    .created(account, recorded.redemption_id.0)?;
                for offer in &recorded.offers {
                    self.credentials.read(account, offer.credential_id.0)?;
                }
                Ok(())
            }
            RedemptionEventRef::ReservationConfirmed(change)
            | RedemptionEventRef::ReservationCancelled(change)
            | RedemptionEventRef::ReservationExpired(change)
            | RedemptionEventRef::Voided(change)
            | RedemptionEventRef::Reversed(change) => {
                self.redemptions.read(account, change.redemption_id.0)
            }
        }
    }
}

/// Loads into `rows` what applying `events` will read.
pub(super) async fn load(
    rows: &mut Rows,
    tx: &mut AnyConnection,
    events: &[Decoded],
) -> Result<(), ProjectionError> {
    let mut reads = Reads::default();
    for Decoded { account, event, .. } in events {
        reads.of(*account, &event.kind)?;
    }
    let Reads {
        members,
        mut credentials,
        redemptions,
    } = reads;
    rows.redemptions
        .load(tx, redemptions.read.iter().copied())
        .await?;
    for &(account, id) in &redemptions.read {
        if let Some(stored) = rows.redemptions.get(tx, (account, id)).await? {
            for credential in stored.row.credential_ids.clone() {
                credentials.read(account, credential.0)?;
            }
        }
    }
    rows.credentials.load(tx, credentials.read).await?;
    rows.members.load(tx, members.read).await
}
