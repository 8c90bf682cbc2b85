//! The province's Department: a viewer made from the command line sees every commune side by
//! side, opens any commune's record, and is refused every write the server has.

use sachxanh_core::model::*;
use sachxanh_core::report::period::Period;
use sachxanh_tests::*;

#[test]
fn a_department_viewer_sees_every_commune_and_writes_nothing() {
    let server = TestServer::start();
    let mut here = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let mut there = server.phone_in(OTHER_COMMUNE, Role::AreaHead, &[OTHER_AREA], &server.url);
    let near = here.add_household("Hộ Xã Rạch Sen");
    let far = there
        .store
        .create(Household {
            area_id: OTHER_AREA.into(),
            address: "Số 5, ven sông".into(),
            head_name: "Hộ Xã Cồn Sen".into(),
            members: 3,
            location: None,
            note: String::new(),
        })
        .unwrap();
    here.sync().unwrap();
    there.sync().unwrap();
    let viewer = server.viewer_key();
    let http = reqwest::blocking::Client::new();
    let get = |path: &str| {
        http.get(format!("{}{path}", server.url))
            .bearer_auth(&viewer)
            .send()
            .unwrap()
    };

    // Both communes side by side in the figures; a record of each opens.
    let report: serde_json::Value = get("/api/v1/targets").json().unwrap();
    let communes: Vec<&str> = report["communes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["unit_id"].as_str())
        .collect();
    assert!(
        communes.contains(&COMMUNE) && communes.contains(&OTHER_COMMUNE),
        "{communes:?}"
    );
    for id in [&near, &far] {
        assert_eq!(get(&format!("/api/v1/records/{id}/detail")).status(), 200);
    }

    // Every write the server has is refused; nothing changes.
    let before = server.counts();
    let not_writes = [
        "/sign-in",
        "/sign-out",
        "/api/v1/session",
        "/api/v1/session/end",
        "/api/v1/enrol",
    ];
    for (method, path) in sachxanh_server::ROUTES {
        if *method == "get" || not_writes.contains(path) {
            continue;
        }
        let url = format!(
            "{}{}",
            server.url,
            path.replace("{id}", &near)
                .replace("{sha256}", &"0".repeat(64))
        );
        let req = match *method {
            "post" => http.post(&url),
            "put" => http.put(&url),
            other => panic!("method {other}"),
        };
        let status = req
            .bearer_auth(&viewer)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .unwrap()
            .status();
        assert_eq!(status, 403, "{method} {path}");
    }
    assert_eq!(server.counts(), before);
}

/// The cells of a sheet as text, row by row.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn the_departments_roll_up_for_15_december_carries_each_communes_own_figures_and_ranks() {
    let server = TestServer::start();
    let mut here = server.phone(Role::AreaHead, &[AREA_A], &server.url);
    let ids: Vec<String> = (0..3)
        .map(|n| here.add_household(&format!("Hộ {n}")))
        .collect();
    here.sync().unwrap();
    for id in &ids {
        assert_eq!(server.staff_decide(id, "approved", "").status(), 201);
    }
    // The yearly report is named by the year its period (1 December to 30 November) ends.
    let report_year = chrono::Datelike::year(&Period::containing(Day::today()).to.0);
    let download = |key: &str| {
        reqwest::blocking::Client::new()
            .get(format!(
                "{}/api/v1/reports/yearly.xlsx?year={report_year}",
                server.url
            ))
            .bearer_auth(key)
            .send()
            .unwrap()
            .bytes()
            .unwrap()
            .to_vec()
    };
    let commune = download(&server.staff_token);
    let province = download(&server.viewer_key());
    let title = &sheet(&province, "Tổng hợp")[0][0];
    assert!(
        title.contains("toàn tỉnh") && title.contains("15/12"),
        "{title}"
    );
    // The commune's row in the roll-up is the commune's own report's row, figure for figure.
    let row_of = |rows: &[Vec<String>]| {
        rows.iter()
            .find(|r| r[0] == "Xã/phường" && r[1] == "Xã Rạch Sen")
            .cloned()
            .expect("the commune's row")
    };
    let own = row_of(&sheet(&commune, "Tổng hợp"));
    assert_eq!(row_of(&sheet(&province, "Tổng hợp")), own);
    let headings = &sheet(&commune, "Tổng hợp")[2];
    let households = headings
        .iter()
        .position(|h| h == "Hộ phân loại đủ 3 nhóm: tổng số")
        .expect("the households column");
    assert_eq!(own[households], "3", "three approved households: {own:?}");
    // Each commune's place on each target: Rạch Sen sorts, Cồn Sen has no household to rank.
    let ranks = sheet(&province, "Xếp hạng các xã");
    let sorting = ranks[0]
        .iter()
        .position(|h| h == "Hộ phân loại đủ 3 nhóm")
        .expect("the sorting column");
    let rach_sen = ranks.iter().find(|r| r[0] == "Xã Rạch Sen").unwrap();
    let con_sen = ranks.iter().find(|r| r[0] == "Phường Cồn Sen").unwrap();
    assert_eq!(
        (rach_sen[sorting].as_str(), con_sen[sorting].as_str()),
        ("1/2", "—")
    );
}
