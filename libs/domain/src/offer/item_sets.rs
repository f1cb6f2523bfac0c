//! How an offer's eligible item sets decide whether a basket may redeem it
//! (`PUT /offers/{id}/eligible_item_sets/{id}` with Sparkfly's `list_type` and `req_qty`).
//!
//! Each eligible item set has a role: `any` (the default: the basket must hold
//! `required_quantity` units of one of the offer's `any` sets), `required` (it must hold that
//! many units of this set as well) or `excluded` (it must hold no item of this set). The
//! reference names the roles only by number; this is the choice made for 0, 1 and 2.

use super::Eligibility;
use crate::ids::ItemSetId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Most units an item set may require (a basket line holds at most 10,000).
pub const MAX_REQUIRED_QUANTITY: u32 = 10_000;

/// What an eligible item set asks of a basket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemSetRole {
    /// One of the sets of which the basket must satisfy at least one.
    Any,
    /// A set the basket must satisfy whatever else it holds.
    Required,
    /// A set of which the basket must hold nothing.
    Excluded,
}

impl ItemSetRole {
    /// Every role, by its number (Sparkfly's `list_type`).
    pub const ALL: [Self; 3] = [Self::Any, Self::Required, Self::Excluded];

    /// Its number (Sparkfly's `list_type`).
    pub fn code(self) -> u32 {
        match self {
            Self::Any => 0,
            Self::Required => 1,
            Self::Excluded => 2,
        }
    }

    /// The role numbered `code`.
    pub fn of_code(code: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.code() == code)
    }

    /// Its name (Sparkfly's `type_name`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::Required => "required",
            Self::Excluded => "excluded",
        }
    }
}

/// An eligible item set's role and the units of its items it asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct ItemSetRule {
    /// Its role.
    pub role: ItemSetRole,
    /// Units of its items the basket must hold (1 to [`MAX_REQUIRED_QUANTITY`]).
    pub required_quantity: u32,
}

impl Default for ItemSetRule {
    fn default() -> Self {
        Self {
            role: ItemSetRole::Any,
            required_quantity: 1,
        }
    }
}

impl Eligibility {
    /// The rule of eligible item set `set` (the default when none was set).
    pub fn item_set_rule(&self, set: ItemSetId) -> ItemSetRule {
        self.item_set_rules.get(&set).copied().unwrap_or_default()
    }

    /// Whether a basket holding `units(set)` units of each eligible item set's items may
    /// redeem: nothing of an excluded set, enough of every required set, and enough of one
    /// `any` set when there is one.
    pub fn basket_qualifies(&self, units: impl Fn(ItemSetId) -> u64) -> bool {
        let mut any_sets = false;
        let mut any_met = false;
        for set in &self.item_set_ids {
            let rule = self.item_set_rule(*set);
            let held = units(*set);
            let enough = held >= u64::from(rule.required_quantity);
            match rule.role {
                ItemSetRole::Excluded if held > 0 => return false,
                ItemSetRole::Excluded => {}
                ItemSetRole::Required if !enough => return false,
                ItemSetRole::Required => {}
                ItemSetRole::Any => {
                    any_sets = true;
                    any_met |= enough;
                }
            }
        }
        !any_sets || any_met
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn eligibility(rules: &[(u64, ItemSetRole, u32)]) -> Eligibility {
        let mut eligibility = Eligibility::default();
        for (set, role, required_quantity) in rules {
            eligibility.item_set_ids.insert(ItemSetId(*set));
            let rule = ItemSetRule {
                role: *role,
                required_quantity: *required_quantity,
            };
            if rule != ItemSetRule::default() {
                eligibility.item_set_rules.insert(ItemSetId(*set), rule);
            }
        }
        eligibility
    }

    fn qualifies(eligibility: &Eligibility, held: &[(u64, u64)]) -> bool {
        let held: HashMap<u64, u64> = held.iter().copied().collect();
        eligibility.basket_qualifies(|set| held.get(&set.0).copied().unwrap_or(0))
    }

    #[test]
    fn any_sets_need_one_met_required_sets_all_and_excluded_sets_none() {
        use ItemSetRole::{Any, Excluded, Required};
        assert!(qualifies(&Eligibility::default(), &[]));
        let plain = eligibility(&[(1, Any, 1), (2, Any, 1)]);
        assert!(!qualifies(&plain, &[]));
        assert!(qualifies(&plain, &[(2, 1)]));
        let two = eligibility(&[(1, Any, 2)]);
        assert!(!qualifies(&two, &[(1, 1)]));
        assert!(qualifies(&two, &[(1, 2)]));
        let mixed = eligibility(&[(1, Any, 1), (2, Required, 3), (3, Excluded, 1)]);
        assert!(!qualifies(&mixed, &[(1, 1), (2, 2)]));
        assert!(qualifies(&mixed, &[(1, 1), (2, 3)]));
        assert!(!qualifies(&mixed, &[(1, 1), (2, 3), (3, 1)]));
        assert!(!qualifies(&mixed, &[(2, 3)]), "an any set must be met too");
        let only_excluded = eligibility(&[(3, Excluded, 1)]);
        assert!(qualifies(&only_excluded, &[(1, 5)]));
        assert!(!qualifies(&only_excluded, &[(3, 1)]));
        for role in ItemSetRole::ALL {
            assert_eq!(ItemSetRole::of_code(role.code()), Some(role));
        }
        assert_eq!(ItemSetRole::of_code(3), None);
    }
}
