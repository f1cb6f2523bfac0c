//! The reference API (`schemas/reference/sparkfly_openapi.yaml`, the community OpenAPI 3
//! description of Sparkfly's API): its operations, and a validator for the body each one
//! answers on success.
//!
//! The reference marks nullable fields as `format: nullable` (not standard JSON Schema): a
//! field so marked accepts `null` beside its declared type. Other formats are annotations and
//! are not checked (several are Go layout strings, not JSON Schema formats).

use serde_json::{Map, Value};
use std::path::PathBuf;

/// One operation of the reference.
#[derive(Clone, Debug)]
pub struct Operation {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// The path template, `{name}` for each parameter.
    pub path: String,
    /// The success statuses the reference declares (2xx), in its order.
    pub success: Vec<u16>,
    /// The schema of the success answer's JSON body, when it declares one.
    pub schema: Option<Value>,
}

impl Operation {
    /// `GET /v1.0/members/{member_id}`.
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The path with every parameter's name blanked (`/members/{}`), to compare templates
    /// that name their parameters differently.
    pub fn shape(&self) -> String {
        shape_of(&self.path)
    }
}

/// `/a/{x}/b` -> `/a/{}/b`.
pub fn shape_of(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut in_name = false;
    for character in path.chars() {
        match character {
            '{' => {
                in_name = true;
                shape.push('{');
            }
            '}' => {
                in_name = false;
                shape.push('}');
            }
            _ if in_name => {}
            other => shape.push(other),
        }
    }
    shape
}

/// The reference document, as JSON.
pub struct Reference {
    document: Value,
}

impl Reference {
    /// Reads the vendored reference.
    pub fn load() -> Self {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../schemas/reference/sparkfly_openapi.yaml");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
        let document: Value = serde_yaml_ng::from_str(&text)
            .unwrap_or_else(|error| panic!("parsing {}: {error}", path.display()));
        Self { document }
    }

    /// Every operation, in the document's order.
    pub fn operations(&self) -> Vec<Operation> {
        let mut operations = Vec::new();
        let Some(paths) = self.document["paths"].as_object() else {
            return operations;
        };
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                if !matches!(method.as_str(), "get" | "post" | "put" | "delete" | "patch") {
                    continue;
                }
                operations.push(operation_of(path, method, operation));
            }
        }
        operations
    }

    /// A validator of `schema` whose `#/components/...` references resolve in the reference.
    pub fn validator(&self, schema: &Value) -> jsonschema::Validator {
        let mut root = match nullable(schema) {
            Value::Object(map) => map,
            other => {
                let mut map = Map::new();
                map.insert("allOf".into(), Value::Array(vec![other]));
                map
            }
        };
        root.insert("components".into(), nullable(&self.document["components"]));
        jsonschema::options()
            .should_validate_formats(false)
            .build(&Value::Object(root))
            .unwrap_or_else(|error| panic!("the reference's schema {schema} is invalid: {error}"))
    }
}

fn operation_of(path: &str, method: &str, operation: &Value) -> Operation {
    let mut success = Vec::new();
    let mut schema = None;
    if let Some(responses) = operation["responses"].as_object() {
        for (status, response) in responses {
            let Ok(status) = status.parse::<u16>() else {
                continue;
            };
            if !(200..300).contains(&status) {
                continue;
            }
            success.push(status);
            if schema.is_none() {
                schema = response["content"]["application/json"]["schema"]
                    .as_object()
                    .map(|map| Value::Object(map.clone()));
            }
        }
    }
    Operation {
        method: method.to_uppercase(),
        path: path.to_owned(),
        success,
        schema,
    }
}

/// `schema` with every `{"type": T, "format": "nullable"}` turned into `{"type": [T, "null"]}`.
fn nullable(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            let marked = map.get("format").and_then(Value::as_str) == Some("nullable");
            for (key, value) in map {
                if marked && key == "format" {
                    continue;
                }
                let value = match (marked, key.as_str(), value) {
                    (true, "type", Value::String(kind)) => {
                        Value::Array(vec![Value::String(kind.clone()), "null".into()])
                    }
                    _ => nullable(value),
                };
                out.insert(key.clone(), value);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(nullable).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_nullable_field_takes_null_and_its_type_only() {
        let schema = json!({"properties": {"a": {"type": "string", "format": "nullable"}}});
        let converted = nullable(&schema);
        assert_eq!(
            converted,
            json!({"properties": {"a": {"type": ["string", "null"]}}})
        );
    }

    #[test]
    fn shapes_blank_parameter_names() {
        assert_eq!(shape_of("/v1.0/a/{a_id}/b/{id}"), "/v1.0/a/{}/b/{}");
    }
}
