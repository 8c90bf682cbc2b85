//! The province's Department: a viewer made from the command line sees every commune side by
//! side, opens any commune's record, and is refused every write the server has.

use sachxanh_core::model::*;
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
