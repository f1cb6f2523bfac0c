//! The coordinator against a real Postgres (a fresh database per test): balanced ownership,
//! joins that move only what must move, crashed holders whose leases expire, graceful leaves,
//! and leases the caller does not serve.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cluster::{ClusterConfig, Coordinator, Tick};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use testkit::TestDatabase;

const PARTITIONS: u32 = 12;

/// A coordinator and the partitions its caller serves.
struct Node {
    coordinator: Coordinator,
    holding: BTreeSet<u32>,
}

impl Node {
    /// Opens a coordinator with the given (lease, member) TTLs.
    async fn open(
        db: &TestDatabase,
        instance: &str,
        (lease, member): (Duration, Duration),
    ) -> Self {
        let mut config = ClusterConfig::new(
            "command-service",
            instance,
            format!("http://{instance}"),
            PARTITIONS,
        );
        (config.lease_ttl, config.member_ttl) = (lease, member);
        let coordinator = Coordinator::open(&db.url, config).await.unwrap();
        Self {
            coordinator,
            holding: BTreeSet::new(),
        }
    }

    fn id(&self) -> &str {
        &self.coordinator.config().instance
    }

    /// Ticks without acting on the answer.
    async fn look(&self) -> Tick {
        self.coordinator.tick(&self.holding).await.unwrap()
    }

    /// Ticks, serves what it acquired and releases what it was told to.
    async fn step(&mut self) -> Tick {
        let tick = self.look().await;
        for (partition, _) in &tick.acquired {
            assert!(self.holding.insert(*partition), "{partition} twice");
        }
        for partition in &tick.to_release {
            self.holding.remove(partition);
            self.coordinator.release(*partition).await.unwrap();
        }
        tick
    }
}

const LONG: (Duration, Duration) = (Duration::from_secs(30), Duration::from_secs(30));

async fn nodes(db: &TestDatabase, ids: &[&str]) -> Vec<Node> {
    let mut nodes = Vec::new();
    for id in ids {
        nodes.push(Node::open(db, id, LONG).await);
    }
    nodes
}

/// Rounds of every node stepping until a round changes nothing; answers the last round's ticks.
async fn settle(nodes: &mut [Node]) -> Vec<Tick> {
    for _ in 0..10 {
        let mut ticks = Vec::new();
        for node in nodes.iter_mut() {
            ticks.push(node.step().await);
        }
        if ticks
            .iter()
            .all(|t| t.acquired.is_empty() && t.to_release.is_empty())
        {
            return ticks;
        }
    }
    panic!("no stable ownership after 10 rounds");
}

/// Every partition held by exactly one node, as every node's owners map says.
fn assert_consistent(nodes: &[Node], ticks: &[Tick]) {
    let mut holders: BTreeMap<u32, &str> = BTreeMap::new();
    for node in nodes {
        for partition in &node.holding {
            assert!(
                holders.insert(*partition, node.id()).is_none(),
                "{partition} held twice"
            );
        }
    }
    assert_eq!(
        holders.keys().copied().collect::<Vec<_>>(),
        (0..PARTITIONS).collect::<Vec<_>>()
    );
    for tick in ticks {
        assert_eq!(tick.owners, ticks[0].owners);
        let owners: BTreeMap<u32, &str> = tick
            .owners
            .iter()
            .map(|(p, o)| (*p, o.instance.as_str()))
            .collect();
        assert_eq!(owners, holders);
    }
}

fn tokens(tick: &Tick) -> BTreeMap<u32, i64> {
    tick.owners.iter().map(|(p, o)| (*p, o.token)).collect()
}

/// Every acquired token is greater than the partition's token `before`.
fn assert_grew(acquired: &[(u32, i64)], before: &BTreeMap<u32, i64>) {
    for (partition, token) in acquired {
        assert!(
            *token > before[partition],
            "token of {partition} did not grow"
        );
    }
}

#[tokio::test]
async fn three_share_twelve_and_a_fourth_takes_three() {
    let db = TestDatabase::create().await;
    let mut nodes = nodes(&db, &["a", "b", "c"]).await;
    let ticks = settle(&mut nodes).await;
    assert_consistent(&nodes, &ticks);
    assert!(nodes.iter().all(|n| n.holding.len() == 4));
    assert_eq!(ticks[0].members, ["a", "b", "c"]);
    assert_eq!(
        ticks[0].owners[&0].address,
        format!("http://{}", ticks[0].owners[&0].instance)
    );
    let before = tokens(&ticks[0]);

    nodes.push(Node::open(&db, "d", LONG).await);
    let joined = nodes[3].step().await;
    assert!(joined.acquired.is_empty(), "took leases others hold");
    assert_eq!(joined.members, ["a", "b", "c", "d"]);
    let mut moving = BTreeSet::new();
    for node in &mut nodes[..3] {
        let tick = node.step().await;
        assert!(tick.acquired.is_empty());
        assert_eq!(
            tick.to_release.len(),
            1,
            "{} must give up one: {:?}",
            node.id(),
            tick.to_release
        );
        moving.extend(tick.to_release);
    }
    let taken = nodes[3].step().await;
    let taken_partitions: BTreeSet<u32> = taken.acquired.iter().map(|(p, _)| *p).collect();
    assert_eq!(taken_partitions, moving);
    assert_grew(&taken.acquired, &before);
    let ticks = settle(&mut nodes).await;
    assert_consistent(&nodes, &ticks);
    assert!(nodes.iter().all(|n| n.holding.len() == 3));
    let after = tokens(&ticks[0]);
    let changed: BTreeSet<u32> = (0..PARTITIONS).filter(|p| before[p] != after[p]).collect();
    assert_eq!(changed, moving, "only the moved partitions changed hands");
}

