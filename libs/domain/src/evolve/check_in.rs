//! Applying check-ins and offers' check-in rules.

use crate::check_in::CheckIns;
use crate::event::CheckInEvent;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn apply(state: &mut AccountState, event: CheckInEvent, at: DateTime<Utc>) {
    match event {
        CheckInEvent::CheckedIn(checked) => {
            let key = (checked.member_id, checked.store_id);
            let count = state.check_ins.get(&key).map_or(0, |found| found.count);
            state.check_ins.insert(
                key,
                CheckIns {
                    count: count.saturating_add(1),
                    last_at: at,
                },
            );
        }
        CheckInEvent::RuleSet(rule) => match rule.within_minutes {
            Some(minutes) => {
                state.check_in_rules.insert(rule.offer_id, minutes);
            }
            None => {
                state.check_in_rules.remove(&rule.offer_id);
            }
        },
    }
}
