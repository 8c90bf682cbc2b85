//! The sync client as the shells use it: progress for a progress bar, cancel, a lost enrolment
//! answer, and the demo phones that the README's run command starts.

use sachxanh_core::model::Role;
use sachxanh_core::sync::{Progress, SyncClient, SyncError, SyncPhase};
use sachxanh_core::Store;
use sachxanh_tests::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn sync_reports_progress_and_can_be_cancelled_without_losing_anything() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    for i in 0..30 {
        phone.add_household(&format!("Hộ số {i}"));
    }
    let cancel = AtomicBool::new(true);
    match phone.client.sync(&mut phone.store, &mut |_| {}, &cancel) {
        Err(SyncError::Cancelled) => {}
        other => panic!("expected cancel, got {other:?}"),
    }
    assert_eq!(phone.store.outbox_len().unwrap(), 30);
    cancel.store(false, Ordering::Relaxed);
    let mut seen: Vec<Progress> = vec![];
    let report = phone
        .client
        .sync(&mut phone.store, &mut |p| seen.push(p), &cancel)
        .unwrap();
    assert_eq!(report.pushed, 30);
    assert_eq!(
        seen.first().map(|p| (p.phase, p.done, p.total)),
        Some((SyncPhase::Pushing, 0, 30))
    );
    assert_eq!(seen.last().map(|p| p.phase), Some(SyncPhase::Done));
    assert!(seen
        .windows(2)
        .all(|w| w[0].phase != w[1].phase || w[0].done <= w[1].done));
    assert_eq!(phone.store.outbox_len().unwrap(), 0);
    assert!(phone.store.setting("last_sync").unwrap().is_some());
}

#[test]
fn a_phone_whose_enrolment_answer_was_lost_can_ask_again() {
    let server = TestServer::start();
    let code = server.code(Role::Volunteer, &[AREA_A]);
    let mut store = Store::open_in_memory(server.reference.clone()).unwrap();
    let first = SyncClient::enrol(&server.url, &code, &mut store, test_retry()).unwrap();
    // The answer never reached the phone; it asks again with the same code.
    let again = SyncClient::enrol(&server.url, &code, &mut store, test_retry()).unwrap();
    assert_eq!(again.device_id.len(), first.device_id.len());
    assert_ne!(again.token, first.token);
    // Another phone cannot use the spent code.
    let mut other = Store::open_in_memory(server.reference.clone()).unwrap();
    match SyncClient::enrol(&server.url, &code, &mut other, test_retry()) {
        Err(SyncError::Server {
            status: 404,
            code,
            message,
        }) => {
            assert_eq!(code, "bad_code");
            assert!(message.vi.contains("mã đăng ký"));
        }
        other => panic!("{other:?}"),
    }
    let client = SyncClient::with_policy(&server.url, &again.token, test_retry()).unwrap();
    let never = AtomicBool::new(false);
    client.sync(&mut store, &mut |_| {}, &never).unwrap();
}

#[test]
fn demo_phones_record_and_their_records_arrive() {
    let server = TestServer::start();
    let data = server.dir.path().join("demo");
    let creds = sachxanh_server::demo::setup(
        server.storage.as_ref(),
        &server.reference,
        &data,
        &server.url,
    )
    .unwrap();
    assert_eq!(creds.devices.len(), 4);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("demo-credentials.json")).unwrap())
            .unwrap();
    assert_eq!(written["staff"]["token"], creds.staff.token.as_str());
    let stop = Arc::new(AtomicBool::new(false));
    let mut phones =
        sachxanh_server::demo::spawn_devices(&creds, &data, server.reference.clone(), stop.clone());
    phones.push(sachxanh_server::demo::spawn_reviewer(
        &creds,
        server.storage.clone(),
        server.reference.clone(),
        stop.clone(),
        Duration::ZERO,
    ));
    let start = Instant::now();
    // Briefings and black spots come now and then; these come every time.
    let expected: std::collections::BTreeSet<String> = [
        "cleanup",
        "collection_point",
        "covenant",
        "household",
        "review",
        "self_managed_model",
        "sorting_check",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut kinds = std::collections::BTreeSet::new();
    let mut decided = std::collections::BTreeSet::new();
    while start.elapsed() < Duration::from_secs(60)
        && (!expected.is_subset(&kinds) || !decided.contains("approved"))
    {
        std::thread::sleep(Duration::from_millis(300));
        let resp: serde_json::Value = reqwest::blocking::Client::new()
            .get(format!("{}/api/v1/records?limit=500", server.url))
            .bearer_auth(&creds.staff.token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        for r in resp["records"].as_array().unwrap() {
            kinds.insert(r["kind"].as_str().unwrap().to_owned());
            decided.insert(r["review_status"].as_str().unwrap().to_owned());
        }
    }
    stop.store(true, Ordering::Relaxed);
    for p in phones {
        p.join().unwrap();
    }
    assert!(
        expected.is_subset(&kinds),
        "households, checks, cleanups, covenants, collection points, models and the staff's \
         reviews arrived: {kinds:?}"
    );
    assert!(
        decided.contains("approved"),
        "the demo's staff approved records"
    );
}
