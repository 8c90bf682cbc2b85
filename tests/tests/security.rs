//! The security review's findings (docs/security.md), each reproduced through the real HTTP API
//! and seen refused quickly, with time and memory bounded and nothing stored changed.

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use sachxanh_core::document::RecordDoc;
use sachxanh_core::model::*;
use sachxanh_core::sync::protocol::*;
use sachxanh_tests::*;
use serde_bytes::ByteBuf;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

fn batch(records: Vec<(String, Vec<Vec<u8>>)>) -> PushRequest {
    PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records: records
            .into_iter()
            .map(|(id, changes)| RecordChanges {
                id,
                changes: changes.into_iter().map(ByteBuf::from).collect(),
            })
            .collect(),
    }
}

fn codes(answer: &PushResponse) -> Vec<&str> {
    answer.refused.iter().map(|r| r.code.as_str()).collect()
}

/// The document of a record as the server holds it, under `actor` (an attacker's copy).
fn server_doc(server: &TestServer, id: &str, actor: &str) -> automerge::Automerge {
    let mut doc = automerge::Automerge::new();
    for c in server.storage.changes_of(id).unwrap() {
        doc.apply_changes([automerge::Change::from_bytes(c).unwrap()])
            .unwrap();
    }
    doc.with_actor(automerge::ActorId::try_from(actor).unwrap())
}

/// One edit of a document's `data` map, as change bytes.
fn edit(
    doc: &mut automerge::Automerge,
    key: &str,
    value: impl Into<automerge::ScalarValue>,
) -> Vec<u8> {
    let mut tx = doc.transaction();
    let (_, data) = tx.get(automerge::ROOT, "data").unwrap().unwrap();
    tx.put(&data, key, value.into()).unwrap();
    tx.commit();
    doc.get_last_local_change().unwrap().raw_bytes().to_vec()
}

fn uleb(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A plain change chunk whose one column claims `rows` rows in a few bytes.
fn run_bomb(rows: u64) -> Vec<u8> {
    let mut body = vec![0u8, 1, 0xab, 1, 1, 0, 0, 0, 1];
    uleb((1 << 4) | 2, &mut body);
    let mut col = vec![];
    let mut v = rows as i64;
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 && b & 0x40 == 0 {
            col.push(b);
            break;
        }
        col.push(b | 0x80);
    }
    col.push(1);
    uleb(col.len() as u64, &mut body);
    body.extend(col);
    let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1];
    uleb(body.len() as u64, &mut chunk);
    chunk.extend(body);
    chunk
}

