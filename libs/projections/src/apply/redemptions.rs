//! Redemptions and reservations, and the credential statuses each step implies (the same moves
//! as the domain's `evolve`). Both go through the batch's cache (`cache`).

use super::activities::Subject;
use super::cache::CachedRow;
use super::sql::Value;
use super::{json, Target};
use crate::error::{int, ProjectionError};
use crate::rows::{ActivityKind, RedemptionRow};
use domain::credential::{CredentialLock, Transition};
use domain::event::{RecordedRedemption, RedeemedOffer, RedemptionEvent};
use domain::ids::{CredentialId, RedemptionId, StoreId};
use domain::redemption::RedemptionStatus;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A redemption row as the table keeps it: the row, and the discount engine's answer as the
/// JSON text it was recorded in (never parsed on the write path).
pub(crate) struct StoredRedemption {
    /// The row (its `evaluation` left empty: see `evaluation`).
    pub(crate) row: RedemptionRow,
    /// The evaluation column.
    pub(crate) evaluation: String,
}

pub(super) async fn apply(
    mut target: Target<'_>,
    event: RedemptionEvent,
) -> Result<(), ProjectionError> {
    let at = target.at;
    match event {
        RedemptionEvent::Committed(recorded) => {
            let (redemption_id, store_id) = (recorded.redemption_id, recorded.store_id);
            let offers = recorded.offers.clone();
            let ids = target.record(recorded, RedemptionStatus::Committed)?;
            for id in ids {
                target.move_credential(id, Transition::Redeem).await?;
            }
            let closed = Closed {
                credential_ids: Vec::new(),
                offers,
                store_id,
            };
            target
                .redemption_activities(ActivityKind::Redeemed, redemption_id, &closed)
                .await?;
        }
        RedemptionEvent::Reserved(recorded) => {
            let expires_at = recorded.expires_at.unwrap_or(at);
            let redemption_id = recorded.redemption_id;
            let lock = CredentialLock {
                redemption_id,
                expires_at,
            };
            for id in target.record(recorded, RedemptionStatus::Reserved)? {
                target.move_credential(id, Transition::Lock(lock)).await?;
            }
        }
        RedemptionEvent::ReservationConfirmed(confirmed) => {
            let id = confirmed.redemption_id;
            let closed = target.close(id, RedemptionStatus::Committed).await?;
            for credential in &closed.credential_ids {
                target
                    .move_credential(*credential, Transition::Redeem)
                    .await?;
            }
            target
                .redemption_activities(ActivityKind::Redeemed, id, &closed)
                .await?;
        }
        RedemptionEvent::ReservationCancelled(released) => {
            target
                .release(released.redemption_id, RedemptionStatus::Cancelled)
                .await?;
        }
        RedemptionEvent::ReservationExpired(released) => {
            target
                .release(released.redemption_id, RedemptionStatus::Expired)
                .await?;
        }
        RedemptionEvent::Voided(voided) => {
            let id = voided.redemption_id;
            let closed = target.close(id, RedemptionStatus::Voided).await?;
            for credential in &closed.credential_ids {
                target
                    .move_credential(*credential, Transition::Reopen)
                    .await?;
            }
            target
                .redemption_activities(ActivityKind::RedemptionVoided, id, &closed)
                .await?;
        }
        RedemptionEvent::Reversed(reversed) => {
            let id = reversed.redemption_id;
            let closed = target.close(id, RedemptionStatus::Reversed).await?;
            for credential in &closed.credential_ids {
                target
                    .move_credential(*credential, Transition::Reverse)
                    .await?;
            }
            target
                .redemption_activities(ActivityKind::Reversed, id, &closed)
                .await?;
        }
    }
    Ok(())
}

