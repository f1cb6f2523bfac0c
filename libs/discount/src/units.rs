//! Unit selection: which units of which lines an item-level offer rewards.
//!
//! Units are run-lengths (a line and a count), never expanded one by one: `Items` walks the
//! lines once, `BuyGet` does its rounds in bulk, so the cost depends on the number of lines
//! and on the buy/get counts, not on the quantities.

use crate::state::LineState;

/// Line indices by unit price, ascending then descending, equal prices by ascending `line_id`
/// in both (lines are indexed in `line_id` order).
#[derive(Clone, Debug)]
pub(crate) struct PriceOrder {
    indices: Vec<u32>,
    len: usize,
}

impl PriceOrder {
    /// Orders `lines` (already in `line_id` order).
    pub(crate) fn new(lines: &[LineState]) -> Self {
        let len = lines.len();
        let price = |i: u32| lines[i as usize].price;
        let mut indices = Vec::with_capacity(2 * len);
        indices.extend(0..len as u32);
        indices.sort_unstable_by_key(|&i| (price(i), i));
        let mut end = len;
        while end > 0 {
            let run_price = price(indices[end - 1]);
            let mut start = end - 1;
            while start > 0 && price(indices[start - 1]) == run_price {
                start -= 1;
            }
            indices.extend_from_within(start..end);
            end = start;
        }
        PriceOrder { indices, len }
    }

    fn asc(&self) -> &[u32] {
        &self.indices[..self.len]
    }

    fn desc(&self) -> &[u32] {
        &self.indices[self.len..]
    }
}

/// Reusable buffer for [`buy_get`]: the required lines, dearest first, then the target lines,
/// cheapest first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pools {
    buffer: Vec<u32>,
}

/// Rewards every target unit (an `Items` offer without `max_units`); returns the count.
pub(crate) fn all_targets(lines: &mut [LineState]) -> u64 {
    let mut total = 0;
    for line in lines {
        line.rewarded = if line.target { line.qty } else { 0 };
        total += line.rewarded;
    }
    total
}

/// Rewards the `max_units` cheapest target units (an `Items` offer with `max_units`); returns
/// the count.
pub(crate) fn cheapest_targets(lines: &mut [LineState], order: &PriceOrder, max_units: u64) -> u64 {
    lines.iter_mut().for_each(|line| line.rewarded = 0);
    let mut left = max_units;
    for &i in order.asc() {
        if left == 0 {
            break;
        }
        let i = i as usize;
        if lines[i].target {
            let take = lines[i].qty.min(left);
            lines[i].rewarded = take;
            left -= take;
        }
    }
    max_units - left
}

/// Rewards target units for a buy-`n`-get-`m` offer done at most `max_rounds` times; returns
/// the number of units rewarded.
///
/// Each round takes the `n` dearest available required units as bought, then up to `m` of the
/// cheapest available target units as rewarded; rounds repeat while at least `n` required
/// units and some target unit remain, and fewer than `max_rounds` rounds were done. When the
/// required front line and the target front line can serve whole rounds on their own, all
/// those rounds (up to the rounds left) are done in one step.
pub(crate) fn buy_get(
    lines: &mut [LineState],
    order: &PriceOrder,
    pools: &mut Pools,
    n: u64,
    m: u64,
    max_rounds: u64,
) -> u64 {
    let buffer = &mut pools.buffer;
    buffer.clear();
    buffer.reserve(2 * lines.len());
    buffer.extend(order.desc().iter().filter(|&&i| lines[i as usize].required));
    let split = buffer.len();
    buffer.extend(order.asc().iter().filter(|&&i| lines[i as usize].target));
    let mut left = Left::default();
    for line in lines.iter_mut() {
        line.rewarded = 0;
        line.avail = if line.required || line.target {
            line.qty
        } else {
            0
        };
        left.required += if line.required { line.qty } else { 0 };
        left.target += if line.target { line.qty } else { 0 };
    }
    let (required, target) = buffer.split_at(split);
    let (mut rp, mut tp) = (0, 0);
    let mut rewarded = 0;
    let mut rounds_left = max_rounds;
    while rounds_left > 0 {
        while rp < required.len() && lines[required[rp] as usize].avail == 0 {
            rp += 1;
        }
        while tp < target.len() && lines[target[tp] as usize].avail == 0 {
            tp += 1;
        }
        if left.required < n || left.target == 0 || rp == required.len() || tp == target.len() {
            break;
        }
        let (r, t) = (required[rp] as usize, target[tp] as usize);
        let rounds = if r == t {
            lines[r].avail / (n + m)
        } else {
            (lines[r].avail / n).min(lines[t].avail / m)
        }
        .min(rounds_left);
        if rounds > 0 {
            left.take(lines, r, rounds * n);
            left.take(lines, t, rounds * m);
            lines[t].rewarded += rounds * m;
            rewarded += rounds * m;
            rounds_left -= rounds;
            continue;
        }
        rounds_left -= 1;
        let mut need = n;
        for &i in &required[rp..] {
            if need == 0 {
                break;
            }
            let take = lines[i as usize].avail.min(need);
            left.take(lines, i as usize, take);
            need -= take;
        }
        let mut give = m;
        for &i in &target[tp..] {
            if give == 0 {
                break;
            }
            let take = lines[i as usize].avail.min(give);
            left.take(lines, i as usize, take);
            lines[i as usize].rewarded += take;
            rewarded += take;
            give -= take;
        }
    }
    rewarded
}

/// Available units left in the required and target pools.
#[derive(Default)]
struct Left {
    required: u64,
    target: u64,
}

impl Left {
    fn take(&mut self, lines: &mut [LineState], i: usize, units: u64) {
        let line = &mut lines[i];
        line.avail -= units;
        if line.required {
            self.required -= units;
        }
        if line.target {
            self.target -= units;
        }
    }
}

#[cfg(test)]
#[path = "units_tests.rs"]
mod tests;