#[test]
fn a_used_enrolment_code_is_worth_nothing_once_its_phone_has_used_it() {
    let server = TestServer::start();
    let http = reqwest::blocking::Client::new();
    let enrol = |code: &str, actor: &str| {
        http.post(format!("{}/api/v1/enrol", server.url))
            .json(&serde_json::json!({"code": code, "actor_id": actor}))
            .send()
            .unwrap()
    };
    // The real phone enrols and syncs with its token.
    let code = server.code(Role::Volunteer, &[AREA_A]);
    let mut store = sachxanh_core::Store::open_in_memory(server.reference.clone()).unwrap();
    let e = sachxanh_core::sync::SyncClient::enrol(&server.url, &code, &mut store, test_retry())
        .unwrap();
    let client =
        sachxanh_core::sync::SyncClient::with_policy(&server.url, &e.token, test_retry()).unwrap();
    let never = std::sync::atomic::AtomicBool::new(false);
    client.sync(&mut store, &mut |_| {}, &never).unwrap();
    // A neighbour saw the paper code; the phone's actor id travels in every change it makes.
    let r = enrol(&code, &store.actor_id());
    assert_eq!(r.status(), 404);
    // The real phone is still itself.
    client.sync(&mut store, &mut |_| {}, &never).unwrap();

    // A phone whose first answer was lost asks again at once: it gets a token, and only the
    // newest works.
    let code = server.code(Role::Volunteer, &[AREA_A]);
    let actor = "ab".repeat(16);
    let first: serde_json::Value = enrol(&code, &actor).json().unwrap();
    let second: serde_json::Value = enrol(&code, &actor).json().unwrap();
    let me = |token: &serde_json::Value| {
        http.get(format!("{}/api/v1/me", server.url))
            .bearer_auth(token.as_str().unwrap())
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(me(&first["token"]), 401);
    assert_eq!(me(&second["token"]), 200);
    // Once that token was used, the code is spent for good.
    assert_eq!(enrol(&code, &actor).status(), 404);

    // An expired code never works.
    let person = sachxanh_server::storage::Person {
        id: "p-expired".into(),
        name: "Người hết hạn".into(),
        role: Role::Volunteer,
        commune_id: COMMUNE.into(),
        areas: vec![AREA_A.into()],
    };
    server.storage.add_person(&person).unwrap();
    let old = sachxanh_core::enrolment::generate();
    let salt = server.storage.deployment_salt().unwrap();
    server
        .storage
        .add_enrolment_code(
            &sachxanh_server::auth::hash_code(&old, &salt),
            &person.id,
            chrono::Utc::now().timestamp_millis() - 1,
        )
        .unwrap();
    assert_eq!(enrol(&old, &"cd".repeat(16)).status(), 404);
}

#[test]
fn codes_are_stored_as_slow_salted_hashes() {
    let server = TestServer::start();
    let Database::Sqlite(path) = &server.database else {
        return; // the hash is the same code on PostgreSQL; reading the file is SQLite's
    };
    let code = server.code(Role::Volunteer, &[AREA_A]);
    let db = rusqlite::Connection::open(path).unwrap();
    let stored: Vec<String> = db
        .prepare("SELECT code_hash FROM enrolment_codes")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let salt = server.storage.deployment_salt().unwrap();
    assert!(stored.contains(&sachxanh_server::auth::hash_code(&code, &salt)));
    assert!(!stored.contains(&sachxanh_server::auth::hash_secret(&code)));
}

#[test]
fn staff_cannot_revoke_a_phone_of_another_commune() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let elsewhere = server.staff_key_in(OTHER_COMMUNE);
    let device = phone.enrolment.device_id.clone();
    let revoke = |key: &str| {
        reqwest::blocking::Client::new()
            .post(format!("{}/api/v1/devices/{device}/revoke", server.url))
            .bearer_auth(key)
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(revoke(&elsewhere), 404);
    phone.add_household("Lê Thị Mười");
    phone.sync().expect("still enrolled");
    assert_eq!(revoke(&server.staff_token), 204);
    assert!(phone.sync().is_err());
}

#[test]
fn small_pushes_cannot_become_huge_stored_entries() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let id = phone.add_household("Trần Thị Hai");
    phone.sync().unwrap();
    let before = server.counts();
    let actor = phone.store.actor_id();
    // A key the household type does not have, carrying 200 KB.
    let mut doc = server_doc(&server, &id, &actor);
    let blob = edit(&mut doc, "blob", "x".repeat(200 << 10));
    // One change over the byte limit, in the same batch as a good record: only it is refused.
    let mut big = server_doc(&server, &id, &actor);
    let huge = edit(&mut big, "note", "y".repeat(300 << 10));
    let good = phone.add_household("Trần Thị Ba");
    let good_changes = phone.store.changes_of(&good).unwrap();
    let answer = server.push(
        &phone.enrolment.token,
        &batch(vec![(id.clone(), vec![blob]), (good.clone(), good_changes)]),
    );
    assert_eq!(codes(&answer), vec!["unknown_fields"]);
    assert_eq!(answer.accepted.len(), 1, "the good record went through");
    let answer = server.push(
        &phone.enrolment.token,
        &batch(vec![(id.clone(), vec![huge])]),
    );
    assert_eq!(codes(&answer), vec!["change_too_large"]);
    assert!(answer.refused[0].message.en.contains("too large"));
    // Many small valid edits whose history outgrows a record's ceiling.
    let mut grow = server_doc(&server, &id, &actor);
    use rand::{distr::Alphanumeric, Rng};
    let mut edits = |n: usize| -> Vec<Vec<u8>> {
        (0..n)
            .map(|_| {
                let text: String = rand::rng()
                    .sample_iter(&Alphanumeric)
                    .take(990)
                    .map(char::from)
                    .collect();
                edit(&mut grow, "note", text)
            })
            .collect()
    };
    let first = edits(800);
    let answer = server.push(&phone.enrolment.token, &batch(vec![(id.clone(), first)]));
    assert!(answer.refused.is_empty(), "{:?}", codes(&answer));
    let more = edits(800);
    let answer = server.push(&phone.enrolment.token, &batch(vec![(id.clone(), more)]));
    assert_eq!(codes(&answer), vec!["record_too_large"]);
    assert_eq!(
        server.counts().0,
        before.0 + 1,
        "only the good record was added"
    );
    // A push describing more operations than a batch may carry is refused whole.
    let many: Vec<(String, Vec<Vec<u8>>)> = (0..20)
        .map(|_| (uuid::Uuid::now_v7().to_string(), vec![run_bomb(9_000)]))
        .collect();
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/sync/push", server.url))
        .bearer_auth(&phone.enrolment.token)
        .header("content-type", CONTENT_TYPE)
        .body(encode(&batch(many)))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 413);
    let body: ErrorBody = resp.json().unwrap();
    assert_eq!(body.code, "too_many_operations_in_push");
    // Every entry a phone pulls is bounded, so a page never passes its size.
    let mut other = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    other.sync().unwrap();
    let limits = Limits::default();
    for c in server.storage.changes_of(&id).unwrap() {
        assert!(c.len() <= limits.max_change_bytes);
    }
}

