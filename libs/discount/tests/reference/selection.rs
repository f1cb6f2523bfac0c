//! Unit selection of the reference model, one unit at a time: every line is expanded into its
//! `quantity` units and each unit gets a role (bought or rewarded) at most once per offer.
//!
//! Rules implemented (crate docs, "Rewards"):
//! * a unit of a line whose remaining amount is zero cannot be rewarded, but can be bought;
//! * `Items`: every unit whose item is in `target` is rewarded; with `max_units`, only the
//!   `max_units` lowest-priced ones, equal prices by ascending `line_id` ([`items`]);
//! * `BuyGet`: while at least N required units and some target unit are available, and fewer
//!   than `max_rounds` rounds were done, buy the N highest-priced available required units,
//!   then reward up to M of the lowest-priced available target units (never the ones just
//!   bought); ties by ascending `line_id` ([`buy_get`]).

use super::arithmetic::Exact;

/// One unit of a basket line, as selection sees it.
#[derive(Clone, Debug)]
pub struct Unit {
    /// The line's position in `line_id` order (so lower means earlier `line_id`).
    pub line: usize,
    /// The unit price.
    pub price: Exact,
    /// The line's item is in the offer's required set.
    pub required: bool,
    /// The line's item is in the offer's target set and the line has something left.
    pub target: bool,
}

/// What a unit does within one offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Unassigned,
    Bought,
    Rewarded,
}

/// Rewarded units per line (indexed like [`Unit::line`]) of an `Items` offer.
pub fn items(units: &[Unit], max_units: Option<u32>, line_count: usize) -> Vec<u64> {
    let mut candidates: Vec<&Unit> = units.iter().filter(|unit| unit.target).collect();
    if let Some(max_units) = max_units {
        candidates.sort_by(|a, b| a.price.cmp(&b.price).then(a.line.cmp(&b.line)));
        candidates.truncate(max_units as usize);
    }
    count_per_line(candidates.into_iter(), line_count)
}

/// Rewarded units per line (indexed like [`Unit::line`]) of a buy-`n`-get-`m` offer done at
/// most `max_rounds` times (`None`: no limit).
pub fn buy_get(
    units: &[Unit],
    n: u32,
    m: u32,
    max_rounds: Option<u32>,
    line_count: usize,
) -> Vec<u64> {
    let mut roles = vec![Role::Unassigned; units.len()];
    let mut rounds = 0u32;
    while max_rounds.is_none_or(|max| rounds < max) {
        rounds += 1;
        let mut required: Vec<usize> = (0..units.len())
            .filter(|&i| roles[i] == Role::Unassigned && units[i].required)
            .collect();
        let any_target = (0..units.len()).any(|i| roles[i] == Role::Unassigned && units[i].target);
        if required.len() < n as usize || !any_target {
            break;
        }
        // Dearest first; equal prices by ascending line_id.
        required.sort_by(|&a, &b| {
            units[b]
                .price
                .cmp(&units[a].price)
                .then(units[a].line.cmp(&units[b].line))
        });
        for &i in required.iter().take(n as usize) {
            roles[i] = Role::Bought;
        }
        let mut targets: Vec<usize> = (0..units.len())
            .filter(|&i| roles[i] == Role::Unassigned && units[i].target)
            .collect();
        // Cheapest first; equal prices by ascending line_id.
        targets.sort_by(|&a, &b| {
            units[a]
                .price
                .cmp(&units[b].price)
                .then(units[a].line.cmp(&units[b].line))
        });
        for &i in targets.iter().take(m as usize) {
            roles[i] = Role::Rewarded;
        }
    }
    let rewarded = units
        .iter()
        .zip(&roles)
        .filter(|(_, role)| **role == Role::Rewarded)
        .map(|(unit, _)| unit);
    count_per_line(rewarded, line_count)
}

fn count_per_line<'u>(units: impl Iterator<Item = &'u Unit>, line_count: usize) -> Vec<u64> {
    let mut counts = vec![0u64; line_count];
    for unit in units {
        counts[unit.line] += 1;
    }
    counts
}
