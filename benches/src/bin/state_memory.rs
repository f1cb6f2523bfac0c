//! What one account's in-memory state costs per member with one credential: folds the events
//! of `N` members, each issued one credential on one offer (the shop of the shared fixtures),
//! into a fresh `AccountState` and prints how much the process's resident memory grew per member +
//! credential, then what a published copy of the state adds.
//!
//! ```text
//! cargo run --release -p benches --bin state_memory -- 100000
//! ```
//!
//! The same figure as the load generator's `--mode memory`, without the server around it (its
//! HTTP buffers, read-model caches and the callback dispatcher's own fold), so a change to the
//! state's representation is measured on its own.

use anyhow::Context as _;
use benches::load::resident_bytes;
use domain::{evolve, AccountState, Event};
use std::io::{BufRead as _, Write as _};
use testkit::fixtures::scenario::History;
use testkit::fixtures::{create_member, created, issue};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// This process's resident memory in bytes.
fn resident() -> anyhow::Result<u64> {
    resident_bytes(std::process::id()).context("no VmRSS in /proc/self/status")
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    match (args.next(), args.next()) {
        (Some(flag), Some(file)) if flag == "--fold" => fold(&file),
        (count, _) => {
            let members: usize = match count {
                Some(text) => text.parse().context("the member count is a number")?,
                None => 100_000,
            };
            measure(members)
        }
    }
}

/// Writes the events of `members` members to a file, then folds them in a fresh process, so
/// memory freed while making them is not reused by the fold (which would hide its cost).
fn measure(members: usize) -> anyhow::Result<()> {
    let file = tempfile::NamedTempFile::new()?;
    {
        let mut out = std::io::BufWriter::new(file.as_file());
        for text in events_of(members)? {
            writeln!(out, "{text}")?;
        }
        out.flush()?;
    }
    let status = std::process::Command::new(std::env::current_exe()?)
        .arg("--fold")
        .arg(file.path())
        .status()?;
    anyhow::ensure!(status.success(), "the fold failed: {status}");
    Ok(())
}

/// Folds the events of `file` (one JSON text a line) into a fresh state and prints what the
/// process's resident memory grew by, per member + credential, and what a copy of it adds.
fn fold(file: &str) -> anyhow::Result<()> {
    let reader = std::io::BufReader::new(std::fs::File::open(file)?);
    let before = resident()?;
    let mut state = AccountState::default();
    let mut line = String::new();
    let mut members = 0usize;
    for text in reader.lines() {
        line.clear();
        line.push_str(&text?);
        let event: Event = serde_json::from_str(&line)?;
        members += usize::from(matches!(event.kind, domain::EventKind::CredentialIssued(_)));
        evolve(&mut state, event);
    }
    let held = resident()?.saturating_sub(before);
    println!(
        "state of {members} members + {members} credentials: {:.1} MiB, {:.0} bytes per \
         member+credential",
        held as f64 / 1_048_576.0,
        held as f64 / members.max(1) as f64
    );
    let base = resident()?;
    let published = state.clone();
    let copied = resident()?.saturating_sub(base);
    println!("a copy of it (what publishing one costs): {copied} bytes");
    drop(published);
    Ok(())
}

/// The events of `members` members with a credential each, as their stored JSON texts.
fn events_of(members: usize) -> anyhow::Result<Vec<String>> {
    let (mut history, shop) = History::shop(None);
    for index in 0..members {
        let member = created(&history.record(create_member(&format!("member-{index:07}"))));
        history.record(issue(
            domain::ids::MemberId(member),
            shop.channel,
            shop.offer,
        ));
    }
    history
        .events()
        .iter()
        .map(|event: &Event| serde_json::to_string(event).context("an event encodes"))
        .collect()
}
