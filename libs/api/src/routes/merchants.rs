//! Merchants: `GET/POST /v1.0/merchants` and `GET/PUT/DELETE /v1.0/merchants/{id}`, the five
//! operations of a plain family (see `resource`). A merchant that still has stores is not
//! deleted (the domain's refusal).

use super::resource::{OperationIds, Resource, Summaries};
use crate::http::Named;
use crate::openapi::Routes;
use domain::catalog::{Contact, Merchant, MerchantFields};
use domain::ids::{AccountId, MerchantId};
use domain::{AccountState, Command, EventKind};
use projections::{Page, PageRequest, ProjectionError, ReadStore};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    super::resource::routes::<Merchants>(routes);
}

/// The merchants family.
struct Merchants;

impl Resource for Merchants {
    type Entity = Merchant;
    type Input = MerchantInput;
    const BASE: &'static str = "/merchants";
    const IDS: OperationIds = OperationIds {
        list: "listMerchants",
        create: "createMerchant",
        get: "getMerchant",
        update: "updateMerchant",
        delete: "deleteMerchant",
    };
    const SUMMARIES: Summaries = Summaries {
        list: "The account's merchants",
        create: "Create a merchant",
        get: "A merchant",
        update: "Change a merchant",
        delete: "Delete a merchant without stores",
    };

    fn create(input: MerchantInput) -> Command {
        Command::CreateMerchant {
            fields: input.into(),
        }
    }

    fn update(id: u64, input: MerchantInput) -> Command {
        Command::UpdateMerchant {
            merchant_id: MerchantId(id),
            fields: input.into(),
        }
    }

    fn delete(id: u64) -> Command {
        Command::DeleteMerchant {
            merchant_id: MerchantId(id),
        }
    }

    fn recorded(kind: &EventKind) -> Option<&Merchant> {
        match kind {
            EventKind::MerchantCreated(merchant) | EventKind::MerchantUpdated(merchant) => {
                Some(merchant)
            }
            _ => None,
        }
    }

    fn live(state: &AccountState, id: u64) -> Option<&Merchant> {
        state.merchant(MerchantId(id))
    }

    async fn page(
        store: &ReadStore,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<Merchant>, ProjectionError> {
        store.merchants(account, page).await
    }
}

impl Named for Merchant {
    const ONE: &'static str = "merchant";
    const MANY: &'static str = "merchants";
}

/// `{"merchant": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct MerchantInput {
    /// The merchant's fields.
    merchant: FieldsInput,
}

/// A merchant's fields; absent ones stay as they are, empty text clears an optional one.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name (required on create).
    name: Option<String>,
    /// Whether it trades (true when created without it); an inactive merchant's stores
    /// redeem nothing.
    is_active: Option<bool>,
    /// Its logo's url (http or https).
    logo: Option<String>,
    /// How it is billed.
    billing_arrangement: Option<String>,
    /// Whether its terminals scan optical barcodes (false when created without it).
    supports_barcode: Option<bool>,
    /// How its terminals identify a redemption.
    redemption_identifier_type: Option<u32>,
    /// Whom to reach first (an empty contact removes it).
    primary: Option<Contact>,
    /// Whom to reach otherwise.
    secondary: Option<Contact>,
}

impl From<MerchantInput> for MerchantFields {
    fn from(input: MerchantInput) -> Self {
        let fields = input.merchant;
        Self {
            name: fields.name,
            is_active: fields.is_active,
            logo: fields.logo,
            billing_arrangement: fields.billing_arrangement,
            supports_barcode: fields.supports_barcode,
            redemption_identifier_type: fields.redemption_identifier_type,
            primary: fields.primary,
            secondary: fields.secondary,
        }
    }
}
