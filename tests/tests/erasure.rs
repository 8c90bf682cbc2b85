//! Erasure through the CRDT history, on a household's request: staff erase its personal fields,
//! and no earlier value survives anywhere — not in the server's document, log or exports, not on
//! a phone that was online, not on one that was offline and edited the household meanwhile (its
//! edit cannot bring the values back), not on a phone enrolled afterwards. The audit trail keeps
//! that an erasure happened, by whom and why. Runs on SQLite, and on PostgreSQL in its pass.

use automerge::ReadDoc;
use sachxanh_core::erasure::ERASED;
use sachxanh_core::error::ErrorCode;
use sachxanh_core::model::*;
use sachxanh_tests::*;

const NAME: &str = "Nguyễn Thị Riêng Tư";
const ADDRESS: &str = "Số 77, hẻm Bí Mật";
const NOTE: &str = "Nhà có con nhỏ, gọi trước khi đến";
const OFFLINE_NOTE: &str = "Chị Riêng Tư hẹn chiều thứ bảy";

/// Every text value anywhere in an Automerge file's history.
fn texts_in_history(bytes: &[u8]) -> Vec<String> {
    let doc = automerge::Automerge::load(bytes).expect("an Automerge file");
    let mut out = vec![];
    for change in doc.get_changes(&[]) {
        for op in change.decode().operations {
            if let automerge::legacy::OpType::Put(automerge::ScalarValue::Str(s)) = op.action {
                out.push(s.to_string());
            }
        }
    }
    // And the current values, read the ordinary way.
    if let Ok(Some((automerge::Value::Object(_), data))) = doc.get(automerge::ROOT, "data") {
        for key in doc.keys(&data) {
            if let Ok(Some((automerge::Value::Scalar(v), _))) = doc.get(&data, key.as_str()) {
                out.push(v.to_string());
            }
        }
    }
    out
}

fn holds_erased(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .filter(|t| {
            [NAME, ADDRESS, NOTE, OFFLINE_NOTE, "Riêng"]
                .iter()
                .any(|e| t.contains(e))
        })
        .cloned()
        .collect()
}

fn erase(server: &TestServer, id: &str, reason: &str) -> reqwest::blocking::Response {
    reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/records/{id}/erase", server.url))
        .bearer_auth(&server.staff_token)
        .json(&serde_json::json!({ "reason": reason }))
        .send()
        .unwrap()
}

