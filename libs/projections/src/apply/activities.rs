//! Members' offer activities: one row per thing that happened to a member's offer (or a
//! check-in), inserted as the events that cause them are applied. Ids come from the event's
//! log offset, so a rebuild writes the same rows.

use super::{json, Target};
use crate::error::{int, ProjectionError};
use crate::rows::{ActivityKind, OfferActivity};
use domain::check_in::CheckedIn;
use domain::event::{CheckInEvent, OfferStateEvent};
use domain::ids::{CredentialId, MemberId, OfferId, RedemptionId, StoreId};

/// Most activities one event may cause (a redemption of 10 codes of 20 offers causes 200).
const PER_EVENT: u64 = 1024;

/// What an activity is about.
#[derive(Clone, Copy, Debug)]
pub(super) struct Subject {
    pub(super) member_id: MemberId,
    pub(super) offer_id: Option<OfferId>,
    pub(super) credential_id: Option<CredentialId>,
    pub(super) redemption_id: Option<RedemptionId>,
    pub(super) store_id: Option<StoreId>,
}

impl Subject {
    /// An offer of a member's credential.
    pub(super) fn offer(
        member_id: MemberId,
        credential_id: CredentialId,
        offer_id: OfferId,
    ) -> Self {
        Self {
            member_id,
            offer_id: Some(offer_id),
            credential_id: Some(credential_id),
            redemption_id: None,
            store_id: None,
        }
    }
}

impl Target<'_> {
    /// Records that `kind` happened to `subject` at the event's time.
    pub(super) async fn activity(
        &mut self,
        kind: ActivityKind,
        subject: Subject,
    ) -> Result<(), ProjectionError> {
        if self.activities >= PER_EVENT {
            return Err(ProjectionError::OutOfRange(self.activities));
        }
        let id = self
            .offset
            .checked_mul(PER_EVENT)
            .map(|base| base + self.activities)
            .ok_or(ProjectionError::OutOfRange(self.offset))?;
        self.activities += 1;
        let row = OfferActivity {
            id,
            activity_type: kind.code(),
            description: kind.name().to_owned(),
            member_id: subject.member_id,
            offer_id: subject.offer_id,
            credential_id: subject.credential_id,
            transaction_id: subject.redemption_id,
            store_id: subject.store_id,
            created_at: self.at,
        };
        sqlx::query(
            "INSERT INTO offer_activities
                (account_id, id, member_id, store_id, activity, credential_id, body)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(self.account)
        .bind(int(id)?)
        .bind(int(subject.member_id.0)?)
        .bind(subject.store_id.map(|store| int(store.0)).transpose()?)
        .bind(kind.name())
        .bind(subject.credential_id.map(|id| int(id.0)).transpose()?)
        .bind(json(&row)?)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

/// A wallet entry saved is an activity; its void shows as its credential's.
pub(super) async fn offer_states(
    mut target: Target<'_>,
    event: OfferStateEvent,
) -> Result<(), ProjectionError> {
    match event {
        OfferStateEvent::Created(entry) => {
            let subject = Subject::offer(entry.member_id, entry.credential_id, entry.offer_id);
            target.activity(ActivityKind::Saved, subject).await
        }
        OfferStateEvent::Updated(_) | OfferStateEvent::Voided(_) => Ok(()),
    }
}

/// A check-in is an activity; an offer's rule is no one's.
pub(super) async fn check_ins(
    mut target: Target<'_>,
    event: CheckInEvent,
) -> Result<(), ProjectionError> {
    match event {
        CheckInEvent::CheckedIn(CheckedIn {
            member_id,
            store_id,
        }) => {
            let subject = Subject {
                member_id,
                offer_id: None,
                credential_id: None,
                redemption_id: None,
                store_id: Some(store_id),
            };
            target.activity(ActivityKind::CheckedIn, subject).await
        }
        CheckInEvent::RuleSet(_) => Ok(()),
    }
}
