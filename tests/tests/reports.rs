//! A commune's yearly report through its life: prepared, checked and sent; the sent copy
//! frozen (its XLSX and CSV byte for byte) while a record of that period approved afterwards
//! shows as changed since sent and counts in the next period.

use sachxanh_core::model::*;
use sachxanh_core::report::period::Period;
use sachxanh_tests::*;
use serde_json::{json, Value};

fn days_ago(n: i64) -> Day {
    Day(Day::today().0 - chrono::Duration::days(n))
}

fn briefing(day: Day, attendance: u32) -> Briefing {
    Briefing {
        area_id: AREA_A.into(),
        briefing_date: day,
        topic: "Phổ biến Kế hoạch sáng – xanh – sạch – đẹp".into(),
        audience: Audience::Members,
        attendance,
        note: String::new(),
    }
}

fn download(server: &TestServer, path: &str) -> Vec<u8> {
    let r = server.get_as(&server.staff_token, path);
    assert_eq!(r.status(), 200, "{path}");
    r.bytes().unwrap().to_vec()
}

/// A dashboard page as a browser gets it.
fn page_html(server: &TestServer, key: &str, path: &str) -> String {
    reqwest::blocking::Client::new()
        .get(format!("{}{path}", server.url))
        .header(reqwest::header::ACCEPT, "text/html")
        .bearer_auth(key)
        .send()
        .unwrap()
        .text()
        .unwrap()
}

fn commune_briefings(t: &Value) -> (u64, u64) {
    let c = &t["communes"][0]["briefings"];
    (c["count"].as_u64().unwrap(), c["people"].as_u64().unwrap())
}

#[test]
fn a_sent_report_stays_as_sent_and_a_late_approval_counts_in_the_next_period() {
    let server = TestServer::start();
    let mut volunteer = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let day = days_ago(3);
    let period = Period::containing(day);
    let year = chrono::Datelike::year(&period.to.0);
    let on_time = volunteer.store.create(briefing(day, 30)).unwrap();
    let late = volunteer.store.create(briefing(day, 17)).unwrap();
    volunteer.store.submit::<Briefing>(&on_time).unwrap();
    volunteer.store.submit::<Briefing>(&late).unwrap();
    volunteer.sync().unwrap();
    assert_eq!(server.staff_decide(&on_time, "approved", "").status(), 201);

    // Sending needs a prepared, checked report.
    let send = format!("/api/v1/reports/{year}/send");
    let r = server.post_as(&server.staff_token, &send, json!({}));
    assert_eq!(r.status(), 409);
    let msg: Value = r.json().unwrap();
    assert!(msg["message"]["vi"].as_str().unwrap().contains("kiểm tra"));
    let prepared = server.post_as(
        &server.staff_token,
        &format!("/api/v1/reports/{year}/prepare"),
        json!({"difficulties": "Thiếu thùng rác phân loại ở ấp Mỹ Hòa.", "to_brief": 120}),
    );
    assert_eq!(prepared.status(), 200);
    let prepared: Value = prepared.json().unwrap();
    assert_eq!(prepared["line"]["state"], "prepared");
    let checked = server.post_as(
        &server.staff_token,
        &format!("/api/v1/reports/{year}/check"),
        json!({}),
    );
    assert_eq!(checked.status(), 200);
    let sent = server.post_as(&server.staff_token, &send, json!({}));
    assert_eq!(sent.status(), 200);
    let sent: Value = sent.json().unwrap();
    assert_eq!(sent["line"]["state"], "sent");
    assert!(sent["line"]["sent_by"].as_str().is_some());
    assert_eq!(sent["changed_since_sent"], json!([]));
    // Sent once only; its words no longer change.
    assert_eq!(
        server
            .post_as(&server.staff_token, &send, json!({}))
            .status(),
        409
    );
    let again = server.post_as(
        &server.staff_token,
        &format!("/api/v1/reports/{year}/prepare"),
        json!({"difficulties": "sửa lại", "to_brief": 1}),
    );
    assert_eq!(again.status(), 409);

    let xlsx_path = format!("/api/v1/reports/yearly.xlsx?year={year}");
    let csv_path = format!("/api/v1/reports/yearly.csv?year={year}");
    let (xlsx, csv) = (download(&server, &xlsx_path), download(&server, &csv_path));
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.clone())).unwrap();
    use calamine::Reader;
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    let text: Vec<String> = summary.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        text.iter().any(|t| t.contains("Thiếu thùng rác")),
        "the commune's words are in the sent report"
    );
    assert!(text.iter().any(|t| t.contains("Đã gửi lúc")));

    // A record of that period approved after sending.
    assert_eq!(server.staff_decide(&late, "approved", "").status(), 201);
    assert_eq!(
        download(&server, &xlsx_path),
        xlsx,
        "the sent XLSX is unchanged"
    );
    assert_eq!(
        download(&server, &csv_path),
        csv,
        "the sent CSV is unchanged"
    );
    let status = server.staff_get(&format!("/api/v1/reports/{year}"));
    let changes = status["changed_since_sent"].as_array().unwrap();
    let briefings: Vec<&Value> = changes
        .iter()
        .filter(|c| c["target"] == "briefings" && c["unit_id"] == COMMUNE)
        .collect();
    assert_eq!(briefings.len(), 1, "{changes:?}");
    assert_eq!(
        (briefings[0]["sent"].as_str(), briefings[0]["now"].as_str()),
        (Some("1 · 30"), Some("2 · 47"))
    );
    // The Department's roll-up carries the commune's sent figures, not today's, and says who
    // has not sent yet.
    let viewer = server.viewer_key();
    let roll_up = server.get_as(&viewer, &xlsx_path).bytes().unwrap().to_vec();
    let rows_of = |bytes: &[u8]| -> Vec<Vec<String>> {
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let range = book.worksheet_range("Tổng hợp").unwrap();
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    };
    let commune_row = |rows: &[Vec<String>]| {
        rows.iter()
            .find(|r| r[0] == "Xã/phường" && r[1] == "Xã Rạch Sen")
            .cloned()
            .expect("the commune's row")
    };
    let province_rows = rows_of(&roll_up);
    assert_eq!(commune_row(&province_rows), commune_row(&rows_of(&xlsx)));
    assert!(province_rows
        .iter()
        .any(|r| r[0].contains("Chưa gửi báo cáo") && r[0].contains("Phường Cồn Sen")));
    assert!(province_rows
        .iter()
        .any(|r| r[0].starts_with("Xã Rạch Sen: Thiếu thùng rác")));

    // The page shows the same difference, in words.
    let page = page_html(
        &server,
        &server.staff_token,
        &format!("/reports?year={year}"),
    );
    assert!(page.contains("Thay đổi từ khi gửi") && page.contains("2 · 47"));
    assert!(page.contains("data-state=\"sent\""));

    // The sent period's figures stay what was sent; the next period counts the late one.
    let next_from = Day(period.to.0 + chrono::Duration::days(1));
    let next_to = Day(next_from.0 + chrono::Duration::days(364));
    let next = server.staff_get(&format!("/api/v1/targets?from={next_from}&to={next_to}"));
    assert_eq!(commune_briefings(&next), (1, 17));
    assert_eq!(
        next["communes"][0]["briefings"]["records"][0],
        late.as_str()
    );
    // Target (d) against the people the commune said it must brief.
    let reach = &next["communes"][0]["briefing_reach"];
    assert_eq!(
        (reach["numerator"].as_u64(), reach["denominator"].as_u64()),
        (Some(17), Some(120))
    );
}

