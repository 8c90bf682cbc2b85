//! Compact pulls (issue 17): the server leaves out of each change the header a phone can make
//! again, and names a record its first change creates only through that change. A phone
//! enrolled fresh, a phone that pulled whole changes and then upgraded with its old cursor, and a
//! phone still pulling whole changes hold the same documents and the same projections, conflicts
//! and review statuses included; a record whose document claims another record's id (which a
//! compact pull would file under the claimed one) is refused at the push.

use sachxanh_core::document::RecordDoc;
use sachxanh_core::model::*;
use sachxanh_core::store::Standing;
use sachxanh_core::sync::protocol::{PushRequest, RecordChanges};
use sachxanh_core::sync::{RetryPolicy, SyncClient};
use sachxanh_tests::*;
use serde_bytes::ByteBuf;

/// What a phone holds of every record: its changes (as a sorted set of bytes) and its
/// projection row's standing.
fn holdings(phone: &Phone) -> Vec<(String, Vec<Vec<u8>>, Standing)> {
    let mut ids = phone.store.document_ids().expect("ids");
    ids.sort();
    ids.into_iter()
        .map(|id| {
            let mut changes = phone.store.changes_of(&id).expect("changes");
            changes.sort();
            let standing = phone.store.summary(&id).expect("standing");
            (id, changes, standing)
        })
        .collect()
}

fn names(phone: &Phone) -> Vec<(String, u32)> {
    let page = phone
        .store
        .households(AREA_A, "", None, 500)
        .expect("households");
    page.items
        .into_iter()
        .map(|h| (h.head_name, h.members))
        .collect()
}

#[test]
fn fresh_upgraded_and_full_pull_phones_converge() {
    let server = TestServer::start();
    let mut a = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let mut b = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let first: Vec<String> = (0..30)
        .map(|i| a.add_household(&format!("Lê Thị Hộ {i}")))
        .collect();
    a.sync().expect("first records");

    // A phone of the older protocol takes the first half of the story with whole changes.
    let mut upgraded = server
        .phone(Role::Volunteer, &[AREA_A], &server.url)
        .pulling_whole_changes();
    upgraded.sync().expect("older phone's first sync");
    let old_cursor = upgraded.store.pull_cursor().expect("cursor");
    assert!(old_cursor > 0);

    // The second half: edits, checks, a submission reviewed by staff, and two phones editing
    // one field at once (a conflict every phone must show).
    for id in first.iter().take(10) {
        a.store
            .update::<Household>(id, |h| h.members += 2)
            .expect("edit");
    }
    for id in first.iter().take(5) {
        a.add_check(id);
    }
    a.store.submit::<Household>(&first[20]).expect("submit");
    a.sync().expect("second half");
    b.sync().expect("b takes the records");
    a.store
        .update::<Household>(&first[29], |h| h.members = 7)
        .expect("a edits");
    b.store
        .update::<Household>(&first[29], |h| h.members = 9)
        .expect("b edits");
    a.sync().expect("a sends");
    b.sync().expect("b sends");
    assert_eq!(
        server
            .staff_decide(&first[20], "approved", "")
            .status()
            .as_u16(),
        201
    );

    // The older phone is upgraded: same store, same cursor, compact pulls from now on.
    upgraded.client = SyncClient::with_policy(
        &server.url,
        &upgraded.enrolment.token,
        RetryPolicy::default(),
    )
    .expect("client");
    upgraded.sync().expect("upgraded phone's sync");
    let mut fresh = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    fresh.sync().expect("fresh phone's first sync");
    let mut full = server
        .phone(Role::Volunteer, &[AREA_A], &server.url)
        .pulling_whole_changes();
    full.sync().expect("full pulls");
    a.sync().expect("a catches up");

    let expected = holdings(&full);
    // 30 households, 5 checks, 1 review.
    assert_eq!(expected.len(), 36);
    for phone in [&fresh, &upgraded, &a] {
        assert_eq!(holdings(phone), expected);
        assert_eq!(names(phone), names(&full));
    }
    let standing = |p: &Phone, id: &str| p.store.summary(id).expect("standing");
    assert_eq!(standing(&fresh, &first[20]).status, ReviewStatus::Approved);
    let conflict = standing(&fresh, &first[29]).conflicts;
    assert_eq!(conflict.len(), 1, "{conflict:?}");
    assert_eq!(conflict[0].field, "data.members");
    let members: Vec<u32> = names(&fresh)
        .into_iter()
        .filter(|(n, _)| n.starts_with("Lê Thị Hộ 0") || n == "Lê Thị Hộ 1")
        .map(|(_, m)| m)
        .collect();
    assert!(members.iter().all(|m| *m == 5), "{members:?}");
}

#[test]
fn a_document_claiming_another_records_id_is_refused_and_never_reaches_a_phone() {
    let server = TestServer::start();
    let mut a = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let genuine = a.add_household("Phạm Văn Thật");
    a.sync().expect("genuine record");
    // A hand-made record whose document names the genuine record's id.
    let impostor = uuid::Uuid::now_v7().to_string();
    let actor = automerge::ActorId::try_from(a.store.actor_id().as_str()).expect("actor");
    let meta = Meta {
        author: a.enrolment.person_id.clone(),
        created_at: chrono::Utc::now().timestamp_millis(),
        state: Lifecycle::Draft,
    };
    let body = Household {
        area_id: AREA_A.into(),
        address: "Số 1".into(),
        head_name: "Kẻ Mạo Danh".into(),
        members: 1,
        location: None,
        note: String::new(),
    };
    let (_, change) = RecordDoc::create(&actor, &genuine, &meta, &body).expect("change");
    let answer = server.push(
        &a.enrolment.token,
        &PushRequest {
            batch: uuid::Uuid::now_v7().to_string(),
            records: vec![RecordChanges {
                id: impostor.clone(),
                changes: vec![ByteBuf::from(change.raw_bytes().to_vec())],
            }],
        },
    );
    // The server refuses it: a record's document names that record.
    let codes: Vec<&str> = answer.refused.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, vec!["unknown_fields"]);

    let mut fresh = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    fresh.sync().expect("fresh phone");
    let held = fresh.store.get::<Household>(&genuine).expect("held").body;
    assert_eq!(held.head_name, "Phạm Văn Thật");
    assert_eq!(fresh.store.document_ids().expect("ids"), vec![genuine]);
}
