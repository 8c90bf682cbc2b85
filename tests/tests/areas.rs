//! Staff manage the commune's residential areas and phones follow: a hamlet renamed and another
//! merged into it reach a phone at its next sync (with the people of the merged hamlet moved),
//! a past period's figures stay as they were after a merger while the current one counts the
//! merged hamlet's households in the hamlet that took it over, a boundary file from QGIS is
//! taken or refused whole with every problem named in both languages, and nobody but the
//! commune's own staff changes its areas. The areas in use survive a restart and are seen by a
//! second server instance.

use sachxanh_core::model::*;
use sachxanh_tests::*;
use serde_json::{json, Value};

const KEPT: &str = "rs-ap-ben-dinh";

fn change(server: &TestServer, body: Value) -> Value {
    let r = server.post_as(&server.staff_token, "/api/v1/areas/changes", body);
    assert_eq!(r.status(), 200);
    r.json().expect("JSON")
}

fn approve(server: &TestServer, ids: &[String]) {
    for id in ids {
        assert_eq!(server.staff_decide(id, "approved", "").status(), 201);
    }
}

fn hamlet<'a>(report: &'a Value, id: &str) -> Option<&'a Value> {
    report["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .find(|a| a["unit_id"] == id)
}

#[test]
fn a_rename_and_a_merger_reach_the_phone_and_its_person_moves_with_the_hamlet() {
    let server = TestServer::start();
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    phone.sync().expect("first sync");
    // The first sync brings the commune's areas as the server has them.
    let first = phone.store.areas_version().unwrap();
    assert!(first >= 1, "the phone holds the server's areas");
    assert!(phone.store.reference().area(AREA_A).is_some());
    assert!(
        phone.store.reference().commune(OTHER_COMMUNE).is_none(),
        "a phone receives its own commune only"
    );
    let h = phone.add_household("Lê Văn Thử");
    phone.sync().expect("sent");

    let renamed = change(
        &server,
        json!({"change": "rename", "area_id": KEPT, "name": "Ấp Bến Đình Mới"}),
    );
    assert!(renamed["summary"]["vi"]
        .as_str()
        .unwrap()
        .contains("Đổi tên"));
    let merged = change(
        &server,
        json!({"change": "merge", "area_id": AREA_A, "into_id": KEPT}),
    );
    assert_eq!(merged["version"].as_u64(), Some(first + 2));

    phone.sync().expect("sync after the changes");
    let r = phone.store.reference();
    assert_eq!(phone.store.areas_version().unwrap(), first + 2);
    assert_eq!(
        r.area(KEPT).map(|a| a.name.as_str()),
        Some("Ấp Bến Đình Mới")
    );
    let gone = r.area(AREA_A).expect("the merged hamlet is kept, ended");
    assert!(!gone.in_force());
    assert_eq!(gone.merged_into.as_deref(), Some(KEPT));
    // The person now works in the hamlet that took theirs over, and the phone offers it.
    let caps = phone.store.setting("areas").unwrap();
    assert_eq!(caps.as_deref(), Some(KEPT));
    // The household made before the merger is still theirs to edit, and is accepted.
    phone
        .store
        .update::<Household>(&h, |b| b.members = 5)
        .expect("edit saved");
    let report = phone.sync().expect("edit sent");
    assert_eq!((report.pushed, report.refused), (1, 0));
    // A new household in the merged hamlet's successor.
    phone
        .store
        .create(Household {
            area_id: KEPT.into(),
            address: "Số 8, ven kênh".into(),
            head_name: "Phạm Thị Thử".into(),
            members: 2,
            location: None,
            note: String::new(),
        })
        .expect("saved");
    assert_eq!(phone.sync().unwrap().pushed, 1);

    // A phone that syncs again gets nothing more: its areas are the latest.
    let again = phone.sync().unwrap();
    assert_eq!(again.pulled, 0);

    // The history says who did what, newest first.
    let list = server.staff_get("/api/v1/areas");
    let history = list["history"].as_array().expect("history");
    assert!(history[0]["summary"]["en"]
        .as_str()
        .unwrap()
        .starts_with("Merged"));
    assert_eq!(history[0]["by"], "Cán bộ thử nghiệm");
    assert!(list["areas"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == AREA_A && a["merged_into"] == KEPT));
}

