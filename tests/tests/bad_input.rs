//! Bad input from outside: random bytes, truncated changes, oversized and over-compressed
//! bodies, malformed JSON, wrong types. Each gets a clear 4xx with a typed JSON error, no panic,
//! and the server's state unchanged.

use rand::{Rng, SeedableRng};
use sachxanh_core::model::Role;
use sachxanh_core::sync::protocol::*;
use sachxanh_tests::*;
use serde_bytes::ByteBuf;
use std::io::Write;

struct Answer {
    status: u16,
    code: String,
    vi: String,
    en: String,
}

fn post(server: &TestServer, path: &str, token: &str, ctype: &str, body: Vec<u8>) -> Answer {
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}{path}", server.url))
        .bearer_auth(token)
        .header("content-type", ctype)
        .body(body)
        .send()
        .expect("the server answers");
    let status = resp.status().as_u16();
    let text = resp.text().expect("a body");
    let body: ErrorBody = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("a typed JSON error, not {status} {text:?}: {e}"));
    Answer {
        status,
        code: body.code,
        vi: body.message.vi,
        en: body.message.en,
    }
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::DeflateEncoder::new(vec![], flate2::Compression::fast());
    z.write_all(bytes).unwrap();
    z.finish().unwrap()
}

#[test]
fn bad_bodies_get_clear_4xx_and_change_nothing() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let id = phone.add_household("Trần Văn Sáu");
    phone.sync().unwrap();
    let before = server.counts();
    let token = phone.enrolment.token.clone();
    let push = |ctype: &str, body: Vec<u8>| post(&server, "/api/v1/sync/push", &token, ctype, body);

    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    for _ in 0..20 {
        let n = rng.random_range(0..2000);
        let junk: Vec<u8> = (0..n).map(|_| rng.random()).collect();
        let a = push(CONTENT_TYPE, junk);
        assert_eq!(a.status, 400, "random bytes");
        assert_eq!(a.code, "malformed");
    }
    // Valid framing around a truncated change.
    let mut change = phone.store.changes_of(&id).unwrap().remove(0);
    change.truncate(change.len() / 2);
    let req = PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records: vec![RecordChanges {
            id: id.clone(),
            changes: vec![ByteBuf::from(change)],
        }],
    };
    // It is refused on its own, with its reason: the rest of a batch would go through.
    let answer = server.push(&token, &req);
    assert!(answer.accepted.is_empty());
    let refusal = &answer.refused[0];
    assert_eq!(
        (refusal.record_id.as_str(), refusal.code.as_str()),
        (id.as_str(), "bad_change")
    );
    assert!(refusal.message.vi.contains("thay đổi") && refusal.message.en.contains("change"));
    let limits = Limits::default();
    // Too big on the wire.
    let a = push(CONTENT_TYPE, vec![0u8; limits.max_body + 1]);
    assert_eq!((a.status, a.code.as_str()), (413, "body_too_large"));
    // Small on the wire, huge inflated.
    let a = push(CONTENT_TYPE, deflate(&vec![0u8; limits.max_inflated + 10]));
    assert_eq!((a.status, a.code.as_str()), (413, "inflated_too_large"));
    assert!(a.vi.contains("giải nén") && a.en.contains("decompressed"));
    // Too many records in one batch.
    let many = PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records: (0..501)
            .map(|_| RecordChanges {
                id: uuid::Uuid::now_v7().to_string(),
                changes: vec![],
            })
            .collect(),
    };
    let a = push(CONTENT_TYPE, encode(&many));
    assert_eq!((a.status, a.code.as_str()), (400, "too_many_records"));
    // A record id that is not an id.
    let bad_id = PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records: vec![RecordChanges {
            id: "../../etc/passwd".into(),
            changes: vec![],
        }],
    };
    let a = push(CONTENT_TYPE, encode(&bad_id));
    assert_eq!((a.status, a.code.as_str()), (400, "bad_record_id"));
    // Wrong media type.
    let a = push("application/json", b"{}".to_vec());
    assert_eq!((a.status, a.code.as_str()), (415, "unsupported_media_type"));
    // Malformed JSON and wrong types at enrolment.
    for body in [
        &b"{not json"[..],
        br#"{"code": 12, "actor_id": true}"#,
        br#"{"code": "ABCD"}"#,
    ] {
        let a = post(
            &server,
            "/api/v1/enrol",
            "",
            "application/json",
            body.to_vec(),
        );
        assert_eq!((a.status, a.code.as_str()), (400, "malformed_json"));
    }
    let a = post(
        &server,
        "/api/v1/enrol",
        "",
        "application/json",
        br#"{"code": "AAAA-BBBB-CC", "actor_id": "zz"}"#.to_vec(),
    );
    assert_eq!(a.status, 400);
    let a = post(
        &server,
        "/api/v1/enrol",
        "",
        "application/json",
        format!(
            r#"{{"code": "AAAA-BBBB-CC", "actor_id": "{}"}}"#,
            "ab".repeat(16)
        )
        .into_bytes(),
    );
    assert_eq!((a.status, a.code.as_str()), (404, "bad_code"));
    // No token, a wrong token.
    let a = post(&server, "/api/v1/sync/push", "", CONTENT_TYPE, encode(&req));
    assert_eq!((a.status, a.code.as_str()), (401, "unauthorized"));
    let a = post(
        &server,
        "/api/v1/sync/push",
        "nope",
        CONTENT_TYPE,
        encode(&req),
    );
    assert_eq!(a.status, 401);
    assert_eq!(server.counts(), before, "nothing entered the server");
    // And the server still works.
    phone.add_household("Trần Văn Bảy");
    phone.sync().unwrap();
    assert_eq!(server.counts().0, before.0 + 1);
}

