//! Properties of `plan::assign`: complete, balanced, independent of the members' order,
//! minimal in what it moves, a fixed point of itself, and moving only what a join or a leave
//! must move.

use cluster::plan::assign;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn id(n: u8) -> String {
    format!("m{n:02}")
}

/// Partitions (1..64), members (1..8 distinct ids, shuffled) and a current map that may name
/// non-members and partitions out of range.
fn inputs() -> impl Strategy<Value = (u32, Vec<String>, BTreeMap<u32, String>)> {
    (
        1u32..64,
        proptest::collection::btree_set(0u8..12, 1..8)
            .prop_map(|ids| ids.into_iter().map(id).collect::<Vec<_>>())
            .prop_shuffle(),
        proptest::collection::btree_map(0u32..80, (0u8..14).prop_map(id), 0..80),
    )
}

/// The current owners `assign` must respect: members' entries on partitions in range.
fn valid(
    partitions: u32,
    members: &[String],
    current: &BTreeMap<u32, String>,
) -> BTreeMap<u32, String> {
    current
        .iter()
        .filter(|(partition, owner)| **partition < partitions && members.contains(owner))
        .map(|(partition, owner)| (*partition, owner.clone()))
        .collect()
}

fn counts(plan: &BTreeMap<u32, String>) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for owner in plan.values() {
        *counts.entry(owner.as_str()).or_insert(0) += 1;
    }
    counts
}

fn moved(before: &BTreeMap<u32, String>, after: &BTreeMap<u32, String>) -> BTreeSet<u32> {
    after
        .iter()
        .filter(|(partition, owner)| before.get(partition) != Some(owner))
        .map(|(partition, _)| *partition)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn complete_balanced_and_order_independent((partitions, members, current) in inputs()) {
        let plan = assign(partitions, &members, &current);
        prop_assert_eq!(plan.keys().copied().collect::<Vec<_>>(), (0..partitions).collect::<Vec<_>>());
        prop_assert!(plan.values().all(|owner| members.contains(owner)));
        let n = members.len();
        let floor = partitions as usize / n;
        let ceil = (partitions as usize).div_ceil(n);
        let counts = counts(&plan);
        for member in &members {
            let count = counts.get(member.as_str()).copied().unwrap_or(0);
            prop_assert!(floor <= count && count <= ceil, "{member} has {count}");
        }
        let mut reversed = members.clone();
        reversed.reverse();
        let mut sorted = members.clone();
        sorted.sort();
        prop_assert_eq!(&assign(partitions, &reversed, &current), &plan);
        prop_assert_eq!(&assign(partitions, &sorted, &current), &plan);
    }

    #[test]
    fn moves_the_minimum((partitions, members, current) in inputs()) {
        let plan = assign(partitions, &members, &current);
        let valid = valid(partitions, &members, &current);
        let n = members.len();
        let base = partitions as usize / n;
        let extra = partitions as usize % n;
        let held = counts(&valid);
        let over_base = held.values().filter(|count| **count > base).count();
        let most_kept: usize = held.values().map(|count| (*count).min(base)).sum::<usize>()
            + extra.min(over_base);
        prop_assert_eq!(moved(&valid, &plan).len(), partitions as usize - most_kept);
        for (partition, owner) in &valid {
            if held.get(owner.as_str()).copied().unwrap_or(0) <= base {
                prop_assert_eq!(plan.get(partition), Some(owner));
            }
        }
    }

    #[test]
    fn is_a_fixed_point((partitions, members, current) in inputs()) {
        let plan = assign(partitions, &members, &current);
        prop_assert_eq!(assign(partitions, &members, &plan), plan);
    }

    #[test]
    fn a_join_moves_at_most_a_share_to_the_joiner((partitions, members, current) in inputs()) {
        let before = assign(partitions, &members, &current);
        let joiner = "z-new".to_string();
        let mut grown = members.clone();
        grown.push(joiner.clone());
        let after = assign(partitions, &grown, &before);
        let moved = moved(&before, &after);
        let share = (partitions as usize).div_ceil(grown.len());
        prop_assert!(moved.len() <= share, "{} moved, share {share}", moved.len());
        for partition in &moved {
            prop_assert_eq!(after.get(partition), Some(&joiner));
        }
    }

    #[test]
    fn a_leave_moves_only_the_leavers_partitions(
        (partitions, members, current) in inputs(),
        pick in any::<prop::sample::Index>(),
    ) {
        prop_assume!(members.len() >= 2);
        let before = assign(partitions, &members, &current);
        let leaver = members[pick.index(members.len())].clone();
        let shrunk: Vec<String> = members.iter().filter(|m| **m != leaver).cloned().collect();
        let after = assign(partitions, &shrunk, &before);
        let moved = moved(&before, &after);
        let leavers: BTreeSet<u32> = before
            .iter()
            .filter(|(_, owner)| **owner == leaver)
            .map(|(partition, _)| *partition)
            .collect();
        prop_assert_eq!(moved, leavers);
    }
}

#[test]
fn empty_members_assign_nothing() {
    let current = BTreeMap::from([(0, id(1))]);
    assert!(assign(4, &[], &current).is_empty());
}
