//! Services sharing the partitions, for the tests that start them: three command services
//! and two projectors on a fresh topic of 12 partitions and a fresh database ([`Layout`]),
//! what their `/health` says they own, the log's committed redemptions, and a client that
//! retries a redemption with its key on the next instance ([`redeem_retrying`]).

use super::{admitted_records_in, Production};
use benches::load::{Api, PosFixture, Printed, ServerProcess};
use domain::ids::AccountId;
use domain::Event;
use eventlog::{partition_of, Envelope};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// Partitions of the layout's log.
pub const PARTITIONS: u32 = 12;
/// The command service.
pub const COMMANDS: &str = "command-service";
/// The settings of every instance.
pub const MEMBER_SETTINGS: [(&str, &str); 2] =
    [("PROMO_PARTITIONS", "12"), ("PROMO_CALLBACKS", "off")];

/// Three command services and two projectors on a fresh topic and database.
pub struct Layout {
    pub production: Production,
    pub projectors: Vec<ServerProcess>,
    pub members: Vec<ServerProcess>,
    pub printed: Printed,
}

impl Layout {
    pub async fn start() -> Self {
        let production = Production::new().await;
        let mut projectors = Vec::new();
        for index in 0..2 {
            let name = format!("projector-{index}");
            let settings = &MEMBER_SETTINGS[..1];
            projectors.push(production.start_member("projector", &name, settings).await);
        }
        let first = production
            .start_member(COMMANDS, "member-0", &MEMBER_SETTINGS)
            .await;
        let printed = first
            .printed
            .clone()
            .expect("the first start prints account 1's key");
        let mut members = vec![first];
        for index in 1..3 {
            let name = format!("member-{index}");
            members.push(
                production
                    .start_member(COMMANDS, &name, &MEMBER_SETTINGS)
                    .await,
            );
        }
        let layout = Self {
            production,
            projectors,
            members,
            printed,
        };
        layout.wait_balanced(Duration::from_secs(30)).await;
        layout
    }

    pub fn bases(&self) -> Vec<String> {
        self.members
            .iter()
            .map(|member| member.base.clone())
            .collect()
    }

    /// Waits until the live command services own every partition between them, none twice,
    /// each 4 +- 1 (of 12 over 3; over 2, 6 each), and the projectors likewise; answers each
    /// command service's partitions.
    pub async fn wait_balanced(&self, within: Duration) -> Vec<BTreeSet<u32>> {
        let projectors: Vec<String> = self.projectors.iter().map(|p| p.base.clone()).collect();
        let deadline = Instant::now() + within;
        loop {
            let owned = shares(&self.bases()).await;
            if balanced(&owned) && balanced(&shares(&projectors).await) {
                return owned;
            }
            assert!(
                Instant::now() < deadline,
                "not balanced within {within:?}: {owned:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn api(&self, index: usize) -> Api {
        let base = &self.members[index].base;
        Api::login(base, &self.printed.identity, &self.printed.key)
            .await
            .unwrap()
    }

    /// A client of every command service, in order.
    pub async fn apis(&self) -> Vec<Api> {
        let mut apis = Vec::new();
        for index in 0..self.members.len() {
            apis.push(self.api(index).await);
        }
        apis
    }

    /// The index of the member serving `account`'s partition.
    pub async fn owner_of(&self, account: u64) -> usize {
        let partition = partition_of(AccountId(account), PARTITIONS);
        for (index, base) in self.bases().iter().enumerate() {
            if owned_partitions(base).await.contains(&partition) {
                return index;
            }
        }
        panic!("nobody serves partition {partition}");
    }
}

/// The partitions each of the instances at `bases` serves.
pub async fn shares(bases: &[String]) -> Vec<BTreeSet<u32>> {
    let mut owned = Vec::new();
    for base in bases {
        owned.push(owned_partitions(base).await);
    }
    owned
}

pub fn balanced(owned: &[BTreeSet<u32>]) -> bool {
    let total: usize = owned.iter().map(BTreeSet::len).sum();
    let union: BTreeSet<u32> = owned.iter().flatten().copied().collect();
    let share = PARTITIONS as usize / owned.len();
    total == PARTITIONS as usize
        && union.len() == PARTITIONS as usize
        && owned
            .iter()
            .all(|mine| mine.len() + 1 >= share && mine.len() <= share + 1)
}

pub async fn health(base: &str) -> Option<Value> {
    let response = reqwest::get(format!("{base}/health")).await.ok()?;
    response.json().await.ok()
}

pub async fn owned_partitions(base: &str) -> BTreeSet<u32> {
    let Some(health) = health(base).await else {
        return BTreeSet::new();
    };
    health["owned_partitions"]
        .as_array()
        .map(|owned| {
            owned
                .iter()
                .filter_map(Value::as_u64)
                .map(|p| p as u32)
                .collect()
        })
        .unwrap_or_default()
}

pub async fn metrics(base: &str) -> String {
    reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// How many times the log holds each redemption as committed.
pub async fn committed_in_log(topic: &str) -> BTreeMap<u64, usize> {
    let events: Vec<Event> = admitted_records_in(topic, PARTITIONS)
        .await
        .iter()
        .map(|record| Envelope::<Event>::decode(&record.payload).unwrap().event)
        .collect();
    super::committed(&events)
}

pub fn percentile(sorted: &[Duration], quantile: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * quantile).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Redeems code `index` of `fixture` with its key, starting at instance `index % n` of the
/// live ones in `apis` and moving on to the next one on a 503 or a transport error, until
/// answered 201 (within 60 s); the redemption id.
pub async fn redeem_retrying(apis: &RwLock<Vec<Api>>, fixture: &PosFixture, index: usize) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut attempt = index;
    loop {
        let api = {
            let live = apis.read().unwrap();
            live[attempt % live.len()].clone()
        };
        match fixture.redeem(&api, index).await {
            Ok((201, body)) => return body["redemption"]["id"].as_u64().unwrap(),
            Ok((503, _)) | Err(_) => {}
            Ok((status, body)) => panic!("code {index}: {status} {body}"),
        }
        assert!(Instant::now() < deadline, "code {index} never redeemed");
        attempt += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
