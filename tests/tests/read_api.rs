//! The staff read API: records as JSON, paginated and scoped, and any record as a standard
//! Automerge file that opens without our code.

use sachxanh_core::model::Role;
use sachxanh_tests::*;

fn get(server: &TestServer, token: &str, path: &str) -> reqwest::blocking::Response {
    reqwest::blocking::Client::new()
        .get(format!("{}{path}", server.url))
        .bearer_auth(token)
        .send()
        .unwrap()
}

#[test]
fn records_page_by_kind_and_area_and_export_as_automerge() {
    let server = TestServer::start();
    let mut a = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let mut b = server.phone(Role::Volunteer, &[AREA_B], &server.url);
    let mut ids = vec![];
    for i in 0..7 {
        let h = a.add_household(&format!("Hộ A{i}"));
        a.add_check(&h);
        ids.push(h);
    }
    b.add_household("Hộ B0");
    a.sync().unwrap();
    b.sync().unwrap();
    // Staff page through the hamlet's households, 3 at a time.
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/records?kind=household&area={AREA_A}&limit=3&cursor={c}"),
            None => format!("/api/v1/records?kind=household&area={AREA_A}&limit=3"),
        };
        let page: serde_json::Value = get(&server, &server.staff_token, &path).json().unwrap();
        let records = page["records"].as_array().unwrap();
        assert!(records.len() <= 3);
        for r in records {
            assert_eq!(r["kind"], "household");
            assert_eq!(r["area_id"], AREA_A);
            seen.push(r["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    ids.sort();
    assert_eq!(seen, ids);
    // A volunteer of hamlet B sees none of hamlet A.
    let page: serde_json::Value = get(&server, &b.enrolment.token, "/api/v1/records?limit=500")
        .json()
        .unwrap();
    assert!(page["records"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["area_id"] == AREA_B));
    assert_eq!(
        get(
            &server,
            &b.enrolment.token,
            &format!("/api/v1/records/{}", ids[0])
        )
        .status(),
        404
    );
    // One record as JSON and as a standard Automerge file.
    let one: serde_json::Value = get(
        &server,
        &server.staff_token,
        &format!("/api/v1/records/{}", ids[0]),
    )
    .json()
    .unwrap();
    assert_eq!(one["data"]["head_name"], "Hộ A0");
    let file = get(
        &server,
        &server.staff_token,
        &format!("/api/v1/records/{}/automerge", ids[0]),
    );
    assert_eq!(file.status(), 200);
    let doc = automerge::Automerge::load(&file.bytes().unwrap()).unwrap();
    let heads: Vec<String> = doc.get_heads().iter().map(|h| h.to_string()).collect();
    assert_eq!(serde_json::json!(heads), one["heads"]);
    // Bad filters are clear errors.
    assert_eq!(
        get(
            &server,
            &server.staff_token,
            "/api/v1/records?kind=spaceship"
        )
        .status(),
        400
    );
    assert_eq!(
        get(&server, &server.staff_token, "/api/v1/records?cursor=zzz").status(),
        400
    );
}
