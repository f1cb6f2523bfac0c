//! Snapshots of a partition's state, so a restart replays only the log after the newest one.
//!
//! What it owns:
//! - `format`: the encoding of a partition's state (every account's [`domain::AccountState`])
//!   as MessagePack with named fields, and its version [`FORMAT`].
//! - `policy`: when the actor writes one and how: after every `snapshot_every` records since
//!   the newest snapshot, from a state rebuilt in the background from that snapshot plus the
//!   log after it (so it matches exactly the log offset it names, and the actor never stops to
//!   copy its state), encoded on a blocking thread and saved, never delaying a reply; once more
//!   at a clean shutdown, from the actor's own state. The newest [`KEEP`] per partition are
//!   kept.
//!
//! Where they are stored is the event log crate's [`eventlog::SnapshotStore`]; loading them is
//! in `partition::load`. A snapshot that cannot be read (another format version, a decoding
//! failure) is never a failure to start: the state is rebuilt from offset 0.

mod format;
pub(crate) mod policy;

pub use format::{decode, encode, FormatError, PartitionState};

/// The version of the snapshot encoding this build writes and reads. Bump it whenever the
/// shape of [`domain::AccountState`] changes: older snapshots are then ignored and the state
/// rebuilt from the log.
pub const FORMAT: u32 = 1;

/// Snapshots kept per partition (the newest ones).
pub const KEEP: usize = 2;

/// The default number of records between two snapshots.
pub const DEFAULT_EVERY: u64 = 100_000;