impl Target<'_> {
    /// Keeps the row of a newly recorded redemption; answers its credentials.
    fn record(
        &mut self,
        recorded: RecordedRedemption,
        status: RedemptionStatus,
    ) -> Result<Vec<CredentialId>, ProjectionError> {
        let mut credential_ids: Vec<CredentialId> = Vec::with_capacity(recorded.offers.len());
        for redeemed in &recorded.offers {
            if !credential_ids.contains(&redeemed.credential_id) {
                credential_ids.push(redeemed.credential_id);
            }
        }
        let evaluation = serde_json::to_string(&recorded.evaluation)
            .map_err(ProjectionError::decode("redemption evaluation"))?;
        let row = RedemptionRow {
            id: recorded.redemption_id,
            store_id: recorded.store_id,
            status,
            credential_ids: credential_ids.clone(),
            offers: recorded.offers,
            expires_at: recorded.expires_at,
            created_at: self.at,
            updated_at: self.at,
            evaluation: serde_json::Value::Null,
        };
        let key = (self.account, int(row.id.0)?);
        self.rows
            .redemptions
            .put(key, StoredRedemption { row, evaluation });
        Ok(credential_ids)
    }

    /// Ends a reservation without redeeming: its credentials open again unless something else
    /// has taken them since.
    async fn release(
        &mut self,
        id: RedemptionId,
        status: RedemptionStatus,
    ) -> Result<(), ProjectionError> {
        for credential_id in self.close(id, status).await?.credential_ids {
            self.move_credential(credential_id, Transition::Release(id))
                .await?;
        }
        Ok(())
    }

    /// Moves a redemption to `status`; answers what it redeemed (nothing when it is unknown).
    async fn close(
        &mut self,
        id: RedemptionId,
        status: RedemptionStatus,
    ) -> Result<Closed, ProjectionError> {
        let key = (self.account, int(id.0)?);
        let at = self.at;
        let closed = self
            .rows
            .redemptions
            .update(self.tx, key, |stored| {
                stored.row.status = status;
                stored.row.updated_at = at;
                Closed {
                    credential_ids: stored.row.credential_ids.clone(),
                    offers: stored.row.offers.clone(),
                    store_id: stored.row.store_id,
                }
            })
            .await?;
        Ok(closed.unwrap_or_default())
    }

    /// Records `kind` for every offer `closed` redeemed, as an activity of its credential's
    /// member (a credential deleted since is skipped).
    async fn redemption_activities(
        &mut self,
        kind: ActivityKind,
        redemption_id: RedemptionId,
        closed: &Closed,
    ) -> Result<(), ProjectionError> {
        for redeemed in &closed.offers {
            let key = self.credential_key(redeemed.credential_id)?;
            let Some(member_id) = self
                .rows
                .credentials
                .get(self.tx, key)
                .await?
                .map(|credential| credential.member_id)
            else {
                continue;
            };
            let subject = Subject {
                redemption_id: Some(redemption_id),
                store_id: closed.store_id,
                ..Subject::offer(member_id, redeemed.credential_id, redeemed.offer_id)
            };
            self.activity(kind, subject).await?;
        }
        Ok(())
    }
}

/// What a redemption redeemed, as its row holds it.
#[derive(Default)]
struct Closed {
    credential_ids: Vec<CredentialId>,
    offers: Vec<RedeemedOffer>,
    store_id: Option<StoreId>,
}

impl CachedRow for StoredRedemption {
    const TABLE: &'static str = "redemptions";
    const COLUMNS: &'static [&'static str] =
        &["store_id", "status", "credential_ids", "evaluation", "body"];
    const LOADED: &'static str = "body, evaluation";

    fn decode(row: &AnyRow) -> Result<Self, ProjectionError> {
        let body: String = row.try_get(1)?;
        Ok(Self {
            row: serde_json::from_str(&body).map_err(ProjectionError::decode("redemption row"))?,
            evaluation: row.try_get(2)?,
        })
    }

    fn values(&self) -> Result<Vec<Value>, ProjectionError> {
        Ok(vec![
            Value::OptInt(self.row.store_id.map(|store| int(store.0)).transpose()?),
            Value::Text(self.row.status.to_string()),
            Value::Text(json(&self.row.credential_ids)?),
            Value::Text(self.evaluation.clone()),
            Value::Text(json(&self.row)?),
        ])
    }
}
