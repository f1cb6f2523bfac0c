//! Store lists and member lists over real HTTP: create, list, get, rename, delete; adding,
//! removing, setting and paging their stores and members; validation that changes nothing;
//! roles and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::resources::{
    assert_deleted, assert_empty_list, assert_puts_out_of_reach, create_member, create_merchant,
    create_store, reporting_reads_only, send,
};
use support::{read, spawn_app};

fn member_ids(ids: &[u64]) -> Value {
    json!({"member_list": {"member_ids": ids}})
}

fn store_ids(ids: &[u64]) -> Value {
    json!({"store_list": {"store_ids": ids}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_lists_are_created_listed_renamed_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    assert_empty_list(&app, &token, "/v1.0/member_lists.json", "member_lists").await;

    let input = json!({"member_list": {"name": "VIP"}});
    let (status, body) = read(app.post(&token, "/v1.0/member_lists.json", &input).await).await;
    assert_eq!(status, 201);
    let list = body["member_list"].clone();
    assert_eq!(list["name"], "VIP");
    assert_eq!(list["member_ids"], json!([]));
    let id = list["id"].as_u64().unwrap();
    let path = format!("/v1.0/member_lists/{id}");

    let (status, body) = read(app.get(&token, &format!("{path}.json")).await).await;
    assert_eq!((status, &body), (200, &json!({ "member_list": list })));
    let (_, body) = read(app.get(&token, "/v1.0/member_lists").await).await;
    assert_eq!(body["total_entries"], 1);
    assert_eq!(body["member_lists"], json!([{ "member_list": list }]));

    let rename = json!({"member_list": {"name": "Gold"}});
    let (status, body) = send(&app, Method::PUT, &token, &path, rename).await;
    assert_eq!(status, 200);
    assert_eq!(body["member_list"]["name"], "Gold");
    assert_eq!(body["member_list"]["id"], id);

    assert_deleted(&app, &token, &path).await;
    let (_, body) = read(app.get(&token, "/v1.0/member_lists").await).await;
    assert_eq!(body["total_entries"], 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_are_added_removed_set_and_paged() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let mut ids = Vec::new();
    for name in ["ann", "ben", "cy", "di"] {
        ids.push(create_member(&app, &token, name).await);
    }
    let input = json!({"member_list": {"name": "VIP"}});
    let (_, body) = read(app.post(&token, "/v1.0/member_lists", &input).await).await;
    let id = body["member_list"]["id"].as_u64().unwrap();
    let path = format!("/v1.0/member_lists/{id}/members");

    let (status, body) = send(&app, Method::PUT, &token, &path, member_ids(&ids[..3])).await;
    assert_eq!(status, 201);
    assert_eq!(
        body,
        json!({"member_list": {"id": id, "member_ids": &ids[..3]}})
    );

    let (status, body) = read(
        app.get(&token, &format!("{path}.json?per_page=2&page=2"))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["total_entries"].as_u64(), body["total_pages"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(
        body["member_list"],
        json!({"id": id, "member_ids": [ids[2]]})
    );

    let (status, body) = send(&app, Method::DELETE, &token, &path, member_ids(&ids[..1])).await;
    assert_eq!(status, 200);
    assert_eq!(body["member_list"]["member_ids"], json!(&ids[1..3]));

    let wanted = [ids[0], ids[3]];
    let (status, body) = send(&app, Method::POST, &token, &path, member_ids(&wanted)).await;
    assert_eq!(status, 201);
    assert_eq!(body["member_list"]["member_ids"], json!(wanted));
    let (_, body) = read(app.get(&token, &format!("/v1.0/member_lists/{id}")).await).await;
    assert_eq!(body["member_list"]["member_ids"], json!(wanted));

    let gone = format!("/v1.0/members/{}", ids[0]);
    let (status, _) = send(&app, Method::DELETE, &token, &gone, json!({})).await;
    assert_eq!(status, 200);
    let (_, body) = read(app.get(&token, &path).await).await;
    assert_eq!(body["member_list"]["member_ids"], json!([ids[3]]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_member_list_input_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let ann = create_member(&app, &token, "ann").await;
    let blank = json!({"member_list": {"name": " "}});
    let (status, body) = read(app.post(&token, "/v1.0/member_lists", &blank).await).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Name can't be blank"}))
    );

    let input = json!({"member_list": {"name": "VIP"}});
    let (_, body) = read(app.post(&token, "/v1.0/member_lists", &input).await).await;
    let id = body["member_list"]["id"].as_u64().unwrap();
    let path = format!("/v1.0/member_lists/{id}/members");
    send(&app, Method::PUT, &token, &path, member_ids(&[ann])).await;

    for method in [Method::PUT, Method::POST] {
        let (status, body) = send(&app, method, &token, &path, member_ids(&[ann, 999])).await;
        assert_eq!((status, body), (400, json!({"error": "Member not found"})));
    }
    let (status, body) = send(&app, Method::PUT, &token, &path, json!({"member_list": {}})).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Member ids can't be blank"}))
    );
    let (status, _) = send(
        &app,
        Method::PUT,
        &token,
        &path,
        json!({"member_list": {"member_ids": ["x"]}}),
    )
    .await;
    assert_eq!(status, 400);
    let (_, body) = read(app.get(&token, &path).await).await;
    assert_eq!(body["member_list"]["member_ids"], json!([ann]));

    let rename = json!({"member_list": {"name": ""}});
    let list_path = format!("/v1.0/member_lists/{id}");
    let (status, _) = send(&app, Method::PUT, &token, &list_path, rename).await;
    assert_eq!(status, 400);
    let (_, body) = read(app.get(&token, &list_path).await).await;
    assert_eq!(body["member_list"]["name"], "VIP");

    let missing = "/v1.0/member_lists/999/members";
    let (status, body) = send(&app, Method::PUT, &token, missing, member_ids(&[ann])).await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "Member list not found"}))
    );
    assert_eq!(app.get(&token, missing).await.status(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_lists_belong_to_their_merchant() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let shop = create_merchant(&app, &token, "Q Burger").await;
    let base = format!("/v1.0/merchants/{shop}/store_lists");
    let (status, body) = read(app.get(&token, &format!("{base}.json")).await).await;
    assert_eq!((status, body["total_entries"].as_u64()), (200, Some(0)));

    let input = json!({"store_list": {"name": "Downtown"}});
    let (status, body) = read(app.post(&token, &base, &input).await).await;
    assert_eq!(status, 201);
    let list = body["store_list"].clone();
    assert_eq!(list["merchant_id"], shop);
    assert_eq!(list["store_ids"], json!([]));
    let id = list["id"].as_u64().unwrap();
    let path = format!("{base}/{id}");

    let (status, body) = read(app.get(&token, &format!("{path}.json")).await).await;
    assert_eq!((status, &body), (200, &json!({ "store_list": list })));
    let (_, body) = read(app.get(&token, &base).await).await;
    assert_eq!(body["store_lists"], json!([{ "store_list": list }]));

    let rename = json!({"store_list": {"name": "Uptown"}});
    let (status, body) = send(&app, Method::PUT, &token, &path, rename).await;
    assert_eq!(
        (status, &body["store_list"]["name"]),
        (200, &json!("Uptown"))
    );

    let other = create_merchant(&app, &token, "Other").await;
    let wrong = format!("/v1.0/merchants/{other}/store_lists/{id}");
    assert_eq!(app.get(&token, &wrong).await.status(), 404);
    let (status, _) = send(&app, Method::DELETE, &token, &wrong, json!({})).await;
    assert_eq!(status, 404);
    let (_, body) = read(
        app.get(&token, &format!("/v1.0/merchants/{other}/store_lists"))
            .await,
    )
    .await;
    assert_eq!(body["total_entries"], 0);
    assert_eq!(
        app.get(&token, "/v1.0/merchants/999/store_lists")
            .await
            .status(),
        404
    );

    assert_deleted(&app, &token, &path).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_are_added_removed_set_and_paged() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let shop = create_merchant(&app, &token, "Q Burger").await;
    let mut ids = Vec::new();
    for name in ["North", "South", "East"] {
        ids.push(create_store(&app, &token, shop, name).await);
    }
    let base = format!("/v1.0/merchants/{shop}/store_lists");
    let input = json!({"store_list": {"name": "Downtown"}});
    let (_, body) = read(app.post(&token, &base, &input).await).await;
    let id = body["store_list"]["id"].as_u64().unwrap();
    let path = format!("/v1.0/merchants/store_lists/{id}/stores");

    let (status, body) = send(&app, Method::PUT, &token, &path, store_ids(&ids)).await;
    assert_eq!((status, body), (201, json!({"id": id, "store_ids": ids})));
    let (status, body) = read(app.get(&token, &format!("{path}.json?per_page=2")).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["store_ids"], json!(&ids[..2]));
    assert_eq!(
        (body["total_entries"].as_u64(), body["total_pages"].as_u64()),
        (Some(3), Some(2))
    );

    let detailed = format!("{base}/{id}/stores");
    let (status, body) = read(app.get(&token, &detailed).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["total_entries"], 3);
    assert_eq!(body["stores"][1]["store"]["name"], "South");
    assert_eq!(body["stores"][1]["store"]["merchant_id"], shop);
    let (_, named) = read(app.get(&token, &format!("{detailed}?name=OUT")).await).await;
    assert_eq!(named["total_entries"], 1);
    assert_eq!(named["stores"][0]["store"]["name"], "South");
    let (_, ids_named) = read(app.get(&token, &format!("{path}?name=st")).await).await;
    assert_eq!(ids_named["store_ids"], json!([ids[2]]), "East holds st");
    let (_, none) = read(app.get(&token, &format!("{path}?name=%25")).await).await;
    assert_eq!(none["total_entries"], 0, "% is a plain character");

    let (status, body) = send(&app, Method::DELETE, &token, &path, store_ids(&ids[..1])).await;
    assert_eq!((status, &body["store_ids"]), (200, &json!(&ids[1..])));
    let (status, body) = send(&app, Method::POST, &token, &detailed, store_ids(&ids[..1])).await;
    assert_eq!((status, &body["store_ids"]), (201, &json!(&ids[..1])));
    let (_, body) = read(app.get(&token, &format!("{base}/{id}")).await).await;
    assert_eq!(body["store_list"]["store_ids"], json!(&ids[..1]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_or_foreign_stores_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let shop = create_merchant(&app, &token, "Q Burger").await;
    let mine = create_store(&app, &token, shop, "North").await;
    let other = create_merchant(&app, &token, "Other").await;
    let theirs = create_store(&app, &token, other, "Far").await;
    let input = json!({"store_list": {"name": "Downtown"}});
    let base = format!("/v1.0/merchants/{shop}/store_lists");
    let (_, body) = read(app.post(&token, &base, &input).await).await;
    let id = body["store_list"]["id"].as_u64().unwrap();
    let path = format!("/v1.0/merchants/store_lists/{id}/stores");
    send(&app, Method::PUT, &token, &path, store_ids(&[mine])).await;

    for method in [Method::PUT, Method::POST] {
        let (status, body) =
            send(&app, method.clone(), &token, &path, store_ids(&[mine, 999])).await;
        assert_eq!((status, body), (400, json!({"error": "Store not found"})));
        let (status, body) = send(&app, method, &token, &path, store_ids(&[theirs])).await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"error": "Store ids must be stores of the store list's merchant"})
            )
        );
    }
    let (status, _) = send(&app, Method::PUT, &token, &path, json!({"store_list": {}})).await;
    assert_eq!(status, 400);
    let (_, body) = read(app.get(&token, &path).await).await;
    assert_eq!(body["store_ids"], json!([mine]));

    let foreign = format!("/v1.0/merchants/{other}/store_lists/{id}/stores");
    let (status, _) = send(&app, Method::POST, &token, &foreign, store_ids(&[])).await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        Method::PUT,
        &token,
        "/v1.0/merchants/store_lists/999/stores",
        store_ids(&[mine]),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = read(
        app.post(&token, "/v1.0/merchants/999/store_lists", &input)
            .await,
    )
    .await;
    assert_eq!(status, 404);
    let (_, body) = read(app.get(&token, &path).await).await;
    assert_eq!(body["store_ids"], json!([mine]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_account_gets_404() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let intruder = app.login(2).await;
    let ann = create_member(&app, &token, "ann").await;
    let input = json!({"member_list": {"name": "VIP"}});
    let (_, body) = read(app.post(&token, "/v1.0/member_lists", &input).await).await;
    let members = format!("/v1.0/member_lists/{}", body["member_list"]["id"]);
    let shop = create_merchant(&app, &token, "Q Burger").await;
    let input = json!({"store_list": {"name": "Downtown"}});
    let base = format!("/v1.0/merchants/{shop}/store_lists");
    let (_, body) = read(app.post(&token, &base, &input).await).await;
    let id = body["store_list"]["id"].as_u64().unwrap();
    let stores = format!("{base}/{id}");

    let puts = [(format!("{members}/members"), member_ids(&[ann]))];
    let lists = Some("/v1.0/member_lists");
    assert_puts_out_of_reach(&app, &token, &intruder, &members, &puts, lists).await;
    let puts = [(
        format!("/v1.0/merchants/store_lists/{id}/stores"),
        store_ids(&[]),
    )];
    assert_puts_out_of_reach(&app, &token, &intruder, &stores, &puts, None).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_may_read_but_not_write() {
    let app = spawn_app().await;
    let input = json!({"member_list": {"name": "VIP"}});
    let token = reporting_reads_only(&app, "/v1.0/member_lists", &input).await;
    let (status, _) = send(
        &app,
        Method::POST,
        &token,
        "/v1.0/member_lists/1/members",
        member_ids(&[]),
    )
    .await;
    assert_eq!(status, 403);
    app.stop().await;
}
