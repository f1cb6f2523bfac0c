//! The pure assignment of partitions to members: balanced, deterministic and sticky. No IO.

use std::collections::{BTreeMap, BTreeSet};

/// The owner of every partition `0..partitions`: balanced (every member gets
/// `floor(P/n)` or `ceil(P/n)`), deterministic (independent of the order of `members`), and
/// sticky: a partition keeps its `current` owner when that owner is a live member and within
/// its quota, so a join or leave moves only the partitions that must move (the minimum
/// number). Empty map when `members` is empty. Entries of `current` naming non-members or
/// out-of-range partitions are ignored.
pub fn assign(
    partitions: u32,
    members: &[String],
    current: &BTreeMap<u32, String>,
) -> BTreeMap<u32, String> {
    let members: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    let Ok(n) = u32::try_from(members.len()) else {
        return BTreeMap::new();
    };
    if n == 0 {
        return BTreeMap::new();
    }
    let mut held: BTreeMap<&str, Vec<u32>> = members.iter().map(|m| (*m, Vec::new())).collect();
    for (partition, owner) in current.range(..partitions) {
        if let Some(list) = held.get_mut(owner.as_str()) {
            list.push(*partition);
        }
    }
    let quotas = quotas(partitions, n, &held);
    let mut assigned = BTreeMap::new();
    let mut deficit: BTreeMap<&str, u32> = BTreeMap::new();
    for (member, list) in &held {
        let quota = quotas.get(member).copied().unwrap_or(0);
        let kept = list
            .iter()
            .take(usize::try_from(quota).unwrap_or(usize::MAX));
        let mut count = 0;
        for partition in kept {
            assigned.insert(*partition, (*member).to_string());
            count += 1;
        }
        deficit.insert(member, quota - count);
    }
    for partition in 0..partitions {
        if assigned.contains_key(&partition) {
            continue;
        }
        let neediest = deficit
            .iter()
            .max_by(|(a_id, a), (b_id, b)| a.cmp(b).then_with(|| b_id.cmp(a_id)))
            .map(|(member, _)| *member);
        if let Some(member) = neediest {
            if let Some(left) = deficit.get_mut(member) {
                *left = left.saturating_sub(1);
            }
            assigned.insert(partition, member.to_string());
        }
    }
    assigned
}

/// Each member's share: `base + 1` for the `P % n` members holding the most (ties: the lower
/// id), `base` for the others, so that the members keep as many partitions as possible.
fn quotas<'a>(
    partitions: u32,
    n: u32,
    held: &BTreeMap<&'a str, Vec<u32>>,
) -> BTreeMap<&'a str, u32> {
    let base = partitions / n;
    let extra = usize::try_from(partitions % n).unwrap_or(usize::MAX);
    let mut order: Vec<(&str, usize)> = held.iter().map(|(m, list)| (*m, list.len())).collect();
    order.sort_by(|(a_id, a), (b_id, b)| b.cmp(a).then_with(|| a_id.cmp(b_id)));
    order
        .into_iter()
        .enumerate()
        .map(|(rank, (member, _))| (member, if rank < extra { base + 1 } else { base }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_string()).collect()
    }

    #[test]
    fn no_members_no_owners() {
        assert!(assign(8, &[], &BTreeMap::new()).is_empty());
    }

    #[test]
    fn the_extra_partition_goes_to_the_lowest_id() {
        let plan = assign(5, &ids(&["b", "a"]), &BTreeMap::new());
        let count = |id: &str| plan.values().filter(|owner| *owner == id).count();
        assert_eq!((plan.len(), count("a"), count("b")), (5, 3, 2));
    }

    #[test]
    fn a_joiner_takes_only_the_surplus() {
        let members = ids(&["a", "b"]);
        let before = assign(6, &members, &BTreeMap::new());
        let after = assign(6, &ids(&["a", "b", "c"]), &before);
        let moved: Vec<u32> = (0..6).filter(|p| before.get(p) != after.get(p)).collect();
        assert_eq!(moved.len(), 2);
        assert!(moved
            .iter()
            .all(|p| after.get(p).map(String::as_str) == Some("c")));
    }
}
