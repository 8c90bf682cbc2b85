//! Staff bring people in and look after their phones: a person added with a one-time code, the
//! phone enrolled with it and seen in the list (last sync, version, records sent and waiting),
//! a lost phone revoked — its next sync refused in words that say what to do, its unsent
//! records kept and sent after enrolling again — and a person moved to other areas, learnt by
//! the phone at its next sync while records already made keep theirs. Every action is on the
//! audit trail with who did it; staff of another commune can do none of it.

use sachxanh_core::model::*;
use sachxanh_core::sync::{SyncClient, SyncError};
use sachxanh_core::Store;
use sachxanh_tests::*;
use serde_json::{json, Value};
use std::sync::atomic::AtomicBool;

fn person_in(people: &Value, id: &str) -> Value {
    people
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} is in the list: {people}"))
}

fn household(store: &mut Store, area: &str, address: &str) -> String {
    store
        .create(Household {
            area_id: area.into(),
            address: address.into(),
            head_name: "Đỗ Văn Thử".into(),
            members: 3,
            location: None,
            note: String::new(),
        })
        .expect("saved")
}

fn sync(
    client: &SyncClient,
    store: &mut Store,
) -> Result<sachxanh_core::sync::SyncReport, SyncError> {
    client.sync(store, &mut |_| {}, &AtomicBool::new(false))
}

#[test]
fn a_revoked_phone_is_told_why_and_its_records_go_out_after_a_new_code() {
    let server = TestServer::start();
    let staff = server.staff_token.clone();
    let added = server.post_as(
        &staff,
        "/api/v1/enrolment-codes",
        json!({"name": "Trần Thị Thử", "role": "volunteer", "areas": [AREA_A]}),
    );
    assert_eq!(added.status(), 201);
    let added: Value = added.json().unwrap();
    let person = added["person_id"].as_str().unwrap().to_owned();

    let mut store = Store::open_in_memory(server.reference.clone()).unwrap();
    let first = SyncClient::enrol(
        &server.url,
        added["code"].as_str().unwrap(),
        &mut store,
        test_retry(),
    )
    .unwrap();
    let client = SyncClient::with_policy(&server.url, &first.token, test_retry()).unwrap();
    household(&mut store, AREA_A, "Số 1, ven kênh");
    assert_eq!(sync(&client, &mut store).unwrap().pushed, 1);

    // The list shows the phone as it last synced.
    let me = person_in(&server.staff_get("/api/v1/people"), &person);
    assert_eq!(me["name"], "Trần Thị Thử");
    let phone = &me["phones"][0];
    assert_eq!(phone["device_id"], first.device_id.as_str());
    assert!(phone["last_sync_at"].as_i64().is_some(), "{phone}");
    assert_eq!(phone["app_version"], sachxanh_core::VERSION);
    assert_eq!(
        (
            phone["records_sent"].as_u64(),
            phone["records_waiting"].as_u64()
        ),
        (Some(1), Some(0))
    );

    // Offline, two more households; meanwhile the phone is reported lost and revoked.
    household(&mut store, AREA_A, "Số 2, ven kênh");
    household(&mut store, AREA_A, "Số 3, ven kênh");
    let revoked = server.post_as(
        &staff,
        &format!("/api/v1/devices/{}/revoke", first.device_id),
        json!({}),
    );
    assert_eq!(revoked.status(), 204);
    match sync(&client, &mut store) {
        Err(SyncError::Unauthorized(m)) => {
            assert!(
                m.en.contains("revoked") && m.en.contains("stay on the phone"),
                "{m:?}"
            );
            assert!(m.vi.contains("thu hồi"), "{m:?}");
        }
        other => panic!("a revoked phone's sync is refused, not {other:?}"),
    }
    assert_eq!(
        store.records_waiting().unwrap(),
        2,
        "nothing unsent is lost"
    );

    // A new code for the same person; the same phone enrols again and its records go out.
    let again = server.post_as(
        &staff,
        &format!("/api/v1/people/{person}/enrolment-codes"),
        json!({}),
    );
    assert_eq!(again.status(), 201);
    let code: Value = again.json().unwrap();
    let second = SyncClient::enrol(
        &server.url,
        code["code"].as_str().unwrap(),
        &mut store,
        test_retry(),
    )
    .unwrap();
    let client = SyncClient::with_policy(&server.url, &second.token, test_retry()).unwrap();
    assert_eq!(sync(&client, &mut store).unwrap().pushed, 2);
    assert_eq!(store.records_waiting().unwrap(), 0);

    let me = person_in(&server.staff_get("/api/v1/people"), &person);
    let phones = me["phones"].as_array().unwrap();
    assert_eq!(phones.len(), 2);
    assert_eq!(
        phones[0]["device_id"],
        second.device_id.as_str(),
        "newest first"
    );
    assert_eq!(phones[0]["records_sent"], 2);
    assert!(phones[0]["revoked_at"].is_null());
    assert!(phones[1]["revoked_at"].as_i64().is_some());

    // Who did what, in order.
    let trail: Vec<AuditAction> = server
        .storage
        .audit_of(&person)
        .unwrap()
        .iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        trail,
        [
            AuditAction::AddPerson,
            AuditAction::IssueCode,
            AuditAction::RevokePhone,
            AuditAction::IssueCode
        ]
    );
    assert!(server
        .storage
        .audit_of(&person)
        .unwrap()
        .iter()
        .all(|a| !a.person_name.is_empty()));
}

