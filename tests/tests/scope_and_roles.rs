//! Refusals: a volunteer's change to another hamlet's record, a review made by a non-staff
//! phone, a revoked token, changes under another device's actor id. Each is refused with a
//! reason that reaches the phone, nothing of it enters the server, and the phone keeps the
//! refused version for its user. Then the review path that is allowed: staff return a record,
//! the volunteer fixes it, staff approve.

use sachxanh_core::error::ErrorCode;
use sachxanh_core::model::*;
use sachxanh_core::sync::{SyncClient, SyncError};
use sachxanh_core::Store;
use sachxanh_tests::*;

fn server_state(s: &TestServer) -> (u64, u64) {
    let (records, log, _) = s.counts();
    (records, log)
}

#[test]
fn another_hamlets_record_is_refused_and_kept_for_the_user() {
    let server = TestServer::start();
    let mut b = server.phone(Role::Volunteer, &[AREA_B], &server.url);
    let mut a = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let theirs = b.add_household("Lê Thị Cầu Tre");
    b.sync().unwrap();
    let before = server_state(&server);
    let server_heads = server.storage.record(&theirs).unwrap().unwrap().heads;
    // Phone A somehow holds B's record (copied from a shared phone) and edits it.
    let changes = b.store.changes_of(&theirs).unwrap();
    a.store.apply_remote(&theirs, &changes).unwrap();
    a.store
        .update::<Household>(&theirs, |h| h.members = 9)
        .unwrap();
    let report = a.sync().unwrap();
    assert_eq!(report.refused, 1);
    let refused = a.store.refused().unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].record_id, theirs);
    assert_eq!(refused[0].code, ErrorCode::OutOfScope);
    assert!(refused[0].message.vi.contains("địa bàn"));
    assert!(refused[0].message.en.contains("area"));
    // The user can still read what they wrote...
    match a.store.refused_record(&theirs).unwrap() {
        AnyRecord::Household(h) => assert_eq!(h.members, 9),
        other => panic!("{other:?}"),
    }
    // ...the record itself is gone from phone A (the server does not share it with A)...
    assert!(a.store.document_ids().unwrap().is_empty());
    assert_eq!(a.store.outbox_len().unwrap(), 0);
    // ...and the server is as it was.
    assert_eq!(server_state(&server), before);
    assert_eq!(
        server.storage.record(&theirs).unwrap().unwrap().heads,
        server_heads
    );
}

#[test]
fn an_invalid_edit_is_refused_with_its_fields() {
    let server = TestServer::start();
    let mut a = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let id = a.add_household("Phạm Văn Năm");
    a.sync().unwrap();
    let before = server_state(&server);
    // An edit the server judges invalid (an old phone with looser rules could make it), written
    // straight into the document past the phone's own validation and pushed as the phone's.
    let mut doc = automerge::Automerge::load(&a.store.export_automerge(&id).unwrap()).unwrap();
    doc.set_actor(automerge::ActorId::from(hex(&a.store.actor_id())));
    {
        use automerge::transaction::Transactable;
        use automerge::ReadDoc;
        let mut tx = doc.transaction();
        let (_, data) = tx.get(automerge::ROOT, "data").unwrap().unwrap();
        tx.put(&data, "members", 0u64).unwrap();
        tx.commit();
    }
    let change = doc.get_last_local_change().unwrap();
    let fake = sachxanh_core::sync::protocol::PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records: vec![sachxanh_core::sync::protocol::RecordChanges {
            id: id.clone(),
            changes: vec![serde_bytes::ByteBuf::from(change.raw_bytes().to_vec())],
        }],
    };
    let answer = server.push(&a.enrolment.token, &fake);
    assert_eq!(answer.refused.len(), 1);
    assert_eq!(answer.refused[0].code, "invalid");
    assert_eq!(answer.refused[0].fields[0].field, "members");
    assert!(answer.refused[0].fields[0]
        .message()
        .vi
        .contains("Số nhân khẩu"));
    assert_eq!(server_state(&server), before);
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn a_review_by_a_volunteer_is_refused() {
    let server = TestServer::start();
    let mut a = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let id = a.add_household("Đỗ Văn Một");
    a.store.submit::<Household>(&id).unwrap();
    a.sync().unwrap();
    let before = server_state(&server);
    let heads = a.store.heads(&id).unwrap();
    let review = a
        .store
        .create(Review {
            record_id: id.clone(),
            record_heads: heads,
            decision: Decision::Approved,
            reason: String::new(),
            reviewer: a.enrolment.person_id.clone(),
        })
        .unwrap();
    assert_eq!(
        a.store.get::<Household>(&id).unwrap().status,
        ReviewStatus::Approved
    );
    let report = a.sync().unwrap();
    assert_eq!(report.refused, 1);
    let refused = a.store.refused().unwrap();
    assert_eq!(refused[0].record_id, review);
    assert_eq!(refused[0].code, ErrorCode::NotAllowedForRole);
    // The self-approval is gone: the record awaits review again, on the phone and the server.
    assert_eq!(
        a.store.get::<Household>(&id).unwrap().status,
        ReviewStatus::AwaitingReview
    );
    assert_eq!(server_state(&server), before);
    assert_eq!(
        server.storage.record(&id).unwrap().unwrap().review_status,
        ReviewStatus::AwaitingReview
    );
}

