//! Errors: why a basket, a currency or an offer input cannot be evaluated.

use rust_decimal::Decimal;

/// Why an offer input is invalid (offers are validated upstream; this guards the engine).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    /// A percentage outside `0..=100`.
    #[error("{field} is {value}; a percentage must be between 0 and 100")]
    PercentOutOfRange {
        /// The offending field.
        field: &'static str,
        /// The value given.
        value: Decimal,
    },
    /// A percentage with too many decimal places.
    #[error("{field} is {value}; a percentage may have at most 6 decimal places")]
    PercentTooPrecise {
        /// The offending field.
        field: &'static str,
        /// The value given.
        value: Decimal,
    },
    /// A negative amount.
    #[error("{field} is {value}; an amount cannot be negative")]
    NegativeAmount {
        /// The offending field.
        field: &'static str,
        /// The value given.
        value: Decimal,
    },
    /// An amount finer than the currency's minor unit.
    #[error("{field} is {value}, which has more than the currency's {minor_units} decimal places")]
    AmountTooPrecise {
        /// The offending field.
        field: &'static str,
        /// The value given.
        value: Decimal,
        /// Decimal places the currency allows.
        minor_units: u32,
    },
    /// A unit count of zero.
    #[error("{field} is 0; it must be at least 1")]
    ZeroCount {
        /// The offending field.
        field: &'static str,
    },
}

/// Why a basket cannot be evaluated. Messages name the offending `line_id` where there is one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BasketError {
    /// The currency has more minor-unit decimal places than supported.
    #[error("the currency has {minor_units} decimal places; at most {max} are supported")]
    UnsupportedCurrency {
        /// Decimal places given.
        minor_units: u32,
        /// Decimal places supported.
        max: u32,
    },
    /// The basket has no lines.
    #[error("the basket is empty; add at least one line")]
    EmptyBasket,
    /// The basket has more lines than allowed.
    #[error("the basket has {count} lines; at most {max} lines are allowed")]
    TooManyLines {
        /// Lines given.
        count: usize,
        /// Lines allowed.
        max: usize,
    },
    /// A line has an empty `line_id`.
    #[error(
        "basket line number {position} has an empty line_id; every line needs a unique line_id"
    )]
    EmptyLineId {
        /// 1-based position of the line in the basket.
        position: usize,
    },
    /// A `line_id` is too long.
    #[error("line_id {line_id:?} has {chars} characters; at most {max} are allowed")]
    LineIdTooLong {
        /// The offending line.
        line_id: String,
        /// Its length in characters.
        chars: usize,
        /// The most characters allowed.
        max: usize,
    },
    /// Two lines share a `line_id`.
    #[error("line_id {line_id:?} is used by more than one line; line ids must be unique")]
    DuplicateLineId {
        /// The repeated line id.
        line_id: String,
    },
    /// A line has an empty `item_code`.
    #[error("line {line_id:?} has an empty item_code")]
    EmptyItemCode {
        /// The offending line.
        line_id: String,
    },
    /// An `item_code` is too long.
    #[error("line {line_id:?} has an item_code of {chars} characters; at most {max} are allowed")]
    ItemCodeTooLong {
        /// The offending line.
        line_id: String,
        /// The item code's length in characters.
        chars: usize,
        /// The most characters allowed.
        max: usize,
    },
    /// A quantity outside `1..=10000`.
    #[error("line {line_id:?} has quantity {quantity}; the quantity must be between 1 and {max}")]
    InvalidQuantity {
        /// The offending line.
        line_id: String,
        /// The quantity given.
        quantity: u32,
        /// The largest quantity allowed.
        max: u32,
    },
    /// A negative unit price.
    #[error("line {line_id:?} has a negative unit_price ({unit_price})")]
    NegativeUnitPrice {
        /// The offending line.
        line_id: String,
        /// The price given.
        unit_price: Decimal,
    },
    /// A unit price finer than the currency's minor unit.
    #[error(
        "line {line_id:?} has unit_price {unit_price}, which has more than the currency's \
         {minor_units} decimal places"
    )]
    UnitPriceTooPrecise {
        /// The offending line.
        line_id: String,
        /// The price given.
        unit_price: Decimal,
        /// Decimal places the currency allows.
        minor_units: u32,
    },
    /// A unit price above the maximum.
    #[error(
        "line {line_id:?} has unit_price {unit_price}; the largest unit price allowed is {max}"
    )]
    UnitPriceTooLarge {
        /// The offending line.
        line_id: String,
        /// The price given.
        unit_price: Decimal,
        /// The largest unit price allowed.
        max: Decimal,
    },
    /// Two offers share an `offer_id`.
    #[error("offer {offer_id} is given more than once; offer ids must be unique")]
    DuplicateOffer {
        /// The repeated offer id.
        offer_id: u64,
    },
    /// An offer input is invalid.
    #[error("offer {offer_id} is invalid: {reason}")]
    InvalidOffer {
        /// The offending offer.
        offer_id: u64,
        /// What is wrong with it.
        reason: OfferError,
    },
}
