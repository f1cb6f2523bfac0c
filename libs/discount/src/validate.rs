//! Validation: checks the currency, the basket and the offer inputs, and converts them once
//! into the engine's integer minor-unit form (lines in `line_id` order, offers in application
//! order).

use std::cmp::Reverse;

use rust_decimal::Decimal;

use crate::basket::{Basket, ItemSet, MAX_CODE_CHARS, MAX_LINES, MAX_QUANTITY, MAX_UNIT_PRICE};
use crate::error::{BasketError, OfferError};
use crate::money::{to_minor, Currency, MinorError, Percent, PercentError, MAX_MINOR_UNITS};
use crate::reward::{OfferInput, OrderSpread, Reward, UnitDiscount};

/// A validated basket line in minor units.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'b> {
    pub(crate) id: &'b str,
    pub(crate) code: &'b str,
    pub(crate) qty: u64,
    pub(crate) price: i64,
    pub(crate) total: i64,
    pub(crate) input_pos: usize,
}

/// A validated unit discount in minor units.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Unit {
    Free,
    AmountOff(i128),
    PercentOff(Percent),
    FixedPrice(i128),
}

/// A validated reward.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind<'a> {
    OrderAmountOff(i128),
    OrderPercentOff(Percent),
    Items {
        target: &'a ItemSet,
        unit: Unit,
        max_units: Option<u64>,
    },
    BuyGet {
        required: &'a ItemSet,
        required_count: u64,
        target: &'a ItemSet,
        reward_count: u64,
        unit: Unit,
        max_rounds: Option<u64>,
    },
    PointsOnly,
}

/// A validated offer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Offer<'a> {
    pub(crate) id: u64,
    pub(crate) kind: Kind<'a>,
    pub(crate) min_spend: Option<i128>,
    pub(crate) max_amount: Option<i128>,
    pub(crate) points: u64,
    pub(crate) spread: OrderSpread,
    pub(crate) exclusive: bool,
    pub(crate) priority: i32,
}

/// The currency's minor units, when supported.
pub(crate) fn currency(currency: Currency) -> Result<u32, BasketError> {
    if currency.minor_units > MAX_MINOR_UNITS {
        return Err(BasketError::UnsupportedCurrency {
            minor_units: currency.minor_units,
            max: MAX_MINOR_UNITS,
        });
    }
    Ok(currency.minor_units)
}

/// The basket's lines, validated and sorted by `line_id`.
pub(crate) fn lines(basket: &Basket, minor_units: u32) -> Result<Vec<Line<'_>>, BasketError> {
    if basket.lines.is_empty() {
        return Err(BasketError::EmptyBasket);
    }
    if basket.lines.len() > MAX_LINES {
        return Err(BasketError::TooManyLines {
            count: basket.lines.len(),
            max: MAX_LINES,
        });
    }
    let max_price = to_minor(MAX_UNIT_PRICE, minor_units).unwrap_or(i128::MAX);
    let mut lines = Vec::with_capacity(basket.lines.len());
    for (input_pos, line) in basket.lines.iter().enumerate() {
        let line_id = || line.line_id.clone();
        if line.line_id.is_empty() {
            return Err(BasketError::EmptyLineId {
                position: input_pos + 1,
            });
        }
        if let Some(chars) = too_long(&line.line_id) {
            return Err(BasketError::LineIdTooLong {
                line_id: line_id(),
                chars,
                max: MAX_CODE_CHARS,
            });
        }
        if line.item_code.is_empty() {
            return Err(BasketError::EmptyItemCode { line_id: line_id() });
        }
        if let Some(chars) = too_long(&line.item_code) {
            return Err(BasketError::ItemCodeTooLong {
                line_id: line_id(),
                chars,
                max: MAX_CODE_CHARS,
            });
        }
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            return Err(BasketError::InvalidQuantity {
                line_id: line_id(),
                quantity: line.quantity,
                max: MAX_QUANTITY,
            });
        }
        let price = match to_minor(line.unit_price, minor_units) {
            Ok(price) if price <= max_price => price as i64,
            Ok(_) => {
                return Err(BasketError::UnitPriceTooLarge {
                    line_id: line_id(),
                    unit_price: line.unit_price,
                    max: MAX_UNIT_PRICE,
                })
            }
            Err(MinorError::Negative) => {
                return Err(BasketError::NegativeUnitPrice {
                    line_id: line_id(),
                    unit_price: line.unit_price,
                })
            }
            Err(MinorError::TooPrecise) => {
                return Err(BasketError::UnitPriceTooPrecise {
                    line_id: line_id(),
                    unit_price: line.unit_price,
                    minor_units,
                })
            }
        };
        let qty = u64::from(line.quantity);
        lines.push(Line {
            id: &line.line_id,
            code: &line.item_code,
            qty,
            price,
            total: price * qty as i64,
            input_pos,
        });
    }
    lines.sort_unstable_by(|a, b| a.id.cmp(b.id));
    if let Some(pair) = lines.windows(2).find(|pair| pair[0].id == pair[1].id) {
        return Err(BasketError::DuplicateLineId {
            line_id: pair[0].id.to_owned(),
        });
    }
    Ok(lines)
}