#[test]
fn an_erased_household_leaves_no_trace_on_the_server_or_any_phone() {
    let server = TestServer::start();
    let mut a = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let mut b = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let id = a
        .store
        .create(Household {
            area_id: AREA_A.into(),
            address: ADDRESS.into(),
            head_name: NAME.into(),
            members: 4,
            location: Some(sachxanh_core::place::Coord::new(105.631, 9.998)),
            note: NOTE.into(),
        })
        .unwrap();
    a.store.submit::<Household>(&id).unwrap();
    a.sync().unwrap();
    assert_eq!(server.staff_decide(&id, "approved", "").status(), 201);
    a.sync().unwrap();
    b.sync().unwrap();
    assert_eq!(b.store.get::<Household>(&id).unwrap().body.head_name, NAME);

    // Phone A goes out of signal and edits the household there.
    a.store
        .update::<Household>(&id, |h| h.note = OFFLINE_NOTE.into())
        .unwrap();

    // The household asks to be forgotten; staff erase it, saying why.
    let short = erase(&server, &id, "vì");
    assert_eq!(short.status(), 400);
    let done = erase(
        &server,
        &id,
        "Yêu cầu của chủ hộ ngày 29/11/2026, phiếu số 12",
    );
    assert_eq!(done.status(), 200);

    // The server: the record, its document's whole history, the log and the exports hold none
    // of the erased values; the household still counts (its decision is kept).
    let row = server.storage.record(&id).unwrap().unwrap();
    let AnyRecord::Household(h) = &row.record else {
        panic!("still a household")
    };
    assert_eq!(
        (h.head_name.as_str(), h.address.as_str(), h.members),
        (ERASED, ERASED, 4)
    );
    assert!(h.note.is_empty() && h.location.is_none());
    assert_eq!(row.review_status, ReviewStatus::Approved);
    let file = reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/records/{id}/automerge", server.url))
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    let texts = texts_in_history(&file);
    assert!(texts.iter().any(|t| t == ERASED), "{texts:?}");
    assert_eq!(holds_erased(&texts), Vec::<String>::new());
    for change in server.storage.changes_of(&id).unwrap() {
        let c = automerge::Change::from_bytes(change).unwrap();
        for op in c.decode().operations {
            if let automerge::legacy::OpType::Put(automerge::ScalarValue::Str(s)) = op.action {
                assert!(!s.contains("Riêng"), "the log keeps {s}");
            }
        }
    }
    let geo = server.staff_get(&format!(
        "/api/v1/exports/records.geojson?personal=true&reason={}",
        "Kiểm tra sau khi xoá".replace(' ', "%20")
    ));
    assert!(!geo.to_string().contains("Riêng"));
    // The audit trail: that it happened, by whom and why; not the values.
    let audit = server.storage.audit_of(&id).unwrap();
    let erasure = audit
        .iter()
        .find(|a| a.action == AuditAction::Erase)
        .expect("the erasure is in the audit trail");
    assert_eq!(erasure.person_name, "Cán bộ thử nghiệm");
    let detail = server.staff_get(&format!("/api/v1/records/{id}/detail"));
    assert!(!detail.to_string().contains("Riêng"));

    // Phone B was online: it replaces its copy at the next sync, history and all.
    b.sync().unwrap();
    let on_b = b.store.get::<Household>(&id).unwrap();
    assert_eq!(on_b.body.head_name, ERASED);
    assert_eq!(on_b.status, ReviewStatus::Approved);
    assert_eq!(
        holds_erased(&texts_in_history(&b.store.export_automerge(&id).unwrap())),
        Vec::<String>::new()
    );
    assert!(b
        .store
        .households(AREA_A, "rieng", None, 10)
        .unwrap()
        .items
        .is_empty());

    // Phone A was offline and edited it: its edit cannot bring the values back. It is refused
    // as erased, not kept for later, and A takes the erased version.
    let report = a.sync().unwrap();
    assert_eq!(report.refused, 1);
    let on_a = a.store.get::<Household>(&id).unwrap();
    assert_eq!(
        (on_a.body.head_name.as_str(), on_a.body.note.as_str()),
        (ERASED, "")
    );
    assert_eq!(
        holds_erased(&texts_in_history(&a.store.export_automerge(&id).unwrap())),
        Vec::<String>::new()
    );
    assert!(
        a.store.refused().unwrap().iter().all(|r| r.record_id != id),
        "a refused version would keep the erased values on the phone"
    );
    assert_eq!(a.store.outbox_len().unwrap(), 0);
    assert!(server
        .storage
        .record(&id)
        .unwrap()
        .unwrap()
        .record
        .to_json()
        .to_string()
        .find("Riêng")
        .is_none());

    // A forged push of the old history is refused as erased too.
    let old_change = {
        let mut c = server.phone(Role::AreaHead, &[AREA_A], &server.url);
        c.sync().unwrap();
        // A phone enrolled after the erasure receives only the erased version.
        assert_eq!(
            c.store.get::<Household>(&id).unwrap().body.head_name,
            ERASED
        );
        assert_eq!(
            holds_erased(&texts_in_history(&c.store.export_automerge(&id).unwrap())),
            Vec::<String>::new()
        );
        c
    };
    drop(old_change);
    let code = ErrorCode::Erased.label();
    assert!(code.vi.contains("đã được xoá") && code.en.contains("erased on request"));
}