#[test]
fn only_commune_staff_move_a_report_and_bad_input_is_refused_in_both_languages() {
    let server = TestServer::start();
    let viewer = server.viewer_key();
    let year = chrono::Datelike::year(&Period::containing(Day::today()).to.0);
    let prepare = format!("/api/v1/reports/{year}/prepare");
    let r = server.post_as(
        &viewer,
        &prepare,
        json!({"difficulties": "", "to_brief": 1}),
    );
    assert_eq!(r.status(), 403);
    let r = server.post_as(
        &server.staff_token,
        &prepare,
        json!({"difficulties": "x".repeat(9000), "to_brief": 1}),
    );
    assert_eq!(r.status(), 400);
    let msg: Value = r.json().unwrap();
    assert!(msg["message"]["en"]
        .as_str()
        .unwrap()
        .contains("longer than"));
    let r = server.post_as(&server.staff_token, &prepare, json!({"to_brief": -3}));
    assert_eq!(r.status(), 400);
    let r = server.post_as(
        &server.staff_token,
        "/api/v1/reports/1999/prepare",
        json!({"to_brief": 3}),
    );
    assert_eq!(r.status(), 400);
    let r = server.get_as(&server.staff_token, "/api/v1/reports/two-thousand");
    assert_eq!(r.status(), 400);
    // The Department sees every commune's state on its page.
    let page = page_html(&server, &viewer, &format!("/reports?year={year}"));
    assert_eq!(page.matches("data-testid=\"commune-report\"").count(), 2);
}

#[test]
fn the_targets_page_shows_the_cleanups_volume_by_organisation_and_the_period_before() {
    let server = TestServer::start();
    let mut head = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let mut cleanup = cleanup_in(AREA_A, days_ago(2), vec![]);
    cleanup.participants = Participants {
        womens_union: 12,
        youth_union: 8,
        residents: 30,
        ..Participants::default()
    };
    cleanup.waste_kg = Some(35.5);
    cleanup.bags = Some(7);
    let id = head.store.create(cleanup).unwrap();
    head.store.submit::<Cleanup>(&id).unwrap();
    head.sync().unwrap();
    assert_eq!(server.staff_decide(&id, "approved", "").status(), 201);
    let t = server.staff_get("/api/v1/targets");
    let v = &t["communes"][0]["cleanup_volume"];
    assert_eq!(
        (
            v["held"]["count"].as_u64(),
            v["held"]["people"].as_u64(),
            v["bags"].as_u64(),
            v["participants"]["womens_union"].as_u64()
        ),
        (Some(1), Some(50), Some(7), Some(12))
    );
    let page = page_html(&server, &server.staff_token, "/targets?lang=en");
    let row = page
        .split("data-testid=\"volume-row\" data-unit=\"rach-sen\"")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("the commune's volume row");
    let cells: Vec<&str> = row
        .split("<td class=\"fig\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap_or_default())
        .collect();
    // Cleanups, kg, bags, then each organisation in the core's order, then all participants.
    assert_eq!(
        cells,
        ["1", "36", "7", "0", "12", "8", "0", "0", "30", "0", "50"]
    );
    assert!(
        page.contains("Households still dumping or burning")
            && page.contains("data-testid=\"before\">period before ")
    );
}
