//! Manufacturers: `GET/POST /v1.0/manufacturers` and `GET/PUT/DELETE /v1.0/manufacturers/{id}`,
//! the five operations of a plain family (see `resource`), answering
//! `{"manufacturer": {...}}` with the ids of the merchants it names; the merchants themselves
//! in `merchants`, its items and item sets in `items`. A manufacturer that still owns items or
//! item sets is not deleted (409, the domain's refusal).

mod merchants;

use super::resource::{OperationIds, Resource, Summaries};
use crate::http::Named;
use crate::openapi::Routes;
use domain::catalog::{Manufacturer, ManufacturerFields};
use domain::ids::{AccountId, ManufacturerId};
use domain::{AccountState, Command, EventKind};
use projections::{Page, PageRequest, ProjectionError, ReadStore};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    super::resource::routes::<Manufacturers>(routes);
    merchants::routes(routes);
}

/// The manufacturers family.
struct Manufacturers;

impl Resource for Manufacturers {
    type Entity = Manufacturer;
    type Input = ManufacturerInput;
    const BASE: &'static str = "/manufacturers";
    const IDS: OperationIds = OperationIds {
        list: "listManufacturers",
        create: "createManufacturer",
        get: "getManufacturer",
        update: "updateManufacturer",
        delete: "deleteManufacturer",
    };
    const SUMMARIES: Summaries = Summaries {
        list: "The account's manufacturers",
        create: "Create a manufacturer",
        get: "A manufacturer",
        update: "Change a manufacturer",
        delete: "Delete a manufacturer that owns no items or item sets",
    };

    fn create(input: ManufacturerInput) -> Command {
        Command::CreateManufacturer {
            fields: input.into(),
        }
    }

    fn update(id: u64, input: ManufacturerInput) -> Command {
        Command::UpdateManufacturer {
            manufacturer_id: ManufacturerId(id),
            fields: input.into(),
        }
    }

    fn delete(id: u64) -> Command {
        Command::DeleteManufacturer {
            manufacturer_id: ManufacturerId(id),
        }
    }

    fn recorded(kind: &EventKind) -> Option<&Manufacturer> {
        match kind {
            EventKind::ManufacturerCreated(manufacturer)
            | EventKind::ManufacturerUpdated(manufacturer) => Some(manufacturer),
            _ => None,
        }
    }

    fn live(state: &AccountState, id: u64) -> Option<&Manufacturer> {
        state.manufacturer(ManufacturerId(id))
    }

    async fn page(
        store: &ReadStore,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<Manufacturer>, ProjectionError> {
        store.manufacturers(account, page).await
    }
}

impl Named for Manufacturer {
    const ONE: &'static str = "manufacturer";
    const MANY: &'static str = "manufacturers";
}

/// `{"manufacturer": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct ManufacturerInput {
    /// The manufacturer's fields.
    manufacturer: FieldsInput,
}

/// A manufacturer's fields; absent ones stay as they are, empty text clears an optional one.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name (required on create).
    name: Option<String>,
    /// What it makes.
    description: Option<String>,
    /// The url of its logo (http or https).
    logo: Option<String>,
    /// Whether it is active (true when created without it).
    is_active: Option<bool>,
}

impl From<ManufacturerInput> for ManufacturerFields {
    fn from(input: ManufacturerInput) -> Self {
        let fields = input.manufacturer;
        Self {
            name: fields.name,
            description: fields.description,
            logo: fields.logo,
            is_active: fields.is_active,
        }
    }
}
