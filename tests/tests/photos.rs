//! Photos over a bad link: prepared on the phone, uploaded after the records, resumable in
//! parts so a link that keeps dropping costs little, checked by SHA-256 on the server, kept on
//! the phone until the server confirms them, and downloaded by others only when opened.

use sachxanh_core::model::*;
use sachxanh_core::photo::{sha256_hex, PhotoSettings};
use sachxanh_core::place::{Coord, Place};
use sachxanh_core::sync::{Progress, SyncPhase};
use sachxanh_tests::proxy::FaultProxy;
use sachxanh_tests::*;
use std::sync::atomic::{AtomicBool, Ordering};

fn cleanup_with(photos: Vec<PhotoRef>) -> Cleanup {
    Cleanup {
        area_id: AREA_A.into(),
        cleanup_date: Day::today().latest_saturday(),
        place: Place::point(Coord::new(105.63, 10.0)),
        work: Work {
            waterways: true,
            ..Default::default()
        },
        participants: Participants {
            youth_union: 15,
            ..Default::default()
        },
        waste_kg: Some(200.0),
        bags: None,
        note: String::new(),
        photos,
    }
}

#[test]
fn a_photo_survives_a_link_that_keeps_dropping_and_little_is_sent_twice() {
    let server = TestServer::start();
    let proxy = FaultProxy::start(server.rt.handle(), server.addr.clone(), 11);
    let mut phone = server.phone(Role::AreaHead, &[AREA_A], &proxy.url);
    // The cleanup is recorded and sent over a good link...
    let id = phone.store.create(cleanup_with(vec![])).unwrap();
    phone.store.submit::<Cleanup>(&id).unwrap();
    phone.sync().unwrap();
    assert!(server.storage.record(&id).unwrap().is_some());
    // ...then its photo is added.
    let photo = phone
        .store
        .add_photo(&camera_photo(2000, 1500, 3), PhotoSettings::default())
        .unwrap();
    assert!(
        (250_000..400_000).contains(&photo.bytes),
        "a photo of about 300 KB: {}",
        photo.bytes
    );
    phone
        .store
        .update::<Cleanup>(&id, |c| {
            c.photos.push(PhotoRef {
                sha256: photo.sha256.clone(),
                stage: PhotoStage::Before,
            })
        })
        .unwrap();
    // Now the photo, over a link that drops every 15–60 KB, wherever the transfer is.
    let before = proxy
        .stats
        .bytes_to_server
        .load(std::sync::atomic::Ordering::Relaxed);
    proxy.drop_link_every(15_000, 60_000);
    let mut phases = vec![];
    let never = AtomicBool::new(false);
    let mut report = None;
    for _ in 0..10 {
        match phone
            .client
            .sync(&mut phone.store, &mut |p: Progress| phases.push(p), &never)
        {
            Ok(r) if r.photos_waiting == 0 => {
                report = Some(r);
                break;
            }
            // The link fell while asking a question: the next sync carries on.
            _ => continue,
        }
    }
    let report = report.expect("the photo got through within ten syncs");
    let sent = proxy.stats.bytes_to_server.load(Ordering::Relaxed) - before;
    let cuts = proxy.stats.cuts.load(Ordering::Relaxed);
    eprintln!(
        "photo {} bytes: {sent} bytes reached the server ({:.3}x) through {cuts} dropped links",
        photo.bytes,
        sent as f64 / photo.bytes as f64
    );
    assert!(cuts >= 2, "the link did drop");
    // The server holds exactly the phone's bytes, under their name.
    let held = server.storage.photo(&photo.sha256).unwrap().expect("held");
    assert_eq!(
        held.bytes,
        phone.store.photo(&photo.sha256).unwrap().unwrap()
    );
    assert_eq!(sha256_hex(&held.bytes), photo.sha256);
    // Everything that reached the server — parts, questions, headers — is under 1.2 × the photo.
    assert!(
        (sent as f64) < 1.2 * photo.bytes as f64,
        "{sent} bytes reached the server for a {}-byte photo",
        photo.bytes
    );
    assert!(report.photos_uploaded <= 1);
    assert_eq!(phone.store.photos_waiting().unwrap(), 0);
    // The progress bar counted photo bytes up to the photo's size.
    let last = phases
        .iter()
        .rev()
        .find(|p| p.phase == SyncPhase::UploadingPhotos)
        .unwrap();
    assert_eq!((last.done, last.total), (photo.bytes, photo.bytes));
}

