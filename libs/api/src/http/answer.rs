//! The Sparkfly envelopes of answers, as types: [`One`] (`{"member": {...}}`), [`Reported`]
//! (`{"account": {...}, "errors": {}}`) and [`Paged`]
//! (`{"page", "per_page", "total_entries", "total_pages", "members": [{"member": {...}}]}`).
//! Both serialize the answer and describe it in the OpenAPI document, so the two cannot
//! differ. A resource names its keys by implementing [`Named`].

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// The keys a resource is answered under.
pub trait Named {
    /// The key of one (`member`).
    const ONE: &'static str;
    /// The key of a list (`members`).
    const MANY: &'static str;
}

/// One resource under its key.
#[derive(Debug)]
pub struct One<T>(pub T);

impl<T: Serialize + Named> Serialize for One<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(T::ONE, &self.0)?;
        map.end()
    }
}

fn object(fields: Vec<(&str, Value)>, required: &[&str]) -> Schema {
    let properties: Map<String, Value> = fields
        .into_iter()
        .map(|(name, schema)| (name.to_owned(), schema))
        .collect();
    let mut schema = Schema::default();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), json!(required));
    schema
}

impl<T: JsonSchema + Named> JsonSchema for One<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("One{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let inner = generator.subschema_for::<T>().to_value();
        object(vec![(T::ONE, inner)], &[T::ONE])
    }
}

/// The empty `errors` object of Sparkfly's single-resource bodies.
#[derive(Clone, Copy, Debug, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoErrors {}

/// One resource under its key, beside Sparkfly's empty `errors`.
#[derive(Debug)]
pub struct Reported<T>(pub T);

impl<T: Serialize + Named> Serialize for Reported<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(T::ONE, &self.0)?;
        map.serialize_entry("errors", &NoErrors {})?;
        map.end()
    }
}

impl<T: JsonSchema + Named> JsonSchema for Reported<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Reported{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let inner = generator.subschema_for::<T>().to_value();
        let errors = generator.subschema_for::<NoErrors>().to_value();
        object(
            vec![(T::ONE, inner), ("errors", errors)],
            &[T::ONE, "errors"],
        )
    }
}

/// A page of resources, Sparkfly style.
#[derive(Debug)]
pub struct Paged<T> {
    /// The page number, from 1.
    pub page: u32,
    /// Resources per page.
    pub per_page: u32,
    /// Resources in all pages.
    pub total_entries: u64,
    /// Pages in all.
    pub total_pages: u64,
    /// This page's resources.
    pub items: Vec<T>,
}

impl<T> Paged<T> {
    /// The page `page` describes, holding `items`.
    pub fn of<P>(page: &projections::Page<P>, items: Vec<T>) -> Self {
        Self {
            page: page.page,
            per_page: page.per_page,
            total_entries: page.total_entries,
            total_pages: page.total_pages,
            items,
        }
    }
}

impl<T: Serialize + Named> Serialize for Paged<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("page", &self.page)?;
        map.serialize_entry("per_page", &self.per_page)?;
        map.serialize_entry("total_entries", &self.total_entries)?;
        map.serialize_entry("total_pages", &self.total_pages)?;
        let items: Vec<One<&T>> = self.items.iter().map(One).collect();
        map.serialize_entry(T::MANY, &items)?;
        map.end()
    }
}

impl<T: Named> Named for &T {
    const ONE: &'static str = T::ONE;
    const MANY: &'static str = T::MANY;
}

impl<T: JsonSchema + Named> JsonSchema for Paged<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("PageOf{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let one = generator.subschema_for::<One<T>>().to_value();
        let count = json!({"type": "integer", "minimum": 0});
        object(
            vec![
                ("page", count.clone()),
                ("per_page", count.clone()),
                ("total_entries", count.clone()),
                ("total_pages", count),
                (T::MANY, json!({"type": "array", "items": one})),
            ],
            &["page", "per_page", "total_entries", "total_pages", T::MANY],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, JsonSchema)]
    struct Thing {
        id: u64,
    }

    impl Named for Thing {
        const ONE: &'static str = "thing";
        const MANY: &'static str = "things";
    }

    #[test]
    fn envelopes_serialize_as_sparkfly_answers() {
        let one = serde_json::to_value(One(Thing { id: 1 })).unwrap_or_default();
        assert_eq!(one, json!({"thing": {"id": 1}}));
        let reported = serde_json::to_value(Reported(Thing { id: 1 })).unwrap_or_default();
        assert_eq!(reported, json!({"thing": {"id": 1}, "errors": {}}));
        let page = Paged {
            page: 2,
            per_page: 1,
            total_entries: 3,
            total_pages: 3,
            items: vec![Thing { id: 2 }],
        };
        assert_eq!(
            serde_json::to_value(page).unwrap_or_default(),
            json!({"page": 2, "per_page": 1, "total_entries": 3, "total_pages": 3,
                "things": [{"thing": {"id": 2}}]})
        );
    }
}