/// The length in characters of `s` when it is longer than `MAX_CODE_CHARS`.
fn too_long(s: &str) -> Option<usize> {
    if s.len() <= MAX_CODE_CHARS {
        return None;
    }
    Some(s.chars().count()).filter(|&chars| chars > MAX_CODE_CHARS)
}

/// The offers, validated and sorted into application order: item-level, then order-level, then
/// points-only, each by rank (higher priority first, then ascending `offer_id`).
pub(crate) fn offers<'a>(
    inputs: &[OfferInput<'a>],
    minor_units: u32,
) -> Result<Vec<Offer<'a>>, BasketError> {
    let mut offers = Vec::with_capacity(inputs.len());
    for input in inputs {
        let offer = offer(input, minor_units).map_err(|reason| BasketError::InvalidOffer {
            offer_id: input.offer_id,
            reason,
        })?;
        offers.push(offer);
    }
    offers.sort_unstable_by_key(|offer| offer.id);
    if let Some(pair) = offers.windows(2).find(|pair| pair[0].id == pair[1].id) {
        return Err(BasketError::DuplicateOffer {
            offer_id: pair[0].id,
        });
    }
    // Stable: equal stages and priorities stay in ascending `offer_id` order.
    offers.sort_by_key(|offer| (stage(&offer.kind), Reverse(offer.priority)));
    Ok(offers)
}

fn stage(kind: &Kind<'_>) -> u8 {
    match kind {
        Kind::Items { .. } | Kind::BuyGet { .. } => 0,
        Kind::OrderAmountOff(_) | Kind::OrderPercentOff(_) => 1,
        Kind::PointsOnly => 2,
    }
}

fn offer<'a>(input: &OfferInput<'a>, minor_units: u32) -> Result<Offer<'a>, OfferError> {
    let kind = match input.reward {
        Reward::OrderAmountOff(value) => {
            Kind::OrderAmountOff(amount(value, "reward amount", minor_units)?)
        }
        Reward::OrderPercentOff(value) => Kind::OrderPercentOff(percent(value, "reward percent")?),
        Reward::Items {
            target,
            unit: unit_discount,
            max_units,
        } => Kind::Items {
            target,
            unit: unit(unit_discount, minor_units)?,
            max_units: max_units.map(|n| count(n, "max_units")).transpose()?,
        },
        Reward::BuyGet {
            required,
            required_count,
            target,
            reward_count,
            unit: unit_discount,
            max_rounds,
        } => Kind::BuyGet {
            required,
            required_count: count(required_count, "required_count")?,
            target,
            reward_count: count(reward_count, "reward_count")?,
            unit: unit(unit_discount, minor_units)?,
            max_rounds: max_rounds.map(|n| count(n, "max_rounds")).transpose()?,
        },
        Reward::PointsOnly => Kind::PointsOnly,
    };
    Ok(Offer {
        id: input.offer_id,
        kind,
        min_spend: input
            .min_spend
            .map(|value| amount(value, "min_spend", minor_units))
            .transpose()?,
        max_amount: input
            .max_amount
            .map(|value| amount(value, "max_amount", minor_units))
            .transpose()?,
        points: input.points,
        spread: input.spread,
        exclusive: input.stacking.exclusive,
        priority: input.stacking.priority,
    })
}

fn unit(unit: UnitDiscount, minor_units: u32) -> Result<Unit, OfferError> {
    Ok(match unit {
        UnitDiscount::Free => Unit::Free,
        UnitDiscount::AmountOff(value) => {
            Unit::AmountOff(amount(value, "unit amount_off", minor_units)?)
        }
        UnitDiscount::PercentOff(value) => Unit::PercentOff(percent(value, "unit percent_off")?),
        UnitDiscount::FixedPrice(value) => {
            Unit::FixedPrice(amount(value, "unit fixed_price", minor_units)?)
        }
    })
}

fn amount(value: Decimal, field: &'static str, minor_units: u32) -> Result<i128, OfferError> {
    to_minor(value, minor_units).map_err(|error| match error {
        MinorError::Negative => OfferError::NegativeAmount { field, value },
        MinorError::TooPrecise => OfferError::AmountTooPrecise {
            field,
            value,
            minor_units,
        },
    })
}

fn percent(value: Decimal, field: &'static str) -> Result<Percent, OfferError> {
    Percent::new(value).map_err(|error| match error {
        PercentError::OutOfRange => OfferError::PercentOutOfRange { field, value },
        PercentError::TooPrecise => OfferError::PercentTooPrecise { field, value },
    })
}

fn count(n: u32, field: &'static str) -> Result<u64, OfferError> {
    if n == 0 {
        return Err(OfferError::ZeroCount { field });
    }
    Ok(u64::from(n))
}
