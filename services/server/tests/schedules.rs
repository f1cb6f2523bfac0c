//! Schedules across a SIGKILL: the real `promo` binary, killed (SIGKILL) right after a
//! schedule is set 2 s ahead and restarted after its time, fires it once on restart; a
//! schedule that fired while the server ran is not fired again by the next restart. "Once"
//! is read from the event log itself after the server has exited: one `schedule_fired` per
//! schedule, one `offer_approved` and one `offer_stopped`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use benches::load::{Api, Printed, ServerProcess};
use chrono::{Duration as Span, SecondsFormat};
use clock::{Clock, SystemClock};
use domain::ids::ScheduleId;
use domain::EventKind;
use eventlog::{Envelope, EventLog, SqliteLog};
use reqwest::Method;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_promo");
const PARTITIONS: u32 = 2;

async fn start(data: &Path) -> ServerProcess {
    ServerProcess::start(
        Path::new(BIN),
        &["serve"],
        data,
        &[("PROMO_PARTITIONS", "2"), ("PROMO_WORKERS", "1")],
    )
    .await
    .unwrap()
}

async fn login(server: &ServerProcess, printed: &Printed) -> Api {
    Api::login(&server.base, &printed.identity, &printed.key)
        .await
        .unwrap()
}

/// Schedules `action` on `offer` `ahead` from now; the schedule's id.
async fn schedule(api: &Api, action: &str, offer: u64, ahead: Span) -> u64 {
    let fires_at = (SystemClock.now() + ahead).to_rfc3339_opts(SecondsFormat::Millis, true);
    let body = json!({"schedule": {"action": action, "offer_id": offer, "fires_at": fires_at}});
    api.create("/v1.0/schedules", "schedule", &body)
        .await
        .unwrap()
}

async fn schedule_view(api: &Api, id: u64) -> Value {
    let path = format!("/v1.0/schedules/{id}");
    api.expect(Method::GET, &path, None, 200).await.unwrap()["schedule"].clone()
}

/// Polls schedule `id` until it has left `pending` (for at most 10 s); its view.
async fn settled(api: &Api, id: u64) -> Value {
    for _ in 0..200 {
        let view = schedule_view(api, id).await;
        if view["status"] != "pending" {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("schedule {id} never fired");
}

async fn offer_status(api: &Api, offer: u64) -> Value {
    let path = format!("/v1.0/offers/{offer}");
    api.expect(Method::GET, &path, None, 200).await.unwrap()["offer"]["status"].clone()
}

/// Every event of the log at `data`, in partition then offset order.
async fn logged_events(data: &Path) -> Vec<EventKind> {
    let log = SqliteLog::open(data.join("events.db"), PARTITIONS)
        .await
        .unwrap();
    let mut events = Vec::new();
    for partition in 0..PARTITIONS {
        let mut from = 0;
        loop {
            let records = log.read(partition, from, 1_000).await.unwrap();
            let Some(last) = records.last() else { break };
            from = last.offset + 1;
            events.extend(
                records
                    .iter()
                    .filter_map(|record| Envelope::<domain::Event>::decode(&record.payload).ok())
                    .map(|envelope| envelope.event.kind),
            );
        }
    }
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_fires_once_across_sigkill_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = start(&data).await;
    let printed = server.printed.clone().unwrap();
    let api = login(&server, &printed).await;
    let merchant = api
        .create(
            "/v1.0/merchants",
            "merchant",
            &json!({"merchant": {"name": "Shop"}}),
        )
        .await
        .unwrap();
    let offer_body = json!({"offer": {
        "name": "Later", "merchant_id": merchant,
        "reward_kind": "order_percent_off", "reward_value": "10",
    }});
    let offer = api
        .create("/v1.0/offers", "offer", &offer_body)
        .await
        .unwrap();
    let approve = schedule(&api, "approve_offer", offer, Span::seconds(2)).await;
    assert_eq!(schedule_view(&api, approve).await["status"], "pending");
    server.kill().unwrap();
    tokio::time::sleep(Duration::from_millis(2_500)).await;

    let mut server = start(&data).await;
    let api = login(&server, &printed).await;
    let fired = settled(&api, approve).await;
    assert_eq!(fired["status"], "fired", "{fired}");
    assert_eq!(offer_status(&api, offer).await, "approved");

    let stop = schedule(&api, "stop_offer", offer, Span::milliseconds(300)).await;
    assert_eq!(settled(&api, stop).await["status"], "fired");
    server.kill().unwrap();
    let mut server = start(&data).await;
    let api = login(&server, &printed).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(offer_status(&api, offer).await, "stopped");
    let exit = server.terminate().unwrap();
    assert!(exit.success(), "exit status {exit}");

    let events = logged_events(&data).await;
    let fired_of = |id: u64| {
        events
            .iter()
            .filter(|kind| {
                matches!(kind, EventKind::ScheduleFired(fired)
                    if fired.schedule_id == ScheduleId(id))
            })
            .count()
    };
    assert_eq!(fired_of(approve), 1);
    assert_eq!(fired_of(stop), 1);
    let count = |wanted: fn(&EventKind) -> bool| events.iter().filter(|kind| wanted(kind)).count();
    assert_eq!(count(|kind| matches!(kind, EventKind::OfferApproved(_))), 1);
    assert_eq!(count(|kind| matches!(kind, EventKind::OfferStopped(_))), 1);
}