#[test]
fn a_revoked_token_is_refused_and_nothing_is_lost_on_the_phone() {
    let server = TestServer::start();
    let mut a = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    a.add_household("Ngô Thị Hai");
    let resp = reqwest::blocking::Client::new()
        .post(format!(
            "{}/api/v1/devices/{}/revoke",
            server.url, a.enrolment.device_id
        ))
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 204);
    let before = server_state(&server);
    match a.sync() {
        Err(SyncError::Unauthorized(m)) => {
            assert!(m.vi.contains("thu hồi"));
            assert!(m.en.contains("revoked"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(server_state(&server), before);
    assert_eq!(
        a.store.outbox_len().unwrap(),
        1,
        "the record waits on the phone"
    );
    // A volunteer cannot revoke anyone.
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/devices/x/revoke", server.url))
        .bearer_auth(&a.enrolment.token)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[test]
fn changes_under_another_devices_actor_id_are_refused() {
    let server = TestServer::start();
    let a = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    // A second store (another actor id) using A's token: as if A's token were copied elsewhere.
    let mut stranger = Store::open_in_memory(server.reference.clone()).unwrap();
    stranger.set_person(&a.enrolment.person_id).unwrap();
    stranger
        .create(Household {
            area_id: AREA_A.into(),
            address: "Số 1".into(),
            head_name: "Tô Văn Lạ".into(),
            members: 2,
            location: None,
            note: String::new(),
        })
        .unwrap();
    let client = SyncClient::with_policy(&server.url, &a.enrolment.token, test_retry()).unwrap();
    let before = server_state(&server);
    let never = std::sync::atomic::AtomicBool::new(false);
    let report = client.sync(&mut stranger, &mut |_| {}, &never).unwrap();
    assert_eq!(report.refused, 1);
    assert_eq!(stranger.refused().unwrap()[0].code, ErrorCode::ForeignActor);
    assert_eq!(server_state(&server), before);
}

#[test]
fn staff_return_a_record_the_volunteer_fixes_and_staff_approve() {
    let server = TestServer::start();
    let mut vol = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let mut staff = server.phone(Role::CommuneStaff, &[], &server.url);
    let id = vol.add_household("Huỳnh Thị Bảy");
    vol.store.submit::<Household>(&id).unwrap();
    vol.sync().unwrap();
    staff.sync().unwrap();
    let heads = staff.store.heads(&id).unwrap();
    staff
        .store
        .create(Review {
            record_id: id.clone(),
            record_heads: heads,
            decision: Decision::Returned,
            reason: "Thiếu số nhà".into(),
            reviewer: staff.enrolment.person_id.clone(),
        })
        .unwrap();
    assert_eq!(staff.sync().unwrap().refused, 0);
    assert_eq!(
        server.storage.record(&id).unwrap().unwrap().review_status,
        ReviewStatus::Returned
    );
    // The volunteer's phone gets the decision with its reason at the next sync.
    vol.sync().unwrap();
    let attention = vol
        .store
        .needs_attention(Some(&vol.enrolment.person_id))
        .unwrap();
    assert_eq!(attention.len(), 1);
    assert_eq!(attention[0].id, id);
    assert_eq!(
        vol.store.get::<Household>(&id).unwrap().status,
        ReviewStatus::Returned
    );
    let reason = vol.store.review_reason(&id).unwrap();
    assert_eq!(reason.as_deref(), Some("Thiếu số nhà"));
    // Fix and resubmit; staff approve that exact version.
    vol.store
        .update::<Household>(&id, |h| h.address = "Số 17, đường ven kênh".into())
        .unwrap();
    vol.sync().unwrap();
    assert_eq!(
        server.storage.record(&id).unwrap().unwrap().review_status,
        ReviewStatus::AwaitingReview
    );
    staff.sync().unwrap();
    let heads = staff.store.heads(&id).unwrap();
    staff
        .store
        .create(Review {
            record_id: id.clone(),
            record_heads: heads,
            decision: Decision::Approved,
            reason: String::new(),
            reviewer: staff.enrolment.person_id.clone(),
        })
        .unwrap();
    staff.sync().unwrap();
    vol.sync().unwrap();
    assert_eq!(
        vol.store.get::<Household>(&id).unwrap().status,
        ReviewStatus::Approved
    );
    assert_eq!(
        server.storage.record(&id).unwrap().unwrap().review_status,
        ReviewStatus::Approved
    );
}