#[test]
fn another_communes_staff_cannot_rewrite_a_review() {
    let server = TestServer::start();
    let mut volunteer = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let id = volunteer.add_household("Ngô Văn Bốn");
    volunteer.store.submit::<Household>(&id).unwrap();
    volunteer.sync().unwrap();
    assert_eq!(
        server
            .staff_decide(&id, "returned", "Thiếu số nhà")
            .status(),
        201
    );
    let review_id = server.storage.record(&id).unwrap().unwrap();
    assert_eq!(review_id.review_status, ReviewStatus::Returned);
    let review = server
        .storage
        .records(&sachxanh_server::storage::RecordFilter {
            kind: Some(RecordKind::Review),
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .remove(0);
    // A staff phone of another commune, with a record of its own to point the review at.
    let mut attacker = server.phone_in(OTHER_COMMUNE, Role::CommuneStaff, &[], &server.url);
    let mine = attacker
        .store
        .create(Household {
            area_id: OTHER_AREA.into(),
            address: "Số 9".into(),
            head_name: "Hộ khác".into(),
            members: 2,
            location: None,
            note: String::new(),
        })
        .unwrap();
    attacker.sync().unwrap();
    let actor = attacker.store.actor_id();
    // Moving the review into the attacker's commune, building on what the server has.
    let mut doc = server_doc(&server, &review.id, &actor);
    let moved = edit(&mut doc, "record_id", mine.as_str());
    // The same, with no dependencies and a high counter, to win every conflict unseen.
    let mut expanded = automerge::Change::from_bytes(moved.clone())
        .unwrap()
        .decode();
    expanded.deps = vec![];
    expanded.start_op = std::num::NonZeroU64::new(1_000_000).unwrap();
    let forged = automerge::Change::from(expanded).raw_bytes().to_vec();
    for (change, code) in [(moved, "review_immutable"), (forged, "bad_counter")] {
        let answer = server.push(
            &attacker.enrolment.token,
            &batch(vec![(review.id.clone(), vec![change])]),
        );
        assert_eq!(codes(&answer), vec![code]);
    }
    // Even the reviewing commune's own staff cannot rewrite a decision.
    let mut own = server.phone(Role::CommuneStaff, &[], &server.url);
    own.sync().unwrap();
    let mut doc = server_doc(&server, &review.id, &own.store.actor_id());
    let flipped = edit(&mut doc, "decision", "approved");
    let answer = server.push(
        &own.enrolment.token,
        &batch(vec![(review.id.clone(), vec![flipped])]),
    );
    assert_eq!(codes(&answer), vec!["review_immutable"]);
    assert_eq!(
        server.storage.record(&id).unwrap().unwrap().review_status,
        ReviewStatus::Returned
    );
}

#[test]
fn a_review_from_a_phone_cannot_set_its_own_time_or_reviewer() {
    let server = TestServer::start();
    let mut volunteer = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let id = volunteer.add_household("Đỗ Thị Năm");
    volunteer.store.submit::<Household>(&id).unwrap();
    volunteer.sync().unwrap();
    let mut staff = server.phone(Role::CommuneStaff, &[], &server.url);
    staff.sync().unwrap();
    let actor = automerge::ActorId::try_from(staff.store.actor_id().as_str()).unwrap();
    let heads = server.storage.record(&id).unwrap().unwrap().heads;
    let review = |at: i64, reviewer: &str| {
        let meta = Meta {
            author: staff.enrolment.person_id.clone(),
            created_at: at,
            state: Lifecycle::Submitted,
        };
        let body = Review {
            record_id: id.clone(),
            record_heads: heads.clone(),
            decision: Decision::Approved,
            reason: String::new(),
            reviewer: reviewer.into(),
        };
        let rid = uuid::Uuid::now_v7().to_string();
        let (_, change) = RecordDoc::create(&actor, &rid, &meta, &body).unwrap();
        batch(vec![(rid, vec![change.raw_bytes().to_vec()])])
    };
    let now = chrono::Utc::now().timestamp_millis();
    let me = staff.enrolment.person_id.clone();
    let year = 365 * 24 * 3600 * 1000;
    let forward = review(4_102_444_800_000, &me); // 2100-01-01
    let back = review(now - year, &me);
    let someone_else = review(now, "p-someone-else");
    for (req, code) in [
        (&forward, "review_time"),
        (&back, "review_time"),
        (&someone_else, "reviewer_mismatch"),
    ] {
        let answer = server.push(&staff.enrolment.token, req);
        assert_eq!(codes(&answer), vec![code]);
    }
    assert_eq!(
        server.storage.record(&id).unwrap().unwrap().review_status,
        ReviewStatus::AwaitingReview
    );
    // A review made honestly on the phone counts, and staff's later return in the dashboard
    // takes over.
    let answer = server.push(&staff.enrolment.token, &review(now, &me));
    assert!(answer.refused.is_empty());
    assert_eq!(
        server.storage.record(&id).unwrap().unwrap().review_status,
        ReviewStatus::Approved
    );
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(
        server.staff_decide(&id, "returned", "Sai địa chỉ").status(),
        201
    );
    assert_eq!(
        server.storage.record(&id).unwrap().unwrap().review_status,
        ReviewStatus::Returned
    );
}

#[test]
fn only_the_author_or_the_area_head_sends_a_record_for_review() {
    let server = TestServer::start();
    let mut author = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let id = author.add_household("Phan Văn Sáu");
    author.sync().unwrap();
    let other = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let mut doc = server_doc(&server, &id, &other.store.actor_id());
    let submit = {
        let mut tx = doc.transaction();
        let (_, meta) = tx.get(automerge::ROOT, "meta").unwrap().unwrap();
        tx.put(&meta, "state", "submitted").unwrap();
        tx.commit();
        doc.get_last_local_change().unwrap().raw_bytes().to_vec()
    };
    let answer = server.push(
        &other.enrolment.token,
        &batch(vec![(id.clone(), vec![submit.clone()])]),
    );
    assert_eq!(codes(&answer), vec!["not_allowed_to_submit"]);
    let head = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let mut doc = server_doc(&server, &id, &head.store.actor_id());
    let submit = {
        let mut tx = doc.transaction();
        let (_, meta) = tx.get(automerge::ROOT, "meta").unwrap().unwrap();
        tx.put(&meta, "state", "submitted").unwrap();
        tx.commit();
        doc.get_last_local_change().unwrap().raw_bytes().to_vec()
    };
    let answer = server.push(
        &head.enrolment.token,
        &batch(vec![(id.clone(), vec![submit])]),
    );
    assert!(answer.refused.is_empty());
    assert_eq!(
        server.storage.record(&id).unwrap().unwrap().state,
        Lifecycle::Submitted
    );
}

fn put_part(
    server: &TestServer,
    token: &str,
    sha: &str,
    offset: u64,
    total: u64,
    body: Vec<u8>,
) -> reqwest::blocking::Response {
    reqwest::blocking::Client::new()
        .put(format!(
            "{}/api/v1/photos/{sha}/upload?offset={offset}&total={total}",
            server.url
        ))
        .bearer_auth(token)
        .body(body)
        .send()
        .unwrap()
}

fn upload_status(server: &TestServer, token: &str, sha: &str) -> PhotoUploadStatus {
    reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/photos/{sha}/upload", server.url))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap()
}

#[test]
fn another_devices_photo_upload_cannot_be_blocked_hijacked_or_seen() {
    let server = TestServer::start();
    let owner = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let stranger = server.phone_in(OTHER_COMMUNE, Role::Volunteer, &[OTHER_AREA], &server.url);
    let jpeg = camera_photo(320, 240, 7);
    let sha = sachxanh_core::photo::sha256_hex(&jpeg);
    let total = jpeg.len() as u64;
    // One byte from another commune's phone first: it holds only its own upload.
    assert_eq!(
        put_part(
            &server,
            &stranger.enrolment.token,
            &sha,
            0,
            total,
            jpeg[..1].to_vec()
        )
        .status(),
        200
    );
    assert_eq!(
        upload_status(&server, &owner.enrolment.token, &sha).received,
        0
    );
    let done = put_part(
        &server,
        &owner.enrolment.token,
        &sha,
        0,
        total,
        jpeg.clone(),
    );
    assert_eq!(done.status(), 200);
    assert!(done.json::<PhotoUploadStatus>().unwrap().complete);
    // The stranger sees only its own byte, and cannot fetch the owner's commune's photo.
    assert_eq!(
        upload_status(&server, &stranger.enrolment.token, &sha).received,
        1
    );
    let get = |token: &str| {
        reqwest::blocking::Client::new()
            .get(format!("{}/api/v1/photos/{sha}", server.url))
            .bearer_auth(token)
            .send()
            .unwrap()
    };
    assert_eq!(get(&stranger.enrolment.token).status(), 404);
    let served = get(&owner.enrolment.token);
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert!(served.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    // Unfinished uploads expire.
    let swept = server
        .storage
        .sweep_photo_uploads(chrono::Utc::now().timestamp_millis() + 1)
        .unwrap();
    assert_eq!(swept, 1);
    assert_eq!(
        upload_status(&server, &stranger.enrolment.token, &sha).received,
        0
    );
    // A few unfinished uploads per phone at most.
    for seed in 0..8 {
        let other = sachxanh_core::photo::sha256_hex(&[seed]);
        assert_eq!(
            put_part(&server, &stranger.enrolment.token, &other, 0, 10, vec![1]).status(),
            200
        );
    }
    let ninth = put_part(
        &server,
        &stranger.enrolment.token,
        &"9".repeat(64),
        0,
        10,
        vec![1],
    );
    assert_eq!(ninth.status(), 429);
    // Bytes that start like a JPEG and are something else are not kept.
    let mut fake = vec![0xFF, 0xD8, 0xFF];
    fake.extend(b"<html><script>alert(1)</script></html>");
    let fake_sha = sachxanh_core::photo::sha256_hex(&fake);
    let r = put_part(
        &server,
        &owner.enrolment.token,
        &fake_sha,
        0,
        fake.len() as u64,
        fake.clone(),
    );
    assert_eq!(r.status(), 422);
}

#[test]
fn an_unfinished_request_head_or_body_is_cut_off() {
    let server = TestServer::start_with(|s| {
        s.timeouts.header = Duration::from_secs(1);
        s.timeouts.body_idle = Duration::from_secs(1);
    });
    // Half a header, then silence.
    let mut conn = std::net::TcpStream::connect(&server.addr).unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let mut rest = vec![];
    let _ = conn.read_to_end(&mut rest);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "held {:?}",
        started.elapsed()
    );
    // A slow body on the route anyone may call.
    let mut conn = std::net::TcpStream::connect(&server.addr).unwrap();
    conn.write_all(
        b"POST /api/v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"code\":",
    )
    .unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let mut answer = vec![];
    let _ = conn.read_to_end(&mut answer);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "held {:?}",
        started.elapsed()
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
}

#[test]
fn a_device_cannot_flood_and_an_address_cannot_guess_codes() {
    let server = TestServer::start_with(|s| {
        s.attempts = sachxanh_server::auth::Attempts::new(5, Duration::from_secs(60));
    });
    let http = reqwest::blocking::Client::new();
    let statuses: Vec<u16> = (0..7)
        .map(|_| {
            http.post(format!("{}/api/v1/enrol", server.url))
                .json(&serde_json::json!({"code": "AAAA-BBBB-CC", "actor_id": "ab".repeat(16)}))
                .send()
                .unwrap()
                .status()
                .as_u16()
        })
        .collect();
    assert_eq!(statuses, vec![404, 404, 404, 404, 404, 429, 429]);
}

#[test]
fn what_the_caller_may_not_see_is_not_revealed() {
    let server = TestServer::start();
    let status = reqwest::blocking::get(format!("{}/status", server.url)).unwrap();
    assert_eq!(status.status(), 404);
    let health: serde_json::Value = reqwest::blocking::get(format!("{}/healthz", server.url))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health, serde_json::json!({"status": "ok"}));
    // Reviewing a record of another commune is answered as reviewing one that does not exist.
    let mut volunteer = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let id = volunteer.add_household("Vũ Văn Bảy");
    volunteer.store.submit::<Household>(&id).unwrap();
    volunteer.sync().unwrap();
    let elsewhere = server.staff_key_in(OTHER_COMMUNE);
    let review = |record: &str| {
        reqwest::blocking::Client::new()
            .post(format!("{}/api/v1/records/{record}/review", server.url))
            .bearer_auth(&elsewhere)
            .json(&serde_json::json!({"decision": "approved", "heads": []}))
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(review(&id), 404);
    assert_eq!(review(&uuid::Uuid::now_v7().to_string()), 404);
}

#[test]
fn the_same_change_twice_or_a_reused_batch_id_is_answered_not_crashed() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let id = phone.add_household("Mai Văn Tám");
    let change = phone.store.changes_of(&id).unwrap().remove(0);
    // Twice in one record: taken once.
    let twice = batch(vec![(id.clone(), vec![change.clone(), change.clone()])]);
    let answer = server.push(&phone.enrolment.token, &twice);
    assert!(answer.refused.is_empty());
    // The same change under another record id: refused, not a crash.
    let other = uuid::Uuid::now_v7().to_string();
    let answer = server.push(
        &phone.enrolment.token,
        &batch(vec![(other, vec![change.clone()])]),
    );
    assert_eq!(codes(&answer), vec!["duplicate_change"]);
    // A batch id sent again with other contents.
    let mut reused = twice.clone();
    let second = phone.add_household("Mai Văn Chín");
    reused.records = vec![RecordChanges {
        id: second.clone(),
        changes: phone
            .store
            .changes_of(&second)
            .unwrap()
            .into_iter()
            .map(ByteBuf::from)
            .collect(),
    }];
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/sync/push", server.url))
        .bearer_auth(&phone.enrolment.token)
        .header("content-type", CONTENT_TYPE)
        .body(encode(&reused))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 409);
    assert_eq!(resp.json::<ErrorBody>().unwrap().code, "batch_reused");
    // And the same batch sent again gets its first answer.
    assert!(server
        .push(&phone.enrolment.token, &twice)
        .refused
        .is_empty());
}

