//! `--mode bulk-beside-rate`: redemptions at a fixed rate, first alone, then while a bulk job
//! issues a credential to each of `--members` members (a member list) on the same server:
//! the redemptions' latency in both phases, and how far the job got during the second and how
//! long it took in all. The job's steps are spaced to take at most a third of the writer
//! (engine `bulk`), which is what keeps the second phase's tail near the first's.

use crate::phase::{measured, Phase};
use crate::Target;
use anyhow::Context as _;
use benches::load::{drive, run, Api, Mode, PosFixture, Redemptions, RunConfig};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Members added to the list per request.
const LIST_CHUNK: usize = 5_000;

/// Runs the mode; its two phases.
pub async fn bulk_mode(
    target: &Target,
    members: usize,
    rate: u32,
    seconds: u64,
    setup_concurrency: usize,
) -> anyhow::Result<Vec<Phase>> {
    let api = &target.api;
    let per_phase = usize::try_from(u64::from(rate) * seconds)? + 500;
    let started = Instant::now();
    let mut pos = PosFixture::create(api, per_phase * 2, setup_concurrency, json!({})).await?;
    let ids = pos.add_members(api, members, setup_concurrency).await?;
    let list = member_list(api, &ids).await?;
    println!(
        "setup: {} credentials, {} members in a list, {:.1} s",
        pos.codes.len(),
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    let mut alone = pos.clone();
    alone.codes.truncate(per_phase);
    let mut beside = pos.clone();
    beside.codes.drain(..per_phase);
    let config = RunConfig {
        mode: Mode::Rate(rate),
        duration: Duration::from_secs(seconds),
        concurrency: 64,
    };
    let (report, cpu) = measured(run(api, &alone, config)).await;
    let first = Phase::new(format!("{rate}/s alone"), report?, cpu);
    first.print();

    let body = json!({"bulk_job": {"offer_id": pos.offer_id, "channel_id": pos.channel_id,
        "member_list_id": list}});
    let job_started = Instant::now();
    let job = api.create("/v1.0/bulk_jobs", "bulk_job", &body).await?;
    let redemptions = Redemptions::new(api, &beside, beside.codes.clone(), "beside-")?;
    let (report, cpu) = measured(drive(api.address(), redemptions, config)).await;
    let during = progress(api, job).await?;
    let second = Phase::new(format!("{rate}/s beside a bulk job"), report, cpu);
    second.print();
    println!(
        "bulk job {job}: {} of {} members reached during the {seconds} s phase",
        during["processed"], during["total"]
    );
    let done = finished(api, job).await?;
    let took = job_started.elapsed().as_secs_f64();
    println!(
        "bulk job {job}: {} issued, {} failed, finished in {took:.1} s ({:.0} credentials/s)",
        done["issued"],
        done["failed"],
        done["issued"].as_f64().unwrap_or_default() / took
    );
    Ok(vec![first, second])
}

/// A member list of `ids`; its id.
async fn member_list(api: &Api, ids: &[u64]) -> anyhow::Result<u64> {
    let body = json!({"member_list": {"name": "Bulk"}});
    let list = api
        .create("/v1.0/member_lists", "member_list", &body)
        .await?;
    let path = format!("/v1.0/member_lists/{list}/members");
    for chunk in ids.chunks(LIST_CHUNK) {
        let members = json!({"member_list": {"member_ids": chunk}});
        api.expect(Method::PUT, &path, Some(&members), 201).await?;
    }
    Ok(list)
}

async fn progress(api: &Api, job: u64) -> anyhow::Result<Value> {
    let path = format!("/v1.0/bulk_jobs/{job}");
    let body = api.expect(Method::GET, &path, None, 200).await?;
    body.get("bulk_job").cloned().context("no bulk_job")
}

/// Waits for job `job` to end; its last view.
async fn finished(api: &Api, job: u64) -> anyhow::Result<Value> {
    loop {
        let view = progress(api, job).await?;
        if view["status"] != "running" {
            return Ok(view);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
