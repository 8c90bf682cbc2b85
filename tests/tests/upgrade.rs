//! Upgrades keep every record: a phone store and a server database made by an earlier release
//! (committed under `tests/fixtures/upgrade/<release>/`, never regenerated) open with today's
//! code, migrate, and keep every record, review, photo and waiting change; the old phone then
//! syncs with the upgraded server and everything meets.
//!
//! A release that changes a schema adds a new fixture directory with
//! `SACHXANH_FIXTURE_DIR=tests/fixtures/upgrade/<release> cargo test -p sachxanh-tests --test
//! upgrade -- --ignored make_upgrade_fixtures` and keeps the older ones.

use sachxanh_core::model::*;
use sachxanh_core::photo::PhotoSettings;
use sachxanh_core::place::Coord;
use sachxanh_core::sync::SyncClient;
use sachxanh_core::Store;
use sachxanh_tests::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

#[derive(Serialize, Deserialize)]
struct Manifest {
    release: String,
    phone_schema: i64,
    staff_token: String,
    phone_token: String,
    /// Households as saved: id → (head's name, members).
    households: Vec<(String, String, u32)>,
    check: String,
    cleanup: String,
    photo: String,
    /// On the server when the fixture was made.
    synced: Vec<String>,
    /// Saved on the phone and not yet sent: new records and an edit.
    waiting: Vec<String>,
    server_records: u64,
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/upgrade");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/upgrade")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("manifest.json").exists())
        .collect();
    dirs.sort();
    dirs
}

fn household(area: &str, name: &str, members: u32) -> Household {
    Household {
        area_id: area.into(),
        address: "Số 7, đường ven kênh".into(),
        head_name: name.into(),
        members,
        location: Some(Coord::new(105.63, 10.0)),
        note: String::new(),
    }
}

#[test]
fn stores_made_by_earlier_releases_open_migrate_and_keep_every_record() {
    let dirs = fixtures();
    assert!(!dirs.is_empty(), "no upgrade fixture committed");
    for fixture in dirs {
        let m: Manifest =
            serde_json::from_slice(&std::fs::read(fixture.join("manifest.json")).unwrap()).unwrap();
        let work = tempfile::tempdir().unwrap();
        std::fs::copy(fixture.join("phone.db"), work.path().join("phone.db")).unwrap();
        let server_dir = tempfile::tempdir().unwrap();
        let server_db = server_dir.path().join("server.db");
        std::fs::copy(fixture.join("server.db"), &server_db).unwrap();

        // The server opens the old database, migrates it and has everything it had.
        let server = TestServer::reopen(Database::Sqlite(server_db), server_dir, &m.staff_token);
        assert_eq!(server.counts().0, m.server_records, "{}", m.release);
        for id in &m.synced {
            assert!(
                server.storage.record(id).unwrap().is_some(),
                "{}: record {id} lost",
                m.release
            );
        }
        let cleanup = server.staff_get(&format!("/api/v1/records/{}/detail", m.cleanup));
        assert_eq!(
            cleanup["record"]["review_status"], "approved",
            "{}",
            m.release
        );
        let photo = reqwest::blocking::Client::new()
            .get(format!("{}/api/v1/photos/{}", server.url, m.photo))
            .bearer_auth(&m.staff_token)
            .send()
            .unwrap();
        assert_eq!(photo.status(), 200, "{}: the photo is lost", m.release);
        assert_eq!(
            sachxanh_core::photo::sha256_hex(&photo.bytes().unwrap()),
            m.photo
        );

        // The phone opens its old store and reads every record as it was saved.
        let mut store = Store::open(work.path().join("phone.db"), server.reference.clone())
            .unwrap_or_else(|e| panic!("{}: the old phone store does not open: {e}", m.release));
        assert_eq!(store.integrity_check().unwrap(), "ok");
        for (id, name, members) in &m.households {
            let h = store.get::<Household>(id).unwrap();
            assert_eq!((&h.body.head_name, h.body.members), (name, *members));
        }
        assert!(store.get::<SortingCheck>(&m.check).is_ok());
        let c = store.get::<Cleanup>(&m.cleanup).unwrap();
        assert_eq!(c.status, ReviewStatus::Approved);
        assert_eq!(c.body.photos[0].sha256, m.photo);
        assert!(store.photo(&m.photo).unwrap().is_some());
        let waiting: std::collections::HashSet<String> = store
            .outbox(usize::MAX)
            .unwrap()
            .into_iter()
            .map(|e| e.doc_id)
            .collect();
        assert_eq!(
            waiting,
            m.waiting.iter().cloned().collect(),
            "{}: the outbox changed",
            m.release
        );

        // The old phone syncs with the upgraded server: its waiting records go out once.
        let client = SyncClient::with_policy(&server.url, &m.phone_token, test_retry()).unwrap();
        let report = client
            .sync(&mut store, &mut |_| {}, &AtomicBool::new(false))
            .unwrap_or_else(|e| panic!("{}: the old phone cannot sync: {e}", m.release));
        assert_eq!(report.pushed, m.waiting.len() as u64);
        assert_eq!(report.refused, 0);
        assert_eq!(store.outbox_len().unwrap(), 0);
        for (id, _, members) in &m.households {
            let row = server.storage.record(id).unwrap().expect("on the server");
            let AnyRecord::Household(h) = row.record else {
                panic!("{id} is not a household on the server");
            };
            assert_eq!(h.members, *members);
        }
        assert_eq!(
            server.counts().0,
            m.server_records + m.waiting.iter().filter(|w| !m.synced.contains(w)).count() as u64
        );
    }
}