#[test]
fn records_of_unknown_kinds_or_wrong_types_are_refused_per_record() {
    use automerge::transaction::Transactable;
    let server = TestServer::start();
    let phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let actor = automerge::ActorId::try_from(phone.store.actor_id().as_str()).unwrap();
    let before = server.counts();
    let make = |kind: &str, members: automerge::ScalarValue| {
        let mut doc = automerge::Automerge::new().with_actor(actor.clone());
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "kind", kind).unwrap();
        let meta = tx
            .put_object(automerge::ROOT, "meta", automerge::ObjType::Map)
            .unwrap();
        tx.put(&meta, "author", phone.enrolment.person_id.as_str())
            .unwrap();
        tx.put(&meta, "created_at", 0i64).unwrap();
        tx.put(&meta, "state", "draft").unwrap();
        let data = tx
            .put_object(automerge::ROOT, "data", automerge::ObjType::Map)
            .unwrap();
        tx.put(&data, "area_id", AREA_A).unwrap();
        tx.put(&data, "members", members).unwrap();
        tx.commit();
        doc.get_last_local_change().unwrap().raw_bytes().to_vec()
    };
    let req = PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records: vec![
            RecordChanges {
                id: uuid::Uuid::now_v7().to_string(),
                changes: vec![ByteBuf::from(make("spaceship", 3u64.into()))],
            },
            RecordChanges {
                id: uuid::Uuid::now_v7().to_string(),
                changes: vec![ByteBuf::from(make("household", "bốn".into()))],
            },
        ],
    };
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/sync/push", server.url))
        .bearer_auth(&phone.enrolment.token)
        .header("content-type", CONTENT_TYPE)
        .body(encode(&req))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let answer: PushResponse = decode(&resp.bytes().unwrap(), &Limits::default()).unwrap();
    assert!(answer.accepted.is_empty());
    let codes: Vec<&str> = answer.refused.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, vec!["unknown_kind", "unreadable"]);
    assert_eq!(server.counts(), before);
}
