//! Events (Sparkfly's, not the log's): `GET/POST /v1.0/events` and
//! `GET/PUT/DELETE /v1.0/events/{id}`, the five operations of a plain family (see
//! `resource`), answering `{"event": {"id", "name", ...}}`. The domain calls one an occasion.

use super::resource::{OperationIds, Resource, Summaries};
use crate::http::Named;
use crate::openapi::Routes;
use domain::catalog::{Occasion, OccasionFields};
use domain::ids::{AccountId, OccasionId};
use domain::{AccountState, Command, EventKind};
use projections::{Page, PageRequest, ProjectionError, ReadStore};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    super::resource::routes::<Events>(routes);
}

/// The events family.
struct Events;

impl Resource for Events {
    type Entity = Occasion;
    type Input = EventInput;
    const BASE: &'static str = "/events";
    const IDS: OperationIds = OperationIds {
        list: "listEvents",
        create: "createEvent",
        get: "getEvent",
        update: "updateEvent",
        delete: "deleteEvent",
    };
    const SUMMARIES: Summaries = Summaries {
        list: "The account's events",
        create: "Create an event",
        get: "An event",
        update: "Rename an event",
        delete: "Delete an event",
    };

    fn create(input: EventInput) -> Command {
        Command::CreateOccasion {
            fields: input.into(),
        }
    }

    fn update(id: u64, input: EventInput) -> Command {
        Command::UpdateOccasion {
            occasion_id: OccasionId(id),
            fields: input.into(),
        }
    }

    fn delete(id: u64) -> Command {
        Command::DeleteOccasion {
            occasion_id: OccasionId(id),
        }
    }

    fn recorded(kind: &EventKind) -> Option<&Occasion> {
        match kind {
            EventKind::OccasionCreated(occasion) | EventKind::OccasionUpdated(occasion) => {
                Some(occasion)
            }
            _ => None,
        }
    }

    fn live(state: &AccountState, id: u64) -> Option<&Occasion> {
        state.occasion(OccasionId(id))
    }

    async fn page(
        store: &ReadStore,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<Occasion>, ProjectionError> {
        store.occasions(account, page).await
    }
}

impl Named for Occasion {
    const ONE: &'static str = "event";
    const MANY: &'static str = "events";
}

/// `{"event": {"name": "..."}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct EventInput {
    /// The event's fields.
    event: FieldsInput,
}

/// An event's fields; an absent name stays as it is.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name (required on create).
    name: Option<String>,
}

impl From<EventInput> for OccasionFields {
    fn from(input: EventInput) -> Self {
        Self {
            name: input.event.name,
        }
    }
}
