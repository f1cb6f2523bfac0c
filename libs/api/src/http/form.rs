//! Form-urlencoded text (a form body or a query string) read as a JSON object, the way Rails
//! clients write it: `a[b]=x` nests (`member[identifier]=x`,
//! `annotations[conv_ids][click]=abc`), `x[]=1&x[]=2` and a repeated key collect into an
//! array. A key nests at most [`MAX_DEPTH`] levels, counted before anything is built; the
//! fields are then checked by the one rule of [`super::limits`].

use super::limits::{check_fields, too_deep, MAX_DEPTH};
use super::ApiError;
use serde_json::{Map, Value};

/// The decoded `key=value` pairs of form-urlencoded `text`.
pub fn pairs(text: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_bytes(text)
        .map_err(|_| ApiError::BadRequest("Malformed form-urlencoded text".into()))
}

/// The pairs as a JSON object of text values, nested by their bracketed keys.
pub fn nest(pairs: Vec<(String, String)>) -> Result<Map<String, Value>, ApiError> {
    let mut fields = Map::new();
    for (key, value) in pairs {
        if key.bytes().filter(|byte| *byte == b'[').count() >= MAX_DEPTH {
            return Err(too_deep());
        }
        let path: Vec<&str> = key
            .split('[')
            .map(|part| part.trim_end_matches(']'))
            .collect();
        insert(&mut fields, &path, Value::String(value)).map_err(|()| malformed(&key))?;
    }
    check_fields(&fields)?;
    Ok(fields)
}

fn malformed(key: &str) -> ApiError {
    let shown: String = key.chars().take(64).collect();
    ApiError::BadRequest(format!("Malformed form key: {shown}"))
}

fn insert(fields: &mut Map<String, Value>, path: &[&str], value: Value) -> Result<(), ()> {
    match path {
        [] | [""] | ["", ..] => Err(()),
        [name] => {
            add(fields, name, value, false);
            Ok(())
        }
        [name, ""] => {
            add(fields, name, value, true);
            Ok(())
        }
        [name, rest @ ..] => {
            let entry = fields
                .entry(*name)
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(inner) = entry else {
                return Err(());
            };
            insert(inner, rest, value)
        }
    }
}

/// Sets `name`, or appends to it when it is already given or `many` asks for an array.
fn add(fields: &mut Map<String, Value>, name: &str, value: Value, many: bool) {
    match fields.get_mut(name) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => *existing = Value::Array(vec![existing.take(), value]),
        None if many => {
            fields.insert(name.to_owned(), Value::Array(vec![value]));
        }
        None => {
            fields.insert(name.to_owned(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Result<Value, ApiError> {
        nest(pairs(text.as_bytes())?).map(Value::Object)
    }

    #[test]
    fn bracketed_keys_nest_and_repeats_collect() {
        let value = read("member[identifier]=a%20b&member[notification_mode]=sms&x=1");
        assert!(matches!(
            value,
            Ok(v) if v == json!({"member": {"identifier": "a b", "notification_mode": "sms"}, "x": "1"})
        ));
        let value = read("ids[]=1&ids[]=2&one=a&one=b");
        assert!(matches!(value, Ok(v) if v == json!({"ids": ["1", "2"], "one": ["a", "b"]})));
    }

    #[test]
    fn malformed_keys_are_refused() {
        assert!(read("a[b][c][d][e][f][g][h][i]=1").is_err());
        assert!(read("a[b][c][d][e][f][g][h]=1").is_ok());
        assert!(read("member_id=1&member_id[x]=2").is_err());
        assert!(read("[x]=1").is_err());
        assert!(read("a=%00").is_err());
    }

    #[test]
    fn a_key_of_100_000_brackets_is_refused_without_building_it() {
        let key = "x".to_owned() + &"[".repeat(100_000);
        let refused = read(&format!("{key}=1"));
        assert!(matches!(refused, Err(ApiError::BadRequest(text)) if text.len() < 100));
    }
}