/// Makes a fixture of this release: run once per schema change (see the module's comment).
#[test]
#[ignore = "writes fixtures; run by hand when a schema changes"]
fn make_upgrade_fixtures() {
    let Ok(out) = std::env::var("SACHXANH_FIXTURE_DIR") else {
        return;
    };
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server_db = dir.path().join("server.db");
    let phone_db = tempfile::tempdir().unwrap();
    let phone_path = phone_db.path().join("phone.db");
    let server = TestServer::start_with_database(Database::Sqlite(server_db.clone()), dir, |_| {});
    let code = server.code(Role::AreaHead, &[AREA_A]);
    let mut store = Store::open(&phone_path, server.reference.clone()).unwrap();
    let enrolment = SyncClient::enrol(&server.url, &code, &mut store, test_retry()).unwrap();
    let client = SyncClient::with_policy(&server.url, &enrolment.token, test_retry()).unwrap();
    let never = AtomicBool::new(false);

    let mut households = vec![];
    for (name, members) in [
        ("Hộ Lâm Văn Một", 4),
        ("Hộ Trịnh Thị Hai", 5),
        ("Hộ Mai Văn Ba", 3),
    ] {
        let id = store.create(household(AREA_A, name, members)).unwrap();
        households.push((id, name.to_owned(), members));
    }
    let check = store
        .create(SortingCheck {
            household_id: households[0].0.clone(),
            area_id: AREA_A.into(),
            check_date: Day::today(),
            recyclable_sorted: true,
            food_sorted: true,
            other_sorted: true,
            hazardous_separated: false,
            served_by_collection: true,
            burning_seen: false,
            dumping_seen: false,
            note: "Đã hướng dẫn tách pin cũ".into(),
            checked_by: enrolment.person_id.clone(),
        })
        .unwrap();
    let photo = store
        .add_photo(&camera_photo(320, 240, 7), PhotoSettings::default())
        .unwrap();
    let cleanup = store
        .create(cleanup_in(
            AREA_A,
            Day::today().latest_saturday(),
            vec![PhotoRef {
                sha256: photo.sha256.clone(),
                stage: PhotoStage::After,
            }],
        ))
        .unwrap();
    store.submit::<Cleanup>(&cleanup).unwrap();
    client.sync(&mut store, &mut |_| {}, &never).unwrap();
    assert_eq!(server.staff_decide(&cleanup, "approved", "").status(), 201);
    client.sync(&mut store, &mut |_| {}, &never).unwrap();
    let synced: Vec<String> = households
        .iter()
        .map(|h| h.0.clone())
        .chain([check.clone(), cleanup.clone()])
        .collect();

    // Left waiting: two new households and an edit of a synced one.
    let mut waiting = vec![];
    for (name, members) in [("Hộ Đặng Văn Bốn", 2), ("Hộ Hồ Thị Năm", 6)] {
        let id = store.create(household(AREA_A, name, members)).unwrap();
        households.push((id.clone(), name.to_owned(), members));
        waiting.push(id);
    }
    store
        .update::<Household>(&households[1].0, |h| h.members = 7)
        .unwrap();
    households[1].2 = 7;
    waiting.push(households[1].0.clone());

    let manifest = Manifest {
        release: out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        phone_schema: sachxanh_core::store::schema::SCHEMA_VERSION,
        staff_token: server.staff_token.clone(),
        phone_token: enrolment.token.clone(),
        households,
        check,
        cleanup,
        photo: photo.sha256,
        synced,
        waiting,
        server_records: server.counts().0,
    };
    // One self-contained file each, the write-ahead log folded in (read while still open).
    for (from, to) in [
        (&server_db, out.join("server.db")),
        (&phone_path, out.join("phone.db")),
    ] {
        let _ = std::fs::remove_file(&to);
        rusqlite::Connection::open(from)
            .unwrap()
            .execute_batch(&format!("VACUUM INTO '{}'", to.display()))
            .unwrap();
    }
    drop(store);
    drop(server);
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
}
