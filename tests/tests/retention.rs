//! What is kept how long: the sweep forgets what only served a moment — a push's stored answer
//! after 30 days, a spent enrolment code after 90, the log of who read a household after two
//! years, a refused version on a phone after 90 days — and never a record, its history or the
//! audit trail.

use sachxanh_core::model::*;
use sachxanh_core::place::{Coord, Place};
use sachxanh_server::retention::{self, Swept};
use sachxanh_tests::*;

const DAY_MS: i64 = 24 * 3600 * 1000;

#[test]
fn the_sweep_forgets_what_served_a_moment_and_keeps_the_records() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let id = phone.add_household("Hộ Lưu Giữ");
    phone.sync().unwrap();
    server.staff_get(&format!("/api/v1/records/{id}/detail"));
    let now = chrono::Utc::now().timestamp_millis();
    let storage = server.storage.as_ref();

    // Today nothing is old enough.
    assert_eq!(retention::sweep(storage, now).unwrap(), Swept::default());
    // A month on: the push's stored answer goes (the phone will never retry it now).
    let month = retention::sweep(storage, now + 31 * DAY_MS).unwrap();
    assert!(month.batch_answers >= 1, "{month:?}");
    assert_eq!((month.spent_codes, month.reads), (0, 0));
    // A quarter on: the phone's spent enrolment code goes.
    let quarter = retention::sweep(storage, now + 91 * DAY_MS).unwrap();
    assert!(quarter.spent_codes >= 1, "{quarter:?}");
    assert_eq!(
        storage.reads_of(&id).unwrap().len(),
        1,
        "reads are kept longer"
    );
    // Two years on: the read log goes.
    let years = retention::sweep(storage, now + 731 * DAY_MS).unwrap();
    assert_eq!(years.reads, 1);
    assert!(storage.reads_of(&id).unwrap().is_empty());
    // The record, its history and its audit trail stay: state records of the campaign.
    assert!(storage.record(&id).unwrap().is_some());
    assert_eq!(storage.changes_of(&id).unwrap().len(), 1);
    assert!(!storage.audit_of(&id).unwrap().is_empty());
    // The phone still syncs after its stored answers are gone.
    phone.add_household("Hộ Sau Khi Dọn");
    assert_eq!(phone.sync().unwrap().pushed, 1);
}

#[test]
fn a_phone_forgets_a_refused_version_after_ninety_days() {
    let server = TestServer::start();
    let mut volunteer = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    // Volunteers may not record collection points: the server refuses it, the phone keeps the
    // version for its author to read.
    volunteer
        .store
        .create(CollectionPoint {
            area_id: AREA_A.into(),
            name: "Điểm tập kết không được ghi".into(),
            place: Place::point(Coord::new(105.63, 10.0)),
            inspection_date: Day::today(),
            sealed_floor: true,
            roofed: true,
            enclosed: true,
            sorted_containers: true,
            collected_on_schedule: true,
            note: String::new(),
            photos: vec![],
        })
        .unwrap();
    assert_eq!(volunteer.sync().unwrap().refused, 1);
    assert_eq!(volunteer.store.refused().unwrap().len(), 1);
    // At the next sync it is still there: not yet 90 days.
    volunteer.sync().unwrap();
    assert_eq!(volunteer.store.refused().unwrap().len(), 1);
    assert_eq!(volunteer.store.forget_old_refusals().unwrap(), 0);
    // 91 days on, it goes.
    volunteer.store.set_device_clock_error(91 * DAY_MS);
    assert_eq!(volunteer.store.forget_old_refusals().unwrap(), 1);
    assert!(volunteer.store.refused().unwrap().is_empty());
}
