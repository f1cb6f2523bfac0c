//! Counters: `GET/POST /v1.0/counters` and `GET/PUT/DELETE /v1.0/counters/{id}`, the five
//! operations of a plain family (see `resource`), answering `{"counter": {"id", "name", ...}}`.
//! The reference types a counter's name as an integer in its request and its answer, so it
//! is one here: a name given as text is refused (400).

use super::resource::{OperationIds, Resource, Summaries};
use crate::http::Named;
use crate::openapi::Routes;
use domain::catalog::{Counter, CounterFields};
use domain::ids::{AccountId, CounterId};
use domain::{AccountState, Command, EventKind};
use projections::{Page, PageRequest, ProjectionError, ReadStore};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    super::resource::routes::<Counters>(routes);
}

/// The counters family.
struct Counters;

impl Resource for Counters {
    type Entity = Counter;
    type Input = CounterInput;
    const BASE: &'static str = "/counters";
    const IDS: OperationIds = OperationIds {
        list: "listCounters",
        create: "createCounter",
        get: "getCounter",
        update: "updateCounter",
        delete: "deleteCounter",
    };
    const SUMMARIES: Summaries = Summaries {
        list: "The account's counters",
        create: "Create a counter",
        get: "A counter",
        update: "Change a counter",
        delete: "Delete a counter",
    };

    fn create(input: CounterInput) -> Command {
        Command::CreateCounter {
            fields: input.into(),
        }
    }

    fn update(id: u64, input: CounterInput) -> Command {
        Command::UpdateCounter {
            counter_id: CounterId(id),
            fields: input.into(),
        }
    }

    fn delete(id: u64) -> Command {
        Command::DeleteCounter {
            counter_id: CounterId(id),
        }
    }

    fn recorded(kind: &EventKind) -> Option<&Counter> {
        match kind {
            EventKind::CounterCreated(counter) | EventKind::CounterUpdated(counter) => {
                Some(counter)
            }
            _ => None,
        }
    }

    fn live(state: &AccountState, id: u64) -> Option<&Counter> {
        state.counter(CounterId(id))
    }

    async fn page(
        store: &ReadStore,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<Counter>, ProjectionError> {
        store.counters(account, page).await
    }
}

impl Named for Counter {
    const ONE: &'static str = "counter";
    const MANY: &'static str = "counters";
}

/// `{"counter": {"name": 7}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct CounterInput {
    /// The counter's fields.
    counter: FieldsInput,
}

/// A counter's fields; an absent name stays as it is.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name, an integer (required on create; at most 2^53 - 1 either side of 0).
    name: Option<i64>,
}

impl From<CounterInput> for CounterFields {
    fn from(input: CounterInput) -> Self {
        Self {
            name: input.counter.name,
        }
    }
}
