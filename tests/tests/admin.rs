//! A deployment grows from one administrator: a new commune from its boundary, its first staff
//! member with a key shown once, whose key opens the dashboard and who then imports hamlets and
//! brings a volunteer in, whose phone records there; a Department viewer made the same way sees
//! the new commune beside the others. The administrator sees no record and writes none; nobody
//! else can make communes or accounts.

use sachxanh_core::model::*;
use sachxanh_tests::*;
use serde_json::{json, Value};

fn admin_key(server: &TestServer) -> String {
    let person = sachxanh_server::storage::Person {
        id: "p-admin-test".into(),
        name: "Quản trị thử".into(),
        role: Role::Administrator,
        commune_id: String::new(),
        areas: vec![],
    };
    sachxanh_server::enrol::add_with_key(server.storage.as_ref(), &person).expect("admin")
}

fn square(x: f64, y: f64, size: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size],
        [x, y + size], [x, y]]]})
}

#[test]
fn an_administrator_makes_a_commune_and_its_staff_who_bring_in_a_phone_that_records_there() {
    let server = TestServer::start();
    let admin = admin_key(&server);
    // Drawn over Rạch Sen: refused, naming it, in both languages.
    let over = server.post_as(
        &admin,
        "/api/v1/admin/communes",
        json!({"name": "Xã Chồng", "province": "Thành phố Cần Thơ",
               "boundary": square(105.63, 10.0, 0.02)}),
    );
    assert_eq!(over.status(), 400);
    let e: Value = over.json().unwrap();
    assert!(
        e["message"]["en"]
            .as_str()
            .unwrap()
            .contains("overlaps Xã Rạch Sen"),
        "{e}"
    );
    let made = server.post_as(
        &admin,
        "/api/v1/admin/communes",
        json!({"name": "Xã Sen Vàng", "province": "Thành phố Cần Thơ",
               "boundary": square(105.40, 10.10, 0.04)}),
    );
    assert_eq!(made.status(), 201);
    let commune = made.json::<Value>().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(commune, "xa-sen-vang");

    // Its first staff member: a key, shown once, that opens the dashboard of that commune.
    let staff = server.post_as(
        &admin,
        "/api/v1/admin/people",
        json!({"name": "Cán bộ Sen Vàng", "role": "commune_staff", "commune_id": commune}),
    );
    assert_eq!(staff.status(), 201);
    let staff: Value = staff.json().unwrap();
    let key = staff["key"].as_str().unwrap().to_owned();
    assert_eq!(staff["commune_id"], commune.as_str());
    let me: Value = server.get_as(&key, "/api/v1/me").json().unwrap();
    assert_eq!(me["commune_id"], commune.as_str(), "{me}");

    // The staff member imports two hamlets and brings a volunteer in.
    let hamlets = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ten": "Ấp Một"}, "geometry": square(105.40, 10.10, 0.02)},
        {"type": "Feature", "properties": {"ten": "Ấp Hai"}, "geometry": square(105.42, 10.10, 0.02)}
    ]});
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/areas/import", server.url))
        .bearer_auth(&key)
        .body(hamlets.to_string())
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let areas: Value = server.get_as(&key, "/api/v1/areas").json().unwrap();
    let first = areas["areas"][0]["id"].as_str().unwrap().to_owned();
    let code = server.post_as(
        &key,
        "/api/v1/enrolment-codes",
        json!({"name": "Tình nguyện viên Sen Vàng", "role": "volunteer", "areas": [first]}),
    );
    assert_eq!(code.status(), 201);
    let code: Value = code.json().unwrap();
    // The phone is built with the demo areas only; it learns the new commune at its first sync.
    let mut store = sachxanh_core::Store::open_in_memory(server.reference.clone()).unwrap();
    let enrolled = sachxanh_core::sync::SyncClient::enrol(
        &server.url,
        code["code"].as_str().unwrap(),
        &mut store,
        test_retry(),
    )
    .unwrap();
    let client =
        sachxanh_core::sync::SyncClient::with_policy(&server.url, &enrolled.token, test_retry())
            .unwrap();
    let never = std::sync::atomic::AtomicBool::new(false);
    client.sync(&mut store, &mut |_| {}, &never).unwrap();
    assert!(store.reference().commune(&commune).is_some());
    store
        .create(Household {
            area_id: first.clone(),
            address: "Số 1, ấp Một".into(),
            head_name: "Hộ Sen Vàng".into(),
            members: 4,
            location: Some(sachxanh_core::place::Coord::new(105.41, 10.11)),
            note: String::new(),
        })
        .expect("a household of the new commune");
    let report = client.sync(&mut store, &mut |_| {}, &never).unwrap();
    assert_eq!((report.pushed, report.refused), (1, 0));

    // A Department viewer, made by the administrator, sees the new commune beside the others.
    let viewer: Value = server
        .post_as(
            &admin,
            "/api/v1/admin/people",
            json!({"name": "Chuyên viên Sở mới", "role": "province_viewer"}),
        )
        .json()
        .unwrap();
    let targets: Value = server
        .get_as(viewer["key"].as_str().unwrap(), "/api/v1/targets")
        .json()
        .unwrap();
    let communes: Vec<&str> = targets["communes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["unit_id"].as_str().unwrap())
        .collect();
    assert!(
        communes.contains(&"xa-sen-vang") && communes.contains(&COMMUNE),
        "{communes:?}"
    );

    // The administrator's overview lists it with its staff; the new commune's history says who.
    let overview: Value = server
        .get_as(&admin, "/api/v1/admin/communes")
        .json()
        .unwrap();
    let row = overview["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "xa-sen-vang")
        .cloned()
        .unwrap();
    assert_eq!(row["areas"], 2);
    assert_eq!(row["staff"][0], "Cán bộ Sen Vàng");
}

#[test]
fn only_an_administrator_makes_communes_and_accounts_and_it_sees_no_record() {
    let server = TestServer::start();
    let admin = admin_key(&server);
    let account = json!({"name": "Kẻ lạ", "role": "administrator"});
    let commune =
        json!({"name": "Xã Lạ", "province": "Cần Thơ", "boundary": square(105.0, 9.0, 0.01)});
    let volunteer = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    for key in [
        server.staff_token.clone(),
        server.viewer_key(),
        volunteer.enrolment.token.clone(),
    ] {
        assert_eq!(
            server
                .post_as(&key, "/api/v1/admin/people", account.clone())
                .status(),
            403
        );
        assert_eq!(
            server
                .post_as(&key, "/api/v1/admin/communes", commune.clone())
                .status(),
            403
        );
        assert_eq!(server.get_as(&key, "/api/v1/admin/communes").status(), 403);
    }
    // The administrator reads no record, reviews nothing, and cannot hand out phone roles.
    for path in [
        "/api/v1/records",
        "/api/v1/review-queue",
        "/api/v1/targets",
        "/api/v1/people",
    ] {
        let r = server.get_as(&admin, path);
        assert!(
            r.status() == 403 || r.json::<Value>().unwrap()["records"] == json!([]),
            "{path}"
        );
    }
    let r = server.post_as(
        &admin,
        "/api/v1/admin/people",
        json!({"name": "Tình nguyện viên", "role": "volunteer", "commune_id": COMMUNE}),
    );
    assert_eq!(r.status(), 400);
    let e: Value = r.json().unwrap();
    assert!(e["message"]["en"]
        .as_str()
        .unwrap()
        .contains("added by their commune's staff"));
    // Staff need a commune that exists.
    let r = server.post_as(
        &admin,
        "/api/v1/admin/people",
        json!({"name": "Cán bộ", "role": "commune_staff", "commune_id": "nowhere"}),
    );
    assert_eq!(r.status(), 400);
    assert_eq!(server.counts().0, 0, "no record was touched");
}
