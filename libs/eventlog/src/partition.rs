//! Which partition a key belongs to.

use fnv::FnvHasher;
use std::hash::Hasher;

/// Which partition a key belongs to: the 64-bit FNV-1a hash of the key's UTF-8 bytes, modulo
/// `partitions`.
///
/// FNV-1a is fixed by its definition (offset basis `0xcbf29ce484222325`, prime
/// `0x100000001b3`), byte by byte with no seed, so the answer is the same on every build,
/// platform and version: records already stored stay in their key's partition. A count of 0 is
/// taken as 1.
pub fn partition_for(key: &str, partitions: u32) -> u32 {
    partition_for_bytes(key.as_bytes(), partitions)
}

/// [`partition_for`] of a key given as its UTF-8 bytes.
pub(crate) fn partition_for_bytes(key: &[u8], partitions: u32) -> u32 {
    let mut hasher = FnvHasher::default();
    hasher.write(key);
    let partition = hasher.finish() % u64::from(partitions.max(1));
    u32::try_from(partition).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_values_do_not_change() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c and of "foobar" 0x85944171f73967e8 (the
        // published test vectors); the expected partitions were computed independently.
        assert_eq!(partition_for("a", 16), 12);
        assert_eq!(partition_for("foobar", 16), 8);
        assert_eq!(partition_for("a", 1000), 996);
        assert_eq!(partition_for("", 7), 2);
        assert_eq!(partition_for("foobar", u32::MAX), 2_093_853_018);
        let account_ids: Vec<u32> = (0..10)
            .map(|id| partition_for(&id.to_string(), 8))
            .collect();
        assert_eq!(account_ids, [7, 4, 5, 2, 3, 0, 1, 6, 7, 4]);
    }

    #[test]
    fn within_range_and_deterministic() {
        for partitions in [1, 2, 3, 8, 64, 1000] {
            for id in 0..2000 {
                let key = id.to_string();
                let partition = partition_for(&key, partitions);
                assert!(partition < partitions);
                assert_eq!(partition, partition_for(&key, partitions));
            }
        }
    }

    #[test]
    fn spreads_account_ids() {
        let mut counts = [0u32; 8];
        for id in 0..8000 {
            counts[partition_for(&id.to_string(), 8) as usize] += 1;
        }
        assert!(counts.iter().all(|&count| count > 500), "{counts:?}");
    }

    #[test]
    fn zero_partitions_is_one() {
        assert_eq!(partition_for("42", 0), 0);
    }
}
