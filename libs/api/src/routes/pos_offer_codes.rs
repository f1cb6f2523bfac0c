//! POS offer codes: `GET /v1.0/pos_offer_codes` and `GET /v1.0/pos_offer_codes/{id}` as the
//! reference serves them, with `POST`, `PUT` and `DELETE` beside them (the reference lists no
//! way to make one), the five operations of a plain family (see `resource`), answering
//! `{"pos_offer_code": {"id", "code", "description", ...}}`. A code is unique in its account.

use super::resource::{OperationIds, Resource, Summaries};
use crate::http::Named;
use crate::openapi::Routes;
use domain::catalog::{PosOfferCode, PosOfferCodeFields};
use domain::ids::{AccountId, PosOfferCodeId};
use domain::{AccountState, Command, EventKind};
use projections::{Page, PageRequest, ProjectionError, ReadStore};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    super::resource::routes::<PosOfferCodes>(routes);
}

/// The POS offer codes family.
struct PosOfferCodes;

impl Resource for PosOfferCodes {
    type Entity = PosOfferCode;
    type Input = PosOfferCodeInput;
    const BASE: &'static str = "/pos_offer_codes";
    const IDS: OperationIds = OperationIds {
        list: "listPosOfferCodes",
        create: "createPosOfferCode",
        get: "getPosOfferCode",
        update: "updatePosOfferCode",
        delete: "deletePosOfferCode",
    };
    const SUMMARIES: Summaries = Summaries {
        list: "The account's POS offer codes",
        create: "Create a POS offer code",
        get: "A POS offer code",
        update: "Change a POS offer code",
        delete: "Delete a POS offer code",
    };

    fn create(input: PosOfferCodeInput) -> Command {
        Command::CreatePosOfferCode {
            fields: input.into(),
        }
    }

    fn update(id: u64, input: PosOfferCodeInput) -> Command {
        Command::UpdatePosOfferCode {
            pos_offer_code_id: PosOfferCodeId(id),
            fields: input.into(),
        }
    }

    fn delete(id: u64) -> Command {
        Command::DeletePosOfferCode {
            pos_offer_code_id: PosOfferCodeId(id),
        }
    }

    fn recorded(kind: &EventKind) -> Option<&PosOfferCode> {
        match kind {
            EventKind::PosOfferCodeCreated(code) | EventKind::PosOfferCodeUpdated(code) => {
                Some(code)
            }
            _ => None,
        }
    }

    fn live(state: &AccountState, id: u64) -> Option<&PosOfferCode> {
        state.pos_offer_code(PosOfferCodeId(id))
    }

    async fn page(
        store: &ReadStore,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<PosOfferCode>, ProjectionError> {
        store.pos_offer_codes(account, page).await
    }
}

impl Named for PosOfferCode {
    const ONE: &'static str = "pos_offer_code";
    const MANY: &'static str = "pos_offer_codes";
}

/// `{"pos_offer_code": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct PosOfferCodeInput {
    /// The code's fields.
    pos_offer_code: FieldsInput,
}

/// A POS offer code's fields; absent ones stay as they are, an empty description clears it.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// The code (required on create, unique in the account).
    code: Option<String>,
    /// What it stands for.
    description: Option<String>,
}

impl From<PosOfferCodeInput> for PosOfferCodeFields {
    fn from(input: PosOfferCodeInput) -> Self {
        let fields = input.pos_offer_code;
        Self {
            code: fields.code,
            description: fields.description,
        }
    }
}