#[test]
fn a_past_periods_figures_are_unchanged_after_a_merger() {
    let server = TestServer::start();
    let mut a = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let mut b = server.phone(Role::Volunteer, &[KEPT], &server.url);
    let mut ids: Vec<String> = (0..2)
        .map(|n| a.add_household(&format!("Hộ A{n}")))
        .collect();
    ids.push(b.add_household("Hộ B"));
    a.sync().unwrap();
    b.sync().unwrap();
    approve(&server, &ids);

    let today = Day::today();
    let last_year = |d: Day| Day(d.0 - chrono::Duration::days(365));
    let past = format!(
        "/api/v1/targets?from={}&to={}",
        last_year(last_year(today)),
        last_year(today)
    );
    let now = format!("/api/v1/targets?from={}&to={today}", last_year(today));
    let before = server.staff_get(&past);
    let of = |r: &Value, id: &str| {
        hamlet(r, id).map(|h| h["household_sorting"]["denominator"].as_u64().unwrap())
    };
    assert_eq!((of(&before, AREA_A), of(&before, KEPT)), (Some(2), Some(1)));

    change(
        &server,
        json!({"change": "merge", "area_id": AREA_A, "into_id": KEPT}),
    );
    // Last year's report, asked again after the merger: exactly as it was.
    assert_eq!(server.staff_get(&past), before);
    // This period (the merger falls in it): the merged hamlet's households count in the other.
    let after = server.staff_get(&now);
    assert_eq!((of(&after, AREA_A), of(&after, KEPT)), (None, Some(3)));
    let commune = after["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit_id"] == COMMUNE)
        .cloned()
        .unwrap();
    assert_eq!(commune["household_sorting"]["denominator"], 3);
}

fn import(server: &TestServer, key: &str, text: &str) -> reqwest::blocking::Response {
    reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/areas/import", server.url))
        .bearer_auth(key)
        .header("content-type", "application/geo+json")
        .body(text.to_owned())
        .send()
        .expect("import")
}

fn qgis(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "name": "ranh_gioi_ap",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features})
    .to_string()
}

fn polygon(name: &str, ring: &[(f64, f64)]) -> Value {
    let coords: Vec<[f64; 2]> = ring.iter().map(|&(x, y)| [x, y]).collect();
    json!({"type": "Feature", "properties": {"fid": 1, "ten": name},
        "geometry": {"type": "MultiPolygon", "coordinates": [[coords]]}})
}

#[test]
fn a_boundary_file_is_taken_whole_or_refused_with_every_problem_named() {
    let server = TestServer::start();
    let version = || {
        server.staff_get("/api/v1/areas")["version"]
            .as_u64()
            .unwrap()
    };
    let start = version();
    let hanoi = [
        (105.8, 21.0),
        (105.81, 21.0),
        (105.81, 21.01),
        (105.8, 21.0),
    ];
    let bow_tie = [
        (105.62, 10.0),
        (105.64, 10.01),
        (105.64, 10.0),
        (105.62, 10.01),
        (105.62, 10.0),
    ];
    let over_my_hoa = [
        (105.625, 9.995),
        (105.635, 9.995),
        (105.635, 10.005),
        (105.625, 10.005),
        (105.625, 9.995),
    ];
    let bad = qgis(vec![
        polygon("Ấp Xa", &hanoi),
        polygon("Ấp Chéo", &bow_tie),
        polygon("Ấp Chồng", &over_my_hoa),
    ]);
    let r = import(&server, &server.staff_token, &bad);
    assert_eq!(r.status(), 400);
    let e: Value = r.json().unwrap();
    let (vi, en) = (
        e["message"]["vi"].as_str().unwrap(),
        e["message"]["en"].as_str().unwrap(),
    );
    assert!(en.contains("Ấp Xa lies outside the commune"), "{en}");
    assert!(en.contains("Ấp Chéo is not valid"), "{en}");
    assert!(en.contains("Ấp Chồng overlaps Ấp Mỹ Hòa"), "{en}");
    assert!(vi.contains("nằm ngoài địa giới xã"), "{vi}");
    assert_eq!(version(), start, "a refused file changes nothing");

    // Mỹ Hòa redrawn (named without diacritics, as a GIS layer may have it), and a new hamlet
    // with no overlap: both taken.
    let my_hoa = [
        (105.62, 9.99),
        (105.639, 9.99),
        (105.64, 10.0095),
        (105.62, 10.0099),
        (105.62, 9.99),
    ];
    let r = import(
        &server,
        &server.staff_token,
        &qgis(vec![polygon("ap my hoa", &my_hoa)]),
    );
    assert_eq!(r.status(), 200);
    let done: Value = r.json().unwrap();
    assert!(done["summary"]["en"]
        .as_str()
        .unwrap()
        .contains("1 updated [Ấp Mỹ Hòa]"));
    assert_eq!(version(), start + 1);

    // Not a FeatureCollection, or too large: typed errors in both languages.
    let r = import(&server, &server.staff_token, "{not json");
    assert_eq!(r.status(), 400);
    let e: Value = r.json().unwrap();
    assert!(e["message"]["vi"]
        .as_str()
        .unwrap()
        .contains("Không đọc được"));
    let huge = "x".repeat(5 << 20);
    let r = import(&server, &server.staff_token, &huge);
    assert_eq!(r.status(), 413);
    assert_eq!(version(), start + 1);
}

