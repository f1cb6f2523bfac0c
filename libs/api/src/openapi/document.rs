//! Renders declared operations as an OpenAPI 3.1 document (JSON Schema 2020-12): request
//! bodies and query parameters as the server reads them (inlined, deserialize contract),
//! answers as it writes them (serialize contract, shared shapes under
//! `components/schemas`), and the error body every refusal has.

use super::{Answer, Op};
use domain::account::Role;
use schemars::generate::SchemaSettings;
use schemars::{json_schema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// Statuses every guarded operation may refuse with, all with the error body.
const REFUSALS: &[(u16, &str)] = &[
    (400, "The request is malformed or refused by a validation rule"),
    (401, "No valid token"),
    (403, "The token's key does not hold a role the operation needs"),
    (404, "No such resource in the caller's account"),
    (409, "The resource's state does not allow it, or the idempotency key was used for another request"),
    (413, "The body is larger than the API takes"),
    (415, "The body is neither JSON nor form-urlencoded"),
    (429, "Too many invalid codes or sign-in attempts; see Retry-After"),
    (503, "The service cannot take writes now; retry with the same idempotency key"),
];

/// Statuses every public operation may refuse with.
const PUBLIC_REFUSALS: &[(u16, &str)] = &[(400, "The request is malformed")];

fn role_name(role: &Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Issuer => "issuer",
        Role::Pos => "pos",
        Role::Reporting => "reporting",
    }
}

fn request_generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.inline_subschemas = true;
            settings.meta_schema = None;
        })
        .for_deserialize()
        .into_generator()
}

fn answer_generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
        })
        .for_serialize()
        .into_generator()
}

/// The document of `operations`.
pub(super) fn render(operations: &[Op]) -> Value {
    let mut requests = request_generator();
    let mut answers = answer_generator();
    let mut paths = Map::new();
    for op in operations {
        let item = paths
            .entry(op.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(
                op.method.as_str().to_ascii_lowercase(),
                operation(op, &mut requests, &mut answers),
            );
        }
    }
    let mut schemas = answers.take_definitions(true);
    schemas.insert("Error".into(), error_schema().to_value());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Promotions engine API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The Sparkfly-compatible promotions API, generated from the \
                server's route declarations. Every path also answers with a `.json` suffix. \
                Tokens come from `GET /auth`; the key's roles decide what it may do.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "X-Auth-Token"},
            },
        },
    })
}

fn error_schema() -> Schema {
    json_schema!({
        "type": "object",
        "description": "Every refusal: a message for people.",
        "properties": {"error": {"type": "string"}},
        "required": ["error"],
    })
}

fn operation(op: &Op, requests: &mut SchemaGenerator, answers: &mut SchemaGenerator) -> Value {
    let mut operation = Map::new();
    operation.insert("operationId".into(), json!(op.id));
    operation.insert("summary".into(), json!(op.summary));
    match op.roles {
        Some(roles) => {
            let names: Vec<&str> = std::iter::once("admin")
                .chain(roles.iter().map(role_name).filter(|name| *name != "admin"))
                .collect();
            operation.insert(
                "description".into(),
                json!(format!("Roles: {}.", names.join(", "))),
            );
            operation.insert("security".into(), json!([{"token": []}]));
        }
        None => {
            operation.insert("security".into(), json!([]));
        }
    }
    operation.insert("parameters".into(), Value::Array(parameters(op, requests)));
    if let Some(body) = op.body {
        let schema = body(requests).to_value();
        operation.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"application/json": {"schema": schema}}}),
        );
    }
    operation.insert("responses".into(), responses(op, answers));
    Value::Object(operation)
}

fn parameters(op: &Op, requests: &mut SchemaGenerator) -> Vec<Value> {
    let mut parameters = Vec::new();
    for name in path_names(&op.path) {
        let schema = match op.path_params.iter().find(|(param, _)| *param == name) {
            Some((_, schema)) => schema(requests).to_value(),
            None => json!({"type": "integer", "format": "int64", "minimum": 0}),
        };
        parameters.push(json!({"name": name, "in": "path", "required": true, "schema": schema}));
    }
    if let Some(query) = op.query {
        let schema = query(requests);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, schema) in properties {
                parameters.push(json!({
                    "name": name,
                    "in": "query",
                    "required": required.contains(&name.as_str()),
                    "schema": without_null(schema.clone()),
                }));
            }
        }
    }
    for header in &op.headers {
        parameters.push(json!({
            "name": header.name,
            "in": "header",
            "required": header.required,
            "description": header.description,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        }));
    }
    parameters
}

/// The `{name}` segments of `path`.
fn path_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

/// A query parameter's schema without `null`: an absent parameter is the query's null.
fn without_null(mut schema: Value) -> Value {
    if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.retain(|kind| kind != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            schema["type"] = only;
        }
    }
    schema
}

fn responses(op: &Op, answers: &mut SchemaGenerator) -> Value {
    let mut responses = Map::new();
    for answer in &op.answers {
        responses.insert(answer.status.to_string(), response(answer, answers));
    }
    let refusals = if op.roles.is_some() {
        REFUSALS
    } else {
        PUBLIC_REFUSALS
    };
    for (status, description) in refusals {
        responses
            .entry(status.to_string())
            .or_insert_with(|| refusal(description));
    }
    Value::Object(responses)
}

fn refusal(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    })
}

fn response(answer: &Answer, answers: &mut SchemaGenerator) -> Value {
    if answer.refusal {
        return refusal(answer.description);
    }
    match answer.body {
        Some(body) => json!({
            "description": answer.description,
            "content": {answer.media: {"schema": body(answers).to_value()}},
        }),
        None => json!({"description": answer.description}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_names_are_the_braced_segments() {
        assert_eq!(
            path_names("/v1.0/merchants/{merchant_id}/stores/{id}"),
            vec!["merchant_id", "id"]
        );
        assert!(path_names("/health").is_empty());
    }

    #[test]
    fn query_parameters_lose_their_null() {
        assert_eq!(
            without_null(json!({"type": ["integer", "null"], "minimum": 0})),
            json!({"type": "integer", "minimum": 0})
        );
    }
}
