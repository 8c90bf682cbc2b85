//! The campaign's other records — collection points, black spots and violation reports,
//! briefings, self-managed models — each recorded offline on a phone, synced, reviewed by
//! commune staff and counted in the targets and the yearly report, end to end.

use sachxanh_core::model::*;
use sachxanh_core::place::{Coord, Place};
use sachxanh_core::report::period::Period;
use sachxanh_tests::*;
use serde_json::Value;

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

fn days_ago(n: i64) -> Day {
    Day(Day::today().0 - chrono::Duration::days(n))
}

fn here() -> Place {
    Place::point(Coord::new(105.63, 10.0))
}

fn photo(stage: PhotoStage, c: char) -> PhotoRef {
    PhotoRef {
        sha256: c.to_string().repeat(64),
        stage,
    }
}

#[test]
fn each_new_kind_goes_from_a_phone_through_review_into_the_report() {
    let server = TestServer::start();
    let mut head = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let mut volunteer = server.phone(Role::Volunteer, &[AREA_A], &server.url);

    // The area head records the hamlet's collection points and its self-managed model.
    let point = |name: &str, roofed: bool| CollectionPoint {
        area_id: AREA_A.into(),
        name: name.into(),
        place: here(),
        inspection_date: days_ago(2),
        sealed_floor: true,
        roofed,
        enclosed: true,
        sorted_containers: true,
        collected_on_schedule: true,
        note: String::new(),
        photos: vec![],
    };
    let good_point = head
        .store
        .create(point("Điểm tập kết bến đò", true))
        .unwrap();
    let bare_point = head
        .store
        .create(point("Điểm tập kết chợ ấp", false))
        .unwrap();
    let model = head
        .store
        .create(SelfManagedModel {
            area_id: AREA_A.into(),
            name: "Tổ tự quản đường ven kênh xanh – sạch – đẹp".into(),
            members: 24,
            start_date: days_ago(90),
            status: ModelStatus::Active,
            activities: "Quét dọn sáng chủ nhật".into(),
        })
        .unwrap();
    // The volunteer reports a dump and holds a briefing.
    let dump = volunteer
        .store
        .create(BlackSpot {
            area_id: AREA_A.into(),
            spot_kind: SpotKind::SpontaneousDump,
            place: here(),
            description: "Rác đổ ven kênh cạnh cầu khỉ".into(),
            status: SpotStatus::Reported,
            reported_date: days_ago(10),
            verified_date: None,
            cleaned_date: None,
            closed_date: None,
            photos: vec![photo(PhotoStage::Before, 'e')],
            note: String::new(),
        })
        .unwrap();
    let briefing = volunteer
        .store
        .create(Briefing {
            area_id: AREA_A.into(),
            briefing_date: days_ago(3),
            topic: "Hướng dẫn phân loại rác tại nguồn".into(),
            audience: Audience::Residents,
            attendance: 42,
            note: String::new(),
        })
        .unwrap();
    // A volunteer may not record the area's collection point: the server refuses it, with the
    // reason, and keeps nothing of it.
    let not_mine = volunteer
        .store
        .create(point("Điểm tập kết tự đặt", true))
        .unwrap();
    for id in [&good_point, &bare_point, &model] {
        let kind = head.store.kind_of(id).unwrap().unwrap();
        match kind {
            RecordKind::CollectionPoint => head.store.submit::<CollectionPoint>(id).map(|_| ()),
            _ => head.store.submit::<SelfManagedModel>(id).map(|_| ()),
        }
        .unwrap();
    }
    volunteer.store.submit::<BlackSpot>(&dump).unwrap();
    volunteer.store.submit::<Briefing>(&briefing).unwrap();
    head.sync().unwrap();
    let report = volunteer.sync().unwrap();
    assert_eq!(report.refused, 1);
    let refused = volunteer.store.refused().unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].record_id, not_mine);
    assert!(server.storage.record(&not_mine).unwrap().is_none());

    // The area head verifies, cleans up and closes the dump (with a photo after), on the phone.
    head.sync().unwrap();
    head.store
        .update::<BlackSpot>(&dump, |b| {
            b.status = SpotStatus::Closed;
            b.verified_date = Some(days_ago(8));
            b.cleaned_date = Some(days_ago(5));
            b.closed_date = Some(days_ago(4));
            b.photos.push(photo(PhotoStage::After, 'f'));
        })
        .unwrap();
    head.sync().unwrap();

    // Staff see each in the queue with words, not ids, and decide.
    let queue = server.staff_get("/api/v1/review-queue");
    let titles: Vec<(&str, &str)> = queue["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["title"]["vi"].as_str().unwrap(),
                r["title"]["en"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert!(titles
        .iter()
        .any(|(vi, en)| vi.contains("Điểm tập kết bến đò")
            && vi.contains("đạt yêu cầu")
            && en.contains("meets requirements")));
    assert!(titles
        .iter()
        .any(|(vi, en)| vi.contains("42 người") && en.contains("42 people")));
    // Statuses in words, never codes.
    assert!(titles
        .iter()
        .any(|(vi, en)| vi.contains("Đã xử lý dứt điểm") && en.contains("Closed for good")));
    assert!(!titles.iter().any(|(vi, _)| vi.contains("closed")));
    for id in [&good_point, &bare_point, &model, &dump, &briefing] {
        assert_eq!(server.staff_decide(id, "approved", "").status(), 201);
    }
    // The dump's record page shows where it is on the map.
    let detail = server.staff_get(&format!("/api/v1/records/{dump}/detail"));
    assert_eq!(detail["geometry"]["type"], "Point");
    assert_eq!(detail["photos"].as_array().unwrap().len(), 2);

    // The decisions reach the phones.
    volunteer.sync().unwrap();
    assert_eq!(
        volunteer.store.get::<Briefing>(&briefing).unwrap().status,
        ReviewStatus::Approved
    );

    // The targets count them: 1 of 2 points meets requirements, 1 of 1 dump closed,
    // one briefing reaching 42 people, one active model of 24 members.
    let year = chrono::Datelike::year(&Day::today().0);
    // The yearly report is named by the year its period (1 December to 30 November) ends.
    let report_year = chrono::Datelike::year(&Period::containing(Day::today()).to.0);
    let t = server.staff_get(&format!("/api/v1/targets?from={year}-01-01"));
    let area = t["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["unit_id"] == AREA_A)
        .unwrap();
    let pair = |v: &Value| (v["numerator"].as_u64(), v["denominator"].as_u64());
    assert_eq!(pair(&area["collection_points"]), (Some(1), Some(2)));
    assert_eq!(area["collection_points"]["records"][0], good_point.as_str());
    assert_eq!(pair(&area["dumps_closed"]), (Some(1), Some(1)));
    assert_eq!(
        (
            area["briefings"]["count"].as_u64(),
            area["briefings"]["people"].as_u64()
        ),
        (Some(1), Some(42))
    );
    assert_eq!(
        (
            area["self_managed_models"]["count"].as_u64(),
            area["self_managed_models"]["people"].as_u64()
        ),
        (Some(1), Some(24))
    );

    // A phone of the hamlet counts the same from what it holds, with the same report code.
    let phone = volunteer
        .store
        .area_targets(AREA_A, Day::ymd(year, 1, 1).unwrap(), Day::today())
        .unwrap()
        .expect("the area's targets");
    let on_phone = |f: &sachxanh_core::report::Figure| (Some(f.numerator), Some(f.denominator));
    assert_eq!(
        on_phone(&phone.collection_points),
        pair(&area["collection_points"])
    );
    assert_eq!(on_phone(&phone.dumps_closed), pair(&area["dumps_closed"]));
    assert_eq!((phone.briefings.count, phone.briefings.people), (1, 42));
    assert_eq!(
        (
            phone.self_managed_models.count,
            phone.self_managed_models.people
        ),
        (1, 24)
    );

    // An edit after approval takes the point out of the figures until it is approved again.
    head.sync().unwrap();
    head.store
        .update::<CollectionPoint>(&good_point, |c| c.roofed = false)
        .unwrap();
    head.sync().unwrap();
    let t = server.staff_get(&format!("/api/v1/targets?from={year}-01-01"));
    let commune = &t["communes"][0];
    assert_eq!(pair(&commune["collection_points"]), (Some(0), Some(1)));

    // The yearly CSV carries the same figures for the commune.
    let csv = http()
        .get(format!(
            "{}/api/v1/reports/yearly.csv?year={report_year}",
            server.url
        ))
        .bearer_auth(&server.staff_token)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let header = csv_cells(csv.lines().next().unwrap());
    let row = csv_cells(csv.lines().find(|l| l.starts_with("Xã/phường,")).unwrap());
    let col = |h: &str| row[header.iter().position(|x| x == h).unwrap()].clone();
    assert_eq!(col("Bãi rác tự phát đã đóng cửa: đạt"), "1");
    assert_eq!(col("Buổi phổ biến · người tham dự: số lượng"), "1");
    assert_eq!(col("Buổi phổ biến · người tham dự: số người"), "42");
    assert_eq!(col("Mô hình tự quản · thành viên: số lượng"), "1");
    assert_eq!(col("Mô hình tự quản · thành viên: số người"), "24");
    assert_eq!(col("Điểm tập kết đạt yêu cầu: đạt"), "0");
}

/// Splits one CSV line (RFC 4180 quoting; headings hold commas).
fn csv_cells(line: &str) -> Vec<String> {
    let (mut cells, mut cur, mut quoted) = (vec![], String::new(), false);
    let mut chars = line.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    cells.push(cur);
    cells
}