#[test]
fn a_person_moved_to_other_areas_learns_it_at_the_next_sync() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let before = phone.add_household("Hộ Trước Khi Chuyển");
    phone.sync().unwrap();
    let person = phone.enrolment.person_id.clone();

    // Refusals first: another commune's area, no area at all, someone unknown. Nothing changes.
    for (areas, status) in [(json!([OTHER_AREA]), 400), (json!([]), 400)] {
        let r = server.post_as(
            &server.staff_token,
            &format!("/api/v1/people/{person}/areas"),
            json!({ "areas": areas }),
        );
        assert_eq!(r.status(), status);
        let body: Value = r.json().unwrap();
        assert!(
            !body["message"]["vi"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{body}"
        );
        assert!(
            !body["message"]["en"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{body}"
        );
    }
    let unknown = server.post_as(
        &server.staff_token,
        "/api/v1/people/p-nobody/areas",
        json!({ "areas": [AREA_B] }),
    );
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        server.storage.person(&person).unwrap().unwrap().areas,
        [AREA_A]
    );

    let moved = server.post_as(
        &server.staff_token,
        &format!("/api/v1/people/{person}/areas"),
        json!({ "areas": [AREA_B] }),
    );
    assert_eq!(moved.status(), 204);
    phone.sync().unwrap();
    assert_eq!(
        phone.store.setting("areas").unwrap().as_deref(),
        Some(AREA_B)
    );
    // A record in the new area goes through; the old one keeps its area.
    household(&mut phone.store, AREA_B, "Số 9, ấp mới");
    let report = phone.sync().unwrap();
    assert_eq!((report.pushed, report.refused), (1, 0));
    let old = server.storage.record(&before).unwrap().unwrap();
    assert_eq!(old.area_id.as_deref(), Some(AREA_A));
}

#[test]
fn only_staff_of_the_commune_manage_its_people() {
    let server = TestServer::start();
    let phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let person = phone.enrolment.person_id.clone();
    let device = phone.enrolment.device_id.clone();
    let get = |key: &str| {
        reqwest::blocking::Client::new()
            .get(format!("{}/api/v1/people", server.url))
            .bearer_auth(key)
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(get(&phone.enrolment.token), 403, "a volunteer sees no list");
    let elsewhere = server.staff_key_in(OTHER_COMMUNE);
    assert_eq!(get(&elsewhere), 200);
    let theirs = server.staff_get("/api/v1/people");
    assert!(person_in(&theirs, &person)["phones"].as_array().is_some());
    let other: Value = reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/people", server.url))
        .bearer_auth(&elsewhere)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        other
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != person.as_str()),
        "another commune's staff do not see our people"
    );
    for (path, body) in [
        (format!("/api/v1/devices/{device}/revoke"), json!({})),
        (
            format!("/api/v1/people/{person}/areas"),
            json!({"areas": [OTHER_AREA]}),
        ),
        (
            format!("/api/v1/people/{person}/enrolment-codes"),
            json!({}),
        ),
    ] {
        assert_eq!(
            server.post_as(&elsewhere, &path, body).status(),
            404,
            "{path}"
        );
    }
    assert_eq!(
        server
            .post_as(
                &phone.enrolment.token,
                &format!("/api/v1/devices/{device}/revoke"),
                json!({})
            )
            .status(),
        403
    );
    // Staff cannot lock themselves out by revoking the key they are using.
    let me = server.staff_get("/api/v1/me");
    let own = format!(
        "/api/v1/devices/{}/revoke",
        me["device_id"].as_str().unwrap()
    );
    assert_eq!(
        server
            .post_as(&server.staff_token, &own, json!({}))
            .status(),
        400
    );
    assert_eq!(server.staff_get("/api/v1/me")["device_id"], me["device_id"]);
    assert!(
        server
            .storage
            .device_by_token(
                &sachxanh_server::auth::hash_secret(&phone.enrolment.token),
                0
            )
            .unwrap()
            .is_some(),
        "still live"
    );
}
