//! The basket (the POS's lines: item, quantity, unit price), item sets, and the basket limits.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use rustc_hash::FxBuildHasher;

/// The most lines a basket may have.
pub const MAX_LINES: usize = 500;
/// The longest `line_id` or `item_code`, in characters.
pub const MAX_CODE_CHARS: usize = 64;
/// The largest quantity on one line.
pub const MAX_QUANTITY: u32 = 10_000;
/// The largest unit price, in major units of the currency.
pub const MAX_UNIT_PRICE: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// One basket line: `quantity` units of `item_code` at `unit_price` each.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct BasketLine {
    /// The POS's identifier of the line, unique within the basket.
    pub line_id: String,
    /// The item (SKU/PLU) code matched against offers' item sets.
    pub item_code: String,
    /// Number of units, `1..=10000`.
    pub quantity: u32,
    /// Price of one unit before discounts, in major units (e.g. `"4.99"`).
    pub unit_price: Decimal,
}

/// A basket: the lines of one order, in the POS's order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Basket {
    /// The lines, `1..=500` of them.
    pub lines: Vec<BasketLine>,
}

/// A set of item codes (an offer's required or redemption item set).
///
/// Serialises as a sorted JSON array of strings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemSet {
    codes: HashSet<String, FxBuildHasher>,
}

impl ItemSet {
    /// A set holding `codes` (duplicates collapse).
    pub fn new(codes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        ItemSet {
            codes: codes.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether `code` is in the set.
    #[inline]
    pub fn contains(&self, code: &str) -> bool {
        self.codes.contains(code)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the set has no codes.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The codes, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.codes.iter().map(String::as_str)
    }

    fn sorted(&self) -> BTreeSet<&str> {
        self.iter().collect()
    }
}

impl<S: Into<String>> FromIterator<S> for ItemSet {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        ItemSet::new(iter)
    }
}

impl Serialize for ItemSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.sorted().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ItemSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<String>::deserialize(deserializer).map(ItemSet::new)
    }
}

impl JsonSchema for ItemSet {
    fn schema_name() -> Cow<'static, str> {
        "ItemSet".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        BTreeSet::<String>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn item_set_basics() {
        let set = ItemSet::new(["b", "a", "b"]);
        assert_eq!(set.len(), 2);
        assert!(set.contains("a") && set.contains("b") && !set.contains("c"));
        assert!(!set.is_empty() && ItemSet::default().is_empty());
        let mut codes: Vec<&str> = set.iter().collect();
        codes.sort_unstable();
        assert_eq!(codes, ["a", "b"]);
        assert_eq!(set, ["a", "b"].into_iter().collect::<ItemSet>());
    }

    /// Mutations (cargo-mutants): `schema_name` answering "" or "xyzzy", `json_schema`
    /// answering an empty schema.
    #[test]
    fn an_item_set_is_described_as_a_set_of_codes() {
        let schema = serde_json::to_value(schemars::schema_for!(ItemSet)).unwrap();
        assert_eq!(schema["title"], "ItemSet");
        assert_eq!(schema["type"], "array");
        assert_eq!(schema["uniqueItems"], true);
        assert_eq!(schema["items"]["type"], "string");
    }

    #[test]
    fn item_set_serialises_sorted() {
        let set = ItemSet::new(["z", "a", "m"]);
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["a","m","z"]"#);
        assert_eq!(serde_json::from_str::<ItemSet>(&json).unwrap(), set);
    }

    #[test]
    fn max_unit_price_is_one_billion() {
        assert_eq!(MAX_UNIT_PRICE.to_string(), "1000000000");
    }
}