#[tokio::test]
async fn a_crashed_holders_partitions_are_taken_after_its_lease_expires() {
    let db = TestDatabase::create().await;
    let lease = Duration::from_millis(2500);
    let member = Duration::from_millis(1000);
    let mut nodes = Vec::new();
    for id in ["a", "b", "c"] {
        nodes.push(Node::open(&db, id, (lease, member)).await);
    }
    let ticks = settle(&mut nodes).await;
    assert_consistent(&nodes, &ticks);
    let before = tokens(&ticks[0]);
    let crashed = nodes.pop().unwrap();
    let orphans = crashed.holding.clone();

    let mut last = Vec::new();
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        last = vec![nodes[0].step().await, nodes[1].step().await];
    }
    assert_eq!(last[1].members, ["a", "b"], "the silent member is dropped");
    for partition in &orphans {
        assert_eq!(
            last[1].owners[partition].instance, "c",
            "lease of {partition} still valid"
        );
    }
    assert!(nodes.iter().all(|n| n.holding.len() == 4));

    let mut taken: BTreeMap<u32, i64> = BTreeMap::new();
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        for node in &mut nodes {
            taken.extend(node.step().await.acquired);
        }
        if taken.len() == orphans.len() {
            break;
        }
    }
    assert_eq!(taken.keys().copied().collect::<BTreeSet<_>>(), orphans);
    assert_grew(&taken.into_iter().collect::<Vec<_>>(), &before);
    let ticks = settle(&mut nodes).await;
    assert_consistent(&nodes, &ticks);
    assert!(nodes.iter().all(|n| n.holding.len() == 6));
}

#[tokio::test]
async fn leave_frees_everything_at_once() {
    let db = TestDatabase::create().await;
    let mut nodes = nodes(&db, &["a", "b", "c"]).await;
    settle(&mut nodes).await;
    let leaver = nodes.pop().unwrap();
    leaver.coordinator.leave().await.unwrap();
    leaver.coordinator.close().await;

    let first = nodes[0].step().await;
    assert_eq!(first.members, ["a", "b"]);
    assert_eq!(first.acquired.len(), 2, "no waiting for TTLs");
    assert!(first.owners.values().all(|o| o.instance != "c"));
    let second = nodes[1].step().await;
    assert_eq!(second.acquired.len(), 2);
    let ticks = settle(&mut nodes).await;
    assert_consistent(&nodes, &ticks);
    assert!(nodes.iter().all(|n| n.holding.len() == 6));
}

#[tokio::test]
async fn a_lease_not_in_holding_is_released_and_taken_anew() {
    let db = TestDatabase::create().await;
    let mut nodes = nodes(&db, &["a", "b"]).await;
    let ticks = settle(&mut nodes).await;
    let before = tokens(&ticks[0]);
    let served = nodes[0].holding.clone();
    let dropped = *served.iter().next().unwrap();
    nodes[0].holding.remove(&dropped);

    let other = nodes[1].look().await;
    assert_eq!(
        other.owners[&dropped].instance, "a",
        "the other node sees no change yet"
    );
    let tick = nodes[0].look().await;
    assert_eq!(tick.acquired, [(dropped, before[&dropped] + 1)]);
    assert!(tick.to_release.is_empty());

    let restarted = Node::open(&db, "a", LONG).await;
    let tick = restarted.look().await;
    let reacquired: BTreeSet<u32> = tick.acquired.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        reacquired, served,
        "a restart takes its partitions with new tokens"
    );
    assert_grew(&tick.acquired, &before);
}

#[tokio::test]
async fn release_frees_only_a_lease_of_its_own() {
    let db = TestDatabase::create().await;
    let mut nodes = nodes(&db, &["a", "b"]).await;
    settle(&mut nodes).await;
    let theirs = *nodes[1].holding.iter().next().unwrap();
    nodes[0].coordinator.release(theirs).await.unwrap();
    let tick = nodes[1].look().await;
    assert_eq!(tick.owners[&theirs].instance, "b");
    assert!(tick.acquired.is_empty());
}

#[tokio::test]
async fn services_are_independent() {
    let db = TestDatabase::create().await;
    let mut a = Node::open(&db, "a", LONG).await;
    let config = ClusterConfig::new("projector", "p", "http://p", PARTITIONS);
    let projector = Coordinator::open(&db.url, config).await.unwrap();
    assert_eq!(a.step().await.acquired.len(), PARTITIONS as usize);
    let tick = projector.tick(&BTreeSet::new()).await.unwrap();
    assert_eq!(tick.members, ["p"]);
    assert_eq!(tick.acquired.len(), PARTITIONS as usize);
    assert!(tick.acquired.iter().all(|(_, token)| *token == 1));
}