#[test]
fn the_dashboard_session_is_its_own_short_lived_credential() {
    let server = TestServer::start_with(|s| s.secure_cookies = true);
    let http = reqwest::blocking::Client::new();
    let signed_in = http
        .post(format!("{}/api/v1/session", server.url))
        .json(&serde_json::json!({"key": server.staff_token}))
        .send()
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Secure")
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    assert!(
        !session.contains(&server.staff_token),
        "the cookie is not the key"
    );
    let with_cookie = |c: &str, path: &str| {
        http.get(format!("{}{path}", server.url))
            .header("cookie", c)
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(with_cookie(&session, "/api/v1/review-queue"), 200);
    // The key itself in a cookie is no session.
    assert_eq!(
        with_cookie(
            &format!("sx_session={}", server.staff_token),
            "/api/v1/review-queue"
        ),
        401
    );
    let out = http
        .post(format!("{}/api/v1/session/end", server.url))
        .header("cookie", &session)
        .header("x-sachxanh", "1")
        .send()
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(
        with_cookie(&session, "/api/v1/review-queue"),
        401,
        "signed out means out"
    );
    // The page and the API carry the headers a browser needs to protect them.
    for path in ["/", "/healthz", "/queue"] {
        let r = http.get(format!("{}{path}", server.url)).send().unwrap();
        let h = r.headers();
        assert!(h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-content-type-options"], "nosniff");
    }
}
