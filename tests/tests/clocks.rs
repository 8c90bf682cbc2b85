//! Phone clocks lie: a battery taken out resets one to another year, a person sets one by hand.
//! A phone whose clock runs years ahead cannot date a record into the future without the
//! server saying so; after a sync it dates records by the server's time and tells the person
//! to set the clock; the server's own time is what its records and audit trail keep.

use sachxanh_core::error::{ErrorCode, Rule};
use sachxanh_core::model::*;
use sachxanh_core::Error;
use sachxanh_tests::*;

const THREE_YEARS_MS: i64 = 3 * 365 * 24 * 3600 * 1000;

fn cleanup_on(day: Day) -> Cleanup {
    cleanup_in(AREA_A, day, vec![])
}

#[test]
fn a_phone_years_ahead_is_corrected_by_the_server_and_told_to_set_its_clock() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    assert_eq!(
        phone.store.clock_skew(),
        None,
        "a right clock is not worth a word"
    );

    // The phone's clock jumps three years ahead after its last sync.
    phone.store.set_device_clock_error(THREE_YEARS_MS);
    let real_today = Day::today();
    let phone_today = phone.store.today();
    assert!(phone_today.0 > real_today.0 + chrono::Duration::days(1000));
    // The form offers the phone's "today", three years ahead, and the phone cannot know better.
    let draft = phone.store.draft(AREA_A);
    assert_eq!(draft.today, Some(phone_today));
    let future = phone.store.create(cleanup_on(phone_today)).unwrap();
    let household = phone.add_household("Hộ ghi khi đồng hồ sai");

    // The server says so: the dated record is refused with the rule it breaks, in both
    // languages; the undated one is taken, timed by the server.
    let report = phone.sync().unwrap();
    assert_eq!((report.pushed, report.refused), (1, 1));
    let refused = phone.store.refused().unwrap();
    let r = refused
        .iter()
        .find(|r| r.record_id == future)
        .expect("the future-dated cleanup is refused");
    assert_eq!(r.code, ErrorCode::Invalid);
    assert!(r
        .fields
        .iter()
        .any(|f| f.field == "cleanup_date" && f.rule == Rule::DateInFuture));
    assert!(r
        .problems
        .iter()
        .any(|m| m.vi.contains("tương lai") && m.en.contains("future")));
    assert!(server.storage.record(&future).unwrap().is_none());
    let now = chrono::Utc::now().timestamp_millis();
    let row = server.storage.record(&household).unwrap().expect("taken");
    assert!(
        (row.created_at - now).abs() < 60_000,
        "the server keeps its own time, not the phone's"
    );
    let audit = server.storage.audit_of(&household).unwrap();
    assert!(!audit.is_empty() && audit.iter().all(|a| (a.at - now).abs() < 60_000));

    // After the sync the phone knows better: it tells the person, dates by the server's
    // time, and refuses the future date itself.
    let skew = phone
        .store
        .clock_skew()
        .expect("three years off is worth a word");
    assert!(skew.minutes < -(1000 * 24 * 60), "{skew:?}");
    assert!(skew.message.vi.contains("nhanh") && skew.message.vi.contains("ngày"));
    assert!(skew.message.en.contains("ahead") && skew.message.en.contains("days"));
    assert_eq!(phone.store.today(), real_today);
    assert_eq!(phone.store.draft(AREA_A).today, Some(real_today));
    match phone.store.create(cleanup_on(phone_today)) {
        Err(Error::Invalid(inv)) => assert!(inv.has("cleanup_date", &Rule::DateInFuture)),
        other => panic!("expected the phone to refuse the future date, got {other:?}"),
    }
    let fresh = phone.store.create(cleanup_on(real_today)).unwrap();
    let meta = phone.store.get::<Cleanup>(&fresh).unwrap().meta;
    assert!((meta.created_at - now).abs() < 60_000);
    let report = phone.sync().unwrap();
    assert_eq!((report.pushed, report.refused), (1, 0));
}

#[test]
fn a_phone_years_behind_is_told_its_record_lies_in_a_closed_period() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    phone.store.set_device_clock_error(-THREE_YEARS_MS);
    let phone_day = phone.store.today().latest_saturday();
    assert!(phone_day.0 < Day::today().0 - chrono::Duration::days(1000));
    let late = phone.store.create(cleanup_on(phone_day)).unwrap();
    let other = phone.add_household("Hộ không có ngày");

    // Both are taken (late work is real work), and the server says that the dated one lies in
    // a period whose report was due years ago, by its own calendar, in both languages.
    let report = phone.sync().unwrap();
    assert_eq!((report.pushed, report.refused), (2, 0));
    assert_eq!(report.notices.len(), 1, "{:?}", report.notices);
    let n = &report.notices[0];
    assert_eq!(
        (n.record_id.as_str(), n.code.as_str()),
        (late.as_str(), "closed_period")
    );
    assert!(n.message.vi.contains(&phone_day.shown()) && n.message.vi.contains("đã khép lại"));
    assert!(n.message.en.contains("closed on") && n.message.en.contains("check the date"));
    assert!(server.storage.record(&other).unwrap().is_some());

    // An edit that keeps the date is not told again.
    phone
        .store
        .update::<Cleanup>(&late, |c| c.note = "Đã kiểm tra ngày".into())
        .unwrap();
    assert!(phone.sync().unwrap().notices.is_empty());

    // And the phone now knows its clock is behind.
    let skew = phone.store.clock_skew().expect("three years off");
    assert!(skew.minutes > 1000 * 24 * 60);
    assert!(skew.message.vi.contains("chậm") && skew.message.en.contains("behind"));
    assert_eq!(phone.store.today(), Day::today());
    // Dated by the server's calendar now, today's cleanup is saved and told nothing.
    phone.store.create(cleanup_on(Day::today())).unwrap();
    let report = phone.sync().unwrap();
    assert_eq!((report.pushed, report.notices.len()), (1, 0));
}
