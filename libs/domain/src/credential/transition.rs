//! The credential state machine: every move a recorded event makes a credential take, as one
//! function that the domain's `evolve` and the read models' projector both apply, so the two
//! cannot drift apart.
//!
//! A reusable credential stays open through its redemptions: a redemption stamps
//! `redeemed_at`, a reversal `reversed_at`, and a void of one of its redemptions changes
//! nothing; only a void of the credential itself or its expiry ends it.

use super::{Credential, CredentialLock, CredentialStatus};
use crate::ids::RedemptionId;
use chrono::{DateTime, Utc};

/// One move of a credential, named by what happened to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// A redemption using it was committed, or a reservation holding it confirmed.
    Redeem,
    /// A reservation took it.
    Lock(CredentialLock),
    /// The reservation `RedemptionId` ended without redeeming (cancelled or lapsed); the
    /// credential opens again only if that reservation still holds it.
    Release(RedemptionId),
    /// The redemption that used it was voided: it can be redeemed again.
    Reopen,
    /// The redemption that used it was reversed (a refund).
    Reverse,
    /// The credential itself was voided.
    Void,
    /// The credential's code lifetime ended.
    Expire,
}

/// What a move means for the index of credentials waiting for their code lifetime to end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiryWatch {
    /// The credential reached a final status: it no longer waits for its expiry.
    Stop,
    /// The credential can be redeemed again: it waits for its expiry again.
    Resume,
    /// Nothing changes about its expiry.
    Keep,
}

impl Credential {
    /// Moves the credential by `transition` at `at`; answers what that means for its expiry.
    pub fn transition(&mut self, transition: Transition, at: DateTime<Utc>) -> ExpiryWatch {
        let watch = match transition {
            Transition::Redeem if self.reusable => {
                self.status = CredentialStatus::Open;
                self.lock = None;
                self.redeemed_at = Some(at);
                ExpiryWatch::Keep
            }
            Transition::Redeem => {
                self.status = CredentialStatus::Redeemed;
                self.redeemed_at = Some(at);
                self.settle()
            }
            Transition::Lock(lock) => {
                self.status = CredentialStatus::Locked;
                self.lock = Some(lock);
                ExpiryWatch::Keep
            }
            Transition::Release(reservation) => {
                let held_by_it = self
                    .lock
                    .is_some_and(|lock| lock.redemption_id == reservation);
                if !held_by_it {
                    return ExpiryWatch::Keep;
                }
                self.status = CredentialStatus::Open;
                self.lock = None;
                ExpiryWatch::Keep
            }
            Transition::Reopen | Transition::Reverse if self.reusable => {
                if transition == Transition::Reverse {
                    self.reversed_at = Some(at);
                }
                ExpiryWatch::Keep
            }
            Transition::Reopen => {
                self.status = CredentialStatus::Open;
                self.redeemed_at = None;
                ExpiryWatch::Resume
            }
            Transition::Reverse => {
                self.status = CredentialStatus::Reversed;
                self.reversed_at = Some(at);
                self.settle()
            }
            Transition::Void => {
                self.status = CredentialStatus::Voided;
                self.voided_at = Some(at);
                self.settle()
            }
            Transition::Expire => {
                self.status = CredentialStatus::Expired;
                self.settle()
            }
        };
        self.updated_at = at;
        watch
    }

    /// A final status releases any lock and ends the wait for the expiry.
    fn settle(&mut self) -> ExpiryWatch {
        self.lock = None;
        ExpiryWatch::Stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ChannelId, CredentialId, MemberId};
    use chrono::TimeZone;

