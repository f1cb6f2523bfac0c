//! Decisions on POS offer codes: a code is required on create, clean text of at most
//! [`MAX_TEXT`] characters, and unique in the account (compared as given, after trimming);
//! a description is optional clean text of at most [`MAX_LONG_TEXT`].

use crate::catalog::{PosOfferCode, PosOfferCodeFields};
use crate::error::{DomainError, DomainResult};
use crate::event::{EventKind, PosOfferCodeRef};
use crate::ids::PosOfferCodeId;
use crate::state::AccountState;
use crate::validate::{existing, replace_text, required_text, MAX_LONG_TEXT, MAX_TEXT};
use chrono::{DateTime, Utc};

const RESOURCE: &str = "Pos offer code";

pub(super) fn create(
    state: &AccountState,
    fields: &PosOfferCodeFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let code = PosOfferCode {
        id: PosOfferCodeId(state.next_id()),
        code: String::new(),
        description: None,
        created_at: now,
        updated_at: now,
    };
    let code = merge(state, code, fields, now)?;
    Ok(vec![EventKind::PosOfferCodeCreated(code)])
}

pub(super) fn update(
    state: &AccountState,
    id: PosOfferCodeId,
    fields: &PosOfferCodeFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let code = existing(&state.pos_offer_codes, &id, RESOURCE)?.clone();
    let code = merge(state, code, fields, now)?;
    Ok(vec![EventKind::PosOfferCodeUpdated(code)])
}

pub(super) fn delete(state: &AccountState, id: PosOfferCodeId) -> DomainResult<Vec<EventKind>> {
    existing(&state.pos_offer_codes, &id, RESOURCE)?;
    Ok(vec![EventKind::PosOfferCodeDeleted(PosOfferCodeRef {
        pos_offer_code_id: id,
    })])
}

fn merge(
    state: &AccountState,
    mut code: PosOfferCode,
    fields: &PosOfferCodeFields,
    now: DateTime<Utc>,
) -> DomainResult<PosOfferCode> {
    let text = fields.code.as_deref().or(Some(&code.code));
    code.code = required_text("Code", text, MAX_TEXT)?;
    if state
        .pos_offer_codes
        .values()
        .any(|other| other.id != code.id && other.code == code.code)
    {
        return Err(DomainError::Taken { field: "Code" });
    }
    replace_text(
        "Description",
        fields.description.as_deref(),
        MAX_LONG_TEXT,
        &mut code.description,
    )?;
    code.updated_at = now;
    Ok(code)
}
