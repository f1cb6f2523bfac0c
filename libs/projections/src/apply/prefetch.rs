//! What a batch loads before it is applied: every cached row an event of the batch reads
//! (rows it creates itself excepted), including the credentials of redemptions that a later
//! event closes, so that applying the batch reads nothing more.

use super::cache::Key;
use super::{Decoded, Rows};
use crate::error::{int, ProjectionError};
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

/// Loads into `rows` what applying `events` will read.
pub(super) async fn load(
    rows: &mut Rows,
    tx: &mut AnyConnection,
    events: &[Decoded],
) -> Result<(), ProjectionError> {
    let mut members = Wanted::default();
    let mut credentials = Wanted::default();
    let mut redemptions = Wanted::default();
    for Decoded { account, event } in events {
        let account = *account;
        match &event.kind {
            EventKind::MemberCreated(member) => members.created(account, member.id.0)?,
            EventKind::MemberUpdated(member) => members.read(account, member.id.0)?,
            EventKind::MemberDeleted(deleted) => members.read(account, deleted.member_id.0)?,
            EventKind::CredentialIssued(issued) => {
                credentials.created(account, issued.credential_id.0)?;
            }
            EventKind::CredentialOffersChanged(change) => {
                credentials.read(account, change.credential_id.0)?;
            }
            EventKind::CredentialVoided(voided) => {
                credentials.read(account, voided.credential_id.0)?;
            }
            EventKind::CredentialExpired(expired) => {
                credentials.read(account, expired.credential_id.0)?;
            }
            EventKind::RedemptionCommitted(recorded) | EventKind::RedemptionReserved(recorded) => {
                redemptions.created(account, recorded.redemption_id.0)?;
                for offer in &recorded.offers {
                    credentials.read(account, offer.credential_id.0)?;
                }
            }
            EventKind::ReservationConfirmed(change)
            | EventKind::ReservationCancelled(change)
            | EventKind::ReservationExpired(change)
            | EventKind::RedemptionVoided(change)
            | EventKind::RedemptionReversed(change) => {
                redemptions.read(account, change.redemption_id.0)?;
            }
            _ => {}
        }
    }
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