#[test]
fn photos_wait_on_the_phone_until_the_server_confirms_them_and_go_after_the_records() {
    let server = TestServer::start();
    let proxy = FaultProxy::start(server.rt.handle(), server.addr.clone(), 5);
    let mut phone = server.phone(Role::AreaHead, &[AREA_A], &proxy.url);
    let photo = phone
        .store
        .add_photo(&camera_photo(800, 600, 9), PhotoSettings::default())
        .unwrap();
    let id = phone
        .store
        .create(cleanup_with(vec![PhotoRef {
            sha256: photo.sha256.clone(),
            stage: PhotoStage::After,
        }]))
        .unwrap();
    // Every request fails: the photo stays, waiting, and so does the record.
    proxy.set_fault_rate(1.0);
    assert!(phone.sync().is_err());
    assert_eq!(phone.store.photos_waiting().unwrap(), 1);
    assert!(phone.store.photo(&photo.sha256).unwrap().is_some());
    // The link comes back: the record goes first, then the photo.
    proxy.set_fault_rate(0.0);
    let mut phases = vec![];
    let never = AtomicBool::new(false);
    let r = phone
        .client
        .sync(
            &mut phone.store,
            &mut |p: Progress| phases.push(p.phase),
            &never,
        )
        .unwrap();
    assert_eq!((r.photos_uploaded, r.photos_waiting), (1, 0));
    let first_photo = phases
        .iter()
        .position(|p| *p == SyncPhase::UploadingPhotos)
        .unwrap();
    assert!(phases[..first_photo].contains(&SyncPhase::Pushing));
    assert!(phases[..first_photo].contains(&SyncPhase::Pulling));
    assert!(server.storage.record(&id).unwrap().is_some());
    assert_eq!(phone.store.photos_waiting().unwrap(), 0);
    // Still on the phone after the upload: the volunteer can look at it offline.
    assert!(phone.store.photo(&photo.sha256).unwrap().is_some());
    // Another phone of the hamlet downloads it only when it is opened.
    let mut other = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    other.sync().unwrap();
    assert!(other.store.photo(&photo.sha256).unwrap().is_none());
    let bytes = other
        .client
        .download_photo(&mut other.store, &photo.sha256)
        .unwrap();
    assert_eq!(sha256_hex(&bytes), photo.sha256);
    assert_eq!(other.store.photo(&photo.sha256).unwrap().unwrap(), bytes);
    // Commune staff see it in the dashboard.
    let staff = reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/photos/{}", server.url, photo.sha256))
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap();
    assert_eq!(staff.status(), 200);
    assert_eq!(
        staff.headers()["content-type"].to_str().unwrap(),
        "image/jpeg"
    );
    assert_eq!(staff.bytes().unwrap().to_vec(), bytes);
}

#[test]
fn wrong_bytes_bad_names_and_other_communes_are_refused_and_harm_nothing() {
    let server = TestServer::start();
    let phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let token = phone.enrolment.token.clone();
    let http = reqwest::blocking::Client::new();
    let url = |sha: &str| format!("{}/api/v1/photos/{sha}/upload", server.url);
    let jpeg = camera_photo(320, 240, 1);
    let named = sha256_hex(&jpeg);
    // Bytes that are not the named photo: refused at the end, nothing kept.
    let wrong = sha256_hex(b"something else");
    let r = http
        .put(format!("{}?offset=0&total={}", url(&wrong), jpeg.len()))
        .bearer_auth(&token)
        .body(jpeg.clone())
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().unwrap();
    assert_eq!(body["code"], "photo_mismatch");
    assert!(body["message"]["vi"]
        .as_str()
        .unwrap()
        .contains("không khớp"));
    assert!(server.storage.photo(&wrong).unwrap().is_none());
    let status: serde_json::Value = http
        .get(url(&wrong))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(status["received"], 0);
    // A part that does not start where the server's bytes end: 409, ask again.
    let r = http
        .put(format!("{}?offset=100&total={}", url(&named), jpeg.len()))
        .bearer_auth(&token)
        .body(jpeg[100..].to_vec())
        .send()
        .unwrap();
    assert_eq!(r.status(), 409);
    // A name that is not a SHA-256, a size beyond the limit, more bytes than declared.
    for (path, body) in [
        (
            format!("{}?offset=0&total=10", url("../etc")),
            vec![0u8; 10],
        ),
        (
            format!("{}?offset=0&total=99999999", url(&named)),
            vec![0u8; 10],
        ),
        (format!("{}?offset=0&total=10", url(&named)), vec![0u8; 20]),
    ] {
        let r = http
            .put(path.clone())
            .bearer_auth(&token)
            .body(body)
            .send()
            .unwrap();
        assert!(
            r.status() == 400 || r.status() == 404,
            "{path}: {}",
            r.status()
        );
    }
    // The real photo goes in, in two parts.
    for (offset, part) in [(0, &jpeg[..1000]), (1000, &jpeg[1000..])] {
        let r = http
            .put(format!(
                "{}?offset={offset}&total={}",
                url(&named),
                jpeg.len()
            ))
            .bearer_auth(&token)
            .body(part.to_vec())
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    assert_eq!(server.storage.photo(&named).unwrap().unwrap().bytes, jpeg);
    // Without a token, nothing; a person of another commune does not see it.
    let r = http
        .get(format!("{}/api/v1/photos/{named}", server.url))
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    let stranger = sachxanh_server::auth::new_token();
    let person = sachxanh_server::storage::Person {
        id: "p-other-commune".into(),
        name: "Cán bộ xã khác".into(),
        role: Role::CommuneStaff,
        commune_id: "xa-khac".into(),
        areas: vec![],
    };
    server.storage.add_person(&person).unwrap();
    server
        .storage
        .add_device(
            "d-other",
            &person.id,
            &sachxanh_server::auth::hash_secret(&stranger),
            None,
        )
        .unwrap();
    let r = http
        .get(format!("{}/api/v1/photos/{named}", server.url))
        .bearer_auth(&stranger)
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
}
