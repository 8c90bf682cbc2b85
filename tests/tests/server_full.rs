//! A server whose disk is full: a push is answered 503 with Retry-After and leaves nothing half
//! written; phones keep every record and are told why; once space is freed everything arrives
//! exactly once, and a photo cut off by the full disk resumes where it stopped.
//! (The disk is played by SQLite's page limit, on every connection of the server: what a full
//! file system looks like to SQLite. PostgreSQL's `disk_full` maps to the same answer.)

use sachxanh_core::model::*;
use sachxanh_core::photo::PhotoSettings;
use sachxanh_core::sync::protocol::{encode, CONTENT_TYPE};
use sachxanh_core::sync::SyncError;
use sachxanh_server::storage::sqlite::SqliteStorage;
use sachxanh_server::storage::PhotoHeld;
use sachxanh_tests::*;
use std::sync::Arc;

fn integrity(path: &std::path::Path) -> String {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_full_server_answers_503_keeps_nothing_half_written_and_takes_everything_once_freed() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::fresh(dir.path());
    let Database::Sqlite(path) = database.clone() else {
        eprintln!("a full disk is played on SQLite only; this run is on PostgreSQL");
        return;
    };
    let disk = Arc::new(SqliteStorage::open(&path).unwrap());
    let server = TestServer::start_with_database(database, dir, {
        let disk = disk.clone();
        move |st| st.storage = disk
    });
    let mut phone = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let first = phone.add_household("Hộ đã gửi");
    phone.sync().unwrap();

    // The disk fills up; twenty more households wait on the phone (more than the free room
    // left in the pages the file has).
    let waiting: Vec<String> = (0..20)
        .map(|i| phone.add_household(&format!("Hộ chờ {i}")))
        .collect();
    let pages = disk.limit_pages(Some(0)).unwrap();
    disk.limit_pages(Some(pages)).unwrap();
    let (records_before, log_before, _) = server.counts();

    // What the server answers: 503, a reason in both languages, and when to come back.
    let batch = phone.store.next_push(&Default::default()).unwrap().unwrap();
    let raw = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/sync/push", server.url))
        .bearer_auth(&phone.enrolment.token)
        .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
        .body(encode(&batch))
        .send()
        .unwrap();
    assert_eq!(raw.status(), 503);
    assert_eq!(
        raw.headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()),
        Some("300")
    );
    let body: serde_json::Value = raw.json().unwrap();
    assert_eq!(body["code"], "server_full");
    assert!(body["message"]["vi"].as_str().unwrap().contains("hết chỗ"));

    // The phone, after its retries, is told the same, and keeps every record waiting.
    match phone.sync() {
        Err(SyncError::Server {
            status,
            code,
            message,
        }) => {
            assert_eq!((status, code.as_str()), (503, "server_full"));
            assert!(message.en.contains("stays on the phone"));
        }
        other => panic!("expected the server's refusal, got {other:?}"),
    }
    assert_eq!(phone.store.records_waiting().unwrap(), 20);
    // Nothing of the refused pushes is on the server, and its file is sound.
    assert_eq!(server.counts().0, records_before);
    assert_eq!(server.counts().1, log_before);
    for id in &waiting {
        assert!(server.storage.record(id).unwrap().is_none());
    }
    assert_eq!(integrity(&path), "ok");

    // A photo is added; the disk has room for the records and a part of the photo only.
    let cleanup = phone
        .store
        .create(cleanup_in(AREA_A, Day::today().latest_saturday(), vec![]))
        .unwrap();
    let photo = phone
        .store
        .add_photo(&camera_photo(2000, 1500, 5), PhotoSettings::default())
        .unwrap();
    phone
        .store
        .update::<Cleanup>(&cleanup, |c| {
            c.photos.push(PhotoRef {
                sha256: photo.sha256.clone(),
                stage: PhotoStage::After,
            })
        })
        .unwrap();
    // About 160 KB of room: the records fit, the 300 KB photo does not.
    disk.limit_pages(Some(pages + 40)).unwrap();
    let report = phone.sync().unwrap();
    assert_eq!(report.pushed, 21, "the waiting households and the cleanup");
    assert_eq!((report.photos_uploaded, report.photos_waiting), (0, 1));
    let device = phone.enrolment.device_id.clone();
    let held = server
        .storage
        .photo_held(&photo.sha256, &device, COMMUNE)
        .unwrap();
    let PhotoHeld::Partial { received, .. } = held else {
        panic!("part of the photo should be kept, got {held:?}");
    };
    assert!(received > 0 && received < photo.bytes);

    // Space is freed: the photo resumes where it stopped, and nothing arrives twice.
    disk.limit_pages(None).unwrap();
    let report = phone.sync().unwrap();
    assert_eq!((report.photos_uploaded, report.photos_waiting), (1, 0));
    assert!(
        report.photo_bytes_sent <= photo.bytes - received,
        "resumed at {received}: sent {} of {}",
        report.photo_bytes_sent,
        photo.bytes
    );
    assert_eq!(phone.store.outbox_len().unwrap(), 0);
    for id in waiting.iter().chain([&first, &cleanup]) {
        assert!(server.storage.record(id).unwrap().is_some());
    }
    assert_eq!(server.counts().0, records_before + 21);
    assert_eq!(integrity(&path), "ok");
}
