//! Conformance with the reference API (`schemas/reference/sparkfly_openapi.yaml`): every
//! operation of the reference that the server serves (it is in the server's own
//! `GET /openapi.json`, `.json` suffix aside) is called over real HTTP against real resources
//! created first ([`world`]), and its status and JSON body are checked against the
//! reference's success answer ([`reference`]). It prints `served N/178, schema-valid M/N`.
//!
//! It fails when a served operation answers a status the reference does not declare for
//! success, or a body its schema refuses, unless every error is a listed deviation
//! ([`deviations`]); and when a listed deviation no longer shows, so the list stays true.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../support/mod.rs"]
mod support;

mod calls;
mod deviations;
mod reference;
mod world;

use domain::account::Role;
use reference::{shape_of, Operation, Reference};
use std::collections::BTreeSet;
use support::resources::get_without_token;
use support::{read, spawn_app, TestApp};
use world::{Client, World};

/// How many operations the reference describes.
const REFERENCE_OPERATIONS: usize = 178;
/// The account's API identity.
const IDENTITY: &str = "conformance";
/// Its key.
const KEY: &str = "conformance-key";

/// What one call showed.
#[derive(Debug)]
struct Outcome {
    operation: String,
    problems: Vec<String>,
    excused: BTreeSet<&'static str>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_served_operation_answers_as_the_reference_says() {
    let app = spawn_app().await;
    app.bootstrap(1, IDENTITY, KEY, vec![Role::Admin]).await;
    let token = app.token(IDENTITY, KEY).await;
    let reference = Reference::load();
    let operations = reference.operations();
    assert_eq!(operations.len(), REFERENCE_OPERATIONS);
    let served = served_operations(&app).await;
    let client = Client {
        app: &app,
        token: &token,
    };
    let world = World::create(&client).await;

    let mut outcomes = Vec::new();
    let (ours, theirs): (Vec<Operation>, Vec<Operation>) = operations
        .into_iter()
        .partition(|operation| served.contains(&(operation.method.clone(), operation.shape())));
    for operation in calls::order(ours) {
        outcomes.push(check(&client, &reference, &operation, &world).await);
    }

    let valid = outcomes
        .iter()
        .filter(|outcome| outcome.problems.is_empty())
        .count();
    println!(
        "served {}/{REFERENCE_OPERATIONS}, schema-valid {valid}/{}",
        outcomes.len(),
        outcomes.len()
    );
    for operation in &theirs {
        println!("not served: {}", operation.name());
    }
    let failures: Vec<&Outcome> = outcomes
        .iter()
        .filter(|outcome| !outcome.problems.is_empty())
        .collect();
    for failure in &failures {
        println!(
            "FAILS {}:\n  {}",
            failure.operation,
            failure.problems.join("\n  ")
        );
    }
    let shown: BTreeSet<&str> = outcomes
        .iter()
        .flat_map(|outcome| outcome.excused.iter().copied())
        .collect();
    for (name, reason) in deviations::listed() {
        println!("deviation {name}: {reason}");
    }
    let stale: Vec<&str> = deviations::listed()
        .map(|(name, _)| name)
        .filter(|name| !shown.contains(name))
        .collect();
    assert!(
        stale.is_empty(),
        "listed deviations no answer shows any more: {stale:?}"
    );
    assert!(
        failures.is_empty(),
        "{} served operations depart from the reference",
        failures.len()
    );
    app.stop().await;
}

/// Calls `operation` and checks its answer.
async fn check(
    client: &Client<'_>,
    reference: &Reference,
    operation: &Operation,
    world: &World,
) -> Outcome {
    let doomed = match calls::destroys(operation) {
        Some(name) => world.doomed(client, name, &operation.path).await,
        None => None,
    };
    let call = calls::call(operation, world, doomed);
    let app = client.app;
    let mut request = app.client.request(call.method.clone(), app.url(&call.path));
    request = if call.path == "/auth" {
        request
            .header("X-Auth-Identity", IDENTITY)
            .header("X-Auth-Key", KEY)
    } else {
        request.header("X-Auth-Token", client.token)
    };
    if let Some(body) = &call.body {
        request = request.json(body);
    }
    let (status, body) = read(request.send().await.unwrap()).await;
    let mut outcome = Outcome {
        operation: format!("{} ({} {})", operation.name(), call.method, call.path),
        problems: Vec::new(),
        excused: BTreeSet::new(),
    };
    let excused_status = deviations::excusing_status(&operation.name(), status);
    if let Some(deviation) = excused_status {
        outcome.excused.insert(deviation.operation);
    } else if !operation.success.contains(&status) {
        outcome.problems.push(format!(
            "answered {status} where the reference says {:?}: {body}",
            operation.success
        ));
        return outcome;
    }
    let Some(schema) = &operation.schema else {
        return outcome;
    };
    let validator = reference.validator(schema);
    for error in validator.iter_errors(&body) {
        let at = error.instance_path().to_string();
        match deviations::excusing(&at) {
            Some(deviation) => {
                outcome.excused.insert(deviation.field);
            }
            None => outcome.problems.push(format!("{at}: {error}")),
        }
    }
    outcome
}

/// The operations the server's own OpenAPI document names: (method, path shape), with the
/// `/v1.0` prefix and no `.json` suffix, as the reference writes them.
async fn served_operations(app: &TestApp) -> BTreeSet<(String, String)> {
    let (status, document) = get_without_token(app, "/openapi.json").await;
    assert_eq!(status, 200);
    let mut served = BTreeSet::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in item
            .as_object()
            .into_iter()
            .flatten()
            .map(|(method, _)| method)
        {
            if matches!(method.as_str(), "get" | "post" | "put" | "delete" | "patch") {
                served.insert((method.to_uppercase(), shape_of(path)));
            }
        }
    }
    served
}
