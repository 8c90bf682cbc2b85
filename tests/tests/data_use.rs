//! What sync costs the person on a prepaid plan: every sync counts the bytes it sent and
//! received, headers included, the store keeps the month's totals, and the estimate in đồng
//! follows the tariff the person sets. Checked against a proxy counting the bytes on the wire.

use sachxanh_core::error::Rule;
use sachxanh_core::model::Role;
use sachxanh_core::store::data_use::DEFAULT_TARIFF_DONG_PER_MB;
use sachxanh_core::Error;
use sachxanh_tests::proxy::FaultProxy;
use sachxanh_tests::*;
use std::sync::atomic::Ordering;

fn within(counted: u64, wire: u64, slack: f64) -> bool {
    (counted as f64 - wire as f64).abs() <= wire as f64 * slack
}

#[test]
fn each_sync_counts_what_went_over_the_wire_and_the_month_adds_up() {
    let server = TestServer::start();
    let proxy = FaultProxy::start(server.rt.handle(), server.addr.clone(), 3);
    let mut phone = server.phone(Role::AreaHead, &[AREA_A], &proxy.url);
    let enrolled = phone.store.data_use().unwrap();
    for i in 0..40 {
        phone.add_household(&format!("Hộ đếm dữ liệu {i}"));
    }
    let (up0, down0) = (
        proxy.stats.bytes_up.load(Ordering::Relaxed),
        proxy.stats.bytes_down.load(Ordering::Relaxed),
    );
    let report = phone.sync().unwrap();
    let up = proxy.stats.bytes_up.load(Ordering::Relaxed) - up0;
    let down = proxy.stats.bytes_down.load(Ordering::Relaxed) - down0;
    // Headers included: within a few percent of what the wire carried.
    assert!(
        within(report.bytes_sent, up, 0.05),
        "sent {} counted, {up} on the wire",
        report.bytes_sent
    );
    assert!(
        within(report.bytes_received, down, 0.10),
        "received {} counted, {down} on the wire",
        report.bytes_received
    );

    // The month adds every sync up, and the estimate follows the tariff.
    let month = phone.store.data_use().unwrap();
    assert_eq!(
        month.bytes_sent,
        enrolled.bytes_sent + report.bytes_sent,
        "the enrolment counts too"
    );
    assert_eq!(
        month.bytes_received,
        enrolled.bytes_received + report.bytes_received
    );
    assert_eq!(month.tariff_dong_per_mb, DEFAULT_TARIFF_DONG_PER_MB);
    let expected = (month.megabytes * DEFAULT_TARIFF_DONG_PER_MB as f64).round() as u64;
    assert_eq!(month.estimate_dong, expected);
    assert!(month.megabytes > 0.0);
    assert!(month.message.vi.starts_with("Tháng ") && month.message.vi.contains(" MB, khoảng "));
    assert!(month.message.en.contains("sync used") && month.message.en.ends_with(" đ"));
    let again = phone.sync().unwrap();
    assert!(
        again.bytes_sent > 0,
        "even a sync with nothing to send costs a request"
    );
    let later = phone.store.data_use().unwrap();
    assert_eq!(later.bytes_sent, month.bytes_sent + again.bytes_sent);

    // The person's own tariff; unlimited data costs nothing; a typing mistake is refused.
    phone.store.set_tariff(0).unwrap();
    assert_eq!(phone.store.data_use().unwrap().estimate_dong, 0);
    phone.store.set_tariff(200).unwrap();
    let at_200 = phone.store.data_use().unwrap();
    assert_eq!(
        at_200.estimate_dong,
        (at_200.megabytes * 200.0).round() as u64
    );
    match phone.store.set_tariff(250_000) {
        Err(Error::Invalid(inv)) => {
            assert!(inv
                .0
                .iter()
                .any(|e| matches!(e.rule, Rule::OutOfRange { .. })
                    && e.message().vi.starts_with("Giá cước")))
        }
        other => panic!("expected the tariff refused, got {other:?}"),
    }
    assert_eq!(
        phone.store.tariff().unwrap(),
        200,
        "the refused tariff changed nothing"
    );
}
