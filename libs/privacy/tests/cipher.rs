//! Any text sealed under a member key opens with that key at that place, and with no other
//! key, member, account or key id.
#![allow(clippy::unwrap_used)]

use domain::ids::{AccountId, MemberId};
use privacy::{open, seal, sealed_key, KeyRef, MemberKey};
use proptest::prelude::*;

proptest! {
    #[test]
    fn a_sealed_text_opens_at_its_place_only(
        text in any::<String>(),
        key in any::<[u8; 32]>(),
        nonce in any::<[u8; 12]>(),
        account in any::<u64>(),
        member in any::<u64>(),
        key_id in 0..u64::MAX / 2,
        moved in 1..u64::MAX,
    ) {
        let key = MemberKey::from_bytes(key);
        let at = KeyRef { account_id: AccountId(account), member_id: MemberId(member), key_id };
        let sealed = seal(&key, at, nonce, &text).unwrap();
        prop_assert_eq!(sealed_key(&sealed), Some(key_id));
        prop_assert_eq!(open(&key, at, &sealed).unwrap(), text);
        let elsewhere = [
            KeyRef { account_id: AccountId(account.wrapping_add(moved)), ..at },
            KeyRef { member_id: MemberId(member.wrapping_add(moved)), ..at },
        ];
        for other in elsewhere {
            prop_assert!(open(&key, other, &sealed).is_err());
        }
        let mut other_key = *key.as_bytes();
        other_key[0] ^= 1;
        prop_assert!(open(&MemberKey::from_bytes(other_key), at, &sealed).is_err());
    }
}
