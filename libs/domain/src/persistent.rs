//! Persistent collections for the account state: cloning one is O(1), and a change copies only
//! the path to what changed (plus the changed value), so the single writer of a partition can
//! publish its state after every durable batch while readers keep whichever version they hold.
//!
//! - [`SharedMap`]: a hash trie of shared values, for entities (members, offers, credentials,
//!   ...). A value is copied only when the writer changes it while a published version holds it.
//! - [`InlineMap`]: a hash trie with values stored in its nodes, for small `Copy`-like values
//!   (ids by code, counters).
//! - [`OrdSet`] and [`Vector`]: imbl's ordered set and sequence, for expiry queues, list
//!   memberships and the idempotency order.
//!
//! imbl is built with its `small-chunks` setting (8-wide hash-trie nodes): with the default
//! 32-wide ones most slots stayed empty and the state took twice the memory.
//!
//! Every one serialises exactly as the std collection it replaced (a map or a sequence), so
//! snapshots written before read back unchanged.

use imbl::shared_ptr::ArcK;
use imbl::GenericHashMap;
use rustc_hash::FxBuildHasher;
use serde::de::Deserializer;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

pub use imbl::{OrdSet, Vector};

/// A persistent hash map storing small values in its nodes. Keyed by server-allocated ids or
/// codes it uses FxHash (`S` defaults to it); maps keyed by client-chosen text take
/// `std::hash::RandomState`, which resists chosen-collision attacks.
pub type InlineMap<K, V, S = FxBuildHasher> = GenericHashMap<K, V, S, ArcK>;

/// A persistent hash map of shared values: the nodes hold pointers, so copying a node on a
/// change costs reference counts, not deep copies of entities; a value is cloned only when the
/// writer changes one that a published version still holds.
pub struct SharedMap<K, V, S = FxBuildHasher> {
    entries: GenericHashMap<K, Arc<V>, S, ArcK>,
}

impl<K: Clone, V, S: Clone> Clone for SharedMap<K, V, S> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
        }
    }
}

impl<K, V, S: Default> Default for SharedMap<K, V, S> {
    fn default() -> Self {
        Self {
            entries: GenericHashMap::default(),
        }
    }
}

impl<K, V, S> SharedMap<K, V, S> {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> + '_ {
        self.entries
            .iter()
            .map(|(key, value)| (key, value.as_ref()))
    }

    /// Every key, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &K> + '_ {
        self.entries.keys()
    }

    /// Every value, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.entries.values().map(Arc::as_ref)
    }
}

impl<K, V, S> SharedMap<K, V, S>
where
    K: Hash + Eq + Clone,
    V: Clone,
    S: BuildHasher + Clone,
{
    /// The value of `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key).map(Arc::as_ref)
    }

    /// The shared value of `key`, which a reader may keep without copying it.
    pub fn get_shared<Q>(&self, key: &Q) -> Option<&Arc<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.contains_key(key)
    }

    /// The value of `key` to change (copied first when a published version holds it).
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get_mut(key).map(Arc::make_mut)
    }

    /// Sets the value of `key`, answering the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<Arc<V>> {
        self.entries.insert(key, Arc::new(value))
    }

    /// Removes `key`, answering its value.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<Arc<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.remove(key)
    }

    /// Applies `change` to every value `affected` selects, copying only those (the values a
    /// change leaves alone stay shared with published versions).
    pub fn change_where(&mut self, affected: impl Fn(&V) -> bool, mut change: impl FnMut(&mut V)) {
        let keys: Vec<K> = self
            .entries
            .iter()
            .filter(|(_, value)| affected(value))
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            if let Some(value) = self.entries.get_mut(&key) {
                change(Arc::make_mut(value));
            }
        }
    }
}

impl<K, V, S> PartialEq for SharedMap<K, V, S>
where
    K: Hash + Eq + Clone,
    V: PartialEq,
    S: BuildHasher + Clone,
{
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl<K, V, S> Eq for SharedMap<K, V, S>
where
    K: Hash + Eq + Clone,
    V: Eq,
    S: BuildHasher + Clone,
{
}

impl<K: fmt::Debug, V: fmt::Debug, S> fmt::Debug for SharedMap<K, V, S> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_map().entries(self.iter()).finish()
    }
}

/// `map[&key]`, as for std maps: panics when `key` has no value, so only for keys known to be
/// there.
impl<K, V, S, Q> std::ops::Index<&Q> for SharedMap<K, V, S>
where
    K: Hash + Eq + Clone + Borrow<Q>,
    V: Clone,
    S: BuildHasher + Clone,
    Q: Hash + Eq + ?Sized,
{
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no entry for the key"),
        }
    }
}

impl<K, V, S> FromIterator<(K, V)> for SharedMap<K, V, S>
where
    K: Hash + Eq + Clone,
    V: Clone,
    S: BuildHasher + Clone + Default,
{
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = Self::default();
        map.extend(entries);
        map
    }
}

impl<K, V, S> Extend<(K, V)> for SharedMap<K, V, S>
where
    K: Hash + Eq + Clone,
    V: Clone,
    S: BuildHasher + Clone,
{
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        for (key, value) in entries {
            self.insert(key, value);
        }
    }
}

impl<K: Serialize, V: Serialize, S> Serialize for SharedMap<K, V, S> {
    fn serialize<Ser: Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, K, V, S> Deserialize<'de> for SharedMap<K, V, S>
where
    K: Deserialize<'de> + Hash + Eq + Clone,
    V: Deserialize<'de> + Clone,
    S: BuildHasher + Clone + Default,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = std::collections::HashMap::<K, V, S>::deserialize(deserializer)?;
        Ok(entries.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_keeps_its_version_while_the_original_changes() {
        let mut map: SharedMap<u64, String> = [(1, "one".to_owned())].into_iter().collect();
        let published = map.clone();
        if let Some(value) = map.get_mut(&1) {
            value.push_str(" changed");
        }
        map.insert(2, "two".to_owned());
        assert_eq!(published.get(&1).map(String::as_str), Some("one"));
        assert_eq!(published.len(), 1);
        assert_eq!(map.get(&1).map(String::as_str), Some("one changed"));
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn change_where_copies_only_the_values_it_changes() {
        let mut map: SharedMap<u64, Vec<u64>> = (0..10).map(|key| (key, vec![key])).collect();
        let published = map.clone();
        map.change_where(|value| value[0] % 2 == 0, |value| value.push(99));
        for key in 0..10u64 {
            let changed = map.get_shared(&key);
            let before = published.get_shared(&key);
            let shared = matches!((changed, before), (Some(a), Some(b)) if Arc::ptr_eq(a, b));
            assert_eq!(shared, key % 2 == 1, "key {key}");
        }
        assert_eq!(map.get(&4), Some(&vec![4, 99]));
    }

    #[test]
    fn serialises_as_the_std_map_it_replaced() {
        let map: SharedMap<u64, u32> = [(7, 70)].into_iter().collect();
        let std_map: std::collections::HashMap<u64, u32> = [(7, 70)].into_iter().collect();
        let encoded = serde_json::to_string(&map).unwrap_or_default();
        assert_eq!(encoded, serde_json::to_string(&std_map).unwrap_or_default());
        let decoded: SharedMap<u64, u32> = serde_json::from_str(&encoded).unwrap_or_default();
        assert_eq!(decoded, map);
    }
}
