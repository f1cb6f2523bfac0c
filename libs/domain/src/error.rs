//! Why a command is rejected. Messages are the ones clients see; the rows of the Sparkfly
//! 'Validations and Errors' table keep their exact wording.

use crate::ids::{CredentialId, OfferId, RedemptionId};
use serde::{Deserialize, Serialize};

/// Which redemption limit of an offer stopped a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// `max_redemptions`.
    Total,
    /// `max_redemptions_per_member`.
    PerMember,
    /// `max_redemptions_per_member_per_day`.
    PerMemberPerDay,
    /// The cap of the offer on one channel.
    PerChannel,
}

/// The broad class of an error, for mapping to a transport status in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed or breaks a rule.
    Invalid,
    /// What the request names does not exist.
    NotFound,
    /// The request conflicts with the current state (duplicate, wrong status, lock).
    Conflict,
}

/// A command rejected by the domain. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Seed: Channel ID is not present.
    #[error("Channel can't be blank and must be associated with your account and offer")]
    ChannelRequired,
    /// Seed: Member ID is not present.
    #[error("Member can't be blank")]
    MemberRequired,
    /// Seed: associated offer(s) are not approved.
    #[error("offer {offer_name} must be approved to generate a credential")]
    OfferNotApproved {
        /// The offer's name.
        offer_name: String,
    },
    /// Seed: member is not eligible for offer(s) (member lists).
    #[error("Member must be eligible for offer: {offer_name}")]
    MemberNotEligible {
        /// The offer's name.
        offer_name: String,
    },
    /// Seed: member is not eligible because a redemption limit is reached.
    #[error("Member must be eligible for offer: {offer_name}")]
    LimitReached {
        /// The offer's name.
        offer_name: String,
        /// The limit that is reached.
        limit: LimitKind,
    },
    /// Seed: one or more offers is no longer active.
    #[error("Offer with ID {offer_id} is no longer active")]
    OfferNotActive {
        /// The offer.
        offer_id: OfferId,
    },
    /// Seed: store is not eligible for offer(s).
    #[error("Store must be eligible for offer: {offer_name}")]
    StoreNotEligible {
        /// The offer's name.
        offer_name: String,
    },
    /// Seed: credential is locked.
    #[error("This credential is currently locked for processing. Please try again later.")]
    CredentialLocked,
    /// Seed: requested offers not found (or not linked to the channel).
    #[error("Offer not found or not eligible by channel, with id: {ids}")]
    OffersNotFound {
        /// The offending ids, comma separated.
        ids: String,
    },
    /// The account does not exist.
    #[error("Account not found")]
    AccountNotFound,
    /// The account exists already.
    #[error("Account already exists")]
    AccountExists,
    /// A referenced resource does not exist in the account.
    #[error("{resource} not found")]
    NotFound {
        /// The kind of resource, e.g. "Member".
        resource: &'static str,
    },
    /// A required field is missing or empty.
    #[error("{field} can't be blank")]
    Blank {
        /// The field, as a client names it, capitalised.
        field: &'static str,
    },
    /// A field that must be unique is taken.
    #[error("{field} has already been taken")]
    Taken {
        /// The field.
        field: &'static str,
    },
    /// A text field is too long.
    #[error("{field} is too long (maximum is {max} characters)")]
    TooLong {
        /// The field.
        field: &'static str,
        /// The maximum length.
        max: usize,
    },
    /// A field has a value outside its rules.
    #[error("{field} {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong, e.g. "must be greater than 0".
        reason: String,
    },
    /// A resource is in a state that does not allow the action.
    #[error("{resource} cannot be {action} while {status}")]
    WrongStatus {
        /// The kind of resource.
        resource: &'static str,
        /// The attempted action, past participle ("approved").
        action: &'static str,
        /// The current status.
        status: String,
    },
    /// A code presented at the point of sale does not match a live credential.
    #[error("Code {code} is not valid")]
    CodeNotValid {
        /// The code as presented.
        code: String,
    },
    /// The credential behind a code cannot be redeemed in its status.
    #[error("Credential {credential_id} cannot be redeemed: it is {status}")]
    CredentialNotRedeemable {
        /// The credential.
        credential_id: CredentialId,
        /// Its status.
        status: String,
    },
    /// The credential carries no offer yet.
    #[error("Credential {credential_id} has no offers")]
    CredentialHasNoOffers {
        /// The credential.
        credential_id: CredentialId,
    },
    /// The basket has no item from the offer's eligible item sets.
    #[error("Basket must contain an eligible item for offer: {offer_name}")]
    BasketNotEligible {
        /// The offer's name.
        offer_name: String,
    },
    /// No offer on the presented codes gives anything for this basket.
    #[error("No offer on these codes applies to this basket")]
    NothingApplies,
    /// The basket or an offer's reward terms are invalid.
    #[error(transparent)]
    Basket(#[from] discount::BasketError),
    /// A reservation was confirmed after its expiry.
    #[error("Reservation {redemption_id} has expired")]
    ReservationExpired {
        /// The reservation.
        redemption_id: RedemptionId,
    },
    /// The idempotency key was used before with a different request.
    #[error("Idempotency key has already been used for a different request")]
    IdempotencyKeyReused,
    /// A member's points do not cover what is asked of them.
    #[error("Member has {balance} points; {needed} are needed")]
    PointsShort {
        /// Points needed.
        needed: u64,
        /// Points the member has.
        balance: u64,
    },
    /// The offer needs a recent check-in at the redeeming store and the member has none.
    #[error("Member must check in at the store to redeem offer: {offer_name}")]
    CheckInRequired {
        /// The offer's name.
        offer_name: String,
    },
    /// A wallet entry presented at the point of sale is not yet active.
    #[error("Offer state {offer_state_id} is not active until {activates_at}")]
    OfferStateNotActive {
        /// The entry.
        offer_state_id: crate::ids::OfferStateId,
        /// When it activates, as RFC 3339.
        activates_at: String,
    },
    /// No unused code could be drawn (short numeric codes on a crowded channel).
    #[error("No free code could be generated for this channel; try again later")]
    CodeSpaceExhausted,
}

impl DomainError {
    /// The class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::AccountNotFound | Self::NotFound { .. } | Self::CodeNotValid { .. } => {
                ErrorKind::NotFound
            }
            Self::AccountExists
            | Self::Taken { .. }
            | Self::WrongStatus { .. }
            | Self::CredentialLocked
            | Self::CredentialNotRedeemable { .. }
            | Self::ReservationExpired { .. }
            | Self::IdempotencyKeyReused
            | Self::CodeSpaceExhausted => ErrorKind::Conflict,
            _ => ErrorKind::Invalid,
        }
    }
}

/// Shorthand for a domain result.
pub type DomainResult<T> = Result<T, DomainError>;
