//! A read database that fails half-way through a batch, for real: a trigger the test installs
//! in the database ([`FailureSwitch`]: SQLite `RAISE(ABORT)`, Postgres `RAISE EXCEPTION`),
//! armed by a switch table, fails one write of the batch's transaction after other rows of that same batch were
//! written in it. While it fails, the projector stops and reports the error (it does not
//! panic, and a restart fails the same way), and nothing of the batch is visible: rows and
//! offset stay as they were before it. Once the switch is off, a restarted projector catches
//! up, and the tables equal a clean projection of the same log and a rebuild from offset 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use support::{create_merchant, projected, traffic, Backend, Running, PARTITION};
use testkit::{FailureSwitch, INJECTED};

/// Members the failing batch writes before its last one, `poison`.
const LATE: usize = 10;

/// The write of the batch that fails.
#[derive(Clone, Copy, Debug)]
enum FailAt {
    /// The batch's last member row (`poison`), once its merchant row and its other members
    /// are written.
    Row,
    /// The partition's offset, once every row of the batch is written.
    Offset,
}

impl FailAt {
    /// The table the trigger watches, and when it fires besides being armed: only once the
    /// rows the batch writes before it are there (none of them was before the batch), so it
    /// fails the transaction half-way, never at its first write.
    fn trap(self, end: u64) -> (&'static str, String) {
        match self {
            Self::Row => (
                "members",
                format!(
                    "NEW.identifier = 'poison'
                     AND EXISTS (SELECT 1 FROM merchants WHERE name = 'Late merchant')
                     AND (SELECT count(*) FROM members WHERE identifier LIKE 'late-%') = {LATE}"
                ),
            ),
            Self::Offset => (
                "projection_offsets",
                format!(
                    "NEW.next_offset = {end}
                     AND EXISTS (SELECT 1 FROM members WHERE identifier = 'poison')"
                ),
            ),
        }
    }
}

/// A projected log ([`traffic`]), then one batch of a merchant (written at once), [`LATE`] members and
/// `poison` (written together at the batch's end) that fails at `at` until the switch is off.
async fn a_batch_failing_half_way_leaves_no_trace(backend: Backend, at: FailAt) {
    let setup = traffic(backend).await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();
    let before = store.dump().await.unwrap();
    let before_next = store.next_offset(PARTITION).await.unwrap();

    setup.ok(create_merchant("Late merchant")).await;
    setup.members("late", LATE).await;
    setup.member("poison").await;
    let end = setup.last_offset().await + 1;
    let url = setup.read_url("read.db").await;
    let (table, condition) = at.trap(end);
    let switch = FailureSwitch::install_when(&url, table, &condition).await;
    switch.arm().await;

    for attempt in 1..=2 {
        let error = Running::spawn(setup.projector(&store)).failed().await;
        assert!(
            error.to_string().contains(INJECTED),
            "{at:?}, attempt {attempt}: {error}"
        );
        assert_eq!(store.next_offset(PARTITION).await.unwrap(), before_next);
        assert_eq!(
            store.dump().await.unwrap(),
            before,
            "{at:?}, attempt {attempt}: nothing of the failed batch is visible"
        );
    }

    switch.disarm().await;
    let running = Running::spawn(setup.projector(&store));
    assert!(projected(&store, end - 1).await, "caught up once it works");
    running.stop().await;
    let caught_up = store.dump().await.unwrap();
    assert!(caught_up
        .iter()
        .any(|line| line.starts_with("members|") && line.contains("|poison|")));

    let clean = setup.store("clean.db").await;
    setup.projector(&clean).catch_up().await.unwrap();
    assert_eq!(caught_up, clean.dump().await.unwrap(), "a clean projection");
    store.rebuild().await.unwrap();
    setup.projector(&store).catch_up().await.unwrap();
    assert_eq!(store.dump().await.unwrap(), caught_up, "a rebuild from 0");
}

/// A member row fails after the batch's merchant and other members were written. Fails if
/// `ReadStore::apply_batch` commits the position in a transaction of its own before the rows
/// (the offset moves past a batch whose rows are lost), or commits each event on its own (the
/// merchant stays while its batch failed).
async fn a_row_failing_half_way_through_a_batch_leaves_no_trace(backend: Backend) {
    a_batch_failing_half_way_leaves_no_trace(backend, FailAt::Row).await;
}

/// The offset fails after every row of the batch was written. Fails if
/// `ReadStore::apply_batch` commits the rows, then the position in a transaction of its own
/// (the rows stay while the offset says the batch was not read, and are applied again).
async fn the_offset_failing_after_every_row_leaves_no_trace(backend: Backend) {
    a_batch_failing_half_way_leaves_no_trace(backend, FailAt::Offset).await;
}

per_backend!(
    a_row_failing_half_way_through_a_batch_leaves_no_trace,
    the_offset_failing_after_every_row_leaves_no_trace,
);