    fn at(second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, second).unwrap()
    }

    fn open() -> Credential {
        Credential {
            id: CredentialId(1),
            member_id: MemberId(2),
            channel_id: ChannelId(3),
            store_id: None,
            offer_ids: Vec::new(),
            identifier: Some("ABC".into()),
            code_lifetime: None,
            expires_at: Some(at(59)),
            annotations: Default::default(),
            reusable: false,
            printable: false,
            status: CredentialStatus::Open,
            lock: None,
            redeemed_at: None,
            voided_at: None,
            reversed_at: None,
            created_at: at(0),
            updated_at: at(0),
        }
    }

    fn lock(redemption: u64) -> CredentialLock {
        CredentialLock {
            redemption_id: RedemptionId(redemption),
            expires_at: at(30),
        }
    }

    #[test]
    fn a_lock_is_released_only_by_its_own_reservation() {
        let mut credential = open();
        assert_eq!(
            credential.transition(Transition::Lock(lock(7)), at(1)),
            ExpiryWatch::Keep
        );
        credential.transition(Transition::Release(RedemptionId(8)), at(2));
        assert_eq!(credential.status, CredentialStatus::Locked);
        assert_eq!(credential.updated_at, at(1));
        credential.transition(Transition::Release(RedemptionId(7)), at(3));
        assert_eq!(credential.status, CredentialStatus::Open);
        assert_eq!(credential.lock, None);
        assert_eq!(credential.updated_at, at(3));
    }

    #[test]
    fn final_statuses_drop_the_lock_and_stop_the_expiry_watch() {
        for (transition, status) in [
            (Transition::Redeem, CredentialStatus::Redeemed),
            (Transition::Reverse, CredentialStatus::Reversed),
            (Transition::Void, CredentialStatus::Voided),
            (Transition::Expire, CredentialStatus::Expired),
        ] {
            let mut credential = open();
            credential.transition(Transition::Lock(lock(7)), at(1));
            assert_eq!(credential.transition(transition, at(4)), ExpiryWatch::Stop);
            assert_eq!(credential.status, status, "{transition:?}");
            assert_eq!(credential.lock, None, "{transition:?}");
            assert_eq!(credential.updated_at, at(4), "{transition:?}");
        }
    }

    #[test]
    fn each_final_status_stamps_its_own_time() {
        let mut redeemed = open();
        redeemed.transition(Transition::Redeem, at(5));
        assert_eq!(redeemed.redeemed_at, Some(at(5)));
        let mut reversed = redeemed.clone();
        reversed.transition(Transition::Reverse, at(6));
        assert_eq!(
            (reversed.redeemed_at, reversed.reversed_at),
            (Some(at(5)), Some(at(6)))
        );
        let mut voided = open();
        voided.transition(Transition::Void, at(7));
        assert_eq!(voided.voided_at, Some(at(7)));
    }

    #[test]
    fn a_reusable_credential_stays_open_until_voided_or_expired() {
        let mut credential = open();
        credential.reusable = true;
        credential.transition(Transition::Lock(lock(7)), at(1));
        assert_eq!(
            credential.transition(Transition::Redeem, at(2)),
            ExpiryWatch::Keep
        );
        assert_eq!(
            (credential.status, credential.lock, credential.redeemed_at),
            (CredentialStatus::Open, None, Some(at(2)))
        );
        credential.transition(Transition::Reverse, at(3));
        credential.transition(Transition::Reopen, at(4));
        assert_eq!(credential.status, CredentialStatus::Open);
        assert_eq!(
            (credential.redeemed_at, credential.reversed_at),
            (Some(at(2)), Some(at(3)))
        );
        assert_eq!(
            credential.transition(Transition::Void, at(5)),
            ExpiryWatch::Stop
        );
        assert_eq!(credential.status, CredentialStatus::Voided);
    }

    #[test]
    fn a_voided_redemption_reopens_its_credential_for_its_expiry() {
        let mut credential = open();
        credential.transition(Transition::Redeem, at(5));
        assert_eq!(
            credential.transition(Transition::Reopen, at(9)),
            ExpiryWatch::Resume
        );
        assert_eq!(credential.status, CredentialStatus::Open);
        assert_eq!(credential.redeemed_at, None);
        assert_eq!(credential.updated_at, at(9));
    }
}