#[test]
fn only_the_communes_own_staff_change_its_areas() {
    let server = TestServer::start();
    let rename = json!({"change": "rename", "area_id": AREA_A, "name": "Ấp Khác"});
    let volunteer = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let r = server.post_as(
        &volunteer.enrolment.token,
        "/api/v1/areas/changes",
        rename.clone(),
    );
    assert_eq!(r.status(), 403);
    let r = server.post_as(
        &server.viewer_key(),
        "/api/v1/areas/changes",
        rename.clone(),
    );
    assert_eq!(r.status(), 403);
    let r = import(&server, &server.viewer_key(), &qgis(vec![]));
    assert_eq!(r.status(), 403);
    // Staff of the other commune cannot name our hamlet.
    let other = server.staff_key_in(OTHER_COMMUNE);
    let r = server.post_as(&other, "/api/v1/areas/changes", rename.clone());
    assert_eq!(r.status(), 400);
    let e: Value = r.json().unwrap();
    assert_eq!(e["message"]["en"], "No such area");
    // Refusals of the rules, in both languages: a name taken, into itself, a future date.
    for (body, en) in [
        (
            json!({"change": "rename", "area_id": AREA_A, "name": "ap cau tre"}),
            "already has an area named",
        ),
        (
            json!({"change": "merge", "area_id": AREA_A, "into_id": AREA_A}),
            "merged into itself",
        ),
        (
            json!({"change": "retire", "area_id": AREA_A, "on": "2999-01-01"}),
            "cannot be after today",
        ),
        (
            json!({"change": "explode", "area_id": AREA_A}),
            "invalid area change",
        ),
    ] {
        let r = server.post_as(&server.staff_token, "/api/v1/areas/changes", body);
        assert_eq!(r.status(), 400);
        let e: Value = r.json().unwrap();
        assert!(e["message"]["en"].as_str().unwrap().contains(en), "{e}");
        assert!(!e["message"]["vi"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        server.staff_get("/api/v1/areas")["history"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "nothing was changed"
    );
}

#[test]
fn the_areas_in_use_survive_a_restart_and_a_second_instance_sees_them() {
    let server = TestServer::start();
    let second = server.another_instance();
    change(&server, json!({"change": "add", "name": "Ấp Sen Hồng"}));
    // The other instance serves the new hamlet to its phones at their next pull.
    let mut phone = second.phone(Role::AreaHead, &[AREA_A], &second.url);
    phone.sync().unwrap();
    assert!(phone
        .store
        .reference()
        .areas_of(COMMUNE)
        .any(|a| a.name == "Ấp Sen Hồng"));
    // A restart: a new server state over the same database uses the stored areas, not the
    // starting file it is given.
    let restarted = sachxanh_server::AppState::new(
        server.database.open(),
        std::sync::Arc::new(sachxanh_core::Reference::demo()),
    );
    let reference = restarted.reference();
    let added = reference
        .areas_of(COMMUNE)
        .find(|a| a.name == "Ấp Sen Hồng")
        .expect("the added hamlet survives a restart");
    assert_eq!(added.from, Some(Day::today()));
}
